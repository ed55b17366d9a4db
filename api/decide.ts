import { decisionData, TASK_KINDS, type DecisionBody, type DecisionDataKey, type DecisionProblem, type TaskKind } from '../domain/tasks';
import { decideUpdate, withdrawUpdate, type DecideResult } from '../workflows/messages';
import { withTemporalDeadline, type ApiContext } from './context';
import { conflict, HttpError, validationFailed, zodDetails } from './errors';
import { isTaskKind } from './json-schema';
import { actorOf } from './scope';
import type { AuthUser } from './types';

/**
 * Sends a decision to the task's workflow as the `decide` Update. The shape is checked here
 * first (a cheap 400 without a round trip); the workflow's validator is the authority on
 * stage, assignee and data, and its refusals are mapped by errors.ts.
 */
export async function executeDecision(
  ctx: ApiContext,
  user: AuthUser,
  task: { id: string; workflowId: string; kind: string; status: string },
  body: DecisionBody,
  requestId: string,
): Promise<DecideResult> {
  if (task.status !== 'open') throw conflict(`task ${task.id} is no longer open`, 'task_not_open');
  if (isTaskKind(task.kind)) {
    const problems = decisionShapeProblems(task.kind, body);
    if (problems.length) throw validationFailed(problems);
  }
  const handle = ctx.temporal.workflow.getHandle(task.workflowId);
  return withTemporalDeadline(ctx, () =>
    handle.executeUpdate(decideUpdate, {
      args: [{ taskId: task.id, actor: actorOf(user), decision: body.decision, comment: body.comment, data: body.data, requestId }],
    }),
  );
}

/**
 * The shape check of domain/tasks.ts `checkDecisionShape`, with field-level paths for unknown
 * keys (`data.foo: unknown field`) like every other 400 of the API.
 */
export function decisionShapeProblems(kind: TaskKind, body: DecisionBody): DecisionProblem[] {
  const decisions = TASK_KINDS[kind].decisions as Record<string, { data: DecisionDataKey; commentRequired?: boolean }>;
  const spec = decisions[body.decision];
  if (!spec) return [{ path: 'decision', message: `must be one of: ${Object.keys(decisions).join(', ')}` }];
  const problems: DecisionProblem[] = [];
  if (spec.commentRequired && !body.comment?.trim()) problems.push({ path: 'comment', message: 'a comment is required for this decision' });
  const parsed = decisionData[spec.data].safeParse(body.data ?? {});
  if (!parsed.success) problems.push(...zodDetails(parsed.error.issues, ['data']));
  return problems;
}

export async function executeWithdraw(ctx: ApiContext, user: AuthUser, workflowId: string, reason: string | undefined, requestId: string) {
  const handle = ctx.temporal.workflow.getHandle(workflowId);
  return withTemporalDeadline(ctx, () => handle.executeUpdate(withdrawUpdate, { args: [{ actor: actorOf(user), reason, requestId }] }));
}

export function assertNotTerminal(stage: string, what: string): void {
  if (['closed', 'rejected', 'withdrawn', 'cancelled'].includes(stage)) throw new HttpError(409, 'not_allowed_now', `the ${what} is ${stage}`);
}
