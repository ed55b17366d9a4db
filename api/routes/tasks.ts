import { performance } from 'node:perf_hooks';
import { decisionBodySchema } from '../../domain/tasks';
import type { PrismaClient } from '../../lib/db';
import type { ApiContext } from '../context';
import { executeDecision } from '../decide';
import { forbidden, notFound } from '../errors';
import { paged } from '../ids';
import type { ApiRouter } from '../router';
import { decisionResponseSchema, genericObjectSchema, pageOf, taskListQuerySchema, taskSummarySchema } from '../schemas';
import { canReadTask, isAssignedTo, myTasksWhere } from '../scope';
import { taskView, TASK_LITE_SELECT } from '../views';

const TASK_SELECT = { ...TASK_LITE_SELECT, subjectType: true, subjectId: true, programme: true, workflowId: true, createdAt: true } as const;

/** Subject titles for a batch of tasks: two queries, whatever the number of tasks. */
async function subjectTitles(prisma: PrismaClient, tasks: { subjectType: string; subjectId: string }[]): Promise<Map<string, string>> {
  const proposalIds = [...new Set(tasks.filter((t) => t.subjectType === 'proposal').map((t) => t.subjectId))];
  const requestIds = [...new Set(tasks.filter((t) => t.subjectType === 'expert_request').map((t) => t.subjectId))];
  const [proposals, requests] = await Promise.all([
    proposalIds.length ? prisma.proposal.findMany({ where: { id: { in: proposalIds } }, select: { id: true, title: true } }) : [],
    requestIds.length ? prisma.expertRequest.findMany({ where: { id: { in: requestIds } }, select: { id: true, title: true } }) : [],
  ]);
  return new Map([...proposals, ...requests].map((s) => [s.id, s.title]));
}

export function taskRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  router.add(
    {
      method: 'get', path: '/tasks', cached: true, tag: 'Tasks', summary: 'Your open tasks, soonest due first',
      description: 'Tasks named to you, or to your role (and country) and to no one in particular. Each lists its allowed decisions with the JSON Schema of the data each needs.',
      query: taskListQuerySchema,
      success: { status: 200, description: 'A page of tasks', schema: pageOf(taskSummarySchema) },
    },
    async ({ user, query }) => {
      const where = myTasksWhere(user);
      const [total, rows] = await Promise.all([
        prisma.task.count({ where }),
        prisma.task.findMany({
          where,
          select: TASK_SELECT,
          orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }, { id: 'asc' }],
          skip: (query.page - 1) * query.pageSize,
          take: query.pageSize,
        }),
      ]);
      const titles = await subjectTitles(prisma, rows);
      return { body: paged(rows.map((t) => taskView(t, user, titles.get(t.subjectId) ?? t.title)), total, query.page, query.pageSize) };
    },
  );

  router.add(
    {
      method: 'get', path: '/tasks/:id', cached: true, tag: 'Tasks', summary: 'One task',
      success: { status: 200, description: 'The task', schema: genericObjectSchema }, errors: [404],
    },
    async ({ user, params }) => {
      const task = await prisma.task.findUnique({ where: { id: params.id }, select: { ...TASK_SELECT, decision: true, decidedAt: true } });
      if (!task || !canReadTask(task, user)) throw notFound('task');
      const titles = await subjectTitles(prisma, [task]);
      return { body: taskView(task, user, titles.get(task.subjectId) ?? task.title) };
    },
  );

  router.add(
    {
      method: 'post', path: '/tasks/:id/decision', tag: 'Tasks', summary: 'Decide a task',
      description:
        'Executes the `decide` Update on the task\'s workflow and answers with the stage the decision led to. ' +
        'The workflow validates stage, assignee and data: 400 (invalid decision, with details), 403 (not your task), 404, 409 (no longer open). ' +
        'Accepts Idempotency-Key: a retry with the same key and body gets the answer of the decision that was applied, even when the first attempt ended in 503 or no answer. ' +
        '503 with Retry-After when Temporal or the worker does not answer within TEMPORAL_CALL_TIMEOUT_MS, or the task is not ready in its workflow yet: retry with the same key.',
      roles: ['applicant', 'co_approver', 'fund_manager', 'reviewer', 'expert'],
      body: decisionBodySchema, idempotent: true,
      success: { status: 200, description: 'Decided', schema: decisionResponseSchema }, errors: [404, 409],
    },
    async ({ user, params, body, req, res, idempotencyKey }) => {
      const task = await prisma.task.findUnique({
        where: { id: params.id },
        select: { id: true, workflowId: true, kind: true, status: true, assigneeUserId: true, assigneeRole: true, assigneeCountryCode: true, countryCode: true },
      });
      if (!task || !canReadTask(task, user)) throw notFound('task');
      if (!isAssignedTo(task, user)) throw forbidden('this task is assigned to someone else');
      const started = performance.now();
      const result = await executeDecision(ctx, user, task, body, req.requestId, idempotencyKey);
      // The Temporal Update round trip (validator, workflow steps, read-model commits), for clients and benchmarks.
      res.setHeader('Server-Timing', `temporal;dur=${(performance.now() - started).toFixed(1)};desc="decide Update"`);
      return { body: result };
    },
  );
}
