import { randomBytes, randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
} from 'jose';
import { Prisma } from '../generated/prisma/client';
import { authModes, type AppConfig, type AuthMode, type OidcRoleRule } from '../lib/config';
import { auditAccount } from './accounts/audit';
import { isDatabaseUnavailableError, type PrismaClient } from '../lib/db';
import type { Logger } from '../lib/logger';
import { ROLES, type Role } from '../domain/roles';
import { OPAQUE_TOKEN, sha256Hex } from './accounts/tokens';
import { HttpError, unauthorized } from './errors';
import type { ReadCache } from './read-cache';
import type { AuthUser } from './types';

export const DEV_ISSUER = 'rus-undp-dev';
export const DEV_AUDIENCE = 'rus-undp-api';
export const DEV_TOKEN_TTL_SECONDS = 8 * 3600;

/** How far a token's `iat` may lie in the future (clocks of issuer and API differ a little). */
export const CLOCK_SKEW_SECONDS = 30;

/** A session token's last use is written at most this often (each write is a database change). */
const LAST_USE_RESOLUTION_MS = 60_000;

/** Asymmetric algorithms an identity provider may use; `none` and HMAC are never accepted from OIDC. */
const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface Authenticator {
  /** The sign-in modes this API accepts (AUTH_MODE). */
  modes: AuthMode[];
  /**
   * Verifies a bearer token and returns the active user it names, checked against the account's
   * state at this database version (so a deactivation, role change or sign-out everywhere made
   * through any API instance counts on the very next request). Throws 401.
   */
  authenticate(token: string): Promise<AuthUser>;
  /** Dev mode only: a token for an existing active user. */
  devToken?(email: string): Promise<{ token: string; expiresIn: number }>;
  /** OIDC mode only: the verified claims of a provider's token (JIT accounts read them). */
  oidcClaims?(token: string): Promise<JWTPayload>;
}

interface AccountRow {
  id: string;
  email: string;
  name: string;
  role: string;
  countryCode: string | null;
  institutionId: string | null;
  expertId: string | null;
  language: string;
  active: boolean;
  tokensValidAfter: Date | null;
}

interface TokenRow {
  id: string;
  userId: string;
  kind: string;
  role: string;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

function toAuthUser(u: AccountRow | undefined): AuthUser {
  if (!u || !u.active || !(ROLES as readonly string[]).includes(u.role)) throw unauthorized('unknown or inactive user');
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role as Role,
    countryCode: u.countryCode,
    institutionId: u.institutionId,
    expertId: u.expertId,
    language: u.language,
  };
}

function invalidToken(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof joseErrors.JWTExpired) return unauthorized('the token has expired');
  if (err instanceof joseErrors.JWTClaimValidationFailed)
    return unauthorized(`the token's ${err.claim} claim is not accepted`);
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return unauthorized('the token algorithm is not accepted');
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return unauthorized('the token signature is invalid');
  return unauthorized('the token is invalid');
}

/**
 * Rules for every signed bearer token, whoever issued it: it must expire, must not live longer
 * than AUTH_MAX_TOKEN_LIFETIME_SECONDS (exp - iat, or exp - now without iat: a long-lived token
 * stolen once would work for its whole life), and must not be issued in the future.
 */
export function checkTokenLifetime(
  payload: JWTPayload,
  maxLifetimeSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): void {
  if (typeof payload.exp !== 'number') throw unauthorized('the token has no exp claim');
  if (payload.iat !== undefined) {
    if (typeof payload.iat !== 'number') throw unauthorized("the token's iat claim is not accepted");
    if (payload.iat > nowSeconds + CLOCK_SKEW_SECONDS) throw unauthorized('the token is issued in the future');
  }
  const lifetime = payload.exp - (payload.iat ?? nowSeconds);
  if (lifetime > maxLifetimeSeconds)
    throw unauthorized(`the token lives longer than the accepted ${maxLifetimeSeconds} s`);
}

/** A signed token issued before the account's "sign out everywhere" (or erasure) is over. */
function checkIssuedAfter(payload: JWTPayload, account: AccountRow | undefined): void {
  if (!account?.tokensValidAfter) return;
  const issuedMs = typeof payload.iat === 'number' ? payload.iat * 1000 : 0;
  if (issuedMs <= account.tokensValidAfter.getTime())
    throw unauthorized('the token was revoked (signed out everywhere)');
}

