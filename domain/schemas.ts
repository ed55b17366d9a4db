import { iso, z } from 'zod';
import { documentIdSchema, requirableDocumentTypeSchema } from './documents';
import { BUDGET_CATEGORIES, budgetAmountsUsd, budgetLineProblems } from './budget';
import { MODALITIES } from './statuses';
import { isTimeZone } from './calendar';
import { SELECTION_MODES } from './calls';

/** Payload schemas shared by the API, the OpenAPI document, the workflows and the tests. */

/**
 * The one schema of a calendar day, used by every date field (milestones, deliverables, calls,
 * expert requests, availability, CSV import): `2027-02-30` or `2027-04-31` is refused, never read
 * back as another day. `iso.date`, not `z.iso.date`: webpack 5 (the workflow bundler) resolves
 * the three-level `z.iso.date` of `import { z }` to `z.date` (a Date object schema), which
 * refused every request inside workflows (test/workflows/replay.test.ts caught it).
 */
export const isoDateSchema = iso.date({ error: 'must be a calendar date YYYY-MM-DD' });
const isoDate = isoDateSchema;
/**
 * An e-mail address: zod's format check, within RFC 5321's bounds (at most 64 characters before
 * the @, 254 in all), which is what `format: email` means to a JSON Schema validator; surrounding
 * spaces are dropped first.
 */
export const emailAddressSchema = z
  .email()
  .max(254)
  .refine((s) => s.indexOf('@') <= 64, 'the part before @ must be at most 64 characters');
export const emailSchema = z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), emailAddressSchema);
/**
 * Text with a character that String.prototype.trim keeps (the whitespace and line terminators are
 * spelled out, so every regex engine reads the document alike) and no NUL character anywhere
 * (PostgreSQL cannot store one; the router refuses it first).
 */
const NOT_BLANK =
  /^[^\u0000]*[^\u0000\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff][^\u0000]*$/;

/**
 * Text people type: at most `max` characters as sent, then surrounding spaces dropped, and not
 * blank. In this order the document states exactly what is accepted (maxLength of what is sent, a
 * character that is not a space), so a fuzzer's "valid" text is valid here too.
 */
export const text = (max: number) => z.string().max(max).trim().min(1, { abort: true }).regex(NOT_BLANK);
/** Text that may be blank: at most `max` characters as sent, surrounding spaces dropped. */
export const textOrBlank = (max: number) => z.string().max(max).trim();
const shortText = text(300);
const longText = text(10000);
/**
 * Amounts are kept as integer cents in 32-bit columns (PostgreSQL integer: at most 2,147,483,647,
 * i.e. USD 21,474,836.47); USD 20 million is the round bound under it. Above it a proposal's read
 * model row could not be written and its workflow would retry for ever (Schemathesis found it).
 */
export const MAX_USD = 20_000_000;
const usd = z.number().min(0).max(MAX_USD);
const sdg = z.number().int().min(1).max(17);
export const countryCodeSchema = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code, e.g. KG');
const language = z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code, e.g. ru');

export const nationalPartnerSchema = z
  .object({
    name: shortText,
    contact: shortText,
    demandEvidence: longText.describe('Letter of intent, MoU or request from the national partner'),
  })
  .strict();

export const milestoneSchema = z
  .object({ title: shortText, dueDate: isoDate, description: textOrBlank(2000).optional() })
  .strict();

/** One budget line: the cost (quantity × unit cost) and how it is paid (fund, cash and in-kind co-financing). */
export const budgetLineSchema = z
  .object({
    category: z.enum(BUDGET_CATEGORIES),
    description: text(300),
    unit: text(40).describe('e.g. month, person-day, unit, trip, lump sum'),
    quantity: z.number().gt(0).max(100_000),
    unitCostUsd: usd,
    requestedUsd: usd.describe('Requested from the fund'),
    coFinancingCashUsd: usd,
    coFinancingInKindUsd: usd,
  })
  .strict();
export type BudgetLineInput = z.infer<typeof budgetLineSchema>;

const budgetSchema = z
  .array(budgetLineSchema)
  .min(1)
  .max(60)
  .describe(
    "Budget line items. The requested amount, the co-financing and its share are computed from them; each line's requested, cash and in-kind amounts add up to its quantity × unit cost.",
  );

