import { DEMO_USERS } from '../../domain/demo';
import { expertRequestWorkflow } from '../../workflows/expert-request';
import { cancelUpdate, FAILURE, withdrawUpdate } from '../../workflows/messages';
import { proposalWorkflow } from '../../workflows/proposal';
import { expertRequestPayload, proposalPayload } from '../fixtures/payloads';
import { recordHistory } from '../helpers/histories';
import { actorOf, decide, openTask, updateFailureType } from '../helpers/lifecycle';
import { eventually } from '../helpers/wait';
import { startWorkflowTestContext, type WorkflowTestContext } from '../helpers/workflow-context';

/**
 * The fund manager's cancellation (the `cancel` Update) at different stages of both programmes,
 * and the request for changes that opens a subject's thread; histories recorded for replay.
 */
let ctx: WorkflowTestContext;
let counter = 0;

beforeAll(async () => {
  ctx = await startWorkflowTestContext('cancellation');
});

afterAll(async () => {
  await ctx?.stop();
});

function startProposal(taskQueue: string) {
  const id = `p-cancel-${Date.now()}-${++counter}`;
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
        proposal: proposalPayload(),
        submittedAt: new Date().toISOString(),
      },
    ],
  });
}

const REVIEWERS = [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id];
const SCORES = { innovation: 80, feasibility_sustainability: 70, social_benefit: 75 };

test('a proposal in implementation is cancelled: its report task closes, the applicant and the Country Office are told', async () => {
  await ctx.withWorker(async (tq) => {
    const h = await startProposal(tq);
    await decide(h, 'co_endorsement', 'coKg', 'endorse');
    await decide(h, 'assign_reviewers', 'fundManager', 'assign', { data: { reviewerIds: REVIEWERS } });
    for (const r of ['reviewer1', 'reviewer2'] as const) {
      const mine = (t: { assigneeUserId: string | null }) => t.assigneeUserId === DEMO_USERS[r].id;
      await decide(h, 'conflict_declaration', r, 'declare_no_conflict', {
        data: { noConflictDeclared: true },
        match: mine,
      });
      await decide(h, 'review_score', r, 'submit_score', { data: { scores: SCORES }, match: mine });
    }
    await decide(h, 'selection_decision', 'fundManager', 'select');
    await decide(h, 'contract_signature', 'applicant', 'sign', {
      match: (t) => t.assigneeInstitutionId === DEMO_USERS.applicant.institutionId,
    });
    await decide(h, 'contract_signature', 'coKg', 'sign', { match: (t) => t.assigneeRole === 'co_approver' });
    const report = await openTask(h, 'progress_report');

    // The applicant can no longer withdraw; only a fund manager cancels, and only with a reason.
    expect(await updateFailureType(h.executeUpdate(withdrawUpdate, { args: [{ actor: actorOf('applicant') }] }))).toBe(
      FAILURE.notAllowedNow,
    );
    expect(
      await updateFailureType(
        h.executeUpdate(cancelUpdate, { args: [{ actor: actorOf('coKg'), reason: 'Not ours to cancel' }] }),
      ),
    ).toBe(FAILURE.forbidden);
    expect(
      await updateFailureType(
        h.executeUpdate(cancelUpdate, { args: [{ actor: actorOf('fundManager'), reason: ' ' }] }),
      ),
    ).toBe(FAILURE.invalidDecision);

    const reason = 'The grantee closed its laboratory; the remaining tranches are not paid.';
    const done = await h.executeUpdate(cancelUpdate, { args: [{ actor: actorOf('fundManager'), reason }] });
    expect(done.stage).toBe('cancelled');
    expect(await h.result()).toBe('cancelled');
    await recordHistory(h, 'proposal-cancelled-in-mission');

    const prisma = ctx.db.prisma;
    expect(await prisma.task.findUniqueOrThrow({ where: { id: report.id }, select: { status: true } })).toEqual({
      status: 'cancelled',
    });
    expect(await prisma.task.count({ where: { workflowId: h.workflowId, status: 'open' } })).toBe(0);
    const row = await prisma.proposal.findFirstOrThrow({
      where: { workflowId: h.workflowId },
      select: { stage: true, outcome: true },
    });
    expect(row).toEqual({ stage: 'cancelled', outcome: 'cancelled' });
    // Told once each, with the reason: the applicant (who also had the open report task) and the Country Office.
    await eventually(async () => (await prisma.outbox.count({ where: { status: 'pending' } })) === 0);
    for (const who of ['applicant', 'coKg', 'coKg2'] as const)
      expect({
        who,
        n: ctx.smtp.mails.filter((m) => m.to === DEMO_USERS[who].email && m.text.includes(reason)).length,
      }).toEqual({ who, n: 1 });
  });
});

test('changes requested open the thread with the Country Office’s message; a request cancelled meanwhile ends its revision', async () => {
  await ctx.withWorker(async (tq) => {
    const id = `er-cancel-${Date.now()}-${++counter}`;
    const h = await ctx.env.client.workflow.start(expertRequestWorkflow, {
      taskQueue: tq,
      workflowId: `expert-request-${id}`,
      args: [
        {
          requestId: id,
          requester: { userId: DEMO_USERS.coKg.id, countryCode: 'KG' },
          request: expertRequestPayload(),
          submittedAt: new Date().toISOString(),
        },
      ],
    });
    const comment = 'Add the Ministry’s contact person and shorten the mission to 10 days.';
    await decide(h, 'co_endorsement', 'coKg2', 'request_changes', { comment });
    await openTask(h, 'revise');
    const messages = await ctx.db.prisma.message.findMany({ where: { subjectId: id } });
    expect(messages).toEqual([
      expect.objectContaining({ authorId: DEMO_USERS.coKg2.id, side: 'country_office', body: comment }),
    ]);
    expect(
      await ctx.db.prisma.auditEvent.count({
        where: { subjectId: id, action: 'message_posted', actorId: DEMO_USERS.coKg2.id },
      }),
    ).toBe(1);

    const done = await h.executeUpdate(cancelUpdate, {
      args: [{ actor: actorOf('fundManager'), reason: 'The partner found funding elsewhere.' }],
    });
    expect(done.stage).toBe('cancelled');
    expect(await h.result()).toBe('cancelled');
    await recordHistory(h, 'expert-request-changes-then-cancelled');
    expect(await ctx.db.prisma.task.count({ where: { workflowId: h.workflowId, status: 'open' } })).toBe(0);
    // A second cancellation of a closed subject is refused by the server (the workflow has completed).
    await expect(
      h.executeUpdate(cancelUpdate, { args: [{ actor: actorOf('fundManager'), reason: 'again' }] }),
    ).rejects.toThrow();
  });
});
