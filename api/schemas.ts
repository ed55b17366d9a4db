import { iso, z } from 'zod';
import { LANGUAGES, ROLES } from '../domain/roles';
import type { BudgetTotals } from '../domain/budget';
import {
  budgetLineSchema,
  countryCodeSchema,
  deliverableSpecSchema,
  emailSchema,
  isoDateSchema,
  text,
  textOrBlank,
  milestoneSchema,
  nationalPartnerSchema,
  rubricCriterionSchema,
} from '../domain/schemas';
import { MODALITIES, OUTCOMES, PHASES, PROGRAMMES, STAGES, SUBJECT_TYPES, TASK_STATUSES } from '../domain/stages';
import { DOCUMENT_TYPES, SCAN_STATES, UPLOADABLE_DOCUMENT_TYPES } from '../domain/documents';
import { CALL_STATUSES, SELECTION_DECISIONS, SELECTION_MODES } from '../domain/calls';
import {
  callCreateSchema,
  callFieldsSchema,
  callPatchSchema,
  expertRequestCreateSchema,
  proposalChangesSchema,
  proposalCreateSchema,
  extensionRequestSchema,
} from '../domain/schemas';
import { decisionBodySchema, TASK_KIND_NAMES } from '../domain/tasks';
import { queryWithExample, requestBody, responseBody } from './contract';
import { CALL_EXAMPLE, EXPERT_EXAMPLE, EXPERT_REQUEST_EXAMPLE, PROPOSAL_BUDGET_EXAMPLE } from './examples';

/**
 * Schemas the HTTP API needs beyond the shared ones in domain/schemas.ts and domain/tasks.ts.
 * Request bodies are `.strict()`: an unknown field is refused (400), never ignored or stored.
 * Responses are strict objects too: the router checks every answer against its route's schema
 * (api/router.ts), so what a handler returns is what the OpenAPI document says.
 */

const isoDate = isoDateSchema;

// ---------- query strings (strings in, numbers out; unknown parameters are ignored) ----------

export const paginationSchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type Pagination = z.infer<typeof paginationSchema>;

const stage = z.enum(STAGES);
const programme = z.enum(PROGRAMMES);
/** A shared phase or outcome: what the pipeline counts and filters by, for every programme. */
const phase = z.enum([...PHASES, ...OUTCOMES]);

const firstPage = { page: 1, pageSize: 20 };

export const proposalListQuerySchema = queryWithExample(
  paginationSchema.extend({
    stage: stage.optional(),
    country: countryCodeSchema.optional(),
    callId: z.string().min(1).max(100).optional(),
  }),
  { ...firstPage, stage: 'co_endorsement', country: 'KG', callId: 'call-kg' },
);

export const expertRequestListQuerySchema = queryWithExample(
  paginationSchema.extend({
    stage: stage.optional(),
    country: countryCodeSchema.optional(),
  }),
  { ...firstPage, stage: 'selection', country: 'KG' },
);

export const callListQuerySchema = queryWithExample(
  paginationSchema.extend({ country: countryCodeSchema.optional() }),
  { ...firstPage, country: 'KG' },
);

export const taskListQuerySchema = queryWithExample(
  paginationSchema.extend({
    pageSize: z.coerce.number().int().min(1).max(100).default(50),
    subject: z.string().min(1).max(200).optional().describe('only tasks of this proposal or expert request (its id)'),
    kind: z.enum(TASK_KIND_NAMES).optional().describe('only tasks of this kind'),
    status: z
      .enum(TASK_STATUSES)
      .default('open')
      .describe('open (default): waiting for you; done / cancelled: yours that were decided / cancelled'),
    country: countryCodeSchema.optional().describe('only tasks of subjects in this country'),
    overdue: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional()
      .describe('true: only overdue tasks; false: only tasks not overdue'),
    dueBefore: isoDate.optional().describe('only tasks due on or before this day (UTC)'),
    dueAfter: isoDate.optional().describe('only tasks due on or after this day (UTC)'),
  }),
  {
    page: 1,
    pageSize: 50,
    subject: 'p-0a1b2c3d4e5f6g7h',
    kind: 'co_endorsement',
    status: 'open',
    country: 'KG',
    overdue: 'false',
    dueBefore: '2027-03-31',
    dueAfter: '2027-01-01',
  },
);
export type TaskListQuery = z.infer<typeof taskListQuerySchema>;

