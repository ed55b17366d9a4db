import { z } from 'zod';
import { INDICATOR_KEYS, resultReportSchema, resultTargetsSchema } from '../domain/results';
import { countryCodeSchema, isoDateSchema } from '../domain/schemas';
import { OUTCOMES, PHASES, PROGRAMMES, STAGES, SUBJECT_TYPES } from '../domain/stages';
import { queryWithExample, requestBody, responseBody } from './contract';
import { paginationSchema } from './schemas';

/** Schemas of the results routes (api/routes/results.ts): indicators of a subject, the dashboard, its drill-down and exports. */

const int = z.number().int();
const usd = z.number().describe('US dollars');
const programme = z.enum(PROGRAMMES);
const phase = z.enum([...PHASES, ...OUTCOMES]);
const values = z.partialRecord(z.enum(INDICATOR_KEYS), int);

const resultFilters = {
  programme: programme.optional(),
  country: countryCodeSchema.optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional().describe('Year of submission'),
  sdg: z.coerce.number().int().min(1).max(17).optional(),
  thematicArea: z.string().min(1).max(100).optional().describe('A thematic area id'),
};
const filtersExample = {
  programme: 'challenge_fund',
  country: 'KG',
  year: 2026,
  sdg: 6,
  thematicArea: 'water-resources',
} as const;

export const resultsQuerySchema = queryWithExample(z.object(resultFilters), filtersExample);

const drillDown = {
  phase: phase.optional().describe('Items now in this phase or outcome'),
  paidIn: z.coerce.number().int().min(2000).max(2100).optional().describe('Items paid in this year'),
  funded: z.enum(['true', 'false']).optional().describe('Items with (true) or without a signed contract'),
  reported: z.enum(['true', 'false']).optional().describe('Items that reported beneficiaries (true) or not'),
};
export const resultItemsQuerySchema = queryWithExample(paginationSchema.extend({ ...resultFilters, ...drillDown }), {
  page: 1,
  pageSize: 20,
  ...filtersExample,
  phase: 'mission',
  paidIn: 2026,
  funded: 'true',
  reported: 'true',
});

export const resultsSummaryQuerySchema = queryWithExample(
  z.object({
    ...resultFilters,
    lang: z.enum(['en', 'ru']).default('en').describe('Language of the summary'),
  }),
  { ...filtersExample, lang: 'ru' },
);

export const RESULT_GROUPINGS = ['country', 'sdg', 'thematicArea'] as const;
export const resultsExportQuerySchema = queryWithExample(
  z.object({ ...resultFilters, by: z.enum(RESULT_GROUPINGS).default('country').describe('One row per …') }),
  { ...filtersExample, by: 'sdg' },
);
export const pipelineTableQuerySchema = queryWithExample(z.object({ ...resultFilters, ...drillDown }), {
  ...filtersExample,
  phase: 'mission',
  paidIn: 2026,
  funded: 'true',
  reported: 'true',
});

const filtersSchema = z.strictObject({
  programme: programme.nullable(),
  country: z.string().nullable(),
  year: int.nullable(),
  sdg: int.nullable(),
  thematicArea: z.string().nullable(),
});

const groupSchema = z.strictObject({
  items: int,
  committedUsd: usd,
  disbursedUsd: usd,
  beneficiaries: int,
});

export const resultsDashboardSchema = responseBody(
  'ResultsDashboard',
  z.strictObject({
    filters: filtersSchema,
    totals: z.strictObject({
      items: int.describe('Items of every stage'),
      funded: int.describe('Items with a signed contract'),
      countries: int,
      committedUsd: usd.describe('Signed contracts (fund)'),
      coFinancingUsd: usd.describe('Co-financing of the items with a signed contract'),
      disbursedUsd: usd.describe('Payments released'),
      beneficiariesTarget: int,
      beneficiaries: int.describe('Direct beneficiaries reported (actuals)'),
      beneficiariesWomen: int,
      beneficiariesMen: int,
      beneficiariesYouth: int,
      completedByProgramme: z.partialRecord(programme, int).describe('Items closed, per programme'),
    }),
    funnel: z.array(z.strictObject({ phase, items: int, requestedUsd: usd })),
    disbursementByMonth: z.array(z.strictObject({ month: z.string(), usd })),
    bySdg: z.array(groupSchema.extend({ sdg: int })),
    byCountry: z.array(groupSchema.extend({ countryCode: z.string() })),
    byThematicArea: z.array(groupSchema.extend({ thematicAreaId: z.string() })),
    programmeFigures: z
      .array(
        z.strictObject({
          programme,
          figures: z.array(
            z.strictObject({
              key: z.string(),
              label: z.strictObject({ en: z.string(), ru: z.string() }),
              unit: z.enum(['count', 'usd', 'months']),
              value: z.number().describe('USD for unit usd; else the count, or months to one decimal'),
            }),
          ),
        }),
      )
      .describe('Figures of the programmes’ own (their registry entry’s result columns), over the same items'),
  }),
);

