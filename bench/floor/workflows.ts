/**
 * The floor: a workflow with the shape of a lifecycle and none of its work. It answers K
 * `step` Updates; before answering step i it runs the activities the real lifecycle ran after
 * its i-th Update, in the same order and kind ('A' ordinary, 'L' local), and starts as many
 * background activities as the lifecycle started mail deliveries. Every activity is a no-op.
 */
import {
  allHandlersFinished,
  condition,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { FloorActivities } from './activities';

export interface FloorStep {
  sequence: string;
  background: number;
}

export interface FloorInput {
  steps: FloorStep[];
}

export const stepUpdate = defineUpdate<number, [number]>('step');

const options = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '10 seconds' },
} as const;
const remote = proxyActivities<FloorActivities>(options);
const local = proxyLocalActivities<FloorActivities>(options);

export async function floorWorkflow(input: FloorInput): Promise<number> {
  let answered = 0;
  const background: Promise<void>[] = [];
  setHandler(stepUpdate, async (i) => {
    const step = input.steps[i];
    for (const kind of step?.sequence ?? '') await (kind === 'L' ? local.noop() : remote.noop());
    for (let k = 0; k < (step?.background ?? 0); k++) background.push(remote.noop());
    return ++answered;
  });
  await condition(() => answered >= input.steps.length);
  await Promise.all(background);
  await condition(allHandlersFinished);
  return answered;
}
