import { Client, Connection } from '@temporalio/client';
import { DEMO_USERS } from '../../domain/demo';
import type { PrismaClient } from '../../lib/db';
import { stopProcess, type ApiInstance, type Stack } from '../../lib/stack';
import { stateQuery } from '../../workflows/messages';
import { proposalPayload } from '../fixtures/payloads';
import { checkDeliveryRule } from '../helpers/delivery-rule';
import { auditRowsOfHistory, createApplicants } from '../helpers/drive';
import type { TestSmtp } from '../helpers/smtp';
import { eventually, retryTransient } from '../helpers/wait';
import {
  BalancedHttpApi,
  createProposalOverHttp,
  driveProposalOverHttp,
  HttpApi,
  startHttpStack,
  stopHttpStack,
  type DriveStats,
  type HttpApplicant,
} from './http';

/**
 * Two API and two worker processes on one database and one Temporal server, as a deployment runs
 * them. Clients reach the APIs in turn (a load balancer); one API and one worker are SIGKILLed
 * while lifecycles are in flight. What one instance stored (idempotency keys, rate-limit
 * counters, the writes that invalidate the read cache) holds on the other.
 */
const LIFECYCLES = 8;
const RATE_LIMIT = 300;

let stack: Stack;
let smtp: TestSmtp;
let prisma: PrismaClient;
let api2: ApiInstance;
let worker2: Awaited<ReturnType<Stack['spawnWorker']>>;
let a: HttpApi;
let b: HttpApi;
let balanced: BalancedHttpApi;
const logs: string[] = [];

beforeAll(async () => {
  ({ stack, smtp, prisma } = await startHttpStack({
    // A read cached for a minute: only the shared invalidation can make a write visible on the other instance.
    env: { RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT), READ_CACHE_TTL_MS: '60000', OUTBOX_LEASE_MS: '3000' },
    log: (line) => {
      logs.push(line);
      if (logs.length > 2000) logs.splice(0, 1000);
    },
  }));
  [api2, worker2] = await Promise.all([stack.spawnApi(), stack.spawnWorker()]);
  a = new HttpApi(stack.apiUrl);
  b = new HttpApi(api2.url);
  balanced = new BalancedHttpApi([stack.apiUrl, api2.url], 60_000);
}, 240_000);

afterAll(async () => {
  for (const c of [a, b, balanced]) c?.close();
  await stopHttpStack({ stack, smtp, prisma });
});

async function openTask(api: HttpApi, proposalId: string, kind: string, token: string): Promise<string> {
  return eventually(
    async () => {
      const view = await api.get(`/proposals/${proposalId}`, token);
      return (view.body?.openTasks as { id: string; kind: string }[] | undefined)?.find((t) => t.kind === kind)?.id;
    },
    60_000,
    200,
  );
}

test('an Idempotency-Key stored through one API instance replays on the other', async () => {
  const [applicant] = await createApplicants(prisma, 1, 'idem');
  const token = await a.token('idem-0@example.org');
  const body = proposalPayload({ title: 'Keyed across instances' });
  const first = await a.post('/proposals', body, token, { 'Idempotency-Key': 'cross-create' });
  expect(first.status).toBe(201);
  const again = await b.post('/proposals', body, token, { 'Idempotency-Key': 'cross-create' });
  expect({ status: again.status, id: again.body.id, replayed: again.headers.get('Idempotent-Replayed') }).toEqual({
    status: 201,
    id: first.body.id,
    replayed: 'true',
  });
  const other = await b.post('/proposals', proposalPayload({ title: 'Another body' }), token, {
    'Idempotency-Key': 'cross-create',
  });
  expect({ status: other.status, code: other.body.error?.code }).toEqual({
    status: 409,
    code: 'idempotency_key_reused',
  });
  expect(await prisma.proposal.count({ where: { institutionId: applicant.institutionId } })).toBe(1);

  const co = await b.token(DEMO_USERS.coKg.email);
  const taskId = await openTask(b, first.body.id, 'co_endorsement', co);
  const decision = { decision: 'endorse', comment: 'keyed decision' };
  const decided = await b.post(`/tasks/${encodeURIComponent(taskId)}/decision`, decision, co, {
    'Idempotency-Key': 'cross-decide',
  });
  expect(decided.status).toBe(200);
  const replayed = await a.post(`/tasks/${encodeURIComponent(taskId)}/decision`, decision, co, {
    'Idempotency-Key': 'cross-decide',
  });
  expect({
    status: replayed.status,
    body: replayed.body,
    replayed: replayed.headers.get('Idempotent-Replayed'),
  }).toEqual({ status: 200, body: decided.body, replayed: 'true' });
  const decisions = await prisma.auditEvent.findMany({
    where: { workflowId: `proposal-${first.body.id}`, action: 'decision' },
    select: { data: true },
  });
  expect(decisions.filter((d) => (d.data as { taskId?: string }).taskId === taskId)).toHaveLength(1);
}, 120_000);

