import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';

export const DAILY_DIGEST_SCHEDULE_ID = 'daily-digest';

/** Creates the daily digest schedule (07:00 UTC) once; later calls leave it as it is. */
export async function ensureDigestSchedule(client: Client, taskQueue: string): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId: DAILY_DIGEST_SCHEDULE_ID,
      spec: { cronExpressions: ['0 7 * * *'] },
      action: { type: 'startWorkflow', workflowType: 'dailyDigestWorkflow', taskQueue, workflowId: 'daily-digest' },
      policies: { catchupWindow: '1 day' },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}
