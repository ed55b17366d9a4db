import { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../../activities';
import { DEMO_USERS } from '../../domain/demo';
import type { CallFields } from '../../domain/schemas';
import { callWorkflow } from '../../workflows/call';
import {
  archiveCallUpdate,
  callSelectionUpdate,
  callStateQuery,
  callUpdateId,
  callWorkflowId,
  declareCallConflictUpdate,
  editCallUpdate,
  extendCallUpdate,
  issueSelectionUpdate,
  publishCallUpdate,
  selectFromWaitlistUpdate,
  startReviewUpdate,
  type CallView,
} from '../../workflows/call-messages';
import { withdrawUpdate } from '../../workflows/messages';
import { proposalWorkflow } from '../../workflows/proposal';
import { proposalPayload } from '../fixtures/payloads';
import { ensureCallWorkflows } from '../../worker/calls';
import { recordHistory } from '../helpers/histories';
import { compressedClock } from '../helpers/sla';
import { actorOf, decide, settledStage, updateFailureType } from '../helpers/lifecycle';
import { uniqueTaskQueue } from '../helpers/temporal';
import { eventually } from '../helpers/wait';
import { startWorkflowTestContext, type WorkflowTestContext } from '../helpers/workflow-context';

let ctx: WorkflowTestContext;
let n = 0;
const fm = actorOf('fundManager');
const R4 = 'u-reviewer-4';

beforeAll(async () => {
  ctx = await startWorkflowTestContext('call');
  // A fourth reviewer (no institution), so the pool has room to balance around conflicts.
  await ctx.db.prisma.user.create({
    data: { id: R4, email: 'reviewer4@example.org', name: 'Anna Kuznetsova', role: 'reviewer' },
  });
});
afterAll(async () => {
  await ctx?.stop();
});

/** A worker whose selection deliveries lose their first answer (as if the activity timed out): Temporal retries them. */
async function withFlakyDeliveryWorker<T>(fn: (taskQueue: string) => Promise<T>, lostAnswers: string[]): Promise<T> {
  const taskQueue = uniqueTaskQueue('call');
  const activities = createActivities(ctx.deps);
  const worker = await Worker.create({
    connection: ctx.env.nativeConnection,
    namespace: ctx.env.namespace,
    taskQueue,
    workflowBundle: ctx.bundle,
    activities: {
      ...activities,
      async deliverToProposal(input: Parameters<typeof activities.deliverToProposal>[0]) {
        const result = await activities.deliverToProposal(input);
        if (input.kind === 'selection' && !lostAnswers.includes(input.updateId)) {
          lostAnswers.push(input.updateId);
          throw new Error('the answer was lost on the way back');
        }
        return result;
      },
    },
  });
  return worker.runUntil(fn(taskQueue));
}

/** A UTC date and time `ms` from now, as a call's closing day and time. */
function closingIn(ms: number): { closesAt: string; closingTime: string; timeZone: string } {
  const iso = new Date(Date.now() + ms).toISOString();
  return { closesAt: iso.slice(0, 10), closingTime: iso.slice(11, 19), timeZone: 'UTC' };
}

function callFields(over: Partial<CallFields> = {}): CallFields {
  return {
    countryCode: 'KG',
    title: 'Early warning challenge',
    challengeStatement: 'Warn valley communities of floods in time.',
    thematicAreaIds: ['climate-adaptation'],
    sdgs: [13],
    budgetEnvelopeUsd: 70_000,
    minGrantUsd: 20_000,
    maxGrantUsd: 40_000,
    coFinancingMinPct: 20,
    maxDurationMonths: 12,
    requiredDocumentTypes: [],
    rubric: [
      { key: 'innovation', label: 'Innovation', weight: 50, max: 100 },
      { key: 'feasibility', label: 'Feasibility', weight: 50, max: 100 },
    ],
    passMark: 60,
    reviewerPool: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id, DEMO_USERS.reviewer3.id, R4],
    reviewersPerProposal: 2,
    opensAt: '2026-01-01',
    ...closingIn(60 * 60_000),
    ...over,
  };
}

