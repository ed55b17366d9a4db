/**
 * The read cache (api/read-cache.ts) never serves an answer older than the last write, whoever
 * made it: this process through another connection, or another process (the worker, scripts,
 * another API instance). Real PostgreSQL database, real HTTP; no Temporal call is made by these routes.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import { createApp } from '../../api/app';
import { ReadCache } from '../../api/read-cache';
import { DEMO_USERS } from '../../domain/demo';
import { loadConfig } from '../../lib/config';
import { databaseVersion, openDatabase, type PrismaClient } from '../../lib/db';
import { seedDatabase } from '../../prisma/seed';
import { proposalPayload } from '../fixtures/payloads';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let db: TestDatabase;
let api: PrismaClient;
let server: http.Server;
let base: string;

beforeAll(async () => {
  db = await createTestDatabase('read-cache');
  await seedDatabase(db.prisma);
  // The API gets its own connection, as in production: the test's writes come from another one.
  api = await openDatabase(db.url);
  const config = loadConfig({
    NODE_ENV: 'test',
    AUTH_MODE: 'dev',
    AUTH_DEV_SECRET: 'read-cache-test-secret-0123456789',
    RATE_LIMIT_PER_MINUTE: '100000',
    READ_CACHE_TTL_MS: '60000',
  });
  const app = createApp({
    prisma: api,
    temporal: {} as Client,
    config,
    logger: pino({ level: 'silent' }),
    taskQueue: 'unused',
  });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await api?.$disconnect();
  await db?.close();
});

async function token(email: string): Promise<string> {
  const res = await fetch(`${base}/auth/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function get(path: string, bearer: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
  return { status: res.status, body: await res.json() };
}

let seq = 0;
async function insertProposal(prisma: PrismaClient, stage: string): Promise<string> {
  const call = await prisma.call.findFirstOrThrow({ where: { countryCode: 'KG' } });
  const institution = await prisma.institution.findFirstOrThrow();
  const applicant = await prisma.user.findFirstOrThrow({ where: { role: 'applicant' } });
  const id = `p-cache-${++seq}`;
  const valid = proposalPayload();
  await prisma.proposal.create({
    data: {
      id,
      workflowId: `proposal-${id}`,
      countryCode: 'KG',
      title: `Cache test ${seq}`,
      callId: call.id,
      institutionId: institution.id,
      applicantId: applicant.id,
      // A row as the workflow writes it (the API checks its answers against the documented schema).
      summary: 's',
      nationalPartner: valid.nationalPartner,
      sdgs: valid.sdgs,
      thematicAreaId: (await prisma.thematicArea.findFirstOrThrow()).id,
      requestedAmountCents: 1_000_000,
      coFinancingCents: 0,
      durationMonths: 6,
      innovation: 'i',
      expectedResults: 'e',
      milestones: valid.milestones,
      stage,
      stageEnteredAt: new Date(),
      createdAt: new Date(),
    },
  });
  return id;
}

test('a write by another connection or another process is seen by the next read, while repeated reads are served from the cache', async () => {
  const fm = await token(DEMO_USERS.fundManager.email);
  const first = await get('/pipeline?programme=challenge_fund', fm);
  expect(first.status).toBe(200);
  const before = first.body.countsByStage.challenge_fund.selection as number;

  // Unchanged database: the same answer (and the cache counts a hit).
  const again = await get('/pipeline?programme=challenge_fund', fm);
  expect(again.body).toEqual(first.body);

  // Another connection in this process.
  await insertProposal(db.prisma, 'selection');
  const afterOwn = await get('/pipeline?programme=challenge_fund', fm);
  expect(afterOwn.body.countsByStage.challenge_fund.selection).toBe(before + 1);

  // Another process (as the worker or another API instance is).
  const id = await insertProposal(db.prisma, 'co_endorsement');
  execFileSync(process.execPath, [
    '-e',
    `
    const pg = require(${JSON.stringify(require.resolve('pg'))});
    const c = new pg.Client({ connectionString: ${JSON.stringify(db.url)} });
    c.connect().then(() => c.query('UPDATE "Proposal" SET "stage" = $1 WHERE "id" = $2', ['selection', ${JSON.stringify(id)}])).then(() => c.end());
  `,
  ]);
  const afterOther = await get('/pipeline?programme=challenge_fund', fm);
  expect(afterOther.body.countsByStage.challenge_fund.selection).toBe(before + 2);
  const detail = await get(`/proposals/${id}`, fm);
  expect(detail.body.stage).toBe('selection');
});

test("answers are per caller: a CO approver never gets the fund manager's cached answer", async () => {
  const fm = await token(DEMO_USERS.fundManager.email);
  const co = await token(DEMO_USERS.coKg.email);
  const all = await get('/proposals?pageSize=100', fm);
  const kg = await get('/proposals?pageSize=100', co);
  expect(all.status).toBe(200);
  expect(kg.status).toBe(200);
  expect(kg.body.items.every((p: { countryCode: string }) => p.countryCode === 'KG')).toBe(true);
  expect((await get('/pipeline?country=TJ', co)).status).toBe(403);
});

test('a deactivated user is refused on the next request, although the user row was cached', async () => {
  const co = await token(DEMO_USERS.coKg.email);
  expect((await get('/tasks', co)).status).toBe(200);
  expect((await get('/tasks', co)).status).toBe(200);
  await db.prisma.user.update({ where: { id: DEMO_USERS.coKg.id }, data: { active: false } });
  try {
    expect((await get('/tasks', co)).status).toBe(401);
  } finally {
    await db.prisma.user.update({ where: { id: DEMO_USERS.coKg.id }, data: { active: true } });
  }
  expect((await get('/tasks', co)).status).toBe(200);
});

test('ReadCache: shares one computation among concurrent callers, expires by time, forgets failures, bounds its size', async () => {
  let version = 'v1';
  let now = 0;
  const cache = new ReadCache({ version: async () => version, ttlMs: 1000, maxEntries: 2, now: () => now });
  let computed = 0;
  const compute = async () => {
    computed++;
    await new Promise((r) => setTimeout(r, 10));
    return computed;
  };
  expect(await Promise.all([cache.get('a', compute), cache.get('a', compute), cache.get('a', compute)])).toEqual([
    1, 1, 1,
  ]);
  expect(await cache.get('a', compute)).toBe(1);
  version = 'v2';
  expect(await cache.get('a', compute)).toBe(2);
  now = 1001;
  expect(await cache.get('a', compute)).toBe(3);
  await expect(cache.get('b', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  expect(await cache.get('b', async () => 'ok')).toBe('ok');
  await cache.get('c', async () => 'c');
  expect(cache.stats().entries).toBe(2);
  // Unknown version (no connection yet): nothing is cached.
  const off = new ReadCache({ version: async () => undefined, ttlMs: 1000, maxEntries: 10 });
  let n = 0;
  await off.get('x', async () => ++n);
  await off.get('x', async () => ++n);
  expect(n).toBe(2);
  // PostgreSQL's snapshot (xmin:xmax:in-progress), the same token for every connection and process.
  const before = await databaseVersion(api);
  expect(before).toMatch(/^\d+:\d+:/);
  await db.prisma.user.update({ where: { id: DEMO_USERS.coKg.id }, data: { name: DEMO_USERS.coKg.name } });
  expect(await databaseVersion(api)).not.toBe(before);
});