test(`the rate limit (${RATE_LIMIT}/min) holds across instances: requests alternating between the two are counted together`, async () => {
  await createApplicants(prisma, 1, 'limited');
  const token = await a.token('limited-0@example.org');
  // A client address of its own (the APIs believe X-Forwarded-For from loopback), so only these requests count.
  const headers = { 'X-Forwarded-For': '203.0.113.77' };
  const statuses = { a: [] as number[], b: [] as number[] };
  const total = RATE_LIMIT + 40;
  for (let i = 0; i < total; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, total - i) }, async (_, j) => {
        const [name, api] = (i + j) % 2 ? (['b', b] as const) : (['a', a] as const);
        statuses[name].push((await api.post('/proposals/p-none/withdraw', {}, token, headers)).status);
      }),
    );
  }
  const all = [...statuses.a, ...statuses.b];
  expect(all.filter((s) => s === 429)).toHaveLength(total - RATE_LIMIT);
  expect(all.filter((s) => s === 404)).toHaveLength(RATE_LIMIT);
  // Each instance alone saw about half the requests, far below the limit, yet both refused.
  expect(statuses.a.filter((s) => s === 429).length).toBeGreaterThan(0);
  expect(statuses.b.filter((s) => s === 429).length).toBeGreaterThan(0);
}, 120_000);

test("a write through one instance is visible on the other instance's next read (read cache shared through the database)", async () => {
  const token = await a.token(DEMO_USERS.reviewer3.email);
  for (const language of ['ru', 'en', 'ru']) {
    expect((await b.get('/me', token)).status).toBe(200); // cached on b (READ_CACHE_TTL_MS is a minute)
    const patched = await a.request('PATCH', '/me', { token, body: { language } });
    expect({ status: patched.status, language: patched.body.language }).toEqual({ status: 200, language });
    expect((await b.get('/me', token)).body.language).toBe(language);
  }
}, 60_000);

test(`${LIFECYCLES} lifecycles through both APIs in turn, one API and one worker SIGKILLed mid-flight: each closes, every decision and audit event once, every mail delivered`, async () => {
  const applicants: HttpApplicant[] = (await createApplicants(prisma, LIFECYCLES, 'inst')).map((x, i) => ({
    ...x,
    email: `inst-${i}@example.org`,
  }));
  const ids = await Promise.all(applicants.map((x, i) => createProposalOverHttp(balanced, x, `inst-${i}`)));
  const stats: DriveStats = { decided: 0, retried: 0, alreadyApplied: 0 };
  let killed: Promise<void> | undefined;
  const crash = (step: number) => {
    // Once the first lifecycle is at its sixth decision, the first API and the second worker die together.
    if (step === 6 && !killed)
      killed = Promise.all([stopProcess(stack.api, 'SIGKILL'), stopProcess(worker2, 'SIGKILL')]).then(() => undefined);
  };
  const drives = await Promise.allSettled(
    ids.map((id, i) => driveProposalOverHttp(balanced, id, applicants[i], stats, crash, 240_000)),
  );
  await killed;
  const failed = drives.filter((d): d is PromiseRejectedResult => d.status === 'rejected');
  if (failed.length)
    throw new Error(`${failed.length} drives failed: ${failed[0].reason}\n${logs.slice(-30).join('\n')}`);
  expect(killed).toBeDefined();
  expect(stack.api!.signalCode).toBe('SIGKILL');
  expect(worker2.signalCode).toBe('SIGKILL');
  // Both instances served the drive.
  expect([...balanced.sent.values()].every((n) => n > 50)).toBe(true);

  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const client = new Client({ connection });
    let missing = 0;
    let duplicated = 0;
    for (const id of ids) {
      const handle = client.workflow.getHandle(`proposal-${id}`);
      expect(await retryTransient(() => handle.result())).toBe('closed');
      const view = await retryTransient(() => handle.query(stateQuery));
      const opened = view.history.filter((e) => e.action === 'task_opened').length;
      const tasks = await prisma.task.count({ where: { workflowId: handle.workflowId } });
      const decisions = await prisma.auditEvent.findMany({
        where: { workflowId: handle.workflowId, action: 'decision' },
        select: { data: true },
      });
      const decidedTasks = new Set(decisions.map((d) => (d.data as { taskId?: string }).taskId));
      const payments = await prisma.payment.count({ where: { workflowId: handle.workflowId } });
      const audit = await auditRowsOfHistory(prisma, handle.workflowId, view.history);
      if (tasks < opened || decidedTasks.size < 18 || payments < 3 || audit < view.history.length) missing++;
      if (
        tasks > opened ||
        decisions.length > decidedTasks.size ||
        decisions.length > 18 ||
        payments > 3 ||
        audit > view.history.length
      )
        duplicated++;
    }
    expect({ missing, duplicated }).toEqual({ missing: 0, duplicated: 0 });
  } finally {
    await connection.close();
  }

  // The delivery rule, once the surviving worker has delivered what the killed one left.
  const rule = await eventually(
    async () => {
      const r = await checkDeliveryRule(prisma, smtp.mails);
      return r.pending === 0 && r.missing.length === 0 ? r : undefined;
    },
    90_000,
    500,
  ).catch(() => checkDeliveryRule(prisma, smtp.mails));
  expect(rule.expected).toBeGreaterThan(LIFECYCLES * 10);
  expect({ pending: rule.pending, missing: rule.missing, foreign: rule.foreign }).toEqual({
    pending: 0,
    missing: [],
    foreign: [],
  });
  // eslint-disable-next-line no-console
  console.log(
    JSON.stringify({
      stats,
      sent: Object.fromEntries(balanced.sent),
      statuses: balanced.tally(),
      mails: rule.expected,
      repeated: rule.repeated,
    }),
  );
}, 420_000);