function startCall(taskQueue: string, fields: CallFields, publish = false) {
  const callId = `c-${Date.now()}-${++n}`;
  return env().client.workflow.start(callWorkflow, {
    taskQueue,
    workflowId: `call-${callId}`,
    args: [{ callId, createdById: DEMO_USERS.fundManager.id, fields, publish }],
  });
}
const env = () => ctx.env;
const callIdOf = (h: WorkflowHandle) => h.workflowId.replace(/^call-/, '');

function submit(
  taskQueue: string,
  callId: string,
  who: 'applicant' | 'applicant2',
  requestedAmountUsd: number,
  coFinancingUsd: number,
  continueAsNewAfterSteps?: number,
) {
  const id = `p-${Date.now()}-${++n}`;
  const u = DEMO_USERS[who];
  return env().client.workflow.start(proposalWorkflow, {
    taskQueue,
    workflowId: `proposal-${id}`,
    args: [
      {
        proposalId: id,
        applicant: { userId: u.id, institutionId: u.institutionId!, institutionName: u.name },
        proposal: proposalPayload({ callId, requestedAmountUsd, coFinancingUsd }),
        submittedAt: new Date().toISOString(),
        continueAsNewAfterSteps,
      },
    ],
  });
}

const state = (h: WorkflowHandle) => h.query(callStateQuery);
const until = (h: WorkflowHandle, check: (v: CallView) => boolean, timeoutMs = 60_000) =>
  eventually(async () => {
    const v = await state(h);
    return check(v) ? v : null;
  }, timeoutMs);
const idOf = (p: WorkflowHandle) => p.workflowId.replace(/^proposal-/, '');

