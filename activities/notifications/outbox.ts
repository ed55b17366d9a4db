/**
 * Transactional outbox for notification mails.
 *
 * 1. `enqueueNotifications` runs inside the read-model transaction of a workflow step and
 *    writes one rendered Outbox row per recipient and template. The key
 *    `<workflowId>:<step>:<recipient>:<template>` makes re-running the step a no-op, and
 *    because the rows commit with the step, a mail is never lost when the step is applied.
 * 2. `deliverOutbox` (a Temporal activity) sends the 'pending' rows of those keys. Transient
 *    SMTP trouble throws, so Temporal retries with backoff; permanent rejections mark the row
 *    'failed' and return, so the workflow never blocks on a bad address.
 *
 * Status of a row (domain/stages.ts OUTBOX_STATUSES):
 *   pending  waiting to be sent (attempts counts tries, lastError tells the last one's fate)
 *   sent     accepted by the SMTP server; for rows folded into a digest: handed to that digest
 *            (messageId = the digest's Message-ID, sentAt = when the digest was composed)
 *   failed   permanently rejected (lastError says why); counted by failedNotificationCount
 *   skipped  the recipient switched reminders off; kept as a record, never sent
 *   digest   held for the recipient's daily digest (see DIGEST_TEMPLATES)
 *
 * The delivery rule, for every mail: no mail is ever lost; a mail is repeated only when a process
 * dies between the server's 250 and the record of it, and a repeat carries the same Message-ID.
 * SMTP has no idempotency, so exactly-once is impossible end to end. How the rule holds:
 *  - every row has a Message-ID derived from its key (`messageIdForKey`), the same on every try,
 *    so a repeat can be folded by the recipient's mail client;
 *  - before sending, the row is re-read and claimed with a compare-and-set on `attempts`, and
 *    the claim leaves an "in flight since <time>" note in lastError. A concurrent or zombie
 *    attempt that finds a fresh note backs off (throws, so Temporal retries later) instead of
 *    sending too; a note older than the lease is an attempt that died, and the mail is sent again;
 *  - the row is marked 'sent' only after the server's 250, in a statement of its own that
 *    commits at once (nothing else holds the row: no lock to wait for). A process killed before
 *    the 250 leaves the row pending: it is sent again. Killed between the 250 and that commit:
 *    sent again, with the same Message-ID (the one repeat the rule allows).
 * A connection that breaks after the "." and before the server's answer counts as not accepted:
 * the mail is sent again, with the same Message-ID (the server may have accepted it).
 */
import { createHash } from 'node:crypto';
import { Prisma, type Outbox } from '../../generated/prisma/client';
import {
  NON_ESSENTIAL_TEMPLATES,
  type NotificationRequest,
  type NotificationTemplate,
  type Recipient,
} from '../../domain/notifications';
import type { Language } from '../../domain/roles';
import type { PrismaClient } from '../../lib/db';
import { logger as rootLogger, type Logger } from '../../lib/logger';
import { describeMailError, isConnectionMailError, isPermanentMailError, type Mailer } from '../../lib/mailer';
import { primaryLinkOf, renderDigest, renderNotification, type DigestItem, type RenderedMail } from './templates';

/** The Prisma client handed to an interactive `$transaction` callback (a PrismaClient also fits). */
export type Tx = Prisma.TransactionClient;

export type NotificationLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

const moduleLogger = rootLogger.child({ component: 'notifications' });

/**
 * Fund managers with dailyDigest=true get these folded into the digest instead of one mail
 * each: they report something that happened and need no action today. Mails that ask for
 * action against a clock stay immediate: task_assigned, overdue_escalation (already late),
 * contract_to_sign and expert_invitation.
 */
export const DIGEST_TEMPLATES: readonly NotificationTemplate[] = [
  'reminder',
  'decision_outcome',
  'changes_requested',
  'payment_released',
  'evaluation_requested',
];

/** Outbox.template of the digest rows themselves (not one of NOTIFICATION_TEMPLATES). */
export const DIGEST_TEMPLATE = 'daily_digest';

