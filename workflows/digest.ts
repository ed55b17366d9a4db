import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { sendDailyDigests } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '30 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes' },
});

/** Started once a day by the `daily-digest` schedule: one mail per fund manager who chose a digest. */
export async function dailyDigestWorkflow(): Promise<{ sent: number }> {
  const result = await sendDailyDigests();
  return { sent: result.sent };
}
