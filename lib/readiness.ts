import type { ConnectionLike, WorkflowService } from '@temporalio/client';

// temporal.api.enums.v1 values (TaskQueueKind NORMAL; TaskQueueType WORKFLOW, ACTIVITY).
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;
const TASK_QUEUE_TYPE_ACTIVITY = 2;

export interface Poller {
  identity: string;
  /** Epoch ms of its last poll. */
  lastAccess: number;
}

/** The pollers the server lists for the task queue: those of workflow tasks and those of activity tasks. */
export async function taskQueuePollers(
  connection: ConnectionLike,
  workflowService: WorkflowService,
  namespace: string,
  taskQueue: string,
  deadlineMs = 2000,
): Promise<{ workflow: Poller[]; activity: Poller[] }> {
  const describe = async (taskQueueType: number): Promise<Poller[]> => {
    const answer = await connection.withDeadline(Date.now() + deadlineMs, () =>
      workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
        taskQueueType,
      }),
    );
    return (answer.pollers ?? []).map((p) => ({
      identity: p.identity ?? '',
      lastAccess: p.lastAccessTime
        ? Number(p.lastAccessTime.seconds ?? 0) * 1000 + Math.floor((p.lastAccessTime.nanos ?? 0) / 1e6)
        : 0,
    }));
  };
  const [workflow, activity] = await Promise.all([
    describe(TASK_QUEUE_TYPE_WORKFLOW),
    describe(TASK_QUEUE_TYPE_ACTIVITY),
  ]);
  return { workflow, activity };
}

/**
 * Whether a worker serves `taskQueue`: a workflow poller and an activity poller seen within
 * `maxAgeSeconds`. The server keeps a poller listed for 5 minutes after its last poll (a killed
 * worker stays listed), and an idle worker's poll lasts up to the server's long-poll interval,
 * so the window must exceed that interval.
 */
export async function workerPolling(
  connection: ConnectionLike,
  workflowService: WorkflowService,
  namespace: string,
  taskQueue: string,
  maxAgeSeconds: number,
  deadlineMs = 2000,
): Promise<boolean> {
  const since = Date.now() - maxAgeSeconds * 1000;
  const { workflow, activity } = await taskQueuePollers(connection, workflowService, namespace, taskQueue, deadlineMs);
  return workflow.some((p) => p.lastAccess >= since) && activity.some((p) => p.lastAccess >= since);
}