/** How long a claimed row counts as being sent by someone else. Longer than any send can take with the mailer's 10 s timeouts. */
// Longer than one SMTP send with its timeouts; tests shorten it (OUTBOX_LEASE_MS) to see crash recovery quickly.
const IN_FLIGHT_LEASE_MS = Number(process.env.OUTBOX_LEASE_MS) || 2 * 60_000;
const IN_FLIGHT_PREFIX = 'in flight since ';

/** Deterministic Message-ID: every try of the same outbox row carries the same one. */
export function messageIdForKey(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex')}@rus-undp>`;
}

export function outboxKey(workflowId: string, step: string | number, recipient: string, template: string): string {
  return `${workflowId}:${step}:${recipient}:${template}`;
}

export function digestKey(userId: string, day: string): string {
  return `digest:${userId}:${day}`;
}

// ---------- enqueue ----------

interface ResolvedRecipient {
  userId: string | null;
  email: string;
  language: Language;
  notifyReminders: boolean;
  foldsIntoDigest: boolean;
}

interface RecipientUser {
  id: string;
  email: string;
  role: string;
  language: string;
  notifyReminders: boolean;
  dailyDigest: boolean;
}

const USER_FIELDS = {
  id: true,
  email: true,
  role: true,
  language: true,
  notifyReminders: true,
  dailyDigest: true,
} as const;

function asLanguage(value: string | null | undefined): Language {
  return value === 'ru' ? 'ru' : 'en';
}

function fromUser(user: RecipientUser): ResolvedRecipient {
  return {
    userId: user.id,
    email: user.email,
    language: asLanguage(user.language),
    notifyReminders: user.notifyReminders,
    // Only fund managers have a digest (sendDailyDigest); anyone else's flag would strand mails.
    foldsIntoDigest: user.role === 'fund_manager' && user.dailyDigest,
  };
}

async function resolveRecipients(tx: Tx, to: Recipient): Promise<ResolvedRecipient[]> {
  // Plain SQL for the two lookups every step makes (Prisma 6 compiles each ORM query anew).
  const activeUsers = async (where: Prisma.Sql) =>
    (
      await tx.$queryRaw<
        RecipientUser[]
      >`SELECT "id", "email", "role", "language", "notifyReminders", "dailyDigest" FROM "User" WHERE "active" AND ${where} ORDER BY "id" ASC`
    ).map(fromUser);
  if ('userId' in to) return activeUsers(Prisma.sql`"id" = ${to.userId}`);
  if ('role' in to) {
    const byRole = to.institutionId
      ? Prisma.sql`"role" = ${to.role} AND "institutionId" = ${to.institutionId}`
      : to.countryCode
        ? Prisma.sql`"role" = ${to.role} AND "countryCode" = ${to.countryCode}`
        : Prisma.sql`"role" = ${to.role}`;
    // Users who may not decide the task (e.g. its requester) are not told about it either.
    const excluded = to.excludeUserIds?.length
      ? Prisma.sql` AND "id" NOT IN (${Prisma.join(to.excludeUserIds)})`
      : Prisma.empty;
    return activeUsers(Prisma.sql`${byRole}${excluded}`);
  }
  const user = await tx.user.findFirst({ where: { expertId: to.expertId, active: true }, select: USER_FIELDS });
  if (user) return [fromUser(user)];
  // A roster expert without an account is still reachable at the roster e-mail.
  const expert = await tx.expert.findUnique({ where: { id: to.expertId }, select: { email: true, languages: true } });
  if (!expert) return [];
  const languages = Array.isArray(expert.languages) ? expert.languages : [];
  return [
    {
      userId: null,
      email: expert.email,
      language: languages.includes('ru') ? 'ru' : 'en',
      notifyReminders: true,
      foldsIntoDigest: false,
    },
  ];
}

function initialStatus(template: NotificationTemplate, recipient: ResolvedRecipient): 'pending' | 'skipped' | 'digest' {
  if (NON_ESSENTIAL_TEMPLATES.includes(template) && !recipient.notifyReminders) return 'skipped';
  if (recipient.foldsIntoDigest && DIGEST_TEMPLATES.includes(template)) return 'digest';
  return 'pending';
}