const pipelineFilters = {
  programme: programme.optional(),
  country: countryCodeSchema.optional(),
  stage: phase.optional(),
};
export const pipelineQuerySchema = queryWithExample(paginationSchema.extend(pipelineFilters), {
  ...firstPage,
  programme: 'challenge_fund',
  country: 'KG',
  stage: 'selection',
});
export type PipelineQuery = z.infer<typeof pipelineQuerySchema>;

export const pipelineExportQuerySchema = queryWithExample(z.object(pipelineFilters), {
  programme: 'challenge_fund',
  country: 'KG',
  stage: 'selection',
});

export const expertListQuerySchema = queryWithExample(
  paginationSchema.extend({
    thematicArea: z.string().min(1).max(100).optional(),
    language: z
      .string()
      .regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code, e.g. ru')
      .optional(),
    q: text(100).optional(),
  }),
  { ...firstPage, thematicArea: 'water-resources', language: 'ru', q: 'irrigation' },
);

export const auditQuerySchema = queryWithExample(
  paginationSchema.extend({
    subject: z.string().min(1).max(200).optional().describe('A proposal or expert request id'),
    actor: z.string().min(1).max(100).optional().describe('A user id'),
  }),
  { ...firstPage, subject: 'p-0a1b2c3d4e5f6g7h', actor: 'u-co-kg' },
);

// ---------- bodies ----------

export const devTokenBodySchema = z.object({ email: emailSchema }).strict();

export const mePatchSchema = z
  .object({
    language: z.enum(LANGUAGES),
    notifyReminders: z.boolean(),
    dailyDigest: z.boolean().describe('fund managers only: one daily digest instead of per-event mails'),
  })
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'at least one field is required')
  .meta({ minProperties: 1 });

export const withdrawBodySchema = z.object({ reason: text(2000).optional() }).strict();

const availabilityWindow = z
  .object({ from: isoDate, to: isoDate })
  .strict()
  .refine((w) => w.from <= w.to, { message: 'from must not be after to', path: ['to'] });

const expertFields = {
  name: text(200),
  email: emailSchema,
  thematicAreaIds: z.array(z.string().min(1).max(100)).min(1).max(20),
  sdgs: z.array(z.number().int().min(1).max(17)).max(17),
  languages: z
    .array(z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code, e.g. ru'))
    .min(1)
    .max(10),
  countriesOfExperience: z.array(countryCodeSchema).max(50),
  dailyFeeUsd: z.number().min(0).max(100_000),
  availability: z.array(availabilityWindow).max(24),
  bio: textOrBlank(5000),
};

export const expertCreateSchema = z
  .object({
    ...expertFields,
    sdgs: expertFields.sdgs.default([]),
    countriesOfExperience: expertFields.countriesOfExperience.default([]),
    availability: expertFields.availability.default([]),
    bio: expertFields.bio.default(''),
  })
  .strict();
export type ExpertCreate = z.infer<typeof expertCreateSchema>;

export const expertPatchSchema = z
  .object({ ...expertFields, rating: z.number().min(0).max(5).describe('fund manager / admin only') })
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'at least one field is required')
  .meta({ minProperties: 1 });
export type ExpertPatch = z.infer<typeof expertPatchSchema>;

// ---------- responses ----------

export const errorResponseSchema = z.strictObject({
  error: z.strictObject({
    code: z.string().describe('Machine-readable: validation_failed, not_found, task_not_open, rate_limited...'),
    message: z.string(),
    details: z
      .array(
        z.strictObject({
          path: z.string().describe('Dotted path of the field, e.g. milestones.0.dueDate; (body) for the body itself'),
          message: z.string(),
          rule: z.string().optional().describe('The policy rule broken (intake rules, code intake_rules_failed)'),
          figures: z
            .record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]))
            .optional()
            .describe('The figures behind the rule: amounts in USD cents (…Cents), percentages, dates'),
        }),
      )
      .optional(),
  }),
});

const timestamp = iso.datetime();
const role = z.enum(ROLES);
const subjectType = z.enum(SUBJECT_TYPES);
const taskKind = z.enum(TASK_KIND_NAMES);
const int = z.int();
/** A JSON object whose shape depends on its kind (task context, audit data, policy findings). */
const jsonObject = z.record(z.string(), z.unknown());

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.strictObject({ items: z.array(item), total: int.min(0), page: int.min(1), pageSize: int.min(1) });

