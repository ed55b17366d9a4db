import ExcelJS from 'exceljs';
import type { Response } from 'express';
import { PROGRAMME_LIST, stageLabel, type Programme } from '../../domain/registry';
import { renderCountrySummaryPdf } from '../../lib/results-pdf';
import { validationFailed } from '../errors';
import type { Outcome, Phase } from '../../domain/stages';
import type { ApiContext } from '../context';
import { toCsv } from '../csv';
import type { ApiRouter } from '../router';
import {
  pipelineTableQuerySchema,
  RESULT_GROUPINGS,
  resultsExportQuerySchema,
  resultsSummaryQuerySchema,
} from '../results-schemas';
import {
  phaseDates,
  programmeFigures,
  resultFigures,
  resultItems,
  type GroupFigures,
  type ResultFigures,
  type ResultItem,
} from '../results-data';
import { drillDownOf, resultFiltersFor } from './results';

/**
 * Exports of the results: the pipeline table (institution, amounts, scores, the day each phase was
 * entered) as CSV and XLSX, and the results grouped by country, SDG or thematic area. They list
 * exactly the items the dashboard's figures count under the same filters.
 */

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' as const;
const ROLES = ['fund_manager', 'co_approver', 'admin', 'auditor'] as const;
const usd = (cents: number) => cents / 100;
const day = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 10) : null);

/** Phases every programme goes through, in order: the stage-date columns. */
const PHASE_COLUMNS = [...new Set(PROGRAMME_LIST.flatMap((p) => p.stages.map((s) => s.phase)))] as Phase[];

const PIPELINE_COLUMNS = [
  'programme',
  'type',
  'id',
  'title',
  'party',
  'countryCode',
  'stage',
  'phase',
  'sdgs',
  'thematicAreaId',
  'score',
  'requestedUsd',
  'committedUsd',
  'coFinancingUsd',
  'disbursedUsd',
  'beneficiariesTarget',
  'beneficiaries',
  'beneficiariesWomen',
  'beneficiariesMen',
  'beneficiariesYouth',
  'submittedAt',
  ...PHASE_COLUMNS.map((p) => `entered_${p}` as const),
  'closedAt',
] as const;
type PipelineColumn = (typeof PIPELINE_COLUMNS)[number];
type Cell = string | number | null;

function pipelineRow(i: ResultItem, dates: Partial<Record<Phase | Outcome, Date>>): Record<PipelineColumn, Cell> {
  const row: Record<string, Cell> = {
    programme: i.programme,
    type: i.type,
    id: i.id,
    title: i.title,
    party: i.party,
    countryCode: i.countryCode,
    stage: i.stage,
    phase: i.phase,
    sdgs: i.sdgs.join(' '),
    thematicAreaId: i.thematicAreaId,
    score: i.score,
    requestedUsd: usd(i.requestedCents),
    committedUsd: usd(i.committedCents),
    coFinancingUsd: usd(i.coFinancingCents),
    disbursedUsd: usd(i.disbursedCents),
    beneficiariesTarget: i.beneficiariesTarget,
    beneficiaries: i.beneficiaries,
    beneficiariesWomen: i.beneficiariesWomen,
    beneficiariesMen: i.beneficiariesMen,
    beneficiariesYouth: i.beneficiariesYouth,
    submittedAt: day(i.createdAt),
    closedAt: day(i.closedAt),
  };
  // Intake starts at submission when no stage change into it was recorded.
  for (const p of PHASE_COLUMNS) row[`entered_${p}`] = day(dates[p] ?? (p === 'intake' ? i.createdAt : null));
  return row as Record<PipelineColumn, Cell>;
}

const GROUP_COLUMNS = [
  'items',
  'funded',
  'committedUsd',
  'coFinancingUsd',
  'disbursedUsd',
  'beneficiariesTarget',
  'beneficiaries',
  'beneficiariesWomen',
  'beneficiariesMen',
  'beneficiariesYouth',
] as const;

const PROGRAMME_FIGURE_COLUMNS = ['programme', 'figure', 'label', 'unit', 'value'] as const;

/** One row per country, SDG or thematic area (an item with several SDGs counts under each), as PostgreSQL summed them. */
export function groupedRows(figures: ResultFigures, by: (typeof RESULT_GROUPINGS)[number]) {
  const groups: Map<string | number, GroupFigures> =
    by === 'country' ? figures.byCountry : by === 'sdg' ? figures.bySdg : figures.byThematicArea;
  const keys = [...groups.keys()].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)),
  );
  return keys.map((k) => {
    const g = groups.get(k)!;
    return {
      [by]: k,
      items: g.items,
      funded: g.funded,
      committedUsd: usd(g.committedCents),
      coFinancingUsd: usd(g.coFinancingCents),
      disbursedUsd: usd(g.disbursedCents),
      beneficiariesTarget: g.beneficiariesTarget,
      beneficiaries: g.beneficiaries,
      beneficiariesWomen: g.beneficiariesWomen,
      beneficiariesMen: g.beneficiariesMen,
      beneficiariesYouth: g.beneficiariesYouth,
    } as Record<string, Cell>;
  });
}