/**
 * Writes the Outbox rows of one workflow step, inside the caller's transaction.
 * Returns every key of this step's notifications, new or already there (whatever their status);
 * deliverOutbox only sends the pending ones. Unknown or inactive recipients are logged and skipped.
 * If two requests of one step resolve to the same recipient and template, the first one wins.
 */
export async function enqueueNotifications(
  tx: Tx,
  input: { workflowId: string; step: string | number; notifications: NotificationRequest[]; baseUrl: string },
  log: NotificationLogger = moduleLogger,
): Promise<string[]> {
  const rows = await outboxRowsOf(tx, input, log);
  await insertOutboxRows(tx, rows);
  return rows.map((r) => r.key);
}

export type OutboxRow = Prisma.OutboxCreateManyInput & { key: string; status: string };

/**
 * The Outbox rows of a mail that has its own renderer (not a workflow notification), written in the
 * caller's transaction; recipients are resolved like a notification's (active users, their language).
 * Returns every key, new or already there.
 */
export async function enqueueRenderedMail(
  tx: Tx,
  input: {
    workflowId: string;
    step: string;
    template: string;
    to: Recipient[];
    render: (language: Language, userId: string | null) => RenderedMail;
  },
): Promise<string[]> {
  const rows = new Map<string, OutboxRow>();
  for (const to of input.to)
    for (const recipient of await resolveRecipients(tx, to)) {
      const key = outboxKey(input.workflowId, input.step, recipient.userId ?? recipient.email, input.template);
      if (rows.has(key)) continue;
      const mail = input.render(recipient.language, recipient.userId);
      rows.set(key, {
        key,
        workflowId: input.workflowId,
        recipientId: recipient.userId,
        toEmail: recipient.email,
        template: input.template,
        language: recipient.language,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        status: 'pending',
      });
    }
  await insertOutboxRows(tx, [...rows.values()]);
  return [...rows.keys()];
}

/** The rendered Outbox rows of one step's notifications (enqueueNotifications without the insert). */
export async function outboxRowsOf(
  tx: Tx,
  input: { workflowId: string; step: string | number; notifications: NotificationRequest[]; baseUrl: string },
  log: NotificationLogger = moduleLogger,
): Promise<OutboxRow[]> {
  const rows = new Map<string, OutboxRow>();
  for (const request of input.notifications) {
    const recipients = await resolveRecipients(tx, request.to);
    if (!recipients.length) {
      log.warn(
        { workflowId: input.workflowId, step: input.step, template: request.template, to: request.to },
        'notification has no active recipient; skipped',
      );
      continue;
    }
    for (const recipient of recipients) {
      const key = outboxKey(input.workflowId, input.step, recipient.userId ?? recipient.email, request.template);
      if (rows.has(key)) continue;
      const mail = renderNotification(request.template, recipient.language, request.data, { baseUrl: input.baseUrl });
      rows.set(key, {
        key,
        workflowId: input.workflowId,
        recipientId: recipient.userId,
        toEmail: recipient.email,
        template: request.template,
        language: recipient.language,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        status: initialStatus(request.template, recipient),
      });
    }
  }
  return [...rows.values()];
}

/**
 * One plain SQL statement for any number of rows (Prisma 6 compiles every ORM query anew, and
 * each statement is a round trip inside the read-model transaction); a row a previous run wrote
 * stays as it is.
 */
export async function insertOutboxRows(tx: Tx, rows: OutboxRow[]): Promise<void> {
  if (!rows.length) return;
  const createdAt = new Date();
  const values = rows.map(
    (r) =>
      Prisma.sql`(${r.key}, ${r.workflowId ?? null}, ${r.recipientId ?? null}, ${r.toEmail}, ${r.template}, ${r.language}, ${r.subject}, ${r.text}, ${r.html}, ${r.status}, 0, ${createdAt})`,
  );
  await tx.$executeRaw`INSERT INTO "Outbox" ("key", "workflowId", "recipientId", "toEmail", "template", "language", "subject", "text", "html", "status", "attempts", "createdAt")
    VALUES ${Prisma.join(values)} ON CONFLICT ("key") DO NOTHING`;
}

// ---------- delivery ----------

