import pino from 'pino';
import {
  deliverOutbox,
  enqueueNotifications,
  failedNotificationCount,
  messageIdForKey,
  TransientMailError,
} from '../../activities/notifications/outbox';
import type { NotificationRequest } from '../../domain/notifications';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { BASE_URL, mailerFor, PEOPLE, PROPOSAL_DATA, seedPeople } from './fixtures';
import { freePort, startTestSmtpServer, type TestSmtpServer } from './smtp-test-server';

const quiet = pino({ level: 'silent' });
let db: TestDatabase;
const servers: TestSmtpServer[] = [];

beforeAll(async () => {
  db = await createTestDatabase('notify-delivery');
  await seedPeople(db.prisma);
  await db.prisma.user.createMany({
    data: [
      { id: 'u-bounce', email: 'bounce@example.org', name: 'Gone Away', role: 'reviewer' },
      { id: 'u-busy', email: 'busy@example.org', name: 'Full Mailbox', role: 'reviewer' },
      { id: 'u-broken', email: 'not-an-email', name: 'Typo In Address', role: 'reviewer' },
    ],
  });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await db?.close();
});

async function smtpServer(options: Parameters<typeof startTestSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const server = await startTestSmtpServer(options);
  servers.push(server);
  return server;
}

function enqueue(workflowId: string, step: number, notifications: NotificationRequest[]) {
  return db.prisma.$transaction((tx) =>
    enqueueNotifications(tx, { workflowId, step, notifications, baseUrl: BASE_URL }, quiet),
  );
}

const toUser = (userId: string): NotificationRequest => ({
  template: 'task_assigned',
  to: { userId },
  data: { ...PROPOSAL_DATA, taskKind: 'review_score', taskId: 'proposal-p-42:review:1' },
});

test('server down: throws so Temporal retries, row stays pending; once it is up the mail goes exactly once', async () => {
  const keys = await enqueue('wf-down', 1, [toUser(PEOPLE.fundManager.id)]);
  const port = await freePort();
  const mailer = mailerFor(port);

  await expect(deliverOutbox(db.prisma, mailer, { keys }, quiet)).rejects.toThrow(TransientMailError);
  let row = await db.prisma.outbox.findUniqueOrThrow({ where: { key: keys[0] } });
  expect(row).toMatchObject({ status: 'pending', attempts: 1, sentAt: null });
  expect(row.lastError).toMatch(/ECONNREFUSED/);

  const server = await smtpServer({ port });
  expect(await deliverOutbox(db.prisma, mailer, { keys }, quiet)).toEqual({ sent: 1, failed: 0, skipped: 0 });
  row = await db.prisma.outbox.findUniqueOrThrow({ where: { key: keys[0] } });
  expect(row).toMatchObject({ status: 'sent', attempts: 2, lastError: null, messageId: messageIdForKey(keys[0]) });
  expect(row.sentAt).toBeInstanceOf(Date);

  // Temporal retrying the activity, or a replayed step, sends nothing more.
  expect(await deliverOutbox(db.prisma, mailer, { keys }, quiet)).toEqual({ sent: 0, failed: 0, skipped: 1 });
  expect(await deliverOutbox(db.prisma, mailer, { keys: [...keys, ...keys] }, quiet)).toEqual({
    sent: 0,
    failed: 0,
    skipped: 1,
  });
  expect(server.received).toHaveLength(1);
  expect(server.received[0]).toMatchObject({ messageId: messageIdForKey(keys[0]), to: [PEOPLE.fundManager.email] });
  expect(server.received[0].subject).toContain('New task: Score the proposal');
  mailer.close();
});

test('a permanent 5xx rejection marks the row failed without throwing; the rest of the batch is sent', async () => {
  const server = await smtpServer({ reject: { 'bounce@example.org': 550 } });
  const mailer = mailerFor(server.port);
  const keys = await enqueue('wf-bounce', 1, [toUser('u-bounce'), toUser(PEOPLE.coKg.id)]);
  expect(await failedNotificationCount(db.prisma)).toBe(0);

  expect(await deliverOutbox(db.prisma, mailer, { keys }, quiet)).toEqual({ sent: 1, failed: 1, skipped: 0 });
  const bounced = await db.prisma.outbox.findUniqueOrThrow({ where: { key: keys[0] } });
  expect(bounced).toMatchObject({ status: 'failed', attempts: 1, sentAt: null });
  expect(bounced.lastError).toMatch(/550.*No such user here/);
  expect(await failedNotificationCount(db.prisma)).toBe(1);
  expect(server.received.map((m) => m.to)).toEqual([[PEOPLE.coKg.email]]);

  // A failed row is final: retrying sends nothing.
  expect(await deliverOutbox(db.prisma, mailer, { keys }, quiet)).toEqual({ sent: 0, failed: 0, skipped: 2 });
  mailer.close();
});

