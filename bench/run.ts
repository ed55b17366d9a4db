/**
 * `npm run bench` runs every scenario; `npm run bench -- lifecycle --users 5 --lifecycles 20`
 * runs one. Each scenario starts the real stack (lib/stack.ts) on free loopback ports, prints a
 * table and writes bench/results/<name>.json. See bench/README.md.
 */
import { log, machine } from './lib/report';
import { configSchema } from '../lib/config';
import { startBenchStack, type BenchStack } from './lib/bench-stack';
import { readResult } from './lib/report';
import { printFloor, runFloor, saveFloor } from './scenarios/floor';
import { printInstances, runInstances, saveInstances } from './scenarios/instances';
import { printOpen, runOpenWorkflows, saveOpen } from './scenarios/open-workflows';
import { printReads, runReads, saveReads } from './scenarios/reads';
import { printLifecycle, runLifecycle, saveLifecycle, type LifecycleResult } from './scenarios/lifecycle';

const SCENARIOS = ['lifecycle', 'floor', 'reads', 'open', 'instances'] as const;
type Scenario = (typeof SCENARIOS)[number];

function parseArgs(argv: string[]): { scenarios: Scenario[]; flags: Record<string, string> } {
  const scenarios: Scenario[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=');
      flags[k] = v ?? argv[++i];
    } else if ((SCENARIOS as readonly string[]).includes(a)) scenarios.push(a as Scenario);
    else throw new Error(`unknown scenario ${a}: one of ${SCENARIOS.join(', ')}`);
  }
  return { scenarios: scenarios.length ? scenarios : [...SCENARIOS], flags };
}

let bench: BenchStack | undefined;

async function main(): Promise<void> {
  const { scenarios, flags } = parseArgs(process.argv.slice(2));
  const num = (k: string, d: number) => (flags[k] === undefined ? d : Number(flags[k]));
  const m = machine();
  log(`machine: ${m.nproc} × ${m.cpu}, ${m.memGb} GB, node ${m.node}; scenarios: ${scenarios.join(', ')}`);
  const users = num('users', 20);
  let lifecycle: LifecycleResult | undefined;
  if (scenarios.includes('lifecycle')) {
    bench = await startBenchStack({ label: 'lifecycle' });
    const run = await runLifecycle(
      { users, lifecycles: num('lifecycles', 200), cfPerEod: num('cf-per-eod', 3) },
      bench,
    );
    lifecycle = run.result;
    printLifecycle(lifecycle);
    log(`wrote ${saveLifecycle(lifecycle)}`);
  }
  if (scenarios.includes('floor')) {
    // The floor copies the shape of the lifecycle run: of this invocation, else of the last saved one.
    const source = lifecycle ?? readResult<LifecycleResult>('lifecycle');
    if (!source?.shapes?.length)
      throw new Error('the floor copies the lifecycle scenario: run `npm run bench -- lifecycle floor`');
    if (!lifecycle)
      log('floor: shapes and lifecycle time from the saved bench/results/lifecycle.json (not measured in this run)');
    bench ??= await startBenchStack({ label: 'floor', api: false });
    const floor = await runFloor(bench, source.shapes, lifecycle?.options.users ?? source.options.users, source);
    printFloor(floor);
    log(`wrote ${saveFloor(floor)}`);
  }
  await bench?.stop();
  bench = undefined;
  if (scenarios.includes('reads')) {
    const reads = await runReads({
      proposals: num('proposals', 10_000),
      requests: num('requests', 2_000),
      readers: num('readers', 20),
      perRoute: num('per-route', 200),
    });
    printReads(reads);
    log(`wrote ${saveReads(reads)}`);
  }
  if (scenarios.includes('open')) {
    const open = await runOpenWorkflows({
      workflows: num('open', 2_000),
      decisions: num('decisions', 30),
      smallCache: num('small-cache', configSchema.parse({}).WORKER_MAX_CACHED_WORKFLOWS),
      largeCache: num('large-cache', 5_000),
    });
    printOpen(open);
    log(`wrote ${saveOpen(open)}`);
  }
  if (scenarios.includes('instances')) {
    // Half the lifecycle scenario's lifecycles per run by default: it runs twice (1 + 1, then 2 + 2).
    const instances = await runInstances({
      users,
      lifecycles: num('instance-lifecycles', 100),
      cfPerEod: num('cf-per-eod', 3),
    });
    printInstances(instances);
    log(`wrote ${saveInstances(instances)}`);
  }
}

main().then(
  () => process.exit(0),
  async (err) => {
    console.error(err);
    // Never leave a stack behind (its processes would outlive this one).
    await bench?.stop().catch(() => undefined);
    process.exit(1);
  },
);
