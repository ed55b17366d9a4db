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
import type { UnvLedger } from '../../domain/policy/unv';
import { html } from '../html';
import type { WebContext } from '../context';
import { emptyState, fmtDate, fmtUsd, layout, pager, send, stageBadge } from '../ui';
import { countryName, isStaffViewer, openTasksSection, statusSection, timelineList } from '../views';
import { conversationSections } from './messages';

const enc = encodeURIComponent;
const W = {
  list: { en: 'UN Volunteers', ru: 'Добровольцы ООН' },
  caption: { en: 'UN Volunteer assignments', ru: 'Назначения добровольцев ООН' },
  none: { en: 'No assignments yet.', ru: 'Назначений пока нет.' },
  assignment: { en: 'Assignment', ru: 'Назначение' },
  dutyStation: { en: 'Duty station', ru: 'Место назначения' },
  category: { en: 'Category', ru: 'Категория' },
  months: { en: 'Months', ru: 'Месяцев' },
  stage: { en: 'Stage', ru: 'Этап' },
  committed: { en: 'Committed', ru: 'Обязательство' },
  transferred: { en: 'Transferred to UNV', ru: 'Перечислено ДООН' },
  spent: { en: 'Spent by UNV', ru: 'Израсходовано ДООН' },
  released: { en: 'Released', ru: 'Высвобождено' },
  host: { en: 'Host', ru: 'Принимающая организация' },
  volunteer: { en: 'Volunteer', ru: 'Доброволец' },
  dates: { en: 'Dates', ru: 'Даты' },
  tasks: { en: 'Tasks', ru: 'Задачи' },
  qualifications: { en: 'Qualifications', ru: 'Квалификация' },
  languages: { en: 'Languages', ru: 'Языки' },
  wishedStart: { en: 'Start wished', ru: 'Желаемое начало' },
  money: { en: 'Money', ru: 'Финансы' },
  costsCaption: { en: 'Cost estimate under the UNV rule set', ru: 'Смета по правилам ДООН' },
  line: { en: 'Element', ru: 'Статья' },
  amount: { en: 'Amount', ru: 'Сумма' },
  total: { en: 'Total', ru: 'Итого' },
  transfers: { en: 'Transfers', ru: 'Переводы' },
  shortlist: { en: 'Candidates', ru: 'Кандидаты' },
  eligible: { en: 'eligible', ru: 'соответствует' },
  ineligible: { en: 'not eligible', ru: 'не соответствует' },
  reconciliation: { en: 'Reconciliation', ru: 'Сверка' },
  variance: { en: 'Variance', ru: 'Отклонение' },
  overspent: { en: 'Spent more than transferred', ru: 'Израсходовано больше перечисленного' },
  report: { en: 'End-of-assignment report', ru: 'Итоговый отчёт' },
  next: {
    en: 'The fund decides on funding, UNV recruits, the host selects and confirms the deployment; UNV’s statements are reconciled at the end.',
    ru: 'Фонд принимает решение о финансировании, ДООН подбирает кандидатов, принимающая сторона выбирает и подтверждает направление; в конце отчёты ДООН сверяются.',
  },
  history: { en: 'History', ru: 'История' },
  statements: { en: 'UNV’s statements', ru: 'Финансовые отчёты ДООН' },
  statementsCaption: {
    en: 'UNV’s statements, each reconciled: interim ones against the spending expected to their period end, the final one against the commitment',
    ru: 'Отчёты ДООН со сверкой: промежуточные — с ожидаемыми на конец периода расходами, окончательный — с обязательством',
  },
  periodEnd: { en: 'Period end', ru: 'Конец периода' },
  kind: { en: 'Statement', ru: 'Отчёт' },
  interim: { en: 'interim', ru: 'промежуточный' },
  final: { en: 'final', ru: 'окончательный' },
  expected: { en: 'Expected', ru: 'Ожидалось' },
  explanation: { en: 'Explanation', ru: 'Объяснение' },
  myNext: {
    en: 'Your tasks appear here and in your task list: your medical examination and security training before deployment, your end-of-assignment report at the end.',
    ru: 'Ваши задачи появляются здесь и в списке задач: медицинский осмотр и обучение по безопасности до направления, итоговый отчёт в конце.',
  },
  volunteerReport: { en: 'The volunteer’s report', ru: 'Отчёт добровольца' },
  youth: { en: 'Youth', ru: 'Молодёжный' },
  university: { en: 'University', ru: 'Университетский' },
  specialist: { en: 'Specialist', ru: 'Специалист' },
  expert: { en: 'Expert', ru: 'Эксперт' },
  vla: { en: 'Volunteer Living Allowance', ru: 'Пособие на проживание' },
  settling_in: { en: 'Settling-in grant', ru: 'Подъёмное пособие' },
  insurance: { en: 'Insurance', ru: 'Страхование' },
  travel: { en: 'Travel', ru: 'Проезд' },
  resettlement: { en: 'Resettlement allowance', ru: 'Пособие на переезд по окончании' },
  support: { en: 'UNV support cost', ru: 'Расходы ДООН на поддержку' },
} satisfies Record<string, Bilingual>;
type Word = keyof typeof W;
const word = (k: string, lang: 'en' | 'ru') => (W as Record<string, Bilingual>)[k]?.[lang] ?? k;

