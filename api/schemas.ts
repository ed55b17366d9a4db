import { z } from 'zod';
import { LANGUAGES } from '../domain/roles';
import { countryCodeSchema } from '../domain/schemas';
import { PROGRAMMES, STAGES } from '../domain/stages';
import { TASK_KIND_NAMES, type TaskKind } from '../domain/tasks';

/**
 * Schemas the HTTP API needs beyond the shared ones in domain/schemas.ts and domain/tasks.ts.
 * Request bodies are `.strict()`: an unknown field is refused (400), never ignored or stored.
 */

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'must be a real calendar date');

// ---------- query strings (strings in, numbers out; unknown parameters are ignored) ----------

export const paginationSchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type Pagination = z.infer<typeof paginationSchema>;

const stage = z.enum(STAGES);
const programme = z.enum(PROGRAMMES);

export const proposalListQuerySchema = paginationSchema.extend({
  stage: stage.optional(),
  country: countryCodeSchema.optional(),
  callId: z.string().min(1).max(100).optional(),
});

export const expertRequestListQuerySchema = paginationSchema.extend({
  stage: stage.optional(),
  country: countryCodeSchema.optional(),
});

export const callListQuerySchema = paginationSchema.extend({
  country: countryCodeSchema.optional(),
});

export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;

export const taskListQuerySchema = paginationSchema.extend({
  pageSize: z.coerce.number().int().min(1).max(100).default(50),
  subject: z.string().min(1).max(200).optional().describe('only tasks of this proposal or expert request (its id)'),
  kind: z.enum(TASK_KIND_NAMES as [TaskKind, ...TaskKind[]]).optional().describe('only tasks of this kind'),
  status: z.enum(TASK_STATUSES).default('open').describe('open (default): waiting for you; done / cancelled: yours that were decided / cancelled'),
  country: countryCodeSchema.optional().describe('only tasks of subjects in this country'),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('true: only overdue tasks; false: only tasks not overdue'),
  dueBefore: isoDate.optional().describe('only tasks due on or before this day (UTC)'),
  dueAfter: isoDate.optional().describe('only tasks due on or after this day (UTC)'),
});
export type TaskListQuery = z.infer<typeof taskListQuerySchema>;

export const pipelineQuerySchema = paginationSchema.extend({
  programme: programme.optional(),
  country: countryCodeSchema.optional(),
  stage: stage.optional(),
});
export type PipelineQuery = z.infer<typeof pipelineQuerySchema>;

export const pipelineExportQuerySchema = pipelineQuerySchema.omit({ page: true, pageSize: true });

export const expertListQuerySchema = paginationSchema.extend({
  thematicArea: z.string().min(1).max(100).optional(),
  language: z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code, e.g. ru').optional(),
  q: z.string().trim().min(1).max(100).optional(),
});

export const auditQuerySchema = paginationSchema.extend({
  subject: z.string().min(1).max(200).optional(),
  actor: z.string().min(1).max(100).optional(),
});

// ---------- bodies ----------

export const devTokenBodySchema = z.object({ email: z.string().trim().email().max(320) }).strict();

export const mePatchSchema = z
  .object({
    language: z.enum(LANGUAGES),
    notifyReminders: z.boolean(),
    dailyDigest: z.boolean().describe('fund managers only: one daily digest instead of per-event mails'),
  })
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'at least one field is required');

export const withdrawBodySchema = z.object({ reason: z.string().trim().min(1).max(2000).optional() }).strict();

const availabilityWindow = z
  .object({ from: isoDate, to: isoDate })
  .strict()
  .refine((w) => w.from <= w.to, { message: 'from must not be after to', path: ['to'] });

const expertFields = {
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().email().max(320),
  thematicAreaIds: z.array(z.string().min(1).max(100)).min(1).max(20),
  sdgs: z.array(z.number().int().min(1).max(17)).max(17),
  languages: z.array(z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code, e.g. ru')).min(1).max(10),
  countriesOfExperience: z.array(countryCodeSchema).max(50),
  dailyFeeUsd: z.number().finite().min(0).max(100_000),
  availability: z.array(availabilityWindow).max(24),
  bio: z.string().trim().max(5000),
};

export const expertCreateSchema = z
  .object({ ...expertFields, sdgs: expertFields.sdgs.default([]), countriesOfExperience: expertFields.countriesOfExperience.default([]), availability: expertFields.availability.default([]), bio: expertFields.bio.default('') })
  .strict();
export type ExpertCreate = z.infer<typeof expertCreateSchema>;

export const expertPatchSchema = z
  .object({ ...expertFields, rating: z.number().min(0).max(5).describe('fund manager / admin only') })
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'at least one field is required');
export type ExpertPatch = z.infer<typeof expertPatchSchema>;

