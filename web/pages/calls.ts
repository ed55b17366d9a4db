/**
 * Calls: the public, signed-out page of open calls (with a countdown) and its Atom feed, and the
 * fund manager's page of one call: what its review waits for, reviewers and workload, the ranking
 * with the running total against the envelope, the selection for the whole call and its delivery.
 */
import type { Router } from 'express';
import { ApiError, type Schemas } from '../api-client';
import type { WebContext } from '../context';
import { escapeHtml } from '../../activities/notifications/templates';
import { html } from '../html';
import type { Key, Lang } from '../i18n';
import { nameOf } from '../reference';
import { countryName, type Reference } from '../views';
import { csrfField, emptyState, facts, fmtDate, fmtNum, fmtUsd, layout, send, type AnonCtx, type PageCtx } from '../ui';

type Call = Schemas['Call'];
const enc = encodeURIComponent;

/** The title and description in the page's language (English when no Russian text was given). */
function texts(c: Call, lang: Lang) {
  return {
    title: lang === 'ru' && c.titleRu ? c.titleRu : c.title,
    statement: lang === 'ru' && c.challengeStatementRu ? c.challengeStatementRu : c.challengeStatement,
  };
}

/** "Closes in 3 d 4 h" (or hours and minutes in the last day); rolling calls say so. */
function countdown(ctx: AnonCtx, c: Call, now = Date.now()): string {
  if (!c.closesAt) return ctx.t('callPage.rolling');
  const ms = Math.max(0, Date.parse(c.closesAt) - now);
  const d = Math.floor(ms / 86_400_000);
  const h = Math.floor((ms % 86_400_000) / 3_600_000);
  if (d > 0) return ctx.t('callPage.closesIn', { d, h });
  return ctx.t('callPage.closesInHours', { h, m: Math.floor((ms % 3_600_000) / 60_000) });
}

function closingText(c: Call, lang: Lang): string {
  if (!c.closesAt) return '—';
  const local = c.closesLocal ? `${c.closesLocal.replace('T', ' ')} (${c.timeZone})` : '';
  return `${fmtDate(c.closesAt, lang, true)} UTC${local ? ` · ${local}` : ''}`;
}

function callFacts(ctx: AnonCtx, c: Call, refs: Reference) {
  const { t, lang } = ctx;
  return facts([
    [t('call.grant'), `${fmtUsd(c.minGrantUsd, lang)} – ${fmtUsd(c.maxGrantUsd, lang)}`],
    [t('callPage.envelope'), c.budgetEnvelopeUsd === null ? '' : fmtUsd(c.budgetEnvelopeUsd, lang)],
    [t('call.coFinancing'), t('call.coFinancingMin', { pct: c.coFinancingMinPct })],
    [t('call.duration'), t('unit.upToMonths', { n: c.maxDurationMonths })],
    [t('call.closes'), closingText(c, lang)],
    [t('call.areas'), c.thematicAreaIds.map((a) => nameOf(refs.areas, a, lang)).join(', ')],
  ]);
}

const CALL_EVENTS = new Set([
  'created',
  'edited',
  'published',
  'publish_refused',
  'deadline_extended',
  'closed',
  'review_started',
  'reviewers_adjusted',
  'conflict_declared',
  'selection_issued',
  'selected_from_waitlist',
  'archiving',
  'archived',
]);
const eventLabel = (ctx: AnonCtx, action: string) =>
  CALL_EVENTS.has(action) ? ctx.t(`callEvent.${action}` as Key) : action.replace(/_/g, ' ');