export const healthResponseSchema = z.strictObject({
  status: z.enum(['ok', 'degraded']),
  temporal: z.enum(['ok', 'unavailable']),
  database: z.enum(['ok', 'unavailable']),
  worker: z
    .enum(['ok', 'not_polling', 'unavailable'])
    .describe('not_polling: Temporal answers but no worker polled the task queue lately'),
});
export const livenessResponseSchema = z.strictObject({ status: z.literal('ok') });
export const tokenResponseSchema = z.strictObject({ token: z.string(), expiresIn: int.describe('seconds') });
export const meResponseSchema = z.strictObject({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role,
  countryCode: z.string().nullable(),
  institutionId: z.string().nullable(),
  expertId: z.string().nullable(),
  language: z.enum(LANGUAGES),
  notifyReminders: z.boolean(),
  dailyDigest: z.boolean(),
});
export const openApiDocumentSchema = jsonObject.describe('An OpenAPI 3.1 document');

export const createdSubjectSchema = z.strictObject({ id: z.string(), workflowId: z.string(), stage });
export const stageResponseSchema = z.strictObject({ id: z.string(), stage });
export const decisionResponseSchema = z.strictObject({ taskId: z.string(), decision: z.string(), stage });
export const extensionResponseSchema = z.strictObject({
  id: z.string().describe('The proposal'),
  taskId: z.string().describe("The Country Office's task deciding the extension"),
});

// ---------- tasks ----------

/** One reviewer a fund manager may assign: `context.reviewers` of an open assign_reviewers task (api/reviewers.ts). */
export const reviewerChoiceSchema = z.strictObject({
  userId: z.string(),
  name: z.string(),
  institution: z.strictObject({ id: z.string(), name: z.string() }).nullable(),
  openReviews: int.describe('conflict declarations and scorings this reviewer has open now'),
  conflict: z
    .enum(['same_institution'])
    .nullable()
    .describe('same_institution: from the applicant’s institution; the workflow refuses this reviewer'),
  alreadyAssigned: z.boolean().describe('already assigned to this proposal (or declared a conflict on it)'),
});
export type ReviewerChoice = z.infer<typeof reviewerChoiceSchema>;

/** What the assignee needs to decide; its keys depend on the task kind (reduced for callers outside the selection committee). */
const taskContextSchema = z.looseObject({
  reviewers: z.array(reviewerChoiceSchema).optional().describe('assign_reviewers: the reviewers to choose from'),
});

export const decisionOptionSchema = z.strictObject({
  decision: z.string(),
  commentRequired: z.boolean(),
  dataSchema: jsonObject.describe('JSON Schema of `data` for this decision'),
});

const taskFields = {
  id: z.string(),
  kind: taskKind,
  label: z.string().describe("The task kind's name in the caller's language"),
  stage,
  dueAt: timestamp.nullable(),
  overdue: z.boolean(),
  assigneeUserId: z.string().nullable(),
  assigneeRole: role,
  assigneeCountryCode: z.string().nullable(),
  assigneeInstitutionId: z
    .string()
    .nullable()
    .describe('Set when any member (of assigneeRole) of this institution may act: the applicant side of a proposal'),
  assignedToMe: z.boolean(),
  context: taskContextSchema.nullable(),
};

/** An open task as a subject's page lists it. */
export const openTaskSchema = z.strictObject(taskFields);

export const taskSchema = z.strictObject({
  ...taskFields,
  title: z.string(),
  status: z.enum(TASK_STATUSES),
  programme,
  subject: z.strictObject({ type: subjectType, id: z.string(), title: z.string(), countryCode: z.string() }),
  createdAt: timestamp,
  allowedDecisions: z.array(decisionOptionSchema).describe('Empty unless the task is open and yours to decide'),
});
export const taskDetailSchema = taskSchema.extend({ decision: z.string().nullable(), decidedAt: timestamp.nullable() });

export const timelineEventSchema = z.strictObject({
  id: int,
  at: timestamp,
  action: z.string(),
  actorId: z.string().nullable(),
  actorRole: z.string().nullable(),
  fromStage: stage.nullable(),
  toStage: stage.nullable(),
  comment: z.string().nullable(),
  data: jsonObject.nullable(),
});

// ---------- calls ----------

const deliveryState = z.enum(['pending', 'delivered', 'already_decided', 'closed']).nullable();

