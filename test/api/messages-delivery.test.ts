import { messageIdForKey } from '../../activities/notifications/outbox';
import { DEMO_USERS } from '../../domain/demo';
import { logger as baseLogger } from '../../lib/logger';
import { createWorker } from '../../worker/create-worker';
import { checkDeliveryRule } from '../helpers/delivery-rule';
import { testWorkflowBundle } from '../helpers/temporal';
import { eventually } from '../helpers/wait';
import { as, startApiHarness, type ApiHarness } from './harness';

/**
 * The delivery rule for messages: a message is on the record as soon as it is answered, and its
 * mails are never lost, even when no worker runs at that moment; once one runs, each mail goes
 * out once, under the Message-ID of its outbox row.
 */
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness('messages-delivery', { worker: false });
});

afterAll(async () => {
  await h?.stop();
});

test('messages posted while no worker runs are recorded at once and mailed exactly once when a worker comes', async () => {
  // A proposal as the read model has it (its workflow is not needed to write on its thread).
  const kg = await h.db.prisma.call.findUniqueOrThrow({ where: { id: 'call-kg' }, select: { id: true } });
  const id = 'p-delivery000000001';
  await h.db.prisma.proposal.create({
    data: {
      id,
      workflowId: `proposal-${id}`,
      callId: kg.id,
      institutionId: 'inst-tpu',
      applicantId: DEMO_USERS.applicant.id,
      countryCode: 'KG',
      title: 'Mudflow sensors',
      summary: 'Sensors',
      nationalPartner: { name: 'Ministry', contact: 'm@example.kg', demandEvidence: 'Letter' },
      sdgs: [13],
      thematicAreaId: 'climate-adaptation',
      requestedAmountCents: 3_000_000,
      coFinancingCents: 800_000,
      durationMonths: 12,
      innovation: 'Low-cost sensors',
      expectedResults: 'Alerts',
      milestones: [],
      stage: 'co_endorsement',
      stageEnteredAt: new Date(),
    },
  });

  const applicant = as(h.app, await h.token('applicant'));
  const co = as(h.app, await h.token('coKg'));
  const bodies = ['First question from the applicant.', 'Second question from the applicant.'];
  for (const body of bodies) expect((await applicant.post(`/proposals/${id}/messages`, { body })).status).toBe(201);
  expect((await co.post(`/proposals/${id}/messages`, { body: 'The answer of the office.' })).status).toBe(201);
  expect(await h.db.prisma.message.count({ where: { subjectId: id } })).toBe(3);
  // Three messages, to three staff each for the applicant's and one applicant for the office's: all waiting.
  const rows = await h.db.prisma.outbox.findMany({ where: { workflowId: `proposal-${id}` } });
  expect(rows).toHaveLength(2 * 3 + 1);
  expect(rows.every((r) => r.status === 'pending')).toBe(true);
  expect(h.smtp.mails).toEqual([]);

  // A worker comes: every mail goes, once, under its row's Message-ID.
  const worker = await createWorker({
    connection: h.env.nativeConnection,
    namespace: h.env.namespace,
    taskQueue: h.taskQueue,
    workflowBundle: await testWorkflowBundle(),
    deps: { prisma: h.db.prisma, mailer: h.smtp.mailer, logger: baseLogger, baseUrl: 'http://localhost:3000' },
  });
  await worker.runUntil(async () => {
    await eventually(
      async () => (await h.db.prisma.outbox.count({ where: { workflowId: `proposal-${id}`, status: 'sent' } })) === 7,
      60_000,
    );
  });
  expect(h.smtp.mails).toHaveLength(7);
  for (const row of rows) {
    const got = h.smtp.mails.filter((m) => m.to === row.toEmail && m.messageId === messageIdForKey(row.key));
    expect({ key: row.key, n: got.length }).toEqual({ key: row.key, n: 1 });
  }
  expect(await checkDeliveryRule(h.db.prisma, h.smtp.mails)).toEqual({
    expected: 7,
    missing: [],
    foreign: [],
    repeated: 0,
    pending: 0,
  });
});