test('a dated call: drafted, published, extended, closed by its timer, reviewed balanced, selected by rank within the envelope, waitlist after a withdrawal; a repeated delivery is applied once', async () => {
  const lost: string[] = [];
  await withFlakyDeliveryWorker(async (tq) => {
    // Draft, edited, published.
    const call = await startCall(tq, callFields({ ...closingIn(20_000), title: 'Draft title' }));
    const callId = callIdOf(call);
    expect((await state(call)).status).toBe('draft');
    expect(
      await updateFailureType(
        call.executeUpdate(editCallUpdate, { args: [{ actor: fm, patch: { maxGrantUsd: 10 } }] }),
      ),
    ).toBe('InvalidDecision');
    const edited = await call.executeUpdate(editCallUpdate, {
      args: [{ actor: fm, patch: { title: 'Early warning challenge', titleRu: 'Конкурс раннего оповещения' } }],
    });
    expect(edited.fields.titleRu).toBe('Конкурс раннего оповещения');
    const published = await call.executeUpdate(publishCallUpdate, { args: [{ actor: fm }] });
    expect(published.status).toBe('published');
    const row = await ctx.db.prisma.call.findUniqueOrThrow({ where: { id: callId } });
    expect([row.status, row.titleRu, row.closesAt?.toISOString()]).toEqual([
      'published',
      'Конкурс раннего оповещения',
      published.closesAt,
    ]);
    expect(
      await updateFailureType(
        call.executeUpdate(editCallUpdate, { args: [{ actor: fm, patch: { title: 'Late edit' } }] }),
      ),
    ).toBe('NotAllowedNow');

    // Proposals arrive: two from TPU, one from HSE; a TPU colleague keeps a draft for the call.
    const p1 = await submit(tq, callId, 'applicant', 30_000, 8_000, 6);
    const p2 = await submit(tq, callId, 'applicant', 35_000, 10_000);
    const p3 = await submit(tq, callId, 'applicant2', 25_000, 8_000);
    await ctx.db.prisma.proposalDraft.create({
      data: {
        id: `draft-${callId}`,
        userId: DEMO_USERS.applicant.id,
        callId,
        title: 'Half written',
        data: { callId, title: 'Half written' },
      },
    });

    // The deadline is extended; the draft holder is told.
    const extension = closingIn(30_000);
    const extended = await call.executeUpdate(extendCallUpdate, { args: [{ actor: fm, ...extension }] });
    expect(Date.parse(extended.closesAt!)).toBeGreaterThan(Date.parse(published.closesAt!));
    await eventually(async () =>
      ctx.smtp.mails.find((m) => m.to === DEMO_USERS.applicant.email && m.subject.includes('Early warning challenge')),
    );

    for (const p of [p1, p2, p3]) await decide(p, 'co_endorsement', 'coKg', 'endorse');
    // (p1 continues as new between stages: a stage read at a boundary is the one before.)
    for (const p of [p1, p2, p3]) await eventually(async () => (await settledStage(p)) === 'selection');

    // A reviewer of the pool declares a conflict before the assignment.
    await call.executeUpdate(declareCallConflictUpdate, {
      args: [{ actor: { userId: R4, role: 'reviewer' }, proposalId: idOf(p1) }],
    });

    // Closed by its timer, not before the (extended) closing instant.
    const closed = await until(call, (v) => v.status === 'closed');
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(extended.closesAt!));
    expect(closed.waitingFor).toEqual([]);

    const review = await call.executeUpdate(startReviewUpdate, { args: [{ actor: fm }] });
    expect(review.status).toBe('review');
    const reviewers = Object.fromEntries(review.proposals.map((p) => [p.proposalId, p.reviewerIds]));
    for (const [pid, ids] of Object.entries(reviewers)) {
      expect(ids).toHaveLength(2);
      if (pid !== idOf(p3)) expect(ids).not.toContain(DEMO_USERS.reviewer3.id); // same institution as TPU
    }
    expect(reviewers[idOf(p1)]).not.toContain(R4); // declared conflict
    const loads = Object.values(review.workload);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);

    // Reviews: p1 best, p2 second, p3 third.
    const marks = new Map([
      [p1, 90],
      [p2, 80],
      [p3, 70],
    ]);
    for (const [p, mark] of marks) {
      for (const r of reviewers[idOf(p)]) {
        const who = { userId: r, role: 'reviewer' as const };
        const mine = (t: { assigneeUserId: string | null }) => t.assigneeUserId === r;
        await decide(p, 'conflict_declaration', who, 'declare_no_conflict', {
          data: { noConflictDeclared: true },
          match: mine,
        });
        await decide(p, 'review_score', who, 'submit_score', {
          data: { scores: { innovation: mark, feasibility: mark } },
          match: mine,
        });
      }
    }
    const ranked = await until(call, (v) => v.ranking.length === 3);
    expect(ranked.ranking.map((r) => [r.proposalId, r.rank, r.suggested, r.runningTotalCents])).toEqual([
      [idOf(p1), 1, 'select', 3_000_000],
      [idOf(p2), 2, 'select', 6_500_000],
      [idOf(p3), 3, 'waitlist', 6_500_000],
    ]);

    // Over the envelope: refused; the suggested selection is issued in one action.
    const all = (d3: 'select' | 'waitlist') => [
      { proposalId: idOf(p1), decision: 'select' as const },
      { proposalId: idOf(p2), decision: 'select' as const },
      { proposalId: idOf(p3), decision: d3, justification: d3 === 'select' ? 'strong local partner' : undefined },
    ];
    expect(
      await updateFailureType(
        call.executeUpdate(issueSelectionUpdate, { args: [{ actor: fm, decisions: all('select') }] }),
      ),
    ).toBe('InvalidDecision');
    await call.executeUpdate(issueSelectionUpdate, { args: [{ actor: fm, decisions: all('waitlist') }] });
    const delivered = await until(call, (v) => v.delivery.delivered === 3);
    expect(delivered.status).toBe('decided');
    expect(delivered.delivery).toEqual({ total: 3, delivered: 3, closed: 0, pending: 0 });
    // Each first delivery lost its answer and was retried.
    expect(lost.sort()).toEqual([p1, p2, p3].map((p) => callUpdateId(callId, idOf(p), 'selection')).sort());
    await eventually(async () => (await settledStage(p1)) === 'contracting');
    expect(await settledStage(p2)).toBe('contracting');
    expect(await settledStage(p3)).toBe('selection');

    // Applied once: one selection in p1's audit trail although delivered twice, and again after
    // p1 continued as new (the server no longer knows the id there): the first answer.
    const selectedEvents = () => ctx.db.prisma.auditEvent.count({ where: { subjectId: idOf(p1), action: 'selected' } });
    expect(await selectedEvents()).toBe(1);
    const updateId = callUpdateId(callId, idOf(p1), 'selection');
    // p1 signs and continues as new into the mission: the server no longer knows the id there.
    await decide(p1, 'contract_signature', 'applicant', 'sign', {
      match: (t) => t.assigneeInstitutionId === DEMO_USERS.applicant.institutionId,
    });
    await decide(p1, 'contract_signature', 'coKg', 'sign', { match: (t) => t.assigneeRole === 'co_approver' });
    await eventually(async () => (await settledStage(p1)) === 'mission');
    await eventually(async () => {
      const history = await env().client.workflow.getHandle(p1.workflowId).fetchHistory();
      const accepted = history.events!.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId);
      return accepted.includes(updateId) ? null : true;
    });
    const again = await env()
      .client.workflow.getHandle(p1.workflowId)
      .executeUpdate(callSelectionUpdate, {
        updateId,
        args: [
          {
            updateId,
            phase: 'selection',
            decision: 'reject',
            rank: 1,
            actor: fm,
          },
        ],
      });
    expect(again).toEqual({ outcome: 'applied' });
    expect(await selectedEvents()).toBe(1);
    expect(await settledStage(p1)).toBe('mission');

    // Money frees up: p2 withdraws in contracting; p3 is next from the waitlist.
    await p2.executeUpdate(withdrawUpdate, { args: [{ actor: actorOf('applicant'), reason: 'partner left' }] });
    const freed = await until(call, (v) => v.nextFromWaitlist === idOf(p3));
    expect(freed.freedCents).toBe(4_000_000);
    await call.executeUpdate(selectFromWaitlistUpdate, { args: [{ actor: fm, proposalId: idOf(p3) }] });
    await eventually(async () => ((await settledStage(p3)) === 'contracting' ? true : null));
    expect(
      await ctx.db.prisma.auditEvent.count({ where: { subjectId: idOf(p3), action: 'selected_from_waitlist' } }),
    ).toBe(1);

    await call.executeUpdate(archiveCallUpdate, { args: [{ actor: fm }] });
    expect(await call.result()).toBe('archived');
    await recordHistory(call, 'call-dated');
    const done = await ctx.db.prisma.call.findUniqueOrThrow({ where: { id: callId } });
    expect(done.status).toBe('archived');
  }, lost);
});

