/**
 * Internships in the web app: the postings (open ones for students; a Country Office's own) and
 * the applications the reader may see (a student's and their university's; a Country Office's
 * country; all for the fund), and an application's page: its status and steps, the posting, the
 * student's profile, the stipend and its split with the parallel funder, the agreement and the
 * payments, the thread and the history. Decisions go through the shared task pages.
 */
import type { Router } from 'express';
import type { Bilingual } from '../../domain/programme';
import { INTERNSHIPS } from '../../domain/programmes/internships';
import { html } from '../html';
import type { WebContext } from '../context';
import { emptyState, fmtDate, fmtUsd, layout, pager, send, stageBadge } from '../ui';
import {
  agreementCard,
  countryName,
  isStaffViewer,
  languagesList,
  openTasksSection,
  statusSection,
  timelineList,
} from '../views';
import { conversationSections } from './messages';

const enc = encodeURIComponent;
const W = {
  list: { en: 'Internships', ru: 'Стажировки' },
  postings: { en: 'Postings', ru: 'Вакансии стажировок' },
  postingsCaption: { en: 'Internship postings', ru: 'Вакансии стажировок' },
  applications: { en: 'Applications', ru: 'Заявки' },
  applicationsCaption: { en: 'Internship applications', ru: 'Заявки на стажировку' },
  noPostings: { en: 'No postings yet.', ru: 'Вакансий пока нет.' },
  none: { en: 'No applications yet.', ru: 'Заявок пока нет.' },
  posting: { en: 'Posting', ru: 'Вакансия' },
  place: { en: 'Duty station', ru: 'Место работы' },
  deadline: { en: 'Apply by', ru: 'Приём заявок до' },
  places: { en: 'Places', ru: 'Места' },
  status: { en: 'Status', ru: 'Статус' },
  stipend: { en: 'Stipend per month', ru: 'Стипендия в месяц' },
  start: { en: 'Start', ru: 'Начало' },
  months: { en: 'Months', ru: 'Месяцев' },
  stage: { en: 'Stage', ru: 'Этап' },
  programme: { en: 'Master’s programme', ru: 'Магистерская программа' },
  field: { en: 'Field of study', ru: 'Область обучения' },
  languages: { en: 'Languages', ru: 'Языки' },
  motivation: { en: 'Motivation', ru: 'Мотивация' },
  profile: { en: 'Student', ru: 'Студент' },
  split: { en: 'Stipend and funding', ru: 'Стипендия и финансирование' },
  fundShare: { en: 'Paid by the fund', ru: 'Выплачивает фонд' },
  funderShare: { en: 'Paid by the university', ru: 'Выплачивает университет' },
  served: { en: 'Months served', ru: 'Отработано месяцев' },
  payments: { en: 'Payments', ru: 'Платежи' },
  payee: { en: 'Payee', ru: 'Получатель' },
  amount: { en: 'Amount', ru: 'Сумма' },
  next: {
    en: 'The university verifies the enrolment, the Country Office shortlists, interviews and selects; the agreement and the placement follow.',
    ru: 'Университет подтверждает обучение, страновой офис проводит отбор, собеседование и выбор; затем соглашение и стажировка.',
  },
  history: { en: 'History', ru: 'История' },
  open: { en: 'Open', ru: 'Открыта' },
  closed: { en: 'Closed', ru: 'Закрыта' },
  filled: { en: 'Filled', ru: 'Места заняты' },
  withdrawn: { en: 'Withdrawn', ru: 'Отозвана' },
} satisfies Record<string, Bilingual>;

