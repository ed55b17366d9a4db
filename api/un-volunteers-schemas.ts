/** The API's schemas of UN Volunteers fully funded (requests from domain/unv.ts; answers here). */
import { iso, z } from 'zod';
import { UNV_CATEGORIES } from '../domain/policy/unv';
import { STAGES } from '../domain/stages';
import { countryCodeSchema } from '../domain/schemas';
import { unvRequestSchema, type UnvRequest } from '../domain/unv';
import { queryWithExample, requestBody, responseBody } from './contract';
import { openTaskSchema, pageOf, paginationSchema, timelineEventSchema } from './schemas';

const stage = z.enum(STAGES);
const timestamp = iso.datetime();
const day = iso.date();
const jsonObject = z.record(z.string(), z.unknown());

/** A valid description of assignment against the demo data (the Kyrgyzstan Country Office hosts). */
export const UNV_REQUEST_EXAMPLE: UnvRequest = {
  title: 'Climate finance associate',
  hostEntity: 'UNDP Country Office in Kyrgyzstan',
  dutyStation: { city: 'Bishkek', countryCode: 'KG' },
  category: 'specialist',
  months: 12,
  tasks: 'Support the Country Office’s climate finance portfolio: pipeline of Green Climate Fund proposals, reporting.',
  qualifications: 'Master’s degree in economics or environment; three years in climate finance.',
  languages: ['English', 'Russian'],
  startDate: '2027-03-01',
  sdgs: [7, 13],
};
requestBody('UnvAssignmentCreate', unvRequestSchema, UNV_REQUEST_EXAMPLE);

export const unvListQuerySchema = queryWithExample(
  paginationSchema.extend({ stage: stage.optional(), country: countryCodeSchema.optional() }),
  { page: 1, pageSize: 20, stage: 'assignment', country: 'KG' },
);

const usd = z.number();
const summaryFields = {
  id: z.string(),
  title: z.string().describe('The assignment title'),
  countryCode: z.string().describe('The duty station’s country'),
  dutyStationCity: z.string(),
  hostEntity: z.string(),
  category: z.enum(UNV_CATEGORIES),
  plannedMonths: z.int().describe('Initial months plus granted extensions'),
  volunteerName: z.string().nullable(),
  deployedOn: day.nullable(),
  plannedEndDate: day.nullable(),
  committedUsd: usd
    .nullable()
    .describe('Approved estimates (initial + extensions) minus released (null for the volunteer)'),
  transferredUsd: usd.nullable().describe('Transferred to UNV, net of refunds (null for the volunteer)'),
  spentUsd: usd.nullable().describe('Spent as UNV’s last statement reports (null for the volunteer)'),
  stage,
  stageEnteredAt: timestamp,
  createdAt: timestamp,
  closedAt: timestamp.nullable(),
};

export const unvPageSchema = responseBody(
  'UnvAssignmentPage',
  pageOf(responseBody('UnvAssignmentSummary', z.strictObject(summaryFields))),
);

export const unvAssignmentSchema = responseBody(
  'UnvAssignment',
  z.strictObject({
    ...summaryFields,
    workflowId: z.string(),
    requesterId: z.string(),
    request: jsonObject.describe('The description of assignment (UnvAssignmentCreate)'),
    costEstimate: jsonObject.nullable().describe('The cost lines of the initial estimate, from the dated rule set'),
    ledger: jsonObject
      .nullable()
      .describe('Approved estimates, released amount, transfers to UNV and UNV’s statements'),
    releasedUsd: usd.nullable().describe('Released from the commitment (null for the volunteer)'),
    statements: z
      .array(
        responseBody(
          'UnvStatement',
          z.strictObject({
            periodEnd: day,
            final: z.boolean().describe('The final statement (reconciliation); else an interim one'),
            spentUsd: usd.describe('Spent by UNV to the period end (cumulative)'),
            expectedUsd: usd
              .nullable()
              .describe('Interim: what the months served to the period end cost under the estimate'),
            varianceUsd: usd
              .nullable()
              .describe('Expected (interim) or committed (final) minus spent: positive is an underspend'),
            variancePct: z.number().nullable(),
            overspent: z.boolean().describe('Spent more than transferred'),
            varianceExplanation: z.string().nullable(),
          }),
        ),
      )
      .describe('UNV’s statements in order, each reconciled (empty for the volunteer)'),
    shortlist: z.array(z.unknown()).nullable().describe('Candidates UNV proposed, with their eligibility findings'),
    endedOn: day.nullable(),
    reconciliation: jsonObject.nullable(),
    endReport: jsonObject.nullable(),
    findings: jsonObject.nullable().describe('The request’s checks, each rule with its figures'),
    outcome: z.string().nullable(),
    updatedAt: timestamp,
    openTasks: z.array(openTaskSchema),
    timeline: z.array(timelineEventSchema),
  }),
);
export type UnvAssignmentView = z.input<typeof unvAssignmentSchema>;
