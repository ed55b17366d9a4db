import type { Prisma } from '../generated/prisma/client';
import type { PrismaClient } from '../lib/db';
import { isProgramme, programmeSpec, type Programme, type SubjectType } from '../domain/registry';
import type { Actor } from '../domain/roles';
import { isTaskAssignee, type TaskAssignee } from '../domain/steps';
import type { TaskKind } from '../domain/tasks';
import type { AuthUser } from './types';

/**
 * Object-level authorization. Each function answers "which rows may this caller see";
 * a row outside the answer is reported as 404 (its existence is not revealed), while a
 * role that may never use a route gets 403 from the route declaration. What each role sees of
 * a programme's subjects is declared in the programme's registry entry (`roles[role].scope`).
 */

export function actorOf(user: AuthUser): Actor {
  return {
    userId: user.id,
    role: user.role,
    countryCode: user.countryCode,
    institutionId: user.institutionId,
    expertId: user.expertId,
  };
}

/** Ids of the programme's subjects on which the user has (or had) a task of one of `kinds`; bounded by one user's workload. */
async function subjectIdsWithTasks(
  prisma: PrismaClient,
  userId: string,
  subjectType: SubjectType,
  kinds: readonly TaskKind[],
): Promise<string[]> {
  const rows = await prisma.task.findMany({
    where: { assigneeUserId: userId, kind: { in: [...kinds] }, subjectType },
    select: { subjectId: true },
    distinct: ['subjectId'],
  });
  return rows.map((r) => r.subjectId);
}

const NOTHING = { id: { in: [] as string[] } };

/** A where-clause on a programme's subject table (combine with AND); cast to the table's WhereInput. */
export type SubjectScope = { id?: { in: string[] } } & Record<string, string | { in: string[] }>;

/** The subjects of `programme` that `user` may see: the scope rule its registry entry declares for the user's role. */
export async function subjectScope(prisma: PrismaClient, programme: Programme, user: AuthUser): Promise<SubjectScope> {
  const spec = programmeSpec(programme);
  const rule = spec.roles[user.role]?.scope;
  if (!rule) return NOTHING;
  if ('all' in rule) return {};
  // One person's own subjects: the programme's column naming a user (the student, the supervisor) holds the caller.
  if ('column' in rule) return { [rule.column]: user.id };
  if ('same' in rule) {
    const value = user[rule.same];
    return value ? { [rule.same]: value } : NOTHING;
  }
  return {
    id: {
      in: await subjectIdsWithTasks(
        prisma,
        user.id,
        spec.subjectType as SubjectType,
        rule.tasks as readonly TaskKind[],
      ),
    },
  };
}

type Assignee = TaskAssignee;

/** The task waits for this caller: named to them, to their institution's members of their role, or to their role (and country). */
function fitsAssignee(task: Assignee, user: AuthUser): boolean {
  return isTaskAssignee(task, actorOf(user));
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
 * (assigneeUserId, status, dueAt), (assigneeInstitutionId, status, dueAt) or
 * (assigneeRole, assigneeCountryCode, status, dueAt): the database
 * then reads just those rows, instead of every open task of every country
 * (`status = 'open' AND (… OR …)` scanned them all). Tasks the user is excluded from are not theirs.
 */
export function myTasksWhere(user: AuthUser, status = 'open'): Prisma.TaskWhereInput {
  const byRole = { status, assigneeUserId: null, assigneeRole: user.role, ...notExcluded(user) };
  return {
    OR: [
      { status, assigneeUserId: user.id },
      // Tasks of the caller's institution (any member of the role acts), only while they belong to it.
      ...(user.institutionId ? [{ ...byRole, assigneeInstitutionId: user.institutionId }] : []),
      { ...byRole, assigneeInstitutionId: null, assigneeCountryCode: null },
      ...(user.countryCode ? [{ ...byRole, assigneeInstitutionId: null, assigneeCountryCode: user.countryCode }] : []),
    ],
  };
}

/**
 * Whether the caller may read a task: its assignee, and whoever the task's programme lets see
 * its subjects by an `all` or same-country scope rule (fund managers and admins, the country
 * office of the task's country). A task carries its subject's country, not its institution, so
 * other rules reach a task only through its assignee. Others get 404.
 */
export function canReadTask(task: Assignee & { countryCode: string; programme: string }, user: AuthUser): boolean {
  if (fitsAssignee(task, user)) return true;
  const rule = isProgramme(task.programme) ? programmeSpec(task.programme).roles[user.role]?.scope : undefined;
  if (!rule) return false;
  if ('all' in rule) return true;
  return 'same' in rule && rule.same === 'countryCode' && !!user.countryCode && task.countryCode === user.countryCode;
}