/** What the call workflow shows the fund manager: what review waits for, reviewers, ranking, selection delivery. */
export const callProgressSchema = z.strictObject({
  waitingFor: z
    .array(z.strictObject({ proposalId: z.string(), title: z.string(), stage: z.string() }))
    .describe('Proposals not yet through the alignment check: the review waits for them'),
  startedWithoutWaiting: z.boolean(),
  reviewStartsAt: z
    .string()
    .nullable()
    .describe(
      'Closed with nothing to wait for: when the review starts by itself (until then reviewers may be adjusted)',
    ),
  proposals: z.array(
    z.strictObject({
      proposalId: z.string(),
      title: z.string(),
      institutionId: z.string(),
      stage: z.string(),
      requestedUsd: z.number(),
      weightedScore: z.number().nullable(),
      reviewerIds: z.array(z.string()),
      reviewersDelivery: deliveryState,
      decision: z.enum(SELECTION_DECISIONS).nullable(),
      justification: z.string().nullable(),
      selectionDelivery: deliveryState,
      fromWaitlist: z.boolean(),
    }),
  ),
  workload: z.record(z.string(), int).describe('Reviews per reviewer of the pool'),
  shortfalls: z.array(z.strictObject({ proposalId: z.string(), eligible: int })),
  conflicts: z.array(z.strictObject({ reviewerId: z.string(), proposalId: z.string() })),
  ranking: z
    .array(
      z.strictObject({
        proposalId: z.string(),
        title: z.string(),
        rank: int,
        weightedScore: z.number(),
        requestedUsd: z.number(),
        passMarkMet: z.boolean(),
        suggested: z.enum(SELECTION_DECISIONS),
        runningTotalUsd: z.number(),
      }),
    )
    .describe('Scored proposals awaiting the selection, best first, with what the envelope allows'),
  envelopeUsd: z.number().nullable(),
  committedUsd: z.number(),
  freedUsd: z.number(),
  nextFromWaitlist: z.string().nullable(),
  delivery: z.strictObject({ total: int, delivered: int, closed: int, pending: int }),
  history: z.array(z.strictObject({ at: timestamp, action: z.string(), actorId: z.string().nullable() })),
});

export const callSchema = z.strictObject({
  id: z.string(),
  workflowId: z.string().nullable(),
  status: z.enum(CALL_STATUSES),
  countryCode: z.string(),
  title: z.string(),
  titleRu: z.string().nullable(),
  challengeStatement: z.string(),
  challengeStatementRu: z.string().nullable(),
  opensAt: timestamp,
  closesAt: timestamp.nullable().describe('The closing instant; null for a rolling call'),
  closesLocal: z.string().nullable().describe('The closing date-time as set, in `timeZone`'),
  timeZone: z.string(),
  rolling: z.boolean(),
  selectionMode: z
    .enum(SELECTION_MODES)
    .describe('ranked: one selection for the whole call after it closes; one_by_one: each proposal on its own'),
  minGrantUsd: z.number(),
  maxGrantUsd: z.number(),
  budgetEnvelopeUsd: z.number().nullable(),
  coFinancingMinPct: int,
  maxDurationMonths: int,
  rubric: z.array(rubricCriterionSchema),
  passMark: int,
  thematicAreaIds: z.array(z.string()),
  sdgs: z.array(int),
  requiredDocumentTypes: z.array(z.enum(UPLOADABLE_DOCUMENT_TYPES)).describe('Document types each proposal must carry'),
  createdAt: timestamp,
  reviewerPool: z.array(z.string()).optional().describe('Fund managers only'),
  reviewersPerProposal: int.optional().describe('Fund managers only'),
  progress: callProgressSchema.nullable().optional().describe('Fund managers only'),
});

export const callExtensionSchema = z
  .strictObject({
    closesAt: isoDate,
    closingTime: callFieldsSchema.shape.closingTime.unwrap().optional(),
    timeZone: callFieldsSchema.shape.timeZone.unwrap().optional(),
  })
  .describe('The new closing day (and time, zone): later than the current closing');
export const callReviewStartSchema = z.strictObject({
  withoutWaiting: z
    .boolean()
    .default(false)
    .describe('Start although proposals are still before the alignment check; they get reviewers when they arrive'),
});
export const callAssignmentSchema = z.strictObject({
  proposalId: z.string().min(1).max(200),
  reviewerIds: z.array(z.string().min(1).max(100)).min(1).max(5),
});
export const callConflictSchema = z.strictObject({ proposalId: z.string().min(1).max(200) });
export const callSelectionSchema = z.strictObject({
  decisions: z
    .array(
      z.strictObject({
        proposalId: z.string().min(1).max(200),
        decision: z.enum(SELECTION_DECISIONS),
        justification: text(2000).optional().describe('Required for a choice against the ranking'),
      }),
    )
    .min(1)
    .max(500),
});
export const callWaitlistSelectionSchema = z.strictObject({
  proposalId: z.string().min(1).max(200),
  justification: text(2000).optional(),
});

