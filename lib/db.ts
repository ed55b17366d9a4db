import fs from 'node:fs';
import path from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../generated/prisma/client';
import { openSentLedger, type SentLedger } from './sent-ledger';

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
interface RawConnection {
  prepare: (sql: string) => { get: () => unknown; pluck?: (on?: boolean) => unknown };
  pragma?: (source: string, options?: { simple?: boolean }) => unknown;
}

function oneAtATime(adapter: Adapter, onConnect?: (raw: RawConnection) => void): Adapter {
  const lock = new Lock();
  // The adapter opens transactions with a deferred BEGIN: the write lock is taken at the first
  // write, and if another process (API or worker) committed since the transaction's first read,
  // that write fails at once with SQLITE_BUSY_SNAPSHOT, which busy_timeout cannot wait out.
  // BEGIN IMMEDIATE takes the write lock up front, waiting (busy_timeout) for the other writer.
  const client = (adapter as unknown as { client?: RawConnection }).client;
  if (client && typeof client.prepare === 'function') {
    const prepare = client.prepare.bind(client);
    client.prepare = (sql: string) => prepare(sql === 'BEGIN' ? 'BEGIN IMMEDIATE' : sql);
    onConnect?.(client);
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
function serializedAdapter(factory: PrismaBetterSQLite3, onConnect?: (raw: RawConnection) => void): PrismaBetterSQLite3 {
  return new Proxy(factory, {
    get: (target, prop) => {
      if (prop === 'connect') return async () => oneAtATime(await target.connect(), onConnect);
      if (prop === 'connectToShadowDb') return async () => oneAtATime(await target.connectToShadowDb());
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const versions = new WeakMap<PrismaClient, () => string | undefined>();

/**
 * A token that changes whenever the database changes, by any process: SQLite's data_version
 * (commits by other connections: the worker, scripts) with this connection's total_changes()
 * (its own writes). Reading it costs microseconds and no query through Prisma, so a cache of
 * read results can be keyed by it (api/read-cache.ts). Undefined before the first query.
 */
export function databaseVersion(prisma: PrismaClient): string | undefined {
  return versions.get(prisma)?.();
}

const ledgers = new WeakMap<PrismaClient, () => SentLedger | undefined>();

/** The sent-mail ledger next to this database (lib/sent-ledger.ts), opened on first use. */
export function sentLedgerOf(prisma: PrismaClient): SentLedger | undefined {
  return ledgers.get(prisma)?.();
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
  // Both counters start again on a new connection: the generation keeps versions from repeating.
  let raw: RawConnection | undefined;
  let generation = 0;
  let totalChanges: { get: () => unknown } | undefined;
  const adapter = serializedAdapter(new PrismaBetterSQLite3({ url: databaseUrl, timeout: 10_000 }), (connection) => {
    raw = connection;
    generation++;
    totalChanges = undefined;
  });
  const prisma = new PrismaClient({ adapter });
  let ledger: SentLedger | undefined;
  if (file !== ':memory:') {
    ledgers.set(prisma, () => (ledger ??= openSentLedger(file)));
    const disconnect = prisma.$disconnect.bind(prisma);
    prisma.$disconnect = async () => {
      ledger?.close();
      ledger = undefined;
      await disconnect();
    };
  }
  versions.set(prisma, () => {
    if (!raw?.pragma) return undefined;
    totalChanges ??= raw.prepare('SELECT total_changes() AS "n"');
    const own = (totalChanges.get() as { n: number }).n;
    return `${generation}.${String(raw.pragma('data_version', { simple: true }))}.${own}`;
  });
  await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await prisma.$queryRawUnsafe('PRAGMA synchronous = FULL');
  await prisma.$queryRawUnsafe('PRAGMA busy_timeout = 10000');
  await prisma.$queryRawUnsafe('PRAGMA foreign_keys = ON');
  return prisma;
}
