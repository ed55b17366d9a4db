import type pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from '../generated/prisma/client';
import { createPool, type PoolOptions } from './pg';

export type Db = PrismaClient;
export { PrismaClient };

const pools = new WeakMap<PrismaClient, pg.Pool>();

/**
 * Opens the read-model database: a pg Pool (real concurrency between the API, the worker and
 * the scripts; each statement outside a transaction commits on its own) behind Prisma's adapter.
 * Transactions run at READ COMMITTED: every read-modify-write the application does is a single
 * conditional statement (compare-and-set on the row) or is guarded by a unique key, so no
 * transaction depends on rows another one may change meanwhile; `inTransaction` retries the
 * rare deadlock or serialization failure.
 */
export async function openDatabase(databaseUrl: string, opts: PoolOptions = {}): Promise<PrismaClient> {
  const pool = createPool(databaseUrl, opts);
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool),
    // A busy worker queues transactions for a pooled connection; the defaults (2 s, 5 s) fail them under load.
    transactionOptions: { maxWait: 15_000, timeout: 30_000 },
  });
  pools.set(prisma, pool);
  const disconnect = prisma.$disconnect.bind(prisma);
  prisma.$disconnect = async () => {
    await disconnect();
    pools.delete(prisma);
    await pool.end().catch(() => undefined);
  };
  return prisma;
}

/** The pg Pool under a client from openDatabase (for statements that need no ORM). */
export function poolOf(prisma: PrismaClient): pg.Pool {
  const pool = pools.get(prisma);
  if (!pool) throw new Error('not a client made by openDatabase');
  return pool;
}

/**
 * A token that changes whenever any transaction that wrote has ended, in any process: the
 * server's current snapshot (xmin:xmax:in-progress ids). Two reads under the same snapshot see
 * the same committed data, and a commit changes every later snapshot, so a read result filed
 * under the token read *before* computing it is never served after a later change
 * (api/read-cache.ts). One round trip of microseconds on the server; undefined when the
 * database does not answer (then nothing is cached). The snapshot is the whole server's: a
 * write to another database on the same server also moves it (a miss, never a stale answer).
 */
export async function databaseVersion(prisma: PrismaClient): Promise<string | undefined> {
  const pool = pools.get(prisma);
  if (!pool) return undefined;
  try {
    const { rows } = await pool.query<{ v: string }>('SELECT pg_current_snapshot()::text AS v');
    return rows[0]?.v;
  } catch {
    return undefined;
  }
}

/**
 * The current snapshot, and whether a transaction that wrote a table of `topic` (table ReadModelChange,
 * kept by triggers) committed after snapshot `since`: a change record is visible to this statement only
 * once its transaction committed, and not visible in `since` when it committed after that snapshot was
 * taken. One round trip; undefined when the database does not answer.
 */
export async function topicChanges(
  prisma: PrismaClient,
  topic: string,
  since: string | undefined,
): Promise<{ snapshot: string; changed: boolean } | undefined> {
  const pool = pools.get(prisma);
  if (!pool) return undefined;
  try {
    const { rows } = await pool.query<{ snapshot: string; changed: boolean }>(
      `SELECT pg_current_snapshot()::text AS "snapshot",
        CASE WHEN $2::text IS NULL THEN TRUE ELSE EXISTS (
          SELECT 1 FROM "ReadModelChange" c
          WHERE c."topic" = $1 AND c."xid" >= pg_snapshot_xmin($2::text::pg_snapshot)::text::bigint
            AND NOT pg_visible_in_snapshot(c."xid"::text::xid8, $2::text::pg_snapshot)) END AS "changed"`,
      [topic, since ?? null],
    );
    return rows[0];
  } catch {
    return undefined;
  }
}

/** Deletes the change records of transactions below `xid` (visible in every snapshot taken since). */
export async function pruneTopicChanges(prisma: PrismaClient, xid: string): Promise<void> {
  await poolOf(prisma).query('DELETE FROM "ReadModelChange" WHERE "xid" < $1::bigint', [xid]);
}

/** SQLSTATEs of a transaction that lost a race and may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);

export function isRetryableTransactionError(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2034') return true;
  const text = err instanceof Error ? `${err.message} ${JSON.stringify((err as { meta?: unknown }).meta ?? '')}` : '';
  return (
    [...RETRYABLE].some((code) => text.includes(code)) || /deadlock detected|could not serialize access/.test(text)
  );
}

/**
 * Prisma codes and SQLSTATEs of a database that is busy or out of reach rather than of a bad
 * request: no connection within the pool's wait, a server that refused or dropped the
 * connection, too many connections, a transaction that timed out or lost a race, a statement
 * cancelled for its timeout. Such a request may simply be sent again later (503, not 500).
 */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034', 'P2037']);
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0|40001|40P01|55P03|57014)/;
const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionWriteConflict',
]);
const UNAVAILABLE_MESSAGE =
  /timeout exceeded when trying to connect|is not currently accepting connections|Connection terminated|connection is closed|Client has encountered a connection error|Transaction already closed|Transaction API error|ECONNREFUSED|ECONNRESET/i;
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

export function isDatabaseUnavailableError(err: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length && seen.size < 20) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const o = e as {
      code?: unknown;
      kind?: unknown;
      originalCode?: unknown;
      message?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: unknown };
    };
    if (typeof o.code === 'string' && (UNAVAILABLE_PRISMA_CODES.has(o.code) || UNAVAILABLE_NODE_CODES.has(o.code)))
      return true;
    for (const sqlstate of [
      o.originalCode,
      (o as { severity?: unknown }).severity !== undefined ? o.code : undefined,
    ]) {
      if (typeof sqlstate === 'string' && UNAVAILABLE_SQLSTATE.test(sqlstate)) return true;
    }
    if (typeof o.kind === 'string' && UNAVAILABLE_KINDS.has(o.kind)) return true;
    if (o.kind === 'postgres' && typeof o.code === 'string' && UNAVAILABLE_SQLSTATE.test(o.code)) return true;
    if (typeof o.message === 'string' && UNAVAILABLE_MESSAGE.test(o.message)) return true;
    queue.push(o.cause, o.meta?.driverAdapterError);
  }
  return false;
}

/** An interactive transaction, run again (up to 5 times) when PostgreSQL aborts it for a deadlock or serialization failure. */
export async function inTransaction<T>(
  prisma: PrismaClient,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
  opts: { isolationLevel?: Prisma.TransactionIsolationLevel } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction(fn, opts);
    } catch (err) {
      if (attempt >= 5 || !isRetryableTransactionError(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}
