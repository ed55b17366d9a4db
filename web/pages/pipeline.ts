import type { Router } from 'express';
import { phasesOf, PROGRAMMES, type Programme } from '../../domain/registry';
import { OUTCOMES, PHASES, type Outcome, type Phase } from '../../domain/stages';
import { ApiError, type Schemas } from '../api-client';
import { html, type SafeHtml } from '../html';
import type { WebContext } from '../context';
import { nameOf, type NamedItem } from '../reference';
import {
  emptyState,
  field,
  fmtDate,
  fmtNum,
  layout,
  pager,
  programmeName,
  send,
  stageBadge,
  stageLabel,
  type PageCtx,
} from '../ui';
import { countryName, subjectHref, type Reference } from '../views';

const enc = encodeURIComponent;
/** The pipeline filters by shared phase or outcome, across programmes. */
const PHASE_FILTERS = [...PHASES, ...OUTCOMES];

type PipelineView = Schemas['Pipeline'];

/** The funnel of a programme: its phases, then closed; the table adds the other outcomes it can end in. */
function funnelOf(programme: Programme): { funnel: (Phase | Outcome)[]; other: Outcome[] } {
  const { phases, outcomes } = phasesOf(programme);
  return { funnel: [...phases, 'closed'], other: outcomes.filter((o) => o !== 'closed') };
}

/** Horizontal funnel: one bar per phase, width by count; numbers written next to the bars. */
function funnelSvg(
  ctx: PageCtx,
  programme: Programme,
  counts: Partial<Record<string, number>>,
  titleId: string,
): SafeHtml {
  const FUNNEL = funnelOf(programme).funnel;
  const max = Math.max(1, ...FUNNEL.map((s) => counts[s] ?? 0));
  const rowH = 30;
  const longest = Math.max(...FUNNEL.map((s) => stageLabel(ctx, s, programme).length));
  const labelW = Math.min(340, Math.max(120, Math.round(longest * 8.4) + 20));
  const barW = 360;
  const height = FUNNEL.length * rowH + 8;
  const width = labelW + barW + 60;
  const rows = FUNNEL.map((s, i) => {
    const n = counts[s] ?? 0;
    const w = n ? Math.max(4, Math.round((n / max) * barW)) : 0;
    const x = labelW + (barW - w) / 2;
    const y = 4 + i * rowH;
    return html`<g><text x="${labelW - 10}" y="${y + 19}" text-anchor="end" class="f-label">${stageLabel(ctx, s, programme)}</text>
      <rect x="${labelW}" y="${y + 3}" width="${barW}" height="${rowH - 8}" class="f-track" rx="3"/>
      ${w ? html`<rect x="${x}" y="${y + 3}" width="${w}" height="${rowH - 8}" class="f-bar${s === 'closed' ? ' f-bar-closed' : ''}" rx="3"/>` : ''}
      <text x="${labelW + barW + 10}" y="${y + 19}" class="f-count">${fmtNum(n, ctx.lang, 0)}</text></g>`;
  });
  return html`<svg class="funnel" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${titleId}" preserveAspectRatio="xMinYMin meet">
    <title id="${titleId}">${ctx.t('pipeline.funnelAlt')}</title>${rows}</svg>`;
}

function programmeSection(ctx: PageCtx, programme: Programme, v: PipelineView): SafeHtml {
  const { t, lang } = ctx;
  const counts: Partial<Record<string, number>> = v.countsByStage[programme] ?? {};
  const ages: Partial<Record<string, number | null>> = v.averageDaysInStage[programme] ?? {};
  const active = activeCount(v, programme);
  const { funnel, other } = funnelOf(programme);
  const id = `p-${programme}`;
  return html`<section class="card programme" aria-labelledby="${id}-h">
    <h2 id="${id}-h">${programmeName(ctx, programme)} <span class="muted small">· ${t('pipeline.active', { n: active })}</span></h2>
    <div class="funnel-wrap">${funnelSvg(ctx, programme, counts, `${id}-t`)}</div>
    <table class="table compact" id="${id}-table">
      <caption>${t('pipeline.byStageCaption', { programme: programmeName(ctx, programme) })}</caption>
      <thead><tr><th scope="col">${t('field.stage')}</th><th scope="col" class="num">${t('pipeline.items')}</th><th scope="col" class="num">${t('pipeline.avgDays')}</th></tr></thead>
      <tbody>
        ${[...funnel, ...other].map((s) => html`<tr data-stage="${s}"><th scope="row">${stageLabel(ctx, s, programme)}</th><td class="num" data-count>${fmtNum(counts[s] ?? 0, lang, 0)}</td><td class="num">${(PHASES as readonly string[]).includes(s) ? fmtNum(ages[s] ?? null, lang) : '—'}</td></tr>`)}
      </tbody>
    </table>
  </section>`;
}

