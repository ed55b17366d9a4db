import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DEMO_USERS } from '../../domain/demo';
import type { Actor } from '../../domain/roles';
import type { TaskKind } from '../../domain/tasks';
import type { Stage } from '../../domain/stages';
import { decideUpdate, stateQuery, syncUpdate, type DecideResult, type TaskView } from '../../workflows/messages';
import { signatureDataOfTask } from './signature';
import { retryTransient } from './wait';

type DemoKey = keyof typeof DEMO_USERS;

export function actorOf(key: DemoKey): Actor {
  const u = DEMO_USERS[key] as {
    id: string;
    role: Actor['role'];
    countryCode?: string;
    institutionId?: string;
    expertId?: string;
  };
  return {
    userId: u.id,
    role: u.role,
    countryCode: u.countryCode ?? null,
    institutionId: u.institutionId ?? null,
    expertId: u.expertId ?? null,
  };
}

/**
 * Waits until the workflow has an open task of `kind` (optionally matching), and returns it.
 * A Query that times out (no worker has the workflow yet, e.g. right after a worker kill) is
 * retried until the deadline.
 */
export async function openTask(
  handle: WorkflowHandle,
  kind: TaskKind,
  match: (t: TaskView) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<TaskView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await retryTransient(() => handle.query(stateQuery), {
      deadlineMs: Math.max(120_000, timeoutMs),
      what: `query ${handle.workflowId}`,
    });
    const task = view.openTasks.find((t) => t.kind === kind && t.status === 'open' && match(t));
    if (task) return task;
    if (Date.now() > deadline)
      throw new Error(`no open ${kind} task; stage=${view.stage}, open=${view.openTasks.map((t) => t.kind).join(',')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function decide(
  handle: WorkflowHandle,
  kind: TaskKind,
  who: DemoKey | Actor,
  decision: string,
  extra: {
    comment?: string;
    data?: Record<string, unknown>;
    match?: (t: TaskView) => boolean;
    /** How long the task may take to open (a worker restarting on a loaded machine replays first). */
    waitMs?: number;
  } = {},
): Promise<DecideResult> {
  const task = await openTask(handle, kind, extra.match, extra.waitMs);
  const actor = typeof who === 'string' ? actorOf(who) : who;
  // Signing an agreement confirms what the task shows (the SHA-256 and statement of its English version).
  const data =
    extra.data ??
    (kind === 'contract_signature' && decision === 'sign' ? await signatureDataOfTask(task.id) : undefined);
  // One Update id for every attempt: a retry after a timeout gets the outcome of the attempt that was applied.
  const updateId = randomUUID();
  try {
    return await retryTransient(
      () =>
        handle.executeUpdate(decideUpdate, {
          updateId,
          args: [{ taskId: task.id, actor, decision, comment: extra.comment, data }],
        }),
      { what: `${kind} on ${handle.workflowId}` },
    );
  } catch (err) {
    // Surface the workflow's reason (type and message) so tests can match on it.
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      throw new Error(`${err.cause.type}: ${err.cause.message}`);
    }
    throw err;
  }
}

/**
 * The stage once the workflow waits for people again: a decision answers as soon as it is
 * recorded, and the automatic steps it leads to (an alignment check, a policy check) run after.
 */
export async function settledStage(handle: WorkflowHandle): Promise<Stage> {
  const updateId = randomUUID();
  const settled = await retryTransient(() => handle.executeUpdate(syncUpdate, { updateId }), {
    what: `sync ${handle.workflowId}`,
  });
  return settled.stage;
}

/** `decide`, answering with the stage the decision led to once the automatic steps after it have run. */
export async function decideAndSettle(...args: Parameters<typeof decide>): Promise<DecideResult> {
  const result = await decide(...args);
  return { ...result, stage: await settledStage(args[0]) };
}

/** The failure type of a refused Update (validator or handler), for assertions. */
export async function updateFailureType(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)
      return err.cause.type ?? undefined;
    throw err;
  }
}
