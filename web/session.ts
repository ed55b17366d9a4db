import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Lang } from './i18n';

/**
 * Cookies of the web app. The session cookie holds the API bearer token and what the pages
 * need to know about the user to choose what to fetch (role, ids), signed so it cannot be
 * edited; authorization itself is always the API's (every page calls it with the token).
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

  constructor(secret: string | undefined, private readonly secure: boolean) {
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

  session(req: Request): Session | undefined {
    const s = this.unseal<Session>(parseCookies(req)[SESSION_COOKIE]);
    if (!s || typeof s.token !== 'string' || !s.user || s.exp < Date.now()) return undefined;
    return s;
  }

  setSession(res: Response, session: Session): void {
    this.set(res, SESSION_COOKIE, this.seal(session), Math.max(60, Math.floor((session.exp - Date.now()) / 1000)));
  }

  /** The CSRF token of this browser (double-submit: cookie + hidden form field), created when missing. */
  csrf(req: Request, res: Response): string {
    const existing = parseCookies(req)[CSRF_COOKIE];
    if (existing && /^[A-Za-z0-9_-]{20,64}$/.test(existing)) return existing;
    const token = randomBytes(24).toString('base64url');
    this.set(res, CSRF_COOKIE, token, 12 * 3600);
    // Visible to the rest of this request (the page rendered now embeds it).
    req.headers.cookie = `${req.headers.cookie ? `${req.headers.cookie}; ` : ''}${CSRF_COOKIE}=${token}`;
    return token;
  }

  csrfValid(req: Request, submitted: unknown): boolean {
    const cookie = parseCookies(req)[CSRF_COOKIE];
    if (!cookie || typeof submitted !== 'string') return false;
    const a = Buffer.from(cookie);
    const b = Buffer.from(submitted);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  lang(req: Request, fallback: Lang = 'en'): Lang {
    const v = parseCookies(req)[LANG_COOKIE];
    if (v === 'en' || v === 'ru') return v;
    const accept = req.acceptsLanguages('en', 'ru');
    return accept === 'ru' || accept === 'en' ? accept : fallback;
  }
}
