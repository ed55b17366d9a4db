import type { WorkflowHandle } from '@temporalio/client';
import { addDays } from '../../domain/calendar';
import { DEMO_USERS } from '../../domain/demo';
import {
  dutyStationRate,
  emptyLedger,
  unvRulesInForce,
  type UnvCandidate,
  type UnvLedger,
} from '../../domain/policy/unv';
import type { UnvRequest } from '../../domain/unv';
import type { Clock } from '../../lib/clock';
import { unvAssignmentWorkflow } from '../../workflows/un-volunteers';
import { compressedClock } from './sla';
import { startWorkflowTestContext, type WorkflowTestContext } from './workflow-context';

export type UnvHandle = WorkflowHandle<typeof unvAssignmentWorkflow>;

/** What a UN Volunteers workflow test file shares: its context, the Clock of the running test, requests and reads. */
export interface UnvWorkflowKit {
  readonly ctx: WorkflowTestContext;
  /** The Kyrgyzstan office's today on the running test's Clock. */
  today(): string;
  /** The rule set of the tests and the Kyrgyzstan duty station's rates in it. */
  readonly set: ReturnType<typeof unvRulesInForce>;
  readonly rate: NonNullable<ReturnType<typeof dutyStationRate>>;
  /** Runs `fn` on a worker of a fresh task queue whose Clock is compressed from now (a day lasts `dayMs`). */
  withWorker(fn: (taskQueue: string) => Promise<void>): Promise<void>;
  /** The file's description of assignment, numbered, starting in 30 days. */
  request(over?: Partial<UnvRequest>): UnvRequest;
  /** Starts an assignment requested by the Kyrgyzstan Country Office. */
  start(taskQueue: string, req: UnvRequest): Promise<UnvHandle>;
  idOf(h: UnvHandle): string;
  row(h: UnvHandle): ReturnType<WorkflowTestContext['db']['prisma']['unvAssignment']['findUniqueOrThrow']>;
  ledgerOf(h: UnvHandle): Promise<UnvLedger>;
  auditActions(h: UnvHandle): Promise<string[]>;
}

const KG = { countryCode: 'KG', timeZone: 'Asia/Bishkek' };

/** An eligible specialist candidate (a Russian citizen with a master's degree and six years' experience). */
export function unvCandidate(id: string, over: Partial<UnvCandidate> = {}): UnvCandidate {
  return {
    id,
    name: `Candidate ${id}`,
    citizenship: 'RU',
    birthDate: '1990-05-01',
    degree: 'master',
    yearsExperience: 6,
    ...over,
  };
}

/**
 * Sets up a UN Volunteers workflow test file (real Temporal, PostgreSQL and SMTP; `beforeAll`/`afterAll`
 * registered here): `base` is the file's description of assignment, its title numbered per request.
 */
export function unvWorkflowKit(
  label: string,
  opts: { dayMs: number; idPrefix: string; base: Omit<UnvRequest, 'startDate'> },
): UnvWorkflowKit {
  let ctx: WorkflowTestContext | undefined;
  let clock: Clock | undefined;
  let counter = 0;
  beforeAll(async () => {
    ctx = await startWorkflowTestContext(label);
  });
  afterAll(async () => {
    await ctx?.stop();
  });
  const set = unvRulesInForce('2026-12-01');
  const the = (): WorkflowTestContext => {
    if (!ctx) throw new Error('the UNV test context starts in beforeAll');
    return ctx;
  };
  const today = () => clock!.today(KG);
  const idOf = (h: UnvHandle) => h.workflowId.replace('unv-assignment-', '');
  const row = (h: UnvHandle) => the().db.prisma.unvAssignment.findUniqueOrThrow({ where: { id: idOf(h) } });
  return {
    get ctx() {
      return the();
    },
    today,
    set,
    rate: dutyStationRate(set, 'KG')!,
    withWorker: (fn) => the().withWorker(fn, { clock: (clock = compressedClock(the().db.prisma, opts.dayMs)) }),
    request: (over = {}) => ({
      ...opts.base,
      title: `${opts.base.title} ${++counter}`,
      startDate: addDays(today(), 30),
      ...over,
    }),
    async start(taskQueue, req) {
      const id = `${opts.idPrefix}-${Date.now()}-${++counter}`;
      return the().env.client.workflow.start(unvAssignmentWorkflow, {
        taskQueue,
        workflowId: `unv-assignment-${id}`,
        args: [
          {
            assignmentId: id,
            requester: { userId: DEMO_USERS.coKg.id, role: 'co_approver' },
            request: req,
            submittedAt: new Date().toISOString(),
          },
        ],
      });
    },
    idOf,
    row,
    ledgerOf: async (h) => ((await row(h)).ledger as unknown as UnvLedger | null) ?? emptyLedger(),
    auditActions: async (h) =>
      (await the().db.prisma.auditEvent.findMany({ where: { subjectId: idOf(h) }, orderBy: { id: 'asc' } })).map(
        (e) => e.action,
      ),
  };
}
