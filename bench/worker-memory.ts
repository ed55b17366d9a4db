/**
 * Worker memory with many open workflows, several worker settings compared in one run (the
 * machine's load moves between runs; within one run each setting meets the same workflows):
 *
 *   npm run bench:worker-memory -- [--open 2000] [--configs '<json>']
 *
 * Starts the real stack, starts N proposals through the Temporal client (each runs its intake and
 * waits at CO endorsement), then for each setting, twice in turn: restarts the worker with that
 * environment and sends a Query to every workflow, which replays each into the worker's cache
 * (default 100) and evicts the oldest. Prints the worker's RSS before, after and at its peak,
 * and the Queries per second (the cost of bringing a workflow into the cache).
 * Default settings: V8's own heap growth (0), and WORKER_HEAP_GROWING_PERCENT=50 (the default).
 * A setting may name another bundle (WORKFLOW_BUNDLE_PATH), e.g. one made from an older commit.
 */
import { performance } from 'node:perf_hooks';
import { stateQuery } from '../workflows/messages';
import { startBenchStack } from './lib/bench-stack';
import { log } from './lib/report';
import { pool } from './lib/stats';
import { createApplicants } from './payloads';
import { openWorkflowId as workflowId, startOpenProposal } from './scenarios/open-workflows';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const N = Number(arg('open') ?? 2000);
const configs: { name: string; env: Record<string, string> }[] = JSON.parse(
  arg('configs') ??
    '[{"name":"V8 heap growth","env":{"WORKER_HEAP_GROWING_PERCENT":"0"}},{"name":"heap growth 50%","env":{"WORKER_HEAP_GROWING_PERCENT":"50"}}]',
);

async function main(): Promise<void> {
  const bench = await startBenchStack({ label: 'worker-memory', env: configs[0].env });
  try {
    const { stack, prisma, client } = bench;
    const applicants = await createApplicants(prisma, 100, `wm${Date.now().toString(36)}`);
    const t0 = performance.now();
    await pool(N, 20, (i) => startOpenProposal(client, stack.taskQueue, applicants, i));
    const waiting = () =>
      prisma.task.count({
        where: { kind: 'co_endorsement', status: 'open', workflowId: { startsWith: 'proposal-p-open' } },
      });
    for (let n = await waiting(); n < N; n = await waiting()) {
      log(`  waiting at CO endorsement: ${n}/${N}, worker ${bench.rss.current('worker')} MB`);
      await new Promise((r) => setTimeout(r, 15_000));
    }
    log(`${N} waiting after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const rows: string[] = [];
    for (const c of [...configs, ...configs]) {
      await bench.restartWorker(c.env);
      await new Promise((r) => setTimeout(r, 3000));
      const idle = bench.rss.current('worker');
      bench.rss.resetPeak('worker');
      const t1 = performance.now();
      let errors = 0;
      await pool(N, 20, async (i) => {
        await client.workflow
          .getHandle(workflowId(i))
          .query(stateQuery)
          .catch(() => errors++);
      });
      const seconds = (performance.now() - t1) / 1000;
      await new Promise((r) => setTimeout(r, 2000));
      const row = `${c.name}: worker ${idle} MB before, ${bench.rss.current('worker')} MB after a Query to each of ${N} (peak ${bench.rss.peak('worker')} MB); ${(N / seconds).toFixed(1)} Queries/s; errors ${errors}`;
      log(row);
      rows.push(row);
    }
    console.log(`\n== worker memory, ${N} open workflows ==\n${rows.join('\n')}`);
  } finally {
    await bench.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
