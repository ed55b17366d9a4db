import { createHash } from 'node:crypto';
import type { Prisma } from '../../generated/prisma/client';
import { insertOutboxRows, type OutboxRow } from '../../activities/notifications/outbox';
import type { RenderedMail } from '../../activities/notifications/templates';
import type { ApiContext } from '../context';
import { withTemporalDeadline } from '../context';

/** How long the delivery workflow waits for the rows of a step that started it. */
const ROWS_WAIT_MS = 60_000;

export interface AccountMail {
  key: string;
  toEmail: string;
  recipientId: string | null;
  template: string;
  language: string;
  mail: RenderedMail;
  /** false: the row is written and "delivered" the same way, but skipped (an unknown address). */
  send: boolean;
}

/**
 * An account step with its mails, by the outbox rule: the delivery workflow starts first (so a
 * committed row always has a deliverer), then the step and its rows commit in one transaction.
 * A mail that must not go out (an unknown address asking for a sign-in link) takes exactly the
 * same path as a status 'skipped' row, so both cost the same work.
 */
export async function withAccountMails<T>(
  ctx: ApiContext,
  mails: AccountMail[],
  step: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  const rows: OutboxRow[] = mails.map((m) => ({
    key: m.key,
    workflowId: null,
    recipientId: m.recipientId,
    toEmail: m.toEmail,
    template: m.template,
    language: m.language,
    subject: m.mail.subject,
    text: m.mail.text,
    html: m.mail.html,
    status: m.send ? 'pending' : 'skipped',
  }));
  return withOutboxMails(ctx, rows, step);
}

/**
 * A step the API takes itself (an account step, a message on a subject's thread) with its
 * rendered outbox rows: the delivery workflow (accountMailWorkflow → deliverOutbox, the same
 * delivery as every mail) starts first, then the step and the rows commit in one transaction.
 */
export async function withOutboxMails<T>(
  ctx: ApiContext,
  rows: OutboxRow[],
  step: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  const keys = rows.map((r) => r.key);
  if (keys.length) {
    const id = createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 32);
    await withTemporalDeadline(ctx, () =>
      ctx.temporal.workflow.start('accountMailWorkflow', {
        workflowId: `account-mail-${id}`,
        taskQueue: ctx.taskQueue,
        args: [{ keys, rowsBy: new Date(Date.now() + ROWS_WAIT_MS).toISOString() }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    );
  }
  return ctx.prisma.$transaction(async (tx) => {
    const result = await step(tx);
    await insertOutboxRows(tx, rows);
    return result;
  });
}