export function unVolunteersPages(router: Router, web: WebContext): void {
  const path = `/${UN_VOLUNTEERS.apiPath}`;

  router.get(
    path,
    web.page(async (ctx) => {
      const { lang } = ctx;
      const w = (k: Word) => W[k][lang];
      const page = Math.max(1, Number(ctx.req.query.page) || 1);
      const [list, countries] = await Promise.all([
        ctx.api.get('/unv-assignments', { query: { pageSize: 50, page } }),
        web.ref.countries(),
      ]);
      const refs = { areas: [], countries };
      const fundView = ctx.user.role !== 'unv_volunteer';
      const table = list.items.length
        ? html`<table class="table table-stack"><caption class="visually-hidden">${w('caption')}</caption>
          <thead><tr><th scope="col">${w('assignment')}</th><th scope="col">${w('dutyStation')}</th><th scope="col">${w('category')}</th><th scope="col">${w('stage')}</th>${fundView ? html`<th scope="col" class="num">${w('committed')}</th><th scope="col" class="num">${w('transferred')}</th>` : ''}</tr></thead>
          <tbody>${list.items.map(
            (r) => html`<tr>
            <td data-label="${w('assignment')}"><a href="/app${path}/${enc(r.id)}">${r.title}</a></td>
            <td data-label="${w('dutyStation')}">${r.dutyStationCity}, ${countryName(ctx, refs, r.countryCode)}</td>
            <td data-label="${w('category')}">${w(r.category)}</td>
            <td data-label="${w('stage')}">${stageBadge(ctx, r.stage, 'un_volunteers')}</td>
            ${fundView ? html`<td data-label="${w('committed')}" class="num">${fmtUsd(r.committedUsd, lang)}</td><td data-label="${w('transferred')}" class="num">${fmtUsd(r.transferredUsd, lang)}</td>` : ''}
          </tr>`,
          )}</tbody></table>${pager(ctx, list, (n) => `/app${path}?page=${n}`)}`
        : emptyState(w('none'));
      send(ctx, layout(ctx, { title: fundView ? w('list') : ctx.t('nav.myAssignment'), body: table }));
    }),
  );

  router.get(
    `${path}/:id`,
    web.page(async (ctx) => {
      const { lang, user } = ctx;
      const w = (k: Word) => W[k][lang];
      const [r, countries] = await Promise.all([
        ctx.api.get('/unv-assignments/{id}', { params: { id: ctx.req.params.id } }),
        web.ref.countries(),
      ]);
      const refs = { areas: [], countries };
      const privileged = isStaffViewer(user.role);
      const volunteer = user.role === 'unv_volunteer';
      const names = privileged
        ? await web.ref.userNames(r.timeline.map((e) => e.actorId ?? '').filter(Boolean))
        : new Map<string, string>();
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
        ${ledger?.transfers.length ? html`<p>${w('transfers')}: ${ledger.transfers.map((t) => fmtUsd(t.cents / 100, lang)).join(' · ')}</p>` : ''}
        ${
          r.statements.length
            ? html`<table class="table table-stack"><caption>${w('statementsCaption')}</caption>
          <thead><tr><th scope="col">${w('periodEnd')}</th><th scope="col">${w('kind')}</th><th scope="col" class="num">${w('spent')}</th><th scope="col" class="num">${w('expected')}</th><th scope="col" class="num">${w('variance')}</th><th scope="col">${w('explanation')}</th></tr></thead>
          <tbody>${r.statements.map(
            (st) => html`<tr><th scope="row">${fmtDate(st.periodEnd, lang)}</th>
            <td data-label="${w('kind')}">${st.final ? w('final') : w('interim')}${st.overspent ? html` <span class="warn">${w('overspent')}</span>` : ''}</td>
            <td data-label="${w('spent')}" class="num">${fmtUsd(st.spentUsd, lang)}</td>
            <td data-label="${w('expected')}" class="num">${st.expectedUsd === null ? '—' : fmtUsd(st.expectedUsd, lang)}</td>
            <td data-label="${w('variance')}" class="num">${st.varianceUsd === null ? '—' : html`${fmtUsd(st.varianceUsd, lang)} (${st.variancePct ?? 0}%)`}</td>
            <td data-label="${w('explanation')}">${st.varianceExplanation ?? '—'}</td></tr>`,
          )}</tbody></table>`
            : ''
        }</section>`;
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
      const endReport = r.endReport as { report?: string; volunteer?: { report?: string } } | null;
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
        ${endReport?.report ? html`<h3>${w('report')}</h3><p>${endReport.report}</p>` : ''}
        ${endReport?.volunteer?.report ? html`<h3>${w('volunteerReport')}</h3><p>${endReport.volunteer.report}</p>` : ''}</section>`;
      const { thread, notes, cancel } = await conversationSections(ctx, 'un_volunteers', r);
      const history = html`<section class="card"><h2>${w('history')}</h2>${timelineList(ctx, r.timeline, names, { privileged, programme: 'un_volunteers', milestones: new Map() })}</section>`;
      const body = volunteer
        ? html`<div class="layout-2"><div class="col-main">${statusSection(ctx, r, 'un_volunteers', w('myNext'))}${openTasksSection(ctx, r.openTasks)}${details}</div><aside class="col-side">${history}</aside></div>`
        : html`<div class="layout-2"><div class="col-main">${statusSection(ctx, r, 'un_volunteers', w('next'))}${privileged ? openTasksSection(ctx, r.openTasks) : ''}${thread}${notes}${money}${reconciliation}${candidates}${details}${cancel}</div><aside class="col-side">${history}</aside></div>`;
      send(ctx, layout(ctx, { title: r.title, back: { href: `/app${path}`, label: w('list') }, body, wide: true }));
    }),
  );
}
