import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { expertRequestWorkflow } from '../../workflows/expert-request';
import { stateQuery, withdrawUpdate } from '../../workflows/messages';
import { DEMO_USERS } from '../../domain/demo';
import type { Actor } from '../../domain/roles';
import type { ExpertRequestCreate } from '../../domain/schemas';
import type { SlaSettings } from '../../domain/tasks';
import { recordHistory } from '../helpers/histories';
import { actorOf, decide, decideAndSettle, openTask, updateFailureType } from '../helpers/lifecycle';
import { compressedClock } from '../helpers/sla';
import { startWorkflowTestContext, type WorkflowTestContext } from '../helpers/workflow-context';
import { expertRequestPayload } from '../fixtures/payloads';

let env: TestWorkflowEnvironment;
let db: WorkflowTestContext['db'];
let smtp: WorkflowTestContext['smtp'];
let bundle: WorkflowBundleWithSourceMap;
let counter = 0;

let ctx: WorkflowTestContext;

beforeAll(async () => {
  ctx = await startWorkflowTestContext('expert-request');
  ({ env, db, smtp, bundle } = ctx);
});

afterAll(async () => {
  await ctx?.stop();
});

const withWorker = <T>(fn: (taskQueue: string) => Promise<T>): Promise<T> => ctx.withWorker(fn);

type Handle = WorkflowHandleWithFirstExecutionRunId<typeof expertRequestWorkflow>;

function start(
  taskQueue: string,
  opts: { request?: Partial<ExpertRequestCreate>; continueAsNewAfterSteps?: number } = {},
): Promise<Handle> {
  const id = `er-${Date.now()}-${++counter}`;
  return env.client.workflow.start(expertRequestWorkflow, {
    taskQueue,
    workflowId: `expert-request-${id}`,
    args: [
      {
        requestId: id,
        requester: { userId: DEMO_USERS.coKg.id, countryCode: 'KG' },
        request: expertRequestPayload(opts.request),
        submittedAt: new Date().toISOString(),
        continueAsNewAfterSteps: opts.continueAsNewAfterSteps,
      },
    ],
  });
}

const requestId = (h: Handle) => h.workflowId.replace('expert-request-', '');
/** The roster's demo profiles have demo accounts; every other shortlisted expert gets u-<expertId>. */
const userOf = (expertId: string) =>
  expertId === 'exp-001' ? DEMO_USERS.expert1.id : expertId === 'exp-002' ? DEMO_USERS.expert2.id : `u-${expertId}`;
const expertActor = (expertId: string): Actor => ({ userId: userOf(expertId), role: 'expert', expertId });
const forUser = (userId: string) => (t: { assigneeUserId: string | null }) => t.assigneeUserId === userId;
const ACCEPT = { availabilityConfirmed: true, noConflictDeclared: true };
/** What matching proposes for the fixture request (KG, disaster risk reduction, ru, Feb–Apr 2027). */
const MATCHED = ['exp-001', 'exp-031', 'exp-042', 'exp-010'];

function answerInvitation(h: Handle, expertId: string, decision: 'accept' | 'decline') {
  return decide(h, 'invitation_response', expertActor(expertId), decision, {
    data: decision === 'accept' ? ACCEPT : { reason: 'Not available' },
    match: forUser(userOf(expertId)),
  });
}

/** With RECORD_HISTORIES=1: every run of the chain (continue-as-new included) for the replay test. */
async function recordRuns(h: Handle, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  let runId: string | null | undefined = h.firstExecutionRunId;
  for (let n = 1; runId; n++) {
    const run: WorkflowHandle = env.client.workflow.getHandle(h.workflowId, runId);
    await recordHistory(run, `${name}-run${n}`);
    const events: temporal.api.history.v1.IHistoryEvent[] = (await run.fetchHistory()).events ?? [];
    runId = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
}

/** A refused Update as `<FailureType>: <message>` (the decide helper already throws it in that form). */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)
      return `${err.cause.type}: ${err.cause.message}`;
    return (err as Error).message;
  }
  throw new Error('the update was not refused');
}

