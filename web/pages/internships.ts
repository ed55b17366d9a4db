/**
 * Internships in the web app: the postings (open ones for students; a Country Office's own) and
 * the applications the reader may see (a student's and their university's; a Country Office's
 * country; all for the fund), and an application's page: its status and steps, the posting, the
 * student's profile, the stipend and its split with the parallel funder, the agreement and the
 * payments, the thread and the history. Decisions go through the shared task pages.
 */
import type { Router } from 'express';
import { INTERNSHIPS } from '../../domain/programmes/internships';
import { isTerminal } from '../../domain/stages';
import { INTERNSHIP_PAGE_WORDS } from '../../domain/programmes/internships-words';
import { html } from '../html';
import type { WebContext } from '../context';
import { fmtDate, fmtUsd, layout, send, stageBadge } from '../ui';
import {
  agreementCard,
  countryName,
  languagesList,
  listPageData,
  listTable,
  openTasksSection,
  statusSection,
  subjectPageData,
  timelineList,
} from '../views';
import { applyLink, internshipActions, internshipFormPages, newPostingLink } from './internship-forms';
import { documentsCard, loadDocuments } from './documents';
import { conversationSections } from './messages';

const enc = encodeURIComponent;
const W = INTERNSHIP_PAGE_WORDS;

export function internshipPages(router: Router, web: WebContext): void {
  const path = `/${INTERNSHIPS.apiPath}`;
  internshipFormPages(router, web);

  router.get(
    path,
    web.page(async (ctx) => {
      const { lang } = ctx;
      const w = (k: keyof typeof W) => W[k][lang];
      const {
        list: [postings, list],
        refs,
      } = await listPageData(ctx, (page) =>
        Promise.all([
          ctx.api.get('/internship-postings', { query: { pageSize: 50, page: 1 } }),
          ctx.api.get('/internships', { query: { pageSize: 50, page } }),
        ]),
      );
      const postingTable = listTable(ctx, postings, {
        caption: w('postingsCaption'),
        none: w('noPostings'),
        columns: [
          { label: w('posting'), cell: (p) => p.title },
          { label: w('place'), cell: (p) => countryName(ctx, refs, p.countryCode) },
          {
            label: w('start'),
            cell: (p) => `${fmtDate(p.startDate, lang)} (${p.months} ${w('months').toLowerCase()})`,
          },
          { label: w('deadline'), cell: (p) => fmtDate(p.applicationDeadline, lang) },
          { label: w('places'), num: true, cell: (p) => `${p.placesFilled} / ${p.places}` },
          { label: w('stipend'), num: true, cell: (p) => fmtUsd(p.stipendUsdPerMonth, lang) },
          { label: w('status'), cell: (p) => W[p.status][lang] },
          ...(ctx.user.role === 'applicant'
            ? [{ label: w('action'), cell: (p: (typeof postings.items)[number]) => applyLink(ctx, p) }]
            : []),
        ],
      });
      const applications = listTable(ctx, list, {
        caption: w('applicationsCaption'),
        none: w('none'),
        href: (n) => `/app${path}?page=${n}`,
        columns: [
          { label: w('posting'), cell: (r) => html`<a href="/app${path}/${enc(r.id)}">${r.title}</a>` },
          { label: w('place'), cell: (r) => countryName(ctx, refs, r.countryCode) },
          { label: w('programme'), cell: (r) => r.masterProgramme },
          { label: w('start'), cell: (r) => fmtDate(r.startDate, lang) },
          { label: ctx.t('field.stage'), cell: (r) => stageBadge(ctx, r.stage, 'internships') },
        ],
      });
      const body = html`<section class="card"><h2>${w('postings')}</h2>${newPostingLink(ctx)}${postingTable}</section>
        <section class="card"><h2>${w('applications')}</h2>${applications}</section>`;
      send(ctx, layout(ctx, { title: w('list'), body }));
    }),
  );

  router.get(
    `${path}/:id`,
    web.page(async (ctx) => {
      const { lang, user } = ctx;
      const w = (k: keyof typeof W) => W[k][lang];
      const { r, refs, privileged, names } = await subjectPageData(
        ctx,
        ctx.api.get('/internships/{id}', { params: { id: ctx.req.params.id } }),
      );
      const app = r.application as { fieldOfStudy?: string; languages?: string[]; motivation?: string };
      const stipend = r.stipend as { monthlyCents?: number; fundCents?: number; funderCents?: number } | null;
      const profile = html`<section class="card"><h2>${w('profile')}</h2><dl class="facts">
        <dt>${w('posting')}</dt><dd>${r.title}, ${countryName(ctx, refs, r.countryCode)}</dd>
        <dt>${w('start')}</dt><dd>${fmtDate(r.startDate, lang)} (${r.months} ${w('months').toLowerCase()})</dd>
        <dt>${w('programme')}</dt><dd>${r.masterProgramme}</dd>
        <dt>${w('field')}</dt><dd>${app.fieldOfStudy ?? '—'}</dd>
        <dt>${w('languages')}</dt><dd>${languagesList(ctx, app.languages)}</dd></dl>
        ${app.motivation ? html`<h3>${w('motivation')}</h3><p>${app.motivation}</p>` : ''}</section>`;
      const funding = stipend
        ? html`<section class="card"><h2>${w('split')}</h2><dl class="facts">
          <dt>${w('stipend')}</dt><dd>${fmtUsd((stipend.monthlyCents ?? 0) / 100, lang)}</dd>
          <dt>${w('fundShare')}</dt><dd>${fmtUsd((stipend.fundCents ?? 0) / 100, lang)}</dd>
          <dt>${w('funderShare')}</dt><dd>${fmtUsd((stipend.funderCents ?? 0) / 100, lang)}${r.funderName ? html` (${r.funderName})` : ''}</dd>
          <dt>${w('served')}</dt><dd>${r.monthsServed} / ${r.months}</dd></dl>
          ${
            r.payments.length
              ? html`<table class="table table-scroll"><caption>${w('payments')}</caption><thead><tr><th scope="col">${w('payee')}</th><th scope="col" class="num">${w('amount')}</th></tr></thead>
            <tbody>${r.payments.map((p) => html`<tr><td>${p.payee}</td><td class="num">${fmtUsd(p.amountUsd, lang)}</td></tr>`)}</tbody></table>`
              : ''
          }</section>`
        : '';
      const { thread, notes, cancel } = await conversationSections(ctx, 'internships', r);
      // The CV and proof of enrolment (the student uploads, the fund too), the generated agreement and certificate.
      const subject = { type: 'internship' as const, id: r.id };
      const documents = documentsCard(ctx, subject, await loadDocuments(ctx, subject), {
        canUpload:
          !isTerminal(r.stage) &&
          (user.role === 'fund_manager' || (user.role === 'applicant' && user.id === r.studentUserId)),
      });
      const history = html`<section class="card"><h2>${w('history')}</h2>${timelineList(ctx, r.timeline, names, { privileged, programme: 'internships', milestones: new Map() })}</section>`;
      const body = html`<div class="layout-2"><div class="col-main">${statusSection(ctx, r, 'internships', w('next'))}${privileged ? openTasksSection(ctx, r.openTasks) : ''}${thread}${notes}${agreementCard(ctx, r.agreement)}${documents}${funding}${profile}${internshipActions(ctx, r)}${cancel}</div><aside class="col-side">${history}</aside></div>`;
      send(ctx, layout(ctx, { title: r.title, back: { href: `/app${path}`, label: w('list') }, body, wide: true }));
    }),
  );
}