async function sendXlsx(
  res: Response,
  filename: string,
  sheets: { name: string; columns: readonly string[]; rows: Record<string, Cell>[] }[],
) {
  const book = new ExcelJS.Workbook();
  book.creator = 'Russia-UNDP Partnership';
  for (const s of sheets) {
    const sheet = book.addWorksheet(s.name);
    sheet.columns = s.columns.map((c) => ({ header: c, key: c, width: Math.max(10, Math.min(40, c.length + 4)) }));
    sheet.getRow(1).font = { bold: true };
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
    for (const r of s.rows) sheet.addRow(r);
  }
  const buffer = Buffer.from(await book.xlsx.writeBuffer());
  res.setHeader('Content-Type', XLSX);
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.status(200).send(buffer);
}

function sendCsv(res: Response, filename: string, columns: readonly string[], rows: Record<string, Cell>[]) {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.status(200).send(toCsv(columns, rows));
}

/** The documented answer of an export in `format`: the file, as an attachment. */
function fileAnswer(format: 'csv' | 'xlsx') {
  return {
    status: 200,
    description: format === 'csv' ? 'CSV (UTF-8 with a byte order mark)' : 'An Excel workbook',
    contentType: format === 'csv' ? ('text/csv' as const) : XLSX,
    headers: ['Content-Disposition' as const],
  };
}

