import fs from 'node:fs';
import path from 'node:path';
import { DEMO_USERS } from '../../domain/demo';
import type { PrismaClient } from '../../lib/db';
import { startStack, type Stack } from '../../lib/stack';
import { proposalPayload } from '../fixtures/payloads';
import type { Applicant } from '../helpers/drive';
import { signatureData } from '../helpers/signature';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';

/**
 * A small HTTP client for the API process of lib/stack.ts, and a Challenge Fund lifecycle driven
 * entirely through it (the 18 decisions of driveProposalToClosed, each as the right person).
 * Network errors come back as status 0 so fault tests can count them like any other answer.
 */
export interface HttpAnswer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

/** A 500 some API answered in this test file (its request id finds the API's log lines about it). */
interface ServerError {
  method: string;
  path: string;
  requestId: string | null;
  body: unknown;
}
const serverErrors: ServerError[] = [];
/** The log of the stack this test file started (one per file). */
let currentLog: StackLog | undefined;

/**
 * The lines the stack's processes wrote (the last `max`), kept so that a 500 can be explained:
 * when an API answered 500, the test prints the lines naming its request id and saves the whole
 * log under test/artifacts/ (stopHttpStack; another process's lines join with `push`).
 */
export class StackLog {
  private readonly lines: string[] = [];
  constructor(private readonly max = 20_000) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }
  /** Saves the log when an API answered 500 since the file started; prints where, and each 500 with its lines. */
  saveIfServerErrors(name: string): string | null {
    if (!serverErrors.length) return null;
    const dir = path.join(__dirname, '..', 'artifacts');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
    fs.writeFileSync(file, `${this.lines.join('\n')}\n`);
    const explained = serverErrors.map((e) => ({
      ...e,
      log: e.requestId ? this.lines.filter((l) => l.includes(e.requestId!)) : [],
    }));
    console.error(`The API answered 500 ${serverErrors.length} time(s); the stack's log is in ${file}\n`, explained);
    return file;
  }
}

export class HttpApi {
  private tokens = new Map<string, string>();
  /** Every answer's status, counted (0 = no answer: refused, reset, timed out). */
  readonly statuses = new Map<number, number>();

  private closed = false;

  constructor(
    readonly baseUrl: string,
    private timeoutMs = 60_000,
  ) {}

  /** Where the next request goes. */
  protected target(): string {
    return this.baseUrl;
  }

  /** A request to `base` got no answer (refused, reset, timed out). */
  protected unreachable(_base: string): void {}

  /** Every later request throws: stops the drivers of a failed test so jest can exit. */
  close(): void {
    this.closed = true;
  }

  async request(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<HttpAnswer> {
    if (this.closed) throw new Error('HttpApi closed');
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    let payload: string | undefined;
    if (opts.raw !== undefined) payload = opts.raw;
    else if (opts.body !== undefined) payload = JSON.stringify(opts.body);
    if (payload !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
    let answer: HttpAnswer;
    const base = this.target();
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: payload,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // not JSON
      }
      answer = { status: res.status, body, headers: res.headers };
    } catch (err) {
      this.unreachable(base);
      answer = {
        status: 0,
        body: { error: { code: 'network', message: err instanceof Error ? err.message : String(err) } },
        headers: new Headers(),
      };
    }
    this.statuses.set(answer.status, (this.statuses.get(answer.status) ?? 0) + 1);
    if (answer.status === 500)
      serverErrors.push({ method, path, requestId: answer.headers.get('X-Request-Id'), body: answer.body });
    return answer;
  }

  get(path: string, token?: string) {
    return this.request('GET', path, { token });
  }

  post(path: string, body: unknown, token?: string, headers?: Record<string, string>) {
    return this.request('POST', path, { token, body, headers });
  }