// ---------- responses (documentation only: handlers build these objects explicitly) ----------

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

export const pageOf = (item: z.ZodTypeAny) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

const anyObject = z.record(z.string(), z.unknown());

export const healthResponseSchema = z.object({ status: z.enum(['ok', 'degraded']), temporal: z.string(), database: z.string(), worker: z.string() });
export const livenessResponseSchema = z.object({ status: z.literal('ok') });
export const tokenResponseSchema = z.object({ token: z.string(), expiresIn: z.number().int() });
export const meResponseSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  countryCode: z.string().nullable(),
  institutionId: z.string().nullable(),
  expertId: z.string().nullable(),
  language: z.string(),
  notifyReminders: z.boolean(),
  dailyDigest: z.boolean(),
});
export const createdSubjectSchema = z.object({ id: z.string(), workflowId: z.string(), stage: stage });
export const stageResponseSchema = z.object({ id: z.string(), stage: stage });
export const decisionResponseSchema = z.object({ taskId: z.string(), decision: z.string(), stage: stage });
/** One reviewer a fund manager may assign: `context.reviewers` of an open assign_reviewers task (api/reviewers.ts). */
export const reviewerChoiceSchema = z.object({
  userId: z.string(),
  name: z.string(),
  institution: z.object({ id: z.string(), name: z.string() }).nullable(),
  openReviews: z.number().int().describe('conflict declarations and scorings this reviewer has open now'),
  conflict: z.enum(['same_institution']).nullable().describe('same_institution: from the applicant’s institution; the workflow refuses this reviewer'),
  alreadyAssigned: z.boolean().describe('already assigned to this proposal (or declared a conflict on it)'),
});
export type ReviewerChoice = z.infer<typeof reviewerChoiceSchema>;

export const taskSummarySchema = z.object({
  id: z.string(),
  kind: z.string(),
  label: z.string(),
  stage: z.string(),
  subject: z.object({ type: z.string(), id: z.string(), title: z.string(), countryCode: z.string() }),
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  assigneeUserId: z.string().nullable(),
  assigneeRole: z.string(),
  assigneeCountryCode: z.string().nullable(),
  allowedDecisions: z.array(
    z.object({ decision: z.string(), commentRequired: z.boolean(), dataSchema: anyObject.describe('JSON Schema of `data` for this decision') }),
  ),
  context: z
    .object({ reviewers: z.array(reviewerChoiceSchema).optional().describe('assign_reviewers: the reviewers to choose from') })
    .passthrough()
    .nullable()
    .describe('what the assignee needs to decide; depends on the kind'),
});
export const genericObjectSchema = anyObject;

/**
 * The agreement of a proposal (grant) or expert request (individual contract), with its tranches:
 * `agreement` of GET /proposals/:id and GET /expert-requests/:id (api/agreements.ts), null until a
 * contract is drafted. Shown to everyone who may read the object (of an expert request, to the
 * selected expert among the experts).
 */
export const signatureSchema = z.object({
  party: z.enum(['applicant', 'expert', 'co']).describe('who signed: the applicant institution, the expert, or the UNDP Country Office'),
  signedBy: z.object({ id: z.string(), name: z.string().nullable() }),
  at: z.string().describe('ISO date-time'),
});
export const trancheSchema = z.object({
  seq: z.number().int().describe('milestone (proposal) or deliverable (expert request) number, from 1'),
  milestone: z.string().describe('title of the milestone or deliverable'),
  pct: z.number().describe('share of the agreement value, %'),
  amountUsd: z.number(),
  dueDate: z.string().nullable().describe('YYYY-MM-DD'),
  status: z.enum(['scheduled', 'under_review', 'revision_requested', 'released']).describe('released once its report or deliverable is accepted and the payment made'),
  releasedAt: z.string().nullable().describe('ISO date-time of the payment'),
});
export const agreementSchema = z.object({
  kind: z.enum(['grant', 'individual_contract']),
  partyName: z.string().describe('the grantee institution or the expert'),
  valueUsd: z.number(),
  status: z.enum(['awaiting_signatures', 'signed', 'declined']),
  createdAt: z.string(),
  signedAt: z.string().nullable(),
  signatures: z.array(signatureSchema),
  tranches: z.array(trancheSchema),
  paidUsd: z.number().describe('sum of the released tranches'),
});
export type AgreementView = z.infer<typeof agreementSchema>;

/** GET /proposals/:id and GET /expert-requests/:id: the fields declared so far, others as they are. */
export const subjectDetailSchema = z.object({ agreement: agreementSchema.nullable().optional() }).passthrough();

