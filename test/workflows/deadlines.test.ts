import type { WorkflowHandle } from '@temporalio/client';
import { DEMO_USERS } from '../../domain/demo';
import { endOfDay } from '../../domain/calendar';
import type { Actor } from '../../domain/roles';
import { createActivities } from '../../activities';
import { createClock } from '../../lib/clock';
import { createWorker } from '../../worker/create-worker';
import { proposalWorkflow } from '../../workflows/proposal';
import { requestExtensionUpdate, stateQuery } from '../../workflows/messages';
import { daysFromToday, proposalPayload } from '../fixtures/payloads';
import { decide, openTask, updateFailureType, actorOf } from '../helpers/lifecycle';
import { compressedClock } from '../helpers/sla';
import { uniqueTaskQueue } from '../helpers/temporal';
import { eventually } from '../helpers/wait';
import { startWorkflowTestContext, type WorkflowTestContext } from '../helpers/workflow-context';
import { REVIEWERS } from '../helpers/drive';

/**
 * Deadlines on real dates, with a compressed clock (a calendar day lasts a fraction of a second):
 * report tasks open before their milestone's date and fall due on it, a no-cost extension moves
 * them, and working-day deadlines skip the office country's public holidays.
 */
let ctx: WorkflowTestContext;
beforeAll(async () => {
  ctx = await startWorkflowTestContext('deadlines');
});
afterAll(async () => {
  await ctx?.stop();
});

const applicantActor: Actor = {
  userId: DEMO_USERS.applicant.id,
  role: 'applicant',
  institutionId: 'inst-tpu',
  countryCode: null,
  expertId: null,
};
const KG_ZONE = 'Asia/Bishkek';
let counter = 0;

function start(taskQueue: string, milestones: { title: string; dueDate: string }[]) {
  const id = `dl-${Date.now()}-${++counter}`;
  return ctx.env.client.workflow.start(proposalWorkflow, {
    taskQueue,
    workflowId: `proposal-${id}`,
    args: [
      {
        proposalId: id,
        applicant: {
          userId: DEMO_USERS.applicant.id,
          institutionId: 'inst-tpu',
          institutionName: 'Tomsk Polytechnic University',
        },
        proposal: proposalPayload({ milestones }),
        submittedAt: new Date().toISOString(),
      },
    ],
  });
}

/** Endorsement, reviews and selection: the proposal then waits for both signatures. */
async function toSignatures(h: WorkflowHandle): Promise<void> {
  await decide(h, 'co_endorsement', 'coKg', 'endorse');
  await decide(h, 'assign_reviewers', 'fundManager', 'assign', { data: { reviewerIds: REVIEWERS } });
  for (const [who, id] of [
    ['reviewer1', REVIEWERS[0]],
    ['reviewer2', REVIEWERS[1]],
  ] as const) {
    const mine = (t: { assigneeUserId: string | null }) => t.assigneeUserId === id;
    await decide(h, 'conflict_declaration', who, 'declare_no_conflict', {
      data: { noConflictDeclared: true },
      match: mine,
    });
    const scores = { innovation: 80, feasibility_sustainability: 70, social_benefit: 75 };
    await decide(h, 'review_score', who, 'submit_score', { data: { scores }, match: mine });
  }
  await decide(h, 'selection_decision', 'fundManager', 'select');
  await openTask(h, 'contract_signature');
}