const proposalFields = {
  callId: z.string().min(1).max(100),
  title: shortText,
  summary: longText,
  countryCode: countryCodeSchema,
  nationalPartner: nationalPartnerSchema,
  sdgs: z.array(sdg).min(1).max(17),
  thematicAreaId: z.string().min(1).max(100),
  budget: budgetSchema.optional(),
  requestedAmountUsd: usd
    .optional()
    .describe(
      "Deprecated: the total requested, for a proposal without `budget`; with `budget` it is computed (if sent, it must equal the lines' sum)",
    ),
  coFinancingUsd: usd
    .optional()
    .describe(
      "Deprecated: the total co-financing, for a proposal without `budget`; with `budget` it is computed (if sent, it must equal the lines' sum)",
    ),
  durationMonths: z.number().int().min(1).max(60),
  innovation: longText,
  expectedResults: longText,
  milestones: z.array(milestoneSchema).min(1).max(12),
};

/**
 * The budget's own consistency (each line's sources add up to its cost) and the transition from the
 * two typed totals: a proposal has `budget` lines, or (deprecated) both totals; totals sent with a
 * budget must be the budget's.
 */
function budgetConsistency(
  p: { budget?: BudgetLineInput[]; requestedAmountUsd?: number; coFinancingUsd?: number },
  ctx: z.core.$RefinementCtx,
  totalsRequired: boolean,
): void {
  if (p.budget) {
    for (const problem of budgetLineProblems(p.budget))
      ctx.addIssue({
        code: 'custom',
        path: problem.path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
        message: problem.message,
      });
    const computed = budgetAmountsUsd(p.budget);
    if (computed.requestedAmountUsd > MAX_USD)
      ctx.addIssue({ code: 'custom', path: ['budget'], message: `the requested total must be at most ${MAX_USD}` });
    for (const key of ['requestedAmountUsd', 'coFinancingUsd'] as const) {
      const sent = p[key];
      if (sent !== undefined && Math.round(sent * 100) !== Math.round(computed[key] * 100))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `is computed from the budget lines (${computed[key]}); leave it out or send that figure`,
        });
    }
  } else if (totalsRequired) {
    for (const key of ['requestedAmountUsd', 'coFinancingUsd'] as const)
      if (p[key] === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: 'required when the proposal has no budget lines' });
  }
}

export const proposalCreateSchema = z
  .object({
    ...proposalFields,
    /** Documents uploaded beforehand (POST /documents); they are attached to the new proposal. */
    documentIds: z.array(documentIdSchema.describe('A document id from POST /documents')).max(20).optional(),
  })
  .strict()
  .superRefine((p, ctx) => budgetConsistency(p, ctx, true));
export type ProposalCreate = z.infer<typeof proposalCreateSchema>;

/** A proposal as the workflow and the read model hold it: the two totals always present (computed from the budget). */
export type ProposalData = Omit<ProposalCreate, 'requestedAmountUsd' | 'coFinancingUsd'> & {
  requestedAmountUsd: number;
  coFinancingUsd: number;
};

/** The proposal with its totals computed from its budget lines (kept as sent when it has none). */
export function withBudgetTotals<
  T extends { budget?: BudgetLineInput[]; requestedAmountUsd?: number; coFinancingUsd?: number },
>(p: T): T & { requestedAmountUsd: number; coFinancingUsd: number } {
  const totals = p.budget
    ? budgetAmountsUsd(p.budget)
    : { requestedAmountUsd: p.requestedAmountUsd ?? 0, coFinancingUsd: p.coFinancingUsd ?? 0 };
  return { ...p, ...totals };
}

/** Fields an applicant may change on resubmission (not the call, country or institution). */
export const proposalChangesSchema = z
  .object({
    title: proposalFields.title,
    summary: proposalFields.summary,
    nationalPartner: proposalFields.nationalPartner,
    sdgs: proposalFields.sdgs,
    thematicAreaId: proposalFields.thematicAreaId,
    budget: budgetSchema,
    requestedAmountUsd: usd,
    coFinancingUsd: usd,
    durationMonths: proposalFields.durationMonths,
    innovation: proposalFields.innovation,
    expectedResults: proposalFields.expectedResults,
    milestones: proposalFields.milestones,
  })
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'at least one field must change')
  .superRefine((p, ctx) => budgetConsistency(p, ctx, false))
  .meta({ minProperties: 1 });
