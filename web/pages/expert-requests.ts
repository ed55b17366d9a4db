import { isTerminal } from '../../domain/stages';
import { documentsCard, loadDocuments } from './documents';
import { askToCancel, conversationSections } from './messages';
import { provenanceLink } from './provenance';
import { resultsLink } from './results';
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { ApiError } from '../api-client';
import {
  emptyExpertRequest,
  expertRequestFieldNames,
  expertRequestFormFields,
  expertRequestLabels,
  expertRequestPayload,
  expertRequestValuesFrom,
  str,
  type Body,
  type ExpertRequestValues,
} from '../forms';
import { html } from '../html';
import type { Key } from '../i18n';
import type { WebContext } from '../context';
import {
  csrfField,
  emptyForm,
  errorSummary,
  fmtDate,
  fmtNum,
  fmtUsd,
  hidden,
  layout,
  mapDetails,
  prose as proseOf,
  send,
  stageBadge,
  type FormState,
  type PageCtx,
} from '../ui';
import { formIdempotencyKey, idempotencyHeader } from '../idempotency';
import {
  agreementCard,
  countryName,
  deliverablesTable,
  expertRequestFacts,
  listPageData,
  listTable,
  milestoneTitles,
  openTasksSection,
  statusSection,
  subjectPageData,
  timelineList,
  type ListColumn,
  type Reference,
} from '../views';
const enc = encodeURIComponent;

