import type { Prisma } from '../generated/prisma/client';
import type { PrismaClient } from '../lib/db';
import { REVIEW_TASK_KINDS } from '../domain/reviewers';
import type { Actor } from '../domain/roles';
import type { AuthUser } from './types';

/**
 * Object-level authorization. Each function answers "which rows may this caller see";
 * a row outside the answer is reported as 404 (its existence is not revealed), while a
 * role that may never use a route gets 403 from the route declaration.
 *
 * applicant    → proposals of its institution
 * co_approver  → proposals and expert requests of its country
 * reviewer     → proposals it has (or had) a conflict declaration or review task for
 * expert       → expert requests it was invited to (has an invitation_response task)
 * fund_manager → everything; admin → everything (read), but never decides
 */

export function actorOf(user: AuthUser): Actor {
  return { userId: user.id, role: user.role, countryCode: user.countryCode, institutionId: user.institutionId, expertId: user.expertId };
}

/** Ids of proposals the reviewer has (or had) a review task for; bounded by one reviewer's workload. */
export async function reviewerProposalIds(prisma: PrismaClient, userId: string): Promise<string[]> {
  const rows = await prisma.task.findMany({
    where: { assigneeUserId: userId, kind: { in: [...REVIEW_TASK_KINDS] }, subjectType: 'proposal' },
    select: { subjectId: true },
    distinct: ['subjectId'],
  });
  return rows.map((r) => r.subjectId);
}

/** Ids of expert requests the expert was invited to. */
export async function expertRequestIdsOfExpert(prisma: PrismaClient, userId: string): Promise<string[]> {
  const rows = await prisma.task.findMany({
    where: { assigneeUserId: userId, kind: 'invitation_response', subjectType: 'expert_request' },
    select: { subjectId: true },
    distinct: ['subjectId'],
  });
  return rows.map((r) => r.subjectId);
}

const NOTHING = { id: { in: [] as string[] } };

/** Prisma where-clause for the proposals `user` may see (combine with AND). */
export async function proposalScope(prisma: PrismaClient, user: AuthUser): Promise<Prisma.ProposalWhereInput> {
  switch (user.role) {
    case 'fund_manager':
    case 'admin':
      return {};
    case 'applicant':
      return user.institutionId ? { institutionId: user.institutionId } : NOTHING;
    case 'co_approver':
      return user.countryCode ? { countryCode: user.countryCode } : NOTHING;
    case 'reviewer':
      return { id: { in: await reviewerProposalIds(prisma, user.id) } };
    default:
      return NOTHING;
  }
}

export async function expertRequestScope(prisma: PrismaClient, user: AuthUser): Promise<Prisma.ExpertRequestWhereInput> {
  switch (user.role) {
    case 'fund_manager':
    case 'admin':
      return {};
    case 'co_approver':
      return user.countryCode ? { countryCode: user.countryCode } : NOTHING;
    case 'expert':
      return { id: { in: await expertRequestIdsOfExpert(prisma, user.id) } };
    default:
      return NOTHING;
  }
}

interface Assignee {
  assigneeUserId: string | null;
  assigneeRole: string;
  assigneeCountryCode: string | null;
}

/** The task is named to this caller, or to its role (and country). */
function fitsAssignee(task: Assignee, user: AuthUser): boolean {
  if (task.assigneeUserId) return task.assigneeUserId === user.id;
  return task.assigneeRole === user.role && (!task.assigneeCountryCode || task.assigneeCountryCode === user.countryCode);
}

/** True when this caller is among the users who may not decide the task (select `exclusions` with TASK_LITE_SELECT). */
export function isExcluded(task: { exclusions: { userId: string }[] }, user: AuthUser): boolean {
  return task.exclusions.some((e) => e.userId === user.id);
}

/**
 * True when the task is waiting for this caller (by name, or by role and country) and the
 * caller is not excluded from it (the workflow would refuse its decision).
 */
export function isAssignedTo(task: Assignee & { exclusions: { userId: string }[] }, user: AuthUser): boolean {
  return fitsAssignee(task, user) && !isExcluded(task, user);
}

/** Where-clause of tasks `user` may not decide although their role fits. */
const notExcluded = (user: AuthUser) => ({ exclusions: { none: { userId: user.id } } });

/**
 * Where-clause of the tasks waiting for `user` (GET /tasks), open unless another status is
 * asked for. Written as a flat OR of complete conditions, each matching an index
 * (assigneeUserId, status, dueAt) or (assigneeRole, assigneeCountryCode, status, dueAt): the database
 * then reads just those rows, instead of every open task of every country
 * (`status = 'open' AND (… OR …)` scanned them all). Tasks the user is excluded from are not theirs.
 */
export function myTasksWhere(user: AuthUser, status = 'open'): Prisma.TaskWhereInput {
  const byRole = { status, assigneeUserId: null, assigneeRole: user.role, ...notExcluded(user) };
  return {
    OR: [
      { status, assigneeUserId: user.id },
      { ...byRole, assigneeCountryCode: null },
      ...(user.countryCode ? [{ ...byRole, assigneeCountryCode: user.countryCode }] : []),
    ],
  };
}

/**
 * Whether the caller may read a task: its assignee, fund managers and admins, and the
 * country office of the task's country. Others get 404.
 */
export function canReadTask(task: Assignee & { countryCode: string }, user: AuthUser): boolean {
  if (fitsAssignee(task, user)) return true;
  if (user.role === 'fund_manager' || user.role === 'admin') return true;
  return user.role === 'co_approver' && !!user.countryCode && task.countryCode === user.countryCode;
}