/** Endorsed by the CO head (the requester may not), shortlist confirmed by the fund manager. */
async function throughShortlist(h: Handle): Promise<void> {
  expect((await decideAndSettle(h, 'co_endorsement', 'coKg2', 'endorse')).stage).toBe('selection');
  await decide(h, 'shortlist_review', 'fundManager', 'confirm');
}

test('happy path: registration to closed, with a deliverable revision, payments per deliverable and the roster rating updated', async () => {
  await withWorker(async (tq) => {
    const h = await start(tq, { continueAsNewAfterSteps: 15 });
    const id = requestId(h);
    await decide(h, 'co_endorsement', 'coKg2', 'endorse', { comment: 'Endorsed by the head of office' });

    // Matching: the shortlist is on the row and every shortlisted expert has an account.
    const review = await openTask(h, 'shortlist_review');
    const row = await db.prisma.expertRequest.findUniqueOrThrow({ where: { id } });
    const shortlist = row.shortlist as {
      expertId: string;
      userId: string;
      score: number;
      breakdown: Record<string, number>;
    }[];
    expect(shortlist.map((e) => e.expertId)).toEqual(MATCHED);
    expect(shortlist[0]).toMatchObject({
      userId: DEMO_USERS.expert1.id,
      score: 90.9,
      breakdown: { thematic: 35, sdgOverlap: 20, fee: 7.5, rating: 18.4, countryExperience: 10 },
    });
    const account = await db.prisma.user.findUniqueOrThrow({ where: { id: 'u-exp-031' } });
    const profile = await db.prisma.expert.findUniqueOrThrow({ where: { id: 'exp-031' } });
    expect(account).toMatchObject({ role: 'expert', expertId: 'exp-031', email: profile.email, active: true });
    await decide(h, 'shortlist_review', 'fundManager', 'confirm', { match: (t) => t.id === review.id });

    // Invitations in parallel: three accept, one declines.
    for (const e of ['exp-001', 'exp-031', 'exp-042']) await answerInvitation(h, e, 'accept');
    await answerInvitation(h, 'exp-010', 'decline');

    // Competitive (3 compared): no justification needed. A declined expert cannot be selected.
    expect(
      await refusal(decide(h, 'candidate_selection', 'coKg', 'select', { data: { expertIds: ['exp-010'] } })),
    ).toMatch(/^InvalidDecision: .*exp-010 did not accept/);
    const selection = await db.prisma.task.findFirstOrThrow({
      where: { workflowId: h.workflowId, kind: 'candidate_selection' },
    });
    expect((selection.context as { candidates: { expertId: string }[] }).candidates.map((c) => c.expertId)).toEqual([
      'exp-001',
      'exp-031',
      'exp-042',
    ]);
    await decide(h, 'candidate_selection', 'coKg', 'select', { data: { expertIds: ['exp-001'] } });

    // Contracting: the policy passes (fee 450/day, per diem 150 within the KG DSA); both sign.
    await decide(h, 'contract_signature', 'expert1', 'sign', { match: forUser(DEMO_USERS.expert1.id) });
    expect(
      (await decide(h, 'contract_signature', 'coKg', 'sign', { match: (t) => t.assigneeRole === 'co_approver' })).stage,
    ).toBe('mission');

    // No withdrawal once the mission has started.
    expect(
      await updateFailureType(
        h.executeUpdate(withdrawUpdate, { args: [{ actor: actorOf('coKg'), reason: 'changed our mind' }] }),
      ),
    ).toBe('NotAllowedNow');

    // Deliverable 1 is sent back once, then accepted; deliverable 2 accepted at once.
    await decide(h, 'deliverable_submission', 'expert1', 'submit_deliverable', {
      data: { report: 'Inception report v1' },
    });
    await decide(h, 'deliverable_acceptance', 'coKg', 'request_revision', { comment: 'Add the village list' });
    const d1 = await db.prisma.deliverable.findUniqueOrThrow({
      where: { workflowId_seq: { workflowId: h.workflowId, seq: 1 } },
    });
    expect(d1.status).toBe('revision_requested');
    await decide(h, 'deliverable_submission', 'expert1', 'submit_deliverable', {
      data: { report: 'Inception report v2', link: 'https://example.org/inception.pdf' },
    });
    await decide(h, 'deliverable_acceptance', 'coKg', 'accept');
    await decide(h, 'deliverable_submission', 'expert1', 'submit_deliverable', { data: { report: 'Hazard maps' } });
    // (With continue-as-new after each deliverable the Update may answer before the stage moves on.)
    await decide(h, 'deliverable_acceptance', 'coKg', 'accept');

    await decide(h, 'expert_evaluation', 'coKg', 'submit_evaluation', {
      data: { rating: 5, narrative: 'Excellent maps' },
    });
    await decide(h, 'assignment_feedback', 'expert1', 'submit_feedback', {
      data: { rating: 4, narrative: 'Well prepared by the CO' },
    });
    expect(await h.result()).toBe('closed');
    await recordRuns(h, 'expert-request-happy-path');
    // continueAsNewAfterSteps made the execution continue as new along the way.
    expect((await h.describe()).runId).not.toBe(h.firstExecutionRunId);

    const done = await db.prisma.expertRequest.findUniqueOrThrow({ where: { id } });
    expect(done).toMatchObject({ stage: 'closed', selectedExpertId: 'exp-001', requesterId: DEMO_USERS.coKg.id });
    expect(done.closedAt).not.toBeNull();
    expect(done.dailySubsistenceUsd).toBe(160); // the KG DSA rate, recorded at intake
    expect(await db.prisma.task.count({ where: { workflowId: h.workflowId, status: 'open' } })).toBe(0);
    const payments = await db.prisma.payment.findMany({ where: { subjectId: id }, orderBy: { id: 'asc' } });
    expect(payments.map((p) => [p.deliverableId, p.amountCents, p.payee])).toEqual([
      [`${h.workflowId}:d1`, 200_000, 'Sergey Ivanov'],
      [`${h.workflowId}:d2`, 400_000, 'Sergey Ivanov'],
    ]);
    const contract = await db.prisma.contract.findUniqueOrThrow({ where: { workflowId: h.workflowId } });
    expect(contract).toMatchObject({
      kind: 'individual_contract',
      status: 'signed',
      valueCents: 600_000,
      partyName: 'Sergey Ivanov',
    });
    expect(Object.keys(contract.signatures as object).sort()).toEqual(['co', 'expert']);
    expect((contract.policyFindings as { outcome: string }).outcome).toBe('pass');
    expect((await db.prisma.deliverable.findMany({ where: { subjectId: id } })).map((d) => d.status)).toEqual([
      'accepted',
      'accepted',
    ]);
    // Roster: (4.6 × 8 + 5) / 9 = 4.64; one more rating and assignment.
    expect(await db.prisma.expert.findUniqueOrThrow({ where: { id: 'exp-001' } })).toMatchObject({
      rating: 4.64,
      ratingCount: 9,
      assignmentsCount: 10,
    });
    expect(
      (await db.prisma.evaluation.findMany({ where: { subjectId: id }, orderBy: { kind: 'asc' } })).map((e) => [
        e.kind,
        e.evaluatorId,
      ]),
    ).toEqual([
      ['assignment_feedback', DEMO_USERS.expert1.id],
      ['expert_evaluation', DEMO_USERS.coKg.id],
    ]);
    const audit = await db.prisma.auditEvent.findMany({ where: { subjectId: id }, orderBy: { id: 'asc' } });
    expect(audit.filter((a) => a.toStage && a.fromStage !== a.toStage).map((a) => a.toStage)).toEqual([
      'intake',
      'co_endorsement',
      'alignment_check',
      'selection',
      'contracting',
      'mission',
      'evaluation',
      'closed',
    ]);
    expect(audit[0]).toMatchObject({ action: 'registered', actorId: DEMO_USERS.coKg.id });
    const released = audit.filter((a) => a.action === 'payment_released');
    expect(released.map((a) => a.data)).toEqual([
      expect.objectContaining({
        deliverable: 1,
        modality: 'mission',
        destination: 'Bishkek and Naryn',
        travelDays: 7,
        dsaRateCents: 16_000,
      }),
      expect.objectContaining({ deliverable: 2, modality: 'mission' }),
    ]);
    const mails = await db.prisma.outbox.findMany({
      where: { workflowId: h.workflowId, template: 'payment_released' },
    });
    expect(mails.map((m) => m.toEmail)).toEqual([DEMO_USERS.expert1.email, DEMO_USERS.expert1.email]);
    const invitations = await db.prisma.outbox.findMany({
      where: { workflowId: h.workflowId, template: 'expert_invitation' },
    });
    expect(invitations).toHaveLength(4);
  });
});