/** Items of a programme in its phases (not yet at an outcome). */
function activeCount(v: PipelineView, programme: Programme): number {
  const counts: Partial<Record<string, number>> = v.countsByStage[programme] ?? {};
  return phasesOf(programme).phases.reduce((s, phase) => s + (counts[phase] ?? 0), 0);
}

export function pipelinePages(router: Router, web: WebContext): void {
  const { ref } = web;
  const roles = ['fund_manager', 'co_approver', 'admin', 'auditor'] as const;

  function filtersOf(ctx: PageCtx) {
    const q = ctx.req.query;
    const programme: Programme | '' =
      typeof q.programme === 'string' && (PROGRAMMES as readonly string[]).includes(q.programme)
        ? (q.programme as Programme)
        : '';
    const country =
      ctx.user.role === 'co_approver'
        ? (ctx.user.countryCode ?? '')
        : typeof q.country === 'string' && /^[A-Z]{2}$/.test(q.country)
          ? q.country
          : '';
    const stage: Phase | Outcome | '' =
      typeof q.stage === 'string' && (PHASE_FILTERS as readonly string[]).includes(q.stage)
        ? (q.stage as Phase | Outcome)
        : '';
    const page = Math.max(1, Number(q.page) || 1);
    return { programme, country, stage, page };
  }
  const qs = (f: Record<string, string | number>) =>
    new URLSearchParams(
      Object.entries(f)
        .filter(([, v]) => v !== '' && v !== undefined)
        .map(([k, v]) => [k, String(v)] as [string, string]),
    ).toString();

  router.get(
    '/pipeline',
    web.page(
      async (ctx) => {
        const { t, lang, user } = ctx;
        const f = filtersOf(ctx);
        const countries = await ref.countries();
        const perCountry = user.role !== 'co_approver' && !f.country;
        // One call for the dashboard, one per country for the country table: all at once.
        const [v, byCountry] = await Promise.all([
          ctx.api.get('/pipeline', {
            query: {
              programme: f.programme || undefined,
              country: f.country || undefined,
              stage: f.stage || undefined,
              page: f.page,
              pageSize: 25,
            },
          }),
          perCountry
            ? Promise.all(
                countries.map((c) =>
                  ctx.api
                    .get('/pipeline', { query: { programme: f.programme || undefined, country: c.id, pageSize: 1 } })
                    .then((p) => ({ c, p }))
                    .catch(() => null),
                ),
              )
            : Promise.resolve([]),
        ]);
        const refs: Reference = { areas: [], countries };
        const programmes = f.programme ? [f.programme] : [...PROGRAMMES];

        const filters = html`<form method="get" action="/app/pipeline" class="filters card" role="search" aria-label="${t('pipeline.filters')}">
      ${field(ctx, { name: 'programme', label: t('pipeline.programme'), type: 'select', value: f.programme, options: [{ value: '', label: t('filter.all') }, ...PROGRAMMES.map((p) => ({ value: p, label: programmeName(ctx, p) }))] })}
      ${user.role === 'co_approver' ? '' : field(ctx, { name: 'country', label: t('field.country'), type: 'select', value: f.country, options: [{ value: '', label: t('filter.all') }, ...countries.map((c) => ({ value: c.id, label: nameOf(countries, c.id, lang) }))] })}
      ${field(ctx, { name: 'stage', label: t('field.stage'), type: 'select', value: f.stage, options: [{ value: '', label: t('filter.all') }, ...PHASE_FILTERS.map((s) => ({ value: s, label: stageLabel(ctx, s) }))] })}
      <div class="filter-actions"><button type="submit" class="btn btn-secondary">${t('filter.apply')}</button>
      <a class="btn btn-link" href="/app/pipeline/export.csv?${qs({ programme: f.programme, country: f.country, stage: f.stage })}" download>${t('pipeline.csv')}</a>
      <a class="btn btn-link" href="/app/results?${qs({ programme: f.programme, country: f.country })}">${t('results.title')}</a></div>
    </form>`;

        const kpis = html`<ul class="kpis" aria-label="${t('pipeline.kpis')}">
      ${programmes.map((p) => html`<li class="kpi"><span class="kpi-n">${fmtNum(activeCount(v, p), lang, 0)}</span><span class="kpi-l">${t('pipeline.activeIn', { programme: programmeName(ctx, p) })}</span></li>`)}
      <li class="kpi${v.overdueOpenTasks ? ' kpi-alert' : ''}" data-kpi="overdue"><span class="kpi-n">${v.overdueOpenTasks ? html`<span aria-hidden="true">⚠ </span>` : ''}${fmtNum(v.overdueOpenTasks, lang, 0)}</span><span class="kpi-l">${t('pipeline.overdueTasks')}</span></li>
      <li class="kpi${v.failedNotifications ? ' kpi-alert' : ''}" data-kpi="failed"><span class="kpi-n">${v.failedNotifications ? html`<span aria-hidden="true">⚠ </span>` : ''}${fmtNum(v.failedNotifications, lang, 0)}</span><span class="kpi-l">${t('pipeline.failedNotifications')}</span></li>
    </ul>`;

        const countryTable = byCountry.length
          ? html`<section class="card"><h2 id="by-country-h">${t('pipeline.byCountry')}</h2><table class="table compact table-scroll" aria-labelledby="by-country-h">
        <thead><tr><th scope="col">${t('field.country')}</th>${programmes.map((p) => html`<th scope="col" class="num">${programmeName(ctx, p)}</th>`)}<th scope="col" class="num">${t('pipeline.overdueTasks')}</th></tr></thead>
        <tbody>${(byCountry.filter(Boolean) as { c: NamedItem; p: PipelineView }[]).map(({ c, p }) => html`<tr><th scope="row"><a href="/app/pipeline?${qs({ programme: f.programme, country: c.id })}">${nameOf(countries, c.id, lang)}</a></th>${programmes.map((pr) => html`<td class="num">${fmtNum(activeCount(p, pr), lang, 0)}</td>`)}<td class="num">${p.overdueOpenTasks ? html`<span class="badge badge-danger"><span aria-hidden="true">⚠ </span>${fmtNum(p.overdueOpenTasks, lang, 0)}</span>` : '0'}</td></tr>`)}</tbody></table></section>`
          : '';

        const items = v.items.length
          ? html`<table class="table table-stack"><caption>${t('pipeline.itemsCaption')}</caption>
        <thead><tr><th scope="col">${t('field.title')}</th><th scope="col">${t('pipeline.programme')}</th><th scope="col">${t('field.country')}</th><th scope="col">${t('field.stage')}</th><th scope="col" class="num">${t('pipeline.daysInStage')}</th><th scope="col" class="num">${t('pipeline.ageDays')}</th></tr></thead>
        <tbody>${v.items.map(
          (i) => html`<tr>
          <td data-label="${t('field.title')}"><a href="${subjectHref(i.type, i.id)}">${i.title}</a></td>
          <td data-label="${t('pipeline.programme')}">${programmeName(ctx, i.programme)}</td>
          <td data-label="${t('field.country')}">${countryName(ctx, refs, i.countryCode)}</td>
          <td data-label="${t('field.stage')}">${stageBadge(ctx, i.stage, i.programme)}</td>
          <td data-label="${t('pipeline.daysInStage')}" class="num">${fmtNum(i.daysInStage, lang)}</td>
          <td data-label="${t('pipeline.ageDays')}" class="num">${fmtNum(i.ageDays, lang)}</td></tr>`,
        )}</tbody></table>
        ${pager(ctx, v, (n) => `/app/pipeline?${qs({ programme: f.programme, country: f.country, stage: f.stage, page: n })}`)}`
          : emptyState(t('pipeline.noItems'));

        const title =
          user.role === 'co_approver'
            ? t('pipeline.countryTitle', { country: countryName(ctx, refs, user.countryCode) })
            : t('pipeline.title');
        const body = html`${filters}${kpis}
      <div class="grid-2 programmes">${programmes.map((p) => programmeSection(ctx, p, v))}</div>
      ${countryTable}
      <section class="card"><h2>${t('pipeline.itemsTitle')}</h2><p class="muted">${t('pipeline.itemsNote', { n: v.total })}</p>${items}</section>
      <p class="muted small">${t('pipeline.asOf', { time: fmtDate(new Date().toISOString(), lang, true) })}</p>`;
        send(ctx, layout(ctx, { title, body, wide: true }));
      },
      { roles },
    ),
  );

  // The API's CSV needs the bearer token, which the browser does not hold: stream it through.
  router.get(
    '/pipeline/export.csv',
    web.page(
      async (ctx) => {
        const f = filtersOf(ctx);
        const res = await ctx.api.raw('/pipeline/export.csv', {
          query: { programme: f.programme || undefined, country: f.country || undefined, stage: f.stage || undefined },
        });
        if (!res.ok) {
          const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
          throw new ApiError(res.status, body?.error ?? { code: 'http_error', message: `HTTP ${res.status}` });
        }
        ctx.res.setHeader('Content-Type', res.headers.get('content-type') ?? 'text/csv; charset=utf-8');
        ctx.res.setHeader(
          'Content-Disposition',
          res.headers.get('content-disposition') ?? 'attachment; filename="pipeline.csv"',
        );
        ctx.res.setHeader('Cache-Control', 'no-store');
        ctx.res.send(Buffer.from(await res.arrayBuffer()));
      },
      { roles },
    ),
  );
}