test('review waits for stragglers unless the fund manager starts without them; a straggler gets reviewers on arrival', async () => {
  await ctx.withWorker(async (tq) => {
    const call = await startCall(tq, callFields(closingIn(8_000)), true);
    const callId = callIdOf(call);
    const early = await submit(tq, callId, 'applicant2', 30_000, 8_000);
    const late = await submit(tq, callId, 'applicant2', 30_000, 8_000);
    await decide(early, 'co_endorsement', 'coKg', 'endorse');
    expect(await settledStage(early)).toBe('selection');
    const closed = await until(call, (v) => v.status === 'closed' && v.waitingFor.length === 1);
    expect(closed.waitingFor[0].proposalId).toBe(idOf(late));
    expect(await updateFailureType(call.executeUpdate(startReviewUpdate, { args: [{ actor: fm }] }))).toBe(
      'NotAllowedNow',
    );
    const started = await call.executeUpdate(startReviewUpdate, { args: [{ actor: fm, withoutWaiting: true }] });
    expect(started.startedWithoutWaiting).toBe(true);
    await decide(late, 'co_endorsement', 'coKg', 'endorse');
    const assigned = await until(call, (v) => v.proposals.every((p) => p.reviewersDelivery === 'delivered'));
    expect(assigned.proposals.find((p) => p.proposalId === idOf(late))!.reviewerIds).toHaveLength(2);
    for (const p of [early, late]) await p.executeUpdate(withdrawUpdate, { args: [{ actor: actorOf('applicant2') }] });
  });
});