test('the requester may not endorse its own request; request changes and resubmit', async () => {
  await withWorker(async (tq) => {
    const h = await start(tq);
    const id = requestId(h);
    expect(await refusal(decide(h, 'co_endorsement', 'coKg', 'endorse'))).toMatch(/^Forbidden:/);
    expect(await refusal(decide(h, 'co_endorsement', 'coTj', 'endorse'))).toMatch(/^Forbidden:/);
    await decide(h, 'co_endorsement', 'coKg2', 'request_changes', {
      comment: 'Make it online work over a longer period',
    });

    const revise = await openTask(h, 'revise');
    expect(revise).toMatchObject({ assigneeUserId: DEMO_USERS.coKg.id, assigneeRole: 'co_approver' });
    expect(await refusal(decide(h, 'revise', 'coKg2', 'resubmit', { data: { title: 'Other' } }))).toMatch(
      /^Forbidden:/,
    );
    // Each resubmission is checked against the create schema once merged.
    expect(await refusal(decide(h, 'revise', 'coKg', 'resubmit', { data: { contractValueUsd: 7_000 } }))).toMatch(
      /^InvalidDecision: data.deliverables: amounts sum to 6000/,
    );
    expect(await refusal(decide(h, 'revise', 'coKg', 'resubmit', { data: { countryCode: 'TJ' } }))).toMatch(
      /^InvalidDecision:/,
    );
    expect(await refusal(decide(h, 'revise', 'coKg', 'resubmit', { data: {} }))).toMatch(/^InvalidDecision:/);
    expect(await refusal(decide(h, 'revise', 'coKg', 'resubmit', { data: { destination: null } }))).toMatch(
      /^InvalidDecision:/,
    ); // a mission needs one

    const changes = {
      title: 'Mudflow hazard mapping (online)',
      modality: 'online',
      workingDays: 15,
      endDate: '2027-04-30',
      destination: null,
      travelDays: null,
      perDiemUsd: null,
    };
    expect((await decideAndSettle(h, 'revise', 'coKg', 'resubmit', { data: changes })).stage).toBe('co_endorsement');
    await openTask(h, 'co_endorsement');
    const row = await db.prisma.expertRequest.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({
      title: changes.title,
      modality: 'online',
      workingDays: 15,
      destination: null,
      travelDays: null,
      perDiemUsd: null,
      contractValueCents: 600_000,
    });
    expect(row.endDate.toISOString()).toBe('2027-04-30T00:00:00.000Z');

    expect((await decide(h, 'co_endorsement', 'coKg2', 'reject', { comment: 'No budget this year' })).stage).toBe(
      'rejected',
    );
    expect(await h.result()).toBe('rejected');
    await recordHistory(h, 'expert-request-changes-then-rejected');
    expect(await db.prisma.expertRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({
      stage: 'rejected',
      outcome: 'co_rejected',
    });
    const actions = (await db.prisma.auditEvent.findMany({ where: { subjectId: id }, orderBy: { id: 'asc' } })).map(
      (a) => a.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining(['registered', 'request_screened', 'validated', 'resubmitted', 'co_rejected']),
    );
  });
});

test('an inconsistent payload is rejected at intake with findings', async () => {
  await withWorker(async (tq) => {
    const h = await start(tq, { request: { contractValueUsd: 7_000, destination: undefined } });
    expect(await h.result()).toBe('rejected');
    const row = await db.prisma.expertRequest.findUniqueOrThrow({ where: { id: requestId(h) } });
    expect(row.outcome).toBe('invalid_request');
    const findings = (
      row.findings as { findings: { rule: string; outcome: string; message: string }[] }
    ).findings.filter((f) => f.outcome === 'fail');
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/^deliverables: amounts sum to 6000/),
      expect.stringMatching(/^destination: required for a mission/),
    ]);
  });
});

