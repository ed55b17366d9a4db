import pino from 'pino';
import {
  digestKey,
  enqueueNotifications,
  messageIdForKey,
  sendDailyDigest,
} from '../../activities/notifications/outbox';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { BASE_URL, mailerFor, PEOPLE, PROPOSAL_DATA, seedPeople } from './fixtures';
import { freePort, startTestSmtpServer, type TestSmtpServer } from './smtp-test-server';

const quiet = pino({ level: 'silent' });
let db: TestDatabase;
let server: TestSmtpServer;

beforeAll(async () => {
  db = await createTestDatabase('notify-digest');
  await seedPeople(db.prisma);
  server = await startTestSmtpServer();
});
afterAll(async () => {
  await server?.stop();
  await db?.close();
});

test('held notifications and overdue tasks go out as one digest per fund manager and day', async () => {
  const mailer = mailerFor(server.port);
  const now = new Date('2026-11-26T07:00:00Z');

  // Nothing held and nothing overdue: no digest at all.
  expect(await sendDailyDigest(db.prisma, mailer, { now, baseUrl: BASE_URL }, quiet)).toEqual({
    composed: 0,
    sent: 0,
    failed: 0,
    skipped: 0,
  });

  await db.prisma.$transaction((tx) =>
    enqueueNotifications(
      tx,
      {
        workflowId: 'proposal-p-42',
        step: 9,
        baseUrl: BASE_URL,
        notifications: [
          {
            template: 'decision_outcome',
            to: { userId: PEOPLE.fundManagerDigest.id },
            data: { ...PROPOSAL_DATA, decision: 'endorse' },
          },
          {
            template: 'payment_released',
            to: { userId: PEOPLE.fundManagerDigest.id },
            data: { ...PROPOSAL_DATA, amountUsd: 8000 },
          },
        ],
      },
      quiet,
    ),
  );
  const held = await db.prisma.outbox.findMany({ where: { status: 'digest' }, orderBy: { id: 'asc' } });
  expect(held).toHaveLength(2);

  await db.prisma.task.create({
    data: {
      id: 'proposal-p-7:co_endorsement:1',
      workflowId: 'proposal-p-7',
      programme: 'challenge_fund',
      subjectType: 'proposal',
      subjectId: 'p-7',
      kind: 'co_endorsement',
      stage: 'co_endorsement',
      status: 'open',
      assigneeRole: 'co_approver',
      assigneeCountryCode: 'TJ',
      countryCode: 'TJ',
      title: 'Clean water for Khatlon villages',
      dueAt: new Date('2026-11-20T12:00:00Z'),
      overdue: true,
    },
  });

  expect(await sendDailyDigest(db.prisma, mailer, { now, baseUrl: BASE_URL }, quiet)).toEqual({
    composed: 1,
    sent: 1,
    failed: 0,
    skipped: 0,
  });
  expect(server.received).toHaveLength(1);
  const mail = server.received[0];
  const key = digestKey(PEOPLE.fundManagerDigest.id, '2026-11-26');
  expect(mail.to).toEqual([PEOPLE.fundManagerDigest.email]);
  expect(mail.messageId).toBe(messageIdForKey(key));
  // In the manager's language (ru), with both held events and the overdue task, each linked.
  expect(mail.subject).toContain('Ежедневная сводка за 2026-11-26: 2 события, 1 просроченная задача');
  for (const row of held) expect(mail.text).toContain(row.subject);
  expect(mail.text).toContain(`${BASE_URL}/proposals/p-42`);
  expect(mail.text).toContain('Clean water for Khatlon villages');
  expect(mail.text).toContain(`${BASE_URL}/tasks/proposal-p-7:co_endorsement:1`);

  const digestRow = await db.prisma.outbox.findUniqueOrThrow({ where: { key } });
  expect(digestRow).toMatchObject({
    status: 'sent',
    template: 'daily_digest',
    recipientId: PEOPLE.fundManagerDigest.id,
    attempts: 1,
  });
  // The held rows are now 'sent', pointing at the digest that carried them.
  const folded = await db.prisma.outbox.findMany({ where: { id: { in: held.map((r) => r.id) } } });
  expect(folded.every((r) => r.status === 'sent' && r.messageId === messageIdForKey(key))).toBe(true);

  // Same day again, even with the task still overdue: nothing more.
  const later = new Date('2026-11-26T18:00:00Z');
  expect(await sendDailyDigest(db.prisma, mailer, { now: later, baseUrl: BASE_URL }, quiet)).toEqual({
    composed: 0,
    sent: 0,
    failed: 0,
    skipped: 0,
  });
  expect(server.received).toHaveLength(1);

  // The next day the still-overdue task is reported again.
  expect(
    await sendDailyDigest(db.prisma, mailer, { now: new Date('2026-11-27T07:00:00Z'), baseUrl: BASE_URL }, quiet),
  ).toMatchObject({ composed: 1, sent: 1 });
  expect(server.received).toHaveLength(2);
  expect(server.received[1].subject).toContain('0 событий, 1 просроченная задача');
  mailer.close();
});

test('a digest that could not be sent is retried the same day, not composed again', async () => {
  const now = new Date('2026-11-28T07:00:00Z');
  const down = mailerFor(await freePort());
  await expect(sendDailyDigest(db.prisma, down, { now, baseUrl: BASE_URL }, quiet)).rejects.toThrow(/retry/);
  const key = digestKey(PEOPLE.fundManagerDigest.id, '2026-11-28');
  expect(await db.prisma.outbox.findUniqueOrThrow({ where: { key } })).toMatchObject({
    status: 'pending',
    attempts: 1,
  });

  const before = server.received.length;
  const up = mailerFor(server.port);
  expect(await sendDailyDigest(db.prisma, up, { now, baseUrl: BASE_URL }, quiet)).toEqual({
    composed: 0,
    sent: 1,
    failed: 0,
    skipped: 0,
  });
  expect(server.received.length - before).toBe(1);
  down.close();
  up.close();
});
