import { Context } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { deliverOutbox, sendDailyDigest } from './notifications/outbox';

export function createNotifyActivities(deps: ActivityDeps) {
  return {
    /** Sends pending outbox rows; throws on transient SMTP trouble so Temporal retries with backoff. */
    async deliverNotifications(input: { keys: string[] }): Promise<{ sent: number; failed: number; skipped: number }> {
      const workflowId = Context.current().info.workflowExecution?.workflowId;
      const log = deps.logger.child({ workflowId, activity: 'deliverNotifications' });
      return deliverOutbox(deps.prisma, deps.mailer, { keys: input.keys }, log);
    },

    /**
     * Sends an account step's rows (accountMailWorkflow). Its rows commit just after the workflow
     * starts: until `rowsBy` a missing row is waited for (the activity is retried), after it a
     * missing row is a step that never committed.
     */
    async deliverAccountMails(input: {
      keys: string[];
      rowsBy: string;
    }): Promise<{ sent: number; failed: number; skipped: number }> {
      const expected = new Set(input.keys).size;
      // The step usually commits within milliseconds of starting this workflow: wait a little here before leaving it to the retry policy.
      let found = await deps.prisma.outbox.count({ where: { key: { in: input.keys } } });
      for (let i = 0; i < 30 && found < expected && Date.now() < Date.parse(input.rowsBy); i++) {
        await new Promise((r) => setTimeout(r, 100));
        found = await deps.prisma.outbox.count({ where: { key: { in: input.keys } } });
      }
      if (found < expected && Date.now() < Date.parse(input.rowsBy))
        throw new Error('the account step has not committed its mails yet');
      const log = deps.logger.child({ activity: 'deliverAccountMails' });
      return deliverOutbox(deps.prisma, deps.mailer, { keys: input.keys }, log);
    },

    /** The fund managers' daily digest; idempotent per user and day, so a retry sends nothing twice. */
    async sendDailyDigests(): Promise<{ sent: number; failed: number }> {
      const result = await sendDailyDigest(
        deps.prisma,
        deps.mailer,
        { now: new Date(), baseUrl: deps.baseUrl },
        deps.logger.child({ activity: 'sendDailyDigests' }),
      );
      return { sent: result.sent, failed: result.failed };
    },
  };
}
