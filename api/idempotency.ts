import { createHash } from 'node:crypto';
import { Prisma } from '../generated/prisma/client';
import type { PrismaClient } from '../lib/db';
import { badRequest, conflict, HttpError } from './errors';

/**
 * `Idempotency-Key` on creating POSTs and on decisions, withdrawals and resubmissions. The record is reserved *before* the work starts
 * (insert-first: the primary key `<userId>:<key>` makes a concurrent duplicate fail its
 * insert), then completed with the response. A duplicate with the same body waits for the
 * first to finish and gets the same response; a different body under the same key is 409.
 * Only successful responses are kept: a failed attempt releases the key so it can be retried.
 * A reservation still pending after `leaseMs` belongs to a request that died with its process
 * (crash, kill): a duplicate then takes it over and runs the work again. Creating routes derive
 * their ids from the key (ids.ts subjectId), so the re-run finds what the first attempt made.
 */
export interface StoredResponse {
  status: number;
  body: unknown;
}

const PENDING = 0;
/** Longer than any live request holds its key (every Temporal call of the API is bounded by TEMPORAL_CALL_TIMEOUT_MS, at most 25 s). */
export const IDEMPOTENCY_LEASE_MS = 45_000;
const KEY_PATTERN = /^[A-Za-z0-9._:\-]{1,200}$/;

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}

export function validKey(key: string): string {
  if (!KEY_PATTERN.test(key))
    throw badRequest('Idempotency-Key must be 1-200 characters of letters, digits, . _ : -', [
      { path: 'Idempotency-Key', message: 'invalid format' },
    ]);
  return key;
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

export interface IdempotencyOptions {
  /** How long a duplicate waits for the first request to finish. */
  waitMs?: number;
  pollMs?: number;
  /** After how long a pending reservation is presumed dead and may be taken over. */
  leaseMs?: number;
}

export async function withIdempotency(
  prisma: PrismaClient,
  scope: { userId: string; key: string; hash: string },
  work: () => Promise<StoredResponse>,
  opts: IdempotencyOptions = {},
): Promise<StoredResponse & { replayed: boolean }> {
  const id = `${scope.userId}:${scope.key}`;
  try {
    await prisma.idempotencyRecord.create({ data: { id, requestHash: scope.hash, status: PENDING, body: {} } });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const existing = await awaitExisting(prisma, id, scope.hash, opts);
    if (existing !== TAKEN_OVER) return { ...existing, replayed: true };
  }
  let result: StoredResponse;
  try {
    result = await work();
  } catch (err) {
    await prisma.idempotencyRecord.delete({ where: { id } }).catch(() => undefined);
    throw err;
  }
  if (result.status >= 200 && result.status < 300) {
    await prisma.idempotencyRecord.update({
      where: { id },
      data: { status: result.status, body: result.body as Prisma.InputJsonValue },
    });
  } else {
    await prisma.idempotencyRecord.delete({ where: { id } }).catch(() => undefined);
  }
  return { ...result, replayed: false };
}

const TAKEN_OVER = Symbol('taken over');

async function awaitExisting(
  prisma: PrismaClient,
  id: string,
  hash: string,
  opts: IdempotencyOptions,
): Promise<StoredResponse | typeof TAKEN_OVER> {
  const deadline = Date.now() + (opts.waitMs ?? 60_000);
  const leaseMs = opts.leaseMs ?? IDEMPOTENCY_LEASE_MS;
  for (;;) {
    const record = await prisma.idempotencyRecord.findUnique({ where: { id } });
    if (!record) {
      // The first attempt failed and released the key: the client may retry.
      throw conflict('an earlier request with this Idempotency-Key failed; retry the request', 'idempotency_retry');
    }
    if (record.requestHash !== hash)
      throw conflict('this Idempotency-Key was used with a different request body', 'idempotency_key_reused');
    if (record.status !== PENDING) return { status: record.status, body: record.body };
    if (Date.now() - record.createdAt.getTime() > leaseMs) {
      // Abandoned by a request that died: take the reservation over (one duplicate wins the race).
      const taken = await prisma.idempotencyRecord.updateMany({
        where: { id, status: PENDING, createdAt: record.createdAt },
        data: { createdAt: new Date() },
      });
      if (taken.count === 1) return TAKEN_OVER;
      continue;
    }
    if (Date.now() > deadline)
      throw new HttpError(
        409,
        'idempotency_in_progress',
        'a request with this Idempotency-Key is still in progress',
        undefined,
        { 'Retry-After': '2' },
      );
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
  }
}