export interface DeliveryResult {
  sent: number;
  failed: number;
  /** Keys that were not pending: already sent, failed, opted out, held for the digest, or unknown. */
  skipped: number;
}

/** Thrown when some mails could not be sent for now; Temporal retries the activity with backoff. */
export class TransientMailError extends Error {
  override name = 'TransientMailError';
}

function inFlightSince(lastError: string | null): Date | undefined {
  if (!lastError?.startsWith(IN_FLIGHT_PREFIX)) return undefined;
  const at = new Date(lastError.slice(IN_FLIGHT_PREFIX.length));
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/**
 * Sends the pending rows among `keys`, each at most once as far as SMTP allows (see the file
 * comment). Throws TransientMailError after trying what it could when any row needs a retry;
 * permanent failures are recorded as 'failed' and do not throw.
 */
export async function deliverOutbox(
  prisma: PrismaClient,
  mailer: Pick<Mailer, 'send'>,
  input: { keys: string[] },
  log: NotificationLogger = moduleLogger,
): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: 0, failed: 0, skipped: 0 };
  const retryLater: string[] = [];

  for (const key of new Set(input.keys)) {
    const [row] = await prisma.$queryRaw<
      Pick<Outbox, 'key' | 'toEmail' | 'template' | 'subject' | 'text' | 'html' | 'status' | 'attempts' | 'lastError'>[]
    >`
      SELECT "key", "toEmail", "template", "subject", "text", "html", "status", "attempts", "lastError" FROM "Outbox" WHERE "key" = ${key}`;
    if (!row || row.status !== 'pending') {
      result.skipped++;
      continue;
    }
    const now = new Date();
    const claimedAt = inFlightSince(row.lastError);
    if (claimedAt && now.getTime() - claimedAt.getTime() < IN_FLIGHT_LEASE_MS) {
      retryLater.push(`${key}: being sent by another attempt`);
      continue;
    }
    if (claimedAt) {
      log.warn(
        { key, attempts: row.attempts, claimedAt },
        'previous attempt ended without a recorded result; resending with the same Message-ID',
      );
    }

    // Compare-and-set on attempts: of two attempts that read the same row, only one sends.
    const attempts = Number(row.attempts);
    const claimed =
      await prisma.$executeRaw`UPDATE "Outbox" SET "attempts" = "attempts" + 1, "lastError" = ${`${IN_FLIGHT_PREFIX}${now.toISOString()}`}
      WHERE "key" = ${key} AND "status" = 'pending' AND "attempts" = ${attempts}`;
    if (claimed === 0) {
      retryLater.push(`${key}: claimed by another attempt`);
      continue;
    }

    const messageId = messageIdForKey(key);
    let accepted: { messageId: string };
    try {
      accepted = await mailer.send({
        to: row.toEmail,
        subject: row.subject,
        text: row.text,
        html: row.html,
        messageId,
      });
    } catch (err) {
      const reason = describeMailError(err);
      if (isPermanentMailError(err)) {
        await prisma.outbox.update({ where: { key }, data: { status: 'failed', lastError: reason } });
        result.failed++;
        log.warn({ key, template: row.template, reason }, 'notification rejected permanently; marked failed');
        continue;
      }
      await prisma.outbox.update({ where: { key }, data: { lastError: reason } });
      retryLater.push(`${key}: ${reason}`);
      log.warn({ key, template: row.template, attempt: attempts + 1, reason }, 'notification not sent; will retry');
      // Server unreachable or misconfigured: the remaining rows would fail the same way.
      if (isConnectionMailError(err)) break;
      continue;
    }
    // The server's 250 came: record it now, committed on its own. Outside the try: a database
    // error must not pass for a mail error (the row stays pending and the retry repeats the mail).
    await prisma.$executeRaw`UPDATE "Outbox" SET "status" = 'sent', "messageId" = ${accepted.messageId || messageId}, "sentAt" = ${new Date()}, "lastError" = NULL WHERE "key" = ${key}`;
    result.sent++;
    log.info({ key, template: row.template, attempt: attempts + 1 }, 'notification sent');
  }

  if (retryLater.length) {
    throw new TransientMailError(
      `${retryLater.length} notification(s) to retry (sent ${result.sent}, failed ${result.failed}): ${retryLater.slice(0, 3).join('; ')}`,
    );
  }
  return result;
}