export function expertRequestPages(router: Router, web: WebContext): void {
  const { ref } = web;

  router.get(
    '/expert-requests',
    web.page(async (ctx) => {
      const { t, lang, user } = ctx;
      const { list, refs } = await listPageData(ctx, (page) =>
        ctx.api.get('/expert-requests', { query: { pageSize: 50, page } }),
      );
      const actions =
        user.role === 'co_approver'
          ? html`<p><a class="btn btn-primary" href="/app/expert-requests/new">${t('request.new')}</a></p>`
          : '';
      const columns: ListColumn<(typeof list.items)[number]>[] = [
        { label: t('field.title'), cell: (r) => html`<a href="/app/expert-requests/${enc(r.id)}">${r.title}</a>` },
        { label: t('field.country'), cell: (r) => countryName(ctx, refs, r.countryCode) },
        { label: t('field.modality'), cell: (r) => t(`modality.${r.modality}` as Key) },
        { label: t('field.period'), cell: (r) => `${fmtDate(r.startDate, lang)} – ${fmtDate(r.endDate, lang)}` },
        { label: t('field.stage'), cell: (r) => stageBadge(ctx, r.stage, 'experts_on_demand') },
      ];
      // An expert sees no contract values in the list.
      if (user.role !== 'expert')
        columns.push({ label: t('field.contractValueUsd'), num: true, cell: (r) => fmtUsd(r.contractValueUsd, lang) });
      const table = listTable(ctx, list, {
        caption: t('request.caption'),
        none: user.role === 'expert' ? t('request.noneExpert') : t('request.none'),
        columns,
        href: (n) => `/app/expert-requests?page=${n}`,
      });
      send(
        ctx,
        layout(ctx, {
          title: user.role === 'expert' ? t('nav.assignments') : t('nav.expertRequests'),
          body: html`${actions}${table}`,
        }),
      );
    }),
  );

  async function renderNew(
    ctx: PageCtx,
    v: ExpertRequestValues,
    state: FormState,
    key: string,
    status = 200,
    extraRows = 0,
  ): Promise<void> {
    const { t } = ctx;
    const [areas, countries] = await Promise.all([ref.thematicAreas(), ref.countries()]);
    const refs: Reference = { areas, countries };
    const body = html`<p class="lead">${t('request.lead', { country: countryName(ctx, refs, ctx.user.countryCode) })}</p>
      ${errorSummary(ctx, state, expertRequestLabels(ctx))}
      <form method="post" action="/app/expert-requests/new" class="form" novalidate data-once>
        ${csrfField(ctx)}${hidden('idempotencyKey', key)}${hidden('countryCode', ctx.user.countryCode ?? '')}
        ${expertRequestFormFields(ctx, v, state, { areas, extraRows })}
        <div class="actions"><button type="submit" class="btn btn-primary">${t('request.submit')}</button></div>
      </form>`;
    send(
      ctx,
      layout(ctx, {
        title: t('request.newTitle'),
        back: { href: '/app/expert-requests', label: t('nav.expertRequests') },
        body,
      }),
      status,
    );
  }

  router.get(
    '/expert-requests/new',
    web.page(async (ctx) => renderNew(ctx, emptyExpertRequest(ctx.user.countryCode ?? ''), emptyForm(), randomUUID()), {
      roles: ['co_approver'],
    }),
  );

  router.post(
    '/expert-requests/new',
    web.action(
      async (ctx) => {
        const body = ctx.req.body as Body;
        const v = expertRequestValuesFrom(body);
        const key = formIdempotencyKey(ctx.user.id, 'expert-requests/new', body);
        if (body._addRow) return renderNew(ctx, v, emptyForm(), key, 200, 1);
        const res = await ctx.api.send('POST', '/expert-requests', {
          body: expertRequestPayload(v),
          headers: idempotencyHeader(key),
        });
        if (res.ok) return ctx.res.redirect(303, `/app/expert-requests/${enc(res.body.id)}?notice=registered`);
        if (res.status === 400) {
          const state = mapDetails(
            ctx.lang,
            res.body.error.details ?? [{ path: '', message: res.body.error.message }],
            expertRequestFieldNames(v),
          );
          return renderNew(ctx, v, state, key, 400);
        }
        throw new ApiError(res.status, res.body.error);
      },
      { roles: ['co_approver'] },
    ),
  );

  router.get(
    '/expert-requests/:id',
    web.page(async (ctx) => {
      const { t, lang, user } = ctx;
      const { r, refs, privileged, names } = await subjectPageData(
        ctx,
        ctx.api.get('/expert-requests/{id}', { params: { id: ctx.req.params.id } }),
        { areas: true },
      );
      const selectedForMe = r.selectedForMe
        ? html`<p class="notice notice-ok" role="status"><span aria-hidden="true">✓ </span>${t('request.selectedForMe')}</p>`
        : '';
      const status = statusSection(ctx, r, 'experts_on_demand', t(`next.eod.${r.stage}` as Key), selectedForMe);
      const shortlist =
        privileged && Array.isArray(r.shortlist) && r.shortlist.length
          ? html`<section class="card"><h2>${t('shortlist.title')}</h2><table class="table table-scroll"><caption>${t('shortlist.caption')}</caption>
        <thead><tr><th scope="col">${t('shortlist.expert')}</th><th scope="col" class="num">${t('shortlist.score')}</th><th scope="col" class="num">${t('shortlist.dailyFee')}</th><th scope="col" class="num">${t('shortlist.rating')}</th><th scope="col">${t('request.selected')}</th></tr></thead>
        <tbody>${r.shortlist.map((e) => html`<tr><th scope="row">${e.name}</th><td class="num">${fmtNum(e.score, lang)}</td><td class="num">${fmtUsd(e.dailyFeeCents / 100, lang)}</td><td class="num">${fmtNum(e.rating, lang)}</td><td>${r.selectedExpertId === e.expertId ? html`<span class="badge badge-ok"><span aria-hidden="true">✓ </span>${t('request.selected')}</span>` : ''}</td></tr>`)}</tbody></table></section>`
          : '';
      const openTasks = privileged ? openTasksSection(ctx, r.openTasks) : '';
      const details = html`<section class="card"><h2>${t('request.details')}</h2>${expertRequestFacts(ctx, r, refs)}<h3>${t('field.objectives')}</h3>${proseOf(r.objectives)}${deliverablesTable(ctx, r.deliverables)}</section>`;
      const history = html`<section class="card"><h2>${t('history.title')}</h2>${timelineList(ctx, r.timeline, names, { privileged, programme: 'experts_on_demand', milestones: milestoneTitles(r.agreement) })}</section>`;
      const { thread, notes, cancel } = await conversationSections(ctx, 'experts_on_demand', r);
      // Terms of reference, deliverables and the thread's attachments: the Country Office, fund managers and the selected expert upload.
      const selectedExpert = user.role === 'expert' && !!user.expertId && r.selectedExpertId === user.expertId;
      const documents = documentsCard(
        ctx,
        { type: 'expert_request', id: r.id },
        await loadDocuments(ctx, { type: 'expert_request', id: r.id }),
        { canUpload: !isTerminal(r.stage) && (['co_approver', 'fund_manager'].includes(user.role) || selectedExpert) },
      );
      const body = html`<div class="layout-2"><div class="col-main">${status}${user.role === 'co_approver' ? askToCancel(ctx, 'experts_on_demand', r.stage) : ''}${openTasks}${thread}${notes}${agreementCard(ctx, r.agreement)}${documents}${shortlist}${resultsLink(ctx, 'experts_on_demand', r.id)}${provenanceLink(ctx, 'experts_on_demand', r.id)}${details}${cancel}</div><aside class="col-side">${history}</aside></div>`;
      send(
        ctx,
        layout(ctx, {
          title: r.title,
          back: {
            href: '/app/expert-requests',
            label: user.role === 'expert' ? t('nav.assignments') : t('nav.expertRequests'),
          },
          body,
          wide: true,
        }),
      );
    }),
  );
}
