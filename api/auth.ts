import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { AppConfig } from '../lib/config';
import { isDatabaseUnavailableError, type PrismaClient } from '../lib/db';
import type { Logger } from '../lib/logger';
import { ROLES, type Role } from '../domain/roles';
import { HttpError, unauthorized } from './errors';
import type { ReadCache } from './read-cache';
import type { AuthUser } from './types';

export const DEV_ISSUER = 'rus-undp-dev';
export const DEV_AUDIENCE = 'rus-undp-api';
export const DEV_TOKEN_TTL_SECONDS = 8 * 3600;

/** How far a token's `iat` may lie in the future (clocks of issuer and API differ a little). */
export const CLOCK_SKEW_SECONDS = 30;

/** Asymmetric algorithms an identity provider may use; `none` and HMAC are never accepted from OIDC. */
const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface Authenticator {
  mode: AppConfig['AUTH_MODE'];
  /** Verifies a bearer token and returns the active user it names. Throws 401. */
  authenticate(token: string): Promise<AuthUser>;
  /** Dev mode only: a token for an existing active user. */
  devToken?(email: string): Promise<{ token: string; expiresIn: number }>;
}

const USER_SELECT = { id: true, email: true, name: true, role: true, countryCode: true, institutionId: true, expertId: true, language: true, active: true } as const;

function toAuthUser(u: { id: string; email: string; name: string; role: string; countryCode: string | null; institutionId: string | null; expertId: string | null; language: string; active: boolean } | null): AuthUser {
  if (!u || !u.active || !(ROLES as readonly string[]).includes(u.role)) throw unauthorized('unknown or inactive user');
  return { id: u.id, email: u.email, name: u.name, role: u.role as Role, countryCode: u.countryCode, institutionId: u.institutionId, expertId: u.expertId, language: u.language };
}

function invalidToken(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof joseErrors.JWTExpired) return unauthorized('the token has expired');
  if (err instanceof joseErrors.JWTClaimValidationFailed) return unauthorized(`the token's ${err.claim} claim is not accepted`);
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return unauthorized('the token algorithm is not accepted');
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return unauthorized('the token signature is invalid');
  return unauthorized('the token is invalid');
}

/**
 * Rules for every signed bearer token, whoever issued it: it must expire, must not live longer
 * than AUTH_MAX_TOKEN_LIFETIME_SECONDS (exp - iat, or exp - now without iat: a long-lived token
 * stolen once would work for its whole life), and must not be issued in the future.
 */
export function checkTokenLifetime(payload: JWTPayload, maxLifetimeSeconds: number, nowSeconds = Math.floor(Date.now() / 1000)): void {
  if (typeof payload.exp !== 'number') throw unauthorized('the token has no exp claim');
  if (payload.iat !== undefined) {
    if (typeof payload.iat !== 'number') throw unauthorized("the token's iat claim is not accepted");
    if (payload.iat > nowSeconds + CLOCK_SKEW_SECONDS) throw unauthorized('the token is issued in the future');
  }
  const lifetime = payload.exp - (payload.iat ?? nowSeconds);
  if (lifetime > maxLifetimeSeconds) throw unauthorized(`the token lives longer than the accepted ${maxLifetimeSeconds} s`);
}

export function createAuthenticator(config: AppConfig, prisma: PrismaClient, logger: Logger, cache?: ReadCache): Authenticator {
  // The user behind a token is read once per database version: deactivating a user or changing
  // a role is a write, so the next request reads the row again.
  const userWhere = (where: { id: string } | { email: string }) => {
    const find = () => prisma.user.findUnique({ where, select: USER_SELECT });
    return cache ? cache.get(`user:${JSON.stringify(where)}`, find) : find();
  };
  if (config.AUTH_MODE === 'oidc') {
    if (!config.OIDC_JWKS_URL || !config.OIDC_ISSUER || !config.OIDC_AUDIENCE) throw new Error('OIDC_ISSUER, OIDC_AUDIENCE and OIDC_JWKS_URL are required when AUTH_MODE=oidc');
    const jwks = createRemoteJWKSet(new URL(config.OIDC_JWKS_URL), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    const issuer = config.OIDC_ISSUER;
    const audience = config.OIDC_AUDIENCE;
    return {
      mode: 'oidc',
      async authenticate(token) {
        let payload: JWTPayload;
        try {
          ({ payload } = await jwtVerify(token, jwks, { issuer, audience, algorithms: OIDC_ALGORITHMS, clockTolerance: CLOCK_SKEW_SECONDS, requiredClaims: ['exp'] }));
        } catch (err) {
          throw invalidToken(err);
        }
        checkTokenLifetime(payload, config.AUTH_MAX_TOKEN_LIFETIME_SECONDS);
        const email = typeof payload.email === 'string' ? payload.email.trim().toLowerCase() : '';
        if (!email) throw unauthorized('the token carries no email claim');
        if (payload.email_verified === false) throw unauthorized('the email of the token is not verified');
        return toAuthUser(await userWhere({ email }));
      },
    };
  }

  let secretText = config.AUTH_DEV_SECRET;
  if (!secretText) {
    secretText = randomBytes(32).toString('base64url');
    logger.warn({ event: 'auth_dev_secret_generated' }, 'AUTH_DEV_SECRET is not set: generated a random secret for this process; dev tokens will not survive a restart');
  }
  const secret = new TextEncoder().encode(secretText);
  const devTtl = Math.min(DEV_TOKEN_TTL_SECONDS, config.AUTH_MAX_TOKEN_LIFETIME_SECONDS);
  return {
    mode: 'dev',
    async authenticate(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, secret, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, algorithms: ['HS256'], clockTolerance: CLOCK_SKEW_SECONDS, requiredClaims: ['sub', 'exp'] }));
      } catch (err) {
        throw invalidToken(err);
      }
      checkTokenLifetime(payload, config.AUTH_MAX_TOKEN_LIFETIME_SECONDS);
      return toAuthUser(await userWhere({ id: String(payload.sub) }));
    },
    async devToken(email) {
      const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: USER_SELECT });
      const u = toAuthUser(user);
      const token = await new SignJWT({ email: u.email, role: u.role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(u.id)
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${devTtl}s`)
        .sign(secret);
      return { token, expiresIn: devTtl };
    },
  };
}

/** `Authorization: Bearer <JWT>` → req.user, or 401. */
export function requireAuth(auth: Authenticator): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
    if (!match) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return next(unauthorized());
    }
    auth
      .authenticate(match[1])
      .then((user) => {
        req.user = user;
        req.log = req.log.child({ userId: user.id });
        next();
      })
      .catch((err) => {
        // The account could not be read: the server's trouble (503 by the error handler), not a bad token.
        if (isDatabaseUnavailableError(err)) return next(err);
        res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
        next(err instanceof HttpError ? err : unauthorized());
      });
  };
}
