import { Client, Connection } from '@temporalio/client';
import { DEMO_USERS } from '../../domain/demo';
import type { PrismaClient } from '../../lib/db';
import type { Stack } from '../../lib/stack';
import { expertRequestPayload, proposalPayload } from '../fixtures/payloads';
import { createApplicants } from '../helpers/drive';
import type { TestSmtp } from '../helpers/smtp';
import {
  createProposalOverHttp,
  HttpApi,
  sleep,
  type HttpAnswer,
  type HttpApplicant,
  startHttpStack,
  stopHttpStack,
} from './http';

/**
 * SIGKILL of the API process in the middle of a burst of decisions and creations (each with an
 * Idempotency-Key). After a restart every request is sent again, same key, same body: what was
 * acknowledged (2xx) is in the read model and the workflows and its retry replays the answer,
 * nothing is applied twice, and the requests cut off by the crash complete under their keys.
 */
const DECISIONS = 20;
const CREATIONS = 20;
const REQUEST_CREATIONS = 5;

let stack: Stack;
let smtp: TestSmtp;
let prisma: PrismaClient;
let api: HttpApi;

beforeAll(async () => {
  ({ stack, smtp, prisma, api } = await startHttpStack({ requestTimeoutMs: 120_000 }));
}, 180_000);

afterAll(() => stopHttpStack({ stack, smtp, prisma, api }));

interface Sent {
  kind: 'decision' | 'proposal' | 'expert_request';
  key: string;
  send: () => Promise<HttpAnswer>;
  first?: HttpAnswer;
  retry?: HttpAnswer;
  /** the task a decision was aimed at */
  taskId?: string;
}