// ---------- daily digest ----------

export interface DigestResult extends DeliveryResult {
  /** Digests composed by this call (a digest already composed today is not composed again). */
  composed: number;
}

/** Overdue open tasks listed in one digest; more are summarised by the task list link. */
const DIGEST_MAX_OVERDUE_TASKS = 100;

/**
 * One digest mail per fund manager with dailyDigest=true and per UTC day: the rows held for
 * them ('digest') plus every overdue open task. The digest is itself an Outbox row with key
 * `digest:<userId>:<YYYY-MM-DD>`, written together with marking the held rows 'sent' in one
 * transaction, then delivered like any other row. A second call the same day composes nothing
 * new (a still-pending digest is retried). Nothing to report → no mail.
 */
export async function sendDailyDigest(
  prisma: PrismaClient,
  mailer: Pick<Mailer, 'send'>,
  input: { now: Date; baseUrl: string },
  log: NotificationLogger = moduleLogger,
): Promise<DigestResult> {
  const day = input.now.toISOString().slice(0, 10);
  const managers = await prisma.user.findMany({
    where: { role: 'fund_manager', dailyDigest: true, active: true },
    select: { id: true, email: true, language: true },
    orderBy: { id: 'asc' },
  });
  if (!managers.length) return { composed: 0, sent: 0, failed: 0, skipped: 0 };

  const overdueTasks = await prisma.task.findMany({
    where: { overdue: true, status: 'open' },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
    take: DIGEST_MAX_OVERDUE_TASKS,
    select: { id: true, kind: true, title: true, countryCode: true, dueAt: true },
  });
  const overdueItems: DigestItem[] = overdueTasks.map((task) => ({
    kind: 'overdue_task',
    taskId: task.id,
    taskKind: task.kind,
    title: task.title,
    countryCode: task.countryCode,
    dueAt: task.dueAt,
  }));

  let composed = 0;
  const toDeliver: string[] = [];
  for (const manager of managers) {
    const key = digestKey(manager.id, day);
    const outcome = await prisma.$transaction(async (tx) => {
      const existing = await tx.outbox.findUnique({ where: { key }, select: { status: true } });
      if (existing) return existing.status === 'pending' ? 'retry' : 'done';

      const held = await tx.outbox.findMany({
        where: { recipientId: manager.id, status: 'digest' },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      if (!held.length && !overdueItems.length) return 'nothing';

      const language = asLanguage(manager.language);
      const items: DigestItem[] = [
        ...held.map((row): DigestItem => ({
          kind: 'event',
          subject: row.subject,
          at: row.createdAt,
          url: primaryLinkOf(row.html),
        })),
        ...overdueItems,
      ];
      const mail = renderDigest(language, items, input.baseUrl, day);
      await tx.outbox.create({
        data: {
          key,
          workflowId: null,
          recipientId: manager.id,
          toEmail: manager.email,
          template: DIGEST_TEMPLATE,
          language,
          ...mail,
          status: 'pending',
        },
      });
      if (held.length) {
        await tx.outbox.updateMany({
          where: { id: { in: held.map((row) => row.id) }, status: 'digest' },
          data: { status: 'sent', messageId: messageIdForKey(key), sentAt: input.now },
        });
      }
      return 'composed';
    });
    if (outcome === 'composed') composed++;
    if (outcome === 'composed' || outcome === 'retry') toDeliver.push(key);
  }

  log.info({ day, composed, toDeliver: toDeliver.length }, 'daily digests prepared');
  const delivery = toDeliver.length
    ? await deliverOutbox(prisma, mailer, { keys: toDeliver }, log)
    : { sent: 0, failed: 0, skipped: 0 };
  return { composed, ...delivery };
}

// ---------- monitoring ----------

/** Mails that were rejected for good and need a person to look (GET /pipeline). */
export async function failedNotificationCount(prisma: PrismaClient | Tx): Promise<number> {
  return prisma.outbox.count({ where: { status: 'failed' } });
}