  /** A dev token for a user (AUTH_DEV_SECRET is fixed by the stack, so tokens survive an API restart). */
  async token(email: string, deadlineMs = 60_000): Promise<string> {
    const cached = this.tokens.get(email);
    if (cached) return cached;
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const res = await this.post('/auth/dev-token', { email });
      if (res.status === 200) {
        this.tokens.set(email, res.body.token);
        return res.body.token as string;
      }
      if (Date.now() > deadline || (res.status >= 400 && res.status < 500))
        throw new Error(`dev-token for ${email}: ${res.status} ${JSON.stringify(res.body)}`);
      await sleep(250);
    }
  }

  /** Every token handed out so far (the secrets test searches the logs for them). */
  issuedTokens(): string[] {
    return [...this.tokens.values()];
  }

  /** Statuses seen so far as a plain object, for logs and assertions. */
  tally(): Record<string, number> {
    return Object.fromEntries([...this.statuses.entries()].sort(([a], [b]) => a - b).map(([k, v]) => [String(k), v]));
  }
}

/**
 * Several API instances behind one client, as behind a load balancer: requests go to each in
 * turn; an instance that gave no answer is left out for `downMs` (a passive health check), and
 * the request that got no answer is not resent (the caller sees status 0, as through a proxy).
 */
export class BalancedHttpApi extends HttpApi {
  private next = 0;
  private readonly downUntil = new Map<string, number>();
  /** Requests sent per instance. */
  readonly sent = new Map<string, number>();

  constructor(
    readonly baseUrls: string[],
    timeoutMs?: number,
    private readonly downMs = 3_000,
  ) {
    super(baseUrls[0], timeoutMs);
  }

  protected override target(): string {
    const now = Date.now();
    const up = this.baseUrls.filter((u) => (this.downUntil.get(u) ?? 0) <= now);
    const pool = up.length ? up : this.baseUrls;
    const base = pool[this.next++ % pool.length];
    this.sent.set(base, (this.sent.get(base) ?? 0) + 1);
    return base;
  }

  protected override unreachable(base: string): void {
    this.downUntil.set(base, Date.now() + this.downMs);
  }
}

export interface HttpStack {
  stack: Stack;
  /** What the processes wrote (saved under test/artifacts/ when an API answered 500). */
  log: StackLog;
  smtp: TestSmtp;
  db: TestDatabase;
  prisma: PrismaClient;
  api: HttpApi;
}

/** The real processes (Temporal dev server, worker, API) with an SMTP server, a database client and an HTTP client, for one fault test file. */
export async function startHttpStack(
  opts: { env?: NodeJS.ProcessEnv; log?: (line: string) => void; requestTimeoutMs?: number } = {},
): Promise<HttpStack> {
  const smtp = await startTestSmtp();
  const db = await createTestDatabase('http-stack');
  const log = new StackLog();
  currentLog = log;
  const stack = await startStack({
    api: true,
    databaseUrl: db.url,
    migrated: true,
    env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), RATE_LIMIT_PER_MINUTE: '100000', ...opts.env },
    log: (line) => {
      log.push(line);
      opts.log?.(line);
    },
  });
  return { stack, smtp, db, log, prisma: db.prisma, api: new HttpApi(stack.apiUrl, opts.requestTimeoutMs) };
}

/** The test file's name without its folder and `.test.ts`, for artifacts. */
const testFileName = () => path.basename(expect.getState().testPath ?? 'stack').replace(/\.test\.ts$/, '');

