import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import { authModes } from '../lib/config';
import { strictTransportSecurity } from '../lib/hsts';
import { ApiError, apiBaseFor, createApiClient } from './api-client';
import { html } from './html';
import { knownApiMessage, LANGS, type Lang } from './i18n';
import { PROGRAMME_SERVER_LIST } from '../programmes';
import { authRoutes } from './pages/auth';
import { pipelinePages } from './pages/pipeline';
import { documentPages } from './pages/documents';
import { provenancePages } from './pages/provenance';
import { ruleSetPages } from './pages/rule-sets';
import { resultPages } from './pages/results';
import { messagePages } from './pages/messages';
import { rosterPages } from './pages/roster';
import { holidayPages } from './pages/holidays';
import { reassignPages } from './pages/reassign';
import { taskPages } from './pages/tasks';
import { createReference, type Reference } from './reference';
import type { WebContext, WebDeps } from './context';
import { safeNext } from './context';
import { CookieJar, LANG_COOKIE, SessionStore } from './session';
import { HOME, layout, send, tr, type AnonCtx, type PageCtx } from './ui';

/**
 * The web application: server-rendered pages under /app for applicants, Country Office
 * approvers, fund managers, reviewers and experts. Pages read and write through the HTTP API
 * (loopback, the user's bearer token kept in an HttpOnly cookie), so the UI is exactly as
 * authorized as the API. No client build step: plain forms, a little vanilla JS.
 */
export type { WebContext, WebDeps } from './context';
export { safeNext } from './context';

export const ASSETS_DIR = path.join(__dirname, 'assets');

function assetVersion(): string {
  const h = createHash('sha256');
  for (const f of ['app.css', 'app.js']) {
    try {
      h.update(fs.readFileSync(path.join(ASSETS_DIR, f)));
    } catch {
      h.update(f);
    }
  }
  return h.digest('hex').slice(0, 10);
}

/**
 * Mail links point at `${baseUrl}/tasks/<id>`, `/proposals/<id>`, `/expert-requests/<id>` (API
 * paths). A browser (GET preferring text/html) is redirected to the matching page; API clients
 * (JSON, or any type) pass through. `/` goes to `/app`. Mount BEFORE the API routes.
 */
export function browserRedirects(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/') return res.redirect(302, '/app');
    const m = /^\/(tasks|proposals|expert-requests)\/([^/]+)\/?$/.exec(req.path);
    if (!m) return next();
    res.vary('Accept');
    if (req.accepts(['application/json', 'text/html']) !== 'text/html') return next();
    const id = encodeURIComponent(decodeURIComponent(m[2]));
    return res.redirect(302, `/app/${m[1]}/${id}`);
  };
}

/** Security headers of the pages (the API's own helmet may or may not run first, depending on the mount). */
function pageHeaders(secure: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
}

