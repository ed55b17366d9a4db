import fs from 'node:fs';
import path from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../generated/prisma/client';

export type Db = PrismaClient;
export { PrismaClient };

type Adapter = Awaited<ReturnType<PrismaBetterSQLite3['connect']>>;
type Tx = Awaited<ReturnType<Adapter['startTransaction']>>;

/**
 * A lock with two queues: `acquire()` resolves with the release function once the lock is free;
 * waiting single statements go before waiting transactions, each queue first come first served.
 */
class Lock {
  private held = false;
  private readonly statements: (() => void)[] = [];
  private readonly transactions: (() => void)[] = [];

  acquire(kind: 'statement' | 'transaction'): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        this.held = true;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.release();
        });
      };
      if (!this.held) grant();
      else (kind === 'statement' ? this.statements : this.transactions).push(grant);
    });
  }

  private release(): void {
    const next = this.statements.shift() ?? this.transactions.shift();
    if (next) next();
    else this.held = false;
  }
}

/**
 * The better-sqlite3 adapter runs every query on one connection, and a query made outside an
 * interactive transaction while one is open runs *inside* it: it sees the transaction's
 * uncommitted rows, and its writes are rolled back with it or become durable only when it
 * commits (an outbox row marked 'sent' could be lost by a crash long after the mail went out).
 * So a query outside a transaction waits until no transaction is open, and transactions wait
 * for each other: one lock. Single statements go first: they are short, and one of them may be
 * the row that records a mail as sent, which must not wait behind a queue of transactions (a
 * crash in that wait sends the mail again).
 */
function oneAtATime(adapter: Adapter): Adapter {
  const lock = new Lock();
  // The adapter opens transactions with a deferred BEGIN: the write lock is taken at the first
  // write, and if another process (API or worker) committed since the transaction's first read,
  // that write fails at once with SQLITE_BUSY_SNAPSHOT, which busy_timeout cannot wait out.
  // BEGIN IMMEDIATE takes the write lock up front, waiting (busy_timeout) for the other writer.
  const client = (adapter as unknown as { client?: { prepare: (sql: string) => unknown } }).client;
  if (client && typeof client.prepare === 'function') {
    const prepare = client.prepare.bind(client);
    client.prepare = (sql: string) => prepare(sql === 'BEGIN' ? 'BEGIN IMMEDIATE' : sql);
  }
  const bind = (target: object, value: unknown) => (typeof value === 'function' ? value.bind(target) : value);
  const locked =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const release = await lock.acquire('statement');
      try {
        return await fn(...args);
      } finally {
        release();
      }
    };
  async function startTransaction(isolationLevel?: Parameters<Adapter['startTransaction']>[0]): Promise<Tx> {
    const release = await lock.acquire('transaction');
    let tx: Tx;
    try {
      tx = await adapter.startTransaction(isolationLevel);
    } catch (err) {
      release();
      throw err;
    }
    const end = (fn: () => Promise<void>) => async () => {
      try {
        await fn();
      } finally {
        release();
      }
    };
    return new Proxy(tx, {
      get: (target, prop) => (prop === 'commit' || prop === 'rollback' ? end(target[prop].bind(target)) : bind(target, Reflect.get(target, prop, target))),
    });
  }
  return new Proxy(adapter, {
    get: (target, prop) => {
      if (prop === 'queryRaw' || prop === 'executeRaw' || prop === 'executeScript') return locked(target[prop].bind(target) as (...args: unknown[]) => Promise<unknown>);
      if (prop === 'startTransaction') return startTransaction;
      return bind(target, Reflect.get(target, prop, target));
    },
  });
}

/** The adapter factory with oneAtATime connections. */
function serializedAdapter(factory: PrismaBetterSQLite3): PrismaBetterSQLite3 {
  return new Proxy(factory, {
    get: (target, prop) => {
      if (prop === 'connect') return async () => oneAtATime(await target.connect());
      if (prop === 'connectToShadowDb') return async () => oneAtATime(await target.connectToShadowDb());
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function sqliteFile(databaseUrl: string): string {
  return databaseUrl.replace(/^file:/, '');
}

/**
 * Opens the read-model database. WAL lets the API read while the worker writes;
 * synchronous=FULL because an approval, once acknowledged, must survive a power cut.
 */
export async function openDatabase(databaseUrl: string): Promise<PrismaClient> {
  const file = sqliteFile(databaseUrl);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const adapter = serializedAdapter(new PrismaBetterSQLite3({ url: databaseUrl, timeout: 10_000 }));
  const prisma = new PrismaClient({ adapter });
  await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await prisma.$queryRawUnsafe('PRAGMA synchronous = FULL');
  await prisma.$queryRawUnsafe('PRAGMA busy_timeout = 10000');
  await prisma.$queryRawUnsafe('PRAGMA foreign_keys = ON');
  return prisma;
}
