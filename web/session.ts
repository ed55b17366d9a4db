import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { PrismaClient } from '../lib/db';
import type { Lang } from './i18n';

/**
 * Cookies and sessions of the web app. A session lives in the database (WebSession): the cookie
 * holds only a random secret, the row (found by the secret's SHA-256) holds the API bearer token
 * encrypted under a key derived from the secret, and what the pages need to know about the user
 * to choose what to fetch (role, ids); authorization itself is always the API's (every page
 * calls it with the token). Sign-out revokes the row, so a copied cookie stops working.
 * All cookies are HttpOnly and SameSite=Lax; Secure when the app is served over https.
 */
export const SESSION_COOKIE = 'rud_session';
export const CSRF_COOKIE = 'rud_csrf';
export const LANG_COOKIE = 'rud_lang';
export const OIDC_COOKIE = 'rud_oidc';

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  role: string;
  countryCode: string | null;
  institutionId: string | null;
  expertId: string | null;
}

export interface Session {
  /** The row's id (SHA-256 of the cookie's secret): what the CSRF token is bound to. */
  id: string;
  token: string;
  user: SessionUser;
  /** Epoch ms after which the token is not used any more. */
  exp: number;
}

export function parseCookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  const header = req.headers.cookie;
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (!name || name in out) continue;
    try {
      out[name] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // a malformed cookie is ignored
    }
  }
  return out;
}

export class CookieJar {
  private readonly key: Buffer;

  constructor(
    secret: string | undefined,
    private readonly secure: boolean,
  ) {
    this.key = secret ? createHmac('sha256', 'rud-web-cookies').update(secret).digest() : randomBytes(32);
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }

  /** `base64url(json).signature`, or undefined when tampered with. */
  seal(value: unknown): string {
    const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  unseal<T>(sealed: string | undefined): T | undefined {
    if (!sealed) return undefined;
    const dot = sealed.lastIndexOf('.');
    if (dot < 0) return undefined;
    const payload = sealed.slice(0, dot);
    const given = Buffer.from(sealed.slice(dot + 1));
    const expected = Buffer.from(this.sign(payload));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
    } catch {
      return undefined;
    }
  }

  set(res: Response, name: string, value: string, maxAgeSeconds?: number): void {
    res.cookie(name, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure,
      path: '/',
      ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds * 1000 } : {}),
    });
  }

  clear(res: Response, name: string): void {
    res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure: this.secure, path: '/' });
  }

  /** A key for one purpose, derived from the cookie key. */
  derive(purpose: string): Buffer {
    return createHmac('sha256', this.key).update(purpose).digest();
  }

  /**
   * The CSRF token of a form: an HMAC of the session id (signed in) or of this browser's anonymous
   * nonce cookie (signed out), so a cookie and field of an attacker's choosing do not match, and a
   * token taken from one session is worth nothing in another.
   */
  csrf(req: Request, res: Response, session: Session | undefined): string {
    if (session) return this.csrfFor(`session:${session.id}`);
    let nonce = parseCookies(req)[CSRF_COOKIE];
    if (!nonce || !/^[A-Za-z0-9_-]{20,64}$/.test(nonce)) {
      nonce = randomBytes(24).toString('base64url');
      this.set(res, CSRF_COOKIE, nonce, 12 * 3600);
      // Visible to the rest of this request (the page rendered now embeds its token).
      req.headers.cookie = `${req.headers.cookie ? `${req.headers.cookie}; ` : ''}${CSRF_COOKIE}=${nonce}`;
    }
    return this.csrfFor(`anonymous:${nonce}`);
  }

  csrfValid(req: Request, session: Session | undefined, submitted: unknown): boolean {
    if (typeof submitted !== 'string') return false;
    let expected: string;
    if (session) expected = this.csrfFor(`session:${session.id}`);
    else {
      const nonce = parseCookies(req)[CSRF_COOKIE];
      if (!nonce) return false;
      expected = this.csrfFor(`anonymous:${nonce}`);
    }
    const a = Buffer.from(expected);
    const b = Buffer.from(submitted);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private csrfFor(binding: string): string {
    return createHmac('sha256', this.derive('csrf')).update(binding).digest('base64url');
  }

  lang(req: Request, fallback: Lang = 'en'): Lang {
    const v = parseCookies(req)[LANG_COOKIE];
    if (v === 'en' || v === 'ru') return v;
    const accept = req.acceptsLanguages('en', 'ru');
    return accept === 'ru' || accept === 'en' ? accept : fallback;
  }
}

const SECRET = /^[A-Za-z0-9_-]{43}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Server-side sessions (table WebSession, Prisma ORM). `open` creates one and sets the cookie;
 * `current` finds the live one of a request (not revoked, not expired); `revoke` ends one;
 * `revokeUser` ends every session of a user (e.g. when an administrator must cut access now).
 */
export class SessionStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly jar: CookieJar,
  ) {}

  private tokenKey(secret: string): Buffer {
    return createHmac('sha256', this.jar.derive('session-token')).update(secret).digest();
  }

  async open(res: Response, token: string, user: SessionUser, exp: number): Promise<Session> {
    const secret = randomBytes(32).toString('base64url');
    const id = sha256(secret);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.tokenKey(secret), iv);
    const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    const stored = [iv, cipher.getAuthTag(), sealed].map((b) => b.toString('base64url')).join('.');
    const now = new Date();
    // Housekeeping: rows that can no longer be used go when a new one comes.
    await this.prisma.webSession.deleteMany({
      where: { OR: [{ expiresAt: { lt: now } }, { revokedAt: { lt: new Date(now.getTime() - 86_400_000) } }] },
    });
    await this.prisma.webSession.create({
      data: { id, userId: user.id, token: stored, profile: user as unknown as object, expiresAt: new Date(exp) },
    });
    this.jar.set(res, SESSION_COOKIE, secret, Math.max(60, Math.floor((exp - Date.now()) / 1000)));
    return { id, token, user, exp };
  }

  async current(req: Request): Promise<Session | undefined> {
    const secret = parseCookies(req)[SESSION_COOKIE];
    if (!secret || !SECRET.test(secret)) return undefined;
    const row = await this.prisma.webSession.findUnique({ where: { id: sha256(secret) } });
    if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) return undefined;
    try {
      const [iv, tag, sealed] = row.token.split('.').map((p) => Buffer.from(p, 'base64url'));
      const decipher = createDecipheriv('aes-256-gcm', this.tokenKey(secret), iv);
      decipher.setAuthTag(tag);
      const token = Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
      return { id: row.id, token, user: row.profile as unknown as SessionUser, exp: row.expiresAt.getTime() };
    } catch {
      // Another cookie key (AUTH_DEV_SECRET changed): the session cannot be used.
      return undefined;
    }
  }

  async revoke(res: Response, session: Session | undefined): Promise<void> {
    if (session)
      await this.prisma.webSession.updateMany({
        where: { id: session.id, revokedAt: null },
        data: { revokedAt: new Date() },
      });
    this.jar.clear(res, SESSION_COOKIE);
  }

  async revokeUser(userId: string): Promise<number> {
    const { count } = await this.prisma.webSession.updateMany({
      where: { userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return count;
  }
}
