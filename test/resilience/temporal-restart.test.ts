import { Client, Connection } from '@temporalio/client';
import { DEMO_USERS } from '../../domain/demo';
import type { PrismaClient } from '../../lib/db';
import type { Stack } from '../../lib/stack';
import { stateQuery } from '../../workflows/messages';
import { proposalPayload } from '../fixtures/payloads';
import { createApplicants } from '../helpers/drive';
import type { TestSmtp } from '../helpers/smtp';
import {
  createProposalOverHttp,
  driveProposalOverHttp,
  HttpApi,
  sleep,
  type DriveStats,
  type HttpApplicant,
  startHttpStack,
  stopHttpStack,
} from './http';

/**
 * The Temporal dev server stops (SIGTERM, later SIGKILL) with lifecycles in flight — driven
 * through the API process — and restarts on the same Temporal SQLite file. Workflows resume and close;
 * while the server is down the API answers 503 (never 500) and /health names Temporal; the API
 * process is never restarted, so its Temporal client has to reconnect by itself.
 */
const LIFECYCLES = 20;
/** How long the API waits for Temporal before answering 503 (TEMPORAL_CALL_TIMEOUT_MS; 15 s by default). */
const CALL_TIMEOUT_MS = 8_000;
/** How long the server stays down: twice the API's wait, so requests fail rather than wait the outage out. */
const OUTAGE_MS = 2 * CALL_TIMEOUT_MS;

let stack: Stack;
let smtp: TestSmtp;
let prisma: PrismaClient;
let api: HttpApi;
const logs: string[] = [];

beforeAll(async () => {
  ({ stack, smtp, prisma, api } = await startHttpStack({
    env: { OUTBOX_LEASE_MS: '3000', TEMPORAL_CALL_TIMEOUT_MS: String(CALL_TIMEOUT_MS) },
    log: (l) => logs.push(l),
  }));
}, 180_000);

afterAll(() => stopHttpStack({ stack, smtp, prisma, api }));

interface Probe {
  signal: string;
  health: { status: number; body: unknown };
  create: number;
  decision: number;
  healthyAfterMs: number;
}