export type ProposalChanges = z.infer<typeof proposalChangesSchema>;

/** A no-cost extension asked by the applicant: a milestone (from 1) moves to a later date, for a reason. */
export const extensionRequestSchema = z
  .object({
    milestone: z.number().int().min(1).max(12),
    newDueDate: isoDate,
    reason: text(2000),
  })
  .strict();
export type ExtensionRequest = z.infer<typeof extensionRequestSchema>;

export const deliverableSpecSchema = z
  .object({ title: shortText, dueDate: isoDate, amountUsd: usd.refine((n) => n > 0, 'must be positive') })
  .strict();

/** The fields of an expert request, without the cross-field rules (zod 4 cannot omit from a refined object). */
export const expertRequestFieldsSchema = z
  .object({
    countryCode: countryCodeSchema,
    title: shortText,
    nationalPartner: nationalPartnerSchema,
    objectives: longText,
    deliverables: z.array(deliverableSpecSchema).min(1).max(12),
    modality: z.enum(MODALITIES),
    workingDays: z.number().int().min(1).max(90),
    startDate: isoDate,
    endDate: isoDate,
    languages: z.array(language).min(1).max(5),
    thematicAreaId: z.string().min(1).max(100),
    sdgs: z.array(sdg).min(1).max(17),
    contractValueUsd: usd.refine((n) => n > 0, 'must be positive'),
    destination: text(200).optional(),
    travelDays: z.number().int().min(1).max(90).optional(),
    perDiemUsd: z.number().int().min(0).max(2000).optional(),
  })
  .strict();

export const expertRequestCreateSchema = expertRequestFieldsSchema.superRefine((r, ctx) => {
  if (r.endDate < r.startDate)
    ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'must be on or after startDate' });
  const sum = Math.round(r.deliverables.reduce((s, d) => s + d.amountUsd, 0) * 100);
  if (sum !== Math.round(r.contractValueUsd * 100)) {
    ctx.addIssue({
      code: 'custom',
      path: ['deliverables'],
      message: `amounts sum to ${sum / 100} but contractValueUsd is ${r.contractValueUsd}`,
    });
  }
  r.deliverables.forEach((d, i) => {
    if (d.dueDate < r.startDate || d.dueDate > r.endDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['deliverables', i, 'dueDate'],
        message: 'must fall between startDate and endDate',
      });
    }
  });
  if (r.modality === 'mission') {
    if (!r.destination) ctx.addIssue({ code: 'custom', path: ['destination'], message: 'required for a mission' });
    if (!r.travelDays) ctx.addIssue({ code: 'custom', path: ['travelDays'], message: 'required for a mission' });
  }
});
export type ExpertRequestCreate = z.infer<typeof expertRequestCreateSchema>;

export const rubricCriterionSchema = z
  .object({
    key: z.string().regex(/^[a-z_]{1,40}$/),
    label: shortText,
    weight: z.number().int().min(1).max(100),
    max: z.number().int().min(1).max(100),
  })
  .strict();
export type RubricCriterion = z.infer<typeof rubricCriterionSchema>;

/** A local time of day, "17:00" (seconds allowed: "17:00:30"). */
const timeOfDay = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$/, 'must be a time of day HH:MM');
/** An IANA time zone name ("Asia/Bishkek"); checked against the runtime's zone database. */
export const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => isTimeZone(tz), 'must be an IANA time zone, e.g. Asia/Bishkek');

