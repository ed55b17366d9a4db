import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

// Delivery waits out an SMTP outage, as the workflow notifications do.
const { deliverAccountMails } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * Delivers the outbox rows of one account step (a sign-in link, an invitation...). The API starts
 * it before committing the rows, so a committed row always has a deliverer; rows that never
 * commit (the step failed) are given up after `rowsBy`.
 */
export async function accountMailWorkflow(input: {
  keys: string[];
  rowsBy: string;
}): Promise<{ sent: number; skipped: number }> {
  const result = await deliverAccountMails(input);
  return { sent: result.sent, skipped: result.skipped };
}