// ---------- agreements ----------

/**
 * The agreement of a proposal (grant) or expert request (individual contract), with its tranches
 * (api/agreements.ts): null until a contract is drafted.
 */
export const signatureSchema = z.strictObject({
  party: z
    .enum(['applicant', 'expert', 'co'])
    .describe('who signed: the applicant institution, the expert, or the UNDP Country Office'),
  signedBy: z.strictObject({ id: z.string(), name: z.string().nullable() }),
  at: timestamp,
});
export const trancheSchema = z.strictObject({
  seq: int.describe('milestone (proposal) or deliverable (expert request) number, from 1'),
  milestone: z.string().describe('title of the milestone or deliverable'),
  pct: z.number().describe('share of the agreement value, %'),
  amountUsd: z.number(),
  dueDate: isoDate.nullable(),
  status: z
    .enum(['scheduled', 'under_review', 'revision_requested', 'released'])
    .describe('released once its report or deliverable is accepted and the payment made'),
  releasedAt: timestamp.nullable().describe('when it was paid'),
});
export const agreementSchema = z.strictObject({
  kind: z.enum(['grant', 'individual_contract', 'travel_authorisation', 'internship_agreement']),
  partyName: z.string().describe('the grantee institution or the expert'),
  valueUsd: z.number(),
  status: z.enum(['awaiting_signatures', 'signed', 'declined']),
  createdAt: timestamp,
  signedAt: timestamp.nullable(),
  signatures: z.array(signatureSchema),
  tranches: z.array(trancheSchema),
  paidUsd: z.number().describe('sum of the released tranches'),
});
export type AgreementView = z.infer<typeof agreementSchema>;

// ---------- proposals ----------

const named = z.strictObject({ id: z.string(), name: z.string().nullable() });

/** What a budget adds up to (domain/budget.ts budgetTotals), in USD. */
export const budgetTotalsSchema = z.strictObject({
  lineCostUsd: z.array(z.number()).describe('Quantity × unit cost of each line, in order'),
  totalUsd: z.number(),
  requestedUsd: z.number(),
  coFinancingCashUsd: z.number(),
  coFinancingInKindUsd: z.number(),
  coFinancingUsd: z.number(),
  directUsd: z.number(),
  indirectUsd: z.number(),
  coFinancingPct: z.number().describe('Co-financing in percent of the total budget'),
  indirectPct: z.number().describe('Indirect costs in percent of the direct costs'),
});

export function budgetTotalsView(t: BudgetTotals): z.infer<typeof budgetTotalsSchema> {
  const usd = (c: number) => c / 100;
  return {
    lineCostUsd: t.lineCostCents.map(usd),
    totalUsd: usd(t.totalCents),
    requestedUsd: usd(t.requestedCents),
    coFinancingCashUsd: usd(t.coFinancingCashCents),
    coFinancingInKindUsd: usd(t.coFinancingInKindCents),
    coFinancingUsd: usd(t.coFinancingCents),
    directUsd: usd(t.directCents),
    indirectUsd: usd(t.indirectCents),
    coFinancingPct: t.coFinancingPct,
    indirectPct: t.indirectPct,
  };
}

export const proposalSummarySchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  countryCode: z.string(),
  callId: z.string(),
  institution: named,
  stage,
  stageEnteredAt: timestamp,
  requestedAmountUsd: z.number(),
  createdAt: timestamp,
  closedAt: timestamp.nullable(),
  weightedScore: z.number().nullable().optional().describe('Fund managers, CO approvers and admins only'),
});

const reviewFields = {
  coi: z.enum(['none', 'conflict']),
  scores: z.record(z.string(), z.number()).nullable(),
  total: z.number().nullable(),
  comment: z.string().nullable(),
  submittedAt: timestamp.nullable(),
};