/** The editable fields of a call (one source for create, edit and the call workflow). */
const callFields = {
  countryCode: countryCodeSchema,
  title: shortText,
  titleRu: shortText.optional(),
  challengeStatement: longText,
  challengeStatementRu: longText.optional(),
  thematicAreaIds: z.array(z.string().min(1).max(100)).min(1).max(20),
  sdgs: z.array(sdg).max(17),
  budgetEnvelopeUsd: usd.optional().describe('The money the call may award in all; selection stays within it'),
  minGrantUsd: usd,
  maxGrantUsd: usd,
  coFinancingMinPct: z.number().int().min(0).max(100),
  maxDurationMonths: z.number().int().min(1).max(60),
  /** Document types each proposal to this call must carry (checked at intake, by the API and the workflow). */
  requiredDocumentTypes: z.array(requirableDocumentTypeSchema).max(10),
  rubric: z.array(rubricCriterionSchema).min(1).max(10),
  passMark: z.number().int().min(0).max(100),
  reviewerPool: z.array(z.string().min(1).max(100)).max(100).describe('User ids of the reviewers'),
  reviewersPerProposal: z.number().int().min(1).max(5),
  opensAt: isoDate,
  closesAt: isoDate.nullable().describe('The closing day, in `timeZone`; null for a rolling call (no deadline)'),
  closingTime: timeOfDay.describe('The closing time on `closesAt`, in `timeZone`'),
  timeZone: timeZoneSchema,
  selectionMode: z
    .enum(SELECTION_MODES)
    .optional()
    .describe(
      'ranked (the default with a closing date): one selection for the whole call after it closes; one_by_one: each proposal is selected as its reviews complete (a rolling call always is)',
    ),
};
export const callFieldsSchema = z
  .object({
    ...callFields,
    sdgs: callFields.sdgs.default([]),
    coFinancingMinPct: callFields.coFinancingMinPct.default(20),
    maxDurationMonths: callFields.maxDurationMonths.default(12),
    requiredDocumentTypes: callFields.requiredDocumentTypes.default([]),
    passMark: callFields.passMark.default(60),
    reviewerPool: callFields.reviewerPool.default([]),
    reviewersPerProposal: callFields.reviewersPerProposal.default(2),
    closingTime: callFields.closingTime.default('23:59'),
    timeZone: callFields.timeZone.default('UTC'),
  })
  .strict();
export type CallFields = z.infer<typeof callFieldsSchema>;

/** Rules across fields of a call; the same after a create and after an edit. */
export function callFieldProblems(c: CallFields): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (c.closesAt !== null && c.closesAt <= c.opensAt)
    problems.push({ path: 'closesAt', message: 'must be after opensAt' });
  if (c.closesAt === null && c.selectionMode === 'ranked')
    problems.push({
      path: 'selectionMode',
      message: 'a rolling call (no closing date) selects its proposals one by one',
    });
  if (c.maxGrantUsd < c.minGrantUsd) problems.push({ path: 'maxGrantUsd', message: 'must be at least minGrantUsd' });
  if (c.budgetEnvelopeUsd !== undefined && c.budgetEnvelopeUsd < c.maxGrantUsd)
    problems.push({ path: 'budgetEnvelopeUsd', message: 'must be at least maxGrantUsd' });
  const total = c.rubric.reduce((s, r) => s + r.weight, 0);
  if (total !== 100) problems.push({ path: 'rubric', message: `weights must sum to 100 (got ${total})` });
  if (c.passMark > 100) problems.push({ path: 'passMark', message: 'must be at most 100' });
  if (new Set(c.reviewerPool).size !== c.reviewerPool.length)
    problems.push({ path: 'reviewerPool', message: 'reviewers must be distinct' });
  return problems;
}

export const callCreateSchema = callFieldsSchema
  .extend({
    draft: z
      .boolean()
      .default(false)
      .describe('Keep the call as a draft (edit, then publish); otherwise it is published at once'),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const p of callFieldProblems(c)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
  });
export type CallCreate = z.input<typeof callCreateSchema>;

/** An edit of a draft call: any of its fields. */
export const callPatchSchema = z
  .object(callFields)
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'at least one field must change')
  .meta({ minProperties: 1 });
export type CallPatch = z.infer<typeof callPatchSchema>;

export function usdToCents(usd: number): number {
  return Math.round(usd * 100);
}
export function centsToUsd(cents: number): number {
  return cents / 100;
}

/** A problem with one field: `data.reviewerIds: Too small…`. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** zod issues as field problems, one per unknown key (`data.foo: unknown field`). */
export function fieldProblems(issues: readonly z.core.$ZodIssue[], prefix: (string | number)[] = []): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ path: [...prefix, ...issue.path, key].join('.'), message: 'unknown field' });
    } else {
      out.push({ path: [...prefix, ...issue.path].join('.') || '(body)', message: issue.message });
    }
  }
  return out;
}
