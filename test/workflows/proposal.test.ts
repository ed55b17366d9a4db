import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createWorker } from '../../worker/create-worker';
import { ensurePendingScans } from '../../worker/document-scans';
import { documentScanWorkflowId } from '../../workflows/document-scan';
import { proposalWorkflow } from '../../workflows/proposal';
import { decideUpdate, stateQuery, withdrawUpdate } from '../../workflows/messages';
import { DEMO_USERS } from '../../domain/demo';
import type { Actor } from '../../domain/roles';
import { actorOf, decide, decideAndSettle, openTask, settledStage, updateFailureType } from '../helpers/lifecycle';
import { compressedClock } from '../helpers/sla';
import { uniqueTaskQueue } from '../helpers/temporal';
import { startWorkflowTestContext, type WorkflowTestContext } from '../helpers/workflow-context';
import { proposalPayload } from '../fixtures/payloads';
import { recordHistory } from '../helpers/histories';
import { testDocuments } from '../api/harness';

let env: TestWorkflowEnvironment;
let db: WorkflowTestContext['db'];
let smtp: WorkflowTestContext['smtp'];
let bundle: WorkflowBundleWithSourceMap;
let counter = 0;

let ctx: WorkflowTestContext;

beforeAll(async () => {
  ctx = await startWorkflowTestContext('proposal');
  ({ env, db, smtp, bundle } = ctx);
  // A call whose ceiling is above the head of office's direct-award limit (40,000): policy exceptions.
  const kg = await db.prisma.call.findUniqueOrThrow({ where: { id: 'call-kg' } });
  await db.prisma.call.create({
    data: {
      ...kg,
      id: 'call-kg-large',
      maxGrantCents: 6_000_000,
      rubric: kg.rubric as object,
      thematicAreaIds: kg.thematicAreaIds as object,
      sdgs: kg.sdgs as object,
      requiredDocumentTypes: kg.requiredDocumentTypes as object,
      reviewerPoolIds: kg.reviewerPoolIds as object,
      progress: undefined,
      createdAt: kg.createdAt,
    },
  });
});

afterAll(async () => {
  await ctx?.stop();
});

const withWorker = <T>(fn: (taskQueue: string) => Promise<T>): Promise<T> => ctx.withWorker(fn);

function start(
  taskQueue: string,
  overrides: Partial<ReturnType<typeof proposalPayload>> = {},
  options: { continueAsNewAfterSteps?: number } = {},
) {
  const id = `p-${Date.now()}-${++counter}`;
  return env.client.workflow.start(proposalWorkflow, {
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
        proposal: proposalPayload(overrides),
        submittedAt: new Date().toISOString(),
        continueAsNewAfterSteps: options.continueAsNewAfterSteps,
      },
    ],
  });
}

