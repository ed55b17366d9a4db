import { createHash, randomBytes } from 'node:crypto';
import type { Router } from 'express';
import { DEMO_USERS } from '../../domain/demo';
import { decodeJwt } from 'jose';
import { createOidcClient, OidcError } from '../oidc';
import { ApiError, createApiClient, apiBaseFor, type Schemas } from '../api-client';
import { html, type SafeHtml } from '../html';
import { accountPages, emailLinkForm } from './account';
import { joiningPages } from './joining';
import type { Key } from '../i18n';
import type { WebContext } from '../context';
import { safeNext } from '../context';
import { LANG_COOKIE, OIDC_COOKIE, type SessionUser } from '../session';
import { csrfField, emptyForm, field, hidden, HOME, layout, send, tr, type AnonCtx, type FormState } from '../ui';

/** Where a fresh sign-in goes: the terms page first when the person must accept a new version. */
export function afterSignIn(ctx: AnonCtx, next: string): string {
  return ctx.res.locals.mustAcceptTerms ? `/app/terms?next=${encodeURIComponent(next)}` : next;
}

/** Seconds a token stays usable: its own exp when it is a JWT, else the token response's expires_in. */
function lifetimeOf(token: string, expiresIn: number | undefined): number {
  let exp: number | undefined;
  try {
    exp = decodeJwt(token).exp;
  } catch {
    // opaque access token
  }
  const seconds = exp ? exp - Math.floor(Date.now() / 1000) : Number(expiresIn) || 3600;
  return Math.max(60, seconds);
}

