import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../lib/db';
import { documentScanWorkflowId, type documentScanWorkflow } from '../workflows/document-scan';

/**
 * Starts the scan of every document still pending whose scan is not running (the API could not
 * start it: Temporal was unreachable at upload time). Idempotent: a running scan is joined, a
 * finished one leaves its document no longer pending. Returns how many were started or joined.
 */
export async function ensurePendingScans(client: Client, prisma: PrismaClient, taskQueue: string): Promise<number> {
  const pending = await prisma.document.findMany({
    where: { scanState: 'pending', deleted: false },
    select: { id: true },
    take: 10_000,
  });
  for (const { id } of pending) {
    await client.workflow.start<typeof documentScanWorkflow>('documentScanWorkflow', {
      workflowId: documentScanWorkflowId(id),
      taskQueue,
      args: [{ documentId: id }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  }
  return pending.length;
}
