import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../../api/app';
import { DEMO_USERS } from '../../domain/demo';
import { loadConfig } from '../../lib/config';
import { openDatabase, type PrismaClient } from '../../lib/db';
import { logger } from '../../lib/logger';
import { freePort, startStack, type Stack } from '../../lib/stack';
import { createApplicants } from '../helpers/drive';
import { startTestSmtpServer, type TestSmtpServer } from '../notifications/smtp-test-server';
import {
  createProposalOverHttp,
  driveProposalOverHttp,
  HttpApi,
  sleep,
  type DriveStats,
  type HttpApplicant,
} from '../resilience/http';

/**
 * Prometheus metrics of the real processes after a lifecycle: the API's request histogram (by
 * route pattern) and in-flight gauge, the worker's Temporal SDK metrics, and the domain gauges
 * read from the database, each checked against what happened; the metrics port needs the token,
 * and the API port does not serve them.
 */
const TOKEN = 'metrics-token-0123456789abcdef';
// 26 s to endorse: the driven proposal is endorsed at once, the other one becomes overdue during the test.
const SLA_ENDORSEMENT_DAYS = String(26 / 86_400);

let stack: Stack;
let smtp: TestSmtpServer;
let prisma: PrismaClient;
let api: HttpApi;
let metricsPort: number;
let workerMetricsPort: number;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format, the sample lines only. */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.length ? found.reduce((sum, s) => sum + s.value, 0) : undefined;
}

async function scrape(port: number, token?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, text: await res.text() };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

beforeAll(async () => {
  // One CO approver's mailbox rejects every mail (550): those mails are recorded as failed.
  smtp = await startTestSmtpServer({ reject: { [DEMO_USERS.coKg2.email]: 550 } });
  [metricsPort, workerMetricsPort] = [await freePort(), await freePort()];
  stack = await startStack({
    api: true,
    env: {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      RATE_LIMIT_PER_MINUTE: '100000',
      METRICS_PORT: String(metricsPort),
      METRICS_TOKEN: TOKEN,
      WORKER_METRICS_PORT: String(workerMetricsPort),
      SLA_ENDORSEMENT_DAYS,
    },
  });
  prisma = await openDatabase(stack.databaseUrl);
  api = new HttpApi(stack.apiUrl);
}, 180_000);

afterAll(async () => {
  api?.close();
  await prisma?.$disconnect();
  await stack?.stop();
  await smtp?.stop();
});