export async function stopHttpStack(s: Partial<HttpStack>): Promise<void> {
  (s.log ?? currentLog)?.saveIfServerErrors(testFileName());
  s.api?.close();
  await s.stack?.stop();
  await s.db?.close();
  await s.smtp?.stop();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const isUnavailable = (status: number) => status === 0 || status === 502 || status === 503 || status === 504;

/**
 * What the README tells clients to do: a request sent with an Idempotency-Key that gets 503 (or
 * no answer, or "still in progress") is sent again, same key and body, after Retry-After, until
 * it gets a final answer or the deadline passes. Returns the final answer and how many retries it took.
 */
export async function untilFinal(
  send: () => Promise<HttpAnswer>,
  deadlineMs = 120_000,
): Promise<HttpAnswer & { retries: number }> {
  const deadline = Date.now() + deadlineMs;
  for (let retries = 0; ; retries++) {
    const answer = await send();
    const code = answer.body?.error?.code;
    const again = isUnavailable(answer.status) || code === 'idempotency_in_progress' || code === 'idempotency_retry';
    if (!again || Date.now() > deadline) return { ...answer, retries };
    const wait = Math.min(5, Math.max(1, Number(answer.headers.get('Retry-After')) || 1));
    await sleep(wait * 1000);
  }
}

const SCORES = { innovation: 80, feasibility_sustainability: 70, social_benefit: 75 };
const EVALUATION = { ratings: { relevance: 5 }, narrative: 'Good results' };

type Who = 'coKg' | 'fundManager' | 'reviewer1' | 'reviewer2' | 'applicant';
interface OpenTask {
  id: string;
  kind: string;
  assigneeUserId: string | null;
  assigneeRole: string;
  assigneeInstitutionId?: string | null;
}
interface Step {
  who: Who;
  kind: string;
  body: { decision: string; data?: Record<string, unknown>; comment?: string };
  match?: (t: OpenTask, applicant: Applicant) => boolean;
}

const byUser = (id: string) => (t: OpenTask) => t.assigneeUserId === id;

/** The Challenge Fund happy path: 18 decisions (same as test/helpers/drive.ts, over HTTP). */
export const PROPOSAL_STEPS: Step[] = [
  { who: 'coKg', kind: 'co_endorsement', body: { decision: 'endorse' } },
  {
    who: 'fundManager',
    kind: 'assign_reviewers',
    body: { decision: 'assign', data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] } },
  },
  {
    who: 'reviewer1',
    kind: 'conflict_declaration',
    body: { decision: 'declare_no_conflict', data: { noConflictDeclared: true } },
    match: byUser(DEMO_USERS.reviewer1.id),
  },
  {
    who: 'reviewer1',
    kind: 'review_score',
    body: { decision: 'submit_score', data: { scores: SCORES } },
    match: byUser(DEMO_USERS.reviewer1.id),
  },
  {
    who: 'reviewer2',
    kind: 'conflict_declaration',
    body: { decision: 'declare_no_conflict', data: { noConflictDeclared: true } },
    match: byUser(DEMO_USERS.reviewer2.id),
  },
  {
    who: 'reviewer2',
    kind: 'review_score',
    body: { decision: 'submit_score', data: { scores: SCORES } },
    match: byUser(DEMO_USERS.reviewer2.id),
  },
  { who: 'fundManager', kind: 'selection_decision', body: { decision: 'select' } },
  {
    who: 'applicant',
    kind: 'contract_signature',
    body: { decision: 'sign' },
    match: (t, a) => t.assigneeInstitutionId === a.institutionId,
  },
  {
    who: 'coKg',
    kind: 'contract_signature',
    body: { decision: 'sign' },
    match: (t) => t.assigneeRole === 'co_approver',
  },
  ...[1, 2, 3].flatMap((i): Step[] => [
    {
      who: 'applicant',
      kind: 'progress_report',
      body: { decision: 'submit_report', data: { report: `Milestone ${i}` } },
    },
    { who: 'coKg', kind: 'report_verification', body: { decision: 'accept' } },
  ]),
  { who: 'applicant', kind: 'final_report', body: { decision: 'submit_report', data: { report: 'Final report' } } },
  {
    who: 'coKg',
    kind: 'evaluation',
    body: { decision: 'submit_evaluation', data: EVALUATION },
    match: (t) => t.assigneeRole === 'co_approver',
  },
  {
    who: 'fundManager',
    kind: 'evaluation',
    body: { decision: 'submit_evaluation', data: EVALUATION },
    match: (t) => t.assigneeRole === 'fund_manager',
  },
];

export interface HttpApplicant extends Applicant {
  email: string;
}

export interface DriveStats {
  /** Decisions answered 200 on the first try. */
  decided: number;
  /** Decisions that had to be retried after no answer or a 503. */
  retried: number;
  /** Decisions whose retry found the task already decided (409): the earlier attempt had been applied. */
  alreadyApplied: number;
}

/**
 * Creates a proposal through the API with an Idempotency-Key, retrying with the same key while
 * the service is unavailable (the key makes the retry safe).
 */
