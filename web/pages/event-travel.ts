/**
 * SDG event travel in the web app: the list of applications (an expert's own; all for the fund)
 * and an application's page: its status and steps, the event, the contribution, the cost lines
 * (estimate, then the approved breakdown), the travel authorisation and payments, the report and
 * the settlement, the thread and the history. Decisions go through the shared task pages.
 */
import type { Router } from 'express';
import { isTerminal } from '../../domain/stages';
import { EVENT_TRAVEL } from '../../domain/programmes/event-travel';
import {
  EVENT_TRAVEL_APPLY_WORDS,
  EVENT_TRAVEL_CONTEXT_WORDS,
  EVENT_TRAVEL_PAGE_WORDS,
} from '../../domain/programmes/event-travel-words';
import { html, type HtmlValue } from '../html';
import type { WebContext } from '../context';
import { fmtDate, fmtUsd, layout, send, stageBadge, type PageCtx } from '../ui';
import {
  agreementCard,
  countryName,
  listPageData,
  listTable,
  openTasksSection,
  statusSection,
  subjectPageData,
  timelineList,
} from '../views';
import { documentsCard, loadDocuments } from './documents';
import { travelCostsTable } from './event-travel-context';
import { conversationSections } from './messages';
import { provenanceLink } from './provenance';

const enc = encodeURIComponent;
const W = EVENT_TRAVEL_PAGE_WORDS;

/**
 * The roster profile's record of the expert's funded SDG events (closed trips), for the readers of
 * the programme (the expert themselves, the fund, admins, auditors); '' for anyone else.
 */
export async function eventsAttendedCard(ctx: PageCtx, expertId: string): Promise<HtmlValue> {
  if (!(ctx.user.role in EVENT_TRAVEL.roles)) return '';
  const { lang } = ctx;
  const trips = await ctx.api.get('/event-travel', { query: { expert: expertId, stage: 'closed', pageSize: 50 } });
  const say = (k: 'eventsAttended' | 'noEvents') => EVENT_TRAVEL_CONTEXT_WORDS[k][lang];
  return html`<section class="card" aria-labelledby="events-attended-h"><h2 id="events-attended-h">${say('eventsAttended')}</h2>
    ${
      trips.items.length
        ? html`<ul>${trips.items.map((r) => html`<li><a href="/app/${EVENT_TRAVEL.apiPath}/${enc(r.id)}">${r.title}</a><br><span class="muted small">${r.eventCity}, ${fmtDate(r.eventStartDate, lang)} – ${fmtDate(r.eventEndDate, lang)}</span></li>`)}</ul>`
        : html`<p>${say('noEvents')}</p>`
    }</section>`;
}