test('dates outside the Cooperation Framework period: the fund manager reviews and rejects', async () => {
  await withWorker(async (tq) => {
    const deliverables = [
      { title: 'Inception report', dueDate: '2027-12-15', amountUsd: 2_000 },
      { title: 'Hazard maps and recommendations', dueDate: '2028-01-31', amountUsd: 4_000 },
    ];
    const h = await start(tq, { request: { startDate: '2027-12-01', endDate: '2028-02-15', deliverables } });
    expect((await decideAndSettle(h, 'co_endorsement', 'coKg2', 'endorse')).stage).toBe('alignment_check');
    await expect(decide(h, 'alignment_review', 'fundManager', 'confirm_aligned')).rejects.toThrow(/comment/);
    expect(
      (await decide(h, 'alignment_review', 'fundManager', 'reject', { comment: 'Next framework not adopted yet' }))
        .stage,
    ).toBe('rejected');
    expect(await h.result()).toBe('rejected');
    const row = await db.prisma.expertRequest.findUniqueOrThrow({ where: { id: requestId(h) } });
    expect(row).toMatchObject({
      outcome: 'not_aligned',
      findings: expect.objectContaining({ result: 'needs_review' }),
    });
  });
});

test('every invited expert declines: cancelled, no candidate', async () => {
  await withWorker(async (tq) => {
    const h = await start(tq);
    await throughShortlist(h);
    expect(
      await refusal(
        decide(h, 'invitation_response', expertActor('exp-031'), 'decline', { data: {}, match: forUser('u-exp-031') }),
      ),
    ).toMatch(/^InvalidDecision:/);
    expect(
      await refusal(
        decide(h, 'invitation_response', expertActor('exp-042'), 'accept', {
          data: ACCEPT,
          match: forUser('u-exp-031'),
        }),
      ),
    ).toMatch(/^Forbidden:/);
    for (const e of MATCHED) await answerInvitation(h, e, 'decline');
    expect(await h.result()).toBe('cancelled');
    expect(await db.prisma.expertRequest.findUniqueOrThrow({ where: { id: requestId(h) } })).toMatchObject({
      stage: 'cancelled',
      outcome: 'no_candidate',
      selectedExpertId: null,
    });
    const cancelled = await db.prisma.auditEvent.findFirstOrThrow({
      where: { subjectId: requestId(h), toStage: 'cancelled' },
    });
    expect(cancelled.data).toMatchObject({ accepted: [], declined: MATCHED, expired: [] });
  });
});