test('review starts by itself a working day after the call closed and its last proposal passed the alignment check', async () => {
  const DAY_MS = 800;
  await ctx.withWorker(
    async (tq) => {
      // Closes 30 (compressed) days after the clock started (the worker's start takes some of them); the proposal
      // is still before its endorsement then.
      const call = await startCall(tq, callFields(closingIn(30 * 86_400_000)), true);
      const p = await submit(tq, callIdOf(call), 'applicant2', 30_000, 8_000);
      const closed = await until(call, (v) => v.status === 'closed' && v.waitingFor.length === 1);
      expect(closed.reviewStartsAt).toBeNull();
      // While a proposal waits for its endorsement, the review does not start (several compressed days).
      await new Promise((r) => setTimeout(r, 3 * DAY_MS));
      expect((await state(call)).status).toBe('closed');

      await decide(p, 'co_endorsement', 'coKg', 'endorse');
      // Nothing waits now: the review is due at 09:00 of the office's next working day, shown on the call…
      const due = await until(call, (v) => v.status === 'closed' && !!v.reviewStartsAt);
      expect(Date.parse(due.reviewStartsAt!)).toBeGreaterThan(Date.parse(closed.closesAt!));
      // …and then starts by itself, with reviewers planned from the pool.
      const review = await until(call, (v) => v.status === 'review', 30_000);
      expect(review.history.find((e) => e.action === 'review_started')?.actorId).toBeNull();
      expect(review.startedWithoutWaiting).toBe(false);
      const assigned = await until(call, (v) => v.proposals.every((q) => q.reviewersDelivery === 'delivered'));
      expect(assigned.proposals[0].reviewerIds).toHaveLength(2);
      await p.executeUpdate(withdrawUpdate, { args: [{ actor: actorOf('applicant2') }] });
    },
    { clock: compressedClock(ctx.db.prisma, DAY_MS) },
  );
});

test('the seeded calls (rows without a workflow) get their workflows at start, once, and their proposals go to review one by one', async () => {
  await ctx.withWorker(async (tq) => {
    const seeded = await ctx.db.prisma.call.findMany({ where: { workflowId: null }, select: { id: true } });
    expect(seeded.length).toBeGreaterThan(0);
    expect(await ensureCallWorkflows(ctx.env.client, ctx.db.prisma, tq)).toBe(seeded.length);
    const rows = await eventually(async () => {
      const r = await ctx.db.prisma.call.findMany({ where: { id: { in: seeded.map((c) => c.id) } } });
      return r.every((c) => c.workflowId === callWorkflowId(c.id) && c.status === 'published') ? r : undefined;
    }, 30_000);
    // Its workflow holds the call's fields as the row has them, published.
    const kg = ctx.env.client.workflow.getHandle(callWorkflowId('call-kg'));
    const view = await until(kg, (v) => v.status === 'published');
    expect(view.fields.closesAt).toBe(
      rows
        .find((c) => c.id === 'call-kg')!
        .closesAt!.toISOString()
        .slice(0, 10),
    );
    expect(view.fields.reviewerPool.length).toBeGreaterThan(1);
    // The seed declares them one-by-one: a proposal gets its reviewers once it passed the alignment check,
    // though the call closes only on 2027-12-31.
    expect(view.fields.selectionMode).toBe('one_by_one');
    expect(rows.every((c) => c.selectionMode === 'one_by_one')).toBe(true);
    const p = await submit(tq, 'call-kg', 'applicant', 30_000, 8_000);
    await decide(p, 'co_endorsement', 'coKg', 'endorse');
    await decide(p, 'assign_reviewers', 'fundManager', 'assign', {
      data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] },
    });
    expect((await state(kg)).status).toBe('published');
    expect(
      await updateFailureType(kg.executeUpdate(startReviewUpdate, { args: [{ actor: fm, withoutWaiting: true }] })),
    ).toBe('NotAllowedNow');
    await p.executeUpdate(withdrawUpdate, { args: [{ actor: actorOf('applicant') }] });
    // A second start finds nothing left to start.
    expect(await ensureCallWorkflows(ctx.env.client, ctx.db.prisma, tq)).toBe(0);
    for (const c of seeded) await ctx.env.client.workflow.getHandle(callWorkflowId(c.id)).terminate('test over');
  });
});