export function eventTravelPages(router: Router, web: WebContext): void {
  const path = `/${EVENT_TRAVEL.apiPath}`;

  router.get(
    path,
    web.page(async (ctx) => {
      const { lang } = ctx;
      const w = (k: keyof typeof W) => W[k][lang];
      const { list, refs } = await listPageData(ctx, (page) =>
        ctx.api.get('/event-travel', { query: { pageSize: 50, page } }),
      );
      const apply = ['expert', 'fund_manager'].includes(ctx.user.role)
        ? html`<p><a class="btn btn-primary" href="/app${path}/new">${EVENT_TRAVEL_APPLY_WORDS.apply[lang]}</a></p>`
        : '';
      const table = listTable(ctx, list, {
        caption: w('caption'),
        none: w('none'),
        href: (n) => `/app${path}?page=${n}`,
        columns: [
          { label: w('event'), cell: (r) => html`<a href="/app${path}/${enc(r.id)}">${r.title}</a>` },
          { label: w('place'), cell: (r) => `${r.eventCity}, ${countryName(ctx, refs, r.countryCode)}` },
          { label: w('dates'), cell: (r) => `${fmtDate(r.departureDate, lang)} – ${fmtDate(r.returnDate, lang)}` },
          { label: ctx.t('field.stage'), cell: (r) => stageBadge(ctx, r.stage, 'event_travel') },
          {
            label: w('approved'),
            num: true,
            cell: (r) => (r.approvedUsd === null ? '—' : fmtUsd(r.approvedUsd, lang)),
          },
        ],
      });
      send(ctx, layout(ctx, { title: w('list'), body: html`${apply}${table}` }));
    }),
  );

  router.get(
    `${path}/:id`,
    web.page(async (ctx) => {
      const { lang, user } = ctx;
      const w = (k: keyof typeof W) => W[k][lang];
      const { r, refs, privileged, names } = await subjectPageData(
        ctx,
        ctx.api.get('/event-travel/{id}', { params: { id: ctx.req.params.id } }),
      );
      const app = r.application as {
        event?: { organiser?: string; website?: string; expectedAudience?: string };
        solution?: string;
        invitation?: { from: string; date: string; reference?: string } | null;
        contribution?: { title: string; abstract: string };
      };
      const costs = r.estimate
        ? html`<section class="card"><h2>${w('costs')}</h2>${travelCostsTable(lang, r.estimate, w('costsCaption'))}
          ${r.advanceUsd === null ? '' : html`<p>${w('advance')}: ${fmtUsd(r.advanceUsd, lang)}</p>`}
          ${r.paymentsUsd.length ? html`<p>${w('payments')}: ${r.paymentsUsd.map((p) => fmtUsd(p, lang)).join(' · ')}</p>` : ''}</section>`
        : '';
      const invitation = app.invitation
        ? html`${app.invitation.from}, ${fmtDate(app.invitation.date, lang)}${app.invitation.reference ? html` (${app.invitation.reference})` : ''}`
        : w('invitationPending');
      const details = html`<section class="card"><h2>${w('event')}</h2><dl class="facts">
        <dt>${w('organiser')}</dt><dd>${app.event?.organiser ?? '—'}</dd>
        <dt>${w('place')}</dt><dd>${r.eventCity}, ${countryName(ctx, refs, r.countryCode)}, ${fmtDate(r.eventStartDate, lang)} – ${fmtDate(r.eventEndDate, lang)}</dd>
        <dt>${w('dates')}</dt><dd>${fmtDate(r.departureDate, lang)} – ${fmtDate(r.returnDate, lang)}</dd>
        <dt>${w('role')}</dt><dd>${W[r.role][lang]}${app.solution ? html`: ${app.solution}` : ''}</dd>
        <dt>${w('invitation')}</dt><dd>${invitation}</dd>
        <dt>${w('contribution')}</dt><dd>${app.contribution?.title ?? '—'}</dd></dl>
        ${app.contribution ? html`<p>${app.contribution.abstract}</p>` : ''}</section>`;
      const settlement = r.settlement as { basis?: string; balanceCents?: number } | null;
      const report = r.report as { presented?: string; followUp?: string } | null;
      const after =
        report || settlement
          ? html`<section class="card"><h2>${w('report')}</h2>${report?.presented ? html`<p>${report.presented}</p>` : ''}${report?.followUp ? html`<p>${report.followUp}</p>` : ''}
          ${settlement ? html`<h3>${w('settlement')}</h3><p>${settlement.basis ?? ''}: ${fmtUsd((settlement.balanceCents ?? 0) / 100, lang)}</p>` : ''}</section>`
          : '';
      const { thread, notes, cancel } = await conversationSections(ctx, 'event_travel', r);
      // The invitation letter and proof of attendance: the expert who travels and the fund upload.
      const subject = { type: 'event_travel' as const, id: r.id };
      const ownExpert = user.role === 'expert' && !!user.expertId && user.expertId === r.expertId;
      const documents = documentsCard(ctx, subject, await loadDocuments(ctx, subject), {
        canUpload: !isTerminal(r.stage) && (user.role === 'fund_manager' || ownExpert),
      });
      const history = html`<section class="card"><h2>${ctx.t('history.title')}</h2>${timelineList(ctx, r.timeline, names, { privileged, programme: 'event_travel', milestones: new Map() })}</section>`;
      const body = html`<div class="layout-2"><div class="col-main">${statusSection(ctx, r, 'event_travel', w('next'))}${privileged ? openTasksSection(ctx, r.openTasks) : ''}${thread}${notes}${agreementCard(ctx, r.agreement)}${documents}${costs}${after}${provenanceLink(ctx, 'event_travel', r.id)}${details}${cancel}</div><aside class="col-side">${history}</aside></div>`;
      send(ctx, layout(ctx, { title: r.title, back: { href: `/app${path}`, label: w('list') }, body, wide: true }));
    }),
  );
}