test('happy path: intake to closed, with read model and audit trail', async () => {
  await withWorker(async (tq) => {
    const h = await start(tq);
    expect((await decideAndSettle(h, 'co_endorsement', 'coKg', 'endorse')).stage).toBe('selection');
    // Search attributes follow the stage: visibility lists exactly the proposals in selection.
    const query = `Programme='challenge_fund' AND Stage='selection' AND CountryCode='KG' AND WorkflowId='${h.workflowId}'`;
    for (let i = 0; i < 50 && (await env.client.workflow.count(query)).count === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await env.client.workflow.count(query)).count).toBe(1);
    await decide(h, 'assign_reviewers', 'fundManager', 'assign', {
      data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] },
    });
    const scores = { innovation: 80, feasibility_sustainability: 70, social_benefit: 75 };
    for (const r of ['reviewer1', 'reviewer2'] as const) {
      const mine = (t: { assigneeUserId: string | null }) => t.assigneeUserId === DEMO_USERS[r].id;
      await decide(h, 'conflict_declaration', r, 'declare_no_conflict', {
        data: { noConflictDeclared: true },
        match: mine,
      });
      await decide(h, 'review_score', r, 'submit_score', { data: { scores }, match: mine });
    }
    expect((await decide(h, 'selection_decision', 'fundManager', 'select')).stage).toBe('contracting');
    await decide(h, 'contract_signature', 'applicant', 'sign', {
      match: (t) => t.assigneeInstitutionId === DEMO_USERS.applicant.institutionId,
    });
    expect(
      (
        await decideAndSettle(h, 'contract_signature', 'coKg', 'sign', {
          match: (t) => t.assigneeRole === 'co_approver',
        })
      ).stage,
    ).toBe('mission');
    for (let i = 0; i < 3; i++) {
      await decide(h, 'progress_report', 'applicant', 'submit_report', { data: { report: `Milestone ${i + 1} done` } });
      await decide(h, 'report_verification', 'coKg', 'accept');
    }
    await decide(h, 'final_report', 'applicant', 'submit_report', {
      data: { report: 'All done', beneficiariesReached: 5400 },
    });
    const evaluation = { ratings: { relevance: 5, effectiveness: 4 }, narrative: 'Works well', beneficiaries: 5400 };
    await decide(h, 'evaluation', 'coKg', 'submit_evaluation', {
      data: evaluation,
      match: (t) => t.assigneeRole === 'co_approver',
    });
    const last = await decide(h, 'evaluation', 'fundManager', 'submit_evaluation', {
      data: evaluation,
      match: (t) => t.assigneeRole === 'fund_manager',
    });
    expect(last.stage).toBe('closed');
    expect(await h.result()).toBe('closed');
    await recordHistory(h, 'proposal-happy-path');

    const id = h.workflowId.replace('proposal-', '');
    const row = await db.prisma.proposal.findUniqueOrThrow({ where: { id } });
    expect(row.stage).toBe('closed');
    expect(row.weightedScore).toBeCloseTo(74.75, 1);
    expect(await db.prisma.task.count({ where: { workflowId: h.workflowId, status: 'open' } })).toBe(0);
    const payments = await db.prisma.payment.findMany({ where: { subjectId: id }, orderBy: { id: 'asc' } });
    expect(payments.map((p) => p.amountCents)).toEqual([1_200_000, 1_200_000, 600_000]);
    expect(await db.prisma.contract.findUniqueOrThrow({ where: { workflowId: h.workflowId } })).toMatchObject({
      status: 'signed',
    });
    expect(await db.prisma.evaluation.count({ where: { subjectId: id } })).toBe(2);
    const stages = (
      await db.prisma.auditEvent.findMany({ where: { subjectId: id, toStage: { not: null } }, orderBy: { id: 'asc' } })
    )
      .filter((a) => a.fromStage !== a.toStage)
      .map((a) => a.toStage);
    expect(stages).toEqual([
      'intake',
      'co_endorsement',
      'alignment_check',
      'selection',
      'contracting',
      'mission',
      'evaluation',
      'closed',
    ]);
    const view = await h.query(stateQuery);
    expect(view.history.filter((e) => e.action === 'decision')).toHaveLength(18);
  });
});

const REVIEWERS = [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id];
const GOOD_SCORES = { innovation: 80, feasibility_sustainability: 70, social_benefit: 75 };
const LOW_SCORES = { innovation: 30, feasibility_sustainability: 40, social_benefit: 35 };
const byUser = (id: string) => (t: { assigneeUserId: string | null }) => t.assigneeUserId === id;

async function throughScoring(h: Awaited<ReturnType<typeof start>>, scores = GOOD_SCORES) {
  await decide(h, 'co_endorsement', 'coKg', 'endorse');
  await decide(h, 'assign_reviewers', 'fundManager', 'assign', { data: { reviewerIds: REVIEWERS } });
  await scoreAs(h, 'reviewer1', scores);
  await scoreAs(h, 'reviewer2', scores);
}

async function scoreAs(
  h: Awaited<ReturnType<typeof start>>,
  who: 'reviewer1' | 'reviewer2' | Actor,
  scores: Record<string, number>,
) {
  const id = typeof who === 'string' ? DEMO_USERS[who].id : who.userId;
  await decide(h, 'conflict_declaration', who, 'declare_no_conflict', {
    data: { noConflictDeclared: true },
    match: byUser(id),
  });
  await decide(h, 'review_score', who, 'submit_score', { data: { scores }, match: byUser(id) });
}

async function throughContracting(h: Awaited<ReturnType<typeof start>>) {
  await decide(h, 'contract_signature', 'applicant', 'sign', {
    match: (t) => t.assigneeInstitutionId === DEMO_USERS.applicant.institutionId,
  });
  return decideAndSettle(h, 'contract_signature', 'coKg', 'sign', { match: (t) => t.assigneeRole === 'co_approver' });
}