export function createWebRouter(deps: WebDeps): express.Router {
  const secure = (deps.config.PUBLIC_BASE_URL ?? '').startsWith('https:');
  const jar = new CookieJar(deps.cookieSecret ?? deps.config.AUTH_DEV_SECRET, secure);
  const sessions = new SessionStore(deps.prisma, jar);
  const ref = createReference(deps.prisma);
  const version = assetVersion();
  const modes = authModes(deps.config);

  async function baseCtx(req: Request, res: Response): Promise<AnonCtx> {
    const session = await sessions.current(req);
    const lang: Lang = jar.lang(req);
    const api = createApiClient(apiBaseFor(req, deps.apiBaseUrl), session?.token, {
      requestId: (req as { requestId?: string }).requestId,
      ip: deps.forwardClientIp ? req.ip : undefined,
      lang,
    });
    return {
      req,
      res,
      lang,
      t: tr(lang),
      session,
      user: session?.user,
      api,
      csrf: jar.csrf(req, res, session),
      ref,
      assetVersion: version,
      authModes: modes,
    };
  }

  function fail(ctx: AnonCtx, err: unknown, next: NextFunction): void {
    if (ctx.res.headersSent) return next(err);
    if (err instanceof ApiError) {
      if (err.status === 401) {
        // The API refused the session's token (expired, user deactivated): the session is over.
        void sessions.revoke(ctx.res, ctx.session).catch(() => undefined);
        const back = ctx.req.method === 'GET' ? ctx.req.originalUrl : '/app';
        return ctx.res.redirect(303, `/app/sign-in?next=${encodeURIComponent(back)}`);
      }
      const status = [400, 403, 404, 409, 429, 503].includes(err.status) ? err.status : 502;
      const key =
        status === 403
          ? 'error.forbidden'
          : status === 404
            ? 'error.notFound'
            : status === 429
              ? 'error.rateLimited'
              : status === 503 || status === 502
                ? 'error.unavailable'
                : 'error.generic';
      // The API's own words only when the dictionary has them in the user's language; a missing
      // page or a refusal says nothing more than its title.
      const detail = status === 404 || status === 403 ? '' : (knownApiMessage(ctx.lang, err.error.message) ?? '');
      return send(ctx, errorPage(ctx, ctx.t(key), detail), status);
    }
    deps.logger?.error(
      { err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), path: ctx.req.path },
      'web page failed',
    );
    return send(ctx, errorPage(ctx, ctx.t('error.generic'), ''), 500);
  }

  function errorPage(ctx: AnonCtx, title: string, detail: string) {
    return layout(ctx, {
      title,
      body: html`${detail ? html`<p class="muted">${detail}</p>` : ''}<p><a href="${ctx.user ? (HOME[ctx.user.role] ?? '/app') : '/app/sign-in'}">${ctx.t('error.backHome')}</a></p>`,
    });
  }

  const wrapAuthed =
    (handler: (ctx: PageCtx) => Promise<void>, opts: { roles?: readonly string[]; csrf: boolean }): RequestHandler =>
    (req, res, next) => {
      baseCtx(req, res).then((ctx) => {
        if (!ctx.session || !ctx.user) {
          if (req.method === 'GET')
            return res.redirect(303, `/app/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
          return res.redirect(303, '/app/sign-in');
        }
        if (opts.csrf && !jar.csrfValid(req, ctx.session, (req.body as Record<string, unknown> | undefined)?._csrf)) {
          return send(ctx, errorPage(ctx, ctx.t('error.csrf'), ''), 403);
        }
        if (opts.roles && !opts.roles.includes(ctx.user.role))
          return send(ctx, errorPage(ctx, ctx.t('error.forbidden'), ''), 403);
        return openTaskCount(ctx)
          .then((n) => {
            ctx.taskCount = n;
            return handler(ctx as PageCtx);
          })
          .catch((err) => fail(ctx, err, next));
      }, next);
    };
  /** The count next to "Tasks" in the menu, for pages (not for form posts, which redirect); never fails a page. */
  const openTaskCount = async (ctx: AnonCtx): Promise<number | undefined> => {
    if (ctx.req.method !== 'GET' || !ctx.user || ctx.user.role === 'admin') return undefined;
    return ctx.api.get('/tasks', { query: { pageSize: 1 } }).then(
      (p) => p.total,
      () => undefined,
    );
  };
  const wrapAnon =
    (handler: (ctx: AnonCtx) => Promise<void>, csrf: boolean): RequestHandler =>
    (req, res, next) => {
      baseCtx(req, res).then((ctx) => {
        if (csrf && !jar.csrfValid(req, ctx.session, (req.body as Record<string, unknown> | undefined)?._csrf)) {
          return send(ctx, errorPage(ctx, ctx.t('error.csrf'), ''), 403);
        }
        return handler(ctx).catch((err) => fail(ctx, err, next));
      }, next);
    };

  const web: WebContext = {
    deps,
    jar,
    sessions,
    ref,
    assetVersion: version,
    page: (h, o = {}) => wrapAuthed(h, { ...o, csrf: false }),
    action: (h, o = {}) => wrapAuthed(h, { ...o, csrf: true }),
    anon: (h) => wrapAnon(h, false),
    anonAction: (h) => wrapAnon(h, true),
  };

  const router = express.Router();
  router.use(
    '/assets',
    express.static(ASSETS_DIR, { index: false, fallthrough: false, maxAge: '7d', immutable: false }),
  );
  router.use(pageHeaders(secure));
  router.use(strictTransportSecurity({ includeSubDomains: deps.config.HSTS_INCLUDE_SUBDOMAINS }));
  router.use(express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 2000 }));

  router.get(
    '/',
    web.anon(async (ctx) => {
      ctx.res.redirect(303, ctx.user ? (HOME[ctx.user.role] ?? '/app/inbox') : '/app/sign-in');
    }),
  );

  router.post(
    '/lang',
    web.anonAction(async (ctx) => {
      const lang = (LANGS as readonly string[]).includes(String(ctx.req.body.lang))
        ? (String(ctx.req.body.lang) as Lang)
        : ctx.lang;
      jar.set(ctx.res, LANG_COOKIE, lang, 365 * 86400);
      if (ctx.session) {
        // Remembered per user, so mails and the API's labels follow too; the cookie is enough if this fails.
        await ctx.api.send('PATCH', '/me', { body: { language: lang } }).catch(() => undefined);
      }
      ctx.res.redirect(303, safeNext(ctx.req.body.next));
    }),
  );

  authRoutes(router, web);
  reassignPages(router, web);
  taskPages(router, web);
  documentPages(router, web);
  // Each programme's own pages (programmes/<programme>.ts).
  for (const programme of PROGRAMME_SERVER_LIST) for (const pages of programme.webPages) pages(router, web);
  messagePages(router, web);
  pipelinePages(router, web);
  resultPages(router, web);
  provenancePages(router, web);
  ruleSetPages(router, web);
  rosterPages(router, web);
  holidayPages(router, web);

  router.use(
    web.anon(async (ctx) => {
      send(
        ctx,
        layout(ctx, {
          title: ctx.t('error.notFound'),
          body: html`<p><a href="/app">${ctx.t('error.backHome')}</a></p>`,
        }),
        404,
      );
    }),
  );
  return router;
}

/**
 * Mounts the web app on `app`: browser redirects of mail links (before anything else),
 * `/` → `/app`, the pages under `/app`. Call it BEFORE the API routes are mounted (or mount
 * the API app after it), since the API answers unknown paths with a JSON 404.
 */
export function mountWeb(app: express.Application, deps: WebDeps): void {
  app.use(browserRedirects());
  app.use('/app', createWebRouter(deps));
}
