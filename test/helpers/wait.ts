import { isGrpcServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';

/** Polls until `check` returns a truthy value, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
  pollMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

// gRPC status codes that mean "not now" rather than "no".
const DEADLINE_EXCEEDED = 4;
const UNAVAILABLE = 14;
const RESOURCE_EXHAUSTED = 8;
const FAILED_PRECONDITION = 9;

/**
 * Whether a Temporal client error is transient: the server or a worker did not answer in time
 * (a Query right after a worker kill times out until a new worker has picked the workflow up),
 * or the workflow task is being retried (the server refuses Updates with FAILED_PRECONDITION
 * "Workflow Task in failed state" while a task that timed out with the killed worker is redone).
 */
export function isTransientTemporalError(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (isGrpcServiceError(e)) {
      return (
        [DEADLINE_EXCEEDED, UNAVAILABLE, RESOURCE_EXHAUSTED].includes(e.code) ||
        (e.code === FAILED_PRECONDITION && /Workflow Task in failed state/i.test(e.message))
      );
    }
    if (
      e instanceof Error &&
      /DEADLINE_EXCEEDED|query timed out|UNAVAILABLE/i.test(e.message) &&
      !/Channel has been shut down/.test(e.message)
    )
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Runs `fn` until it succeeds, retrying transient Temporal errors with a growing pause until
 * `deadlineMs` has passed; other errors are thrown at once. Only for calls that are safe to
 * repeat: Queries, and Updates sent with a fixed updateId.
 */
export async function retryTransient<T>(
  fn: () => Promise<T>,
  opts: { deadlineMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.deadlineMs ?? 120_000);
  let pause = 200;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransientTemporalError(err) || Date.now() + pause > deadline) {
        if (err instanceof Error && opts.what) err.message = `${opts.what}: ${err.message}`;
        throw err;
      }
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 2000);
    }
  }
}

/**
 * Waits for every promise to settle, then throws the first failure: unlike Promise.all, no
 * driver is left running (and calling a client) after the test has failed and its afterAll
 * closed the connections.
 */
export async function allSettledOrThrow<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