test('a report task for a milestone due in 90 days opens before that date and falls due on it; a no-cost extension moves it', async () => {
  const { db, env, bundle, deps } = ctx;
  const taskQueue = uniqueTaskQueue('deadlines');
  const milestones = [
    { title: 'Sensors installed', dueDate: daysFromToday(90) },
    { title: 'Handover', dueDate: daysFromToday(200) },
  ];
  // Up to the signatures on real time (nothing falls due meanwhile)…
  const realWorker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue,
    workflowBundle: bundle,
    deps,
  });
  const h = await realWorker.runUntil(async () => {
    const handle = await start(taskQueue, milestones);
    await toSignatures(handle);
    return handle;
  });
  // …then on a clock where a day lasts 100 ms from the signing: 90 days are 9 s.
  const clock = compressedClock(db.prisma, 100);
  const compressed = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue,
    workflowBundle: bundle,
    deps: { ...deps, clock },
  });
  await compressed.runUntil(async () => {
    await decide(h, 'contract_signature', applicantActor, 'sign', {
      match: (t) => t.assigneeInstitutionId === applicantActor.institutionId,
    });
    await decide(h, 'contract_signature', 'coKg', 'sign', { match: (t) => t.assigneeRole === 'co_approver' });
    await eventually(async () => (await h.query(stateQuery)).stage === 'mission');
    const signedOn = clock.now();

    // Not 7 days after signing: the report task opens 14 days before the milestone's date.
    const opensOn = new Date(Date.parse(`${milestones[0].dueDate}T00:00:00Z`) - 14 * 86_400_000 - 6 * 3_600_000);
    const report = await openTask(h, 'progress_report', () => true, 30_000);
    const openedOn = clock.now();
    expect(openedOn.getTime()).toBeGreaterThanOrEqual(opensOn.getTime());
    expect(openedOn.getTime() - signedOn.getTime()).toBeGreaterThan(7 * 86_400_000);
    const dueAt = endOfDay(milestones[0].dueDate, KG_ZONE).toISOString();
    expect(report.dueAt).toBe(dueAt);
    const row = await db.prisma.task.findUniqueOrThrow({ where: { id: report.id } });
    expect(row.dueAt?.toISOString()).toBe(dueAt);
    expect(row.remindAt!.getTime()).toBeLessThan(row.dueAt!.getTime());

    // The applicant asks to move the milestone by 30 days; the validator refuses what breaks the rules first.
    const later = daysFromToday(120);
    const ask = (input: { milestone: number; newDueDate: string; reason: string }, actor: Actor = applicantActor) =>
      h.executeUpdate(requestExtensionUpdate, { args: [{ ...input, actor }] });
    expect(
      await updateFailureType(ask({ milestone: 1, newDueDate: later, reason: 'Late delivery' }, actorOf('coKg'))),
    ).toBe('Forbidden');
    expect(await updateFailureType(ask({ milestone: 1, newDueDate: daysFromToday(80), reason: 'Earlier?' }))).toBe(
      'InvalidDecision',
    );
    expect(await updateFailureType(ask({ milestone: 1, newDueDate: daysFromToday(250), reason: 'Too far' }))).toBe(
      'InvalidDecision',
    );
    expect(await updateFailureType(ask({ milestone: 3, newDueDate: later, reason: 'No such' }))).toBe(
      'InvalidDecision',
    );
    const { taskId } = await ask({ milestone: 1, newDueDate: later, reason: 'Sensors held at customs' });
    expect(await updateFailureType(ask({ milestone: 1, newDueDate: later, reason: 'Again' }))).toBe('NotAllowedNow');
    await decide(h, 'extension_decision', 'coKg', 'approve', { match: (t) => t.id === taskId });

    const newDueAt = endOfDay(later, KG_ZONE).toISOString();
    const moved = await eventually(async () => {
      const t = await db.prisma.task.findUniqueOrThrow({ where: { id: report.id } });
      return t.dueAt?.toISOString() === newDueAt && t;
    });
    expect(moved.status).toBe('open');
    const proposal = await db.prisma.proposal.findUniqueOrThrow({
      where: { id: h.workflowId.replace('proposal-', '') },
    });
    expect((proposal.milestones as { dueDate: string }[])[0].dueDate).toBe(later);
    const deliverable = await db.prisma.deliverable.findFirstOrThrow({ where: { workflowId: h.workflowId, seq: 1 } });
    expect(deliverable.dueDate.toISOString().slice(0, 10)).toBe(later);

    // The old date passes without an escalation; the new one brings it (timers moved).
    await eventually(async () => clock.now().getTime() > Date.parse(dueAt) + 86_400_000, 20_000);
    const early = await db.prisma.task.findUniqueOrThrow({ where: { id: report.id } });
    expect(early.overdue).toBe(false);
    const overdue = await eventually(async () => {
      const t = await db.prisma.task.findUniqueOrThrow({ where: { id: report.id } });
      return t.overdue && t;
    }, 30_000);
    expect(clock.now().getTime()).toBeGreaterThan(Date.parse(newDueAt));
    expect(overdue.escalatedAt).not.toBeNull();
    const actions = (await db.prisma.auditEvent.findMany({ where: { workflowId: h.workflowId } })).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['extension_requested', 'extension_approved', 'task_retimed', 'task_overdue']),
    );
    expect(actions.filter((a) => a === 'task_overdue')).toHaveLength(1);
    await h.terminate();
  });
});

test("a deadline in working days skips a public holiday of the office's country", async () => {
  const { db } = ctx;
  // Monday 15 March 2027, 09:00 in Bishkek. Nooruz (21 March) is a Kyrgyz holiday date-holidays does not know.
  const from = new Date('2027-03-15T03:00:00Z');
  const time = { now: () => from, timerAt: (at: Date) => at, description: 'fixed' };
  const activities = createActivities({ ...ctx.deps, clock: createClock({ prisma: db.prisma, time }) });
  const endorsement = async () =>
    (await activities.scheduleDeadlines({ countryCode: 'KG', items: [{ kind: 'sla', sla: 'endorsement' }] }))[0];
  // 10 working days: Monday 29 March.
  expect((await endorsement()).dueAt).toBe(endOfDay('2027-03-29', KG_ZONE).toISOString());
  // An administrator enters Monday 22 March (Nooruz, moved from Sunday): one more day.
  await db.prisma.publicHoliday.create({
    data: {
      countryCode: 'KG',
      date: new Date('2027-03-22T00:00:00Z'),
      name: 'Nooruz',
      nameRu: 'Нооруз',
      source: 'admin',
    },
  });
  expect((await endorsement()).dueAt).toBe(endOfDay('2027-03-30', KG_ZONE).toISOString());

  // The same in a workflow, on a compressed clock showing that Monday: the endorsement task is due on 30 March.
  await ctx.withWorker(
    async (tq) => {
      const h = await start(tq, [{ title: 'Pilot', dueDate: '2027-06-30' }]);
      const task = await openTask(h, 'co_endorsement');
      expect(task.dueAt).toBe(endOfDay('2027-03-30', KG_ZONE).toISOString());
      await h.terminate();
    },
    { clock: compressedClock(db.prisma, 60_000, from) },
  );
});