test('an address nodemailer cannot parse fails permanently too', async () => {
  const server = await smtpServer();
  const mailer = mailerFor(server.port);
  const keys = await enqueue('wf-typo', 1, [toUser('u-broken')]);
  expect(await deliverOutbox(db.prisma, mailer, { keys }, quiet)).toEqual({ sent: 0, failed: 1, skipped: 0 });
  expect((await db.prisma.outbox.findUniqueOrThrow({ where: { key: keys[0] } })).lastError).toMatch(/EENVELOPE/);
  expect(await failedNotificationCount(db.prisma)).toBe(2);
  expect(server.received).toHaveLength(0);
  mailer.close();
});

test('a 4xx rejection is transient: the others are sent, then it throws and the row waits for the retry', async () => {
  const server = await smtpServer({ reject: { 'busy@example.org': 451 } });
  const mailer = mailerFor(server.port);
  const keys = await enqueue('wf-busy', 1, [toUser('u-busy'), toUser(PEOPLE.coTj.id)]);

  await expect(deliverOutbox(db.prisma, mailer, { keys }, quiet)).rejects.toThrow(
    /1 notification\(s\) to retry \(sent 1, failed 0\)/,
  );
  const busy = await db.prisma.outbox.findUniqueOrThrow({ where: { key: keys[0] } });
  expect(busy).toMatchObject({ status: 'pending', attempts: 1 });
  expect(busy.lastError).toMatch(/451/);
  expect(server.received.map((m) => m.to)).toEqual([[PEOPLE.coTj.email]]);
  mailer.close();
});

describe('a worker that died while sending', () => {
  test('a fresh in-flight claim makes another attempt back off instead of sending a second copy', async () => {
    const server = await smtpServer();
    const mailer = mailerFor(server.port);
    const keys = await enqueue('wf-zombie', 1, [toUser(PEOPLE.fundManager.id)]);
    // What an attempt that is still talking to the SMTP server leaves behind.
    await db.prisma.outbox.update({
      where: { key: keys[0] },
      data: { attempts: 1, lastError: `in flight since ${new Date().toISOString()}` },
    });

    await expect(deliverOutbox(db.prisma, mailer, { keys }, quiet)).rejects.toThrow(/being sent by another attempt/);
    expect(server.received).toHaveLength(0);
    expect(await db.prisma.outbox.findUniqueOrThrow({ where: { key: keys[0] } })).toMatchObject({
      status: 'pending',
      attempts: 1,
    });
    mailer.close();
  });

  test('a mail the server accepted before the worker recorded it is sent again after the lease, with the same Message-ID (the one repeat the rule allows)', async () => {
    const server = await smtpServer();
    const mailer = mailerFor(server.port);
    const keys = await enqueue('wf-crash', 1, [toUser(PEOPLE.fundManager.id)]);
    expect(await deliverOutbox(db.prisma, mailer, { keys }, quiet)).toMatchObject({ sent: 1 });
    // Simulate: the server said 250 but the worker died before the Outbox row said 'sent'.
    const stale = new Date(Date.now() - 10 * 60_000).toISOString();
    await db.prisma.outbox.update({
      where: { key: keys[0] },
      data: { status: 'pending', sentAt: null, messageId: null, lastError: `in flight since ${stale}` },
    });

    expect(await deliverOutbox(db.prisma, mailer, { keys }, quiet)).toEqual({ sent: 1, failed: 0, skipped: 0 });
    expect(server.received.map((m) => m.messageId)).toEqual([messageIdForKey(keys[0]), messageIdForKey(keys[0])]);
    expect(await db.prisma.outbox.findUniqueOrThrow({ where: { key: keys[0] } })).toMatchObject({
      status: 'sent',
      messageId: messageIdForKey(keys[0]),
      lastError: null,
    });
    mailer.close();
  });

  test("a send with no record of the server's answer is resent after the lease, with the same Message-ID (the residual risk)", async () => {
    const server = await smtpServer();
    const mailer = mailerFor(server.port);
    const keys = await enqueue('wf-crash-early', 1, [toUser(PEOPLE.fundManager.id)]);
    // Simulate: a worker claimed the row and died before the server's answer reached it.
    const stale = new Date(Date.now() - 10 * 60_000).toISOString();
    await db.prisma.outbox.update({
      where: { key: keys[0] },
      data: { attempts: 1, lastError: `in flight since ${stale}` },
    });

    expect(await deliverOutbox(db.prisma, mailer, { keys }, quiet)).toMatchObject({ sent: 1 });
    // If the dead attempt's mail did arrive, receivers (and the mail catcher) collapse the two by Message-ID.
    expect(server.received.map((m) => m.messageId)).toEqual([messageIdForKey(keys[0])]);
    expect(await db.prisma.outbox.findUniqueOrThrow({ where: { key: keys[0] } })).toMatchObject({
      status: 'sent',
      attempts: 2,
    });
    mailer.close();
  });
});

