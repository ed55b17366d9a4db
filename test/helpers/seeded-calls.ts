import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../../lib/db';
import { ensureCallWorkflows } from '../../worker/calls';
import { eventually } from './wait';

/**
 * What the worker does at start (worker/main.ts): the seeded calls get their call workflows. Waits
 * until each has written its row, so the test starts from the state a demo stack is in.
 */
export async function startSeededCallWorkflows(client: Client, prisma: PrismaClient, taskQueue: string): Promise<void> {
  await ensureCallWorkflows(client, prisma, taskQueue);
  await eventually(async () => (await prisma.call.count({ where: { workflowId: null } })) === 0, 60_000);
}
