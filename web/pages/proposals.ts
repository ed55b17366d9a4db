import { randomUUID } from 'node:crypto';
import { isTerminal } from '../../domain/stages';
import type { Router } from 'express';
import type { Stage } from '../../domain/stages';
import { ApiError } from '../api-client';
import {
  draftValues,
  emptyProposal,
  list,
  proposalFieldNames,
  proposalFormFields,
  proposalLabels,
  proposalPayload,
  proposalValuesFrom,
  str,
  type Body,
  type ProposalValues,
} from '../forms';
import { html, type HtmlValue } from '../html';
import { documentsCard, loadDocuments, loadStagedDocuments, stagedDocumentsSection } from './documents';
import type { Key } from '../i18n';
import type { WebContext } from '../context';
import { nameOf } from '../reference';
import {
  csrfField,
  emptyForm,
  emptyState,
  errorSummary,
  facts,
  field,
  fmtDate,
  fmtNum,
  fmtUsd,
  hidden,
  layout,
  mapDetails,
  pager,
  send,
  stageBadge,
  type FormState,
  type PageCtx,
} from '../ui';
import { formIdempotencyKey, idempotencyField, idempotencyHeader } from '../idempotency';
import { askToCancel, conversationSections } from './messages';
import { provenanceLink } from './provenance';
import { resultsLink } from './results';
import { CHALLENGE_FUND } from '../../domain/programmes/challenge-fund';
import {
  agreementCard,
  countryName,
  criterionLabel,
  isStaffViewer,
  kindLabel,
  milestoneTitles,
  openTasksSection,
  proposalFacts,
  proposalTexts,
  statusSection,
  taskHref,
  timelineList,
  type Reference,
} from '../views';

const enc = encodeURIComponent;

