import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { proposalWorkflow } from '../../workflows/proposal';
import { decideUpdate } from '../../workflows/messages';
import { DEMO_USERS } from '../../domain/demo';
import { proposalPayload } from '../fixtures/payloads';
import { HISTORIES_DIR, recordHistory } from '../helpers/histories';
import { actorOf, settledStage } from '../helpers/lifecycle';
import { testWorkflowBundle, uniqueTaskQueue } from '../helpers/temporal';
import { startWorkflowTestContext } from '../helpers/workflow-context';

/**
 * An accepted `decide` Update replayed ahead of the activity result that opens its task.
 *
 * Live, the validator sees the task and the handler runs right after it. On replay validators do
 * not run, and Core builds each activation from history: when the workflow task that accepted the
 * Update is grouped with the earlier one that received the task's `scheduleDeadlines` result, the
 * Update comes first (Core orders Update jobs before activity resolutions), so the handler runs
 * before the task exists. The worker-crash test met this after a SIGKILL ("Cannot set properties
 * of undefined (setting 'status')").
 *
 * The fixture is a real history in which the Update was sent while the commit that follows the
 * opening of the task was still running (a slow local activity, so the workflow task heartbeated
 * and the Update was accepted in the next one). The test folds that empty heartbeat workflow task
 * into the one that accepted the Update, which hands the Update to the workflow in the same
 * activation as the activity result that opens its task, and replays it.
 */
const FIXTURE = 'proposal-decide-while-commit-heartbeats';

type Event = Record<string, unknown> & { eventId: string; eventType: string };

const REFERENCES = [
  'scheduledEventId',
  'startedEventId',
  'workflowTaskCompletedEventId',
  'acceptedEventId',
  'acceptedRequestSequencingEventId',
];

const is = (e: Event | undefined, type: string) => e?.eventType === `EVENT_TYPE_${type}`;

/**
 * Removes the workflow task that completed without commands at `events[at]` (and the scheduled and
 * started events of the task that followed it), so what followed belongs to the task before it.
 */
function foldEmptyWorkflowTask(events: Event[], at: number): Event[] {
  const removed = Number(events[at].eventId);
  const [prevScheduled, prevStarted] = [removed - 2, removed - 1];
  const renumber = (id: number) =>
    id === removed + 1 ? prevScheduled : id === removed + 2 ? prevStarted : id > removed + 2 ? id - 3 : id;
  const rewrite = (o: unknown): unknown => {
    if (Array.isArray(o)) return o.map(rewrite);
    if (!o || typeof o !== 'object') return o;
    return Object.fromEntries(
      Object.entries(o).map(([k, v]) => [
        k,
        REFERENCES.includes(k) && typeof v === 'string' ? String(renumber(Number(v))) : rewrite(v),
      ]),
    );
  };
  return [...events.slice(0, at), ...events.slice(at + 3)].map((e) => ({
    ...(rewrite(e) as Event),
    eventId: String(renumber(Number(e.eventId))),
  }));
}

/** Index of the empty workflow task completion just before the one that accepted the first `decide` Update. */
function heartbeatBeforeDecide(events: Event[]): number {
  const accepted = events.findIndex(
    (e) =>
      is(e, 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED') &&
      (e.workflowExecutionUpdateAcceptedEventAttributes as { acceptedRequest?: { input?: { name?: string } } })
        .acceptedRequest?.input?.name === 'decide',
  );
  const at = accepted - 4;
  const shape = [
    'WORKFLOW_TASK_STARTED',
    'WORKFLOW_TASK_COMPLETED',
    'WORKFLOW_TASK_SCHEDULED',
    'WORKFLOW_TASK_STARTED',
    'WORKFLOW_TASK_COMPLETED',
  ];
  if (accepted < 0 || !shape.every((type, i) => is(events[at - 1 + i], type)))
    throw new Error(`${FIXTURE}: no heartbeat workflow task before the decide Update; re-record it`);
  return at;
}

test('a decide Update replayed before the activity result that opens its task waits for the task', async () => {
  const recorded = JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, `${FIXTURE}.json`), 'utf8')) as {
    workflowId: string;
    history: { events: Event[] };
  };
  const events = recorded.history.events;
  const folded = foldEmptyWorkflowTask(events, heartbeatBeforeDecide(events));
  const history = temporal.api.history.v1.History.fromObject({ events: folded });
  // In the folded history the Update is accepted by the workflow task that got the task's dates.
  const accepted = folded.find((e) => is(e, 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED'))!;
  const acceptingTask = folded[folded.indexOf(accepted) - 2];
  const before = folded.slice(0, folded.indexOf(acceptingTask)).reverse();
  const lastOpeningResult = before.find((e) => is(e, 'ACTIVITY_TASK_COMPLETED') || is(e, 'WORKFLOW_TASK_COMPLETED'));
  expect(is(lastOpeningResult, 'ACTIVITY_TASK_COMPLETED')).toBe(true);

  await Worker.runReplayHistory({ workflowBundle: await testWorkflowBundle() }, history, recorded.workflowId);
});

/**
 * Records the fixture (`npm run test:record-histories`): the commit that follows the opening of the
 * CO endorsement task is held back until the workflow task has heartbeated, and the decision is
 * sent meanwhile, so it is accepted in the workflow task after the heartbeat.
 */
const recording = process.env.RECORD_HISTORIES ? test : test.skip;
recording(
  'records a decide Update accepted while the commit after opening its task heartbeats',
  async () => {
    const ctx = await startWorkflowTestContext('update-ordering');
    try {
      const activities = createActivities(ctx.deps);
      let commitHeld!: () => void;
      const held = new Promise<void>((resolve) => (commitHeld = resolve));
      const taskQueue = uniqueTaskQueue('ordering');
      const worker = await Worker.create({
        connection: ctx.env.nativeConnection,
        taskQueue,
        workflowBundle: ctx.bundle,
        activities: {
          ...activities,
          commitSteps: async (input: Parameters<typeof activities.commitSteps>[0]) => {
            if (input.steps.some((s) => s.openTasks?.some((t) => t.kind === 'co_endorsement'))) {
              commitHeld();
              // Longer than 80% of the 2-second workflow task timeout: Core heartbeats the task.
              await new Promise((r) => setTimeout(r, 4000));
            }
            return activities.commitSteps(input);
          },
        },
      });
      const id = `ordering-${Date.now()}`;
      await worker.runUntil(async () => {
        const h = await ctx.env.client.workflow.start(proposalWorkflow, {
          taskQueue,
          workflowId: `proposal-${id}`,
          workflowTaskTimeout: '2 seconds',
          args: [
            {
              proposalId: id,
              applicant: { userId: DEMO_USERS.applicant.id, institutionId: 'inst-tpu', institutionName: 'TPU' },
              proposal: proposalPayload(),
              submittedAt: new Date().toISOString(),
            },
          ],
        });
        await held;
        const result = await h.executeUpdate(decideUpdate, {
          args: [{ taskId: `${h.workflowId}:co_endorsement:1`, actor: actorOf('coKg'), decision: 'endorse' }],
        });
        expect(result.decision).toBe('endorse');
        await settledStage(h);
        // Ends the history at a quiet point, so it replays to its end.
        await h.terminate('recorded for the update-ordering replay test');
        await recordHistory(h, FIXTURE);
      });
    } finally {
      await ctx.stop();
    }
  },
  180_000,
);
