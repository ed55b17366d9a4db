import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { logger } from '../../lib/logger';
import { seedDatabase } from '../../prisma/seed';
import { createWorker } from '../../worker/create-worker';
import { proposalWorkflow } from '../../workflows/proposal';
import { stateQuery } from '../../workflows/messages';
import { DEMO_USERS } from '../../domain/demo';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { decide, openTask } from '../helpers/lifecycle';
import { quietSla } from '../helpers/sla';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { startTestTemporal, testWorkflowBundle, uniqueTaskQueue } from '../helpers/temporal';
import { proposalPayload } from '../fixtures/payloads';

let env: TestWorkflowEnvironment;
let db: TestDatabase;
let smtp: TestSmtp;
let bundle: WorkflowBundleWithSourceMap;
let counter = 0;

beforeAll(async () => {
  [env, db, smtp, bundle] = await Promise.all([startTestTemporal(), createTestDatabase('proposal'), startTestSmtp(), testWorkflowBundle()]);
  await seedDatabase(db.prisma);
});

afterAll(async () => {
  await env?.teardown();
  await smtp?.stop();
  await db?.close();
});

async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueTaskQueue('proposal');
  const worker = await createWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    deps: { prisma: db.prisma, mailer: smtp.mailer, logger, baseUrl: 'http://localhost:3000' },
  });
  return worker.runUntil(fn(taskQueue));
}

function start(taskQueue: string, overrides = {}) {
  const id = `p-${Date.now()}-${++counter}`;
  return env.client.workflow.start(proposalWorkflow, {
    taskQueue,
    workflowId: `proposal-${id}`,
    args: [{
      proposalId: id,
      applicant: { userId: DEMO_USERS.applicant.id, institutionId: 'inst-tpu', institutionName: 'Tomsk Polytechnic University' },
      proposal: proposalPayload(overrides),
      submittedAt: new Date().toISOString(),
      sla: quietSla(),
    }],
  });
}

test('happy path: intake to closed, with read model and audit trail', async () => {
  await withWorker(async (tq) => {
    const h = await start(tq);
    expect((await decide(h, 'co_endorsement', 'coKg', 'endorse')).stage).toBe('selection');
    await decide(h, 'assign_reviewers', 'fundManager', 'assign', { data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] } });
    const scores = { innovation: 80, feasibility_sustainability: 70, social_benefit: 75 };
    await decide(h, 'review_score', 'reviewer1', 'submit_score', { data: { scores, noConflictDeclared: true }, match: (t) => t.assigneeUserId === DEMO_USERS.reviewer1.id });
    await decide(h, 'review_score', 'reviewer2', 'submit_score', { data: { scores, noConflictDeclared: true }, match: (t) => t.assigneeUserId === DEMO_USERS.reviewer2.id });
    expect((await decide(h, 'selection_decision', 'fundManager', 'select')).stage).toBe('contracting');
    await decide(h, 'contract_signature', 'applicant', 'sign', { match: (t) => t.assigneeUserId === DEMO_USERS.applicant.id });
    expect((await decide(h, 'contract_signature', 'coKg', 'sign', { match: (t) => t.assigneeRole === 'co_approver' })).stage).toBe('mission');
    for (let i = 0; i < 3; i++) {
      await decide(h, 'progress_report', 'applicant', 'submit_report', { data: { report: `Milestone ${i + 1} done` } });
      await decide(h, 'report_verification', 'coKg', 'accept');
    }
    await decide(h, 'final_report', 'applicant', 'submit_report', { data: { report: 'All done', beneficiariesReached: 5400 } });
    const evaluation = { ratings: { relevance: 5, effectiveness: 4 }, narrative: 'Works well', beneficiaries: 5400 };
    await decide(h, 'evaluation', 'coKg', 'submit_evaluation', { data: evaluation, match: (t) => t.assigneeRole === 'co_approver' });
    const last = await decide(h, 'evaluation', 'fundManager', 'submit_evaluation', { data: evaluation, match: (t) => t.assigneeRole === 'fund_manager' });
    expect(last.stage).toBe('closed');
    expect(await h.result()).toBe('closed');

    const id = h.workflowId.replace('proposal-', '');
    const row = await db.prisma.proposal.findUniqueOrThrow({ where: { id } });
    expect(row.stage).toBe('closed');
    expect(row.weightedScore).toBeCloseTo(74.75, 1);
    expect(await db.prisma.task.count({ where: { workflowId: h.workflowId, status: 'open' } })).toBe(0);
    const payments = await db.prisma.payment.findMany({ where: { subjectId: id }, orderBy: { id: 'asc' } });
    expect(payments.map((p) => p.amountCents)).toEqual([1_200_000, 1_200_000, 600_000]);
    expect(await db.prisma.contract.findUniqueOrThrow({ where: { workflowId: h.workflowId } })).toMatchObject({ status: 'signed' });
    expect(await db.prisma.evaluation.count({ where: { subjectId: id } })).toBe(2);
    const stages = (await db.prisma.auditEvent.findMany({ where: { subjectId: id, toStage: { not: null } }, orderBy: { id: 'asc' } }))
      .filter((a) => a.fromStage !== a.toStage).map((a) => a.toStage);
    expect(stages).toEqual(['intake', 'co_endorsement', 'alignment_check', 'selection', 'contracting', 'mission', 'evaluation', 'closed']);
    const view = await h.query(stateQuery);
    expect(view.history.filter((e) => e.action === 'decision')).toHaveLength(16);
  });
});