export function resultExportRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  async function pipelineRows(
    user: Parameters<typeof resultFiltersFor>[0],
    query: Parameters<typeof drillDownOf>[0] & Parameters<typeof resultFiltersFor>[1],
  ) {
    const items = await resultItems(prisma, resultFiltersFor(user, query), drillDownOf(query));
    const dates = await phaseDates(prisma, items);
    return items.map((i) => pipelineRow(i, dates.get(i.id) ?? {}));
  }

  for (const format of ['csv', 'xlsx'] as const) {
    const upper = format.toUpperCase();
    const pascalFormat = upper === 'CSV' ? 'Csv' : 'Xlsx';
    router.add(
      {
        method: 'get',
        path: `/results/pipeline.${format}`,
        operationId: `exportResultsPipeline${pascalFormat}`,
        tag: 'Results',
        summary: `The pipeline as ${upper}: institution, amounts, scores, stage dates, results`,
        description:
          'The results filters and scope (a co_approver: its country), and the drill-down narrowing; every item, newest first. ' +
          '`entered_<phase>` is the first day the item entered the phase. Amounts in US dollars.' +
          (format === 'csv' ? ' Cells a spreadsheet would read as a formula are prefixed with an apostrophe.' : ''),
        roles: ROLES,
        query: pipelineTableQuerySchema,
        success: fileAnswer(format),
      },
      async ({ user, query, res }) => {
        const rows = await pipelineRows(user, query);
        if (format === 'csv') sendCsv(res, 'pipeline.csv', PIPELINE_COLUMNS, rows);
        else await sendXlsx(res, 'pipeline.xlsx', [{ name: 'Pipeline', columns: PIPELINE_COLUMNS, rows }]);
      },
    );

    router.add(
      {
        method: 'get',
        path: `/results/export.${format}`,
        operationId: `exportResultsBy${pascalFormat}`,
        tag: 'Results',
        summary: `Results by country, SDG or thematic area as ${upper}`,
        description:
          'One row per country, SDG or thematic area (`by`) with the items, money and beneficiaries of the filtered items; ' +
          'an item addressing several SDGs counts under each.' +
          (format === 'xlsx'
            ? ' The workbook has a sheet per grouping, the pipeline, and the programmes’ own figures (`programmeFigures`).'
            : ''),
        roles: ROLES,
        query: resultsExportQuerySchema,
        success: fileAnswer(format),
      },
      async ({ user, query, res }) => {
        const f = resultFiltersFor(user, query);
        const figures = await resultFigures(prisma, f);
        if (format === 'csv') {
          sendCsv(res, `results-by-${query.by}.csv`, [query.by, ...GROUP_COLUMNS], groupedRows(figures, query.by));
          return;
        }
        const [items, own] = await Promise.all([
          resultItems(prisma, f),
          programmeFigures(prisma, f, ctx.clock.now().toISOString().slice(0, 10)),
        ]);
        const dates = await phaseDates(prisma, items);
        await sendXlsx(res, 'results.xlsx', [
          ...[query.by, ...RESULT_GROUPINGS.filter((g) => g !== query.by)].map((by) => ({
            name: `By ${by}`,
            columns: [by, ...GROUP_COLUMNS],
            rows: groupedRows(figures, by),
          })),
          {
            name: 'Pipeline',
            columns: PIPELINE_COLUMNS,
            rows: items.map((i) => pipelineRow(i, dates.get(i.id) ?? {})),
          },
          {
            // The dashboard's figures of each programme's own (UN Volunteers: deployed, countries, months served, money).
            name: 'Programme figures',
            columns: PROGRAMME_FIGURE_COLUMNS,
            rows: own.flatMap((p) =>
              p.figures.map((fig) => ({
                programme: p.programme,
                figure: fig.key,
                label: fig.label.en,
                unit: fig.unit,
                value: fig.value,
              })),
            ),
          },
        ]);
      },
    );
  }

  router.add(
    {
      method: 'get',
      path: '/results/summary.pdf',
      operationId: 'exportResultsCountrySummaryPdf',
      tag: 'Results',
      summary: "A country's results on one printable page (PDF, English or Russian)",
      description:
        'For donor reporting: the dashboard figures of one country under the same filters and scope (items, committed, ' +
        'co-financing, disbursed, beneficiaries with target and breakdown, completed per programme), beneficiaries by SDG, ' +
        'thematic areas and the largest items. `country` is required (a co_approver: its own). One A4 page.',
      roles: ROLES,
      query: resultsSummaryQuerySchema,
      success: {
        status: 200,
        description: 'A one-page PDF',
        contentType: 'application/pdf',
        headers: ['Content-Disposition'],
      },
    },
    async ({ user, query, res }) => {
      const f = resultFiltersFor(user, query);
      if (!f.country) throw validationFailed([{ path: 'country', message: 'name the country of the summary' }]);
      const lang = query.lang;
      const [figures, items, country, areas] = await Promise.all([
        resultFigures(prisma, f),
        resultItems(prisma, f),
        prisma.country.findUnique({ where: { code: f.country }, select: { name: true, nameRu: true } }),
        prisma.thematicArea.findMany({ select: { id: true, name: true, nameRu: true } }),
      ]);
      const areaName = (id: string) => {
        const a = areas.find((x) => x.id === id);
        return a ? (lang === 'ru' ? a.nameRu : a.name) : id;
      };
      const programmeName = (id: string) => PROGRAMME_LIST.find((p) => p.id === id)?.labels.name[lang] ?? id;
      const t = figures.totals;
      const pdf = await renderCountrySummaryPdf({
        language: lang,
        date: ctx.clock.now().toISOString(),
        country: { code: f.country, name: country ? (lang === 'ru' ? country.nameRu : country.name) : f.country },
        filters: [
          f.programme ? programmeName(f.programme) : '',
          f.year ? String(f.year) : '',
          f.sdg ? `${lang === 'ru' ? 'ЦУР' : 'SDG'} ${f.sdg}` : '',
          f.thematicArea ? areaName(f.thematicArea) : '',
        ]
          .filter(Boolean)
          .join(' · '),
        totals: {
          items: t.items,
          funded: t.funded,
          committedUsd: usd(t.committedCents),
          coFinancingUsd: usd(t.coFinancingCents),
          disbursedUsd: usd(t.disbursedCents),
          beneficiariesTarget: t.beneficiariesTarget,
          beneficiaries: t.beneficiaries,
          beneficiariesWomen: t.beneficiariesWomen,
          beneficiariesMen: t.beneficiariesMen,
          beneficiariesYouth: t.beneficiariesYouth,
          completed: PROGRAMME_LIST.filter((p) => !f.programme || p.id === f.programme).map((p) => ({
            programme: p.labels.name[lang],
            items: t.completedByProgramme[p.id] ?? 0,
          })),
        },
        bySdg: [...figures.bySdg.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([sdg, g]) => ({ sdg, items: g.items, beneficiaries: g.beneficiaries })),
        byArea: [...figures.byThematicArea.entries()]
          .sort((a, b) => b[1].committedCents - a[1].committedCents || b[1].items - a[1].items)
          .map(([id, g]) => ({
            name: areaName(id),
            items: g.items,
            committedUsd: usd(g.committedCents),
            beneficiaries: g.beneficiaries,
          })),
        items: [...items]
          .sort((a, b) => b.committedCents - a.committedCents || b.requestedCents - a.requestedCents)
          .map((i) => ({
            title: i.title,
            programme: programmeName(i.programme),
            stage: stageLabel(i.stage, lang, 'name', i.programme as Programme) ?? i.stage,
            committedUsd: usd(i.committedCents),
            beneficiaries: i.beneficiaries,
          })),
      });
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader('Content-Disposition', `attachment; filename="results-${f.country}-${lang}.pdf"`);
      res.status(200).send(Buffer.from(pdf));
    },
  );
}