test(`Temporal server SIGTERM and SIGKILL with ${LIFECYCLES} lifecycles in flight: 503 while down, all resume and close, API reconnects`, async () => {
  const applicants: HttpApplicant[] = (await createApplicants(prisma, LIFECYCLES + 1, 'trs')).map((a, i) => ({
    ...a,
    email: `trs-${i}@example.org`,
  }));
  const idle = applicants.pop()!; // its proposal stays at co_endorsement: the decision probe
  const ids = await Promise.all(applicants.map((a, i) => createProposalOverHttp(api, a, `trs-create-${i}`)));
  const idleId = await createProposalOverHttp(api, idle, 'trs-idle');
  const coToken = await api.token(DEMO_USERS.coKg.email);
  const idleTokenOf = await api.token(idle.email);
  const idleTask = async () => {
    const view = await api.get(`/proposals/${idleId}`, await api.token(DEMO_USERS.fundManager.email));
    return (view.body.openTasks as { id: string; kind: string }[]).find((t) => t.kind === 'co_endorsement')!.id;
  };
  const apiPid = stack.api!.pid;

  const probes: Probe[] = [];
  const outage = async (signal: NodeJS.Signals) => {
    const taskId = await idleTask();
    await stack.stopTemporal(signal);
    const down = Date.now();
    const [health, create, decision] = await Promise.all([
      api.get('/health'),
      api.post('/proposals', proposalPayload({ title: `Created during the ${signal} outage` }), idleTokenOf, {
        'Idempotency-Key': `trs-probe-${signal}`,
      }),
      api.post(`/tasks/${encodeURIComponent(taskId)}/decision`, { decision: 'endorse' }, coToken),
    ]);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - down)));
    await stack.startTemporal();
    const up = Date.now();
    let healthy = await api.get('/health');
    while (healthy.status !== 200 && Date.now() - up < 60_000) {
      await sleep(250);
      healthy = await api.get('/health');
    }
    probes.push({
      signal,
      health: { status: health.status, body: health.body },
      create: create.status,
      decision: decision.status,
      healthyAfterMs: healthy.status === 200 ? Date.now() - up : -1,
    });
  };

  // Faults at fixed points of the overall progress: SIGTERM after ~3 decisions per lifecycle, SIGKILL after ~10.
  let total = 0;
  const faults: Promise<void>[] = [];
  const onStep = () => {
    total++;
    if (total === LIFECYCLES * 3) faults.push(outage('SIGTERM'));
    if (total === LIFECYCLES * 10)
      faults.push(
        (async () => {
          await Promise.all(faults.slice(0, 1));
          await outage('SIGKILL');
        })(),
      );
  };
  const stats: DriveStats = { decided: 0, retried: 0, alreadyApplied: 0 };
  const started = Date.now();
  try {
    await Promise.all(ids.map((id, i) => driveProposalOverHttp(api, id, applicants[i], stats, onStep)));
  } catch (err) {
    // eslint-disable-next-line no-console
    console.error(
      JSON.stringify(
        { divergence: await divergence(ids), log: logs.filter((l) => /WARN|ERROR|"level":[456]0/.test(l)).slice(-30) },
        null,
        1,
      ),
    );
    throw err;
  }
  await Promise.all(faults);
  const elapsed = Date.now() - started;

  // The probes: 503 with Retry-After semantics, never 500; /health says which part is down.
  expect(probes.map((p) => p.signal)).toEqual(['SIGTERM', 'SIGKILL']);
  for (const p of probes) {
    expect({ signal: p.signal, health: p.health }).toEqual({
      signal: p.signal,
      health: {
        status: 503,
        body: { status: 'degraded', temporal: 'unavailable', database: 'ok', worker: 'unavailable' },
      },
    });
    expect({ signal: p.signal, create: p.create, decision: p.decision }).toEqual({
      signal: p.signal,
      create: 503,
      decision: 503,
    });
    expect(p.healthyAfterMs).toBeGreaterThanOrEqual(0);
  }
  // The same API process throughout: its client reconnected by itself.
  expect(stack.api!.pid).toBe(apiPid);
  expect(stack.api!.exitCode).toBeNull();

  // After recovery the refused requests go through: the creation under its key, the idle decision.
  const probeIds = new Set<string>();
  for (const signal of ['SIGTERM', 'SIGKILL'])
    probeIds.add(await createProposalOverHttp(api, idle, `trs-probe-${signal}`));
  const endorsed = await api.post(
    `/tasks/${encodeURIComponent(await idleTask())}/decision`,
    { decision: 'endorse' },
    coToken,
  );
  expect(endorsed.status).toBe(200);

  // Every lifecycle closed, each decision recorded once, nothing lost.
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const client = new Client({ connection });
    const results = await Promise.all(ids.map((id) => client.workflow.getHandle(`proposal-${id}`).result()));
    expect(results.every((r) => r === 'closed')).toBe(true);
    const rows = await prisma.proposal.findMany({ where: { id: { in: ids } }, select: { stage: true } });
    expect(rows.map((r) => r.stage)).toEqual(ids.map(() => 'closed'));
    let lost = 0;
    let duplicated = 0;
    for (const id of ids) {
      const decisions = await prisma.auditEvent.findMany({
        where: { workflowId: `proposal-${id}`, action: 'decision' },
        select: { data: true },
      });
      const perTask = new Map<string, number>();
      for (const d of decisions) {
        const taskId = (d.data as { taskId: string }).taskId;
        perTask.set(taskId, (perTask.get(taskId) ?? 0) + 1);
      }
      if (decisions.length < 18) lost++;
      if (decisions.length > 18 || [...perTask.values()].some((c) => c > 1)) duplicated++;
    }
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    // Workflows started = distinct successful creations (lifecycles + idle + the two probes under their keys).
    expect(probeIds.size).toBe(2);
    await sleep(1500); // visibility is eventually consistent
    expect((await client.workflow.count()).count).toBe(LIFECYCLES + 1 + 2);
    expect(await prisma.proposal.count()).toBe(LIFECYCLES + 1 + 2);
  } finally {
    await connection.close();
  }
  // eslint-disable-next-line no-console
  console.log(
    JSON.stringify({ lifecycles: LIFECYCLES, elapsedMs: elapsed, stats, probes, statuses: api.tally() }, null, 1),
  );
}, 900_000);

/** Read model and workflow side by side for every lifecycle not closed: where a fault made them part. */
async function divergence(ids: string[]) {
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const client = new Client({ connection });
    const out: unknown[] = [];
    for (const id of ids) {
      const row = await prisma.proposal.findUnique({ where: { id }, select: { stage: true } });
      if (row?.stage === 'closed') continue;
      const readModel = (
        await prisma.task.findMany({ where: { subjectId: id, status: 'open' }, select: { id: true } })
      ).map((t) => t.id);
      const state = await client.workflow
        .getHandle(`proposal-${id}`)
        .query(stateQuery)
        .catch((e: Error) => e.message);
      const workflow = typeof state === 'string' ? state : state.openTasks.map((t) => t.id);
      out.push({
        id,
        stage: row?.stage,
        readModel,
        workflow,
        workflowStage: typeof state === 'string' ? null : state.stage,
      });
    }
    return out;
  } finally {
    await connection.close();
  }
}