test('invitations expire on their SLA: cancelled, no candidate', async () => {
  // A day lasts 0.5 s: the invitations' 5 working days pass in a few seconds.
  await ctx.withWorker(
    async (tq) => {
      const h = await start(tq);
      await throughShortlist(h);
      await answerInvitation(h, 'exp-042', 'decline');
      expect(await h.result()).toBe('cancelled');
      const tasks = await db.prisma.task.findMany({
        where: { workflowId: h.workflowId, kind: 'invitation_response' },
        orderBy: { id: 'asc' },
      });
      expect(tasks.map((t) => [t.assigneeUserId, t.status, t.decision])).toEqual(
        expect.arrayContaining([
          [DEMO_USERS.expert1.id, 'done', 'expired'],
          ['u-exp-010', 'done', 'expired'],
          ['u-exp-031', 'done', 'expired'],
          ['u-exp-042', 'done', 'decline'],
        ]),
      );
      expect(tasks.every((t) => t.remindedAt !== null || t.decision === 'decline')).toBe(true);
      expect(await db.prisma.expertRequest.findUniqueOrThrow({ where: { id: requestId(h) } })).toMatchObject({
        stage: 'cancelled',
        outcome: 'no_candidate',
      });
    },
    { clock: compressedClock(db.prisma, 500) },
  );
});

