import { performance } from 'node:perf_hooks';
import { decisionBodySchema, TASK_KINDS } from '../../domain/tasks';
import type { Role } from '../../domain/roles';
import type { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../../lib/db';
import { subjectTable } from '../../lib/subject-table';
import { SUBJECT_TYPES } from '../../domain/registry';
import type { ApiContext } from '../context';
import { executeDecision } from '../decide';
import { forbidden, notFound } from '../errors';
import { paged } from '../ids';
import { withReviewerChoices } from '../reviewers';
import { linksById, type ApiRouter } from '../router';
import type { AuthUser } from '../types';
import {
  decisionResponseSchema,
  taskDetailSchema,
  taskListQuerySchema,
  taskPageSchema,
  type TaskListQuery,
} from '../schemas';
import { canReadTask, isAssignedTo, isExcluded, myTasksWhere } from '../scope';
import { taskDetailView, taskView, TASK_LITE_SELECT } from '../views';

/** Whoever some task kind waits for (domain/tasks.ts): a new programme's roles decide without a change here. */
const DECIDING_ROLES = [...new Set(Object.values(TASK_KINDS).map((k) => k.role as Role))];
const TASK_SELECT = {
  ...TASK_LITE_SELECT,
  subjectType: true,
  subjectId: true,
  programme: true,
  workflowId: true,
  createdAt: true,
} as const;

/** Subject titles for a batch of tasks: one query per programme that has any, whatever the number of tasks. */
async function subjectTitles(
  prisma: PrismaClient,
  tasks: { subjectType: string; subjectId: string }[],
): Promise<Map<string, string>> {
  const rows = await Promise.all(
    SUBJECT_TYPES.map((type) => {
      const ids = [...new Set(tasks.filter((t) => t.subjectType === type).map((t) => t.subjectId))];
      return ids.length
        ? subjectTable(prisma, type).findMany({ where: { id: { in: ids } }, select: { id: true, title: true } })
        : [];
    }),
  );
  return new Map(rows.flat().map((s) => [s.id as string, s.title as string]));
}

const TASK_ID = {
  description: 'The task id, `<workflow id>:<kind>:<n>` (as GET /tasks lists it)',
  example: 'proposal-p-0a1b2c3d4e5f6g7h:co_endorsement:1',
};
const DAY_MS = 86_400_000;

/** Your tasks (scope.ts myTasksWhere) narrowed by the list's filters. */
function taskListWhere(user: AuthUser, query: TaskListQuery): Prisma.TaskWhereInput {
  const now = new Date();
  const filters: Prisma.TaskWhereInput[] = [myTasksWhere(user, query.status)];
  if (query.subject) filters.push({ subjectId: query.subject });
  if (query.kind) filters.push({ kind: query.kind });
  if (query.country) filters.push({ countryCode: query.country });
  // Overdue as the views say it (views.ts isOverdue): escalated, or past its due time while open.
  const pastDue: Prisma.TaskWhereInput = { status: 'open', dueAt: { lt: now } };
  if (query.overdue === true) filters.push({ OR: [{ overdue: true }, pastDue] });
  if (query.overdue === false)
    filters.push({ overdue: false, OR: [{ dueAt: null }, { dueAt: { gte: now } }, { status: { not: 'open' } }] });
  if (query.dueAfter) filters.push({ dueAt: { gte: new Date(`${query.dueAfter}T00:00:00.000Z`) } });
  if (query.dueBefore)
    filters.push({ dueAt: { lt: new Date(Date.parse(`${query.dueBefore}T00:00:00.000Z`) + DAY_MS) } });
  return filters.length === 1 ? filters[0] : { AND: filters };
}

export function taskRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  router.add(
    {
      method: 'get',
      path: '/tasks',
      operationId: 'listTasks',
      cached: true,
      tag: 'Tasks',
      summary: 'Your tasks: open ones soonest due first, or those decided or cancelled',
      description:
        'Tasks named to you, to the members of your institution (the applicant side of a proposal), or to your role (and country) and to no one in particular, except those you may not decide (e.g. the endorsement of a request you raised). ' +
        'Filter by subject, kind, status, country, overdue and due day. Each lists its allowed decisions with the JSON Schema of the data each needs.',
      query: taskListQuerySchema,
      success: {
        status: 200,
        description: 'A page of tasks',
        schema: taskPageSchema,
        links: {
          getTask: { operationId: 'getTask', parameters: { id: '$response.body#/items/0/id' } },
          decideTask: { operationId: 'decideTask', parameters: { id: '$response.body#/items/0/id' } },
        },
      },
    },
    async ({ user, query }) => {
      const where = taskListWhere(user, query);
      const [total, rows] = await Promise.all([
        prisma.task.count({ where }),
        prisma.task.findMany({
          where,
          select: TASK_SELECT,
          // Open: soonest due first; decided or cancelled: latest first.
          orderBy:
            query.status === 'open'
              ? [{ dueAt: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }, { id: 'asc' }]
              : [{ updatedAt: 'desc' }, { id: 'asc' }],
          skip: (query.page - 1) * query.pageSize,
          take: query.pageSize,
        }),
      ]);
      const [titles, tasks] = await Promise.all([subjectTitles(prisma, rows), withReviewerChoices(prisma, rows)]);
      return {
        body: paged(
          tasks.map((t) => taskView(t, user, titles.get(t.subjectId) ?? t.title)),
          total,
          query.page,
          query.pageSize,
        ),
      };
    },
  );

  router.add(
    {
      method: 'get',
      path: '/tasks/:id',
      operationId: 'getTask',
      cached: true,
      tag: 'Tasks',
      summary: 'One task',
      description: 'Open or decided: a task you may decide, or one of a subject you may see.',
      params: { id: TASK_ID },
      success: {
        status: 200,
        description: 'The task',
        schema: taskDetailSchema,
        links: linksById('decideTask'),
      },
      errors: [404],
    },
    async ({ user, params }) => {
      const task = await prisma.task.findUnique({
        where: { id: params.id },
        select: { ...TASK_SELECT, decision: true, decidedAt: true },
      });
      if (!task || !canReadTask(task, user)) throw notFound('task');
      const [titles, [withChoices]] = await Promise.all([
        subjectTitles(prisma, [task]),
        withReviewerChoices(prisma, [task]),
      ]);
      return { body: taskDetailView(withChoices, user, titles.get(task.subjectId) ?? task.title) };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/tasks/:id/decision',
      operationId: 'decideTask',
      tag: 'Tasks',
      summary: 'Decide a task',
      description:
        "Executes the `decide` Update on the task's workflow and answers with the stage the decision led to. " +
        'The workflow validates stage, assignee and data: 400 (invalid decision, with details), 403 (not your task), 404, 409 (no longer open). ' +
        'Accepts Idempotency-Key: a retry with the same key and body gets the answer of the decision that was applied, even when the first attempt ended in 503 or no answer. ' +
        '503 with Retry-After when Temporal or the worker does not answer within TEMPORAL_CALL_TIMEOUT_MS, or the task is not ready in its workflow yet: retry with the same key.',
      roles: DECIDING_ROLES,
      body: decisionBodySchema,
      idempotent: true,
      params: { id: TASK_ID },
      success: { status: 200, description: 'Decided', schema: decisionResponseSchema, headers: ['Server-Timing'] },
      errors: [404, 409],
    },
    async ({ user, params, body, req, res, idempotencyKey }) => {
      const task = await prisma.task.findUnique({
        where: { id: params.id },
        select: {
          id: true,
          workflowId: true,
          kind: true,
          status: true,
          assigneeUserId: true,
          assigneeRole: true,
          assigneeCountryCode: true,
          assigneeInstitutionId: true,
          countryCode: true,
          programme: true,
          exclusions: { select: { userId: true } },
        },
      });
      if (!task || !canReadTask(task, user)) throw notFound('task');
      // The workflow's own words for the same refusal (the web app translates them).
      if (isExcluded(task, user)) throw forbidden('you may not decide this task (you raised the request)');
      if (!isAssignedTo(task, user)) throw forbidden('this task is assigned to someone else');
      const started = performance.now();
      const result = await executeDecision(ctx, user, task, body, req.requestId, idempotencyKey);
      // The Temporal Update round trip (validator, workflow steps, read-model commits), for clients and benchmarks.
      res.setHeader('Server-Timing', `temporal;dur=${(performance.now() - started).toFixed(1)};desc="decide Update"`);
      return { body: result };
    },
  );
}