test('a mail is recorded as sent only after the server accepted it: the row is still pending while the server already has the message; a refusal is never recorded as sent', async () => {
  const server = await smtpServer();
  const keys = await enqueue('wf-after-250', 1, [toUser(PEOPLE.coKg.id)]);
  const seen: { received: number; status: string }[] = [];
  const mailer = mailerFor(server.port, {
    afterAccept: async () => {
      const row = await db.prisma.outbox.findUniqueOrThrow({ where: { key: keys[0] } });
      seen.push({ received: server.received.length, status: row.status });
    },
  });
  expect(await deliverOutbox(db.prisma, mailer, { keys }, quiet)).toMatchObject({ sent: 1 });
  expect(seen).toEqual([{ received: 1, status: 'pending' }]);
  expect(await db.prisma.outbox.findUniqueOrThrow({ where: { key: keys[0] } })).toMatchObject({
    status: 'sent',
    messageId: messageIdForKey(keys[0]),
  });
  mailer.close();

  const refusing = await smtpServer({ rejectData: 554 });
  const refusingMailer = mailerFor(refusing.port, {
    afterAccept: async () => {
      throw new Error('never reached: the server refused');
    },
  });
  const refused = await enqueue('wf-refused', 1, [toUser(PEOPLE.coKg.id)]);
  expect(await deliverOutbox(db.prisma, refusingMailer, { keys: refused }, quiet)).toEqual({
    sent: 0,
    failed: 1,
    skipped: 0,
  });
  expect(await db.prisma.outbox.findUniqueOrThrow({ where: { key: refused[0] } })).toMatchObject({
    status: 'failed',
    sentAt: null,
  });
  refusingMailer.close();
});

test('two deliveries of the same keys at the same time send each mail once', async () => {
  const server = await smtpServer();
  const mailer = mailerFor(server.port);
  const keys = await enqueue('wf-race', 1, [
    toUser(PEOPLE.coKg.id),
    toUser(PEOPLE.coKgHead.id),
    toUser(PEOPLE.coTj.id),
  ]);
  const results = await Promise.allSettled([
    deliverOutbox(db.prisma, mailer, { keys }, quiet),
    deliverOutbox(db.prisma, mailer, { keys }, quiet),
  ]);
  // Whoever finds a row claimed by the other backs off with a retryable error; a Temporal retry then finds everything sent.
  for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(TransientMailError);
  expect(server.received.map((m) => m.to[0]).sort()).toEqual(
    [PEOPLE.coKg.email, PEOPLE.coKgHead.email, PEOPLE.coTj.email].sort(),
  );
  expect(await deliverOutbox(db.prisma, mailer, { keys }, quiet)).toEqual({ sent: 0, failed: 0, skipped: 3 });
  expect(server.received).toHaveLength(3);
  mailer.close();
});

test('keys that are not pending are counted as skipped: opted-out, held for the digest, unknown', async () => {
  const mailer = mailerFor(await freePort()); // never contacted
  const keys = await enqueue('wf-skip', 1, [
    { template: 'reminder', to: { userId: PEOPLE.applicant.id }, data: PROPOSAL_DATA },
    {
      template: 'payment_released',
      to: { userId: PEOPLE.fundManagerDigest.id },
      data: { ...PROPOSAL_DATA, amountUsd: 5000 },
    },
  ]);
  expect(await deliverOutbox(db.prisma, mailer, { keys: [...keys, 'no-such-key'] }, quiet)).toEqual({
    sent: 0,
    failed: 0,
    skipped: 3,
  });
  mailer.close();
});
