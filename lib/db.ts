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

/** SQLSTATEs of a transaction that lost a race and may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);

export function isRetryableTransactionError(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2034') return true;
  const text = err instanceof Error ? `${err.message} ${JSON.stringify((err as { meta?: unknown }).meta ?? '')}` : '';
  return [...RETRYABLE].some((code) => text.includes(code)) || /deadlock detected|could not serialize access/.test(text);
}

/** An interactive transaction, run again (up to 5 times) when PostgreSQL aborts it for a deadlock or serialization failure. */
export async function inTransaction<T>(prisma: PrismaClient, fn: (tx: Prisma.TransactionClient) => Promise<T>, opts: { isolationLevel?: Prisma.TransactionIsolationLevel } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction(fn, opts);
    } catch (err) {
      if (attempt >= 5 || !isRetryableTransactionError(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}
