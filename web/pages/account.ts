import { createHash, randomBytes } from 'node:crypto';
import type { Router } from 'express';
import { ApiError, type Schemas } from '../api-client';
import { html, type SafeHtml } from '../html';
import type { Key } from '../i18n';
import type { WebContext } from '../context';
import { safeNext } from '../context';
import { parseCookies } from '../session';
import { afterSignIn } from './auth';
import {
  csrfField,
  emptyForm,
  emptyState,
  field,
  fmtDate,
  hidden,
  layout,
  mapDetails,
  send,
  type AnonCtx,
  type FormState,
  type PageCtx,
} from '../ui';

/**
 * Sign-in by e-mail link, and the account page (personal API tokens, sign-out everywhere).
 * The link is bound to this browser: asking sets a random nonce in an HttpOnly cookie and the API
 * keeps a hash of it; redeeming sends the hash again, so a forwarded mail opened elsewhere fails.
 */
export const LINK_COOKIE = 'rud_link';
const NONCE = /^[A-Za-z0-9_-]{43}$/;

const bindingOf = (nonce: string) => createHash('sha256').update(`rud-sign-in-link:${nonce}`).digest('base64url');

export function emailLinkForm(ctx: AnonCtx, next: string, state: FormState, value: string): SafeHtml {
  const { t } = ctx;
  return html`<form method="post" action="/app/sign-in/email" class="card narrow" novalidate>
    ${csrfField(ctx)}${hidden('next', next)}
    <h2>${t('auth.emailTitle')}</h2>
    <p>${t('auth.emailIntro')}</p>
    ${field(ctx, { name: 'address', label: t('auth.linkEmail'), type: 'email', value, required: true, state, autocomplete: 'email' })}
    <button type="submit" class="btn btn-primary">${t('auth.emailButton')}</button>
  </form>`;
}

/** Which words explain a refused link (the API names the reason). */
function linkProblem(message: string): Key {
  if (/already used/.test(message)) return 'auth.linkUsed';
  if (/expired/.test(message)) return 'auth.linkExpired';
  if (/another browser/.test(message)) return 'auth.linkOtherBrowser';
  return 'auth.linkInvalid';
}

