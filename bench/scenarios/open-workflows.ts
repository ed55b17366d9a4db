/**
 * Scenario 4: many open workflows. Starts N proposals (default 2,000) through the Temporal client;
 * each runs its intake and waits at CO endorsement. Reports the worker's memory with all of them
 * open and cached, and the time of a decision (through the API) on one of them: while all are
 * cached, and after a worker restart with a small cache, when each decision first replays its
 * workflow from history.
 */
import { performance } from 'node:perf_hooks';
import { DEMO_USERS } from '../../domain/demo';
import type { proposalWorkflow, ProposalWorkflowInput } from '../../workflows/proposal';
import { stateQuery } from '../../workflows/messages';
import { workflowIdFor } from '../../domain/registry';
import { subjectSearchAttributes } from '../../workflows/search-attributes';
import { startBenchStack, type BenchStack } from '../lib/bench-stack';
import { ApiClient, serverTiming } from '../lib/http';
import { log, table, verdict, writeResult } from '../lib/report';
import { pool, Samples, summarize, type Summary } from '../lib/stats';
import type { Client } from '@temporalio/client';
import { createApplicants, proposalPayload, type BenchApplicant } from '../payloads';

/** The i-th open proposal of the memory scenarios: its workflow runs the intake and waits at CO endorsement. */
export const openWorkflowId = (i: number) => workflowIdFor('proposal', `p-open${String(i).padStart(6, '0')}`);

export async function startOpenProposal(
  client: Client,
  taskQueue: string,
  applicants: BenchApplicant[],
  i: number,
): Promise<void> {
  const a = applicants[i % applicants.length];
  const input: ProposalWorkflowInput = {
    proposalId: `p-open${String(i).padStart(6, '0')}`,
    applicant: {
      userId: a.userId,
      institutionId: a.institutionId,
      institutionName: `Bench institute ${a.institutionId}`,
    },
    proposal: proposalPayload(i),
    submittedAt: new Date().toISOString(),
  };
  await client.workflow.start<typeof proposalWorkflow>('proposalWorkflow', {
    workflowId: openWorkflowId(i),
    taskQueue,
    args: [input],
    typedSearchAttributes: subjectSearchAttributes('challenge_fund', 'intake', 'KG'),
  });
}

export interface OpenOptions {
  workflows: number;
  /** Decisions measured per phase (each on a different workflow). */
  decisions: number;
  /** Worker cache size for the eviction phase: the shipped default (WORKER_MAX_CACHED_WORKFLOWS). */
  smallCache: number;
  /** Worker cache size while all are open (large enough for all). */
  largeCache: number;
}

interface Phase {
  label: string;
  cache: number;
  decision: Summary;
  update: Summary;
  workerRssMb: number;
}

export interface OpenResult {
  options: OpenOptions;
  startSeconds: number;
  startsPerSecond: number;
  workerRssMb: { idle: number; allOpen: number; peakWhileStarting: number; smallCacheAfterTouchingAll: number };
  touchAllSeconds: number;
  phases: Phase[];
  errors: number;
}