const proposalRow = (h: { workflowId: string }) =>
  db.prisma.proposal.findUniqueOrThrow({ where: { workflowId: h.workflowId } });

describe('branches', () => {
  test('ineligible at intake: rejected with the findings, applicant told', async () => {
    await withWorker(async (tq) => {
      const h = await start(tq, { requestedAmountUsd: 50_000, coFinancingUsd: 20_000 });
      expect(await h.result()).toBe('rejected');
      const row = await proposalRow(h);
      expect(row.outcome).toBe('ineligible');
      const findings = row.findings as { findings: { rule: string; outcome: string }[] };
      expect(findings.findings.find((f) => f.rule === 'amount_within_call_limits')?.outcome).toBe('fail');
      expect(
        await db.prisma.outbox.count({
          where: { workflowId: h.workflowId, template: 'decision_outcome', recipientId: DEMO_USERS.applicant.id },
        }),
      ).toBe(1);
    });
  });

  test('CO rejects: rejected, comment required', async () => {
    await withWorker(async (tq) => {
      const h = await start(tq);
      await expect(decide(h, 'co_endorsement', 'coKg', 'reject')).rejects.toThrow(/comment/);
      expect((await decide(h, 'co_endorsement', 'coKg', 'reject', { comment: 'Not a national priority' })).stage).toBe(
        'rejected',
      );
      expect(await h.result()).toBe('rejected');
      await recordHistory(h, 'proposal-co-rejected');
    });
  });

  test('request changes, resubmit (validated again), endorsed', async () => {
    await withWorker(async (tq) => {
      const h = await start(tq);
      const r = await decide(h, 'co_endorsement', 'coKg', 'request_changes', {
        comment: 'Add the ministry letter number',
      });
      expect(r.stage).toBe('co_endorsement');
      await expect(decide(h, 'revise', 'applicant', 'resubmit', { data: { requestedAmountUsd: -5 } })).rejects.toThrow(
        /requestedAmountUsd/,
      );
      await decide(h, 'revise', 'applicant', 'resubmit', { data: { title: 'Early warning v2' } });
      expect((await decideAndSettle(h, 'co_endorsement', 'coKg', 'endorse')).stage).toBe('selection');
      expect((await proposalRow(h)).title).toBe('Early warning v2');
      await h.terminate();
    });
  });

  test('not aligned with the Cooperation Framework: rejected', async () => {
    await withWorker(async (tq) => {
      const h = await start(tq, { sdgs: [7], thematicAreaId: 'sustainable-energy' });
      // The endorsement answers once it is recorded (the next stage entered); the alignment check runs after.
      expect((await decide(h, 'co_endorsement', 'coKg', 'endorse')).stage).toBe('alignment_check');
      expect(await settledStage(h)).toBe('rejected');
      expect((await proposalRow(h)).outcome).toBe('not_aligned');
    });
  });

  test('needs review, confirmed by the fund manager', async () => {
    await withWorker(async (tq) => {
      const h = await start(tq, { sdgs: [7], thematicAreaId: 'climate-adaptation' });
      expect((await decide(h, 'co_endorsement', 'coKg', 'endorse')).stage).toBe('alignment_check');
      await expect(decide(h, 'alignment_review', 'fundManager', 'confirm_aligned')).rejects.toThrow(/comment/);
      expect(
        (
          await decideAndSettle(h, 'alignment_review', 'fundManager', 'confirm_aligned', {
            comment: 'SDG 7 supports adaptation here',
          })
        ).stage,
      ).toBe('selection');
      await h.terminate();
    });
  });

  test('reviewers: same institution refused; conflict declared, replacement scores', async () => {
    await withWorker(async (tq) => {
      const h = await start(tq);
      await decide(h, 'co_endorsement', 'coKg', 'endorse');
      // reviewer3 belongs to the applicant's institution (Tomsk Polytechnic).
      await expect(
        decide(h, 'assign_reviewers', 'fundManager', 'assign', {
          data: { reviewerIds: [REVIEWERS[0], DEMO_USERS.reviewer3.id] },
        }),
      ).rejects.toThrow(/applicant's institution/);
      await expect(
        decide(h, 'assign_reviewers', 'fundManager', 'assign', { data: { reviewerIds: [REVIEWERS[0]] } }),
      ).rejects.toThrow(/at least 2/);
      await decide(h, 'assign_reviewers', 'fundManager', 'assign', { data: { reviewerIds: REVIEWERS } });
      await decide(h, 'conflict_declaration', 'reviewer1', 'declare_conflict', {
        data: { reason: 'Co-author of the applicant' },
        match: byUser(REVIEWERS[0]),
      });
      await expect(
        decide(h, 'assign_reviewers', 'fundManager', 'assign', { data: { reviewerIds: [REVIEWERS[1]] } }),
      ).rejects.toThrow(/already assigned/);
      await db.prisma.user.upsert({
        where: { id: 'u-reviewer-x' },
        update: {},
        create: {
          id: 'u-reviewer-x',
          email: 'reviewer.x@example.org',
          name: 'Reviewer X',
          role: 'reviewer',
          institutionId: 'inst-msu',
        },
      });
      await decide(h, 'assign_reviewers', 'fundManager', 'assign', { data: { reviewerIds: ['u-reviewer-x'] } });
      const reviewerX = { userId: 'u-reviewer-x', role: 'reviewer' as const };
      await scoreAs(h, reviewerX, GOOD_SCORES);
      await scoreAs(h, 'reviewer2', GOOD_SCORES);
      await openTask(h, 'selection_decision');
      const reviews = await db.prisma.review.findMany({
        where: { workflowId: h.workflowId },
        orderBy: { reviewerId: 'asc' },
      });
      expect(reviews.map((r) => [r.reviewerId, r.coi])).toEqual([
        ['u-reviewer-1', 'conflict'],
        ['u-reviewer-2', 'none'],
        ['u-reviewer-x', 'none'],
      ]);
      await h.terminate();
    });
  });

  test('below the pass mark: selecting needs a justification', async () => {
    await withWorker(async (tq) => {
      const h = await start(tq);
      await throughScoring(h, LOW_SCORES);
      const t = await openTask(h, 'selection_decision');
      expect(t).toBeDefined();
      await expect(decide(h, 'selection_decision', 'fundManager', 'select')).rejects.toThrow(/pass mark/);
      expect(
        (
          await decide(h, 'selection_decision', 'fundManager', 'select', {
            data: { justification: 'Only proposal for a priority district' },
          })
        ).stage,
      ).toBe('contracting');
      expect((await proposalRow(h)).passMarkMet).toBe(false);
      await h.terminate();
    });
  });

  test('waitlist, then selected later', async () => {
    await withWorker(async (tq) => {
      const h = await start(tq);
      await throughScoring(h);
      expect((await decide(h, 'selection_decision', 'fundManager', 'waitlist')).stage).toBe('selection');
      expect((await decide(h, 'waitlist_review', 'fundManager', 'select')).stage).toBe('contracting');
      await h.terminate();
    });
  });

  test('policy exception approved, then rejected on another proposal', async () => {
    await withWorker(async (tq) => {
      const approved = await start(tq, { callId: 'call-kg-large', requestedAmountUsd: 45_000, coFinancingUsd: 12_000 });
      await throughScoring(approved);
      expect((await decide(approved, 'selection_decision', 'fundManager', 'select')).stage).toBe('contracting');
      await expect(decide(approved, 'policy_exception', 'fundManager', 'approve')).rejects.toThrow(/justification/);
      await decide(approved, 'policy_exception', 'fundManager', 'approve', {
        data: { justification: 'Regional Bureau Director approval of 3 Nov' },
      });
      expect((await throughContracting(approved)).stage).toBe('mission');
      expect(
        (await db.prisma.contract.findUniqueOrThrow({ where: { workflowId: approved.workflowId } })).exceptionNote,
      ).toMatch(/Bureau/);
      await approved.terminate();

      const refused = await start(tq, { callId: 'call-kg-large', requestedAmountUsd: 45_000, coFinancingUsd: 12_000 });
      await throughScoring(refused);
      await decide(refused, 'selection_decision', 'fundManager', 'select');
      expect(
        (await decide(refused, 'policy_exception', 'fundManager', 'reject', { comment: 'No approval' })).stage,
      ).toBe('rejected');
    });
  });

  test('signature declined: cancelled, the other signature task cancelled', async () => {
    await withWorker(async (tq) => {
      const h = await start(tq);
      await throughScoring(h);
      await decide(h, 'selection_decision', 'fundManager', 'select');
      expect(
        (
          await decide(h, 'contract_signature', 'coKg', 'decline', {
            comment: 'Budget withdrawn',
            match: (t) => t.assigneeRole === 'co_approver',
          })
        ).stage,
      ).toBe('cancelled');
      expect(await h.result()).toBe('cancelled');
      await recordHistory(h, 'proposal-signature-declined');
      const tasks = await db.prisma.task.findMany({ where: { workflowId: h.workflowId, kind: 'contract_signature' } });
      expect(tasks.map((t) => t.status).sort()).toEqual(['cancelled', 'done']);
      expect((await db.prisma.contract.findUniqueOrThrow({ where: { workflowId: h.workflowId } })).status).toBe(
        'declined',
      );
    });
  });

  test('report revision loop, payment only after acceptance', async () => {
    await withWorker(async (tq) => {
      const h = await start(tq);
      await throughScoring(h);
      await decide(h, 'selection_decision', 'fundManager', 'select');
      await throughContracting(h);
      await decide(h, 'progress_report', 'applicant', 'submit_report', { data: { report: 'Draft' } });
      await decide(h, 'report_verification', 'coKg', 'request_revision', { comment: 'Photos missing' });
      expect(await db.prisma.payment.count({ where: { workflowId: h.workflowId } })).toBe(0);
      await decide(h, 'progress_report', 'applicant', 'submit_report', { data: { report: 'With photos' } });
      await decide(h, 'report_verification', 'coKg', 'accept');
      expect(await db.prisma.payment.count({ where: { workflowId: h.workflowId } })).toBe(1);
      await h.terminate();
    });
  });

  test('withdraw at intake/endorsement, at selection and at contracting; not by others', async () => {
    await withWorker(async (tq) => {
      const early = await start(tq);
      await openTask(early, 'co_endorsement');
      await expect(early.executeUpdate(withdrawUpdate, { args: [{ actor: actorOf('applicant2') }] })).rejects.toThrow();
      expect(
        (
          await early.executeUpdate(withdrawUpdate, {
            args: [{ actor: actorOf('applicant'), reason: 'Partner changed' }],
          })
        ).stage,
      ).toBe('withdrawn');
      expect(await early.result()).toBe('withdrawn');
      await recordHistory(early, 'proposal-withdrawn');
      expect(await db.prisma.task.count({ where: { workflowId: early.workflowId, status: 'open' } })).toBe(0);

      const mid = await start(tq);
      await decide(mid, 'co_endorsement', 'coKg', 'endorse');
      await decide(mid, 'assign_reviewers', 'fundManager', 'assign', { data: { reviewerIds: REVIEWERS } });
      expect((await mid.executeUpdate(withdrawUpdate, { args: [{ actor: actorOf('applicant') }] })).stage).toBe(
        'withdrawn',
      );
      expect((await proposalRow(mid)).stage).toBe('withdrawn');

      const late = await start(tq);
      await throughScoring(late);
      await decide(late, 'selection_decision', 'fundManager', 'select');
      await openTask(late, 'contract_signature');
      expect((await late.executeUpdate(withdrawUpdate, { args: [{ actor: actorOf('applicant') }] })).stage).toBe(
        'withdrawn',
      );
    });
  });
});

describe('validators', () => {
  test('wrong user, wrong role, done task, invalid scores, concurrent double decision', async () => {
    await withWorker(async (tq) => {
      const h = await start(tq);
      const endorsement = await openTask(h, 'co_endorsement');
      const call = (who: Parameters<typeof actorOf>[0], decision = 'endorse', data?: Record<string, unknown>) =>
        h.executeUpdate(decideUpdate, { args: [{ taskId: endorsement.id, actor: actorOf(who), decision, data }] });
      expect(await updateFailureType(call('coTj'))).toBe('Forbidden'); // CO of another country
      expect(await updateFailureType(call('fundManager'))).toBe('Forbidden'); // wrong role
      expect(await updateFailureType(call('coKg', 'approve'))).toBe('InvalidDecision');
      // Two CO approvers of Kyrgyzstan decide at once: exactly one wins, the other gets TaskNotOpen.
      const outcomes = await Promise.allSettled([call('coKg'), call('coKg2')]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const loser = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(await updateFailureType(Promise.reject(loser.reason))).toBe('TaskNotOpen');
      expect(await updateFailureType(call('coKg'))).toBe('TaskNotOpen'); // already done
      expect(await db.prisma.auditEvent.count({ where: { workflowId: h.workflowId, action: 'decision' } })).toBe(1);

      await decide(h, 'assign_reviewers', 'fundManager', 'assign', { data: { reviewerIds: REVIEWERS } });
      await decide(h, 'conflict_declaration', 'reviewer1', 'declare_no_conflict', {
        data: { noConflictDeclared: true },
        match: byUser(REVIEWERS[0]),
      });
      const bad = [
        { innovation: 120, feasibility_sustainability: 70, social_benefit: 75 },
        { innovation: 80 },
        { ...GOOD_SCORES, charm: 10 },
      ];
      for (const scores of bad) {
        const task = await openTask(h, 'review_score', byUser(REVIEWERS[0]));
        const type = await updateFailureType(
          h.executeUpdate(decideUpdate, {
            args: [
              {
                taskId: task.id,
                actor: actorOf('reviewer1'),
                decision: 'submit_score',
                data: { scores, noConflictDeclared: true },
              },
            ],
          }),
        );
        expect(type).toBe('InvalidDecision');
      }
      const task = await openTask(h, 'review_score', byUser(REVIEWERS[0]));
      expect(
        await updateFailureType(
          h.executeUpdate(decideUpdate, {
            args: [
              {
                taskId: task.id,
                actor: actorOf('reviewer2'),
                decision: 'submit_score',
                data: { scores: GOOD_SCORES, noConflictDeclared: true },
              },
            ],
          }),
        ),
      ).toBe('Forbidden');
      expect(
        await updateFailureType(
          h.executeUpdate(decideUpdate, {
            args: [{ taskId: 'nope', actor: actorOf('reviewer1'), decision: 'submit_score' }],
          }),
        ),
      ).toBe('TaskNotFound');
      await h.terminate();
    });
  });
});

describe('SLA', () => {
  test('reminder then escalation, nothing decided by the timer', async () => {
    // A day lasts 0.3 s: the endorsement's 10 working days pass in about 4 s.
    await ctx.withWorker(
      async (tq) => {
        const h = await start(tq);
        const task = await openTask(h, 'co_endorsement');
        // The workflow shows the task before its step is committed to the read model: wait for its row.
        const deadline = Date.now() + 15_000;
        let row = await db.prisma.task.findUnique({ where: { id: task.id } });
        while (!row?.overdue && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          row = await db.prisma.task.findUnique({ where: { id: task.id } });
        }
        if (!row) throw new Error(`task ${task.id} never reached the read model`);
        expect(row.remindedAt).not.toBeNull();
        expect(row.overdue).toBe(true);
        expect(row.status).toBe('open');
        const view = await h.query(stateQuery);
        expect(view.stage).toBe('co_endorsement');
        expect(view.openTasks.map((t) => [t.kind, t.overdue])).toEqual([['co_endorsement', true]]);
        const templates = (await db.prisma.outbox.findMany({ where: { workflowId: h.workflowId } })).map(
          (o) => o.template,
        );
        expect(templates).toEqual(expect.arrayContaining(['reminder', 'overdue_escalation']));
        const actions = (await db.prisma.auditEvent.findMany({ where: { workflowId: h.workflowId } })).map(
          (a) => a.action,
        );
        expect(actions.filter((a) => a === 'task_reminder')).toHaveLength(1);
        expect(actions.filter((a) => a === 'task_overdue')).toHaveLength(1);
        // Still decidable after the deadline.
        expect((await decideAndSettle(h, 'co_endorsement', 'coKg', 'endorse')).stage).toBe('selection');
        await h.terminate();
      },
      { clock: compressedClock(db.prisma, 300) },
    );
  });
});

describe('durability', () => {
  test('a worker restarted mid-lifecycle resumes without duplicating tasks or audit events', async () => {
    const taskQueue = uniqueTaskQueue('restart');
    const deps = ctx.deps;
    const first = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace,
      taskQueue,
      workflowBundle: bundle,
      deps,
      tuning: { maxCachedWorkflows: 0 },
    });
    const h = await first.runUntil(async () => {
      const handle = await start(taskQueue);
      await throughScoring(handle);
      return handle;
    });
    const second = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace,
      taskQueue,
      workflowBundle: bundle,
      deps,
    });
    await second.runUntil(async () => {
      await decide(h, 'selection_decision', 'fundManager', 'select');
      expect((await throughContracting(h)).stage).toBe('mission');
      await h.terminate();
    });
    const tasks = await db.prisma.task.findMany({ where: { workflowId: h.workflowId } });
    expect(new Set(tasks.map((t) => t.id)).size).toBe(tasks.length);
    const view = await h.query(stateQuery).catch(() => null);
    void view;
    const audit = await db.prisma.auditEvent.findMany({ where: { workflowId: h.workflowId } });
    expect(audit.filter((a) => a.action === 'decision')).toHaveLength(9);
    expect(tasks.filter((t) => t.kind === 'review_score')).toHaveLength(2);
  });

  test('scans of the agreement started first by a restarted worker: the proposal joins them and goes on', async () => {
    const taskQueue = uniqueTaskQueue('scan-race');
    // No clamd here: the generated agreement stays pending, as it does on a stack whose worker was just replaced.
    const deps = {
      ...ctx.deps,
      documents: testDocuments({ scanner: { mode: 'clamd', address: '127.0.0.1:1', timeoutMs: 1000 } }),
    };
    const activities = createActivities(deps);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace,
      taskQueue,
      workflowBundle: bundle,
      activities: {
        ...activities,
        // Between the generation and the workflow's own start of the scans, a worker starting up starts
        // the scans of every pending document: the workflow's start then finds them running.
        async generateAgreement(input: Parameters<typeof activities.generateAgreement>[0]) {
          const out = await activities.generateAgreement(input);
          await ensurePendingScans(env.client, db.prisma, taskQueue);
          return out;
        },
      },
    });
    await worker.runUntil(async () => {
      const h = await start(taskQueue);
      await throughScoring(h);
      await decide(h, 'selection_decision', 'fundManager', 'select');
      expect((await throughContracting(h)).stage).toBe('mission');
      const generated = await db.prisma.document.findMany({
        where: { subjectId: h.workflowId.replace(/^proposal-/, ''), documentType: 'grant_agreement', version: 1 },
      });
      expect(generated.map((d) => d.scanState)).toEqual(['pending', 'pending']);
      for (const d of generated) {
        const scan = env.client.workflow.getHandle(documentScanWorkflowId(d.id));
        expect((await scan.describe()).status.name).toBe('RUNNING');
        await scan.terminate('no clamd in this test');
      }
      await h.terminate();
    });
  });

  test('continue-as-new keeps state: a lifecycle split over several runs still closes', async () => {
    await withWorker(async (tq) => {
      const h = await start(tq, {}, { continueAsNewAfterSteps: 20 });
      await throughScoring(h);
      await decide(h, 'selection_decision', 'fundManager', 'select');
      await throughContracting(h);
      for (let i = 0; i < 3; i++) {
        await decide(h, 'progress_report', 'applicant', 'submit_report', { data: { report: `M${i + 1}` } });
        await decide(h, 'report_verification', 'coKg', 'accept');
      }
      await decide(h, 'final_report', 'applicant', 'submit_report', { data: { report: 'Final' } });
      const evaluation = { ratings: { relevance: 4 }, narrative: 'Good' };
      await decide(h, 'evaluation', 'coKg', 'submit_evaluation', {
        data: evaluation,
        match: (t) => t.assigneeRole === 'co_approver',
      });
      await decide(h, 'evaluation', 'fundManager', 'submit_evaluation', {
        data: evaluation,
        match: (t) => t.assigneeRole === 'fund_manager',
      });
      expect(await env.client.workflow.getHandle(h.workflowId).result()).toBe('closed');
      const runs = [];
      for await (const w of env.client.workflow.list({ query: `WorkflowId = '${h.workflowId}'` })) runs.push(w.runId);
      expect(runs.length).toBeGreaterThan(1);
      expect(await db.prisma.payment.count({ where: { workflowId: h.workflowId } })).toBe(3);
    });
  });
});
