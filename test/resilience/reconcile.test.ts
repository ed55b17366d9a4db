import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { reconcileReadModel } from '../../scripts/reconcile-read-model';
import { DEMO_USERS } from '../../domain/demo';
import { logger } from '../../lib/logger';
import { seedDatabase } from '../../prisma/seed';
import { createWorker } from '../../worker/create-worker';
import { proposalWorkflow } from '../../workflows/proposal';
import { proposalPayload } from '../fixtures/payloads';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { decideAndSettle, openTask } from '../helpers/lifecycle';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { startTestTemporal, testWorkflowBundle, uniqueTaskQueue } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let db: TestDatabase;
let smtp: TestSmtp;

beforeAll(async () => {
  [env, db, smtp] = await Promise.all([startTestTemporal(), createTestDatabase('reconcile'), startTestSmtp()]);
  await seedDatabase(db.prisma);
});
afterAll(async () => {
  await env?.teardown();
  await smtp?.stop();
  await db?.close();
});

test('reconcile repairs a corrupted stage, a deleted task and a task closed behind the workflow', async () => {
  const taskQueue = uniqueTaskQueue('reconcile');
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue,
    workflowBundle: await testWorkflowBundle(),
    deps: { prisma: db.prisma, mailer: smtp.mailer, logger, baseUrl: 'http://localhost:3000' },
  });
  await worker.runUntil(async () => {
    const start = (id: string) =>
      env.client.workflow.start(proposalWorkflow, {
        taskQueue,
        workflowId: `proposal-${id}`,
        args: [
          {
            proposalId: id,
            applicant: { userId: DEMO_USERS.applicant.id, institutionId: 'inst-tpu', institutionName: 'TPU' },
            proposal: proposalPayload(),
            submittedAt: new Date().toISOString(),
          },
        ],
      });
    const a = await start('rc-a');
    const b = await start('rc-b');
    // The decision answers once recorded; settle until the alignment check has run and its steps are applied.
    await decideAndSettle(a, 'co_endorsement', 'coKg', 'endorse');
    const bTask = await openTask(b, 'co_endorsement');
    const aTask = await openTask(a, 'assign_reviewers');

    expect((await reconcileReadModel(db.prisma, env.client)).changes).toEqual([]);

    // Drift: wrong stage, a lost task row, an open task marked done without a decision.
    await db.prisma.proposal.update({ where: { id: 'rc-a' }, data: { stage: 'contracting' } });
    await db.prisma.task.delete({ where: { id: aTask.id } });
    await db.prisma.task.update({ where: { id: bTask.id }, data: { status: 'done', decision: 'endorse' } });

    const report = await reconcileReadModel(db.prisma, env.client);
    expect(report.checked).toBe(2);
    expect(report.changes.map((c) => c.what).sort()).toEqual(
      [
        'stage contracting → selection',
        `task ${aTask.id} recreated (open)`,
        `task ${bTask.id} reopened / reassigned as in the workflow`,
      ].sort(),
    );
    expect((await db.prisma.proposal.findUniqueOrThrow({ where: { id: 'rc-a' } })).stage).toBe('selection');
    expect((await db.prisma.task.findUniqueOrThrow({ where: { id: bTask.id } })).status).toBe('open');
    expect((await reconcileReadModel(db.prisma, env.client)).changes).toEqual([]);
    // The repaired task is decidable as usual.
    expect((await decideAndSettle(b, 'co_endorsement', 'coKg', 'endorse')).stage).toBe('selection');
    await a.terminate();
    await b.terminate();
  });
});