test('above the direct-contracting limit, fewer than 3 candidates cannot be selected; the CO rejects them', async () => {
  await withWorker(async (tq) => {
    const deliverables = [
      { title: 'Inception report', dueDate: '2027-02-15', amountUsd: 4_000 },
      { title: 'Hazard maps and recommendations', dueDate: '2027-03-31', amountUsd: 6_000 },
    ];
    const h = await start(tq, { request: { contractValueUsd: 10_000, deliverables } });
    await throughShortlist(h);
    await answerInvitation(h, 'exp-001', 'accept');
    await answerInvitation(h, 'exp-031', 'accept');
    await answerInvitation(h, 'exp-042', 'decline');
    await answerInvitation(h, 'exp-010', 'decline');

    const task = await openTask(h, 'candidate_selection');
    const row = await db.prisma.task.findUniqueOrThrow({ where: { id: task.id } });
    expect(row.context).toMatchObject({
      competitive: false,
      selectable: false,
      policy: { ruleSetId: 'popp-2025-09-15', directContractingLimitCents: 700_000, minCandidatesCompeting: 3 },
    });
    const refused = await refusal(
      decide(h, 'candidate_selection', 'coKg', 'select', {
        data: { expertIds: ['exp-001'], justification: 'Best fit by far' },
      }),
    );
    expect(refused).toMatch(/^InvalidDecision: .*at least 3 candidates must be compared and only 2 accepted/);

    expect(
      (
        await decide(h, 'candidate_selection', 'coKg', 'reject', {
          comment: 'Too few candidates; we will re-advertise',
        })
      ).stage,
    ).toBe('cancelled');
    expect(await h.result()).toBe('cancelled');
    expect(await db.prisma.expertRequest.findUniqueOrThrow({ where: { id: requestId(h) } })).toMatchObject({
      outcome: 'candidates_rejected',
      selectedExpertId: null,
    });
  });
});

test('per diem above the DSA rate fails the contract policy: rejected with findings', async () => {
  await withWorker(async (tq) => {
    const h = await start(tq, { request: { perDiemUsd: 200 } });
    await throughShortlist(h);
    for (const e of ['exp-001', 'exp-031', 'exp-042']) await answerInvitation(h, e, 'accept');
    await answerInvitation(h, 'exp-010', 'decline');
    expect(
      (await decideAndSettle(h, 'candidate_selection', 'coKg', 'select', { data: { expertIds: ['exp-042'] } })).stage,
    ).toBe('rejected');
    expect(await h.result()).toBe('rejected');
    const row = await db.prisma.expertRequest.findUniqueOrThrow({ where: { id: requestId(h) } });
    expect(row.outcome).toBe('policy_failed');
    const findings = row.findings as { outcome: string; findings: { rule: string; outcome: string }[] };
    expect(findings.outcome).toBe('fail');
    expect(findings.findings.filter((f) => f.outcome === 'fail').map((f) => f.rule)).toEqual(['per_diem_dsa']);
    expect(await db.prisma.contract.count({ where: { workflowId: h.workflowId } })).toBe(0);
  });
});

