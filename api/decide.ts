import { createHash } from 'node:crypto';
import type { UpdateDefinition } from '@temporalio/common';
import { isTerminal } from '../domain/stages';
import { checkDecisionShape, type DecisionBody } from '../domain/tasks';
import {
  cancelUpdate,
  decideUpdate,
  requestExtensionUpdate,
  withdrawUpdate,
  type DecideResult,
} from '../workflows/messages';
import type { ExtensionRequest } from '../domain/schemas';
import { withTemporalDeadline, type ApiContext } from './context';
import { conflict, fromTemporal, HttpError, validationFailed } from './errors';
import { canonicalJson } from './idempotency';
import { isTaskKind } from './json-schema';
import { actorOf } from './scope';
import type { AuthUser } from './types';

/**
 * The Update id of a request sent under an Idempotency-Key: the same caller, key, target and body
 * always make the same id, and Temporal answers a second Update with a known id with the outcome
 * of the first (within the workflow run). So a retry after a 503 or a lost answer gets the answer
 * of the decision that was applied, instead of "no longer open".
 */
export function keyedUpdateId(
  kind: 'decide' | 'withdraw' | 'extension' | 'cancel' | 'terminate',
  userId: string,
  key: string,
  target: string,
  body: unknown,
): string {
  return `${kind}-${createHash('sha256')
    .update(`${userId}\n${key}\n${target}\n${canonicalJson(body)}`)
    .digest('hex')
    .slice(0, 40)}`;
}

/**
 * Runs `update` even though the read model says it cannot succeed (`refusal`), when it carries a
 * keyed Update id: only a replay of this caller's own earlier Update can succeed then. Anything
 * else the workflow answers becomes the refusal, except an unavailable Temporal (503).
 */
async function replayOrRefuse<T>(
  refusal: HttpError,
  updateId: string | undefined,
  update: () => Promise<T>,
): Promise<T> {
  if (!updateId) throw refusal;
  try {
    return await update();
  } catch (err) {
    const mapped = err instanceof HttpError ? err : fromTemporal(err);
    if (mapped && mapped.status === 503) throw mapped;
    throw refusal;
  }
}

/**
 * Sends a decision to the task's workflow as the `decide` Update. The shape is checked here
 * first (a cheap 400 without a round trip); the workflow's validator is the authority on
 * stage, assignee and data, and its refusals are mapped by errors.ts. The task comes from the
 * read model: if the workflow does not know it yet (its workflow task is being redone after a
 * worker crash), the answer is 503 with Retry-After, not 404.
 */
export async function executeDecision(
  ctx: ApiContext,
  user: AuthUser,
  task: { id: string; workflowId: string; kind: string; status: string },
  body: DecisionBody,
  requestId: string,
  idempotencyKey?: string,
): Promise<DecideResult> {
  if (isTaskKind(task.kind)) {
    const problems = checkDecisionShape(task.kind, body);
    if (problems.length) throw validationFailed(problems);
  }
  const updateId = idempotencyKey ? keyedUpdateId('decide', user.id, idempotencyKey, task.id, body) : undefined;
  const handle = ctx.temporal.workflow.getHandle(task.workflowId);
  const update = () =>
    withTemporalDeadline(ctx, () =>
      handle.executeUpdate(decideUpdate, {
        ...(updateId ? { updateId } : {}),
        args: [
          {
            taskId: task.id,
            actor: actorOf(user),
            decision: body.decision,
            comment: body.comment,
            data: body.data,
            requestId,
          },
        ],
      }),
    );
  if (task.status !== 'open')
    return replayOrRefuse(conflict(`task ${task.id} is no longer open`, 'task_not_open'), updateId, update);
  try {
    return await update();
  } catch (err) {
    const mapped = fromTemporal(err);
    if (mapped?.code === 'task_not_found') {
      throw new HttpError(
        503,
        'task_not_ready',
        `task ${task.id} is not ready in its workflow yet; try again shortly`,
        undefined,
        { 'Retry-After': '2' },
      );
    }
    throw err;
  }
}

export async function executeWithdraw(
  ctx: ApiContext,
  user: AuthUser,
  subject: { workflowId: string; stage: string; what: string },
  reason: string | undefined,
  requestId: string,
  idempotencyKey?: string,
) {
  return executeSubjectUpdate(ctx, user, subject, {
    kind: 'withdraw',
    definition: withdrawUpdate,
    arg: { actor: actorOf(user), reason, requestId },
    keyed: { reason: reason ?? null },
    idempotencyKey,
  });
}

/** A no-cost extension asked of the proposal's workflow (its validator checks the milestone, the date and the asker). */
export async function executeExtensionRequest(
  ctx: ApiContext,
  user: AuthUser,
  subject: { workflowId: string; stage: string },
  body: ExtensionRequest,
  requestId: string,
  idempotencyKey?: string,
): Promise<{ taskId: string }> {
  return executeSubjectUpdate(
    ctx,
    user,
    { ...subject, what: 'proposal' },
    {
      kind: 'extension',
      definition: requestExtensionUpdate,
      arg: { ...body, actor: actorOf(user), requestId },
      keyed: body,
      idempotencyKey,
    },
  );
}

/** A fund manager's cancellation, as the `cancel` Update (its validator is the authority; domain/cancellation.ts). */
export async function executeCancel(
  ctx: ApiContext,
  user: AuthUser,
  subject: { workflowId: string; stage: string; what: string },
  reason: string,
  requestId: string,
  idempotencyKey?: string,
) {
  return executeSubjectUpdate(ctx, user, subject, {
    kind: 'cancel',
    definition: cancelUpdate,
    arg: { actor: actorOf(user), reason, requestId },
    keyed: { reason },
    idempotencyKey,
  });
}

/**
 * Sends the caller's Update to a subject's workflow: under a keyed id when the request carries an
 * Idempotency-Key (`keyed`: what the key covers besides the caller and the workflow), and refused
 * with 409 once the read model shows the subject ended, unless it replays the caller's own Update.
 */
export function executeSubjectUpdate<Ret, Arg>(
  ctx: ApiContext,
  user: AuthUser,
  subject: { workflowId: string; stage: string; what: string },
  u: {
    kind: 'withdraw' | 'extension' | 'cancel' | 'terminate';
    definition: UpdateDefinition<Ret, [Arg]>;
    arg: Arg;
    keyed: unknown;
    idempotencyKey?: string;
  },
): Promise<Ret> {
  const updateId = u.idempotencyKey
    ? keyedUpdateId(u.kind, user.id, u.idempotencyKey, subject.workflowId, u.keyed)
    : undefined;
  const handle = ctx.temporal.workflow.getHandle(subject.workflowId);
  const update = () =>
    withTemporalDeadline(ctx, () =>
      handle.executeUpdate(u.definition, { ...(updateId ? { updateId } : {}), args: [u.arg] }),
    );
  const refusal = terminalRefusal(subject.stage, subject.what);
  return refusal ? replayOrRefuse(refusal, updateId, update) : update();
}

function terminalRefusal(stage: string, what: string): HttpError | undefined {
  return isTerminal(stage) ? new HttpError(409, 'not_allowed_now', `the ${what} is ${stage}`) : undefined;
}

export function assertNotTerminal(stage: string, what: string): void {
  const refusal = terminalRefusal(stage, what);
  if (refusal) throw refusal;
}
