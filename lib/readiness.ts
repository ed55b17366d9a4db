import type { ConnectionLike, WorkflowService } from '@temporalio/client';

// temporal.api.enums.v1 values (TaskQueueKind NORMAL; TaskQueueType WORKFLOW, ACTIVITY).
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;
const TASK_QUEUE_TYPE_ACTIVITY = 2;

/**
 * Whether a worker serves `taskQueue`: the task queue's workflow and activity pollers as the
 * server describes them, counting only pollers seen within `maxAgeSeconds`. The server keeps a
 * poller listed for 5 minutes after its last poll (a killed worker stays listed), and an idle
 * worker's poll lasts up to the server's long-poll interval, so the window must exceed that.
 */
export async function workerPolling(connection: ConnectionLike, workflowService: WorkflowService, namespace: string, taskQueue: string, maxAgeSeconds: number, deadlineMs = 2000): Promise<boolean> {
  const now = Date.now();
  const freshest = async (taskQueueType: number) => {
    const answer = await connection.withDeadline(now + deadlineMs, () =>
      workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL }, taskQueueType }),
    );
    let newest = 0;
    for (const poller of answer.pollers ?? []) {
      const t = poller.lastAccessTime;
      if (t) newest = Math.max(newest, Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6));
    }
    return newest;
  };
  const [workflow, activity] = await Promise.all([freshest(TASK_QUEUE_TYPE_WORKFLOW), freshest(TASK_QUEUE_TYPE_ACTIVITY)]);
  return Math.min(workflow, activity) >= now - maxAgeSeconds * 1000;
}
