/**
 * The delivery rule at its one window: a worker killed after the SMTP server accepted a mail
 * (its 250) and before the Outbox row records it. The mail is not lost: the restarted worker
 * sends it again, under the same Message-ID. The window is reached on purpose with the mailer's
 * test hook (MAILER_TEST_HOLD_AFTER_ACCEPT: the worker holds right after the 250).
 */
import { Client, Connection } from '@temporalio/client';
import { messageIdForKey } from '../../activities/notifications/outbox';
import { startStack, type Stack } from '../../lib/stack';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { checkDeliveryRule } from '../helpers/delivery-rule';
import { createApplicants, startProposal } from '../helpers/drive';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';

let stack: Stack;
let smtp: TestSmtp;
let db: TestDatabase;
let connection: Connection;
const logs: string[] = [];

beforeAll(async () => {
  smtp = await startTestSmtp();
  db = await createTestDatabase('mail-crash');
  stack = await startStack({
    databaseUrl: db.url,
    migrated: true,
    log: (line) => logs.push(line),
    env: {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      LOG_LEVEL: 'info',
      OUTBOX_LEASE_MS: '2000',
      MAILER_TEST_HOLD_AFTER_ACCEPT: '1',
    },
  });
  connection = await Connection.connect({ address: stack.temporalAddress });
}, 180_000);

afterAll(async () => {
  await connection?.close();
  await stack?.stop();
  await db?.close();
  await smtp?.stop();
});

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 150_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test("a worker killed between the server's 250 and the record: the mail is sent again with the same Message-ID, none is lost", async () => {
  const [applicant] = await createApplicants(db.prisma, 1, 'mailcrash');
  await startProposal(new Client({ connection }), stack.taskQueue, 'mail-crash-1', applicant);

  const held = await until('a mail held after its 250', () => {
    const line = logs.find((l) => l.includes('"mail_accepted_held"'));
    return line ? (JSON.parse(line.slice(line.indexOf('{'))) as { messageId: string; to: string }) : undefined;
  });
  // The server has it; the Outbox does not say so.
  expect(smtp.mails.filter((m) => m.messageId === held.messageId)).toHaveLength(1);
  const row = (await db.prisma.outbox.findMany({ where: { toEmail: held.to } })).find(
    (r) => messageIdForKey(r.key) === held.messageId,
  );
  expect(row).toMatchObject({ status: 'pending', sentAt: null });
  await stack.killWorker('SIGKILL');
  delete stack.env.MAILER_TEST_HOLD_AFTER_ACCEPT;
  await stack.startWorker();

  await until('the held mail recorded as sent', async () =>
    (await db.prisma.outbox.findUniqueOrThrow({ where: { key: row!.key } })).status === 'sent' ? true : undefined,
  );
  const copies = smtp.mails.filter((m) => m.messageId === held.messageId);
  expect(copies.length).toBeGreaterThanOrEqual(2);
  expect(new Set(copies.map((m) => `${m.to}|${m.subject}|${m.text}`)).size).toBe(1);
  expect(logs.some((l) => l.includes('resending with the same Message-ID'))).toBe(true);

  // And every other mail of the step went out too.
  await until('no pending mail', async () =>
    (await db.prisma.outbox.count({ where: { status: 'pending' } })) === 0 ? true : undefined,
  );
  const rule = await checkDeliveryRule(db.prisma, smtp.mails);
  expect(rule.expected).toBeGreaterThan(0);
  expect({ missing: rule.missing, foreign: rule.foreign }).toEqual({ missing: [], foreign: [] });
}, 240_000);