const proposalIdentity = {
  id: z.string(),
  workflowId: z.string(),
  title: z.string(),
  countryCode: z.string(),
  call: z.strictObject({ id: z.string(), title: z.string() }).nullable(),
  institution: z.strictObject({ id: z.string(), name: z.string() }).nullable(),
  thematicAreaId: z.string(),
  sdgs: z.array(int),
  stage,
  stageEnteredAt: timestamp,
  createdAt: timestamp,
  openTasks: z.array(openTaskSchema),
  timeline: z.array(timelineEventSchema),
};

export const proposalLimitedSchema = z.strictObject({
  ...proposalIdentity,
  view: z.literal('limited'),
  reason: z.string(),
  nationalPartner: z.strictObject({ name: z.string().nullable() }),
});

export const proposalFullSchema = z.strictObject({
  ...proposalIdentity,
  view: z.literal('full'),
  applicantId: z.string(),
  summary: z.string(),
  nationalPartner: nationalPartnerSchema,
  budget: z
    .array(budgetLineSchema)
    .nullable()
    .describe('Budget line items; null for a proposal submitted with the two totals only (before line items)'),
  budgetTotals: budgetTotalsSchema.nullable().describe('Computed from `budget`; null without line items'),
  requestedAmountUsd: z.number().describe('Computed from the budget lines'),
  coFinancingUsd: z.number().describe('Computed from the budget lines (cash + in kind)'),
  durationMonths: int,
  innovation: z.string(),
  expectedResults: z.string(),
  milestones: z.array(milestoneSchema),
  findings: jsonObject.nullable().describe('The last policy or alignment check'),
  outcome: z.string().nullable(),
  updatedAt: timestamp,
  closedAt: timestamp.nullable(),
  agreement: agreementSchema
    .nullable()
    .describe(
      'The grant agreement: value, signatures, tranches with their status and payment dates; null before contracting',
    ),
  weightedScore: z.number().nullable().optional().describe('Fund managers, CO approvers and admins only'),
  passMarkMet: z.boolean().nullable().optional().describe('Fund managers, CO approvers and admins only'),
  reviews: z
    .array(z.strictObject({ reviewerId: z.string(), ...reviewFields }))
    .optional()
    .describe('Fund managers, CO approvers and admins only'),
  myReview: z.strictObject(reviewFields).optional().describe("A reviewer's own review"),
});

/** A reviewer sees the limited view until it declares no conflict of interest. */
export const proposalSchema = z.discriminatedUnion('view', [proposalFullSchema, proposalLimitedSchema]);

// ---------- expert requests ----------

export const expertRequestSummarySchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  countryCode: z.string(),
  modality: z.enum(MODALITIES),
  workingDays: int,
  startDate: isoDate,
  endDate: isoDate,
  stage,
  stageEnteredAt: timestamp,
  contractValueUsd: z.number(),
  createdAt: timestamp,
  closedAt: timestamp.nullable(),
});

export const shortlistEntrySchema = z.strictObject({
  expertId: z.string(),
  name: z.string(),
  userId: z.string(),
  dailyFeeCents: int,
  rating: z.number(),
  score: z.number(),
  breakdown: z.record(z.string(), z.number()),
  warnings: z.array(z.string()).optional(),
});

export const expertRequestSchema = z.strictObject({
  id: z.string(),
  workflowId: z.string(),
  countryCode: z.string(),
  requesterId: z.string(),
  title: z.string(),
  nationalPartner: nationalPartnerSchema,
  objectives: z.string(),
  deliverables: z.array(deliverableSpecSchema),
  modality: z.enum(MODALITIES),
  workingDays: int,
  startDate: isoDate,
  endDate: isoDate,
  languages: z.array(z.string()),
  thematicAreaId: z.string(),
  sdgs: z.array(int),
  destination: z.string().nullable(),
  travelDays: int.nullable(),
  perDiemUsd: int.nullable(),
  contractValueUsd: z.number(),
  stage,
  stageEnteredAt: timestamp,
  outcome: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  closedAt: timestamp.nullable(),
  openTasks: z.array(openTaskSchema),
  timeline: z.array(timelineEventSchema),
  agreement: agreementSchema
    .nullable()
    .describe(
      'The individual contract (value, signatures, a tranche per deliverable); null before contracting, and for experts other than the selected one',
    ),
  shortlist: z
    .array(shortlistEntrySchema)
    .nullable()
    .optional()
    .describe('Fund managers, CO approvers and admins only'),
  selectedExpertId: z.string().nullable().optional().describe('Fund managers, CO approvers and admins only'),
  findings: jsonObject
    .nullable()
    .optional()
    .describe('The last policy or alignment check; fund managers, CO approvers and admins only'),
  dailySubsistenceUsd: int
    .nullable()
    .optional()
    .describe('UN DSA rate of the destination; fund managers, CO approvers and admins only'),
  selectedForMe: z.boolean().optional().describe('Experts: whether you were selected'),
});