/** Endorse, replace the shortlist by one expert above the fee threshold, who accepts; direct contracting with a justification. */
async function throughDirectSelectionOfExpensiveExpert(h: Handle): Promise<void> {
  await decide(h, 'co_endorsement', 'coKg2', 'endorse');
  expect(
    await refusal(decide(h, 'shortlist_review', 'fundManager', 'edit', { data: { expertIds: ['exp-999'] } })),
  ).toMatch(/^InvalidDecision: .*exp-999 is not in the roster/);
  expect(
    await refusal(
      decide(h, 'shortlist_review', 'fundManager', 'edit', { data: { expertIds: ['exp-004', 'exp-004'] } }),
    ),
  ).toMatch(/^InvalidDecision:/);
  await decide(h, 'shortlist_review', 'fundManager', 'edit', {
    data: { expertIds: ['exp-004'] },
    comment: 'Rural development specialist requested by the ministry',
  });
  const row = await db.prisma.expertRequest.findUniqueOrThrow({ where: { id: requestId(h) } });
  expect(row.shortlist).toEqual([
    expect.objectContaining({
      expertId: 'exp-004',
      userId: 'u-exp-004',
      dailyFeeCents: 255_000,
      warnings: ['not_relevant'],
    }),
  ]);

  await answerInvitation(h, 'exp-004', 'accept');
  // One candidate, within the direct-contracting limit: a justification is required.
  expect(
    await refusal(decide(h, 'candidate_selection', 'coKg', 'select', { data: { expertIds: ['exp-004'] } })),
  ).toMatch(/^InvalidDecision: data.justification/);
  expect(
    (
      await decide(h, 'candidate_selection', 'coKg', 'select', {
        data: { expertIds: ['exp-004'], justification: 'Only expert the ministry accepts' },
      })
    ).stage,
  ).toBe('contracting');
  const fee = await openTask(h, 'fee_approval');
  expect(fee.assigneeRole).toBe('fund_manager');
}

test('fee above the threshold approved by the fund manager; the expert then declines to sign: cancelled', async () => {
  await withWorker(async (tq) => {
    const h = await start(tq);
    await throughDirectSelectionOfExpensiveExpert(h);
    await decide(h, 'fee_approval', 'fundManager', 'approve', {
      data: { justification: 'Bureau Director approved on 3 March' },
    });
    await openTask(h, 'contract_signature', forUser('u-exp-004'));
    const drafted = await db.prisma.contract.findUniqueOrThrow({ where: { workflowId: h.workflowId } });
    expect(drafted).toMatchObject({
      status: 'awaiting_signatures',
      exceptionNote: 'Bureau Director approved on 3 March',
      partyName: expect.any(String),
    });
    expect((drafted.policyFindings as { findings: { rule: string; outcome: string }[] }).findings).toEqual(
      expect.arrayContaining([
        {
          rule: 'daily_fee_threshold',
          outcome: 'needs_approval',
          message: expect.any(String),
          data: expect.any(Object),
        },
      ]),
    );

    expect(
      (
        await decide(h, 'contract_signature', expertActor('exp-004'), 'decline', {
          comment: 'Dates no longer work',
          match: forUser('u-exp-004'),
        })
      ).stage,
    ).toBe('cancelled');
    expect(await h.result()).toBe('cancelled');
    await recordHistory(h, 'expert-request-fee-approved-signature-declined');
    const signatures = await db.prisma.task.findMany({
      where: { workflowId: h.workflowId, kind: 'contract_signature' },
      orderBy: { id: 'asc' },
    });
    expect(signatures.map((t) => t.status).sort()).toEqual(['cancelled', 'done']);
    expect(await db.prisma.contract.findUniqueOrThrow({ where: { workflowId: h.workflowId } })).toMatchObject({
      status: 'declined',
    });
    expect(await db.prisma.expertRequest.findUniqueOrThrow({ where: { id: requestId(h) } })).toMatchObject({
      outcome: 'signature_declined',
      selectedExpertId: 'exp-004',
    });
  });
});

