/**
 * Scenario 5: several instances. The lifecycle scenario's users against 1 API + 1 worker, then on
 * a fresh stack against 2 APIs + 2 workers (one PostgreSQL database, one Temporal server), the
 * users' calls going to the APIs in turn. Throughput of each, and their ratio on this machine.
 */
import { startBenchStack } from '../lib/bench-stack';
import { log, table, writeResult } from '../lib/report';
import { runLifecycle, type LifecycleOptions, type LifecycleResult } from './lifecycle';

export interface InstancesRun {
  apis: number;
  workers: number;
  wallSeconds: number;
  completed: number;
  lifecyclesPerSecond: number;
  errors: number;
  /** 503s the users sent again under their Idempotency-Key. */
  retries: number;
  errorSamples: string[];
  decisionP50: number;
  decisionP95: number;
  cpuSeconds: Record<string, number>;
}

export interface InstancesResult {
  options: LifecycleOptions;
  runs: InstancesRun[];
  /** lifecycles/s of 2 + 2 / lifecycles/s of 1 + 1. */
  ratio: number;
}

function summary(instances: number, r: LifecycleResult): InstancesRun {
  return {
    apis: instances,
    workers: instances,
    wallSeconds: r.wallSeconds,
    completed: r.completed,
    lifecyclesPerSecond: r.lifecyclesPerSecond,
    errors: r.errors,
    retries: r.retries,
    errorSamples: r.errorSamples,
    decisionP50: r.http.decision?.p50 ?? NaN,
    decisionP95: r.http.decision?.p95 ?? NaN,
    cpuSeconds: r.cpuSeconds,
  };
}

export async function runInstances(opts: LifecycleOptions): Promise<InstancesResult> {
  const runs: InstancesRun[] = [];
  for (const instances of [1, 2]) {
    const bench = await startBenchStack({ label: `instances ${instances} + ${instances}` });
    try {
      const urls = [bench.stack.apiUrl];
      for (let i = 1; i < instances; i++) {
        const [api] = await Promise.all([bench.stack.spawnApi(), bench.stack.spawnWorker()]);
        urls.push(api.url);
      }
      log(`instances: ${instances} API(s) ${urls.join(' ')}, ${instances} worker(s)`);
      const { result } = await runLifecycle(opts, bench, urls);
      runs.push(summary(instances, result));
    } finally {
      await bench.stop();
    }
  }
  const [one, two] = runs;
  return { options: opts, runs, ratio: Math.round((two.lifecyclesPerSecond / one.lifecyclesPerSecond) * 100) / 100 };
}

export function printInstances(r: InstancesResult): void {
  console.log(`\n== instances: ${r.options.lifecycles} lifecycles, ${r.options.users} users, 1 + 1 against 2 + 2 ==`);
  const rows: (string | number)[][] = [
    [
      'APIs + workers',
      'closed',
      'wall s',
      'lifecycles/s',
      'errors (503s retried)',
      'decision p50 / p95 ms',
      'CPU s worker/api/temporal/bench (first instance)',
    ],
  ];
  for (const run of r.runs) {
    rows.push([
      `${run.apis} + ${run.workers}`,
      `${run.completed}/${r.options.lifecycles}`,
      run.wallSeconds,
      run.lifecyclesPerSecond,
      `${run.errors} (${run.retries})`,
      `${run.decisionP50} / ${run.decisionP95}`,
      Object.values(run.cpuSeconds).join(' / '),
    ]);
  }
  console.log(table(rows));
  console.log(`lifecycles/s, 2 + 2 / 1 + 1: ${r.ratio}`);
  for (const run of r.runs)
    if (run.errorSamples.length)
      console.log(`errors (${run.apis} + ${run.workers}):\n  ${run.errorSamples.join('\n  ')}`);
}

export function saveInstances(r: InstancesResult): string {
  return writeResult('instances', r as unknown as Record<string, unknown>);
}