// ---------- pipeline ----------

export const pipelineItemSchema = z.strictObject({
  type: subjectType,
  programme,
  id: z.string(),
  title: z.string(),
  countryCode: z.string(),
  stage,
  stageEnteredAt: timestamp,
  createdAt: timestamp,
  ageDays: z.number(),
  daysInStage: z.number(),
});

export const pipelineSchema = z.strictObject({
  filters: z.strictObject({ programme: programme.nullable(), country: z.string().nullable(), stage: phase.nullable() }),
  countsByStage: z
    .partialRecord(programme, z.partialRecord(phase, int))
    .describe('Per programme (the filtered one, or all), items per phase and outcome it has'),
  averageDaysInStage: z
    .partialRecord(programme, z.partialRecord(z.enum(PHASES), z.number().nullable()))
    .describe('Per programme, mean days the open items of each of its phases have spent in their stage (null: none)'),
  overdueOpenTasks: int,
  failedNotifications: int,
  items: z.array(pipelineItemSchema),
  total: int,
  page: int,
  pageSize: int,
});

// ---------- roster ----------

export const expertSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  thematicAreaIds: z.array(z.string()),
  sdgs: z.array(int),
  languages: z.array(z.string()),
  countriesOfExperience: z.array(z.string()),
  dailyFeeUsd: z.number(),
  availability: z.array(z.strictObject({ from: isoDate, to: isoDate })),
  rating: z.number(),
  ratingCount: int,
  assignmentsCount: int,
  bio: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

// ---------- audit ----------

export const auditEventSchema = timelineEventSchema.extend({
  subjectType: z.string(),
  subjectId: z.string(),
  workflowId: z.string().nullable(),
  requestId: z.string().nullable(),
  data: z.unknown().describe('What the event recorded (JSON)'),
});

// ---------- names and examples of the document's schemas ----------

requestBody('ProposalCreate', proposalCreateSchema, PROPOSAL_BUDGET_EXAMPLE);
requestBody('ProposalChanges', proposalChangesSchema, {
  title: 'Glacial lake early warning for the Chui and Talas valleys',
  durationMonths: 10,
});
requestBody('ExpertRequestCreate', expertRequestCreateSchema, EXPERT_REQUEST_EXAMPLE);
requestBody('CallCreate', callCreateSchema, CALL_EXAMPLE);
requestBody('CallPatch', callPatchSchema, { title: 'Smart irrigation challenge 2027 (second round)', passMark: 65 });
requestBody('CallExtension', callExtensionSchema, {
  closesAt: '2027-04-30',
  closingTime: '17:00',
  timeZone: 'Asia/Bishkek',
});
requestBody('CallReviewStart', callReviewStartSchema, { withoutWaiting: false });
requestBody('CallAssignment', callAssignmentSchema, {
  proposalId: 'prop-demo',
  reviewerIds: ['u-reviewer-1', 'u-reviewer-2'],
});
requestBody('CallConflict', callConflictSchema, { proposalId: 'prop-demo' });
requestBody('CallSelection', callSelectionSchema, {
  decisions: [{ proposalId: 'prop-demo', decision: 'select' }],
});
requestBody('CallWaitlistSelection', callWaitlistSelectionSchema, { proposalId: 'prop-demo' });
requestBody('Decision', decisionBodySchema, { decision: 'endorse', comment: 'Matches the national adaptation plan.' });
requestBody('ExtensionRequest', extensionRequestSchema, {
  milestone: 1,
  newDueDate: '2027-05-31',
  reason: 'The sensors are held at customs; installation needs two more months.',
});
requestBody('Withdrawal', withdrawBodySchema, { reason: 'The national partner withdrew its request.' });
requestBody('DevTokenRequest', devTokenBodySchema, { email: 'fund.manager@undp.example.org' });
requestBody('MePatch', mePatchSchema, { language: 'ru', notifyReminders: false });
requestBody('ExpertCreate', expertCreateSchema, EXPERT_EXAMPLE);
requestBody('ExpertPatch', expertPatchSchema, {
  bio: 'Hydrologist; 15 years of irrigation design in Central Asia.',
  dailyFeeUsd: 450,
});

