import { DEMO_USERS } from '../../domain/demo';
import { dailyDigestWorkflow } from '../../workflows/digest';
import { DAILY_DIGEST_SCHEDULE_ID, ensureDigestSchedule } from '../../worker/schedules';
import { startWorkflowTestContext, type WorkflowTestContext } from '../helpers/workflow-context';

let ctx: WorkflowTestContext;
beforeAll(async () => {
  ctx = await startWorkflowTestContext('digest-schedule');
});
afterAll(async () => {
  await ctx?.stop();
});

test('the daily digest schedule is created once and its workflow mails the digest once a day', async () => {
  expect(await ensureDigestSchedule(ctx.env.client, 'digest-q')).toBe('created');
  expect(await ensureDigestSchedule(ctx.env.client, 'digest-q')).toBe('exists');
  const description = await ctx.env.client.schedule.getHandle(DAILY_DIGEST_SCHEDULE_ID).describe();
  expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'dailyDigestWorkflow' });

  const fm = DEMO_USERS.fundManager;
  await ctx.db.prisma.user.update({ where: { id: fm.id }, data: { dailyDigest: true } });
  await ctx.db.prisma.task.create({
    data: {
      id: 'overdue-1',
      workflowId: 'proposal-x',
      programme: 'challenge_fund',
      subjectType: 'proposal',
      subjectId: 'x',
      kind: 'co_endorsement',
      stage: 'co_endorsement',
      status: 'open',
      assigneeRole: 'co_approver',
      assigneeCountryCode: 'KG',
      countryCode: 'KG',
      title: 'Endorse: overdue proposal',
      dueAt: new Date(Date.now() - 86_400_000),
      overdue: true,
    },
  });
  await ctx.withWorker(async (taskQueue) => {
    const first = await ctx.env.client.workflow.execute(dailyDigestWorkflow, { taskQueue, workflowId: 'digest-run-1' });
    const second = await ctx.env.client.workflow.execute(dailyDigestWorkflow, {
      taskQueue,
      workflowId: 'digest-run-2',
    });
    expect([first.sent, second.sent]).toEqual([1, 0]);
  });
  const mails = ctx.smtp.mails.filter((m) => m.to === fm.email);
  expect(mails).toHaveLength(1);
  expect(mails[0].text).toMatch(/overdue proposal/);
});