/** Sign-in (dev: pick a demo user / any e-mail; OIDC: authorization code + PKCE), sign-out. */
export function authRoutes(router: Router, web: WebContext): void {
  const { jar, deps, sessions } = web;
  const config = deps.config;

  /**
   * Opens the session of a sign-in: a token of the provider or a dev token is first exchanged for
   * a session token of the API (idle and absolute timeouts, revocable), which the session keeps.
   * False when the API refuses the token.
   */
  async function signInWith(ctx: AnonCtx, signInToken: string): Promise<boolean | 'no_account'> {
    const api = createApiClient(apiBaseFor(ctx.req, deps.apiBaseUrl), signInToken, {
      ip: deps.forwardClientIp ? ctx.req.ip : undefined,
    });
    let session;
    try {
      session = await api.send('POST', '/auth/session', { body: undefined });
    } catch (err) {
      // A valid sign-in of someone no rule gives an account (OIDC just in time): 401 no_account.
      return err instanceof ApiError && err.error.code === 'no_account' ? 'no_account' : false;
    }
    if (!session.ok) return false;
    return openSession(ctx, session.body.token, session.body.expiresIn);
  }

  /** Shown in both languages: the person may not read the one chosen by their browser. */
  function askAdministrator(ctx: AnonCtx): void {
    const other = ctx.lang === 'en' ? 'ru' : 'en';
    const tOther = tr(other);
    send(
      ctx,
      layout(ctx, {
        title: ctx.t('auth.noAccountTitle'),
        body: html`<section class="card narrow" role="alert"><p>${ctx.t('auth.noAccount')}</p><p>${ctx.t('auth.noAccountNext')}</p></section>
        <section class="card narrow" lang="${other}"><h2>${tOther('auth.noAccountTitle')}</h2><p>${tOther('auth.noAccount')}</p><p>${tOther('auth.noAccountNext')}</p></section>`,
      }),
      403,
    );
  }

  /** Loads the user behind a session token and opens the web session; false when the API refuses the token. */
  async function openSession(ctx: AnonCtx, token: string, expiresInSeconds: number): Promise<boolean> {
    const api = createApiClient(apiBaseFor(ctx.req, deps.apiBaseUrl), token, {
      ip: deps.forwardClientIp ? ctx.req.ip : undefined,
    });
    let me: Schemas['Me'];
    try {
      me = await api.get('/me');
    } catch {
      return false;
    }
    const user: SessionUser = {
      id: me.id,
      name: me.name,
      email: me.email,
      role: me.role,
      countryCode: me.countryCode,
      institutionId: me.institutionId,
      expertId: me.expertId,
    };
    // A new session id on every sign-in (a session planted before it is not carried over); the old one ends.
    await sessions.revoke(ctx.res, ctx.session);
    await sessions.open(ctx.res, token, user, Date.now() + expiresInSeconds * 1000 - 30_000);
    if (me.language === 'en' || me.language === 'ru') jar.set(ctx.res, LANG_COOKIE, me.language, 365 * 86400);
    // Accepted an earlier version of the terms: asked again before going on (afterSignIn).
    const terms = await api.get('/me/terms').catch(() => undefined);
    if (terms?.mustAccept) ctx.res.locals.mustAcceptTerms = true;
    return true;
  }

  function signInPage(
    ctx: AnonCtx,
    state: FormState = emptyForm(),
    email = '',
    status = 200,
    emailState?: FormState,
    emailValue = '',
  ): void {
    const { t } = ctx;
    const next = safeNext(ctx.req.query.next ?? ctx.req.body?.next);
    const parts: SafeHtml[] = [];
    if (ctx.authModes.includes('oidc')) {
      parts.push(html`<section class="card narrow">
        <p>${t('auth.oidcIntro')}</p>
        <p><a class="btn btn-primary" href="/app/oidc/start?next=${encodeURIComponent(next)}">${t('auth.oidcButton')}</a></p>
      </section>`);
    }
    if (ctx.authModes.includes('email')) parts.push(emailLinkForm(ctx, next, emailState ?? emptyForm(), emailValue));
    if (ctx.authModes.includes('dev')) {
      const groups = new Map<string, { email: string; name: string; detail: string }[]>();
      for (const u of Object.values(DEMO_USERS)) {
        const detail =
          'countryCode' in u
            ? u.countryCode
            : 'institutionId' in u
              ? u.institutionId.replace(/^inst-/, '').toUpperCase()
              : '';
        groups.set(u.role, [...(groups.get(u.role) ?? []), { email: u.email, name: u.name, detail }]);
      }
      parts.push(html`<p class="lead">${t('auth.devIntro')}</p>
      ${state.general.length ? html`<div class="error-summary" role="alert" tabindex="-1" data-focus><h2>${t('auth.failed')}</h2><ul>${state.general.map((m) => html`<li>${m}</li>`)}</ul></div>` : ''}
      <div class="grid-2">
        <form method="post" action="/app/sign-in" class="card">
          ${csrfField(ctx)}${hidden('next', next)}
          <h2>${t('auth.demoUsers')}</h2>
          ${[...groups.entries()].map(
            ([role, users]) => html`<h3 class="small-heading">${t(`role.${role}` as Key)}</h3>
            <ul class="demo-users">${users.map(
              (u) =>
                html`<li><button type="submit" name="email" value="${u.email}" class="btn btn-block">${u.name}<span class="muted"> · ${u.detail || u.email}</span></button></li>`,
            )}</ul>`,
          )}
        </form>
        <form method="post" action="/app/sign-in" class="card" novalidate>
          ${csrfField(ctx)}${hidden('next', next)}
          <h2>${t('auth.byEmail')}</h2>
          ${field(ctx, { name: 'email', label: t('auth.email'), type: 'email', value: email, required: true, state, autocomplete: 'email' })}
          <button type="submit" class="btn btn-primary">${t('auth.signIn')}</button>
        </form>
      </div>`);
    }
    parts.push(
      html`<p class="register-hint">${t('auth.noAccountYet')} <a href="/app/register">${t('auth.registerLink')}</a></p>`,
    );
    send(ctx, layout(ctx, { title: t('auth.title'), body: html`${parts}` }), status);
  }

  accountPages(router, web, (ctx, token, expiresIn) => openSession(ctx, token, expiresIn));
  joiningPages(router, web, (ctx, token, expiresIn) => openSession(ctx, token, expiresIn));

  router.get(
    '/sign-in',
    web.anon(async (ctx) => {
      if (ctx.session && ctx.user) return ctx.res.redirect(303, safeNext(ctx.req.query.next, HOME[ctx.user.role]));
      signInPage(ctx);
    }),
  );

  router.post(
    '/sign-in',
    web.anonAction(async (ctx) => {
      if (!ctx.authModes.includes('dev')) return ctx.res.redirect(303, '/app/sign-in');
      const email = String(ctx.req.body.email ?? '').trim();
      const res = await ctx.api.send('POST', '/auth/dev-token', { body: { email } }).catch((err: unknown) => {
        if (err && typeof err === 'object' && 'status' in err && (err as { status: number }).status === 401)
          return { ok: false as const, status: 401 };
        throw err;
      });
      if (res.ok && (await signInWith(ctx, res.body.token)) === true) {
        return ctx.res.redirect(303, afterSignIn(ctx, safeNext(ctx.req.body.next, '/app')));
      }
      const state = emptyForm();
      if (res.status === 400) state.errors.set('email', [ctx.t('auth.invalidEmail')]);
      else state.general.push(ctx.t('auth.unknownUser'));
      signInPage(ctx, state, email, res.status === 400 ? 400 : 401);
    }),
  );

  router.post(
    '/sign-out',
    web.anonAction(async (ctx) => {
      // Ends the session server-side (the web app's row and the API's session token): a copy of the
      // cookie or of the token is worth nothing from now on.
      if (ctx.session) await ctx.api.send('POST', '/auth/sign-out', { body: undefined }).catch(() => undefined);
      await sessions.revoke(ctx.res, ctx.session);
      ctx.res.redirect(303, '/app/sign-in?notice=signedOut');
    }),
  );

  // ---------------------------------------------------------------- OIDC (authorization code + PKCE)

  const oidc = createOidcClient(config);
  const redirectUri = (ctx: AnonCtx) =>
    `${(config.PUBLIC_BASE_URL ?? `${ctx.req.protocol}://${ctx.req.get('host')}`).replace(/\/+$/, '')}/app/oidc/callback`;
  const b64url = (buf: Buffer) => buf.toString('base64url');

  function oidcError(ctx: AnonCtx, detail: string): void {
    deps.logger?.warn({ event: 'oidc_sign_in_failed', detail }, 'OIDC sign-in failed');
    send(
      ctx,
      layout(ctx, {
        title: ctx.t('auth.failed'),
        body: html`<p>${ctx.t('auth.oidcFailed')}</p><p><a href="/app/sign-in">${ctx.t('auth.tryAgain')}</a></p>`,
      }),
      401,
    );
  }

  router.get(
    '/oidc/start',
    web.anon(async (ctx) => {
      if (!ctx.authModes.includes('oidc') || !config.OIDC_CLIENT_ID) return ctx.res.redirect(303, '/app/sign-in');
      const state = b64url(randomBytes(24));
      const nonce = b64url(randomBytes(24));
      const verifier = b64url(randomBytes(32));
      const url = await oidc.authorizationUrl({
        redirectUri: redirectUri(ctx),
        state,
        nonce,
        codeChallenge: b64url(createHash('sha256').update(verifier).digest()),
      });
      jar.set(
        ctx.res,
        OIDC_COOKIE,
        jar.seal({ state, nonce, verifier, next: safeNext(ctx.req.query.next), exp: Date.now() + 10 * 60_000 }),
        600,
      );
      ctx.res.redirect(303, url);
    }),
  );

  router.get(
    '/oidc/callback',
    web.anon(async (ctx) => {
      if (!ctx.authModes.includes('oidc') || !config.OIDC_CLIENT_ID) return ctx.res.redirect(303, '/app/sign-in');
      const cookie = ctx.req.headers.cookie ?? '';
      const sealed = /(?:^|;\s*)rud_oidc=([^;]+)/.exec(cookie)?.[1];
      const pending = jar.unseal<{ state: string; nonce: string; verifier: string; next: string; exp: number }>(
        sealed ? decodeURIComponent(sealed) : undefined,
      );
      jar.clear(ctx.res, OIDC_COOKIE);
      if (ctx.req.query.error) return oidcError(ctx, String(ctx.req.query.error));
      if (
        !pending ||
        pending.exp < Date.now() ||
        pending.state !== ctx.req.query.state ||
        typeof ctx.req.query.code !== 'string'
      )
        return oidcError(ctx, 'state mismatch or expired');
      let tokens;
      try {
        await oidc.checkResponseIssuer(ctx.req.query.iss);
        tokens = await oidc.exchangeCode({
          code: ctx.req.query.code,
          redirectUri: redirectUri(ctx),
          verifier: pending.verifier,
        });
        // The ID token must be this sign-in's (nonce), for this client, from this issuer, whichever token the API is then given.
        await oidc.validateIdToken(tokens.id_token, pending.nonce);
      } catch (err) {
        if (err instanceof OidcError) return oidcError(ctx, err.message);
        throw err;
      }
      // The API verifies issuer, audience (OIDC_AUDIENCE) and e-mail: whichever token it accepts opens the session.
      let noAccount = false;
      for (const token of [tokens.access_token, tokens.id_token]) {
        if (!token) continue;
        const outcome = await signInWith(ctx, token);
        if (outcome === true) return ctx.res.redirect(303, afterSignIn(ctx, safeNext(pending.next)));
        if (outcome === 'no_account') noAccount = true;
      }
      if (noAccount) return askAdministrator(ctx);
      oidcError(ctx, 'the API accepted neither the access token nor the ID token');
    }),
  );
}