responseBody('Error', errorResponseSchema);
responseBody('Health', healthResponseSchema);
responseBody('Liveness', livenessResponseSchema);
responseBody('OpenApiDocument', openApiDocumentSchema);
responseBody('Token', tokenResponseSchema);
responseBody('ExtensionRequested', extensionResponseSchema);
responseBody('Me', meResponseSchema);
responseBody('Created', createdSubjectSchema);
responseBody('StageChange', stageResponseSchema);
responseBody('DecisionResult', decisionResponseSchema);
responseBody('DecisionOption', decisionOptionSchema);
responseBody('ReviewerChoice', reviewerChoiceSchema);
responseBody('Agreement', agreementSchema);
responseBody('Tranche', trancheSchema);
responseBody('Signature', signatureSchema);
responseBody('OpenTask', openTaskSchema);
responseBody('Task', taskSchema);
responseBody('TaskDetail', taskDetailSchema);
responseBody('TimelineEvent', timelineEventSchema);
responseBody('Call', callSchema);
responseBody('CallProgress', callProgressSchema);
responseBody('ProposalSummary', proposalSummarySchema);
responseBody('ProposalFull', proposalFullSchema);
responseBody('ProposalLimited', proposalLimitedSchema);
responseBody('Proposal', proposalSchema);
responseBody('ExpertRequestSummary', expertRequestSummarySchema);
responseBody('ShortlistEntry', shortlistEntrySchema);
responseBody('ExpertRequest', expertRequestSchema);
responseBody('PipelineItem', pipelineItemSchema);
responseBody('Pipeline', pipelineSchema);
responseBody('Expert', expertSchema);
responseBody('AuditEvent', auditEventSchema);

export const taskPageSchema = responseBody('TaskPage', pageOf(taskSchema));
export const callPageSchema = responseBody('CallPage', pageOf(callSchema));
export const proposalPageSchema = responseBody('ProposalPage', pageOf(proposalSummarySchema));
export const expertRequestPageSchema = responseBody('ExpertRequestPage', pageOf(expertRequestSummarySchema));
export const expertPageSchema = responseBody('ExpertPage', pageOf(expertSchema));
export const auditPageSchema = responseBody('AuditPage', pageOf(auditEventSchema));

// ---------- documents ----------

export const documentSchema = responseBody(
  'Document',
  z.strictObject({
    id: z.string(),
    subjectType: z
      .enum([...SUBJECT_TYPES, 'staged', 'expert'])
      .describe(
        '`staged`: uploaded before its proposal exists (POST /documents), attached when the proposal is submitted; `expert`: a CV on a roster profile',
      ),
    subjectId: z.string(),
    documentType: z.enum(DOCUMENT_TYPES),
    version: int,
    name: z.string().describe('Sanitised; its extension is the one of the type judged from the content'),
    size: int,
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    contentType: z.string().describe('Judged from the bytes, never from the name'),
    language: z.enum(['en', 'ru']).nullable(),
    scanState: z.enum(SCAN_STATES),
    scanDetail: z
      .string()
      .nullable()
      .describe('The signature found, or why the scan failed (fund managers and admins; null for others)'),
    scannedAt: timestamp.nullable(),
    released: z.boolean().describe('A fund manager released this scan_failed file by hand'),
    uploaderId: z.string().nullable().describe('null: generated by the system'),
    taskId: z.string().nullable(),
    messageId: z.string().nullable().describe('The thread message it is attached to'),
    createdAt: timestamp,
    downloadable: z.boolean().describe('Whether you may download it now'),
    signatures: z.array(
      z.strictObject({
        signerId: z.string(),
        signerRole: z.string(),
        signedAt: timestamp,
        sha256: z.string(),
        statement: z.string(),
      }),
    ),
  }),
);

export const documentListSchema = responseBody(
  'DocumentList',
  z.strictObject({
    items: z.array(documentSchema),
    limits: z.strictObject({ maxFileBytes: int, maxObjectBytes: int, usedBytes: int }),
    requiredDocumentTypes: z
      .array(z.enum(UPLOADABLE_DOCUMENT_TYPES))
      .describe('Types the call requires (proposals); empty otherwise'),
    missingDocumentTypes: z.array(z.enum(UPLOADABLE_DOCUMENT_TYPES)),
  }),
);

export const uploadResultSchema = responseBody('UploadResult', z.strictObject({ items: z.array(documentSchema) }));