export function createAuthenticator(
  config: AppConfig,
  prisma: PrismaClient,
  logger: Logger,
  cache?: ReadCache,
): Authenticator {
  const modes = authModes(config);
  const idleMs = config.SESSION_IDLE_MINUTES * 60_000;
  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => (cache ? cache.get(key, load) : load());

  // The account behind a token is read once per database version: deactivating a user, changing
  // a role or signing out everywhere is a write, so the next request (on any instance: the
  // version is PostgreSQL's commit snapshot) reads the row again.
  const account = (where: { id: string } | { email: string }): Promise<AccountRow | undefined> =>
    cached(`account:${JSON.stringify(where)}`, async () => {
      const rows =
        'id' in where
          ? await prisma.$queryRaw<
              AccountRow[]
            >`SELECT u."id", u."email", u."name", u."role", u."countryCode", u."institutionId", u."expertId", u."language", u."active", a."tokensValidAfter"
            FROM "User" u LEFT JOIN "AccountState" a ON a."userId" = u."id" WHERE u."id" = ${where.id}`
          : await prisma.$queryRaw<
              AccountRow[]
            >`SELECT u."id", u."email", u."name", u."role", u."countryCode", u."institutionId", u."expertId", u."language", u."active", a."tokensValidAfter"
            FROM "User" u LEFT JOIN "AccountState" a ON a."userId" = u."id" WHERE u."email" = ${where.email}`;
      return rows[0];
    });

  async function opaque(token: string): Promise<AuthUser> {
    const hash = sha256Hex(token);
    const row = await cached<TokenRow | null>(`api-token:${hash}`, () =>
      prisma.apiToken.findUnique({
        where: { tokenHash: hash },
        select: {
          id: true,
          userId: true,
          kind: true,
          role: true,
          expiresAt: true,
          lastUsedAt: true,
          revokedAt: true,
          createdAt: true,
        },
      }),
    );
    const now = Date.now();
    if (!row) throw unauthorized('the token is invalid');
    if (row.revokedAt) throw unauthorized('the token was revoked');
    if (row.expiresAt.getTime() <= now) throw unauthorized('the token has expired');
    const lastUse = (row.lastUsedAt ?? row.createdAt).getTime();
    if (row.kind === 'session' && now - lastUse > idleMs) throw unauthorized('the session ended after inactivity');
    const user = toAuthUser(await account({ id: row.userId }));
    // A token acts with the role it was created under: a changed role ends it at once.
    if (user.role !== row.role) throw unauthorized('the token was issued for another role');
    if (!row.lastUsedAt || now - lastUse >= LAST_USE_RESOLUTION_MS) {
      await prisma.apiToken.updateMany({ where: { id: row.id, revokedAt: null }, data: { lastUsedAt: new Date(now) } });
    }
    return { ...user, via: { kind: row.kind === 'personal' ? 'personal' : 'session', tokenId: row.id } };
  }

  let oidc: ((token: string) => Promise<JWTPayload>) | undefined;
  if (modes.includes('oidc')) {
    if (!config.OIDC_JWKS_URL || !config.OIDC_ISSUER || !config.OIDC_AUDIENCE)
      throw new Error('OIDC_ISSUER, OIDC_AUDIENCE and OIDC_JWKS_URL are required when AUTH_MODE includes oidc');
    const jwks = createRemoteJWKSet(new URL(config.OIDC_JWKS_URL), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    const issuer = config.OIDC_ISSUER;
    const audience = config.OIDC_AUDIENCE;
    oidc = async (token) => {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          issuer,
          audience,
          algorithms: OIDC_ALGORITHMS,
          clockTolerance: CLOCK_SKEW_SECONDS,
          requiredClaims: ['exp'],
        }));
      } catch (err) {
        throw invalidToken(err);
      }
      checkTokenLifetime(payload, config.AUTH_MAX_TOKEN_LIFETIME_SECONDS);
      return payload;
    };
  }

  /**
   * A first OIDC sign-in of someone without an account: the account is made when a claim maps
   * to a role (OIDC_ROLE_MAPPING, first rule that matches), else 401 no_account (the web app
   * shows "ask an administrator").
   */
  async function justInTime(payload: JWTPayload, email: string): Promise<AccountRow> {
    const rule = mapClaims(config.OIDC_ROLE_MAPPING, payload, email, config.OIDC_GROUPS_CLAIM);
    if (!rule)
      throw new HttpError(
        401,
        'no_account',
        'no account uses this e-mail address and no rule gives it one: ask an administrator to invite you',
      );
    const name =
      typeof payload.name === 'string' && payload.name.trim() ? payload.name.trim().slice(0, 200) : email.split('@')[0];
    const language = typeof payload.locale === 'string' && payload.locale.toLowerCase().startsWith('ru') ? 'ru' : 'en';
    const id = `u-${randomUUID()}`;
    try {
      await prisma.$transaction(async (tx) => {
        await tx.user.create({
          data: { id, email, name, role: rule.role, countryCode: rule.countryCode ?? null, language },
        });
        await auditAccount(tx, {
          actor: null,
          subjectId: id,
          action: 'account_created',
          data: {
            via: 'oidc_just_in_time',
            rule: { match: rule.match, value: rule.value },
            role: rule.role,
            countryCode: rule.countryCode ?? null,
          },
        });
      });
      logger.info(
        { event: 'account_created_just_in_time', userId: id, role: rule.role },
        'account created at a first OIDC sign-in',
      );
    } catch (err) {
      // Two first requests at once: the other one made it.
      if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')) throw err;
    }
    const rows = await prisma.$queryRaw<
      AccountRow[]
    >`SELECT u."id", u."email", u."name", u."role", u."countryCode", u."institutionId", u."expertId", u."language", u."active", a."tokensValidAfter"
      FROM "User" u LEFT JOIN "AccountState" a ON a."userId" = u."id" WHERE u."email" = ${email}`;
    return rows[0];
  }

  let dev: { verify(token: string): Promise<JWTPayload>; sign(u: AuthUser): Promise<string>; ttl: number } | undefined;
  if (modes.includes('dev')) {
    let secretText = config.AUTH_DEV_SECRET;
    if (!secretText) {
      secretText = randomBytes(32).toString('base64url');
      logger.warn(
        { event: 'auth_dev_secret_generated' },
        'AUTH_DEV_SECRET is not set: generated a random secret for this process; dev tokens will not survive a restart',
      );
    }
    const secret = new TextEncoder().encode(secretText);
    const ttl = Math.min(DEV_TOKEN_TTL_SECONDS, config.AUTH_MAX_TOKEN_LIFETIME_SECONDS);
    dev = {
      ttl,
      async verify(token) {
        let payload: JWTPayload;
        try {
          ({ payload } = await jwtVerify(token, secret, {
            issuer: DEV_ISSUER,
            audience: DEV_AUDIENCE,
            algorithms: ['HS256'],
            clockTolerance: CLOCK_SKEW_SECONDS,
            requiredClaims: ['sub', 'exp'],
          }));
        } catch (err) {
          throw invalidToken(err);
        }
        checkTokenLifetime(payload, config.AUTH_MAX_TOKEN_LIFETIME_SECONDS);
        return payload;
      },
      sign: (u) =>
        new SignJWT({ email: u.email, role: u.role })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setSubject(u.id)
          .setIssuer(DEV_ISSUER)
          .setAudience(DEV_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime(`${ttl}s`)
          .sign(secret),
    };
  }

  /** An HS256 token can only be a dev token; anything else only the provider's. */
  const isDevShaped = (token: string): boolean => {
    try {
      return decodeProtectedHeader(token).alg === 'HS256';
    } catch {
      return false;
    }
  };

  return {
    modes,
    async authenticate(token) {
      if (OPAQUE_TOKEN.test(token)) return opaque(token);
      if (dev && (isDevShaped(token) || !oidc)) {
        const payload = await dev.verify(token);
        const row = await account({ id: String(payload.sub) });
        const user = toAuthUser(row);
        checkIssuedAfter(payload, row);
        return { ...user, via: { kind: 'dev' } };
      }
      if (oidc) {
        const payload = await oidc(token);
        const email = typeof payload.email === 'string' ? payload.email.trim().toLowerCase() : '';
        if (!email) throw unauthorized('the token carries no email claim');
        if (payload.email_verified === false) throw unauthorized('the email of the token is not verified');
        const row = (await account({ email })) ?? (await justInTime(payload, email));
        const user = toAuthUser(row);
        checkIssuedAfter(payload, row);
        return { ...user, via: { kind: 'oidc' } };
      }
      throw unauthorized('the token is invalid');
    },
    ...(dev
      ? {
          devToken: async (email: string) => {
            const d = dev!;
            const u = toAuthUser(await account({ email: email.trim().toLowerCase() }));
            return { token: await d.sign(u), expiresIn: d.ttl };
          },
        }
      : {}),
    ...(oidc ? { oidcClaims: oidc } : {}),
  };
}

/** The first rule of the mapping that the token's claims meet. */
export function mapClaims(
  rules: readonly OidcRoleRule[],
  payload: JWTPayload,
  email: string,
  groupsClaim: string,
): OidcRoleRule | undefined {
  const domain = email.split('@')[1] ?? '';
  const raw = payload[groupsClaim];
  const groups = new Set(
    (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : [])
      .filter((g): g is string => typeof g === 'string')
      .map((g) => g.toLowerCase()),
  );
  return rules.find((r) =>
    r.match === 'email' ? r.value === email : r.match === 'email_domain' ? r.value === domain : groups.has(r.value),
  );
}

/** `Authorization: Bearer <token>` → req.user, or 401. */
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
