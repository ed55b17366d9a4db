/**
 * The demo driver: puts a handful of items of every programme (Russian Challenge Fund, Experts on
 * Demand, SDG event travel, internships, UN Volunteers) at different stages by driving the running product — over its HTTP API as the demo
 * users, deciding their tasks — so a person trying the product finds workflows in flight, not rows.
 *
 * Idempotent and resumable: every creation carries a fixed Idempotency-Key (the subject's id derives
 * from it, so it is looked up before anything is created), every decision the key of its task; each
 * item is then driven from wherever it stands (a killed start, a user's own decision, time passing)
 * until its target stage, never back. A second run creates and decides nothing.
 */
import { subjectId } from '../../api/ids';
import { programmeSpec, type Programme } from '../../domain/registry';
import type { Stage } from '../../domain/stages';

export interface DemoUser {
  email: string;
  /** The account's id (for the subject id an Idempotency-Key derives). */
  id: string;
}

export interface DemoHttp {
  baseUrl: string;
  token(user: DemoUser): Promise<string>;
  /** JSON request as `user`; 503/429 retried after Retry-After, within the item's time. */
  call(
    user: DemoUser,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** A multipart upload (a document), as `user`. */
  upload(
    user: DemoUser,
    path: string,
    fields: Record<string, string>,
    file: { name: string; text: string },
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

export type Log = (msg: string, extra?: Record<string, unknown>) => void;

export interface OpenTask {
  id: string;
  kind: string;
  subject: { id: string };
  /** What the decider sees (candidates, reviewers to choose from, …). */
  context?: Record<string, unknown> | null;
}

/** One decision the driver makes when its task is open: who decides, and what. */
export interface DemoStep {
  kind: string;
  /**
   * Tried in order: the first whose task list shows the task decides it. A function names them per
   * pass (people known only once the workflow picked them: invited experts, the selected one).
   */
  by: DemoUser[] | ((subjectId: string) => Promise<DemoUser[]>);
  decide: (task: OpenTask, ctx: { http: DemoHttp; id: string; user: DemoUser }) => Promise<Record<string, unknown>>;
}

export interface DemoItem {
  /** Fixed, unique: the Idempotency-Key of its creation and the prefix of its decisions' keys. */
  key: string;
  programme: Programme;
  /** Whoever reads it to see its stage. */
  reader: DemoUser;
  /** Creates the subject unless it exists (createOnce): its id, and whether this run created it. */
  create: (key: string) => Promise<{ id: string; created: boolean }>;
  target: Stage;
  /** When the driver's part is done, if not once the target stage is reached (e.g. the rest waits for a date). */
  done?: (subject: Record<string, unknown>) => boolean;
  steps: DemoStep[];
}

export interface ItemOutcome {
  key: string;
  id?: string;
  stage?: string;
  status: 'at_target' | 'waiting' | 'failed';
  created: boolean;
  decisions: number;
  error?: string;
}

/** The refusal of a decision whose document is not scanned yet (documents route wording). */
const SCAN_PENDING = /awaits its malware scan/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function demoHttp(baseUrl: string): DemoHttp {
  const tokens = new Map<string, string>();
  const retrying = async (
    send: () => Promise<Response>,
  ): Promise<{ status: number; body: Record<string, unknown> }> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await send();
      if ((res.status === 503 || res.status === 429) && Date.now() < deadline) {
        const after = Number(res.headers.get('retry-after') ?? 1);
        await res.arrayBuffer().catch(() => undefined);
        await sleep(Math.min(Math.max(after, 0.25), 5) * 1000);
        continue;
      }
      const text = await res.text();
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        body = { text };
      }
      return { status: res.status, body };
    }
  };
  const http: DemoHttp = {
    baseUrl,
    async token(user) {
      const cached = tokens.get(user.email);
      if (cached) return cached;
      const res = await retrying(() =>
        fetch(`${baseUrl}/auth/dev-token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: user.email }),
        }),
      );
      if (res.status !== 200) throw new Error(`sign-in of ${user.email}: ${res.status} ${JSON.stringify(res.body)}`);
      tokens.set(user.email, String(res.body.token));
      return String(res.body.token);
    },
    async call(user, method, path, body, idempotencyKey) {
      const token = await http.token(user);
      return retrying(() =>
        fetch(`${baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        }),
      );
    },
    async upload(user, path, fields, file) {
      const token = await http.token(user);
      return retrying(() => {
        const form = new FormData();
        for (const [k, v] of Object.entries(fields)) form.append(k, v);
        form.append('file', new Blob([file.text], { type: 'text/plain' }), file.name);
        return fetch(`${baseUrl}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: form,
          signal: AbortSignal.timeout(30_000),
        });
      });
    },
  };
  return http;
}

/** Creates the subject under its fixed key unless it exists: the id the key derives is looked up first. */
export async function createOnce(
  http: DemoHttp,
  user: DemoUser,
  programme: Programme,
  key: string,
  body: () => unknown,
): Promise<{ id: string; created: boolean }> {
  const spec = programmeSpec(programme);
  const id = subjectId(spec.subjectIdPrefix, user.id, key);
  if ((await http.call(user, 'GET', `/${spec.apiPath}/${id}`)).status === 200) return { id, created: false };
  const res = await http.call(user, 'POST', `/${spec.apiPath}`, await body(), key);
  if (res.status !== 201) throw new Error(`creating ${key}: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: String(res.body.id), created: true };
}

/** Where a stage stands in its programme's flow; endings (closed, rejected, …) come after every stage. */
function stageRank(programme: Programme, stage: string): number {
  const i = programmeSpec(programme).stages.findIndex((s) => s.name === stage);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

export function reached(programme: Programme, stage: string, target: Stage): boolean {
  return stage === target || stageRank(programme, stage) > stageRank(programme, target);
}

/**
 * Drives one item: decides the open tasks its steps name until it stands at its target stage (or
 * beyond, or ended) and none of its steps has a task open; an item that waits for time (a start
 * date) is left waiting once `waitMs` passes without anything to decide.
 */
export async function driveItem(
  http: DemoHttp,
  item: DemoItem,
  log: Log,
  waitMs: number,
  signal?: AbortSignal,
): Promise<ItemOutcome> {
  const spec = programmeSpec(item.programme);
  const outcome: ItemOutcome = { key: item.key, status: 'waiting', created: false, decisions: 0 };
  try {
    const { id: before, created } = await item.create(item.key);
    outcome.id = before;
    outcome.created = created;
    let idle = Date.now();
    // Polls back off (250 ms to 2 s) while nothing is to decide: the demo users' rate limits are a person's too.
    let pause = 250;
    for (;;) {
      if (signal?.aborted) return outcome;
      const read = await http.call(item.reader, 'GET', `/${spec.apiPath}/${before}`);
      if (read.status !== 200) throw new Error(`reading ${before}: ${read.status}`);
      outcome.stage = String(read.body.stage);
      let decided = false;
      const listed = new Map<string, OpenTask[]>();
      const openTasksOf = async (user: DemoUser) => {
        let tasks = listed.get(user.email);
        if (!tasks) {
          const list = await http.call(user, 'GET', `/tasks?subject=${encodeURIComponent(before)}&pageSize=50`);
          tasks = (list.body.items as OpenTask[] | undefined) ?? [];
          listed.set(user.email, tasks);
        }
        return tasks;
      };
      for (const step of item.steps) {
        const deciders = typeof step.by === 'function' ? await step.by(before) : step.by;
        for (const user of deciders) {
          const tasks = (await openTasksOf(user)).filter((t) => t.kind === step.kind);
          for (const task of tasks) {
            if (signal?.aborted) return outcome;
            const payload = await step.decide(task, { http, id: before, user });
            const res = await http.call(
              user,
              'POST',
              `/tasks/${encodeURIComponent(task.id)}/decision`,
              payload,
              `demo:${item.key}:${task.id}`.replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 200),
            );
            // 403/404: not this user's task; 409: decided meanwhile (the read model lags the workflow);
            // a document the decision names still being scanned: decided on a later pass.
            if (res.status === 400 && SCAN_PENDING.test(JSON.stringify(res.body))) continue;
            if (res.status === 200) {
              decided = true;
              outcome.decisions++;
              log(`demo ${item.key}: ${step.kind} → ${String(payload.decision)}`, { id: before });
            } else if (![403, 404, 409].includes(res.status))
              throw new Error(`${step.kind} of ${before}: ${res.status} ${JSON.stringify(res.body)}`);
          }
          if (decided) break;
        }
        if (decided) break;
      }
      if (decided) {
        idle = Date.now();
        pause = 250;
        continue;
      }
      const done = item.done?.(read.body) ?? reached(item.programme, outcome.stage, item.target);
      if (done) {
        outcome.status = reached(item.programme, outcome.stage, item.target) ? 'at_target' : 'waiting';
        return outcome;
      }
      if (Date.now() - idle > waitMs) return outcome;
      await sleep(pause);
      pause = Math.min(pause * 2, 2000);
    }
  } catch (err) {
    outcome.status = 'failed';
    outcome.error = err instanceof Error ? err.message : String(err);
    return outcome;
  }
}

export interface DemoRunDeps {
  baseUrl: string;
  prisma: import('../../lib/db').PrismaClient;
  temporal: import('@temporalio/client').Client;
  taskQueue: string;
  log: Log;
  /** How long an item may wait for its next task before it is left where it stands. */
  waitMs?: number;
  /** How many items are driven at once (5). */
  concurrency?: number;
  /** Stops the run between two requests (tests: a start killed mid-way). */
  signal?: AbortSignal;
}

/** Runs every demo item (a few in parallel) and answers their outcomes, in item order; never throws for an item. */
export async function driveDemo(deps: DemoRunDeps): Promise<ItemOutcome[]> {
  // Imported here: items.ts imports this module's helpers.
  const { demoItems, ensureDemoProgrammeAccounts } = await import('./items');
  const started = Date.now();
  const accounts = await ensureDemoProgrammeAccounts(deps.prisma);
  if (accounts) deps.log(`demo: ${accounts} programme accounts created`);
  const http = demoHttp(deps.baseUrl);
  const items = demoItems({ ...deps, http, today: new Date().toISOString().slice(0, 10) });
  // A few at a time: fifteen items created at once on a busy machine time out (the API, Temporal and
  // PostgreSQL share its cores with everything else npm start runs).
  const outcomes: ItemOutcome[] = new Array<ItemOutcome>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      if (deps.signal?.aborted) {
        outcomes[i] = { key: items[i].key, status: 'waiting', created: false, decisions: 0 };
        continue;
      }
      outcomes[i] = await driveItem(http, items[i], deps.log, deps.waitMs ?? 20_000, deps.signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 5, items.length) }, lane));
  for (const o of outcomes)
    deps.log(`demo ${o.key}: ${o.status}${o.stage ? ` at ${o.stage}` : ''}`, {
      id: o.id,
      created: o.created,
      decisions: o.decisions,
      ...(o.error ? { error: o.error } : {}),
    });
  deps.log('demo items driven', {
    ms: Date.now() - started,
    created: outcomes.filter((o) => o.created).length,
    decisions: outcomes.reduce((n, o) => n + o.decisions, 0),
    failed: outcomes.filter((o) => o.status === 'failed').length,
  });
  return outcomes;
}