export function accountPages(
  router: Router,
  web: WebContext,
  openSession: (ctx: AnonCtx, token: string, expiresInSeconds: number, next: string) => Promise<boolean>,
): void {
  const { jar } = web;

  router.post(
    '/sign-in/email',
    web.anonAction(async (ctx) => {
      if (!ctx.authModes.includes('email')) return ctx.res.redirect(303, '/app/sign-in');
      const { t } = ctx;
      const email = String(ctx.req.body.address ?? '').trim();
      const next = safeNext(ctx.req.body.next);
      // One nonce per browser, kept for a new request: every link this browser asked for stays valid here.
      let nonce = parseCookies(ctx.req)[LINK_COOKIE];
      if (!nonce || !NONCE.test(nonce)) nonce = randomBytes(32).toString('base64url');
      jar.set(ctx.res, LINK_COOKIE, nonce, 3600);
      jar.set(ctx.res, 'rud_link_next', next, 3600);
      let res;
      try {
        res = await ctx.api.send('POST', '/auth/email-link', {
          body: { email, browser: bindingOf(nonce), language: ctx.lang },
        });
      } catch (err) {
        if (err instanceof ApiError && err.status === 429) {
          return send(
            ctx,
            layout(ctx, {
              title: t('auth.title'),
              body: html`<div class="error-summary" role="alert" tabindex="-1" data-focus><p>${t('auth.linkRateLimited')}</p></div>${emailLinkForm(ctx, next, emptyForm(), email)}`,
            }),
            429,
          );
        }
        throw err;
      }
      if (!res.ok) {
        const state = mapDetails(ctx.lang, res.body.error.details, ['address'], { email: 'address' });
        if (!state.errors.size) state.errors.set('address', [t('auth.invalidEmail')]);
        return send(ctx, layout(ctx, { title: t('auth.title'), body: emailLinkForm(ctx, next, state, email) }), 400);
      }
      send(
        ctx,
        layout(ctx, {
          title: t('auth.linkSentTitle'),
          body: html`<section class="card narrow" role="status"><p>${t('auth.linkSent', { minutes: res.body.expiresInMinutes })}</p><p class="muted">${t('auth.linkSameBrowser')}</p></section>`,
        }),
        202,
      );
    }),
  );

  // Opening the link shows a button: mail scanners that fetch links must not use it up.
  router.get(
    '/sign-in/link/:token',
    web.anon(async (ctx) => {
      const { t } = ctx;
      const token = String(ctx.req.params.token);
      send(
        ctx,
        layout(ctx, {
          title: t('auth.linkOpenTitle'),
          body: html`<form method="post" action="/app/sign-in/link" class="card narrow">${csrfField(ctx)}${hidden('token', token)}
        <p>${t('auth.linkOpenIntro')}</p><button type="submit" class="btn btn-primary">${t('auth.signIn')}</button></form>`,
        }),
      );
    }),
  );

  router.post(
    '/sign-in/link',
    web.anonAction(async (ctx) => {
      const { t } = ctx;
      const nonce = parseCookies(ctx.req)[LINK_COOKIE];
      const token = String(ctx.req.body.token ?? '');
      const refuse = (key: Key, status = 400) =>
        send(
          ctx,
          layout(ctx, {
            title: t('auth.failed'),
            body: html`<div class="card narrow"><p role="alert">${t(key)}</p><p><a href="/app/sign-in">${t('auth.askAgain')}</a></p></div>`,
          }),
          status,
        );
      if (!nonce || !NONCE.test(nonce)) return refuse('auth.linkOtherBrowser');
      let res;
      try {
        res = await ctx.api.send('POST', '/auth/email-link/redeem', { body: { token, browser: bindingOf(nonce) } });
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return refuse(linkProblem(err.error.message));
        if (err instanceof ApiError && err.status === 429) return refuse('error.rateLimited', 429);
        throw err;
      }
      if (!res.ok) return refuse('auth.linkInvalid');
      const next = safeNext(parseCookies(ctx.req).rud_link_next);
      jar.clear(ctx.res, 'rud_link_next');
      if (await openSession(ctx, res.body.token, res.body.expiresIn, next))
        return ctx.res.redirect(303, afterSignIn(ctx, next));
      refuse('auth.linkInvalid');
    }),
  );

  // ---------------------------------------------------------------- the account page

  async function accountPage(
    ctx: PageCtx,
    opts: {
      created?: Schemas['PersonalTokenCreated'];
      state?: FormState;
      values?: Record<string, string>;
      status?: number;
    } = {},
  ): Promise<void> {
    const { t, lang } = ctx;
    const tokens = await ctx.api.get('/me/tokens');
    const state = opts.state ?? emptyForm();
    const now = Date.now();
    const statusOf = (tk: Schemas['PersonalToken']) =>
      tk.revokedAt
        ? t('account.tokenRevoked')
        : Date.parse(tk.expiresAt) <= now
          ? t('account.tokenExpired')
          : t('account.tokenActive');
    const body = html`
      ${
        opts.created
          ? html`<section class="card notice notice-ok" role="status" tabindex="-1" data-focus>
        <h2>${t('account.tokenCreatedTitle', { name: opts.created.name })}</h2>
        <p>${t('account.tokenCreated')}</p>
        <p><label for="new-token">${t('account.tokenLabel')}</label><input id="new-token" class="token-once" readonly value="${opts.created.token}"></p>
      </section>`
          : ''
      }
      <section class="card">
        <h2>${t('account.tokens')}</h2>
        <p>${t('account.tokensIntro')}</p>
        ${
          tokens.items.length
            ? html`<table class="table table-stack"><caption class="visually-hidden">${t('account.tokens')}</caption>
            <thead><tr><th scope="col">${t('account.tokenName')}</th><th scope="col">${t('account.tokenPrefix')}</th><th scope="col">${t('account.tokenCreatedAt')}</th><th scope="col">${t('account.tokenExpires')}</th><th scope="col">${t('account.tokenLastUsed')}</th><th scope="col">${t('account.tokenStatus')}</th><th scope="col"><span class="visually-hidden">${t('account.tokenActions')}</span></th></tr></thead>
            <tbody>${tokens.items.map(
              (tk) => html`<tr>
              <td data-label="${t('account.tokenName')}">${tk.name}</td><td data-label="${t('account.tokenPrefix')}"><code>${tk.prefix}…</code></td>
              <td data-label="${t('account.tokenCreatedAt')}">${fmtDate(tk.createdAt, lang)}</td><td data-label="${t('account.tokenExpires')}">${fmtDate(tk.expiresAt, lang)}</td>
              <td data-label="${t('account.tokenLastUsed')}">${tk.lastUsedAt ? fmtDate(tk.lastUsedAt, lang, true) : t('account.never')}</td><td data-label="${t('account.tokenStatus')}">${statusOf(tk)}</td>
              <td>${tk.revokedAt ? '' : html`<form method="post" action="/app/account/tokens/${tk.id}/revoke">${csrfField(ctx)}<button type="submit" class="btn btn-secondary">${t('account.revoke')}<span class="visually-hidden"> ${tk.name}</span></button></form>`}</td>
            </tr>`,
            )}</tbody></table>`
            : emptyState(t('account.noTokens'))
        }
        <form method="post" action="/app/account/tokens" novalidate>
          ${csrfField(ctx)}
          <h3>${t('account.newToken')}</h3>
          ${field(ctx, { name: 'name', label: t('account.tokenName'), value: opts.values?.name ?? '', required: true, state })}
          ${field(ctx, { name: 'expiresInDays', label: t('account.tokenDays'), type: 'number', value: opts.values?.expiresInDays ?? '90', required: true, state })}
          <button type="submit" class="btn btn-primary">${t('account.createToken')}</button>
        </form>
      </section>
      <section class="card">
        <h2>${t('account.data')}</h2><p>${t('account.dataIntro')}</p><p><a class="btn btn-secondary" href="/app/account/data" download>${t('account.download')}</a></p>
        <h3>${t('account.erasure')}</h3><p>${t('account.erasureIntro')}</p>
        <form method="post" action="/app/account/erasure">${csrfField(ctx)}<button type="submit" class="btn btn-danger">${t('account.erasureButton')}</button></form>
      </section>
      <section class="card">
        <h2>${t('account.signOutEverywhere')}</h2>
        <p>${t('account.signOutEverywhereIntro')}</p>
        <form method="post" action="/app/account/sign-out-everywhere">${csrfField(ctx)}<button type="submit" class="btn btn-danger">${t('account.signOutEverywhere')}</button></form>
      </section>`;
    send(ctx, layout(ctx, { title: t('account.title'), body }), opts.status ?? 200);
  }

  router.get(
    '/account',
    web.page((ctx) => accountPage(ctx)),
  );

  router.post(
    '/account/tokens',
    web.action(async (ctx) => {
      const values = { name: String(ctx.req.body.name ?? ''), expiresInDays: String(ctx.req.body.expiresInDays ?? '') };
      const days = Number(values.expiresInDays);
      const res = await ctx.api.send('POST', '/me/tokens', {
        body: {
          name: values.name,
          expiresInDays: Number.isFinite(days) && values.expiresInDays.trim() !== '' ? days : values.expiresInDays,
        },
      });
      if (!res.ok)
        return accountPage(ctx, {
          state: mapDetails(ctx.lang, res.body.error.details, ['name', 'expiresInDays']),
          values,
          status: 400,
        });
      return accountPage(ctx, { created: res.body, status: 201 });
    }),
  );

  router.post(
    '/account/tokens/:id/revoke',
    web.action(async (ctx) => {
      const res = await ctx.api.send('POST', '/me/tokens/{id}/revoke', { params: { id: String(ctx.req.params.id) } });
      if (!res.ok && res.status !== 404) throw new ApiError(res.status, res.body.error);
      ctx.res.redirect(303, '/app/account?notice=saved');
    }),
  );

  router.get(
    '/account/data',
    web.page(async (ctx) => {
      const data = await ctx.api.get('/me/data');
      ctx.res
        .status(200)
        .type('application/json')
        .setHeader('Content-Disposition', `attachment; filename="my-data.json"`);
      ctx.res.setHeader('Cache-Control', 'no-store');
      ctx.res.send(JSON.stringify(data, null, 2));
    }),
  );

  router.post(
    '/account/erasure',
    web.action(async (ctx) => {
      await ctx.api.send('POST', '/me/erasure-request', { body: {} });
      ctx.res.redirect(303, '/app/account?notice=saved');
    }),
  );

  router.get(
    '/terms',
    web.page(async (ctx) => {
      const terms = await ctx.api.get('/terms');
      send(
        ctx,
        layout(ctx, {
          title: ctx.t('terms.title'),
          lead: ctx.t('terms.intro'),
          body: html`<form method="post" action="/app/terms" class="card">${csrfField(ctx)}${hidden('next', safeNext(ctx.req.query.next))}${hidden('termsVersion', terms.version)}
        <p>${terms.summary[ctx.lang]}</p><button type="submit" class="btn btn-primary">${ctx.t('terms.continue')}</button></form>`,
        }),
      );
    }),
  );
  router.post(
    '/terms',
    web.action(async (ctx) => {
      await ctx.api.send('POST', '/me/terms', {
        body: { acceptTerms: true, termsVersion: String(ctx.req.body.termsVersion ?? '') },
      });
      ctx.res.redirect(303, safeNext(ctx.req.body.next));
    }),
  );

  router.post(
    '/account/sign-out-everywhere',
    web.action(async (ctx) => {
      await ctx.api.send('POST', '/me/sign-out-everywhere', { body: {} });
      await web.sessions.revoke(ctx.res, ctx.session);
      ctx.res.redirect(303, '/app/sign-in?notice=signedOut');
    }),
  );
}
