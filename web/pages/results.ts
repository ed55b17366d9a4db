import type { Router } from 'express';
import { indicatorsOf, indicatorSpec, type IndicatorKey } from '../../domain/results';
import { PROGRAMME_LIST, PROGRAMMES, type Programme } from '../../domain/registry';
import { OUTCOMES, PHASES } from '../../domain/stages';
import { ApiError, type Schemas } from '../api-client';
import type { WebContext } from '../context';
import { html, type SafeHtml } from '../html';
import { nameOf, type NamedItem } from '../reference';
import {
  csrfField,
  dateFormat,
  emptyForm,
  emptyState,
  errorSummary,
  field,
  fmtDate,
  fmtNum,
  fmtUsd,
  layout,
  mapDetails,
  numberFormat,
  pager,
  programmeName,
  send,
  stageBadge,
  stageLabel,
  type FormState,
  type PageCtx,
} from '../ui';
import { subjectHref } from '../views';

/**
 * The results pages: the dashboard (fund managers; a Country Office its own country, which the
 * API enforces), the items behind each figure, the downloads (streamed from the API, which the
 * browser holds no token for), and each subject's indicators with the forms to state targets and
 * report actuals. Charts are SVG drawn here, each with a title, a description and the table of
 * the same figures under it: nothing needs JavaScript.
 */

type Dashboard = Schemas['ResultsDashboard'];
type SubjectResults = Schemas['SubjectResults'];
const ROLES = ['fund_manager', 'co_approver', 'admin', 'auditor'] as const;
const PHASE_FILTERS: readonly string[] = [...PHASES, ...OUTCOMES];
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

interface Filters {
  programme: Programme | '';
  country: string;
  year: string;
  sdg: string;
  thematicArea: string;
}
interface Narrowing {
  phase: string;
  paidIn: string;
  funded: string;
  reported: string;
}

function qs(f: Record<string, string | number | undefined>): string {
  return new URLSearchParams(
    Object.entries(f)
      .filter(([, v]) => v !== '' && v !== undefined)
      .map(([k, v]) => [k, String(v)] as [string, string]),
  ).toString();
}

function filtersOf(ctx: PageCtx): Filters {
  const q = ctx.req.query;
  const pick = (name: string, re: RegExp) => (re.test(str(q[name])) ? str(q[name]) : '');
  return {
    programme: (PROGRAMMES as readonly string[]).includes(str(q.programme)) ? (str(q.programme) as Programme) : '',
    country: ctx.user.role === 'co_approver' ? (ctx.user.countryCode ?? '') : pick('country', /^[A-Z]{2}$/),
    year: pick('year', /^(20\d\d|2100)$/),
    sdg: pick('sdg', /^([1-9]|1[0-7])$/),
    thematicArea: pick('thematicArea', /^[a-z0-9-]{1,100}$/),
  };
}

function narrowingOf(ctx: PageCtx): Narrowing {
  const q = ctx.req.query;
  return {
    phase: PHASE_FILTERS.includes(str(q.phase)) ? str(q.phase) : '',
    paidIn: /^20\d\d$/.test(str(q.paidIn)) ? str(q.paidIn) : '',
    funded: ['true', 'false'].includes(str(q.funded)) ? str(q.funded) : '',
    reported: ['true', 'false'].includes(str(q.reported)) ? str(q.reported) : '',
  };
}

/** The filters as the API's query (its country: a co_approver's own, which the API enforces anyway). */
function apiQuery(f: Filters) {
  return {
    programme: f.programme || undefined,
    country: f.country || undefined,
    year: f.year ? Number(f.year) : undefined,
    sdg: f.sdg ? Number(f.sdg) : undefined,
    thematicArea: f.thematicArea || undefined,
  };
}

interface Bar {
  label: string;
  value: number;
  /** The figure written next to the bar. */
  text: string;
}