test('after a lifecycle the metrics show the request histogram, the SDK worker metrics and the domain gauges with the right values', async () => {
  const [applicant, other] = (await createApplicants(prisma, 2, 'metrics')).map((a, i) => ({
    ...a,
    email: `metrics-${i}@example.org`,
  })) as HttpApplicant[];

  const closedId = await createProposalOverHttp(api, applicant, 'metrics-lifecycle');
  // A second proposal waits for its endorsement past the SLA.
  const waitingId = await createProposalOverHttp(api, other, 'metrics-waiting');
  const stats: DriveStats = { decided: 0, retried: 0, alreadyApplied: 0 };
  await driveProposalOverHttp(api, closedId, applicant, stats);
  expect(stats).toEqual({ decided: 18, retried: 0, alreadyApplied: 0 });

  // Settle: the lifecycle closed, the waiting proposal's task is past due and flagged, no mail is left to send.
  await until(
    'the lifecycle to close, the waiting task to be flagged overdue and the outbox to drain',
    async () => {
      const [closed, flagged, pending] = await Promise.all([
        prisma.proposal.count({ where: { id: closedId, stage: 'closed' } }),
        prisma.task.count({ where: { subjectId: waitingId, status: 'open', overdue: true } }),
        prisma.outbox.count({ where: { status: 'pending' } }),
      ]);
      return closed === 1 && flagged === 1 && pending === 0;
    },
    180_000,
  );

  // --- the API (metrics port, with the token) ---
  const scraped = await scrape(metricsPort, TOKEN);
  expect(scraped.status).toBe(200);
  const m = parseMetrics(scraped.text);

  // Requests by route pattern and status: the 18 decisions, the two creations; no raw ids as labels.
  expect(
    valueOf(m, 'http_request_duration_seconds_count', {
      method: 'POST',
      route: '/tasks/:id/decision',
      status_code: '200',
    }),
  ).toBe(18);
  expect(
    valueOf(m, 'http_request_duration_seconds_count', { method: 'POST', route: '/proposals', status_code: '201' }),
  ).toBe(2);
  expect(
    valueOf(m, 'http_request_duration_seconds_count', { method: 'GET', route: '/proposals/:id', status_code: '200' }),
  ).toBeGreaterThan(0);
  expect(
    valueOf(m, 'http_request_duration_seconds_bucket', {
      method: 'POST',
      route: '/tasks/:id/decision',
      status_code: '200',
      le: '+Inf',
    }),
  ).toBe(18);
  expect(
    m.filter(
      (s) =>
        s.name.startsWith('http_request_duration_seconds') &&
        (s.labels.route.includes(closedId) || s.labels.route.includes(waitingId)),
    ),
  ).toEqual([]);
  expect(valueOf(m, 'http_requests_in_flight')).toBe(0);
  expect(valueOf(m, 'process_resident_memory_bytes')).toBeGreaterThan(0);

  // Domain gauges: what the database holds.
  expect(valueOf(m, 'rus_undp_domain_metrics_up')).toBe(1);
  expect(valueOf(m, 'rus_undp_subjects', { programme: 'challenge_fund', stage: 'closed' })).toBe(1);
  expect(valueOf(m, 'rus_undp_subjects', { programme: 'challenge_fund', stage: 'co_endorsement' })).toBe(1);
  expect(valueOf(m, 'rus_undp_subjects', { programme: 'challenge_fund' })).toBe(2);
  expect(valueOf(m, 'rus_undp_subjects', { programme: 'experts_on_demand' })).toBe(0);
  expect(valueOf(m, 'rus_undp_open_tasks', { programme: 'challenge_fund', kind: 'co_endorsement' })).toBe(1);
  expect(valueOf(m, 'rus_undp_open_tasks')).toBe(await prisma.task.count({ where: { status: 'open' } }));
  expect(valueOf(m, 'rus_undp_open_tasks', { programme: 'experts_on_demand', kind: 'fee_approval' })).toBe(0);
  expect(valueOf(m, 'rus_undp_overdue_tasks', { programme: 'challenge_fund', kind: 'co_endorsement' })).toBe(1);
  expect(valueOf(m, 'rus_undp_overdue_tasks')).toBe(1);
  expect(valueOf(m, 'rus_undp_outbox_pending')).toBe(0);
  expect(valueOf(m, 'rus_undp_outbox_oldest_pending_seconds')).toBe(0);
  const failed = await prisma.outbox.findMany({ where: { status: 'failed' }, select: { toEmail: true } });
  expect(failed.length).toBeGreaterThan(0);
  expect(new Set(failed.map((f) => f.toEmail))).toEqual(new Set([DEMO_USERS.coKg2.email]));
  expect(valueOf(m, 'rus_undp_mails_failed')).toBe(failed.length);

  // --- the worker: Temporal SDK (Core) metrics on its own port ---
  const worker = await scrape(workerMetricsPort);
  expect(worker.status).toBe(200);
  const w = parseMetrics(worker.text);
  expect(valueOf(w, 'temporal_workflow_completed', { workflow_type: 'proposalWorkflow' })).toBeGreaterThanOrEqual(1);
  expect(valueOf(w, 'temporal_activity_execution_latency_count', { task_queue: stack.taskQueue })).toBeGreaterThan(0);
  expect(valueOf(w, 'temporal_worker_task_slots_available', { task_queue: stack.taskQueue })).toBeGreaterThan(0);
  expect(
    valueOf(w, 'temporal_workflow_task_schedule_to_start_latency_count', { task_queue: stack.taskQueue }),
  ).toBeGreaterThan(0);
}, 400_000);

test('the metrics port refuses a scrape without the right token; the API port does not serve them', async () => {
  const none = await scrape(metricsPort);
  expect(none.status).toBe(401);
  expect(none.text).not.toMatch(/http_request_duration_seconds|rus_undp_/);
  expect((await scrape(metricsPort, 'not-the-token-0123456789')).status).toBe(401);
  expect((await fetch(`http://127.0.0.1:${metricsPort}/health`)).status).toBe(404);
  // With METRICS_PORT set, /metrics is not an API route, token or not.
  const onApi = await api.request('GET', '/metrics', { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(onApi.status).toBe(404);
});

test('without METRICS_PORT, /metrics is on the API port behind METRICS_TOKEN only, and off without a token', async () => {
  const connection = Connection.lazy({ address: stack.temporalAddress });
  const temporal = new Client({ connection });
  const appWith = (env: Record<string, string>) =>
    createApp({
      prisma,
      temporal,
      logger,
      taskQueue: stack.taskQueue,
      config: loadConfig({ AUTH_MODE: 'dev', AUTH_DEV_SECRET: 'metrics-dev-secret-0123456789', ...env }),
    });
  try {
    const guarded = appWith({ METRICS_TOKEN: TOKEN });
    expect((await request(guarded).get('/metrics')).status).toBe(401);
    const ok = await request(guarded).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(
      parseMetrics(ok.text).find((s) => s.name === 'rus_undp_subjects' && s.labels.stage === 'closed')?.value,
    ).toBe(1);
    const devToken = (await request(guarded).post('/auth/dev-token').send({ email: DEMO_USERS.fundManager.email })).body
      .token as string;
    // A user's sign-in token is not the metrics token.
    expect((await request(guarded).get('/metrics').set('Authorization', `Bearer ${devToken}`)).status).toBe(401);
    expect((await request(appWith({})).get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(404);
  } finally {
    await connection.close();
  }
});
