/**
 * Scenario 1: N simulated users drive complete lifecycles through the HTTP API only, as real
 * clients do: create, then each decision by the right person's token, finding the open task in
 * the subject's `openTasks` (GET /proposals/:id, GET /expert-requests/:id) and deciding it with
 * POST /tasks/:id/decision. No Temporal Queries, no database reads in the driver.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { DEMO_USERS } from '../../domain/demo';
import { programmeOfSubject, workflowIdFor, type SubjectType } from '../../domain/registry';
import { EXPERTS } from '../../prisma/seed-data';
import { startBenchStack, type BenchStack } from '../lib/bench-stack';
import { ApiClient, serverTiming } from '../lib/http';
import { CpuMeter, programPid } from '../lib/proc';
import { log, table, verdict, writeResult } from '../lib/report';
import { pool, Samples, summarize, type Summary } from '../lib/stats';
import { createApplicants, expertRequestPayload, proposalPayload, type BenchApplicant } from '../payloads';

export interface LifecycleOptions {
  users: number;
  lifecycles: number;
  /** Challenge Fund lifecycles per Experts-on-Demand one (3 → 3:1). */
  cfPerEod: number;
}

/**
 * Per workflow and accepted Update: the activities the workflow ran before answering, in order
 * ('A' an ordinary activity, 'L' a local one), and the mail deliveries it started in the background.
 */
export interface ShapeStep {
  sequence: string;
  background: number;
}

/** Updates, activities (ordinary 'A', local 'L') and background mail deliveries of some workflow shapes. */
export function shapeTotals(shapes: { steps: { sequence: string; background: number }[] }[]) {
  const totals = { updates: 0, activities: 0, localActivities: 0, background: 0 };
  for (const s of shapes) {
    totals.updates += s.steps.length;
    for (const st of s.steps) {
      totals.activities += st.sequence.split('A').length - 1;
      totals.localActivities += st.sequence.split('L').length - 1;
      totals.background += st.background;
    }
  }
  return totals;
}

export interface LifecycleResult {
  options: LifecycleOptions;
  wallSeconds: number;
  completed: number;
  lifecyclesPerSecond: number;
  errors: number;
  /** 503s the driver answered by sending the request again under its Idempotency-Key, as the API documents. */
  retries: number;
  errorSamples: string[];
  http: Record<string, Summary>;
  /** From the histories: queue waits and run times of workflow tasks and activities. */
  temporalTimings: Record<string, Summary>;
  updateRoundTrip: Summary;
  decisions: number;
  peakRssMb: { worker: number; api: number };
  /** CPU seconds used during the run, per process (bench = this process: clients and the SMTP sink). */
  cpuSeconds: Record<string, number>;
  shapes: { workflowId: string; programme: 'cf' | 'eod'; steps: ShapeStep[]; runs: number }[];
  totals: {
    workflows: number;
    updates: number;
    activities: number;
    localActivities: number;
    deliveries: number;
    historyEvents: number;
  };
  mails: number;
  /** Growth of the database during the run, per closed lifecycle (pg_database_size, MB). */
  databaseMbPerLifecycle: number;
}

interface TaskItem {
  id: string;
  kind: string;
  assignedToMe: boolean;
  assigneeUserId: string | null;
  context: Record<string, unknown> | null;
}

const EMAIL = {
  coKg: DEMO_USERS.coKg.email,
  coKg2: DEMO_USERS.coKg2.email,
  fm: DEMO_USERS.fundManager.email,
  r1: DEMO_USERS.reviewer1.email,
  r2: DEMO_USERS.reviewer2.email,
};
const EXPERT_EMAIL = new Map(EXPERTS.map((e) => [e.id, e.email]));
/**
 * How long the driver reads a subject for the next task before giving up: the stage's automatic
 * steps run after the previous answer, and take tens of seconds on a heavily loaded machine.
 */
const VISIBLE_WITHIN_MS = 120_000;
const SCORES = { innovation: 80, feasibility_sustainability: 70, social_benefit: 75 };

class Driver {
  readonly updates: number[] = [];
  decisions = 0;

