/**
 * UN Volunteers fully funded in the web app: the list of assignments (a Country Office's own; all
 * for the fund and UNV) and an assignment's page: its status and steps, the money (committed,
 * transferred, spent; the cost lines of the estimate; transfers and statements), the request, the
 * shortlist with each candidate's eligibility, the volunteer, the reconciliation, the thread and
 * the history. Decisions go through the shared task pages.
 */
import type { Router } from 'express';
import type { Bilingual } from '../../domain/programme';
import { UN_VOLUNTEERS } from '../../domain/programmes/un-volunteers';
import { UN_VOLUNTEERS_PAGE_WORDS } from '../../domain/programmes/un-volunteers-words';
import type { UnvLedger } from '../../domain/policy/unv';
import { html } from '../html';
import type { WebContext } from '../context';
import { fmtDate, fmtUsd, layout, send, stageBadge } from '../ui';
import {
  countryName,
  listPageData,
  listTable,
  openTasksSection,
  statusSection,
  subjectPageData,
  timelineList,
} from '../views';
import { conversationSections } from './messages';

const enc = encodeURIComponent;
const W = UN_VOLUNTEERS_PAGE_WORDS;
type Word = keyof typeof W;
const word = (k: string, lang: 'en' | 'ru') => (W as Record<string, Bilingual>)[k]?.[lang] ?? k;