export const resultItemSchema = z.strictObject({
  type: z.enum(SUBJECT_TYPES),
  programme,
  id: z.string(),
  title: z.string(),
  countryCode: z.string(),
  stage: z.enum(STAGES),
  phase,
  sdgs: z.array(int),
  thematicAreaId: z.string().nullable(),
  party: z.string().nullable().describe('The applicant institution or national partner'),
  score: z.number().nullable(),
  submittedAt: z.string(),
  closedAt: z.string().nullable(),
  requestedUsd: usd,
  committedUsd: usd,
  coFinancingUsd: usd,
  disbursedUsd: usd,
  beneficiariesTarget: int.nullable(),
  beneficiaries: int.nullable(),
  beneficiariesWomen: int.nullable(),
  beneficiariesMen: int.nullable(),
  beneficiariesYouth: int.nullable(),
});
export const resultItemPageSchema = responseBody(
  'ResultItemPage',
  z.strictObject({
    items: z.array(resultItemSchema),
    total: int,
    page: int,
    pageSize: int,
    totals: groupSchema.describe('The figures of every item of the drill-down (all pages)'),
  }),
);

const reportSchema = z.strictObject({
  id: z.string(),
  periodStart: z.string().nullable(),
  periodEnd: z.string().nullable(),
  values,
  taskId: z.string().nullable(),
  note: z.string().nullable(),
  enteredById: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const subjectResultsSchema = responseBody(
  'SubjectResults',
  z.strictObject({
    subjectType: z.enum(SUBJECT_TYPES),
    subjectId: z.string(),
    programme,
    indicators: z.array(z.enum(INDICATOR_KEYS)).describe('What the programme reports, in order'),
    targets: reportSchema.nullable(),
    reports: z.array(reportSchema).describe('Actuals per period, oldest first'),
    actuals: values.describe('Sum of the reports'),
    today: isoDateSchema.describe("Today in the subject's Country Office: the last day a period may end"),
    canSetTargets: z.boolean(),
    canReport: z.boolean(),
  }),
);

export const resultTargetsBody = requestBody('ResultTargets', resultTargetsSchema, {
  values: { beneficiaries: 1200, beneficiariesWomen: 600, beneficiariesMen: 600, beneficiariesYouth: 300 },
});
export const resultReportBody = requestBody('ResultReport', resultReportSchema, {
  periodStart: '2026-01-01',
  periodEnd: '2026-06-30',
  values: { beneficiaries: 400, beneficiariesWomen: 210, beneficiariesMen: 190 },
  note: 'Training sessions in three districts',
});

const findingSchema = z.strictObject({
  rule: z.string(),
  outcome: z.string(),
  message: z.string().nullable(),
  figures: z.unknown().describe('The input figures the rule was evaluated on'),
});

export const provenanceSchema = responseBody(
  'Provenance',
  z.strictObject({
    subjectType: z.enum(SUBJECT_TYPES),
    subjectId: z.string(),
    workflowId: z.string(),
    historyAvailable: z
      .boolean()
      .describe(
        "Whether Temporal still keeps the workflow's history (closed ones are deleted after the retention period)",
      ),
    decisions: z.array(
      z.strictObject({
        key: z.string().describe('<workflowId>:<step>'),
        at: z.string(),
        kind: z.enum(['automatic', 'human']),
        actions: z.array(z.string()),
        decidedBy: z.strictObject({ id: z.string().nullable(), role: z.string().nullable() }),
        outcome: z.string().nullable(),
        ruleSet: z
          .strictObject({ id: z.string(), name: z.string().nullable(), effectiveFrom: z.string().nullable() })
          .nullable(),
        findings: z.array(findingSchema),
        decisions: z.array(z.record(z.string(), z.unknown())).describe('Task decisions of the step'),
        payments: z.array(z.record(z.string(), z.unknown())),
        stage: z.strictObject({ from: z.string().nullable(), to: z.string() }).nullable(),
        workflow: z.strictObject({
          workflowId: z.string(),
          runId: z.string().nullable(),
          activityId: z.string().nullable(),
        }),
      }),
    ),
  }),
);
