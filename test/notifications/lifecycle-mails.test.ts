import { DEMO_USERS } from '../../domain/demo';
import { driveProposalToClosed, startProposal } from '../helpers/drive';
import { startWorkflowTestContext, type WorkflowTestContext } from '../helpers/workflow-context';

let ctx: WorkflowTestContext;
beforeAll(async () => {
  ctx = await startWorkflowTestContext('lifecycle-mails');
});
afterAll(async () => {
  await ctx?.stop();
});

const U = DEMO_USERS;
const coKg = [U.coKg.email, U.coKg2.email];

/** Every mail a Challenge Fund happy path sends, by template and recipient. */
function expectedMails(): string[] {
  const m: [string, string][] = [];
  const add = (template: string, ...to: string[]) => to.forEach((t) => m.push([template, t]));
  add('task_assigned', ...coKg); // CO endorsement
  add('task_assigned', U.fundManager.email); // assign reviewers
  add('task_assigned', U.reviewer1.email, U.reviewer2.email); // conflict declarations
  add('task_assigned', U.reviewer1.email, U.reviewer2.email); // scoring
  add('task_assigned', U.fundManager.email); // selection decision
  add('decision_outcome', U.applicant.email); // selected
  add('contract_to_sign', U.applicant.email, ...coKg);
  add('decision_outcome', U.applicant.email); // contract signed
  for (let i = 0; i < 3; i++) {
    add('task_assigned', U.applicant.email); // progress report
    add('task_assigned', ...coKg); // verification
    add('payment_released', U.applicant.email);
  }
  add('task_assigned', U.applicant.email); // final report: a task, not an evaluation
  add('evaluation_requested', ...coKg, U.fundManager.email); // evaluations
  add('decision_outcome', U.applicant.email); // closed
  return m.map(([t, to]) => `${t} → ${to}`).sort();
}

test('a full lifecycle sends exactly the expected mails to the expected people, none twice', async () => {
  await ctx.withWorker(async (taskQueue) => {
    const h = await startProposal(ctx.env.client, taskQueue, 'mails-1');
    await driveProposalToClosed(h);
    expect(await h.result()).toBe('closed');
  });
  const rows = await ctx.db.prisma.outbox.findMany({ where: { workflowId: 'proposal-mails-1' } });
  expect(rows.map((r) => `${r.template} → ${r.toEmail}`).sort()).toEqual(expectedMails());
  expect(rows.every((r) => r.status === 'sent')).toBe(true);
  const received = ctx.smtp.mails.map((m) => `${m.messageId} ${m.to}`);
  expect(new Set(received).size).toBe(received.length);
  expect(received).toHaveLength(expectedMails().length);
  // Subjects name the proposal; links lead to the task or proposal.
  for (const mail of ctx.smtp.mails) {
    expect(mail.subject).toMatch(/Glacial lake early warning|Раннее|Russia-UNDP/);
    expect(mail.text).toMatch(/http:\/\/localhost:3000\/(tasks|proposals)\//);
  }
});
