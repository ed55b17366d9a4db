import type { z } from 'zod';
import type { Role } from '../domain/roles';
import type { Programme, Stage, SubjectType, TaskStatus } from '../domain/stages';
import type { TaskKind } from '../domain/tasks';
import type { PrismaClient } from '../lib/db';
import { decisionOptions, taskLabel } from './json-schema';
import type { auditEventSchema, openTaskSchema, taskDetailSchema, taskSchema, timelineEventSchema } from './schemas';
import { isAssignedTo } from './scope';
import type { AuthUser } from './types';

/**
 * Read-model columns that hold values of the domain's lists (kinds, stages, roles...) are plain
 * strings to Prisma; only the workflows write them, from those lists. The router checks every
 * answer against its schema outside production, so a wrong value cannot slip through unseen.
 */
export const asKind = (s: string) => s as TaskKind;
export const asStage = (s: string) => s as Stage;
export const asStageOrNull = (s: string | null) => s as Stage | null;
export const asRole = (s: string) => s as Role;
export const asProgramme = (s: string) => s as Programme;
export const asSubjectType = (s: string) => s as SubjectType;
export const asTaskStatus = (s: string) => s as TaskStatus;
/** A JSON column holding an object (or null). */
export const asObject = (v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/**
 * Field filtering of subject views. Owners (applicants), reviewers and experts see a reduced
 * timeline and task list: no review scores, no reviewer identities before a decision, no other
 * experts' candidacies or fees. Fund managers, admins and the country office see everything.
 */

/** Task kinds whose existence or content is internal to selection. */
const INTERNAL_KINDS = new Set([
  'assign_reviewers',
  'conflict_declaration',
  'review_score',
  'shortlist_review',
  'invitation_response',
  'candidate_selection',
  'fee_approval',
]);
/** Context keys that can carry other people's scores, candidacies or fees. */
const SENSITIVE_CONTEXT_KEYS = new Set([
  'scores',
  'weightedScore',
  'passMarkMet',
  'shortlist',
  'candidates',
  'fees',
  'dailyFeeUsd',
  'dailyFeeCents',
]);

export function isPrivileged(user: AuthUser): boolean {
  return (
    user.role === 'fund_manager' || user.role === 'admin' || user.role === 'co_approver' || user.role === 'auditor'
  );
}

export interface TaskRowLite {
  id: string;
  kind: string;
  stage: string;
  status: string;
  title: string;
  assigneeUserId: string | null;
  assigneeRole: string;
  assigneeCountryCode: string | null;
  assigneeInstitutionId: string | null;
  countryCode: string;
  dueAt: Date | null;
  overdue: boolean;
  context: unknown;
  exclusions: { userId: string }[];
}

export const TASK_LITE_SELECT = {
  id: true,
  kind: true,
  stage: true,
  status: true,
  title: true,
  assigneeUserId: true,
  assigneeRole: true,
  assigneeCountryCode: true,
  assigneeInstitutionId: true,
  countryCode: true,
  dueAt: true,
  overdue: true,
  context: true,
  exclusions: { select: { userId: true } },
} as const;

function sanitizeContext(context: unknown): Record<string, unknown> | null {
  if (!context || typeof context !== 'object' || Array.isArray(context)) return null;
  return Object.fromEntries(
    Object.entries(context as Record<string, unknown>).filter(([k]) => !SENSITIVE_CONTEXT_KEYS.has(k)),
  );
}

export function isOverdue(t: { overdue: boolean; dueAt: Date | null; status?: string }, now = Date.now()): boolean {
  return t.overdue || (!!t.dueAt && t.dueAt.getTime() < now && (t.status ?? 'open') === 'open');
}

/** Open tasks of a subject, as the caller may see them. */
export function visibleOpenTasks(tasks: TaskRowLite[], user: AuthUser): z.input<typeof openTaskSchema>[] {
  const now = Date.now();
  return tasks
    .filter((t) => {
      if (isPrivileged(user)) return true;
      if (isAssignedTo(t, user)) return true;
      return user.role === 'applicant' && !INTERNAL_KINDS.has(t.kind);
    })
    .map((t) => {
      const mine = isAssignedTo(t, user);
      return {
        id: t.id,
        kind: asKind(t.kind),
        label: taskLabel(t.kind, user.language),
        stage: asStage(t.stage),
        dueAt: t.dueAt?.toISOString() ?? null,
        overdue: isOverdue(t, now),
        assigneeUserId: isPrivileged(user) || mine ? t.assigneeUserId : null,
        assigneeRole: asRole(t.assigneeRole),
        assigneeCountryCode: t.assigneeCountryCode,
        assigneeInstitutionId: t.assigneeInstitutionId,
        assignedToMe: mine,
        context: isPrivileged(user) ? asObject(t.context) : mine ? sanitizeContext(t.context) : null,
      };
    });
}

type TaskRow = TaskRowLite & {
  subjectType: string;
  subjectId: string;
  programme: string;
  workflowId: string;
  createdAt: Date;
};

/** A task with what its assignee needs to decide (GET /tasks). */
export function taskView(t: TaskRow, user: AuthUser, subjectTitle: string): z.input<typeof taskSchema> {
  const mine = isAssignedTo(t, user);
  return {
    id: t.id,
    kind: asKind(t.kind),
    label: taskLabel(t.kind, user.language),
    title: t.title,
    stage: asStage(t.stage),
    status: asTaskStatus(t.status),
    programme: asProgramme(t.programme),
    subject: { type: asSubjectType(t.subjectType), id: t.subjectId, title: subjectTitle, countryCode: t.countryCode },
    createdAt: t.createdAt.toISOString(),
    dueAt: t.dueAt?.toISOString() ?? null,
    overdue: isOverdue(t),
    assigneeUserId: t.assigneeUserId,
    assigneeRole: asRole(t.assigneeRole),
    assigneeCountryCode: t.assigneeCountryCode,
    assigneeInstitutionId: t.assigneeInstitutionId,
    assignedToMe: mine,
    allowedDecisions: t.status === 'open' && mine && user.role !== 'admin' ? decisionOptions(t.kind, t.context) : [],
    context: isPrivileged(user) ? asObject(t.context) : sanitizeContext(t.context),
  };
}

/** One task with its decision (GET /tasks/:id). */
export function taskDetailView(
  t: TaskRow & { decision: string | null; decidedAt: Date | null },
  user: AuthUser,
  subjectTitle: string,
): z.input<typeof taskDetailSchema> {
  return { ...taskView(t, user, subjectTitle), decision: t.decision, decidedAt: t.decidedAt?.toISOString() ?? null };
}

export interface AuditRow {
  id: number;
  at: Date;
  action: string;
  actorId: string | null;
  actorRole: string | null;
  fromStage: string | null;
  toStage: string | null;
  comment: string | null;
  data: unknown;
}

export const AUDIT_SELECT = {
  id: true,
  at: true,
  action: true,
  actorId: true,
  actorRole: true,
  fromStage: true,
  toStage: true,
  comment: true,
  data: true,
} as const;

function kindOfEvent(data: Record<string, unknown>): string | undefined {
  if (typeof data.kind === 'string') return data.kind;
  if (typeof data.taskId === 'string') {
    // Task ids are `<workflowId>:<kind>:...`; the workflow id itself has no colon.
    return data.taskId.split(':')[1];
  }
  return undefined;
}

/** An audit event as the audit trail shows it (GET /audit). */
export function auditEventView(
  r: AuditRow & { subjectType: string; subjectId: string; workflowId: string | null; requestId: string | null },
): z.input<typeof auditEventSchema> {
  return {
    ...r,
    at: r.at.toISOString(),
    fromStage: asStageOrNull(r.fromStage),
    toStage: asStageOrNull(r.toStage),
    data: r.data ?? null,
  };
}

/**
 * What owners, reviewers and experts see of an event's data: which task and decision, a payment's
 * amount and milestone or deliverable, and the failed rules behind a system decision.
 */
const SHARED_EVENT_DATA = [
  'taskId',
  'kind',
  'decision',
  'amountCents',
  'milestone',
  'milestoneTitle',
  'deliverable',
  'deliverableTitle',
  'reasons',
] as const;

/** Timeline of a subject from its audit events, reduced for owners, reviewers and experts. */
export async function timeline(
  prisma: PrismaClient,
  subjectId: string,
  user: AuthUser,
): Promise<z.input<typeof timelineEventSchema>[]> {
  const rows: AuditRow[] = await prisma.auditEvent.findMany({
    where: { subjectId },
    select: AUDIT_SELECT,
    orderBy: { id: 'asc' },
    take: 2000,
  });
  const full = isPrivileged(user);
  return rows
    .filter((r) => {
      if (full) return true;
      const data = (r.data ?? {}) as Record<string, unknown>;
      const own = r.actorId === user.id;
      const stageChange = r.toStage !== null && r.toStage !== r.fromStage;
      // Staff-only: an internal note's existence is not shown either (its text is never in the audit trail).
      if (r.action === 'scored' || r.action === 'internal_note') return false;
      if (user.role === 'applicant') {
        const kind = kindOfEvent(data);
        return !(kind && INTERNAL_KINDS.has(kind));
      }
      // The selected expert sees the payments made to it.
      const paidToMe = r.action === 'payment_released' && !!user.expertId && data.expertId === user.expertId;
      return own || stageChange || paidToMe;
    })
    .map((r) => {
      const data = (r.data ?? {}) as Record<string, unknown>;
      const reduced: Record<string, unknown> = {};
      if (!full) {
        for (const k of SHARED_EVENT_DATA) if (data[k] !== undefined) reduced[k] = data[k];
      }
      return {
        id: r.id,
        at: r.at.toISOString(),
        action: r.action,
        actorId: r.actorId,
        actorRole: r.actorRole,
        fromStage: asStageOrNull(r.fromStage),
        toStage: asStageOrNull(r.toStage),
        comment: r.comment,
        data: full ? asObject(r.data) : Object.keys(reduced).length ? reduced : null,
      };
    });
}
