import request from 'supertest';
import { keyedUpdateId } from '../../api/decide';
import { DEMO_USERS } from '../../domain/demo';
import { actorOf } from '../../api/scope';
import { decideUpdate } from '../../workflows/messages';
import { proposalPayload } from '../fixtures/payloads';
import { eventually } from '../helpers/wait';
import { as, startApiHarness, type ApiHarness } from './harness';

/**
 * Decisions under failure, as a client sees them: a retry with the same Idempotency-Key gets the
 * answer of the decision that was applied (also when the first answer was lost, also when the
 * decision closed the workflow); a task the read model lists but the workflow does not know yet
 * is 503 with Retry-After; a Temporal call that does not answer is 503 after TEMPORAL_CALL_TIMEOUT_MS.
 */
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness('decision-retries');
});

afterAll(async () => {
  await h?.stop();
});

async function newProposal(title: string): Promise<string> {
  const res = await as(h.app, await h.token('applicant')).post('/proposals', proposalPayload({ title }));
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function endorsementTask(proposalId: string): Promise<{ id: string; workflowId: string }> {
  return eventually(async () => {
    const t = await h.db.prisma.task.findFirst({
      where: { subjectId: proposalId, kind: 'co_endorsement', status: 'open' },
      select: { id: true, workflowId: true },
    });
    return t ?? undefined;
  });
}

test('a decision retried with its Idempotency-Key replays the first answer; another body under the key is 409', async () => {
  const task = await endorsementTask(await newProposal('Keyed decision'));
  const co = as(h.app, await h.token('coKg'));
  const url = `/tasks/${encodeURIComponent(task.id)}/decision`;
  const first = await co.post(url, { decision: 'endorse' }).set('Idempotency-Key', 'decide-1');
  expect(first.status).toBe(200);
  const again = await co.post(url, { decision: 'endorse' }).set('Idempotency-Key', 'decide-1');
  expect({ status: again.status, body: again.body, replayed: again.headers['idempotent-replayed'] }).toEqual({
    status: 200,
    body: first.body,
    replayed: 'true',
  });
  const other = await co.post(url, { decision: 'reject', comment: 'no' }).set('Idempotency-Key', 'decide-1');
  expect(other.status).toBe(409);
  expect(other.body.error.code).toBe('idempotency_key_reused');
  // Without a key the client cannot tell its own decision from someone else's.
  expect((await co.post(url, { decision: 'endorse' })).status).toBe(409);
});

test('a decision applied while its answer was lost (503, reset): the keyed retry gets 200 with the applied decision, not 409', async () => {
  const task = await endorsementTask(await newProposal('Lost answer'));
  const body = { decision: 'endorse' };
  // The first attempt reached the workflow, but its client saw no answer and the API kept no record.
  const handle = h.env.client.workflow.getHandle(task.workflowId);
  const coKg = {
    id: DEMO_USERS.coKg.id,
    role: 'co_approver',
    countryCode: 'KG',
    institutionId: null,
    expertId: null,
    email: DEMO_USERS.coKg.email,
    name: '',
    language: 'en',
  } as const;
  const applied = await handle.executeUpdate(decideUpdate, {
    updateId: keyedUpdateId('decide', DEMO_USERS.coKg.id, 'lost-1', task.id, body),
    args: [{ taskId: task.id, actor: actorOf(coKg), decision: 'endorse', requestId: 'first-attempt' }],
  });
  await eventually(async () => (await h.db.prisma.task.findUnique({ where: { id: task.id } }))?.status !== 'open');
  const co = as(h.app, await h.token('coKg'));
  const url = `/tasks/${encodeURIComponent(task.id)}/decision`;
  const retry = await co.post(url, body).set('Idempotency-Key', 'lost-1');
  expect({ status: retry.status, body: retry.body }).toEqual({ status: 200, body: applied });
  expect(await h.db.prisma.auditEvent.count({ where: { workflowId: task.workflowId, action: 'decision' } })).toBe(1);
  // Another key is another decision: the task is no longer open.
  const stranger = await co.post(url, body).set('Idempotency-Key', 'lost-2');
  expect(stranger.status).toBe(409);
  expect(stranger.body.error.code).toBe('task_not_open');
});

test('a withdrawal that closed the workflow replays under its key after its answer was lost', async () => {
  const id = await newProposal('Withdrawn twice');
  await endorsementTask(id);
  const applicant = as(h.app, await h.token('applicant'));
  const first = await applicant
    .post(`/proposals/${id}/withdraw`, { reason: 'Partner left' })
    .set('Idempotency-Key', 'withdraw-1');
  expect(first.status).toBe(200);
  expect(first.body).toEqual({ id, stage: 'withdrawn' });
  // As if the answer had been lost before the API stored it.
  await h.db.prisma.idempotencyRecord.deleteMany({ where: { id: { endsWith: ':withdraw-1' } } });
  const retry = await applicant
    .post(`/proposals/${id}/withdraw`, { reason: 'Partner left' })
    .set('Idempotency-Key', 'withdraw-1');
  expect({ status: retry.status, body: retry.body }).toEqual({ status: 200, body: first.body });
  const unkeyed = await applicant.post(`/proposals/${id}/withdraw`, { reason: 'Partner left' });
  expect(unkeyed.status).toBe(409);
  expect(unkeyed.body.error.code).toBe('not_allowed_now');
});

test('a task the read model lists but its workflow does not know yet is 503 with Retry-After, not 404', async () => {
  const task = await endorsementTask(await newProposal('Not yet ready'));
  // As right after a worker kill: the read model has the row, the redone workflow task has not re-created it.
  const early = `${task.workflowId}:co_endorsement:early:99`;
  const row = await h.db.prisma.task.findUniqueOrThrow({ where: { id: task.id } });
  const { data: _data, context: _context, ...rest } = row;
  await h.db.prisma.task.create({ data: { ...rest, id: early, createdAt: new Date() } });
  const res = await as(h.app, await h.token('coKg'))
    .post(`/tasks/${encodeURIComponent(early)}/decision`, { decision: 'endorse' })
    .set('Idempotency-Key', 'early-1');
  expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 503, code: 'task_not_ready' });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  await h.db.prisma.task.delete({ where: { id: early } });
});

test('a Temporal call that does not answer ends in 503 with Retry-After after TEMPORAL_CALL_TIMEOUT_MS, not 30 s', async () => {
  // No worker polls this task queue: the creation's Update is never answered.
  const app = h.makeApp(
    { TEMPORAL_CALL_TIMEOUT_MS: '1500' },
    { taskQueue: 'nobody-polls-this', temporalTimeoutMs: undefined },
  );
  const started = Date.now();
  const res = await request(app)
    .post('/proposals')
    .set('Authorization', `Bearer ${await h.token('applicant')}`)
    .set('Idempotency-Key', 'slow-1')
    .send(proposalPayload({ title: 'Nobody answers' }));
  const elapsed = Date.now() - started;
  expect(res.status).toBe(503);
  expect(res.headers['retry-after']).toBeDefined();
  expect(elapsed).toBeLessThan(6000);
});
