import { Prisma } from '../../generated/prisma/client';
import {
  SOLE_MEMBER_BLOCK,
  reassignProblems,
  reassignRefusal,
  type ReassignableTask,
  type ReassignTarget,
} from '../../domain/reassignment';
import { programmeOfSubject, type Refusal, type SubjectType } from '../../domain/registry';
import type { TaskKind } from '../../domain/tasks';
import { reassignUpdate } from '../../workflows/messages';
import { withTemporalDeadline, type ApiContext } from '../context';
import { conflict, forbidden, notFound, validationFailed } from '../errors';
import { isTaskKind, taskLabel } from '../json-schema';
import {
  candidateListSchema,
  personOpenTasksSchema,
  reassignedSchema,
  reassignmentBodySchema,
} from '../reassignment-schemas';
import type { ApiRouter } from '../router';
import { actorOf, canReadTask } from '../scope';
import type { AuthUser } from '../types';

const TASK_ID = {
  description: 'The task id, `<workflow id>:<kind>:<n>` (the example names no task)',
  example: 'proposal-p-example:review_score:u-reviewer-2:1',
};
const STAFF = ['admin', 'fund_manager'] as const;

const TASK_SELECT = {
  id: true,
  workflowId: true,
  kind: true,
  status: true,
  title: true,
  dueAt: true,
  assigneeUserId: true,
  assigneeRole: true,
  assigneeCountryCode: true,
  assigneeInstitutionId: true,
  countryCode: true,
  programme: true,
  subjectType: true,
  subjectId: true,
  exclusions: { select: { userId: true } },
} as const;
type TaskRecord = Prisma.TaskGetPayload<{ select: typeof TASK_SELECT }>;

const TARGET_SELECT = {
  id: true,
  name: true,
  email: true,
  role: true,
  active: true,
  countryCode: true,
  institutionId: true,
} as const;

function reassignable(task: TaskRecord): ReassignableTask {
  return { ...task, kind: task.kind as TaskKind, excludeUserIds: task.exclusions.map((e) => e.userId) };
}

function targetOf(u: Prisma.UserGetPayload<{ select: typeof TARGET_SELECT }>): ReassignTarget {
  return { userId: u.id, role: u.role, active: u.active, countryCode: u.countryCode, institutionId: u.institutionId };
}

/**
 * The open tasks that block a person's erasure, oldest first: those named to them, and those
 * waiting for their institution's members of their role when no other active member has it
 * (`soleMember`: erased, nobody could act on them).
 */
export async function blockingTasks(
  prisma: ApiContext['prisma'],
  person: { id: string; role: string; institutionId: string | null },
): Promise<(TaskRecord & { soleMember: boolean })[]> {
  const order = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];
  const [named, colleagues] = await Promise.all([
    prisma.task.findMany({
      where: { assigneeUserId: person.id, status: 'open' },
      select: TASK_SELECT,
      orderBy: order,
      take: 500,
    }),
    person.institutionId
      ? prisma.user.count({
          where: { institutionId: person.institutionId, role: person.role, active: true, id: { not: person.id } },
        })
      : 1,
  ]);
  const institutional = colleagues
    ? []
    : await prisma.task.findMany({
        where: {
          assigneeUserId: null,
          assigneeInstitutionId: person.institutionId,
          assigneeRole: person.role,
          status: 'open',
        },
        select: TASK_SELECT,
        orderBy: order,
        take: 500,
      });
  return [
    ...named.map((t) => ({ ...t, soleMember: false })),
    ...institutional.map((t) => ({ ...t, soleMember: true })),
  ];
}

function refusalError(r: Refusal) {
  return r.code === 'forbidden' ? forbidden(r.message) : conflict(r.message, 'not_allowed_now');
}

/**
 * Reassigning open tasks: an administrator hands a task named to one person to another eligible
 * person (a fund manager those of the applicant side), e.g. before erasing the first one's data.
 * The rules are domain/reassignment.ts; the workflow's `reassign` Update validates them again.
 */
