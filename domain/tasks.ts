import { z } from 'zod';
import { PROGRAMME_LIST } from './registry';
import { fieldProblems, textOrBlank, type FieldProblem } from './schemas';
import {
  reject,
  requestChanges,
  SHARED_DECISION_DATA,
  type DecisionSpec,
  type SharedDecisionDataKey,
  type TaskKindSpec,
} from './task-kind';

export {
  DEFAULT_SLA_DAYS,
  SHARED_DECISION_DATA,
  SLA_KEYS,
  slaDaysOf,
  slaFromDays,
  type DecisionSpec,
  type SharedDecisionDataKey,
  type SlaDays,
  type SlaKey,
  type SlaSetting,
  type SlaSettings,
  type TaskKindSpec,
} from './task-kind';

/** The kinds of the kernel's shared steps (workflows/shared-steps.ts), which several programmes use. */
export const SHARED_TASK_KINDS = {
  co_endorsement: {
    stage: 'co_endorsement',
    role: 'co_approver',
    sla: 'endorsement',
    decisions: { endorse: { data: 'comment' }, reject, request_changes: requestChanges },
    label: 'Endorse on behalf of the Country Office',
    labelRu: 'Одобрение страновым офисом',
    mail: 'task_assigned',
  },
  revise: {
    stage: 'co_endorsement',
    role: 'applicant',
    sla: 'revision',
    decisions: { resubmit: { data: 'proposalChanges' } },
    label: 'Revise and resubmit',
    labelRu: 'Доработать и отправить повторно',
    mail: 'changes_requested',
  },
  alignment_review: {
    stage: 'alignment_check',
    role: 'fund_manager',
    sla: 'decision',
    decisions: { confirm_aligned: { data: 'comment', commentRequired: true }, reject },
    label: 'Review alignment with the Cooperation Framework',
    labelRu: 'Проверка соответствия Рамочной программе',
    mail: 'task_assigned',
  },
  contract_signature: {
    stage: 'contracting',
    role: 'applicant',
    sla: 'signature',
    decisions: { sign: { data: 'signature' }, decline: reject },
    label: 'Sign the contract',
    labelRu: 'Подписать договор',
    mail: 'contract_to_sign',
  },
} as const satisfies Record<string, TaskKindSpec<SharedDecisionDataKey>>;

type Entry = (typeof PROGRAMME_LIST)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Merges the shared ones with every programme's own; a name defined twice is an error at load. */
function mergeOnce<T extends object>(what: string, shared: T, own: readonly object[]): T {
  const merged: Record<string, unknown> = { ...(shared as Record<string, unknown>) };
  for (const part of own)
    for (const [key, value] of Object.entries(part)) {
      if (key in merged) throw new Error(`${what} ${key} is defined twice`);
      merged[key] = value;
    }
  return merged as T;
}

/** The data shapes of decisions (a body's `data`): the shared ones and every programme's own. */
export const decisionData = mergeOnce(
  'decision data',
  SHARED_DECISION_DATA as typeof SHARED_DECISION_DATA & UnionToIntersection<Entry['decisionData']>,
  PROGRAMME_LIST.map((p) => p.decisionData),
);
export type DecisionDataKey = keyof typeof decisionData;

/** Every kind of human task: the shared steps' kinds and each programme's own (its registry entry's `ownTaskKinds`). */
export const TASK_KINDS = mergeOnce(
  'task kind',
  SHARED_TASK_KINDS as typeof SHARED_TASK_KINDS & UnionToIntersection<Entry['ownTaskKinds']>,
  PROGRAMME_LIST.map((p) => p.ownTaskKinds),
);
/** Compile-time check: every kind's decisions take a known data shape. */
const kindsAreComplete: Record<string, TaskKindSpec<DecisionDataKey>> = TASK_KINDS;
void kindsAreComplete;

export type TaskKind = keyof typeof TASK_KINDS;

/** Compile-time checks: the kinds an entry lists, words, or scopes by are task kinds. */
type Named<E> = E extends Entry
  ? | E['taskKinds'][number]
    | keyof E['labels']['taskMails']
    | {
        [R in keyof E['roles']]: E['roles'][R] extends { scope: { tasks: readonly (infer K)[] } } ? K : never;
      }[keyof E['roles']]
  : never;
const namedKindsExist: Named<Entry> extends TaskKind ? true : never = true;
void namedKindsExist;
export const TASK_KIND_NAMES = Object.keys(TASK_KINDS) as TaskKind[];

export function taskKindSpec(kind: TaskKind): TaskKindSpec {
  return TASK_KINDS[kind];
}

export function allowedDecisions(kind: TaskKind): string[] {
  return Object.keys(TASK_KINDS[kind].decisions);
}

/** The body of a decision: what the API accepts and the workflow Update carries. */
export const decisionBodySchema = z
  .object({
    decision: z.string().min(1).max(64),
    comment: textOrBlank(5000).optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type DecisionBody = z.infer<typeof decisionBodySchema>;

export type DecisionProblem = FieldProblem;

/**
 * Pure check of a decision's shape against its task kind, unknown keys reported one by one; the
 * API runs it before the round trip, the workflow's validator again. Stage/actor checks live in the workflow.
 */
export function checkDecisionShape(kind: TaskKind, body: DecisionBody): DecisionProblem[] {
  const spec = TASK_KINDS[kind].decisions as Record<string, DecisionSpec>;
  const decision = spec[body.decision];
  if (!decision) {
    return [{ path: 'decision', message: `must be one of: ${Object.keys(spec).join(', ')}` }];
  }
  const problems: DecisionProblem[] = [];
  if (decision.commentRequired && !body.comment?.trim())
    problems.push({ path: 'comment', message: 'a comment is required for this decision' });
  const parsed = (decisionData as Record<string, z.ZodType>)[decision.data].safeParse(body.data ?? {});
  if (!parsed.success) problems.push(...fieldProblems(parsed.error.issues, ['data']));
  return problems;
}