export function unVolunteersPages(router: Router, web: WebContext): void {
  const path = `/${UN_VOLUNTEERS.apiPath}`;

  router.get(
    path,
    web.page(async (ctx) => {
      const { lang } = ctx;
      const w = (k: Word) => W[k][lang];
      const { list, refs } = await listPageData(ctx, (page) =>
        ctx.api.get('/unv-assignments', { query: { pageSize: 50, page } }),
      );
      const table = listTable(ctx, list, {
        caption: w('caption'),
        none: w('none'),
        href: (n) => `/app${path}?page=${n}`,
        columns: [
          { label: w('assignment'), cell: (r) => html`<a href="/app${path}/${enc(r.id)}">${r.title}</a>` },
          {
            label: w('dutyStation'),
            cell: (r) => `${r.dutyStationCity}, ${countryName(ctx, refs, r.countryCode)}`,
          },
          { label: w('category'), cell: (r) => w(r.category) },
          { label: ctx.t('field.stage'), cell: (r) => stageBadge(ctx, r.stage, 'un_volunteers') },
          { label: w('committed'), num: true, cell: (r) => fmtUsd(r.committedUsd, lang) },
          { label: w('transferred'), num: true, cell: (r) => fmtUsd(r.transferredUsd, lang) },
        ],
      });
      send(ctx, layout(ctx, { title: w('list'), body: table }));
    }),
  );

  router.get(
    `${path}/:id`,
    web.page(async (ctx) => {
      const { lang, user } = ctx;
      const w = (k: Word) => W[k][lang];
      const { r, refs, privileged, names } = await subjectPageData(
        ctx,
        ctx.api.get('/unv-assignments/{id}', { params: { id: ctx.req.params.id } }),
      );
      const req = r.request as { tasks?: string; qualifications?: string; languages?: string[]; startDate?: string };
      const estimate = r.costEstimate as { lines?: { key: string; amountCents: number }[]; totalCents?: number } | null;
      const ledger = r.ledger as unknown as UnvLedger | null;
      const money = html`<section class="card"><h2>${w('money')}</h2><dl class="facts">
        <dt>${w('committed')}</dt><dd>${fmtUsd(r.committedUsd, lang)}</dd>
        <dt>${w('transferred')}</dt><dd>${fmtUsd(r.transferredUsd, lang)}</dd>
        <dt>${w('spent')}</dt><dd>${fmtUsd(r.spentUsd, lang)}</dd>
        <dt>${w('released')}</dt><dd>${fmtUsd(r.releasedUsd, lang)}</dd></dl>
        ${
          estimate?.lines?.length
            ? html`<table class="table table-scroll"><caption>${w('costsCaption')}</caption>
          <thead><tr><th scope="col">${w('line')}</th><th scope="col" class="num">${w('amount')}</th></tr></thead>
          <tbody>${estimate.lines.map((l) => html`<tr><th scope="row">${word(l.key, lang)}</th><td class="num">${fmtUsd(l.amountCents / 100, lang)}</td></tr>`)}
          <tr><th scope="row">${w('total')}</th><td class="num">${fmtUsd((estimate.totalCents ?? 0) / 100, lang)}</td></tr></tbody></table>`
            : ''
        }
        ${ledger?.transfers.length ? html`<p>${w('transfers')}: ${ledger.transfers.map((t) => fmtUsd(t.cents / 100, lang)).join(' · ')}</p>` : ''}</section>`;
      const shortlist = (r.shortlist ?? []) as { candidate: { id: string; name: string }; eligible: boolean }[];
      const candidates =
        privileged && shortlist.length
          ? html`<section class="card"><h2>${w('shortlist')}</h2><ul>${shortlist.map(
              (c) =>
                html`<li>${c.candidate.name} (${c.candidate.id}): ${c.eligible ? w('eligible') : w('ineligible')}</li>`,
            )}</ul></section>`
          : '';
      const rec = r.reconciliation as { varianceCents?: number; variancePct?: number; overspent?: boolean } | null;
      const reconciliation = rec
        ? html`<section class="card"><h2>${w('reconciliation')}</h2><p>${w('variance')}: ${fmtUsd((rec.varianceCents ?? 0) / 100, lang)} (${rec.variancePct ?? 0}%)</p>${rec.overspent ? html`<p class="warn">${w('overspent')}</p>` : ''}</section>`
        : '';
      const endReport = r.endReport as { report?: string } | null;
      const details = html`<section class="card"><h2>${w('assignment')}</h2><dl class="facts">
        <dt>${w('host')}</dt><dd>${r.hostEntity}</dd>
        <dt>${w('dutyStation')}</dt><dd>${r.dutyStationCity}, ${countryName(ctx, refs, r.countryCode)}</dd>
        <dt>${w('category')}</dt><dd>${w(r.category)}</dd>
        <dt>${w('months')}</dt><dd>${r.plannedMonths}</dd>
        <dt>${w('wishedStart')}</dt><dd>${req.startDate ? fmtDate(req.startDate, lang) : '—'}</dd>
        ${r.volunteerName ? html`<dt>${w('volunteer')}</dt><dd>${r.volunteerName}</dd>` : ''}
        ${r.deployedOn ? html`<dt>${w('dates')}</dt><dd>${fmtDate(r.deployedOn, lang)} – ${fmtDate(r.endedOn ?? r.plannedEndDate ?? r.deployedOn, lang)}</dd>` : ''}
        <dt>${w('languages')}</dt><dd>${(req.languages ?? []).join(', ')}</dd></dl>
        <h3>${w('tasks')}</h3><p>${req.tasks ?? ''}</p><h3>${w('qualifications')}</h3><p>${req.qualifications ?? ''}</p>
        ${endReport?.report ? html`<h3>${w('report')}</h3><p>${endReport.report}</p>` : ''}</section>`;
      const { thread, notes, cancel } = await conversationSections(ctx, 'un_volunteers', r);
      const history = html`<section class="card"><h2>${w('history')}</h2>${timelineList(ctx, r.timeline, names, { privileged, programme: 'un_volunteers', milestones: new Map() })}</section>`;
      const body = html`<div class="layout-2"><div class="col-main">${statusSection(ctx, r, 'un_volunteers', w('next'))}${privileged ? openTasksSection(ctx, r.openTasks) : ''}${thread}${notes}${money}${reconciliation}${candidates}${details}${cancel}</div><aside class="col-side">${history}</aside></div>`;
      send(ctx, layout(ctx, { title: r.title, back: { href: `/app${path}`, label: w('list') }, body, wide: true }));
    }),
  );
}