export function reassignmentRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  async function openTaskFor(user: AuthUser, id: string): Promise<TaskRecord> {
    const task = await prisma.task.findUnique({ where: { id }, select: TASK_SELECT });
    if (!task || !isTaskKind(task.kind) || !canReadTask(task, user)) throw notFound('task');
    if (task.status !== 'open') throw conflict(`task ${task.id} is no longer open`, 'task_not_open');
    const refusal = reassignRefusal(reassignable(task), actorOf(user));
    if (refusal) throw refusalError(refusal);
    return task;
  }

  /** What eligibility depends on besides the person: the owner institution, who holds this kind of task already. */
  async function eligibilityContext(task: TaskRecord) {
    const spec = programmeOfSubject(task.subjectType as SubjectType);
    const [owner, holders] = await Promise.all([
      spec.withdrawal.by === 'owner_institution'
        ? prisma.$queryRaw<
            { institutionId: string | null }[]
          >`SELECT "institutionId" FROM ${Prisma.raw(`"${spec.subjectTable}"`)} WHERE "id" = ${task.subjectId}`
        : [],
      prisma.task.findMany({
        where: { workflowId: task.workflowId, kind: task.kind, status: 'open', assigneeUserId: { not: null } },
        select: { assigneeUserId: true },
      }),
    ]);
    return {
      subject: { ownerInstitutionId: owner[0]?.institutionId ?? null },
      holding: holders.map((h) => h.assigneeUserId!),
    };
  }

  /** What the routes acting on one open task share. */
  const openTaskRoute = { tag: 'Tasks', roles: [...STAFF], params: { id: TASK_ID } };

  router.add(
    {
      method: 'get',
      path: '/tasks/:id/candidates',
      operationId: 'listReassignmentCandidates',
      ...openTaskRoute,
      summary: 'Who may take over an open task',
      description:
        'Active people of the task’s role and scope (the subject’s country for a Country Office, the applicant’s institution for the applicant side; no reviewer from the applicant’s institution), ' +
        'except its assignee, people excluded from it and those holding the same task on the subject. Administrators; fund managers for the applicant side.',
      success: {
        status: 200,
        description: 'The eligible people, by name',
        schema: candidateListSchema,
      },
      errors: [404, 409],
    },
    async ({ user, params }) => {
      const task = await openTaskFor(user, params.id);
      const { subject, holding } = await eligibilityContext(task);
      const people = await prisma.user.findMany({
        where: { role: task.assigneeRole, active: true },
        select: TARGET_SELECT,
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        take: 1000,
      });
      const items = people
        .filter((u) => reassignProblems(reassignable(task), targetOf(u), subject, holding).length === 0)
        .map((u) => ({ id: u.id, name: u.name, email: u.email }));
      return { body: { items } };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/tasks/:id/reassign',
      operationId: 'updateTaskAssignee',
      ...openTaskRoute,
      summary: 'Hand an open task to another person',
      description:
        'Executes the `reassign` Update on the task’s workflow: the task then waits for the new person, who is mailed; the audit trail names who reassigned it, from whom and to whom. ' +
        '400 when the person is not eligible (see listReassignmentCandidates), 403 for a fund manager on a task outside the applicant side, 409 when the task is no longer open or waits for a role or an institution rather than one person.',
      body: reassignmentBodySchema,
      success: { status: 200, description: 'Reassigned', schema: reassignedSchema },
      errors: [404, 409],
    },
    async ({ user, params, body, req }) => {
      const task = await openTaskFor(user, params.id);
      const person = await prisma.user.findUnique({ where: { id: body.toUserId }, select: TARGET_SELECT });
      if (!person) throw validationFailed([{ path: 'toUserId', message: 'no such person' }]);
      const to = targetOf(person);
      const { subject, holding } = await eligibilityContext(task);
      const problems = reassignProblems(reassignable(task), to, subject, holding);
      if (problems.length) throw validationFailed(problems);
      const result = await withTemporalDeadline(ctx, () =>
        ctx.temporal.workflow.getHandle(task.workflowId).executeUpdate(reassignUpdate, {
          args: [{ taskId: task.id, actor: actorOf(user), to, reason: body.reason, requestId: req.requestId }],
        }),
      );
      return { body: result };
    },
  );

  router.add(
    {
      method: 'get',
      path: '/users/:id/open-tasks',
      operationId: 'listPersonOpenTasks',
      tag: 'Privacy',
      summary: 'Open tasks named to a person',
      description:
        'What blocks the person’s erasure: each open task named to them, and whether the caller may reassign it (POST /tasks/{id}/reassign); ' +
        'then the tasks waiting for their institution when they are its only active member of the task’s role (not reassignable: a colleague joins first).',
      roles: [...STAFF],
      params: { id: { description: 'The user id (the example names nobody)', example: 'u-example-nobody' } },
      success: { status: 200, description: 'Their open tasks, oldest first', schema: personOpenTasksSchema },
      errors: [404],
    },
    async ({ user, params }) => {
      const person = await prisma.user.findUnique({
        where: { id: params.id },
        select: { id: true, role: true, institutionId: true },
      });
      if (!person) throw notFound('user');
      const items = (await blockingTasks(prisma, person))
        .filter((t) => isTaskKind(t.kind))
        .map((t) => {
          const whyNot = t.soleMember ? SOLE_MEMBER_BLOCK : reassignRefusal(reassignable(t), actorOf(user))?.message;
          return {
            id: t.id,
            kind: t.kind as TaskKind,
            label: taskLabel(t.kind, user.language),
            title: t.title,
            subjectType: t.subjectType,
            subjectId: t.subjectId,
            dueAt: t.dueAt?.toISOString() ?? null,
            reassignable: !whyNot,
            whyNot: whyNot ?? null,
          };
        });
      return { body: { items } };
    },
  );
}
