/**
 * Scenario 2: the floor. The same number of workflow executions, Updates and activity calls as
 * the lifecycle scenario, in the same shape per workflow, driven directly through the Temporal
 * client at the same concurrency, with no-op activities and no HTTP or database: what the
 * Temporal dev server and SDK alone cost on this machine. Its own bundle and an in-process
 * worker on the lifecycle's dev server.
 */
import { performance } from 'node:perf_hooks';
import { WithStartWorkflowOperation } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  makeTelemetryFilterString,
  NativeConnection,
  Runtime,
  Worker,
} from '@temporalio/worker';
import type { BenchStack } from '../lib/bench-stack';
import { CpuMeter, programPid } from '../lib/proc';
import { log, table, writeResult } from '../lib/report';
import { pool, Samples, summarize, type Summary } from '../lib/stats';
import { floorActivities } from '../floor/activities';
import { floorWorkflow, stepUpdate, type FloorStep } from '../floor/workflows';
import { shapeTotals, type LifecycleResult } from './lifecycle';

export interface FloorResult {
  workflows: number;
  users: number;
  updates: number;
  activities: number;
  localActivities: number;
  background: number;
  wallSeconds: number;
  workflowsPerSecond: number;
  update: Summary;
  start: Summary;
  errors: number;
  cpuSeconds: Record<string, number>;
  /** Lifecycle wall time / floor wall time, both measured in this run. */
  ratio: number | null;
  lifecycleWallSeconds: number | null;
  /** The lifecycle's decision p95 (HTTP, same run) / the floor's Update p95. */
  decisionP95Ratio: number | null;
}

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger('WARN'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
    });
  } catch {
    // already installed
  }
}

export async function runFloor(
  bench: BenchStack,
  shapes: { steps: FloorStep[] }[],
  users: number,
  lifecycle?: LifecycleResult,
): Promise<FloorResult> {
  quietRuntime();
  const taskQueue = `floor-${Date.now().toString(36)}`;
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../floor/workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const connection = await NativeConnection.connect({ address: bench.stack.temporalAddress });
  const worker = await Worker.create({ connection, taskQueue, workflowBundle: bundle, activities: floorActivities });
  const samples = new Samples();
  let errors = 0;
  const totals = shapeTotals(shapes);
  log(
    `floor: ${shapes.length} workflows, ${totals.updates} Updates, ${totals.activities} + ${totals.localActivities} local + ${totals.background} background no-op activities, ${users} concurrent clients`,
  );
  const cpu = new CpuMeter({
    temporal: bench.stack.temporal?.pid,
    bench: process.pid,
    worker: bench.stack.worker?.pid === undefined ? undefined : programPid(bench.stack.worker.pid),
  }).start();
  let wallSeconds = 0;
  await worker.runUntil(async () => {
    const started = performance.now();
    await pool(shapes.length, users, async (i) => {
      const steps = shapes[i].steps;
      try {
        const start = new WithStartWorkflowOperation(floorWorkflow, {
          workflowId: `${taskQueue}-${i}`,
          taskQueue,
          args: [{ steps }],
          workflowIdConflictPolicy: 'FAIL',
        });
        let t = performance.now();
        await bench.client.workflow.executeUpdateWithStart(stepUpdate, { args: [0], startWorkflowOperation: start });
        samples.add('start', performance.now() - t);
        const handle = await start.workflowHandle();
        for (let k = 1; k < steps.length; k++) {
          t = performance.now();
          await handle.executeUpdate(stepUpdate, { args: [k] });
          samples.add('update', performance.now() - t);
        }
        await handle.result();
      } catch (err) {
        errors++;
        if (errors <= 3) log(`floor error: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    wallSeconds = (performance.now() - started) / 1000;
  });
  await connection.close();
  const lifecycleWall = lifecycle?.wallSeconds ?? null;
  const update = summarize(samples.values('update'));
  return {
    workflows: shapes.length,
    users,
    ...totals,
    wallSeconds: Math.round(wallSeconds * 100) / 100,
    workflowsPerSecond: Math.round((shapes.length / wallSeconds) * 100) / 100,
    update,
    start: summarize(samples.values('start')),
    errors,
    cpuSeconds: cpu.stop(),
    ratio: lifecycleWall ? Math.round((lifecycleWall / wallSeconds) * 100) / 100 : null,
    lifecycleWallSeconds: lifecycleWall,
    decisionP95Ratio:
      lifecycle?.http.decision && update.p95
        ? Math.round((lifecycle.http.decision.p95 / update.p95) * 100) / 100
        : null,
  };
}

export function printFloor(r: FloorResult): void {
  console.log(`\n== floor: ${r.workflows} workflows, ${r.updates} Updates, ${r.users} clients, no-op activities ==`);
  console.log(
    table([
      ['figure', 'value', 'target', ''],
      ['wall time s', r.wallSeconds, '', ''],
      ['workflows/s', r.workflowsPerSecond, '', ''],
      ['start (update-with-start) p50 / p95 ms', `${r.start.p50} / ${r.start.p95}`, '', ''],
      ['Update p50 / p95 ms', `${r.update.p50} / ${r.update.p95}`, '', ''],
      ['errors', r.errors, '0', r.errors === 0 ? 'met' : 'MISSED'],
      ['CPU s temporal / bench (worker + clients)', `${r.cpuSeconds.temporal} / ${r.cpuSeconds.bench}`, '', ''],
      [
        'lifecycle time / floor time',
        r.ratio ?? 'n/a (run lifecycle first)',
        '≤ 1.5',
        r.ratio === null ? '' : r.ratio <= 1.5 ? 'met' : 'MISSED',
      ],
      [
        'lifecycle decision p95 / floor Update p95',
        r.decisionP95Ratio ?? 'n/a (run lifecycle first)',
        '≤ 1.3',
        r.decisionP95Ratio === null ? '' : r.decisionP95Ratio <= 1.3 ? 'met' : 'MISSED',
      ],
    ]),
  );
}

export function saveFloor(r: FloorResult): string {
  return writeResult('floor', r as unknown as Record<string, unknown>);
}
