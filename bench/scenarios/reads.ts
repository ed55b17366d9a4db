/**
 * Scenario 3: reads at scale. Bulk-inserts (Prisma createMany, in batches) 10,000 proposals and
 * 2,000 expert requests spread over stages and countries, with their task history (one open task
 * per active subject, done ones before it) and audit events, then measures the dashboard and
 * list routes under concurrent readers.
 */
import { performance } from 'node:perf_hooks';
import { DEMO_USERS } from '../../domain/demo';
import { workflowIdFor } from '../../domain/registry';
import { PHASES, STAGES, isTerminal, type Stage } from '../../domain/stages';
import { COUNTRIES, mulberry32 } from '../../prisma/seed-data';
import type { Prisma } from '../../generated/prisma/client';
import { startBenchStack, type BenchStack } from '../lib/bench-stack';
import { ApiClient } from '../lib/http';
import { log, table, verdict, writeResult } from '../lib/report';
import { pool, Samples, type Summary } from '../lib/stats';

export interface ReadsOptions {
  proposals: number;
  requests: number;
  readers: number;
  /** Requests per route. */
  perRoute: number;
}

export interface ReadsResult {
  options: ReadsOptions;
  rows: Record<string, number>;
  seedSeconds: number;
  busyCoOpenTasks: number;
  /** Concurrent readers. */
  routes: Record<string, Summary>;
  /** Concurrent readers while another connection commits a write every 1000/writesPerSecond ms (the read cache starts again after each). */
  routesWhileWriting: Record<string, Summary>;
  writesPerSecond: number;
  /** One reader at a time, each request after a write (a read-cache miss): the service time of each route. */
  single: Record<string, Summary>;
  errors: number;
  dbMb: number;
}

const DAY = 86_400_000;
const BATCH = 500;
/** Kyrgyzstan gets a fifth of everything: its CO approver is the busy one. */
const BUSY = 'KG';

/** Stage mix of a mature programme: most items active, a third ended. */
const STAGE_WEIGHTS: Record<Stage, number> = {
  intake: 1,
  co_endorsement: 12,
  alignment_check: 3,
  selection: 12,
  contracting: 6,
  mission: 20,
  evaluation: 6,
  closed: 22,
  rejected: 12,
  withdrawn: 4,
  cancelled: 2,
  // Stages of SDG event travel, which this scenario does not generate.
  review: 0,
  travel_authorisation: 0,
  trip: 0,
  settlement: 0,
  // Stages of internships, which this scenario does not generate.
  university_verification: 0,
  agreement: 0,
  placement: 0,
  not_selected: 0,
  terminated: 0,
};

function pickStage(rand: () => number): Stage {
  const total = STAGES.reduce((s, st) => s + STAGE_WEIGHTS[st], 0);
  let x = rand() * total;
  for (const st of STAGES) {
    x -= STAGE_WEIGHTS[st];
    if (x < 0) return st;
  }
  return 'closed';
}

/** Who holds the open task of an active stage. */
function openTaskOf(
  stage: Stage,
  countryCode: string,
): { kind: string; assigneeRole: string; assigneeCountryCode: string | null } {
  switch (stage) {
    case 'intake':
    case 'co_endorsement':
      return { kind: 'co_endorsement', assigneeRole: 'co_approver', assigneeCountryCode: countryCode };
    case 'alignment_check':
      return { kind: 'alignment_review', assigneeRole: 'fund_manager', assigneeCountryCode: null };
    case 'selection':
      return { kind: 'selection_decision', assigneeRole: 'fund_manager', assigneeCountryCode: null };
    case 'contracting':
      return { kind: 'contract_signature', assigneeRole: 'co_approver', assigneeCountryCode: countryCode };
    case 'mission':
      return { kind: 'report_verification', assigneeRole: 'co_approver', assigneeCountryCode: countryCode };
    default:
      return { kind: 'evaluation', assigneeRole: 'co_approver', assigneeCountryCode: countryCode };
  }
}

async function inBatches<T>(rows: T[], label: string, insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  let next = 0.1;
  for (let i = 0; i < rows.length; i += BATCH) {
    await insert(rows.slice(i, i + BATCH));
    const done = Math.min(rows.length, i + BATCH) / rows.length;
    if (done >= next || done === 1) {
      log(`  ${label}: ${Math.min(rows.length, i + BATCH)}/${rows.length}`);
      next = Math.floor(done * 10) / 10 + 0.1;
    }
  }
}

