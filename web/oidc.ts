import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { AppConfig } from '../lib/config';

/**
 * The web app as an OpenID Connect relying party (authorization code flow with PKCE), as a
 * public client or, with OIDC_CLIENT_SECRET, a confidential one (client_secret_basic or
 * client_secret_post). The ID token is validated as OpenID Connect Core 3.1.3.7 requires:
 * signature (provider's JWKS), iss, aud, azp, exp/iat, and the nonce of this very sign-in.
 */
export interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

export interface TokenSet {
  access_token?: string;
  id_token?: string;
  expires_in?: number;
}

export class OidcError extends Error {}

const ID_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const trimSlash = (url: string) => url.replace(/\/+$/, '');

export function createOidcClient(config: AppConfig) {
  const clientId = config.OIDC_CLIENT_ID ?? '';
  let discovery: Promise<{ doc: Discovery; jwks: ReturnType<typeof createRemoteJWKSet> }> | undefined;

  const discover = () => {
    discovery ??= (async () => {
      const issuer = trimSlash(config.OIDC_ISSUER ?? '');
      const res = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new OidcError(`OIDC discovery answered ${res.status}`);
      const doc = (await res.json()) as Discovery;
      if (!doc.authorization_endpoint || !doc.token_endpoint || !doc.jwks_uri)
        throw new OidcError('OIDC discovery document lacks endpoints');
      // OpenID Connect Discovery 4.3: the document must be the configured issuer's.
      if (trimSlash(doc.issuer ?? '') !== issuer)
        throw new OidcError(`OIDC discovery names issuer ${doc.issuer}, not ${issuer}`);
      return {
        doc,
        jwks: createRemoteJWKSet(new URL(doc.jwks_uri), { timeoutDuration: 5000, cooldownDuration: 30_000 }),
      };
    })().catch((err) => {
      discovery = undefined;
      throw err;
    });
    return discovery;
  };

  return {
    async authorizationUrl(params: {
      redirectUri: string;
      state: string;
      nonce: string;
      codeChallenge: string;
    }): Promise<string> {
      const { doc } = await discover();
      const url = new URL(doc.authorization_endpoint);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: params.redirectUri,
        scope: 'openid email profile',
        state: params.state,
        nonce: params.nonce,
        code_challenge: params.codeChallenge,
        code_challenge_method: 'S256',
      }).toString();
      return url.toString();
    },

    /** RFC 9207: when the provider names itself in the authorization response, it must be ours. */
    async checkResponseIssuer(iss: unknown): Promise<void> {
      if (iss === undefined) return;
      const { doc } = await discover();
      if (typeof iss !== 'string' || trimSlash(iss) !== trimSlash(doc.issuer))
        throw new OidcError('the authorization response comes from another issuer');
    },

    /** Redeems the code (with the PKCE verifier, and the client secret of a confidential client). */
    async exchangeCode(params: { code: string; redirectUri: string; verifier: string }): Promise<TokenSet> {
      const { doc } = await discover();
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        code: params.code,
        redirect_uri: params.redirectUri,
        code_verifier: params.verifier,
      });
      const headers: Record<string, string> = {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      };
      const secret = config.OIDC_CLIENT_SECRET;
      if (secret && config.OIDC_TOKEN_AUTH_METHOD === 'client_secret_basic') {
        // RFC 6749 2.3.1: both parts form-urlencoded before Base64.
        const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
        headers.Authorization = `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
      } else {
        body.set('client_id', clientId);
        if (secret) body.set('client_secret', secret);
      }
      const res = await fetch(doc.token_endpoint, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new OidcError(`token endpoint answered ${res.status}`);
      return (await res.json()) as TokenSet;
    },

    /** OpenID Connect Core 3.1.3.7 for the ID token of this sign-in; returns its claims. */
    async validateIdToken(idToken: string | undefined, nonce: string): Promise<JWTPayload> {
      if (!idToken) throw new OidcError('the token response has no ID token');
      const { doc, jwks } = await discover();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(idToken, jwks, {
          issuer: doc.issuer,
          audience: clientId,
          algorithms: ID_TOKEN_ALGORITHMS,
          clockTolerance: 30,
          requiredClaims: ['sub', 'exp', 'iat'],
        }));
      } catch (err) {
        const claim = err instanceof joseErrors.JWTClaimValidationFailed ? ` (${err.claim})` : '';
        throw new OidcError(`the ID token is not valid${claim}: ${err instanceof Error ? err.message : String(err)}`);
      }
      const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (audiences.length > 1 && payload.azp === undefined)
        throw new OidcError('the ID token has several audiences but no azp');
      if (payload.azp !== undefined && payload.azp !== clientId)
        throw new OidcError('the ID token was issued to another party (azp)');
      if (payload.nonce !== nonce) throw new OidcError('the ID token does not carry the nonce of this sign-in');
      return payload;
    },
  };
}