  constructor(private readonly api: ApiClient) {}

  private subjectPath(type: SubjectType, id: string): string {
    return `/${programmeOfSubject(type).apiPath}/${id}`;
  }

  async view<T = Record<string, unknown>>(
    email: string,
    type: SubjectType,
    id: string,
  ): Promise<T & { openTasks: TaskItem[] }> {
    const token = await this.api.token(email);
    return (await this.api.call<T & { openTasks: TaskItem[] }>('read', 'GET', this.subjectPath(type, id), token)).body;
  }

  /** Reads the subject until `ready` holds (the stage's automatic steps may still be running after the previous answer). */
  async viewUntil<T = Record<string, unknown>>(
    email: string,
    type: SubjectType,
    id: string,
    ready: (v: T & { openTasks: TaskItem[] }) => boolean,
  ): Promise<T & { openTasks: TaskItem[] }> {
    const deadline = performance.now() + VISIBLE_WITHIN_MS;
    for (;;) {
      const v = await this.view<T>(email, type, id);
      if (ready(v)) return v;
      if (performance.now() > deadline)
        throw new Error(
          `${type} ${id}: not ready after ${VISIBLE_WITHIN_MS / 1000} s (open: ${v.openTasks.map((t) => t.kind).join(', ') || 'none'})`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * The subject as `email` sees it, or undefined while it answers 404: a caller who sees a subject
   * only through a task of theirs (an invited expert) gets 404 until that task's row is committed,
   * which the previous decision's answer does not wait for (it answers once the decision is recorded).
   */
  private async viewIfVisible(
    email: string,
    type: SubjectType,
    id: string,
  ): Promise<{ openTasks: TaskItem[] } | undefined> {
    const token = await this.api.token(email);
    const res = await this.api.call<{ openTasks: TaskItem[] }>(
      'read',
      'GET',
      this.subjectPath(type, id),
      token,
      undefined,
      {},
      [404],
    );
    return res.status === 404 ? undefined : res.body;
  }

  /**
   * Finds the caller's open task of `kind` on the subject and decides it. The task may appear in
   * reads a moment after the previous decision's answer (the automatic steps of the stage run
   * after it; until then a caller who sees the subject only through that task gets 404): the
   * driver reads again until it is there, as a client would, and the wait is counted
   * (`wait until task visible`: 0 when the first read lists it).
   */
  async decide(
    email: string,
    type: SubjectType,
    id: string,
    kind: string,
    decision: string,
    body: { data?: Record<string, unknown>; comment?: string } = {},
  ): Promise<{ stage: string; task: TaskItem }> {
    let firstRead: number | undefined;
    let task: TaskItem | undefined;
    for (;;) {
      const subject = await this.viewIfVisible(email, type, id);
      firstRead ??= performance.now();
      task = subject?.openTasks.find((t) => t.kind === kind && t.assignedToMe);
      if (task) break;
      if (performance.now() - firstRead > VISIBLE_WITHIN_MS)
        throw new Error(
          subject
            ? `${email} has no open ${kind} task on ${id} (open: ${subject.openTasks.map((t) => t.kind).join(', ') || 'none'})`
            : `${email} still gets 404 on ${id} after ${VISIBLE_WITHIN_MS / 1000} s (waiting for a ${kind} task)`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
    this.api.samples.add('wait until task visible', performance.now() - firstRead);
    const token = await this.api.token(email);
    if (kind === 'contract_signature' && decision === 'sign' && !body.data) {
      // A signer confirms the statement of the agreement or contract version it read (its SHA-256).
      const detail = await this.api.call<{
        context: { agreement?: { documents: { language: string; sha256: string; statement: string }[] } } | null;
      }>('read', 'GET', `/tasks/${encodeURIComponent(task.id)}`, token);
      const en = detail.body.context?.agreement?.documents.find((x) => x.language === 'en');
      if (en) body = { ...body, data: { documentSha256: en.sha256, statement: en.statement } };
    }
    const res = await this.api.call<{ stage: string }>(
      'decision',
      'POST',
      `/tasks/${encodeURIComponent(task.id)}/decision`,
      token,
      { decision, ...body },
      // One key per task: a retry after a 503 gets the answer of the decision that was applied.
      { 'idempotency-key': `bench-decide-${task.id}` },
    );
    const temporalMs = serverTiming(res.headers, 'temporal');
    if (temporalMs !== undefined) this.updates.push(temporalMs);
    this.decisions++;
    return { stage: res.body.stage, task };
  }

  /**
   * Creates a subject over HTTP as `email` (the key makes a retried run reuse it) and answers its id
   * with a decider bound to it: `d(email, kind, decision, body)`.
   */
  private async create(email: string, type: SubjectType, path: string, payload: unknown, key: string) {
    const token = await this.api.token(email);
    const created = await this.api.call<{ id: string }>('create', 'POST', path, token, payload, {
      'idempotency-key': key,
    });
    const id = created.body.id;
    const d = (
      who: string,
      kind: string,
      decision: string,
      body?: { data?: Record<string, unknown>; comment?: string },
    ) => this.decide(who, type, id, kind, decision, body);
    return { id, d };
  }

  /** The subject's workflow id once its read model shows it closed (the last decision's answer may precede that). */
  private async closed(type: SubjectType, id: string, lastStage: string): Promise<string> {
    if (lastStage !== 'closed')
      await this.viewUntil<{ stage: string }>(EMAIL.fm, type, id, (v) => v.stage === 'closed');
    return workflowIdFor(type, id);
  }

  async challengeFund(n: number, applicant: BenchApplicant): Promise<string> {
    const { id, d } = await this.create(applicant.email, 'proposal', '/proposals', proposalPayload(n), `bench-cf-${n}`);
    await d(EMAIL.coKg, 'co_endorsement', 'endorse', { comment: 'Matches our CPD outcome 2' });
    await d(EMAIL.fm, 'assign_reviewers', 'assign', {
      data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] },
    });
    for (const r of [EMAIL.r1, EMAIL.r2]) {
      await d(r, 'conflict_declaration', 'declare_no_conflict', { data: { noConflictDeclared: true } });
      await d(r, 'review_score', 'submit_score', { data: { scores: SCORES } });
    }
    await d(EMAIL.fm, 'selection_decision', 'select');
    await d(applicant.email, 'contract_signature', 'sign');
    await d(EMAIL.coKg, 'contract_signature', 'sign');
    for (let i = 0; i < 3; i++) {
      await d(applicant.email, 'progress_report', 'submit_report', { data: { report: `Milestone ${i + 1} done` } });
      await d(EMAIL.coKg, 'report_verification', 'accept');
    }
    await d(applicant.email, 'final_report', 'submit_report', {
      data: { report: 'All done', beneficiariesReached: 5400 },
    });
    const evaluation = { ratings: { relevance: 5, effectiveness: 4 }, narrative: 'Works well', beneficiaries: 5400 };
    await d(EMAIL.coKg, 'evaluation', 'submit_evaluation', { data: evaluation });
    const last = await d(EMAIL.fm, 'evaluation', 'submit_evaluation', { data: evaluation });
    return this.closed('proposal', id, last.stage);
  }

  async expertsOnDemand(n: number): Promise<string> {
    const { id, d } = await this.create(
      EMAIL.coKg,
      'expert_request',
      '/expert-requests',
      expertRequestPayload(n),
      `bench-eod-${n}`,
    );
    await d(EMAIL.coKg2, 'co_endorsement', 'endorse', { comment: 'Endorsed by the head of office' });
    const request = await this.viewUntil<{ shortlist: { expertId: string; userId: string }[] }>(
      EMAIL.fm,
      'expert_request',
      id,
      (v) => v.openTasks.some((t) => t.kind === 'shortlist_review'),
    );
    const shortlist = request.shortlist ?? [];
    if (!shortlist.length) throw new Error(`expert request ${id}: empty shortlist`);
    await d(EMAIL.fm, 'shortlist_review', 'confirm');
    const emailOf = (expertId: string) => {
      const email = EXPERT_EMAIL.get(expertId);
      if (!email) throw new Error(`no e-mail for roster expert ${expertId}`);
      return email;
    };
    const accepting = shortlist.slice(0, 3);
    for (const e of accepting)
      await d(emailOf(e.expertId), 'invitation_response', 'accept', {
        data: { availabilityConfirmed: true, noConflictDeclared: true },
      });
    let stage = '';
    for (const e of shortlist.slice(3))
      stage = (await d(emailOf(e.expertId), 'invitation_response', 'decline', { data: { reason: 'Not available' } }))
        .stage;
    const chosen = accepting[n % accepting.length];
    const selectionTask = (
      await this.viewUntil(EMAIL.coKg, 'expert_request', id, (v) =>
        v.openTasks.some((t) => t.kind === 'candidate_selection'),
      )
    ).openTasks.find((t) => t.kind === 'candidate_selection');
    const justification = selectionTask?.context?.justificationRequired
      ? { justification: 'Direct contracting within the limit' }
      : {};
    stage = (
      await d(EMAIL.coKg, 'candidate_selection', 'select', { data: { expertIds: [chosen.expertId], ...justification } })
    ).stage;
    const afterSelection = await this.viewUntil(EMAIL.fm, 'expert_request', id, (v) =>
      v.openTasks.some((t) => t.kind === 'fee_approval' || t.kind === 'contract_signature'),
    );
    if (afterSelection.openTasks.some((t) => t.kind === 'fee_approval')) {
      await d(EMAIL.fm, 'fee_approval', 'approve', { data: { justification: 'Bureau Director approved' } });
    }
    const expert = emailOf(chosen.expertId);
    await d(expert, 'contract_signature', 'sign');
    await d(EMAIL.coKg, 'contract_signature', 'sign');
    for (let i = 0; i < 2; i++) {
      await d(expert, 'deliverable_submission', 'submit_deliverable', { data: { report: `Deliverable ${i + 1}` } });
      await d(EMAIL.coKg, 'deliverable_acceptance', 'accept');
    }
    await d(EMAIL.coKg, 'expert_evaluation', 'submit_evaluation', { data: { rating: 5, narrative: 'Excellent maps' } });
    stage = (
      await d(expert, 'assignment_feedback', 'submit_feedback', { data: { rating: 4, narrative: 'Well prepared' } })
    ).stage;
    return this.closed('expert_request', id, stage);
  }
}

export function stackCpu(bench: BenchStack): CpuMeter {
  const { stack } = bench;
  return new CpuMeter({
    worker: stack.worker?.pid === undefined ? undefined : programPid(stack.worker.pid),
    api: stack.api?.pid === undefined ? undefined : programPid(stack.api.pid),
    temporal: stack.temporal?.pid,
    bench: process.pid,
  });
}

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  t ? Number(t.seconds) * 1000 + (t.nanos ?? 0) / 1e6 : NaN;

/**
 * Activities after each accepted Update, from the workflow's history (all runs, following
 * continue-as-new), and where the time went: queue waits and run times of workflow and activity tasks.
 */
export async function workflowShape(
  client: Client,
  workflowId: string,
  timings?: Samples,
): Promise<{ steps: ShapeStep[]; runs: number; events: number }> {
  const steps: ShapeStep[] = [];
  let runs = 0;
  let events = 0;
  // Newest run first; older runs are reached through continuedExecutionRunId.
  let runId: string | undefined;
  const histories = [];
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    histories.unshift(history);
    runs++;
    const prev = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!prev) break;
    runId = prev;
  }
  for (const history of histories) {
    const at = new Map<number, { time: number; name?: string }>();
    for (const e of history.events ?? []) {
      events++;
      const id = Number(e.eventId);
      const time = ms(e.eventTime);
      if (e.workflowExecutionUpdateAcceptedEventAttributes) steps.push({ sequence: '', background: 0 });
      if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity') {
        if (!steps.length) steps.push({ sequence: '', background: 0 });
        steps[steps.length - 1].sequence += 'L';
      }
      const scheduled = e.activityTaskScheduledEventAttributes;
      if (scheduled) {
        const name = scheduled.activityType?.name ?? '?';
        at.set(id, { time, name });
        if (!steps.length) steps.push({ sequence: '', background: 0 });
        const step = steps[steps.length - 1];
        if (name === 'deliverNotifications') step.background++;
        else step.sequence += 'A';
      }
      if (
        e.workflowTaskScheduledEventAttributes ||
        e.workflowTaskStartedEventAttributes ||
        e.activityTaskStartedEventAttributes
      )
        at.set(id, { time });
      if (!timings) continue;
      const wftStarted = e.workflowTaskStartedEventAttributes;
      if (wftStarted)
        timings.add('workflow task: queue wait', time - (at.get(Number(wftStarted.scheduledEventId))?.time ?? NaN));
      const wftDone = e.workflowTaskCompletedEventAttributes;
      if (wftDone) timings.add('workflow task: run', time - (at.get(Number(wftDone.startedEventId))?.time ?? NaN));
      const actStarted = e.activityTaskStartedEventAttributes;
      if (actStarted)
        timings.add('activity: queue wait', time - (at.get(Number(actStarted.scheduledEventId))?.time ?? NaN));
      const actDone = e.activityTaskCompletedEventAttributes;
      if (actDone) {
        const sched = at.get(Number(actDone.scheduledEventId));
        const start = at.get(Number(actDone.startedEventId));
        timings.add(`activity run: ${sched?.name ?? '?'}`, time - (start?.time ?? NaN));
      }
    }
  }
  return { steps, runs, events };
}