/** Bulk seed; returns row counts per table. */
export async function seedAtScale(
  bench: BenchStack,
  opts: Pick<ReadsOptions, 'proposals' | 'requests'>,
): Promise<Record<string, number>> {
  const { prisma } = bench;
  const rand = mulberry32(20_261_126); // the same data on every run
  const countries = COUNTRIES.map((c) => c.code);
  const country = () => (rand() < 0.2 ? BUSY : countries[Math.floor(rand() * countries.length)]);
  const now = Date.now();
  const institutions = Array.from({ length: 500 }, (_, i) => ({
    id: `inst-scale-${i}`,
    name: `Scale institute ${i}`,
    kind: 'university',
  }));
  const proposals: Prisma.ProposalCreateManyInput[] = [];
  const requests: Prisma.ExpertRequestCreateManyInput[] = [];
  const tasks: Prisma.TaskCreateManyInput[] = [];
  const audit: Prisma.AuditEventCreateManyInput[] = [];

  const history = (
    subjectType: string,
    subjectId: string,
    workflowId: string,
    programme: string,
    cc: string,
    title: string,
    stage: Stage,
    createdAt: Date,
    entered: Date,
  ) => {
    // Done tasks before the current one, audit events for each, an open task if active.
    const steps = Math.max(1, PHASES.indexOf(stage as (typeof PHASES)[number]) + 1 || 6);
    for (let s = 0; s < steps; s++) {
      const at = new Date(createdAt.getTime() + ((entered.getTime() - createdAt.getTime()) * s) / steps);
      tasks.push({
        id: `${workflowId}:done:${s}`,
        workflowId,
        programme,
        subjectType,
        subjectId,
        kind: 'co_endorsement',
        stage: PHASES[Math.min(s, 6)],
        status: 'done',
        assigneeRole: 'co_approver',
        assigneeCountryCode: cc,
        countryCode: cc,
        title: `Step ${s}: ${title}`,
        dueAt: new Date(at.getTime() + 7 * DAY),
        decision: 'endorse',
        decidedById: DEMO_USERS.coKg.id,
        decidedAt: at,
        createdAt: at,
      });
      audit.push({
        key: `${workflowId}:${s}:0`,
        workflowId,
        subjectType,
        subjectId,
        actorId: null,
        actorRole: 'system',
        action: 'task_opened',
        data: { taskId: `${workflowId}:done:${s}` },
        at,
      });
      audit.push({
        key: `${workflowId}:${s}:1`,
        workflowId,
        subjectType,
        subjectId,
        actorId: DEMO_USERS.coKg.id,
        actorRole: 'co_approver',
        action: 'decision',
        fromStage: stage,
        toStage: stage,
        data: { decision: 'endorse' },
        at,
      });
    }
    if (!isTerminal(stage)) {
      const t = openTaskOf(stage, cc);
      const due = new Date(entered.getTime() + (rand() < 0.15 ? -2 : 7) * DAY);
      tasks.push({
        id: `${workflowId}:open`,
        workflowId,
        programme,
        subjectType,
        subjectId,
        ...t,
        stage,
        status: 'open',
        countryCode: cc,
        title: `${t.kind}: ${title}`,
        dueAt: due,
        remindAt: new Date(due.getTime() - 3 * DAY),
        overdue: due.getTime() < now,
        createdAt: entered,
      });
    }
  };

  for (let i = 0; i < opts.proposals; i++) {
    const cc = country();
    const stage = pickStage(rand);
    const createdAt = new Date(now - (30 + rand() * 600) * DAY);
    const entered = new Date(createdAt.getTime() + rand() * (now - createdAt.getTime()) * 0.9);
    const id = `p-scale${String(i).padStart(9, '0')}`;
    const title = `Scaled proposal ${i} on climate resilience`;
    proposals.push({
      id,
      workflowId: `proposal-${id}`,
      callId: `call-${cc.toLowerCase()}`,
      institutionId: institutions[i % institutions.length].id,
      applicantId: `u-scale-${i % 500}`,
      countryCode: cc,
      title,
      summary: 'Community-run sensors and SMS alerts.',
      nationalPartner: { name: 'Ministry', contact: 'm@example.org', demandEvidence: 'Letter' },
      sdgs: [13, 11],
      thematicAreaId: 'climate-adaptation',
      requestedAmountCents: 3_000_000,
      coFinancingCents: 800_000,
      durationMonths: 12,
      innovation: 'Open firmware',
      expectedResults: '12 villages',
      milestones: [{ title: 'Installed', dueDate: '2027-03-31' }],
      stage,
      stageEnteredAt: entered,
      weightedScore: rand() * 100,
      createdAt,
      updatedAt: entered,
      closedAt: isTerminal(stage) ? entered : null,
    });
    history('proposal', id, workflowIdFor('proposal', id), 'challenge_fund', cc, title, stage, createdAt, entered);
  }
  for (let i = 0; i < opts.requests; i++) {
    const cc = country();
    const stage = pickStage(rand);
    const createdAt = new Date(now - (30 + rand() * 600) * DAY);
    const entered = new Date(createdAt.getTime() + rand() * (now - createdAt.getTime()) * 0.9);
    const id = `er-scale${String(i).padStart(9, '0')}`;
    const title = `Scaled expert request ${i}: hazard mapping`;
    requests.push({
      id,
      workflowId: `expert-request-${id}`,
      countryCode: cc,
      requesterId: DEMO_USERS.coKg.id,
      title,
      nationalPartner: { name: 'Ministry' },
      objectives: 'Map hazards',
      deliverables: [{ title: 'Report', dueDate: '2027-03-31', amountUsd: 6000 }],
      modality: 'desk',
      workingDays: 10,
      startDate: new Date('2027-02-01'),
      endDate: new Date('2027-03-31'),
      languages: ['ru'],
      thematicAreaId: 'disaster-risk-reduction',
      sdgs: [11, 13],
      contractValueCents: 600_000,
      stage,
      stageEnteredAt: entered,
      createdAt,
      updatedAt: entered,
      closedAt: isTerminal(stage) ? entered : null,
    });
    history(
      'expert_request',
      id,
      workflowIdFor('expert_request', id),
      'experts_on_demand',
      cc,
      title,
      stage,
      createdAt,
      entered,
    );
  }

  await prisma.institution.createMany({ data: institutions });
  await inBatches(proposals, 'proposals', (c) => prisma.proposal.createMany({ data: c }));
  await inBatches(requests, 'expert requests', (c) => prisma.expertRequest.createMany({ data: c }));
  await inBatches(tasks, 'tasks', (c) => prisma.task.createMany({ data: c }));
  await inBatches(audit, 'audit events', (c) => prisma.auditEvent.createMany({ data: c }));
  return {
    Institution: institutions.length,
    Proposal: proposals.length,
    ExpertRequest: requests.length,
    Task: tasks.length,
    AuditEvent: audit.length,
  };
}