test(`SIGKILL of the API during ${DECISIONS} decisions and ${CREATIONS + REQUEST_CREATIONS} creations: acknowledged = applied, nothing twice, retries complete`, async () => {
  // Setup: proposals waiting for the CO's endorsement, one per applicant; tokens made before the crash.
  const applicants: HttpApplicant[] = (await createApplicants(prisma, DECISIONS + CREATIONS, 'crashapi')).map(
    (a, i) => ({ ...a, email: `crashapi-${i}@example.org` }),
  );
  const existing = await Promise.all(
    applicants.slice(0, DECISIONS).map((a, i) => createProposalOverHttp(api, a, `setup-${i}`)),
  );
  const fm = await api.token(DEMO_USERS.fundManager.email);
  const co = await api.token(DEMO_USERS.coKg.email);
  const tasks = await Promise.all(
    existing.map(async (id) => {
      const view = await api.get(`/proposals/${id}`, fm);
      return (view.body.openTasks as { id: string; kind: string }[]).find((t) => t.kind === 'co_endorsement')!.id;
    }),
  );
  const creators = applicants.slice(DECISIONS);
  const creatorTokens = await Promise.all(creators.map((a) => api.token(a.email)));

  const sent: Sent[] = [
    ...tasks.map((taskId, i): Sent => ({
      kind: 'decision',
      key: `dec-${i}`,
      taskId,
      send: () =>
        api.post(`/tasks/${encodeURIComponent(taskId)}/decision`, { decision: 'endorse', comment: `burst ${i}` }, co, {
          'Idempotency-Key': `dec-${i}`,
        }),
    })),
    ...creators.map((_, i): Sent => ({
      kind: 'proposal',
      key: `burst-p-${i}`,
      send: () =>
        api.post('/proposals', proposalPayload({ title: `Burst proposal ${i}` }), creatorTokens[i], {
          'Idempotency-Key': `burst-p-${i}`,
        }),
    })),
    ...Array.from({ length: REQUEST_CREATIONS }, (_, i): Sent => ({
      kind: 'expert_request',
      key: `burst-er-${i}`,
      send: () =>
        api.post('/expert-requests', expertRequestPayload({ title: `Burst request ${i}` }), co, {
          'Idempotency-Key': `burst-er-${i}`,
        }),
    })),
  ];
  const workflowsBefore = await countWorkflows();

  // The burst, interleaved; the API dies once a few answers are back (the rest are in flight).
  let answered = 0;
  const order = [...sent].sort((a, b) => (a.key.split('-').pop()! < b.key.split('-').pop()! ? -1 : 1));
  const inFlight = order.map(async (s) => {
    s.first = await s.send();
    answered++;
  });
  const deadline = Date.now() + 20_000;
  while (answered < 5 && Date.now() < deadline) await sleep(20);
  const apiPid = stack.api!.pid;
  await stack.killApi('SIGKILL');
  await Promise.all(inFlight);
  const cutOff = sent.filter((s) => s.first!.status === 0).length;
  expect(cutOff).toBeGreaterThan(0); // the crash really hit requests in flight

  await stack.startApi();
  expect(stack.api!.pid).not.toBe(apiPid);
  // Every request again, same key and body, until it gets a final answer.
  await Promise.all(
    sent.map(async (s) => {
      const until = Date.now() + 180_000;
      for (;;) {
        s.retry = await s.send();
        const code = s.retry.body?.error?.code;
        if (
          !(
            s.retry.status === 0 ||
            s.retry.status === 503 ||
            code === 'idempotency_in_progress' ||
            code === 'idempotency_retry'
          ) ||
          Date.now() > until
        )
          break;
        await sleep(1000);
      }
    }),
  );

  const report: Record<string, unknown> = {};
  // Creations: an acknowledged creation replays the same id; every creation ends with one id.
  const created = new Map<string, string>();
  for (const s of sent.filter((x) => x.kind !== 'decision')) {
    if (s.first!.status === 201)
      expect({ key: s.key, status: s.retry!.status, id: s.retry!.body.id }).toEqual({
        key: s.key,
        status: 201,
        id: s.first!.body.id,
      });
    else expect({ key: s.key, status: s.retry!.status }).toEqual({ key: s.key, status: 201 });
    created.set(s.key, s.retry!.body.id);
  }
  const proposalIds = sent.filter((s) => s.kind === 'proposal').map((s) => created.get(s.key)!);
  const requestIds = sent.filter((s) => s.kind === 'expert_request').map((s) => created.get(s.key)!);
  expect(new Set(created.values()).size).toBe(CREATIONS + REQUEST_CREATIONS);
  expect(await prisma.proposal.count({ where: { id: { in: proposalIds } } })).toBe(CREATIONS);
  expect(await prisma.expertRequest.count({ where: { id: { in: requestIds } } })).toBe(REQUEST_CREATIONS);
  // Workflows started = distinct successful creations: no orphan from a creation cut off by the crash.
  await sleep(1500); // visibility is eventually consistent
  expect(await countWorkflows()).toBe(workflowsBefore + CREATIONS + REQUEST_CREATIONS);
  expect(await prisma.proposal.count()).toBe(DECISIONS + CREATIONS);
  expect(await prisma.expertRequest.count()).toBe(REQUEST_CREATIONS);

  // Decisions: the retry under the same key gets the answer of the decision that was applied
  // (acknowledged or cut off), never "no longer open"; each is applied once.
  let duplicates = 0;
  let lost = 0;
  for (const s of sent.filter((x) => x.kind === 'decision')) {
    if (s.first!.status === 200)
      expect({ key: s.key, retry: s.retry!.status, body: s.retry!.body }).toEqual({
        key: s.key,
        retry: 200,
        body: s.first!.body,
      });
    else expect({ key: s.key, retry: s.retry!.status }).toEqual({ key: s.key, retry: 200 });
    const task = await prisma.task.findUniqueOrThrow({ where: { id: s.taskId! } });
    const audits = (
      await prisma.auditEvent.findMany({
        where: { workflowId: task.workflowId, action: 'decision' },
        select: { data: true },
      })
    ).filter((a) => (a.data as { taskId?: string }).taskId === s.taskId).length;
    if (task.status !== 'done' || audits === 0) lost++;
    if (audits > 1) duplicates++;
  }
  expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });
  // The read model and the workflows agree: each endorsed proposal moved on in both.
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const client = new Client({ connection });
    for (const id of existing) {
      const state = await client.workflow
        .getHandle(`proposal-${id}`)
        .query<{ history: { action: string; taskId?: string }[] }>('state');
      expect(state.history.filter((e) => e.action === 'decision').length).toBe(1);
    }
  } finally {
    await connection.close();
  }
  Object.assign(report, {
    requests: sent.length,
    cutOffByCrash: cutOff,
    firstAnswers: tally(sent.map((s) => s.first!.status)),
    retryAnswers: tally(sent.map((s) => s.retry!.status)),
    duplicates,
    lost,
  });
  // eslint-disable-next-line no-console
  console.log(JSON.stringify(report));
}, 600_000);

function tally(statuses: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of statuses) out[String(s)] = (out[String(s)] ?? 0) + 1;
  return out;
}

async function countWorkflows(): Promise<number> {
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    return (await new Client({ connection }).workflow.count()).count;
  } finally {
    await connection.close();
  }
}
