import { DEMO_USERS } from '../../domain/demo';
import type { PrismaClient } from '../../lib/db';
import type { Stack } from '../../lib/stack';
import { createApplicants } from '../helpers/drive';
import type { TestSmtp } from '../helpers/smtp';
import { createProposalOverHttp, HttpApi, type HttpApplicant, startHttpStack, stopHttpStack, untilFinal } from './http';

/**
 * Database contention through HTTP on the real processes (API and worker write the same PostgreSQL
 * database): 50 concurrent decisions on 50 tasks all succeed (no lock error turned into a 5xx; one
 * slower than TEMPORAL_CALL_TIMEOUT_MS is a 503 that its keyed retry completes), and 10
 * concurrent decisions on one task: exactly one wins, the other nine get 409.
 */
const DIFFERENT = 50;
const SAME = 10;

let stack: Stack;
let smtp: TestSmtp;
let prisma: PrismaClient;
let api: HttpApi;
const logs: string[] = [];

beforeAll(async () => {
  ({ stack, smtp, prisma, api } = await startHttpStack({ log: (l) => logs.push(l), requestTimeoutMs: 120_000 }));
}, 180_000);

afterAll(() => stopHttpStack({ stack, smtp, prisma, api }));

test(`${DIFFERENT} concurrent decisions on ${DIFFERENT} tasks all succeed; ${SAME} on one task: one 200, ${SAME - 1} × 409`, async () => {
  const applicants: HttpApplicant[] = (await createApplicants(prisma, DIFFERENT + 1, 'busy')).map((a, i) => ({
    ...a,
    email: `busy-${i}@example.org`,
  }));
  // The creations are concurrent too: 51 workflows started and committed at once.
  const ids = await Promise.all(applicants.map((a, i) => createProposalOverHttp(api, a, `busy-${i}`, 60_000)));
  const fm = await api.token(DEMO_USERS.fundManager.email);
  const tasks = await Promise.all(
    ids.map(async (id) => {
      const view = await api.get(`/proposals/${id}`, fm);
      return (view.body.openTasks as { id: string; kind: string }[]).find((t) => t.kind === 'co_endorsement')!.id;
    }),
  );
  const [co, co2] = [await api.token(DEMO_USERS.coKg.email), await api.token(DEMO_USERS.coKg2.email)];
  const contested = tasks.pop()!;
  // As clients are told to: each decision under its own Idempotency-Key, sent again after a 503
  // (a decision slower than TEMPORAL_CALL_TIMEOUT_MS on a busy machine) until it has a final answer.
  const decide = (taskId: string, token: string, comment: string) =>
    untilFinal(() =>
      api.post(`/tasks/${encodeURIComponent(taskId)}/decision`, { decision: 'endorse', comment }, token, {
        'Idempotency-Key': comment.replace(/\s+/g, '-'),
      }),
    );

  // Both bursts at once: the 50 spread decisions and the 10 on one task (two CO users).
  const [spread, same] = await Promise.all([
    Promise.all(tasks.map((t, i) => decide(t, i % 2 ? co : co2, `spread ${i}`))),
    Promise.all(Array.from({ length: SAME }, (_, i) => decide(contested, i % 2 ? co : co2, `same ${i}`))),
  ]);
  const tally = (answers: { status: number }[]) =>
    answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
  // eslint-disable-next-line no-console
  console.log(
    JSON.stringify({
      spread: tally(spread),
      same: tally(same),
      sameCodes: same.map((a) => a.body?.error?.code ?? 'ok'),
      retriedAfter503: [...spread, ...same].reduce((n, a) => n + a.retries, 0),
    }),
  );
  expect(tally(spread)).toEqual({ 200: DIFFERENT });
  expect(tally(same)).toEqual({ 200: 1, 409: SAME - 1 });
  for (const a of same.filter((x) => x.status === 409)) expect(a.body.error.code).toBe('task_not_open');

  // One decision per task in the read model, the right one on the contested task.
  const winner = same.find((a) => a.status === 200)!;
  const audit = await prisma.auditEvent.findMany({
    where: { action: 'decision' },
    select: { data: true, comment: true },
  });
  const perTask = new Map<string, number>();
  for (const a of audit) {
    const taskId = (a.data as { taskId: string }).taskId;
    perTask.set(taskId, (perTask.get(taskId) ?? 0) + 1);
  }
  expect(perTask.size).toBe(DIFFERENT + 1);
  expect([...perTask.values()].every((n) => n === 1)).toBe(true);
  expect(winner.body).toMatchObject({ taskId: contested, decision: 'endorse' });
  expect(await prisma.task.count({ where: { id: { in: [...tasks, contested] }, status: 'done' } })).toBe(DIFFERENT + 1);
  // Nothing in the logs of either process about a busy or locked database.
  expect(logs.filter((l) => /deadlock detected|could not serialize|lock timeout|"level":50/i.test(l))).toEqual([]);
}, 300_000);
