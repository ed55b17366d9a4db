import { iso, z } from 'zod';
import { requirableDocumentTypeSchema } from './documents';
import { MODALITIES } from './stages';

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

const proposalFields = {
  callId: z.string().min(1).max(100),
  title: shortText,
  summary: longText,
  countryCode: countryCodeSchema,
  nationalPartner: nationalPartnerSchema,
  sdgs: z.array(sdg).min(1).max(17),
  thematicAreaId: z.string().min(1).max(100),
  requestedAmountUsd: usd,
  coFinancingUsd: usd,
  durationMonths: z.number().int().min(1).max(60),
  innovation: longText,
  expectedResults: longText,
  milestones: z.array(milestoneSchema).min(1).max(12),
};

export const proposalCreateSchema = z
  .object({
    ...proposalFields,
    /** Documents uploaded beforehand (POST /documents); they are attached to the new proposal. */
    documentIds: z
      .array(z.string().regex(/^doc-[0-9a-f]{20}$/, 'must be a document id from POST /documents'))
      .max(20)
      .optional(),
  })
  .strict();
export type ProposalCreate = z.infer<typeof proposalCreateSchema>;

/** Fields an applicant may change on resubmission (not the call, country or institution). */
export const proposalChangesSchema = z
  .object({
    title: proposalFields.title,
    summary: proposalFields.summary,
    nationalPartner: proposalFields.nationalPartner,
    sdgs: proposalFields.sdgs,
    thematicAreaId: proposalFields.thematicAreaId,
    requestedAmountUsd: proposalFields.requestedAmountUsd,
    coFinancingUsd: proposalFields.coFinancingUsd,
    durationMonths: proposalFields.durationMonths,
    innovation: proposalFields.innovation,
    expectedResults: proposalFields.expectedResults,
    milestones: proposalFields.milestones,
  })
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'at least one field must change')
  .meta({ minProperties: 1 });
export type ProposalChanges = z.infer<typeof proposalChangesSchema>;

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

export const callCreateSchema = z
  .object({
    countryCode: countryCodeSchema,
    title: shortText,
    challengeStatement: longText,
    opensAt: isoDate,
    closesAt: isoDate,
    minGrantUsd: usd,
    maxGrantUsd: usd,
    coFinancingMinPct: z.number().int().min(0).max(100).default(20),
    maxDurationMonths: z.number().int().min(1).max(60).default(12),
    rubric: z.array(rubricCriterionSchema).min(1).max(10),
    passMark: z.number().int().min(0).max(100).default(60),
    thematicAreaIds: z.array(z.string().min(1)).min(1).max(20),
    /** Document types each proposal to this call must carry (checked at submission and resubmission). */
    requiredDocumentTypes: z.array(requirableDocumentTypeSchema).max(10).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.closesAt <= c.opensAt) ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'must be after opensAt' });
    if (c.maxGrantUsd < c.minGrantUsd)
      ctx.addIssue({ code: 'custom', path: ['maxGrantUsd'], message: 'must be at least minGrantUsd' });
    const total = c.rubric.reduce((s, r) => s + r.weight, 0);
    if (total !== 100)
      ctx.addIssue({ code: 'custom', path: ['rubric'], message: `weights must sum to 100 (got ${total})` });
  });
export type CallCreate = z.infer<typeof callCreateSchema>;

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
