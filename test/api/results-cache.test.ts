/**
 * The results dashboard's cache (api/read-cache.ts by topic, lib/db.ts `topicChanges`): an answer is
 * reused until a transaction that wrote a table the dashboard reads commits, on any API instance, and
 * not recomputed for writes elsewhere (a token's last use, a task, a mail). Two API instances, each
 * with its own connection pool and cache, as two processes have; writes through the API, through
 * another connection and from another process. Real PostgreSQL, real HTTP; no Temporal call is made.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import pg from 'pg';
import { createApp } from '../../api/app';
import { ReadCache } from '../../api/read-cache';
import { DEMO_USERS } from '../../domain/demo';
import { PROGRAMME_LIST } from '../../domain/registry';
import { loadConfig } from '../../lib/config';
import { databaseVersion, openDatabase, pruneTopicChanges, topicChanges, type PrismaClient } from '../../lib/db';
import { seedDatabase } from '../../prisma/seed';
import { seedHistory } from '../../prisma/seed-history';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let db: TestDatabase;
const instances: { prisma: PrismaClient; server: http.Server; base: string }[] = [];

beforeAll(async () => {
  db = await createTestDatabase('results-cache');
  await seedDatabase(db.prisma);
  await seedHistory(db.prisma, 40);
  const config = loadConfig({
    NODE_ENV: 'test',
    AUTH_MODE: 'dev',
    AUTH_DEV_SECRET: 'results-cache-test-secret-0123456789',
    RATE_LIMIT_PER_MINUTE: '100000',
    READ_CACHE_TTL_MS: '60000',
  });
  for (let i = 0; i < 2; i++) {
    const prisma = await openDatabase(db.url);
    const app = createApp({
      prisma,
      temporal: {} as Client,
      config,
      logger: pino({ level: 'silent' }),
      taskQueue: 'x',
    });
    const server = http.createServer(app);
    // Longer than any pause between requests here, so fetch never reuses a socket the server is closing.
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    instances.push({ prisma, server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  }
});

afterAll(async () => {
  for (const i of instances) {
    await new Promise((resolve) => i.server.close(resolve));
    await i.prisma.$disconnect();
  }
  await db?.close();
});

async function token(email: string): Promise<string> {
  const res = await fetch(`${instances[0].base}/auth/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function call(instance: number, method: 'GET' | 'POST', path: string, bearer: string, body?: unknown) {
  const res = await fetch(`${instances[instance].base}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Runs statements in another Node process, as the worker or another API instance would. */
function inAnotherProcess(sql: string, params: unknown[]): void {
  execFileSync(process.execPath, [
    '-e',
    `
    const pg = require(${JSON.stringify(require.resolve('pg'))});
    const c = new pg.Client({ connectionString: ${JSON.stringify(db.url)} });
    c.connect().then(() => c.query(${JSON.stringify(sql)}, ${JSON.stringify(params)})).then(() => c.end());
  `,
  ]);
}

test('a result reported through one API instance is in the next dashboard read on the other, which had it cached', async () => {
  const fm = await token(DEMO_USERS.fundManager.email);
  const subject = await db.prisma.proposal.findFirstOrThrow({
    where: { workflowId: { startsWith: 'imported-' } },
    select: { id: true, countryCode: true },
  });
  const paths = ['/results', `/results?country=${subject.countryCode}`, '/results/items?reported=true&pageSize=100'];
  const before = await Promise.all(paths.map((p) => call(1, 'GET', p, fm)));
  for (const r of before) expect(r.status).toBe(200);
  // Read again on instance 1: cached (the same answer).
  for (const [i, p] of paths.entries()) expect((await call(1, 'GET', p, fm)).body).toEqual(before[i].body);

  const reported = await call(0, 'POST', `/proposals/${subject.id}/results/reports`, fm, {
    periodStart: '2001-01-01',
    periodEnd: '2001-01-31',
    values: { beneficiaries: 7, beneficiariesWomen: 4 },
  });
  expect(reported.status).toBe(201);

  const [all, country, items] = await Promise.all(paths.map((p) => call(1, 'GET', p, fm)));
  expect(all.body.totals.beneficiaries).toBe(before[0].body.totals.beneficiaries + 7);
  expect(all.body.totals.beneficiariesWomen).toBe(before[0].body.totals.beneficiariesWomen + 4);
  expect(country.body.totals.beneficiaries).toBe(before[1].body.totals.beneficiaries + 7);
  expect(items.body.totals.beneficiaries).toBe(before[2].body.totals.beneficiaries + 7);
  // The figure equals the sum of the reported values in the database.
  const [sum] = await db.prisma.$queryRaw<{ n: bigint }[]>`
    SELECT COALESCE(SUM("value"), 0)::bigint AS "n" FROM "ResultValue" WHERE "kind" = 'actual' AND "indicator" = 'beneficiaries'`;
  expect(all.body.totals.beneficiaries).toBe(Number(sum.n));

  // A payment released by another process (the worker): in the next read, on both instances.
  inAnotherProcess(
    `INSERT INTO "Payment" ("id", "workflowId", "subjectType", "subjectId", "payee", "amountCents", "status")
     SELECT 'pay-cache-test', "workflowId", 'proposal', "id", 'test', 12345, 'released' FROM "Proposal" WHERE "id" = $1`,
    [subject.id],
  );
  for (const instance of [0, 1]) {
    const after = await call(instance, 'GET', '/results', fm);
    expect(after.body.totals.disbursedUsd).toBeCloseTo(all.body.totals.disbursedUsd + 123.45, 2);
  }
});