/** Horizontal bars, one per row, the figure written beside each: scales to the page width (viewBox). */
function barChart(id: string, title: string, alt: string, bars: Bar[], className = ''): SafeHtml {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowH = 28;
  const longest = Math.max(4, ...bars.map((b) => b.label.length));
  const labelW = Math.min(300, Math.round(longest * 7.6) + 16);
  const barW = 300;
  const textW = Math.max(60, ...bars.map((b) => Math.round(b.text.length * 7.6) + 16));
  const width = labelW + barW + textW;
  const height = bars.length * rowH + 6;
  const rows = bars.map((b, i) => {
    const w = b.value ? Math.max(3, Math.round((b.value / max) * barW)) : 0;
    const y = 3 + i * rowH;
    return html`<text x="${labelW - 8}" y="${y + 18}" text-anchor="end" class="f-label">${b.label}</text>
      <rect x="${labelW}" y="${y + 4}" width="${barW}" height="${rowH - 10}" class="f-track" rx="3"/>
      ${w ? html`<rect x="${labelW}" y="${y + 4}" width="${w}" height="${rowH - 10}" class="f-bar${className}" rx="3"/>` : ''}
      <text x="${labelW + barW + 8}" y="${y + 18}" class="f-count">${b.text}</text>`;
  });
  return html`<svg class="funnel chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t ${id}-d" preserveAspectRatio="xMinYMin meet">
    <title id="${id}-t">${title}</title><desc id="${id}-d">${alt}</desc>${rows}</svg>`;
}

/** Columns over time (months, or years when there are many months), the amount above each. */
function columnChart(id: string, title: string, alt: string, bars: Bar[]): SafeHtml {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const colW = 56;
  const chartH = 160;
  const width = Math.max(colW * bars.length + 10, 200);
  const height = chartH + 50;
  const cols = bars.map((b, i) => {
    const h = b.value ? Math.max(2, Math.round((b.value / max) * chartH)) : 0;
    const x = 5 + i * colW;
    return html`<rect x="${x + 8}" y="${20 + chartH - h}" width="${colW - 16}" height="${h}" class="f-bar" rx="2"/>
      <text x="${x + colW / 2}" y="${14 + chartH - h}" text-anchor="middle" class="f-value">${b.text}</text>
      <text x="${x + colW / 2}" y="${chartH + 38}" text-anchor="middle" class="f-label">${b.label}</text>`;
  });
  return html`<svg class="funnel chart chart-columns" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t ${id}-d" preserveAspectRatio="xMinYMin meet">
    <title id="${id}-t">${title}</title><desc id="${id}-d">${alt}</desc><line x1="0" x2="${width}" y1="${20 + chartH}" y2="${20 + chartH}" class="f-axis"/>${cols}</svg>`;
}