/** `apiUrls`: the API instances the users' calls go to in turn (default: the stack's one API). */
export async function runLifecycle(
  opts: LifecycleOptions,
  existing?: BenchStack,
  apiUrls?: string[],
): Promise<{ result: LifecycleResult; bench: BenchStack }> {
  const bench = existing ?? (await startBenchStack({ label: 'lifecycle' }));
  const eodEvery = opts.cfPerEod + 1;
  const isEod = (i: number) => i % eodEvery === opts.cfPerEod;
  const cfCount = Array.from({ length: opts.lifecycles }, (_, i) => i).filter((i) => !isEod(i)).length;
  const applicants = await createApplicants(bench.prisma, cfCount, `bench${Date.now().toString(36)}`);
  const samples = new Samples();
  const api = new ApiClient(apiUrls ?? bench.stack.apiUrl, samples);
  const driver = new Driver(api);
  const errorSamples: string[] = [];
  let failed = 0;
  let cfIndex = 0;
  let eodIndex = 0;
  let done = 0;
  bench.rss.resetPeak('worker');
  bench.rss.resetPeak('api');
  log(
    `lifecycle: ${opts.lifecycles} lifecycles (${cfCount} Challenge Fund, ${opts.lifecycles - cfCount} Experts on Demand) by ${opts.users} concurrent users`,
  );
  const progress = setInterval(
    () =>
      log(
        `  ${done}/${opts.lifecycles} closed, ${failed} failed, worker ${bench.rss.current('worker')} MB, api ${bench.rss.current('api')} MB`,
      ),
    10_000,
  );
  const databaseBytes = async () =>
    Number(
      (await bench.prisma.$queryRaw<{ size: bigint }[]>`SELECT pg_database_size(current_database()) AS size`)[0].size,
    );
  const sizeBefore = await databaseBytes();
  const cpu = stackCpu(bench).start();
  const started = performance.now();
  const workflowIds = await pool(opts.lifecycles, opts.users, async (i) => {
    try {
      const id = isEod(i)
        ? await driver.expertsOnDemand(eodIndex++)
        : await driver.challengeFund(i, applicants[cfIndex++]);
      done++;
      return id;
    } catch (err) {
      failed++;
      if (errorSamples.length < 10) errorSamples.push(err instanceof Error ? err.message : String(err));
      return null;
    }
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpu.stop();
  clearInterval(progress);
  const peakRssMb = { worker: bench.rss.peak('worker'), api: bench.rss.peak('api') };
  const databaseMbPerLifecycle = done ? Math.round(((await databaseBytes()) - sizeBefore) / done / 1e4) / 100 : NaN;

  // The shape of what ran, for the floor scenario: Updates and activities per workflow.
  const ids = workflowIds.filter((id): id is string => !!id);
  const shapes: LifecycleResult['shapes'] = [];
  const timings = new Samples();
  const eventCounts = await pool(ids.length, 8, async (i) => {
    const s = await workflowShape(bench.client, ids[i], timings);
    shapes.push({
      workflowId: ids[i],
      programme: ids[i].startsWith('proposal-') ? 'cf' : 'eod',
      steps: s.steps,
      runs: s.runs,
    });
    return s.events;
  });
  const { background: deliveries, ...counted } = shapeTotals(shapes);
  const totals = {
    workflows: shapes.length,
    ...counted,
    deliveries,
    historyEvents: eventCounts.reduce((a, b) => a + b, 0),
  };
  const errors = api.errors + failed;
  const result: LifecycleResult = {
    options: opts,
    wallSeconds: Math.round(wallSeconds * 100) / 100,
    completed: done,
    lifecyclesPerSecond: Math.round((done / wallSeconds) * 100) / 100,
    errors,
    retries: api.retries,
    errorSamples,
    http: samples.summary(),
    temporalTimings: timings.summary(),
    updateRoundTrip: summarize(driver.updates),
    decisions: driver.decisions,
    peakRssMb,
    cpuSeconds,
    shapes,
    totals,
    mails: bench.mail.messages().length,
    databaseMbPerLifecycle,
  };
  return { result, bench };
}

export function printLifecycle(r: LifecycleResult): void {
  const rows: (string | number)[][] = [['route group', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms']];
  for (const [group, s] of Object.entries(r.http)) rows.push([group, s.n, s.p50, s.p95, s.p99, s.max]);
  rows.push([
    'decide Update (Server-Timing)',
    r.updateRoundTrip.n,
    r.updateRoundTrip.p50,
    r.updateRoundTrip.p95,
    r.updateRoundTrip.p99,
    r.updateRoundTrip.max,
  ]);
  rows.push(['-- from histories --', '', '', '', '', '']);
  for (const [group, s] of Object.entries(r.temporalTimings).sort())
    rows.push([group, s.n, s.p50, s.p95, s.p99, s.max]);
  console.log(`\n== lifecycle: ${r.options.lifecycles} lifecycles, ${r.options.users} users ==`);
  console.log(table(rows));
  const perWf = r.totals.workflows ? (n: number) => Math.round((n / r.totals.workflows) * 10) / 10 : () => NaN;
  console.log(
    table([
      ['figure', 'value', 'target', ''],
      ['lifecycles closed', `${r.completed}/${r.options.lifecycles}`, '', ''],
      ['wall time s', r.wallSeconds, '', ''],
      ['lifecycles/s', r.lifecyclesPerSecond, '', ''],
      ['errors', r.errors, '0', r.errors === 0 ? 'met' : 'MISSED'],
      ['503s retried under the Idempotency-Key', r.retries, '', ''],
      ['decision p95 ms', r.http.decision?.p95 ?? NaN, '≤ 150', verdict(r.http.decision?.p95 ?? NaN, 150)],
      ['peak RSS worker MB', r.peakRssMb.worker, '', ''],
      ['peak RSS api MB', r.peakRssMb.api, '', ''],
      ['database growth per lifecycle MB', r.databaseMbPerLifecycle, '', ''],
      ['CPU s worker/api/temporal/bench', Object.values(r.cpuSeconds).join(' / '), '', ''],
      ['per workflow: updates', perWf(r.totals.updates), '', ''],
      ['per workflow: activities (blocking)', perWf(r.totals.activities), '', ''],
      ['per workflow: local activities', perWf(r.totals.localActivities), '', ''],
      ['per workflow: mail deliveries', perWf(r.totals.deliveries), '', ''],
      ['per workflow: history events', perWf(r.totals.historyEvents), '', ''],
    ]),
  );
  if (r.errorSamples.length) console.log(`errors:\n  ${r.errorSamples.join('\n  ')}`);
}

export function saveLifecycle(r: LifecycleResult): string {
  return writeResult('lifecycle', r as unknown as Record<string, unknown>);
}