export function proposalPages(router: Router, web: WebContext): void {
  const { ref } = web;

  // ---------------------------------------------------------------- open calls
  router.get(
    '/calls',
    web.page(async (ctx) => {
      const { t, lang } = ctx;
      const [calls, areas, countries] = await Promise.all([
        ctx.api.get('/calls', { query: { pageSize: 100 } }),
        ref.thematicAreas(),
        ref.countries(),
      ]);
      const refs: Reference = { areas, countries };
      const body = calls.items.length
        ? html`<ul class="cards">${calls.items.map(
            (c) => html`<li class="card call">
            <h2><span class="muted small">${countryName(ctx, refs, c.countryCode)}</span><br>${c.title}</h2>
            <p>${c.challengeStatement}</p>
            ${facts([
              [t('call.grant'), `${fmtUsd(c.minGrantUsd, lang)} – ${fmtUsd(c.maxGrantUsd, lang)}`],
              [t('call.coFinancing'), t('call.coFinancingMin', { pct: c.coFinancingMinPct })],
              [t('call.duration'), t('unit.upToMonths', { n: c.maxDurationMonths })],
              [t('call.closes'), fmtDate(c.closesAt, lang)],
              [t('call.areas'), c.thematicAreaIds.map((a) => nameOf(areas, a, lang)).join(', ')],
            ])}
            ${ctx.user.role === 'applicant' ? html`<p><a class="btn btn-primary" href="/app/proposals/new?call=${enc(c.id)}">${t('call.apply')}<span class="visually-hidden">: ${c.title}</span></a></p>` : ''}
          </li>`,
          )}</ul>`
        : emptyState(t('call.none'));
      send(ctx, layout(ctx, { title: t('call.title'), lead: t('call.lead'), body }));
    }),
  );

  // ---------------------------------------------------------------- new proposal, drafts (kept on the server)
  async function renderNew(
    ctx: PageCtx,
    callId: string,
    v: ProposalValues,
    state: FormState,
    idemKey: string,
    opts: { status?: number; extra?: string; draftId?: string; documentIds?: string[] } = {},
  ): Promise<void> {
    const { t, lang } = ctx;
    const [calls, areas, staged] = await Promise.all([
      ctx.api.get('/calls', { query: { pageSize: 100 } }),
      ref.thematicAreas(),
      loadStagedDocuments(ctx),
    ]);
    const call = calls.items.find((c) => c.id === callId);
    if (!call)
      return send(
        ctx,
        layout(ctx, { title: t('call.notOpen'), body: html`<p><a href="/app/calls">${t('call.title')}</a></p>` }),
        404,
      );
    const body = html`
      <section class="card card-accent"><h2>${call.title}</h2><p>${call.challengeStatement}</p>
        ${facts([
          [t('call.grant'), `${fmtUsd(call.minGrantUsd, lang)} – ${fmtUsd(call.maxGrantUsd, lang)}`],
          [t('call.coFinancing'), t('call.coFinancingMin', { pct: call.coFinancingMinPct })],
          [t('call.duration'), t('unit.upToMonths', { n: call.maxDurationMonths })],
          [t('call.closes'), fmtDate(call.closesAt, lang)],
        ])}
      </section>
      ${errorSummary(ctx, state, { ...proposalLabels(ctx), documentIds: lang === 'ru' ? 'Документы заявки' : 'Documents of the proposal' })}
      ${stagedDocumentsSection(ctx, staged, { callId: call.id, required: call.requiredDocumentTypes, formId: 'proposal-form', checked: opts.documentIds, error: state.errors.get('documentIds') })}
      <form method="post" id="proposal-form" action="/app/proposals/new?call=${enc(call.id)}" class="form" novalidate data-autosave="/app/drafts/autosave" data-msg-saved="${t('drafts.savedAt', { time: '{time}' })}" data-msg-failed="${t('drafts.saveFailed')}" data-once>
        ${csrfField(ctx)}${hidden('idempotencyKey', idemKey)}${hidden('callId', call.id)}${hidden('countryCode', call.countryCode)}${hidden('draftId', opts.draftId ?? '')}
        <p class="hint">${t('drafts.autosaveNote')}</p>
        <p class="draft-status" data-draft-status aria-live="polite" hidden></p>
        ${proposalFormFields(ctx, v, state, {
          areas,
          areaIds: call.thematicAreaIds,
          extraRows: opts.extra === 'milestones' ? 1 : 0,
          extraBudgetRows: opts.extra === 'budget' ? 1 : 0,
        })}
        <div class="actions">
          <button type="submit" class="btn btn-primary">${t('proposal.submit')}</button>
          <button type="submit" name="_saveDraft" value="1" class="btn btn-secondary">${t('proposal.saveDraft')}</button>
        </div>
      </form>`;
    send(
      ctx,
      layout(ctx, {
        title: opts.draftId ? t('drafts.editTitle') : t('proposal.newTitle'),
        back: {
          href: opts.draftId ? '/app/proposals' : '/app/calls',
          label: opts.draftId ? t('nav.myProposals') : t('call.title'),
        },
        body,
        wide: true,
      }),
      opts.status ?? 200,
    );
  }

  /** What a draft keeps: the payload as typed, without the call and country (the draft's call decides them). */
  const draftData = (v: ProposalValues): Record<string, unknown> => {
    const { callId: _c, countryCode: _k, ...data } = proposalPayload(v) as Record<string, unknown>;
    return data;
  };

  /** Creates the draft or saves it; answers its id and check. */
  async function saveDraft(ctx: PageCtx, v: ProposalValues, draftId: string) {
    const data = draftData(v);
    if (draftId) {
      const res = await ctx.api.send('PATCH', '/drafts/{id}', { params: { id: draftId }, body: { data } });
      if (res.ok) return res.body;
      if (res.status !== 404) throw new ApiError(res.status, res.body.error);
      // Deleted meanwhile (by a colleague, or submitted): start a new one with what is typed.
    }
    const res = await ctx.api.send('POST', '/drafts', { body: { callId: v.callId, data } });
    if (!res.ok) throw new ApiError(res.status, res.body.error);
    return res.body;
  }

  router.get(
    '/proposals/new',
    web.page(
      async (ctx) => {
        const callId = String(ctx.req.query.call ?? '');
        if (!callId) return ctx.res.redirect(303, '/app/calls');
        await renderNew(ctx, callId, emptyProposal(callId, ''), emptyForm(), randomUUID());
      },
      { roles: ['applicant'] },
    ),
  );

  router.post(
    '/proposals/new',
    web.action(
      async (ctx) => {
        const body = ctx.req.body as Body;
        const v = proposalValuesFrom(body);
        const draftId = str(body, 'draftId');
        const key = formIdempotencyKey(ctx.user.id, 'proposals/new', body);
        // The uploads ticked in the documents section (outside the form, joined to it by its id).
        const documentIds = list(body, 'documentIds');
        if (body._addRow)
          return renderNew(ctx, v.callId, v, emptyForm(), key, {
            extra: str(body, '_addRow'),
            draftId,
            documentIds,
          });
        if (body._saveDraft) {
          const draft = await saveDraft(ctx, v, draftId);
          return ctx.res.redirect(303, `/app/drafts/${enc(draft.id)}?notice=saved`);
        }
        const res = await ctx.api.send('POST', '/proposals', {
          body: { ...proposalPayload(v), ...(documentIds.length ? { documentIds } : {}) },
          headers: idempotencyHeader(key),
        });
        if (res.ok) {
          // Submitted: the draft it came from is done (gone already if a colleague removed it).
          if (draftId) await ctx.api.send('POST', '/drafts/{id}/delete', { params: { id: draftId } });
          return ctx.res.redirect(303, `/app/proposals/${enc(res.body.id)}?notice=submitted`);
        }
        if (res.status === 400) {
          const state = mapDetails(
            ctx.lang,
            res.body.error.details ?? [{ path: '', message: res.body.error.message }],
            [...proposalFieldNames(v, 12), 'documentIds'],
          );
          return renderNew(ctx, v.callId, v, state, key, { status: 400, draftId, documentIds });
        }
        throw new ApiError(res.status, res.body.error);
      },
      { roles: ['applicant'] },
    ),
  );

  /** Autosave from the page script: saves the draft, answers its totals and the problems per field, worded for the page. */
  router.post(
    '/drafts/autosave',
    web.action(
      async (ctx) => {
        const body = ctx.req.body as Body;
        const v = proposalValuesFrom(body);
        const draft = await saveDraft(ctx, v, str(body, 'draftId'));
        const live = draft.check.problems.filter((p) => p.rule || p.path.startsWith('budget.'));
        const state = mapDetails(ctx.lang, live, proposalFieldNames(v, 60));
        const fmt = (n: number) =>
          new Intl.NumberFormat(ctx.lang === 'ru' ? 'ru-RU' : 'en-US', { maximumFractionDigits: 2 }).format(n);
        const totals = draft.check.totals;
        ctx.res.json({
          draftId: draft.id,
          savedAt: new Date(draft.updatedAt).toLocaleTimeString(ctx.lang === 'ru' ? 'ru-RU' : 'en-GB'),
          totals: totals
            ? {
                totalUsd: fmt(totals.totalUsd),
                requestedUsd: fmt(totals.requestedUsd),
                coFinancingCashUsd: fmt(totals.coFinancingCashUsd),
                coFinancingInKindUsd: fmt(totals.coFinancingInKindUsd),
                coFinancingPct: `${fmt(totals.coFinancingPct)} %`,
                indirectPct: `${fmt(totals.indirectPct)} %`,
                lineCostUsd: totals.lineCostUsd.map(fmt),
              }
            : null,
          errors: Object.fromEntries(state.errors),
        });
      },
      { roles: ['applicant'] },
    ),
  );

  router.get(
    '/drafts/:id',
    web.page(
      async (ctx) => {
        const res = await ctx.api.get('/drafts/{id}', { params: { id: ctx.req.params.id } }).catch((err: unknown) => {
          if (err instanceof ApiError && err.status === 404) return null;
          throw err;
        });
        if (!res)
          return send(
            ctx,
            layout(ctx, {
              title: ctx.t('drafts.notFound'),
              body: html`<p><a href="/app/proposals">${ctx.t('nav.myProposals')}</a></p>`,
            }),
            404,
          );
        const v = draftValues(res.call?.id ?? '', res.data);
        // Reopened: what intake would refuse in what is typed so far, next to its fields.
        const live = res.check.problems.filter((p) => p.rule || p.path.startsWith('budget.'));
        const state = mapDetails(ctx.lang, live, proposalFieldNames(v, 60));
        await renderNew(ctx, res.call?.id ?? '', v, state, randomUUID(), { draftId: res.id });
      },
      { roles: ['applicant'] },
    ),
  );

  for (const [action, path, notice] of [
    ['copy', '/drafts/{id}/copy', 'draftCopied'],
    ['delete', '/drafts/{id}/delete', 'draftDeleted'],
  ] as const) {
    router.post(
      `/drafts/:id/${action}`,
      web.action(
        async (ctx) => {
          const res = await ctx.api.send('POST', path, { params: { id: ctx.req.params.id } });
          if (!res.ok && res.status !== 404) throw new ApiError(res.status, res.body.error);
          ctx.res.redirect(303, `/app/proposals?notice=${notice}`);
        },
        { roles: ['applicant'] },
      ),
    );
  }

  router.post(
    '/proposals/:id/copy',
    web.action(
      async (ctx) => {
        const res = await ctx.api.send('POST', '/proposals/{id}/copy-to-draft', {
          params: { id: ctx.req.params.id },
          headers: idempotencyHeader(
            formIdempotencyKey(ctx.user.id, `copy:${ctx.req.params.id}`, ctx.req.body as Body),
          ),
        });
        if (!res.ok) throw new ApiError(res.status, res.body.error);
        ctx.res.redirect(303, `/app/drafts/${enc(res.body.id)}`);
      },
      { roles: ['applicant'] },
    ),
  );

  // ---------------------------------------------------------------- list
  router.get(
    '/proposals',
    web.page(async (ctx) => {
      const { t, lang, user } = ctx;
      const stage = typeof ctx.req.query.stage === 'string' && ctx.req.query.stage ? ctx.req.query.stage : '';
      const page = Math.max(1, Number(ctx.req.query.page) || 1);
      const [list, tasks, countries, drafts] = await Promise.all([
        // An unknown stage from the address bar is the API's 400 to report, as before.
        ctx.api.get('/proposals', { query: { pageSize: 50, page, stage: (stage || undefined) as Stage | undefined } }),
        user.role === 'applicant' || user.role === 'reviewer'
          ? ctx.api.get('/tasks', { query: { pageSize: 100 } })
          : Promise.resolve(null),
        ref.countries(),
        user.role === 'applicant' ? ctx.api.get('/drafts') : Promise.resolve(null),
      ]);
      const refs: Reference = { areas: [], countries };
      const draftList = drafts
        ? html`<section class="card" aria-labelledby="drafts-h"><h2 id="drafts-h">${t('drafts.title')}</h2>${
            drafts.items.length
              ? html`<table class="table table-stack drafts"><caption class="visually-hidden">${t('drafts.caption')}</caption>
          <thead><tr><th scope="col">${t('field.title')}</th><th scope="col">${t('drafts.call')}</th><th scope="col">${t('drafts.deadline')}</th><th scope="col">${t('drafts.saved')}</th><th scope="col"><span class="visually-hidden">${t('drafts.continue')}</span></th></tr></thead>
          <tbody>${drafts.items.map((d) => {
            const title = d.title || t('drafts.untitled');
            return html`<tr data-draft-row="${d.id}">
            <td data-label="${t('field.title')}"><a href="/app/drafts/${enc(d.id)}">${title}</a></td>
            <td data-label="${t('drafts.call')}">${d.call?.title ?? ''}</td>
            <td data-label="${t('drafts.deadline')}">${d.call ? fmtDate(d.call.closesAt, lang) : ''}</td>
            <td data-label="${t('drafts.saved')}">${fmtDate(d.updatedAt, lang)}${d.updatedBy?.name ? html` ${t('drafts.by', { name: d.updatedBy.name })}` : ''}</td>
            <td data-label="${t('drafts.continue')}"><div class="inline-actions">
              <a class="btn btn-secondary" href="/app/drafts/${enc(d.id)}">${t('drafts.continue')}<span class="visually-hidden">: ${title}</span></a>
              <form method="post" action="/app/drafts/${enc(d.id)}/copy">${csrfField(ctx)}<button type="submit" class="btn btn-link">${t('drafts.copy')}<span class="visually-hidden">: ${title}</span></button></form>
              <form method="post" action="/app/drafts/${enc(d.id)}/delete" data-confirm="${t('drafts.deleteConfirm', { title })}">${csrfField(ctx)}<button type="submit" class="btn btn-link btn-danger-link">${t('drafts.delete')}<span class="visually-hidden">: ${title}</span></button></form>
            </div></td>
          </tr>`;
          })}</tbody></table>`
              : emptyState(t('drafts.none'))
          }</section>`
        : '';
      const mine = (tasks?.items ?? []).filter((x) => x.subject.type === 'proposal');
      const waiting = mine.length
        ? html`<section class="card card-warn" aria-labelledby="waiting-h"><h2 id="waiting-h">${t('proposals.waitingForYou')}</h2><ul class="waiting">${mine.map(
            (x) =>
              html`<li><a href="${taskHref(x.id)}">${kindLabel(lang, x.kind)}</a> · ${x.subject.title}${x.dueAt ? html` · ${t('task.dueOn', { date: fmtDate(x.dueAt, lang) })}` : ''}${x.overdue ? html` <span class="badge badge-danger"><span aria-hidden="true">⚠ </span>${t('task.overdue')}</span>` : ''}</li>`,
          )}</ul></section>`
        : '';
      const scores = isStaffViewer(user.role) && user.role !== 'co_approver';
      const table = list.items.length
        ? html`<table class="table table-stack"><caption class="visually-hidden">${t('proposals.caption')}</caption>
        <thead><tr><th scope="col">${t('field.title')}</th>${user.role === 'applicant' ? '' : html`<th scope="col">${t('field.institution')}</th>`}<th scope="col">${t('field.country')}</th><th scope="col">${t('field.stage')}</th><th scope="col">${t('field.submitted')}</th><th scope="col" class="num">${t('field.requestedAmountUsd')}</th>${scores ? html`<th scope="col" class="num">${t('selection.weightedTotal')}</th>` : ''}</tr></thead>
        <tbody>${list.items.map(
          (p) => html`<tr>
          <td data-label="${t('field.title')}"><a href="/app/proposals/${enc(p.id)}">${p.title}</a></td>
          ${user.role === 'applicant' ? '' : html`<td data-label="${t('field.institution')}">${p.institution.name ?? ''}</td>`}
          <td data-label="${t('field.country')}">${countryName(ctx, refs, p.countryCode)}</td>
          <td data-label="${t('field.stage')}">${stageBadge(ctx, p.stage, 'challenge_fund')}</td>
          <td data-label="${t('field.submitted')}">${fmtDate(p.createdAt, lang)}</td>
          <td data-label="${t('field.requestedAmountUsd')}" class="num">${fmtUsd(p.requestedAmountUsd, lang)}</td>
          ${scores ? html`<td data-label="${t('selection.weightedTotal')}" class="num">${fmtNum(p.weightedScore ?? null, lang)}</td>` : ''}
        </tr>`,
        )}</tbody></table>
        ${pager(ctx, list, (n) => `/app/proposals?${new URLSearchParams({ ...(stage ? { stage } : {}), page: String(n) }).toString()}`)}`
        : emptyState(user.role === 'applicant' ? t('proposals.noneApplicant') : t('proposals.none'));
      const title =
        user.role === 'applicant'
          ? t('nav.myProposals')
          : user.role === 'reviewer'
            ? t('nav.assignedProposals')
            : t('nav.proposals');
      const actions =
        user.role === 'applicant'
          ? html`<p><a class="btn btn-primary" href="/app/calls">${t('proposals.new')}</a></p>`
          : '';
      send(ctx, layout(ctx, { title, body: html`${actions}${waiting}${draftList}${table}` }));
    }),
  );

  // ---------------------------------------------------------------- one proposal
  router.get(
    '/proposals/:id',
    web.page(async (ctx) => {
      const { t, lang, user } = ctx;
      const [p, areas, countries] = await Promise.all([
        ctx.api.get('/proposals/{id}', { params: { id: ctx.req.params.id } }),
        ref.thematicAreas(),
        ref.countries(),
      ]);
      const refs: Reference = { areas, countries };
      const privileged = isStaffViewer(user.role);
      const full = p.view === 'full' ? p : undefined;
      const names = privileged
        ? await ref.userNames(
            [...p.timeline.map((e) => e.actorId ?? ''), ...(full?.reviews ?? []).map((r) => r.reviewerId)].filter(
              Boolean,
            ),
          )
        : new Map<string, string>();
      const terminal = isTerminal(p.stage);

      const next = t(`next.proposal.${p.stage}` as Key, { country: countryName(ctx, refs, p.countryCode) });
      const status = statusSection(ctx, p, 'challenge_fund', next);

      let review: HtmlValue = '';
      if (full?.reviews && full.reviews.length) {
        const keys = [...new Set(full.reviews.flatMap((r) => Object.keys(r.scores ?? {})))];
        review = html`<section class="card"><h2>${t('selection.title')}</h2>
        ${full.weightedScore !== undefined && full.weightedScore !== null ? html`<p class="scoreline ${full.passMarkMet ? 'is-pass' : 'is-fail'}"><span class="big">${fmtNum(full.weightedScore, lang)}</span> / 100 · <strong>${full.passMarkMet ? html`<span aria-hidden="true">✓ </span>${t('selection.met')}` : html`<span aria-hidden="true">✕ </span>${t('selection.notMet')}`}</strong></p>` : ''}
        <table class="table"><caption>${t('selection.caption')}</caption><thead><tr><th scope="col">${t('selection.reviewer')}</th><th scope="col">${t('review.coi')}</th>${keys.map((k) => html`<th scope="col" class="num">${criterionLabel(ctx, k)}</th>`)}<th scope="col" class="num">${t('selection.total')}</th></tr></thead>
        <tbody>${full.reviews.map((r) => html`<tr><th scope="row">${names.get(r.reviewerId) ?? r.reviewerId}</th><td>${r.coi === 'conflict' ? html`<span class="badge badge-warn">${t('review.conflict')}</span>` : r.submittedAt ? t('review.noConflict') : t('review.pending')}</td>${keys.map((k) => html`<td class="num">${fmtNum(r.scores?.[k] ?? null, lang)}</td>`)}<td class="num">${fmtNum(r.total, lang)}</td></tr>`)}</tbody></table></section>`;
      } else if (full?.myReview) {
        review = html`<section class="card"><h2>${t('review.mine')}</h2>${facts(Object.entries(full.myReview.scores ?? {}).map(([k, v]) => [criterionLabel(ctx, k), fmtNum(v, lang)] as [string, string]))}</section>`;
      }

      const openTasks = privileged ? openTasksSection(ctx, p.openTasks) : '';

      const { thread, notes, cancel } = await conversationSections(ctx, 'challenge_fund', p);
      const withdrawable = (CHALLENGE_FUND.withdrawal.stages as readonly string[]).includes(p.stage);
      const withdraw =
        user.role === 'applicant' && !terminal && withdrawable
          ? html`<details class="card danger-zone"><summary>${t('proposal.withdraw')}</summary>
        <form method="post" action="/app/proposals/${enc(p.id)}/withdraw" data-once>
          ${csrfField(ctx)}${idempotencyField()}
          ${field(ctx, { name: 'reason', label: t('proposal.withdrawReason'), type: 'textarea', rows: 2 })}
          <div class="choice"><input type="checkbox" id="withdraw-confirm" name="confirm" value="yes" required><label for="withdraw-confirm">${t('proposal.withdrawConfirm')}</label></div>
          <button type="submit" class="btn btn-danger"><span aria-hidden="true">✕ </span>${t('proposal.withdraw')}</button>
        </form></details>`
          : '';

      const extension =
        user.role === 'applicant' && p.stage === 'mission' && full
          ? html`<details class="card"><summary>${t('extension.title')}</summary>
        <p class="hint">${t('extension.hint')}</p>
        <form method="post" action="/app/proposals/${enc(p.id)}/extensions" data-once>
          ${csrfField(ctx)}${idempotencyField()}
          ${field(ctx, { name: 'milestone', label: t('extension.milestone'), type: 'select', required: true, options: full.milestones.map((m, i) => ({ value: String(i + 1), label: `${i + 1}. ${m.title} · ${fmtDate(m.dueDate, lang)}` })) })}
          ${field(ctx, { name: 'newDueDate', label: t('extension.newDueDate'), type: 'date', required: true })}
          ${field(ctx, { name: 'reason', label: t('extension.reason'), type: 'textarea', rows: 3, required: true })}
          <button type="submit" class="btn">${t('extension.submit')}</button>
        </form></details>`
          : '';

      // A proposal of the applicant's that ended (rejected at intake, say) can start a new draft.
      const copy =
        user.role === 'applicant' && terminal
          ? html`<section class="card"><h2>${t('proposal.copyToDraft')}</h2><p class="hint">${t('proposal.copyToDraftHint')}</p>
        <form method="post" action="/app/proposals/${enc(p.id)}/copy" data-once>${csrfField(ctx)}${idempotencyField()}<button type="submit" class="btn btn-secondary">${t('proposal.copyToDraft')}</button></form></section>`
          : '';
      const limited =
        p.view === 'limited'
          ? html`<p class="notice notice-warn" role="note"><span aria-hidden="true">! </span>${t('review.limited')}</p>`
          : '';
      const details = html`<section class="card"><h2>${t('proposal.details')}</h2>${limited}${proposalFacts(ctx, p, refs)}${proposalTexts(ctx, p, privileged || user.role === 'reviewer')}</section>`;
      const history = html`<section class="card"><h2>${t('history.title')}</h2>${timelineList(ctx, p.timeline, names, { privileged, programme: 'challenge_fund', milestones: milestoneTitles(full?.agreement) })}</section>`;
      const agreement = agreementCard(ctx, full?.agreement);
      const documents = documentsCard(
        ctx,
        { type: 'proposal', id: p.id },
        await loadDocuments(ctx, { type: 'proposal', id: p.id }),
        { canUpload: !terminal && ['applicant', 'co_approver', 'fund_manager'].includes(user.role) },
      );

      const body =
        user.role === 'applicant'
          ? html`<div class="layout-2"><div class="col-main">${status}${askToCancel(ctx, 'challenge_fund', p.stage)}${copy}${thread}${agreement}${documents}${extension}${resultsLink(ctx, 'challenge_fund', p.id)}${provenanceLink(ctx, 'challenge_fund', p.id)}${details}${withdraw}</div><aside class="col-side">${history}</aside></div>`
          : html`<div class="layout-2"><div class="col-main">${p.stage !== 'closed' ? status : ''}${openTasks}${thread}${notes}${agreement}${documents}${review}${resultsLink(ctx, 'challenge_fund', p.id)}${provenanceLink(ctx, 'challenge_fund', p.id)}${details}${cancel}</div><aside class="col-side">${history}</aside></div>`;
      send(
        ctx,
        layout(ctx, {
          title: p.title,
          back: {
            href: '/app/proposals',
            label: user.role === 'applicant' ? t('nav.myProposals') : t('nav.proposals'),
          },
          body,
          wide: true,
        }),
      );
    }),
  );

  router.post(
    '/proposals/:id/extensions',
    web.action(
      async (ctx) => {
        const id = ctx.req.params.id;
        const form = ctx.req.body as Body;
        const key = formIdempotencyKey(ctx.user.id, `extension:${id}`, form);
        const res = await ctx.api.send('POST', '/proposals/{id}/extensions', {
          params: { id },
          body: {
            milestone: Number(form.milestone),
            newDueDate: String(form.newDueDate ?? ''),
            reason: String(form.reason ?? ''),
          },
          headers: idempotencyHeader(key),
        });
        if (res.ok) return ctx.res.redirect(303, `/app/proposals/${enc(id)}?notice=extensionRequested`);
        if (res.status === 400 || res.status === 409)
          return ctx.res.redirect(303, `/app/proposals/${enc(id)}?notice=extensionRefused`);
        throw new ApiError(res.status, res.body.error);
      },
      { roles: ['applicant'] },
    ),
  );

  router.post(
    '/proposals/:id/withdraw',
    web.action(
      async (ctx) => {
        const id = ctx.req.params.id;
        if (ctx.req.body.confirm !== 'yes') return ctx.res.redirect(303, `/app/proposals/${enc(id)}`);
        const reason = String(ctx.req.body.reason ?? '').trim();
        const key = formIdempotencyKey(ctx.user.id, `withdraw:${id}`, ctx.req.body as Body);
        const res = await ctx.api.send('POST', '/proposals/{id}/withdraw', {
          params: { id },
          body: reason ? { reason } : {},
          headers: idempotencyHeader(key),
        });
        if (res.ok) return ctx.res.redirect(303, `/app/proposals/${enc(id)}?notice=withdrawn`);
        if (res.status === 409) return ctx.res.redirect(303, `/app/proposals/${enc(id)}?notice=conflict`);
        throw new ApiError(res.status, res.body.error);
      },
      { roles: ['applicant'] },
    ),
  );
}
