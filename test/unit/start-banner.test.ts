import { DEMO_USERS } from '../../domain/demo';
import { loadConfig } from '../../lib/config';
import { startBanner } from '../../lib/start-banner';

/** The banner of `npm start` describes the auth mode that runs (npm start itself: test/resilience/start-stop). */
test('dev mode lists the demo accounts and the dev sign-in; OIDC mode names the provider and no dev sign-in', () => {
  const dev = startBanner(loadConfig({ AUTH_MODE: 'dev' }), { ownTemporal: true }).join('\n');
  expect(dev).toContain('/auth/dev-token');
  for (const u of Object.values(DEMO_USERS)) expect(dev).toContain(u.email);
  const oidc = startBanner(
    loadConfig({
      AUTH_MODE: 'oidc',
      OIDC_ISSUER: 'https://login.example.org/realms/undp',
      OIDC_AUDIENCE: 'rus-undp',
      OIDC_JWKS_URL: 'https://login.example.org/jwks',
    }),
    { ownTemporal: false, temporalAddress: 'temporal:7233' },
  ).join('\n');
  expect(oidc).toContain('https://login.example.org/realms/undp');
  expect(oidc).toContain('temporal:7233 (existing server)');
  expect(oidc).not.toMatch(/dev-token|demo/i);
  for (const u of Object.values(DEMO_USERS)) expect(oidc).not.toContain(u.email);
});