export function internshipPages(router: Router, web: WebContext): void {
  const path = `/${INTERNSHIPS.apiPath}`;

  router.get(
    path,
    web.page(async (ctx) => {
      const { lang } = ctx;
      const w = (k: keyof typeof W) => W[k][lang];
      const page = Math.max(1, Number(ctx.req.query.page) || 1);
      const [postings, list, countries] = await Promise.all([
        ctx.api.get('/internship-postings', { query: { pageSize: 50, page: 1 } }),
        ctx.api.get('/internships', { query: { pageSize: 50, page } }),
        web.ref.countries(),
      ]);
      const refs = { areas: [], countries };
      const postingTable = postings.items.length
        ? html`<table class="table table-stack"><caption class="visually-hidden">${w('postingsCaption')}</caption>
          <thead><tr><th scope="col">${w('posting')}</th><th scope="col">${w('place')}</th><th scope="col">${w('start')}</th><th scope="col">${w('deadline')}</th><th scope="col" class="num">${w('places')}</th><th scope="col" class="num">${w('stipend')}</th><th scope="col">${w('status')}</th></tr></thead>
          <tbody>${postings.items.map(
            (p) => html`<tr>
            <td data-label="${w('posting')}">${p.title}</td>
            <td data-label="${w('place')}">${countryName(ctx, refs, p.countryCode)}</td>
            <td data-label="${w('start')}">${fmtDate(p.startDate, lang)} (${p.months} ${w('months').toLowerCase()})</td>
            <td data-label="${w('deadline')}">${fmtDate(p.applicationDeadline, lang)}</td>
            <td data-label="${w('places')}" class="num">${p.placesFilled} / ${p.places}</td>
            <td data-label="${w('stipend')}" class="num">${fmtUsd(p.stipendUsdPerMonth, lang)}</td>
            <td data-label="${w('status')}">${W[p.status][lang]}</td>
          </tr>`,
          )}</tbody></table>`
        : emptyState(w('noPostings'));
      const applications = list.items.length
        ? html`<table class="table table-stack"><caption class="visually-hidden">${w('applicationsCaption')}</caption>
          <thead><tr><th scope="col">${w('posting')}</th><th scope="col">${w('place')}</th><th scope="col">${w('programme')}</th><th scope="col">${w('start')}</th><th scope="col">${w('stage')}</th></tr></thead>
          <tbody>${list.items.map(
            (r) => html`<tr>
            <td data-label="${w('posting')}"><a href="/app${path}/${enc(r.id)}">${r.title}</a></td>
            <td data-label="${w('place')}">${countryName(ctx, refs, r.countryCode)}</td>
            <td data-label="${w('programme')}">${r.masterProgramme}</td>
            <td data-label="${w('start')}">${fmtDate(r.startDate, lang)}</td>
            <td data-label="${w('stage')}">${stageBadge(ctx, r.stage, 'internships')}</td>
          </tr>`,
          )}</tbody></table>${pager(ctx, list, (n) => `/app${path}?page=${n}`)}`
        : emptyState(w('none'));
      const body = html`<section class="card"><h2>${w('postings')}</h2>${postingTable}</section>
        <section class="card"><h2>${w('applications')}</h2>${applications}</section>`;
      send(ctx, layout(ctx, { title: w('list'), body }));
    }),
  );

  router.get(
    `${path}/:id`,
    web.page(async (ctx) => {
      const { lang, user } = ctx;
      const w = (k: keyof typeof W) => W[k][lang];
      const [r, countries] = await Promise.all([
        ctx.api.get('/internships/{id}', { params: { id: ctx.req.params.id } }),
        web.ref.countries(),
      ]);
      const refs = { areas: [], countries };
      const privileged = isStaffViewer(user.role);
      const names = privileged
        ? await web.ref.userNames(r.timeline.map((e) => e.actorId ?? '').filter(Boolean))
        : new Map<string, string>();
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
      const history = html`<section class="card"><h2>${w('history')}</h2>${timelineList(ctx, r.timeline, names, { privileged, programme: 'internships', milestones: new Map() })}</section>`;
      const body = html`<div class="layout-2"><div class="col-main">${statusSection(ctx, r, 'internships', w('next'))}${privileged ? openTasksSection(ctx, r.openTasks) : ''}${thread}${notes}${agreementCard(ctx, r.agreement)}${funding}${profile}${cancel}</div><aside class="col-side">${history}</aside></div>`;
      send(ctx, layout(ctx, { title: r.title, back: { href: `/app${path}`, label: w('list') }, body, wide: true }));
    }),
  );
}