test('callers who see the same share one answer: fund managers, admins and auditors alike; a CO approver its country', async () => {
  const fm = await token(DEMO_USERS.fundManager.email);
  const auditor = await token(DEMO_USERS.auditor.email);
  const co = await token(DEMO_USERS.coKg.email);
  const a = await call(0, 'GET', '/results', fm);
  const b = await call(0, 'GET', '/results', auditor);
  expect(b.body).toEqual(a.body);
  const mine = await call(0, 'GET', '/results', co);
  expect(mine.body.filters.country).toBe('KG');
  expect(mine.body).toEqual((await call(0, 'GET', '/results?country=KG', fm)).body);
  expect((await call(0, 'GET', '/results?country=TJ', co)).status).toBe(403);
});

test('ReadCache by topic on the database: writes elsewhere keep the answer, a committed write to a results table recomputes it', async () => {
  const prisma = instances[1].prisma;
  const cache = new ReadCache({
    version: () => databaseVersion(prisma),
    topicChanges: (topic, since) => topicChanges(prisma, topic, since),
    ttlMs: 60_000,
    topicTtlMs: 60_000,
    maxEntries: 10,
  });
  let computed = 0;
  const get = () => cache.get('k', async () => ++computed, { topic: 'results' });
  expect(await get()).toBe(1);
  expect(await get()).toBe(1);

  // A write to a table the dashboard does not read: the database version moves, the answer stays.
  const version = await databaseVersion(prisma);
  await db.prisma.user.update({ where: { id: DEMO_USERS.coKg.id }, data: { name: DEMO_USERS.coKg.name } });
  expect(await databaseVersion(prisma)).not.toBe(version);
  expect(await get()).toBe(1);

  // A transaction writing a results table: not seen while open, seen as soon as it commits.
  const other = new pg.Client({ connectionString: db.url });
  await other.connect();
  try {
    await other.query('BEGIN');
    await other.query(`UPDATE "Proposal" SET "title" = "title" WHERE "id" = (SELECT "id" FROM "Proposal" LIMIT 1)`);
    expect(await get()).toBe(1);
    await other.query('COMMIT');
    expect(await get()).toBe(2);
    // Rolled back: nothing committed, nothing to recompute.
    await other.query('BEGIN');
    await other.query(`UPDATE "Payment" SET "amountCents" = "amountCents" + 1`);
    await other.query('ROLLBACK');
    expect(await get()).toBe(2);
  } finally {
    await other.end();
  }
  // From another process.
  inAnotherProcess(`UPDATE "ResultValue" SET "value" = "value" WHERE "indicator" = 'beneficiaries'`, []);
  expect(await get()).toBe(3);

  // Pruning the records of transactions every current snapshot sees changes nothing.
  const [{ xmin }] = await db.prisma.$queryRaw<{ xmin: string }[]>`
    SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS "xmin"`;
  await pruneTopicChanges(prisma, xmin);
  expect(await get()).toBe(3);
  await db.prisma.$executeRaw`UPDATE "Contract" SET "status" = "status"`;
  expect(await get()).toBe(4);
});

test("every table the results read records its transactions for the cache (a new programme's table included)", async () => {
  const tables = [
    ...PROGRAMME_LIST.map((p) => p.subjectTable),
    'Contract',
    'Payment',
    'ResultValue',
    'ResultSubjectFigures',
    'Institution',
  ];
  const rows = await db.prisma.$queryRaw<{ table: string }[]>`
    SELECT c.relname AS "table" FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
    WHERE p.proname = 'read_model_changed' AND encode(t.tgargs, 'escape') LIKE 'results%'`;
  expect(rows.map((r) => r.table).sort()).toEqual(expect.arrayContaining(tables.sort()));
});