export function callPages(router: Router, web: WebContext): void {
  const { ref } = web;
  const refs = async (): Promise<Reference> => {
    const [areas, countries] = await Promise.all([ref.thematicAreas(), ref.countries()]);
    return { areas, countries };
  };

  // ---------------------------------------------------------------- public page of open calls
  router.get(
    '/open-calls',
    web.anon(async (ctx) => {
      const { t, lang } = ctx;
      const [calls, r] = await Promise.all([ctx.api.get('/public/calls', { query: { pageSize: 100 } }), refs()]);
      const body = html`
        <p><a href="/app/open-calls.atom?lang=${lang}" type="application/atom+xml">${t('callPage.feed')}</a></p>
        ${
          calls.items.length
            ? html`<ul class="cards">${calls.items.map((c) => {
                const x = texts(c, lang);
                return html`<li class="card call">
              <h2><span class="muted small">${countryName(ctx, r, c.countryCode)}</span><br>${x.title}</h2>
              <p><strong><time datetime="${c.closesAt ?? ''}">${countdown(ctx, c)}</time></strong></p>
              <p>${x.statement}</p>
              ${callFacts(ctx, c, r)}
              <p><a class="btn btn-primary" href="/app/proposals/new?call=${enc(c.id)}">${t('callPage.signInToApply')}<span class="visually-hidden">: ${x.title}</span></a></p>
            </li>`;
              })}</ul>`
            : emptyState(t('call.none'))
        }`;
      send(ctx, layout(ctx, { title: t('callPage.publicTitle'), lead: t('callPage.publicLead'), body }));
    }),
  );

  // ---------------------------------------------------------------- Atom feed
  router.get(
    '/open-calls.atom',
    web.anon(async (ctx) => {
      const lang: Lang = ctx.req.query.lang === 'ru' ? 'ru' : ctx.req.query.lang === 'en' ? 'en' : ctx.lang;
      const calls = await ctx.api.get('/public/calls', { query: { pageSize: 100 } });
      const base = `${ctx.req.protocol}://${ctx.req.get('host') ?? 'localhost'}`;
      const x = (s: string) => escapeHtml(s);
      const updated = calls.items.reduce((m, c) => (c.createdAt > m ? c.createdAt : m), '1970-01-01T00:00:00.000Z');
      const entries = calls.items.map((c) => {
        const tx = texts(c, lang);
        const closes = c.closesAt
          ? `${ctx.t('call.closes')}: ${closingText(c, lang)}. `
          : `${ctx.t('callPage.rolling')}. `;
        return `<entry><id>urn:rus-undp:call:${x(c.id)}</id><title>${x(tx.title)}</title><updated>${c.createdAt}</updated><link href="${x(`${base}/app/proposals/new?call=${enc(c.id)}`)}"/><summary>${x(closes + tx.statement)}</summary></entry>`;
      });
      ctx.res
        .status(200)
        .type('application/atom+xml; charset=utf-8')
        .send(
          `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}"><id>urn:rus-undp:open-calls</id><title>${x(ctx.t('callPage.publicTitle'))}</title><updated>${updated}</updated><link rel="self" href="${x(`${base}/app/open-calls.atom?lang=${lang}`)}"/><link href="${x(`${base}/app/open-calls`)}"/>${entries.join('')}</feed>`,
        );
    }),
  );

  // ---------------------------------------------------------------- one call, for the fund manager
  async function renderCall(ctx: PageCtx, id: string, problems: string[] = [], status = 200): Promise<void> {
    const { t, lang } = ctx;
    const [c, r] = await Promise.all([ctx.api.get('/calls/{id}', { params: { id } }), refs()]);
    const p = c.progress;
    const x = texts(c, lang);
    const action = (path: string, label: string, extra = html``, cls = 'btn-primary') =>
      html`<form method="post" action="/app/calls/${enc(id)}/${path}" class="form inline">${csrfField(ctx)}${extra}<button type="submit" class="btn ${cls}">${label}</button></form>`;
    const titleOf = (pid: string) => p?.proposals.find((q) => q.proposalId === pid)?.title ?? pid;
    const sections = [];
    if (problems.length)
      sections.push(
        html`<div class="notice notice-warn" role="alert"><span class="notice-icon" aria-hidden="true">!</span><p>${t('callPage.refused')}:</p><ul>${problems.map((m) => html`<li>${m}</li>`)}</ul></div>`,
      );
    sections.push(html`<section class="card card-accent"><p>${x.statement}</p>
      ${facts([
        [t('callPage.status'), t(`callStatus.${c.status}` as Key)],
        [t('callPage.passMark'), String(c.passMark)],
        [t('callPage.selectionMode'), t(`selectionMode.${c.selectionMode}`)],
      ])}
      ${callFacts(ctx, c, r)}
      ${c.status === 'published' ? html`<p><strong>${countdown(ctx, c)}</strong></p>` : ''}</section>`);

    // Actions the call's state allows.
    const actions = [];
    if (c.status === 'draft') actions.push(action('publish', t('callPage.publish')));
    if (c.status === 'published' && !c.rolling)
      actions.push(
        action(
          'extension',
          t('callPage.extend'),
          html`<label>${t('callPage.newClosing')} <input type="date" name="closesAt" required></label>
            <label>${t('callPage.closingTime')} <input type="time" name="closingTime" value="${c.closesLocal?.slice(11, 16) ?? '23:59'}"></label>`,
        ),
      );
    const ranked = c.selectionMode === 'ranked';
    if (c.status === 'closed' && ranked) {
      actions.push(action('review', t('callPage.startReview')));
      if (p?.waitingFor.length)
        actions.push(
          action(
            'review',
            t('callPage.startWithout'),
            html`<input type="hidden" name="withoutWaiting" value="true">`,
            'btn-secondary',
          ),
        );
    }
    const notSelecting = !ranked && (c.status === 'published' || c.status === 'closed');
    if (c.status === 'decided' || notSelecting || c.status === 'draft')
      actions.push(action('archive', t('callPage.archive'), html``, 'btn-secondary'));
    if (actions.length) sections.push(html`<section class="card"><h2>${t('callPage.manage')}</h2>${actions}</section>`);

    if (p) {
      if (c.status === 'published' || c.status === 'closed' || p.waitingFor.length)
        sections.push(
          html`<section class="card"><h2>${t('callPage.waitingFor')}</h2>${
            p.waitingFor.length
              ? html`<ul>${p.waitingFor.map((w) => html`<li><a href="/app/proposals/${enc(w.proposalId)}">${w.title}</a></li>`)}</ul>`
              : html`<p>${t('callPage.nothingWaits')}</p>`
          }${p.reviewStartsAt ? html`<p class="notice notice-ok" role="note">${t('callPage.reviewStartsAt', { when: fmtDate(p.reviewStartsAt, lang, true) })}</p>` : ''}</section>`,
        );
      if (p.proposals.length)
        sections.push(html`<section class="card"><h2>${t('callPage.proposals')}</h2>
          <table class="table"><thead><tr><th scope="col">${t('callPage.proposal')}</th><th scope="col">${t('callPage.reviewers')}</th><th scope="col">${t('callPage.score')}</th><th scope="col">${t('callPage.decision')}</th></tr></thead>
          <tbody>${p.proposals.map(
            (q) =>
              html`<tr><td><a href="/app/proposals/${enc(q.proposalId)}">${q.title}</a></td><td>${q.reviewerIds.join(', ') || '—'}</td><td>${fmtNum(q.weightedScore, lang)}</td><td>${q.decision ? t(`selection.${q.decision}` as Key) : '—'}</td></tr>`,
          )}</tbody></table>
          ${facts([
            [
              t('callPage.workload'),
              Object.entries(p.workload)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', '),
            ],
          ])}</section>`);
      if (p.ranking.length && (c.status === 'review' || c.status === 'decided'))
        sections.push(html`<section class="card"><h2>${t('callPage.ranking')}</h2>
          <form method="post" action="/app/calls/${enc(id)}/selection" class="form">${csrfField(ctx)}
          <table class="table"><thead><tr><th scope="col">${t('callPage.rank')}</th><th scope="col">${t('callPage.proposal')}</th><th scope="col">${t('callPage.score')}</th><th scope="col">${t('callPage.requested')}</th><th scope="col">${t('callPage.runningTotal')}</th><th scope="col">${t('callPage.suggested')}</th><th scope="col">${t('callPage.decision')}</th><th scope="col">${t('callPage.justification')}</th></tr></thead>
          <tbody>${p.ranking.map(
            (
              q,
              i,
            ) => html`<tr><td>${q.rank}</td><td>${q.title}<input type="hidden" name="proposalId" value="${q.proposalId}"></td><td>${fmtNum(q.weightedScore, lang)}${q.passMarkMet ? '' : ' ✗'}</td><td>${fmtUsd(q.requestedUsd, lang)}</td><td>${fmtUsd(q.runningTotalUsd, lang)}${p.envelopeUsd === null ? '' : ` / ${fmtUsd(p.envelopeUsd, lang)}`}</td><td>${t(`selection.${q.suggested}` as Key)}</td>
            <td><label class="visually-hidden" for="decision-${i}">${t('callPage.decision')}: ${q.title}</label><select id="decision-${i}" name="decision">${(['select', 'waitlist', 'reject'] as const).map((d) => html`<option value="${d}"${d === q.suggested ? html` selected` : ''}>${t(`selection.${d}`)}</option>`)}</select></td>
            <td><label class="visually-hidden" for="justification-${i}">${t('callPage.justification')}: ${q.title}</label><input id="justification-${i}" name="justification" maxlength="2000"></td></tr>`,
          )}</tbody></table>
          <div class="actions"><button type="submit" class="btn btn-primary">${t('callPage.issueSelection')}</button></div></form></section>`);
      if (p.delivery.total)
        sections.push(html`<section class="card"><p role="status">${t('callPage.delivery', p.delivery)}</p>
          <progress max="${p.delivery.total}" value="${p.delivery.delivered + p.delivery.closed}" aria-label="${t('callPage.delivery', p.delivery)}"></progress></section>`);
      if (p.nextFromWaitlist)
        sections.push(html`<section class="card"><p>${t('callPage.freed', { amount: fmtUsd(p.freedUsd, lang), title: titleOf(p.nextFromWaitlist) })}</p>
          ${action('waitlist-selection', t('callPage.selectNext'), html`<input type="hidden" name="proposalId" value="${p.nextFromWaitlist}">`)}</section>`);
      sections.push(
        html`<section class="card"><h2>${t('callPage.history')}</h2><ul>${p.history.map(
          (e) => html`<li>${fmtDate(e.at, lang, true)} — ${eventLabel(ctx, e.action)}</li>`,
        )}</ul></section>`,
      );
    }
    send(
      ctx,
      layout(ctx, { title: x.title, back: { href: '/app/calls', label: t('call.title') }, body: sections, wide: true }),
      status,
    );
  }

  router.get(
    '/calls/:id',
    web.page((ctx) => renderCall(ctx, ctx.req.params.id), { roles: ['fund_manager'] }),
  );

  /** Form fields to the API body of each call action. */
  const bodies: Record<string, (b: Record<string, unknown>) => Record<string, unknown> | undefined> = {
    publish: () => undefined,
    archive: () => undefined,
    extension: (b) => ({
      closesAt: String(b.closesAt ?? ''),
      ...(b.closingTime ? { closingTime: String(b.closingTime) } : {}),
    }),
    review: (b) => ({ withoutWaiting: b.withoutWaiting === 'true' }),
    'waitlist-selection': (b) => ({ proposalId: String(b.proposalId ?? '') }),
    selection: (b) => {
      const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
      const ids = list(b.proposalId);
      const decisions = list(b.decision);
      const reasons = list(b.justification);
      return {
        decisions: ids.map((proposalId, i) => ({
          proposalId,
          decision: decisions[i],
          ...(reasons[i]?.trim() ? { justification: reasons[i].trim() } : {}),
        })),
      };
    },
  };
  for (const [path, toBody] of Object.entries(bodies)) {
    router.post(
      `/calls/:id/${path}`,
      web.action(
        async (ctx) => {
          const id = ctx.req.params.id;
          const body = toBody(ctx.req.body as Record<string, unknown>);
          const res = await ctx.api.send('POST', `/calls/{id}/${path}` as '/calls/{id}/publish', {
            params: { id },
            ...(body ? { body: body as never } : {}),
          });
          if (res.ok) return ctx.res.redirect(303, `/app/calls/${enc(id)}`);
          if (res.status === 400 || res.status === 409)
            return renderCall(
              ctx,
              id,
              res.body.error.details?.map((d) => `${d.path}: ${d.message}`) ?? [res.body.error.message],
              res.status,
            );
          throw new ApiError(res.status, res.body.error);
        },
        { roles: ['fund_manager'] },
      ),
    );
  }
}