export async function runReads(opts: ReadsOptions): Promise<ReadsResult> {
  const bench = await startBenchStack({ label: 'reads' });
  try {
    log(
      `reads: seeding ${opts.proposals} proposals and ${opts.requests} expert requests (createMany, batches of ${BATCH})`,
    );
    const t0 = performance.now();
    const rows = await seedAtScale(bench, opts);
    const seedSeconds = Math.round((performance.now() - t0) / 100) / 10;
    log(
      `reads: seeded ${Object.entries(rows)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')} in ${seedSeconds} s`,
    );
    const busyCoOpenTasks = await bench.prisma.task.count({
      where: { status: 'open', assigneeRole: 'co_approver', assigneeCountryCode: BUSY },
    });

    const samples = new Samples();
    const api = new ApiClient(bench.stack.apiUrl, samples);
    const fm = await api.token(DEMO_USERS.fundManager.email);
    const co = await api.token(DEMO_USERS.coKg.email);
    const lastPage = Math.ceil(opts.proposals / 20);
    const routes: [string, () => string, string][] = [
      ['GET /pipeline', () => '/pipeline', fm],
      ['GET /pipeline?programme&country', () => `/pipeline?programme=challenge_fund&country=${BUSY}`, fm],
      ['GET /pipeline?stage (CO)', () => '/pipeline?stage=mission', co],
      ['GET /results', () => '/results', fm],
      ['GET /results?sdg (CO)', () => '/results?sdg=6', co],
      ['GET /tasks (busy CO)', () => '/tasks', co],
      ['GET /proposals?page=', () => `/proposals?page=${1 + Math.floor(Math.random() * lastPage)}`, fm],
    ];
    // A write that changes no figure these routes show but is a commit by another connection, as
    // the worker's are: the API's read cache (keyed by the database version) computes again after
    // it.
    const touched = (await bench.prisma.proposal.findFirstOrThrow({ select: { id: true } })).id;
    let writes = 0;
    const write = () =>
      bench.prisma
        .$executeRaw`UPDATE "Proposal" SET "updatedAt" = ${new Date(Date.UTC(2020, 0, 1) + ++writes)} WHERE "id" = ${touched}`;
    // Warm-up (first statements prepare), not measured.
    for (const [, path, token] of routes) await api.call('warmup', 'GET', path(), token);
    const single = new Samples();
    const singleApi = new ApiClient(bench.stack.apiUrl, single);
    for (const [name, path, token] of routes) {
      for (let i = 0; i < 30; i++) {
        await write();
        await singleApi.call(name, 'GET', path(), token);
      }
    }
    let errors = 0;
    const concurrent = async (into: ApiClient) => {
      const jobs = routes.flatMap((r) => Array.from({ length: opts.perRoute }, () => r));
      for (let i = jobs.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [jobs[i], jobs[j]] = [jobs[j], jobs[i]];
      }
      await pool(jobs.length, opts.readers, async (i) => {
        const [name, path, token] = jobs[i];
        try {
          await into.call(name, 'GET', path(), token);
        } catch (err) {
          errors++;
          if (errors <= 3) log(`read error: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
    };
    log(
      `reads: ${routes.length * opts.perRoute} requests by ${opts.readers} concurrent readers (busy CO has ${busyCoOpenTasks} open tasks)`,
    );
    await concurrent(api);
    const summary = samples.summary();
    delete summary.warmup;
    delete summary.auth;
    const writesPerSecond = 20;
    log(`reads: again, while another connection commits ${writesPerSecond} writes/s`);
    const whileWriting = new Samples();
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await write();
        await new Promise((r) => setTimeout(r, 1000 / writesPerSecond));
      }
    })();
    const writingApi = new ApiClient(bench.stack.apiUrl, whileWriting);
    await writingApi.token(DEMO_USERS.fundManager.email);
    await concurrent(writingApi);
    writing = false;
    await writer;
    const routesWhileWriting = whileWriting.summary();
    delete routesWhileWriting.auth;
    const size = await bench.prisma.$queryRawUnsafe<{ n: bigint | number }[]>(
      'SELECT pg_database_size(current_database()) AS n',
    );
    const dbMb = Math.round(Number(size[0].n) / 2 ** 20);
    return {
      options: opts,
      rows,
      seedSeconds,
      busyCoOpenTasks,
      routes: summary,
      routesWhileWriting,
      writesPerSecond,
      single: single.summary(),
      errors: errors + singleApi.errors,
      dbMb,
    };
  } finally {
    await bench.stop();
  }
}

export function printReads(r: ReadsResult): void {
  console.log(
    `\n== reads: ${r.rows.Proposal} proposals, ${r.rows.ExpertRequest} expert requests, ${r.rows.Task} tasks, ${r.rows.AuditEvent} audit events (${r.dbMb} MB); ${r.options.readers} readers ==`,
  );
  const rows: (string | number)[][] = [
    [
      'route',
      '1 reader, miss p50',
      'p95',
      `${r.options.readers} readers n`,
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'p95 ≤ 50',
      `+ ${r.writesPerSecond} writes/s p50`,
      'p95 ms',
      'p95 ≤ 50',
    ],
  ];
  for (const [route, s] of Object.entries(r.routes).sort()) {
    const w = r.routesWhileWriting?.[route];
    rows.push([
      route,
      r.single[route]?.p50 ?? NaN,
      r.single[route]?.p95 ?? NaN,
      s.n,
      s.p50,
      s.p95,
      s.p99,
      verdict(s.p95, 50),
      w?.p50 ?? NaN,
      w?.p95 ?? NaN,
      w ? verdict(w.p95, 50) : '',
    ]);
  }
  console.log(table(rows));
  console.log(
    '1 reader, miss: each request right after a write by another connection, so the read cache computes it (the service time of the route).',
  );
  console.log(`seed ${r.seedSeconds} s; busy CO open tasks ${r.busyCoOpenTasks}; errors ${r.errors}`);
}

export function saveReads(r: ReadsResult): string {
  return writeResult('reads', r as unknown as Record<string, unknown>);
}