/** Compact money for chart labels: 12.5k, 1.2M. */
function shortUsd(n: number, lang: PageCtx['lang']): string {
  return numberFormat(lang, {
    style: 'currency',
    currency: 'USD',
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(n);
}

function areaName(areas: NamedItem[], id: string, lang: PageCtx['lang']): string {
  return nameOf(areas, id, lang) || id;
}

export function resultPages(router: Router, web: WebContext): void {
  const { ref } = web;

  router.get(
    '/results',
    web.page(
      async (ctx) => {
        const { t, lang, user } = ctx;
        const f = filtersOf(ctx);
        const [v, countries, areas] = await Promise.all([
          ctx.api.get('/results', { query: apiQuery(f) }),
          ref.countries(),
          ref.thematicAreas(),
        ]);
        const base = { ...f };
        const itemsHref = (extra: Record<string, string | number>) => `/app/results/items?${qs({ ...base, ...extra })}`;
        const thisYear = new Date().getUTCFullYear();
        const years = Array.from({ length: thisYear - 2017 }, (_, i) => String(thisYear - i));

        const form = html`<form method="get" action="/app/results" class="filters card" role="search" aria-label="${t('results.filters')}">
          ${field(ctx, { name: 'programme', label: t('pipeline.programme'), type: 'select', value: f.programme, options: [{ value: '', label: t('filter.all') }, ...PROGRAMMES.map((p) => ({ value: p, label: programmeName(ctx, p) }))] })}
          ${user.role === 'co_approver' ? '' : field(ctx, { name: 'country', label: t('field.country'), type: 'select', value: f.country, options: [{ value: '', label: t('filter.all') }, ...countries.map((c) => ({ value: c.id, label: nameOf(countries, c.id, lang) }))] })}
          ${field(ctx, { name: 'year', label: t('results.year'), type: 'select', value: f.year, options: [{ value: '', label: t('filter.all') }, ...years.map((y) => ({ value: y, label: y }))] })}
          ${field(ctx, { name: 'sdg', label: t('results.sdg'), type: 'select', value: f.sdg, options: [{ value: '', label: t('filter.all') }, ...Array.from({ length: 17 }, (_, i) => ({ value: String(i + 1), label: t('results.sdgN', { n: i + 1 }) }))] })}
          ${field(ctx, { name: 'thematicArea', label: t('results.area'), type: 'select', value: f.thematicArea, options: [{ value: '', label: t('filter.all') }, ...areas.map((a) => ({ value: a.id, label: areaName(areas, a.id, lang) }))] })}
          <div class="filter-actions"><button type="submit" class="btn btn-secondary">${t('filter.apply')}</button></div>
        </form>`;

        const q = qs({ ...base });
        const downloads = html`<nav class="card downloads" aria-labelledby="downloads-h"><h2 id="downloads-h">${t('results.downloads')}</h2><ul class="link-list">
          <li><a href="/app/results/pipeline.csv?${q}" download>${t('results.pipelineCsv')}</a></li>
          <li><a href="/app/results/pipeline.xlsx?${q}" download>${t('results.pipelineXlsx')}</a></li>
          <li><a href="/app/results/export.csv?${qs({ ...base, by: 'country' })}" download>${t('results.byCountryCsv')}</a></li>
          <li><a href="/app/results/export.csv?${qs({ ...base, by: 'sdg' })}" download>${t('results.bySdgCsv')}</a></li>
          <li><a href="/app/results/export.csv?${qs({ ...base, by: 'thematicArea' })}" download>${t('results.byAreaCsv')}</a></li>
          <li><a href="/app/results/export.xlsx?${qs({ ...base, by: 'country' })}" download>${t('results.workbook')}</a></li>
        </ul>
        <form method="get" action="/app/results/summary.pdf" class="summary-form" aria-labelledby="summary-h"><h3 id="summary-h">${t('results.summaryTitle')}</h3>
          ${Object.entries({ programme: f.programme, year: f.year, sdg: f.sdg, thematicArea: f.thematicArea })
            .filter(([, v]) => v)
            .map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
          ${user.role === 'co_approver' ? html`<input type="hidden" name="country" value="${f.country}">` : field(ctx, { name: 'country', label: t('field.country'), type: 'select', value: f.country, required: true, options: countries.map((c) => ({ value: c.id, label: nameOf(countries, c.id, lang) })) })}
          ${field(ctx, {
            name: 'lang',
            label: t('results.summaryLanguage'),
            type: 'select',
            value: lang,
            options: [
              { value: 'en', label: 'English' },
              { value: 'ru', label: 'Русский' },
            ],
          })}
          <button type="submit" class="btn btn-secondary">${t('results.summaryPdf')}</button></form></nav>`;

        const T = v.totals;
        const kpi = (n: string, label: string, href: string, key: string, sub?: string) =>
          html`<li class="kpi" data-kpi="${key}"><a class="kpi-link" href="${href}"><span class="kpi-n">${n}</span><span class="kpi-l">${label}</span>${sub ? html`<span class="kpi-s">${sub}</span>` : ''}</a></li>`;
        const completed = PROGRAMME_LIST.filter((p) => !f.programme || p.id === f.programme).map((p) =>
          kpi(
            fmtNum(T.completedByProgramme[p.id as Programme] ?? 0, lang, 0),
            t('results.completed', { programme: programmeName(ctx, p.id as Programme) }),
            itemsHref({ programme: p.id, phase: 'closed' }),
            `completed-${p.id}`,
          ),
        );
        const kpis = html`<ul class="kpis" aria-label="${t('results.kpis')}">
          ${kpi(fmtNum(T.items, lang, 0), t('results.items'), itemsHref({}), 'items', `${fmtNum(T.funded, lang, 0)} ${t('results.funded')}`)}
          ${kpi(fmtNum(T.countries, lang, 0), t('results.countries'), itemsHref({}), 'countries')}
          ${kpi(fmtUsd(T.committedUsd, lang), t('results.committed'), itemsHref({ funded: 'true' }), 'committed', `${t('results.coFinancing')}: ${fmtUsd(T.coFinancingUsd, lang)}`)}
          ${kpi(fmtUsd(T.disbursedUsd, lang), t('results.disbursed'), itemsHref({ funded: 'true' }), 'disbursed')}
          ${kpi(fmtNum(T.beneficiaries, lang, 0), t('results.beneficiaries'), itemsHref({ reported: 'true' }), 'beneficiaries', `${t('results.beneficiariesOfTarget', { n: fmtNum(T.beneficiariesTarget, lang, 0) })} · ${t('results.women')} ${fmtNum(T.beneficiariesWomen, lang, 0)} · ${t('results.men')} ${fmtNum(T.beneficiariesMen, lang, 0)} · ${t('results.youth')} ${fmtNum(T.beneficiariesYouth, lang, 0)}`)}
          ${completed}
        </ul>`;

        // Stage funnel with money: the phases every programme shares, then closed; empty outcomes left out.
        const funnelRows = v.funnel.filter(
          (s) => (PHASES as readonly string[]).includes(s.phase) || s.phase === 'closed' || s.items > 0,
        );
        const funnel = html`<section class="card" aria-labelledby="funnel-h"><h2 id="funnel-h">${t('results.funnelTitle')}</h2>
          <div class="funnel-wrap">${barChart(
            'chart-funnel',
            t('results.funnelTitle'),
            t('results.funnelAlt'),
            funnelRows.map((s) => ({
              label: stageLabel(ctx, s.phase),
              value: s.items,
              text: `${fmtNum(s.items, lang, 0)} · ${shortUsd(s.requestedUsd, lang)}`,
            })),
          )}</div>
          <table class="table compact table-scroll"><caption class="visually-hidden">${t('results.funnelTitle')}</caption>
          <thead><tr><th scope="col">${t('results.stage')}</th><th scope="col" class="num">${t('results.items')}</th><th scope="col" class="num">${t('results.amountAsked')}</th></tr></thead>
          <tbody>${funnelRows.map((s) => html`<tr><th scope="row"><a href="${itemsHref({ phase: s.phase })}">${stageLabel(ctx, s.phase)}</a></th><td class="num">${fmtNum(s.items, lang, 0)}</td><td class="num">${fmtUsd(s.requestedUsd, lang)}</td></tr>`)}</tbody></table></section>`;

        // Disbursement over time: by month, by year when the months would not fit a phone.
        const byYear = v.disbursementByMonth.length > 12;
        const periods = new Map<string, number>();
        for (const m of v.disbursementByMonth) {
          const key = byYear ? m.month.slice(0, 4) : m.month;
          periods.set(key, (periods.get(key) ?? 0) + m.usd);
        }
        const monthLabel = (key: string) =>
          key.length === 4
            ? key
            : dateFormat(lang, { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(
                new Date(`${key}-01T00:00:00Z`),
              );
        const disbursement = html`<section class="card" aria-labelledby="disb-h"><h2 id="disb-h">${t('results.disbursementTitle')}</h2>
          ${
            periods.size
              ? html`<div class="funnel-wrap">${columnChart(
                  'chart-disb',
                  t('results.disbursementTitle'),
                  t('results.disbursementAlt'),
                  [...periods].map(([k, usd]) => ({ label: monthLabel(k), value: usd, text: shortUsd(usd, lang) })),
                )}</div>
          <table class="table compact table-scroll"><caption class="visually-hidden">${t('results.disbursementTitle')}</caption>
          <thead><tr><th scope="col">${t('results.month')}</th><th scope="col" class="num">${t('results.paid')}</th></tr></thead>
          <tbody>${[...periods].map(([k, usd]) => html`<tr><th scope="row"><a href="${itemsHref({ paidIn: k.slice(0, 4) })}">${monthLabel(k)}</a></th><td class="num">${fmtUsd(usd, lang)}</td></tr>`)}</tbody></table>`
              : emptyState(t('results.noData'))
          }</section>`;

        const sdgs = html`<section class="card" aria-labelledby="sdg-h"><h2 id="sdg-h">${t('results.sdgTitle')}</h2>
          ${
            v.bySdg.length
              ? html`<div class="funnel-wrap">${barChart(
                  'chart-sdg',
                  t('results.sdgTitle'),
                  t('results.sdgAlt'),
                  v.bySdg.map((s) => ({
                    label: t('results.sdgN', { n: s.sdg }),
                    value: s.beneficiaries,
                    text: fmtNum(s.beneficiaries, lang, 0),
                  })),
                  ' f-bar-sdg',
                )}</div>
          <table class="table compact table-scroll"><caption class="visually-hidden">${t('results.sdgTitle')}</caption>
          <thead><tr><th scope="col">${t('results.sdg')}</th><th scope="col" class="num">${t('results.beneficiaries')}</th><th scope="col" class="num">${t('results.items')}</th><th scope="col" class="num">${t('results.committed')}</th></tr></thead>
          <tbody>${v.bySdg.map((s) => html`<tr><th scope="row"><a href="${itemsHref({ sdg: s.sdg })}">${t('results.sdgN', { n: s.sdg })}</a></th><td class="num">${fmtNum(s.beneficiaries, lang, 0)}</td><td class="num">${fmtNum(s.items, lang, 0)}</td><td class="num">${fmtUsd(s.committedUsd, lang)}</td></tr>`)}</tbody></table>`
              : emptyState(t('results.noData'))
          }</section>`;

        const countryRows = v.byCountry.slice().sort((a, b) => b.committedUsd - a.committedUsd || b.items - a.items);
        const countryChart = html`<section class="card" aria-labelledby="country-h"><h2 id="country-h">${t('results.countryTitle2')}</h2>
          ${
            countryRows.length
              ? html`<div class="funnel-wrap">${barChart(
                  'chart-country',
                  t('results.countryTitle2'),
                  t('results.countryAlt'),
                  countryRows.map((c) => ({
                    label: nameOf(countries, c.countryCode, lang) || c.countryCode,
                    value: c.committedUsd,
                    text: shortUsd(c.committedUsd, lang),
                  })),
                )}</div>
          <table class="table compact table-scroll"><caption class="visually-hidden">${t('results.countryTitle2')}</caption>
          <thead><tr><th scope="col">${t('results.country')}</th><th scope="col" class="num">${t('results.items')}</th><th scope="col" class="num">${t('results.committed')}</th><th scope="col" class="num">${t('results.disbursed')}</th><th scope="col" class="num">${t('results.beneficiaries')}</th></tr></thead>
          <tbody>${countryRows.map((c) => html`<tr><th scope="row"><a href="${itemsHref({ country: c.countryCode })}">${nameOf(countries, c.countryCode, lang) || c.countryCode}</a></th><td class="num">${fmtNum(c.items, lang, 0)}</td><td class="num">${fmtUsd(c.committedUsd, lang)}</td><td class="num">${fmtUsd(c.disbursedUsd, lang)}</td><td class="num">${fmtNum(c.beneficiaries, lang, 0)}</td></tr>`)}</tbody></table>`
              : emptyState(t('results.noData'))
          }</section>`;

        const title =
          user.role === 'co_approver'
            ? t('results.countryTitle', {
                country: nameOf(countries, user.countryCode, lang) || (user.countryCode ?? ''),
              })
            : t('results.title');
        // Each programme's own figures (its registry entry's result columns), e.g. UN Volunteers deployed and months served.
        const ownFigures = v.programmeFigures.map(
          (
            p,
          ) => html`<section class="card" aria-labelledby="figures-${p.programme}-h"><h2 id="figures-${p.programme}-h">${programmeName(ctx, p.programme)}</h2>
          <ul class="kpis" aria-label="${programmeName(ctx, p.programme)}">${p.figures.map(
            (fig) =>
              html`<li class="kpi" data-kpi="${p.programme}-${fig.key}"><span class="kpi-n">${fig.unit === 'usd' ? fmtUsd(fig.value, lang) : fmtNum(fig.value, lang, fig.unit === 'months' ? 1 : 0)}</span><span class="kpi-l">${fig.label[lang]}</span></li>`,
          )}</ul></section>`,
        );
        const body = html`${form}${kpis}${ownFigures}
          <div class="grid-2 results-grid">${funnel}${disbursement}${sdgs}${countryChart}</div>
          ${downloads}
          <p class="muted small">${t('results.asOf', { time: fmtDate(new Date().toISOString(), lang, true) })}</p>`;
        send(ctx, layout(ctx, { title, lead: t('results.lead'), body, wide: true }));
      },
      { roles: ROLES },
    ),
  );

  router.get(
    '/results/items',
    web.page(
      async (ctx) => {
        const { t, lang } = ctx;
        const f = filtersOf(ctx);
        const n = narrowingOf(ctx);
        const page = Math.max(1, Math.min(1_000_000, Number(ctx.req.query.page) || 1));
        const [v, countries, areas] = await Promise.all([
          ctx.api.get('/results/items', {
            query: {
              ...apiQuery(f),
              phase: (n.phase || undefined) as never,
              paidIn: n.paidIn ? Number(n.paidIn) : undefined,
              funded: (n.funded || undefined) as 'true' | 'false' | undefined,
              reported: (n.reported || undefined) as 'true' | 'false' | undefined,
              page,
              pageSize: 25,
            },
          }),
          ref.countries(),
          ref.thematicAreas(),
        ]);
        const what = [
          f.programme ? programmeName(ctx, f.programme) : '',
          f.country ? nameOf(countries, f.country, lang) || f.country : '',
          f.year,
          f.sdg ? t('results.sdgN', { n: f.sdg }) : '',
          f.thematicArea ? areaName(areas, f.thematicArea, lang) : '',
          n.phase ? stageLabel(ctx, n.phase) : '',
          n.paidIn ? t('results.paidIn', { year: n.paidIn }) : '',
          n.funded === 'true' ? t('results.fundedOnly') : '',
          n.reported === 'true' ? t('results.reportedOnly') : '',
        ].filter(Boolean);
        const table = v.items.length
          ? html`<table class="table table-stack"><caption>${t('results.itemsCaption')}</caption>
          <thead><tr><th scope="col">${t('field.title')}</th><th scope="col">${t('pipeline.programme')}</th><th scope="col">${t('results.country')}</th><th scope="col">${t('results.stage')}</th><th scope="col">${t('results.party')}</th><th scope="col" class="num">${t('results.score')}</th><th scope="col" class="num">${t('results.committed')}</th><th scope="col" class="num">${t('results.disbursed')}</th><th scope="col" class="num">${t('results.beneficiaries')}</th></tr></thead>
          <tbody>${v.items.map(
            (i) => html`<tr data-item="${i.id}">
            <td data-label="${t('field.title')}"><a href="${subjectHref(i.type, i.id)}/results">${i.title}</a></td>
            <td data-label="${t('pipeline.programme')}">${programmeName(ctx, i.programme)}</td>
            <td data-label="${t('results.country')}">${nameOf(countries, i.countryCode, lang) || i.countryCode}</td>
            <td data-label="${t('results.stage')}">${stageBadge(ctx, i.stage, i.programme)}</td>
            <td data-label="${t('results.party')}">${i.party ?? '—'}</td>
            <td data-label="${t('results.score')}" class="num">${fmtNum(i.score, lang)}</td>
            <td data-label="${t('results.committed')}" class="num">${fmtUsd(i.committedUsd, lang)}</td>
            <td data-label="${t('results.disbursed')}" class="num">${fmtUsd(i.disbursedUsd, lang)}</td>
            <td data-label="${t('results.beneficiaries')}" class="num">${fmtNum(i.beneficiaries, lang, 0)}${i.beneficiariesTarget !== null ? html` <span class="muted small">/ ${fmtNum(i.beneficiariesTarget, lang, 0)}</span>` : ''}</td></tr>`,
          )}</tbody></table>
          ${pager(ctx, v, (p) => `/app/results/items?${qs({ ...f, ...n, page: p })}`)}`
          : emptyState(t('results.noData'));
        const body = html`${what.length ? html`<p>${t('results.narrowedBy', { what: what.join(' · ') })}</p>` : ''}
          <p class="totals" data-totals>${t('results.itemsTotal', { n: fmtNum(v.totals.items, lang, 0), committed: fmtUsd(v.totals.committedUsd, lang), disbursed: fmtUsd(v.totals.disbursedUsd, lang), beneficiaries: fmtNum(v.totals.beneficiaries, lang, 0) })}</p>
          <section class="card">${table}</section>`;
        send(
          ctx,
          layout(ctx, {
            title: t('results.itemsTitle'),
            back: { href: `/app/results?${qs({ ...f })}`, label: t('results.backToDashboard') },
            body,
            wide: true,
          }),
        );
      },
      { roles: ROLES },
    ),
  );

  // Downloads: the API's files need the bearer token, which the browser does not hold: streamed through.
  for (const file of ['pipeline.csv', 'pipeline.xlsx', 'export.csv', 'export.xlsx', 'summary.pdf'] as const) {
    router.get(
      `/results/${file}`,
      web.page(
        async (ctx) => {
          const f = filtersOf(ctx);
          const n = narrowingOf(ctx);
          const by = ['country', 'sdg', 'thematicArea'].includes(str(ctx.req.query.by))
            ? str(ctx.req.query.by)
            : 'country';
          const summaryLang =
            str(ctx.req.query.lang) === 'ru' ? 'ru' : str(ctx.req.query.lang) === 'en' ? 'en' : ctx.lang;
          const query = {
            ...apiQuery(f),
            ...(file.startsWith('pipeline') ? { ...n } : file === 'summary.pdf' ? { lang: summaryLang } : { by }),
          };
          const res = await ctx.api.raw(`/results/${file}` as '/results/pipeline.csv', { query: query as never });
          if (!res.ok) {
            const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
            throw new ApiError(res.status, body?.error ?? { code: 'http_error', message: `HTTP ${res.status}` });
          }
          ctx.res.setHeader('Content-Type', res.headers.get('content-type') ?? 'application/octet-stream');
          ctx.res.setHeader(
            'Content-Disposition',
            res.headers.get('content-disposition') ?? `attachment; filename="${file}"`,
          );
          ctx.res.setHeader('Cache-Control', 'no-store');
          ctx.res.send(Buffer.from(await res.arrayBuffer()));
        },
        { roles: ROLES },
      ),
    );
  }

  // Each subject's indicators: what it set out to reach and what it reported, with the forms its people may use now.
  for (const spec of PROGRAMME_LIST) {
    const path = `/${spec.apiPath}/:id/results`;
    const apiPath = `/${spec.apiPath}/{id}/results` as '/proposals/{id}/results';
    const programme = spec.id as Programme;

    async function resultsPage(
      ctx: PageCtx,
      state: FormState = emptyForm(),
      values: Record<string, string> = {},
      status = 200,
    ) {
      const { t, lang } = ctx;
      const id = String(ctx.req.params.id);
      const [r, subject] = await Promise.all([
        ctx.api.get(apiPath, { params: { id } }),
        ctx.api
          .raw(`/${spec.apiPath}/{id}` as '/proposals/{id}', { params: { id } })
          .then(async (res) => (res.ok ? ((await res.json()) as { title?: string }) : {})),
      ]);
      const label = (k: IndicatorKey) => indicatorSpec(k).label[lang];
      const indicators = r.indicators as IndicatorKey[];
      const valueCell = (vals: Partial<Record<string, number>>, k: IndicatorKey) => fmtNum(vals[k] ?? null, lang, 0);
      const reportsTable = r.reports.length
        ? html`<table class="table table-stack"><caption>${t('results.reports')}</caption>
          <thead><tr><th scope="col">${t('results.period')}</th>${indicators.map((k) => html`<th scope="col" class="num">${label(k)}</th>`)}</tr></thead>
          <tbody>${r.reports.map((rep) => html`<tr><th scope="row">${fmtDate(rep.periodStart, lang)} – ${fmtDate(rep.periodEnd, lang)}${rep.note ? html`<br><span class="muted small">${rep.note}</span>` : ''}</th>${indicators.map((k) => html`<td class="num" data-label="${label(k)}">${valueCell(rep.values, k)}</td>`)}</tr>`)}
          <tr class="total-row"><th scope="row">${t('results.total')}</th>${indicators.map((k) => html`<td class="num" data-label="${label(k)}">${valueCell(r.actuals, k)}</td>`)}</tr></tbody></table>`
        : emptyState(t('results.noReports'));
      const targets = r.targets
        ? html`<table class="table compact table-scroll"><caption class="visually-hidden">${t('results.targets')}</caption><thead><tr><th scope="col">${t('results.indicator')}</th><th scope="col" class="num">${t('results.targets')}</th><th scope="col" class="num">${t('results.total')}</th></tr></thead>
          <tbody>${indicators.map((k) => html`<tr><th scope="row">${label(k)}</th><td class="num">${valueCell(r.targets!.values, k)}</td><td class="num">${valueCell(r.actuals, k)}</td></tr>`)}</tbody></table>`
        : emptyState(t('results.noTargets'));
      const labels = Object.fromEntries([
        ...indicators.map((k) => [`values.${k}`, label(k)]),
        ['periodStart', t('results.periodStart')],
        ['periodEnd', t('results.periodEnd')],
        ['note', t('results.note')],
      ]);
      const valueFields = () =>
        indicators.map((k) =>
          field(ctx, {
            name: `values.${k}`,
            label: label(k),
            type: 'number',
            min: 0,
            step: '1',
            inputmode: 'numeric',
            value: values[k] ?? '',
            state,
          }),
        );
      const targetForm = r.canSetTargets
        ? html`<section class="card"><h2>${t('results.setTargets')}</h2>${values.form === 'targets' ? errorSummary(ctx, state, labels) : ''}
          <form method="post" action="/app/${spec.apiPath}/${encodeURIComponent(id)}/results/targets" novalidate>${csrfField(ctx)}
          <p class="hint">${t('results.valueHint')}</p><div class="grid-fields">${valueFields()}</div>
          <button type="submit" class="btn btn-primary">${t('results.saveTargets')}</button></form></section>`
        : '';
      const reportForm = r.canReport
        ? html`<section class="card"><h2>${t('results.report')}</h2>${values.form === 'report' ? errorSummary(ctx, state, labels) : ''}
          <form method="post" action="/app/${spec.apiPath}/${encodeURIComponent(id)}/results/reports" novalidate>${csrfField(ctx)}
          <div class="grid-fields">
          ${field(ctx, { name: 'periodStart', label: t('results.periodStart'), type: 'date', required: true, value: values.periodStart ?? '', state })}
          ${field(ctx, { name: 'periodEnd', label: t('results.periodEnd'), type: 'date', required: true, max: r.today as never, hint: t('results.periodHint', { today: fmtDate(r.today, lang) }), value: values.periodEnd ?? '', state })}
          </div>
          <p class="hint">${t('results.valueHint')}</p><div class="grid-fields">${valueFields()}</div>
          ${field(ctx, { name: 'note', label: t('results.note'), type: 'textarea', rows: 2, value: values.note ?? '', state })}
          <button type="submit" class="btn btn-primary">${t('results.submitReport')}</button></form></section>`
        : '';
      const body = html`<section class="card"><h2>${t('results.targets')}</h2>${targets}</section>
        <section class="card"><h2>${t('results.reports')}</h2>${reportsTable}</section>${targetForm}${reportForm}`;
      send(
        ctx,
        layout(ctx, {
          title: t('results.subjectTitle', { title: subject.title ?? id }),
          back: { href: `/app/${spec.apiPath}/${encodeURIComponent(id)}`, label: subject.title ?? id },
          body,
          wide: true,
        }),
        status,
      );
    }

    router.get(
      path,
      web.page((ctx) => resultsPage(ctx)),
    );

    for (const kind of ['targets', 'reports'] as const) {
      router.post(
        `${path}/${kind}`,
        web.action(async (ctx) => {
          const id = String(ctx.req.params.id);
          const b = ctx.req.body as Record<string, unknown>;
          const values: Record<string, string> = { form: kind === 'targets' ? 'targets' : 'report' };
          const numbers: Record<string, number | string> = {};
          for (const [k, v] of Object.entries(b)) {
            if (!k.startsWith('values.') || !str(v)) continue;
            const key = k.slice('values.'.length);
            values[key] = str(v);
            const n = Number(str(v));
            numbers[key] = Number.isFinite(n) ? n : str(v);
          }
          for (const k of ['periodStart', 'periodEnd', 'note']) values[k] = str(b[k]);
          const body =
            kind === 'targets'
              ? { values: numbers }
              : {
                  periodStart: values.periodStart,
                  periodEnd: values.periodEnd,
                  values: numbers,
                  ...(values.note ? { note: values.note } : {}),
                };
          const res = await ctx.api.send(
            'POST',
            `/${spec.apiPath}/{id}/results/${kind}` as '/proposals/{id}/results/reports',
            {
              params: { id },
              body: body as never,
            },
          );
          if (!res.ok) {
            const fields = ['periodStart', 'periodEnd', 'note', ...indicatorsOf(programme).map((k) => `values.${k}`)];
            const state = mapDetails(ctx.lang, res.body.error.details, fields);
            if (!state.errors.size) state.general.push(res.body.error.message);
            return resultsPage(ctx, state, values, res.status === 404 ? 404 : 400);
          }
          ctx.res.redirect(303, `/app/${spec.apiPath}/${encodeURIComponent(id)}/results?notice=saved`);
        }),
      );
    }
  }
}

/** The link from a subject's page to its results (targets, reports and the forms to state them). */
export function resultsLink(ctx: PageCtx, programme: Programme, id: string): SafeHtml {
  const spec = PROGRAMME_LIST.find((p) => p.id === programme)!;
  return html`<p class="card results-link"><a href="/app/${spec.apiPath}/${encodeURIComponent(id)}/results">${ctx.t('results.subjectLink')}</a></p>`;
}
