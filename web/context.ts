/**
 * What every page module receives from the web app (web/index.ts builds it): its dependencies,
 * cookies, sessions, reference data and the page/action wrappers. Its own module, so the pages
 * and web/index.ts do not import each other.
 */
import type { RequestHandler } from 'express';
import type { AppConfig } from '../lib/config';
import type { PrismaClient } from '../lib/db';
import type { Logger } from '../lib/logger';
import type { Reference } from './reference';
import type { CookieJar, SessionStore } from './session';
import type { AnonCtx, PageCtx } from './ui';

export interface WebDeps {
  config: AppConfig;
  /** Base URL of the API; default: this same server, over the socket each request came in on. */
  apiBaseUrl?: string;
  /** Sessions (WebSession), and read-only reference data (thematic areas, countries, reviewer list, staff names) the API does not serve. */
  prisma: PrismaClient;
  logger?: Logger;
  /** Key for the session / OIDC cookie signatures; default AUTH_DEV_SECRET, else random per process. */
  cookieSecret?: string;
  /**
   * Send the browser's address to the API as X-Forwarded-For (default false). Only useful when the
   * API trusts its loopback proxy (`app.set('trust proxy', 'loopback')`), so its per-IP rate limit
   * counts browsers, not the web app.
   */
  forwardClientIp?: boolean;
}

export interface WebContext {
  deps: WebDeps;
  jar: CookieJar;
  sessions: SessionStore;
  ref: Reference;
  assetVersion: string;
  page(handler: (ctx: PageCtx) => Promise<void>, opts?: { roles?: readonly string[] }): RequestHandler;
  anon(handler: (ctx: AnonCtx) => Promise<void>): RequestHandler;
  /** Same as page(), for POST: checks the CSRF token first. */
  action(handler: (ctx: PageCtx) => Promise<void>, opts?: { roles?: readonly string[] }): RequestHandler;
  anonAction(handler: (ctx: AnonCtx) => Promise<void>): RequestHandler;
}

/** A path inside the app to go back to after sign-in or a language switch (never another site). */
export function safeNext(value: unknown, fallback = '/app'): string {
  return typeof value === 'string' && /^\/app(\/|\?|$)/.test(value) && !value.startsWith('//') && !value.includes('\\')
    ? value
    : fallback;
}
