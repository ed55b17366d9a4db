// A real OpenID provider (oidc-provider, ESM-only, so it runs in this child process) for the
// sign-in tests. Configuration comes as JSON in OIDC_TEST_CONFIG: { port, issuer, clients, jwk, groups? }
// (groups: login → group names, released with the profile scope).
// Any login name signs in as that e-mail address. Prints "ready" when listening.
import Provider from 'oidc-provider';

const cfg = JSON.parse(process.env.OIDC_TEST_CONFIG);
const provider = new Provider(cfg.issuer, {
  clients: cfg.clients,
  jwks: { keys: [cfg.jwk] },
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, email: id, email_verified: true, groups: (cfg.groups ?? {})[id] ?? [] }),
  }),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  // The scope's claims in the ID token too (the API maps users by the e-mail claim).
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  cookies: { keys: ['oidc-provider-test-cookie-key'] },
  ttl: { IdToken: 600, AccessToken: 600, Interaction: 600, Session: 600, Grant: 600 },
  features: { devInteractions: { enabled: true } },
});
provider.listen(cfg.port, '127.0.0.1', () => process.stdout.write('ready\n'));