test('a call with a closing date declared one-by-one closes by its timer; its proposals are selected on their own', async () => {
  const DAY_MS = 800;
  const clock = compressedClock(ctx.db.prisma, DAY_MS);
  await ctx.withWorker(
    async (tq) => {
      // Closes 10 calendar days after the clock's now (the worker's start took some): 8 s of the compressed clock.
      const at = new Date(clock.now().getTime() + 10 * 86_400_000).toISOString();
      const closing = { closesAt: at.slice(0, 10), closingTime: at.slice(11, 19), timeZone: 'UTC' };
      const call = await startCall(tq, callFields({ ...closing, selectionMode: 'one_by_one' }), true);
      await until(call, (x) => x.status === 'published');
      const p = await submit(tq, callIdOf(call), 'applicant2', 30_000, 8_000);
      await decide(p, 'co_endorsement', 'coKg', 'endorse');
      // Its own reviewer assignment, without waiting for the call.
      await decide(p, 'assign_reviewers', 'fundManager', 'assign', {
        data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] },
      });
      const closed = await until(call, (x) => x.status === 'closed', 60_000);
      expect(closed.proposals.map((q) => q.proposalId)).toContain(p.workflowId.replace(/^proposal-/, ''));
      expect(
        await updateFailureType(call.executeUpdate(startReviewUpdate, { args: [{ actor: fm, withoutWaiting: true }] })),
      ).toBe('NotAllowedNow');
      await call.executeUpdate(archiveCallUpdate, { args: [{ actor: fm }] });
      expect(await call.result()).toBe('archived');
      await recordHistory(call, 'call-one-by-one');
      await p.executeUpdate(withdrawUpdate, { args: [{ actor: actorOf('applicant2') }] });
      // A rolling call cannot be declared ranked.
      expect(
        await updateFailureType(
          startCall(tq, callFields({ closesAt: null }), false).then((h) =>
            h.executeUpdate(editCallUpdate, { args: [{ actor: fm, patch: { selectionMode: 'ranked' } }] }),
          ),
        ),
      ).toBe('InvalidDecision');
    },
    { clock },
  );
});

test('a rolling call stays published and its proposals are selected one by one', async () => {
  await ctx.withWorker(async (tq) => {
    const call = await startCall(tq, callFields({ closesAt: null }), true);
    const v = await until(call, (x) => x.status === 'published');
    expect(v.closesAt).toBeNull();
    expect(
      await updateFailureType(call.executeUpdate(extendCallUpdate, { args: [{ actor: fm, ...closingIn(60_000) }] })),
    ).toBe('NotAllowedNow');
    const p = await submit(tq, callIdOf(call), 'applicant', 30_000, 8_000);
    await decide(p, 'co_endorsement', 'coKg', 'endorse');
    await decide(p, 'assign_reviewers', 'fundManager', 'assign', {
      data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] },
    });
    for (const r of ['reviewer1', 'reviewer2'] as const) {
      const mine = (t: { assigneeUserId: string | null }) => t.assigneeUserId === DEMO_USERS[r].id;
      await decide(p, 'conflict_declaration', r, 'declare_no_conflict', {
        data: { noConflictDeclared: true },
        match: mine,
      });
      await decide(p, 'review_score', r, 'submit_score', {
        data: { scores: { innovation: 80, feasibility: 80 } },
        match: mine,
      });
    }
    expect((await decide(p, 'selection_decision', 'fundManager', 'select')).stage).toBe('contracting');
    expect((await state(call)).status).toBe('published');
    await call.executeUpdate(archiveCallUpdate, { args: [{ actor: fm }] });
    expect(await call.result()).toBe('archived');
    await p.executeUpdate(withdrawUpdate, { args: [{ actor: actorOf('applicant') }] });
  });
});