async function waitFor(
  what: string,
  check: () => Promise<number>,
  target: number,
  timeoutMs: number,
  alive?: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let lastLog = 0;
  for (;;) {
    const n = await check();
    if (n >= target) return;
    if (alive && !alive()) throw new Error(`${what}: the worker exited (${n}/${target})`);
    if (Date.now() > deadline) throw new Error(`${what}: ${n}/${target} after ${timeoutMs / 1000} s`);
    if (n !== last && Date.now() - lastLog > 10_000) {
      log(`  ${what}: ${n}/${target}`);
      lastLog = Date.now();
    }
    last = n;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Sequential decisions (one client, no contention), each on its own task. */
async function decide(
  api: ApiClient,
  token: string,
  taskIds: string[],
  body: Record<string, unknown>,
  label: string,
): Promise<{ decision: Summary; update: Summary }> {
  const updates: number[] = [];
  const times: number[] = [];
  for (const taskId of taskIds) {
    const t = performance.now();
    const res = await api.call<{ stage: string }>(
      label,
      'POST',
      `/tasks/${encodeURIComponent(taskId)}/decision`,
      token,
      body,
    );
    times.push(performance.now() - t);
    const u = serverTiming(res.headers, 'temporal');
    if (u !== undefined) updates.push(u);
  }
  return { decision: summarize(times), update: summarize(updates) };
}

export async function runOpenWorkflows(opts: OpenOptions): Promise<OpenResult> {
  const bench: BenchStack = await startBenchStack({
    label: 'open',
    // The stack's SLAs (benchEnv: ten years, working days counted by the worker's Clock): the workflows wait holding only timers.
    env: { WORKER_MAX_CACHED_WORKFLOWS: String(opts.largeCache) },
  });
  try {
    const { stack, prisma, client } = bench;
    const api = new ApiClient(stack.apiUrl, new Samples());
    const co = await api.token(DEMO_USERS.coKg2.email);
    await new Promise((r) => setTimeout(r, 2000));
    const idleRss = bench.rss.current('worker');
    const applicants = await createApplicants(prisma, 100, `open${Date.now().toString(36)}`);
    bench.rss.resetPeak('worker');
    log(`open: starting ${opts.workflows} proposals (worker cache ${opts.largeCache}, worker ${idleRss} MB idle)`);
    const t0 = performance.now();
    let errors = 0;
    await pool(opts.workflows, 20, async (i) => {
      try {
        await startOpenProposal(client, stack.taskQueue, applicants, i);
      } catch (err) {
        errors++;
        if (errors <= 3) log(`start error: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    const openTasks = () =>
      prisma.task.count({
        where: { kind: 'co_endorsement', status: 'open', workflowId: { startsWith: 'proposal-p-open' } },
      });
    const workerAlive = () => stack.worker?.exitCode === null && stack.worker?.signalCode === null;
    await waitFor('waiting at CO endorsement', openTasks, opts.workflows, 30 * 60_000, workerAlive);
    const startSeconds = (performance.now() - t0) / 1000;
    const peakWhileStarting = bench.rss.peak('worker');
    await new Promise((r) => setTimeout(r, 3000));
    const allOpen = bench.rss.current('worker');
    log(
      `open: ${opts.workflows} waiting after ${startSeconds.toFixed(1)} s; worker ${allOpen} MB (peak ${peakWhileStarting} MB)`,
    );

    const tasks = (
      await prisma.task.findMany({
        where: { kind: 'co_endorsement', status: 'open', workflowId: { startsWith: 'proposal-p-open' } },
        select: { id: true },
        orderBy: { id: 'asc' },
      })
    ).map((t) => t.id);
    const phases: Phase[] = [];
    const n = opts.decisions;
    const endorse = { decision: 'endorse' };
    const cached = await decide(api, co, tasks.slice(0, n), endorse, 'decision (cached)');
    phases.push({
      label: `all ${opts.workflows} open and cached`,
      cache: opts.largeCache,
      ...cached,
      workerRssMb: bench.rss.current('worker'),
    });

    // Eviction: a new worker with a small cache replays each workflow from its history on first touch.
    log(`open: restarting the worker with WORKER_MAX_CACHED_WORKFLOWS=${opts.smallCache}`);
    await bench.restartWorker({ WORKER_MAX_CACHED_WORKFLOWS: String(opts.smallCache) });
    await decide(api, co, tasks.slice(n, n + 1), endorse, 'warm-up');
    const touched = tasks.slice(n + 1, 2 * n + 1);
    const evicted = await decide(api, co, touched, endorse, 'decision (evicted)');
    phases.push({
      label: `not cached (replayed from history), cache ${opts.smallCache}`,
      cache: opts.smallCache,
      ...evicted,
      workerRssMb: bench.rss.current('worker'),
    });
    // The same workflows again (now in the small cache): the fund manager assigns reviewers.
    const fm = await api.token(DEMO_USERS.fundManager.email);
    const assign = (
      await prisma.task.findMany({
        where: { kind: 'assign_reviewers', status: 'open', workflowId: { in: touched.map((t) => t.split(':')[0]) } },
        select: { id: true },
      })
    ).map((t) => t.id);
    const again = await decide(
      api,
      fm,
      assign,
      { decision: 'assign', data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] } },
      'decision (small cache, cached)',
    );
    phases.push({
      label: `cached in the small cache (next step, same workflows)`,
      cache: opts.smallCache,
      ...again,
      workerRssMb: bench.rss.current('worker'),
    });

    // Touch every open workflow (a Query replays it into the cache), so the small cache is full and cycling.
    log(`open: querying all ${opts.workflows} workflows through the worker with cache ${opts.smallCache}`);
    const t1 = performance.now();
    await pool(opts.workflows, 20, async (i) => {
      // A Query that times out on a loaded machine is counted, not fatal: the figure is the memory once all were touched.
      await client.workflow
        .getHandle(`proposal-p-open${String(i).padStart(6, '0')}`)
        .query(stateQuery)
        .catch(() => {
          errors++;
        });
    });
    const touchAllSeconds = Math.round((performance.now() - t1) / 100) / 10;
    await new Promise((r) => setTimeout(r, 2000));
    const smallCacheAfterTouchingAll = bench.rss.current('worker');
    return {
      options: opts,
      startSeconds: Math.round(startSeconds * 10) / 10,
      startsPerSecond: Math.round((opts.workflows / startSeconds) * 10) / 10,
      workerRssMb: { idle: idleRss, allOpen, peakWhileStarting, smallCacheAfterTouchingAll },
      touchAllSeconds,
      phases,
      errors: errors + api.errors,
    };
  } finally {
    await bench.stop();
  }
}

export function printOpen(r: OpenResult): void {
  console.log(`\n== open workflows: ${r.options.workflows} proposals waiting at CO endorsement ==`);
  console.log(
    table([
      ['figure', 'value', 'target', ''],
      ['intakes to waiting, s', r.startSeconds, '', ''],
      ['workflows/s', r.startsPerSecond, '', ''],
      ['worker RSS idle MB', r.workerRssMb.idle, '', ''],
      [
        `worker RSS, ${r.options.workflows} open, all cached (cache ${r.options.largeCache}), MB`,
        r.workerRssMb.allOpen,
        '',
        '',
      ],
      [
        `worker RSS, ${r.options.workflows} open, cache ${r.options.smallCache} full and cycling, MB`,
        r.workerRssMb.smallCacheAfterTouchingAll,
        '≤ 600',
        verdict(r.workerRssMb.smallCacheAfterTouchingAll, 600),
      ],
      [`Query to each of ${r.options.workflows} (replays into the small cache), s`, r.touchAllSeconds, '', ''],
      ['errors', r.errors, '0', r.errors === 0 ? 'met' : 'MISSED'],
    ]),
  );
  const rows: (string | number)[][] = [
    [
      'decision (sequential, one client)',
      'n',
      'p50 ms',
      'p95 ms',
      'max ms',
      'Update p50 / p95',
      'worker MB',
      'p95 ≤ 200',
    ],
  ];
  for (const p of r.phases)
    rows.push([
      p.label,
      p.decision.n,
      p.decision.p50,
      p.decision.p95,
      p.decision.max,
      `${p.update.p50} / ${p.update.p95}`,
      p.workerRssMb,
      verdict(p.decision.p95, 200),
    ]);
  console.log(table(rows));
}

export function saveOpen(r: OpenResult): string {
  return writeResult('open-workflows', r as unknown as Record<string, unknown>);
}