export async function createProposalOverHttp(
  api: HttpApi,
  applicant: HttpApplicant,
  key: string,
  deadlineMs = 180_000,
): Promise<string> {
  const token = await api.token(applicant.email);
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const res = await api.post('/proposals', proposalPayload({ title: `Resilience ${key}` }), token, {
      'Idempotency-Key': key,
    });
    if (res.status === 201) return res.body.id as string;
    if (
      !(
        isUnavailable(res.status) ||
        res.body?.error?.code === 'idempotency_retry' ||
        res.body?.error?.code === 'idempotency_in_progress'
      ) ||
      Date.now() > deadline
    ) {
      throw new Error(`create ${key}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    await sleep(500);
  }
}

/**
 * Drives one proposal from its first task to closed through HTTP. A decision that gets no answer
 * or a 503 is retried; a retry answered 409 means the first attempt had been applied (the task is
 * closed), which is counted and accepted. `onStep` runs after each decision (fault injection).
 */
export async function driveProposalOverHttp(
  api: HttpApi,
  proposalId: string,
  applicant: HttpApplicant,
  stats: DriveStats,
  onStep?: (n: number) => Promise<void> | void,
  deadlineMs = 400_000,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  const fm = await api.token(DEMO_USERS.fundManager.email);
  const tokens: Record<Who, string> = {
    coKg: await api.token(DEMO_USERS.coKg.email),
    fundManager: fm,
    reviewer1: await api.token(DEMO_USERS.reviewer1.email),
    reviewer2: await api.token(DEMO_USERS.reviewer2.email),
    applicant: await api.token(applicant.email),
  };
  const decided = new Set<string>();
  let n = 0;
  for (const step of PROPOSAL_STEPS) {
    let attempts = 0;
    let unanswered: string | undefined; // a task whose decision got no answer or a 503
    let last: HttpAnswer | undefined;
    for (;;) {
      if (Date.now() > deadline) {
        throw new Error(
          `proposal ${proposalId}: step ${n + 1} (${step.kind}) not done in time; last answer ${last?.status} ${JSON.stringify(last?.body)}; statuses ${JSON.stringify(api.tally())}`,
        );
      }
      const view = await api.get(`/proposals/${proposalId}`, fm);
      if (view.status !== 200) {
        if (!isUnavailable(view.status))
          throw new Error(`GET proposal ${proposalId}: ${view.status} ${JSON.stringify(view.body)}`);
        await sleep(300);
        continue;
      }
      const open = view.body.openTasks as OpenTask[];
      if (unanswered && !open.some((t) => t.id === unanswered)) {
        // The unanswered attempt was applied: the read model has closed the task.
        decided.add(unanswered);
        stats.alreadyApplied++;
        break;
      }
      const task = unanswered
        ? open.find((t) => t.id === unanswered)
        : open.find((t) => t.kind === step.kind && !decided.has(t.id) && (step.match?.(t, applicant) ?? true));
      if (!task) {
        await sleep(100);
        continue;
      }
      attempts++;
      let body = step.body;
      if (step.kind === 'contract_signature' && !body.data) {
        // Signing confirms the statement of the agreement version shown by the task.
        const detail = await api.get(`/tasks/${encodeURIComponent(task.id)}`, tokens[step.who]);
        const data =
          detail.status === 200 ? signatureData(detail.body.context as Record<string, unknown> | null) : undefined;
        if (data) body = { ...body, data };
      }
      const res = await api.post(`/tasks/${encodeURIComponent(task.id)}/decision`, body, tokens[step.who]);
      last = res;
      if (res.status === 200) {
        decided.add(task.id);
        if (attempts === 1) stats.decided++;
        else stats.retried++;
        break;
      }
      if (res.status === 409 && unanswered) {
        decided.add(task.id);
        stats.alreadyApplied++;
        break;
      }
      if (isUnavailable(res.status)) {
        unanswered = task.id;
        await sleep(500);
        continue;
      }
      throw new Error(`proposal ${proposalId}: ${step.kind} as ${step.who}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    await onStep?.(++n);
  }
}
