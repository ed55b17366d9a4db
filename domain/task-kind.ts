/**
 * What every task kind is made of (SLA keys, decisions and their data shapes): the kernel's shared
 * kinds (domain/tasks.ts) and each programme's own (domain/programmes/<programme>-tasks.ts) are
 * written with it. No import of the registry here, so the programmes' files can load it.
 */
import { z } from 'zod';
import { documentIdSchema } from './documents';
import { text } from './schemas';
import type { NotificationTemplate } from './notifications';
import type { Phase } from './stages';

/** SLA keys: every human step's due time comes from configuration (days, counted by the Clock). */
export const SLA_KEYS = [
  'endorsement',
  'revision',
  'review',
  'decision',
  'signature',
  'report',
  'verification',
  'invitation',
  'evaluation',
] as const;
export type SlaKey = (typeof SLA_KEYS)[number];
export interface SlaSetting {
  dueMs: number;
  remindBeforeMs: number;
}
export type SlaSettings = Record<SlaKey, SlaSetting>;

/** The SLA settings (SLA_*_DAYS): whole numbers are working days of the office, fractions a plain duration. */
export interface SlaDays {
  default: number;
  endorsement: number;
  invitation: number;
  reminderBefore: number;
}

export const DEFAULT_SLA_DAYS: SlaDays = { default: 7, endorsement: 10, invitation: 5, reminderBefore: 3 };

/** Days until a step of this SLA falls due, and days before that its reminder goes out. */
export function slaDaysOf(key: SlaKey, days: SlaDays): { dueDays: number; remindBeforeDays: number } {
  const due = key === 'endorsement' ? days.endorsement : key === 'invitation' ? days.invitation : days.default;
  const remind = Math.min(days.reminderBefore, due / 2);
  return { dueDays: due, remindBeforeDays: Number.isInteger(due) ? Math.floor(remind) : remind };
}

/** Workflows started before the Clock carried their SLAs in milliseconds (kept for their replay). */
export function slaFromDays(days: {
  default: number;
  endorsement: number;
  invitation: number;
  reminderBefore: number;
}): SlaSettings {
  const DAY = 86_400_000;
  const make = (d: number): SlaSetting => ({
    dueMs: d * DAY,
    remindBeforeMs: Math.min(days.reminderBefore, d / 2) * DAY,
  });
  const out = {} as SlaSettings;
  for (const key of SLA_KEYS) out[key] = make(days.default);
  out.endorsement = make(days.endorsement);
  out.invitation = make(days.invitation);
  return out;
}

// ---------- decision payloads: one zod schema each, shared by workflow validators, API, OpenAPI, tests ----------

const rating = z.number().int().min(1).max(5);

/** Files a report or deliverable is submitted with: the submitter's uploads to the subject (the API checks them). */
const submittedDocuments = z
  .array(documentIdSchema)
  .max(10)
  .optional()
  .describe('Documents you uploaded to this proposal or request (POST …/documents), submitted with it');

/** The data shapes of decisions any programme may use; a programme's own are in its `<programme>-tasks.ts` file. */
export const SHARED_DECISION_DATA = {
  none: z.object({}).strict(),
  comment: z.object({}).strict(),
  /** Signing a generated agreement: the SHA-256 of the version read and the statement confirmed (required when the task shows a document). */
  signature: z
    .object({
      documentSha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex')
        .optional(),
      statement: z.string().min(1).max(300).optional(),
    })
    .strict(),
  assignReviewers: z.object({ reviewerIds: z.array(z.string().min(1)).min(1).max(10) }).strict(),
  score: z
    .object({
      scores: z.record(z.string(), z.number().min(0).max(100)),
      // Declared already in conflict_declaration; accepted again for clients that restate it.
      noConflictDeclared: z.literal(true).optional(),
    })
    .strict(),
  noConflict: z.object({ noConflictDeclared: z.literal(true) }).strict(),
  conflict: z.object({ reason: text(2000) }).strict(),
  justification: z.object({ justification: text(5000) }).strict(),
  optionalJustification: z.object({ justification: text(5000).optional() }).strict(),
  report: z
    .object({
      report: text(20000),
      beneficiariesReached: z.number().int().min(0).optional(),
      documentIds: submittedDocuments,
    })
    .strict(),
  evaluation: z
    .object({
      ratings: z.record(z.string(), rating).refine((r) => Object.keys(r).length > 0, 'at least one criterion'),
      narrative: text(10000),
      beneficiaries: z.number().int().min(0).optional(),
    })
    .strict(),
  feedback: z.object({ rating, narrative: text(10000) }).strict(),
  shortlistEdit: z.object({ expertIds: z.array(z.string().min(1)).min(1).max(10) }).strict(),
  invitationAccept: z.object({ availabilityConfirmed: z.literal(true), noConflictDeclared: z.literal(true) }).strict(),
  invitationDecline: z.object({ reason: text(2000) }).strict(),
  candidateSelect: z
    .object({ expertIds: z.array(z.string().min(1)).min(1).max(1), justification: text(5000).optional() })
    .strict(),
  deliverable: z
    .object({ report: text(20000), link: z.string().url().max(2000).optional(), documentIds: submittedDocuments })
    .strict(),
  proposalChanges: z.record(z.string(), z.unknown()),
} as const;
export type SharedDecisionDataKey = keyof typeof SHARED_DECISION_DATA;

export interface DecisionSpec<D extends string = string> {
  data: D;
  /** A comment is required (request changes, rejections). */
  commentRequired?: boolean;
}

export interface TaskKindSpec<D extends string = string> {
  /** The phase the task belongs to. */
  stage: Phase;
  /**
   * Role that acts on this task; a task may also name one user. A role the registry's entries
   * bring (typed as a string here, as roles come from the registry, which names task kinds;
   * domain/roles.ts checks every kind's role at compile time).
   */
  role: string;
  sla: SlaKey;
  /** On SLA expiry: escalate to fund managers (default) or expire with this decision. */
  expireWith?: string;
  decisions: Record<string, DecisionSpec<D>>;
  label: string;
  labelRu: string;
  /** The mail that tells the assignee about a new task of this kind (its wording per kind: activities/notifications/templates.ts). */
  mail: NotificationTemplate;
}

export const reject = { data: 'comment', commentRequired: true } as const satisfies DecisionSpec<SharedDecisionDataKey>;
export const requestChanges = {
  data: 'comment',
  commentRequired: true,
} as const satisfies DecisionSpec<SharedDecisionDataKey>;