test('fee above the threshold refused by the fund manager: rejected with findings', async () => {
  await withWorker(async (tq) => {
    const h = await start(tq);
    await throughDirectSelectionOfExpensiveExpert(h);
    expect(await refusal(decide(h, 'fee_approval', 'fundManager', 'reject'))).toMatch(/^InvalidDecision:/); // comment required
    expect(
      (await decide(h, 'fee_approval', 'fundManager', 'reject', { comment: 'USD 2,550 a day is not justified' })).stage,
    ).toBe('rejected');
    expect(await h.result()).toBe('rejected');
    const row = await db.prisma.expertRequest.findUniqueOrThrow({ where: { id: requestId(h) } });
    expect(row.outcome).toBe('fee_not_approved');
    expect(row.findings).toMatchObject({ outcome: 'needs_approval', ruleSetId: 'popp-2025-09-15' });
    expect(await db.prisma.contract.count({ where: { workflowId: h.workflowId } })).toBe(0);
  });
});

test('an expert who accepted two invitations cannot be selected for the second once contracted for the first', async () => {
  await withWorker(async (tq) => {
    const [first, second] = await Promise.all([start(tq), start(tq)]);
    await throughShortlist(first);
    await throughShortlist(second);
    for (const e of MATCHED) {
      await answerInvitation(first, e, 'accept');
      await answerInvitation(second, e, 'accept');
    }
    expect(
      (await decide(first, 'candidate_selection', 'coKg', 'select', { data: { expertIds: ['exp-001'] } })).stage,
    ).toBe('contracting');
    const refused = await refusal(
      decide(second, 'candidate_selection', 'coKg', 'select', { data: { expertIds: ['exp-001'] } }),
    );
    expect(refused).toMatch(
      new RegExp(
        `^InvalidDecision: data.expertIds.0: exp-001 has meanwhile been contracted for request ${requestId(first)}`,
      ),
    );
    expect(
      (await decide(second, 'candidate_selection', 'coKg', 'select', { data: { expertIds: ['exp-042'] } })).stage,
    ).toBe('contracting');
    // Clean up: neither keeps a confirmed assignment for later tests.
    for (const h of [first, second])
      await h.executeUpdate(withdrawUpdate, { args: [{ actor: actorOf('coKg'), reason: 'test done' }] });
    expect(await Promise.all([first.result(), second.result()])).toEqual(['withdrawn', 'withdrawn']);
  });
});

test('withdraw: only a co_approver of the country, and a draft contract is voided', async () => {
  await withWorker(async (tq) => {
    const h = await start(tq);
    await throughShortlist(h);
    for (const e of MATCHED) await answerInvitation(h, e, 'accept');
    await decide(h, 'candidate_selection', 'coKg', 'select', { data: { expertIds: ['exp-042'] } });
    await openTask(h, 'contract_signature', forUser('u-exp-042'));

    const withdraw = (actor: Actor) =>
      h.executeUpdate(withdrawUpdate, { args: [{ actor, reason: 'The ministry withdrew its request' }] });
    expect(await updateFailureType(withdraw(expertActor('exp-042')))).toBe('Forbidden');
    expect(await updateFailureType(withdraw(actorOf('coTj')))).toBe('Forbidden');
    expect(await updateFailureType(withdraw(actorOf('fundManager')))).toBe('Forbidden');
    // Any co_approver of the requesting country office, not only the requester.
    expect((await withdraw(actorOf('coKg2'))).stage).toBe('withdrawn');
    expect(await h.result()).toBe('withdrawn');
    await recordHistory(h, 'expert-request-withdrawn');

    expect(await db.prisma.task.count({ where: { workflowId: h.workflowId, status: 'open' } })).toBe(0);
    expect(await db.prisma.contract.findUniqueOrThrow({ where: { workflowId: h.workflowId } })).toMatchObject({
      status: 'declined',
    });
    const row = await db.prisma.expertRequest.findUniqueOrThrow({ where: { id: requestId(h) } });
    expect(row).toMatchObject({ stage: 'withdrawn', selectedExpertId: 'exp-042' });
    const view = await h.query(stateQuery);
    expect(view.history.map((e) => e.action)).toEqual(expect.arrayContaining(['contract_voided', 'withdraw']));
  });
});
