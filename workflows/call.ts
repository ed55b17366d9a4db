/**
 * A Challenge Fund call (`call-<id>`): draft → published → closed (a durable timer at its closing
 * instant, re-armed when the deadline is extended) → review (reviewers from the call's pool, delivered
 * to each proposal's workflow) → decided (one ranked selection for the whole call, delivered the same
 * way; waitlisted proposals selected later as money frees up) → archived. A rolling call (no closing
 * date) stays published: its proposals are selected one by one in their own workflows. So does a call
 * declared `one_by_one` (the demo seed's calls): its timer closes it to submissions, and it has no
 * review or selection of its own.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  callSelectionMode,
  nextFromWaitlist,
  rankProposals,
  selectionProblems,
  STAGES_BEFORE_REVIEW,
  type CallProposal,
  type CallStatus,
  type RankedProposal,
  type SelectionDecision,
} from '../domain/calls';
import { adjustmentProblems, assignReviewers, workload, type PoolReviewer } from '../domain/reviewer-assignment';
import type { Actor } from '../domain/roles';
import { callFieldProblems, callPatchSchema, fieldProblems, usdToCents, type CallFields } from '../domain/schemas';
import { isTerminal } from '../domain/stages';
import {
  adjustReviewersUpdate,
  archiveCallUpdate,
  callReadyUpdate,
  callStateQuery,
  callUpdateId,
  declareCallConflictUpdate,
  editCallUpdate,
  extendCallUpdate,
  issueSelectionUpdate,
  proposalChangedSignal,
  PROPOSAL_CLOSED,
  publishCallUpdate,
  selectFromWaitlistUpdate,
  startReviewUpdate,
  type CallEvent,
  type CallView,
  type DeliveryState,
} from './call-messages';
import { FAILURE } from './messages';

const {
  saveCall,
  callClosingInstant,
  scheduleDeadlines,
  callProposals,
  reviewerPool,
  notifyCallExtended,
  reviewAutoStartInstant,
} = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '10 seconds' },
});
// A decision reaches its proposal however long that takes; a closed proposal stops it.
const { deliverToProposal } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [PROPOSAL_CLOSED],
  },
});

type Delivery = 'reviewers' | 'selection' | 'waitlist';

interface Entry {
  reviewerIds: string[];
  decision: SelectionDecision | null;
  justification: string | null;
  rank: number | null;
  /** The later decision on a waitlisted proposal: selected when money freed up, or rejected at archiving. */
  waitlistDecision: 'select' | 'reject' | null;
  /** The fund manager who took the decision last delivered (selection, then the waitlist's). */
  decidedBy: Actor | null;
  deliveries: Partial<Record<Delivery, DeliveryState>>;
}

export interface CallState {
  status: CallStatus;
  fields: CallFields;
  closesAt: string | null;
  /** When the closing timer fires (scheduleDeadlines: the Clock's timer instant of `closesAt`). */
  closingTimerAt: string | null;
  proposals: CallProposal[];
  entries: Record<string, Entry>;
  pool: PoolReviewer[];
  conflicts: { reviewerId: string; proposalId: string }[];
  shortfalls: { proposalId: string; eligible: number }[];
  startedWithoutWaiting: boolean;
  /** Closed with every proposal through the alignment check: the calendar instant the review starts by itself, and its timer's. */
  reviewAutoStart?: { at: string; timerAt: string } | null;
  archiving: boolean;
  extensions: number;
  history: CallEvent[];
}

export interface CallWorkflowInput {
  callId: string;
  createdById: string | null;
  fields: CallFields;
  /** Publish at once (a call created without the draft step). */
  publish?: boolean;
  resume?: CallState;
}

const newEntry = (reviewerIds: string[]): Entry => ({
  reviewerIds,
  decision: null,
  justification: null,
  rank: null,
  waitlistDecision: null,
  decidedBy: null,
  deliveries: {},
});

function failure(type: string, message: string, details?: { path: string; message: string }[]): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: details ? [details] : undefined });
}
function invalid(problems: { path: string; message: string }[]): ApplicationFailure {
  return failure(FAILURE.invalidDecision, problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
}
function requireFundManager(actor: Actor): void {
  if (actor.role !== 'fund_manager') throw failure(FAILURE.forbidden, 'only a fund manager may do this');
}

export async function callWorkflow(input: CallWorkflowInput): Promise<CallStatus> {
  const { callId } = input;
  const { workflowId } = workflowInfo();
  const s: CallState = input.resume ?? {
    status: 'draft',
    fields: input.fields,
    closesAt: null,
    closingTimerAt: null,
    proposals: [],
    entries: {},
    pool: [],
    conflicts: [],
    shortfalls: [],
    startedWithoutWaiting: false,
    archiving: false,
    extensions: 0,
    history: [],
  };
  let refreshWanted = false;
  let closingChanged = false;
  let busy = false;
  const background: Promise<unknown>[] = [];

  const event = (action: string, actor: Actor | null, data?: Record<string, unknown>) =>
    s.history.push({ at: new Date().toISOString(), action, actorId: actor?.userId ?? null, ...(data ? { data } : {}) });

  // ---------- derived views

  const isLeft = (stage: string) => isTerminal(stage);
  const oneByOne = () => callSelectionMode(s.fields) === 'one_by_one';
  const proposal = (id: string) => s.proposals.find((p) => p.proposalId === id);
  const waitingFor = () =>
    s.proposals.filter((p) => (STAGES_BEFORE_REVIEW as readonly string[]).includes(p.stage) && !isLeft(p.stage));
  const envelopeCents = () =>
    s.fields.budgetEnvelopeUsd === undefined ? null : usdToCents(s.fields.budgetEnvelopeUsd);
  const committedCents = () =>
    Object.entries(s.entries)
      .filter(
        ([id, e]) => (e.decision === 'select' || e.waitlistDecision === 'select') && !isLeft(proposal(id)?.stage ?? ''),
      )
      .reduce((sum, [id]) => sum + (proposal(id)?.requestedCents ?? 0), 0);
  const availableCents = () => {
    const envelope = envelopeCents();
    return envelope === null ? null : envelope - committedCents();
  };
  /** Proposals with reviewers delivered whose scores are not in yet. */
  const reviewsPending = () =>
    s.proposals.filter(
      (p) => p.stage === 'selection' && p.weightedScore === null && s.entries[p.proposalId]?.deliveries.reviewers,
    );
  const ranking = (): RankedProposal[] =>
    rankProposals(
      s.proposals
        .filter((p) => p.stage === 'selection' && p.weightedScore !== null && !s.entries[p.proposalId]?.decision)
        .map((p) => ({
          proposalId: p.proposalId,
          title: p.title,
          weightedScore: p.weightedScore!,
          requestedCents: p.requestedCents,
        })),
      s.fields.passMark,
      availableCents(),
    );
  const waitlisted = () =>
    Object.entries(s.entries)
      .filter(([id, e]) => e.decision === 'waitlist' && !e.waitlistDecision && !isLeft(proposal(id)?.stage ?? ''))
      .map(([id, e]) => ({ proposalId: id, rank: e.rank ?? 0, requestedCents: proposal(id)?.requestedCents ?? 0 }));

  function view(): CallView {
    const deliveries = Object.values(s.entries).flatMap((e) => [e.deliveries.selection, e.deliveries.waitlist]);
    const counted = deliveries.filter((d): d is DeliveryState => d !== undefined);
    const available = availableCents();
    return {
      callId,
      status: s.status,
      fields: s.fields,
      closesAt: s.closesAt,
      waitingFor: waitingFor().map((p) => ({ proposalId: p.proposalId, title: p.title, stage: p.stage })),
      startedWithoutWaiting: s.startedWithoutWaiting,
      reviewStartsAt: s.status === 'closed' ? (s.reviewAutoStart?.at ?? null) : null,
      proposals: s.proposals.map((p) => {
        const e = s.entries[p.proposalId];
        return {
          ...p,
          reviewerIds: e?.reviewerIds ?? [],
          reviewersDelivery: e?.deliveries.reviewers ?? null,
          decision: e?.decision ?? null,
          justification: e?.justification ?? null,
          selectionDelivery: e?.deliveries.selection ?? null,
          fromWaitlist: e?.waitlistDecision === 'select',
        };
      }),
      workload: workload(s.pool, Object.fromEntries(Object.entries(s.entries).map(([id, e]) => [id, e.reviewerIds]))),
      shortfalls: s.shortfalls,
      conflicts: s.conflicts,
      ranking: ranking(),
      envelopeCents: envelopeCents(),
      committedCents: committedCents(),
      freedCents: available === null ? 0 : Math.max(0, available),
      nextFromWaitlist: nextFromWaitlist(waitlisted(), available),
      delivery: {
        total: counted.length,
        delivered: counted.filter((d) => d === 'delivered' || d === 'already_decided').length,
        closed: counted.filter((d) => d === 'closed').length,
        pending: counted.filter((d) => d === 'pending').length,
      },
      history: s.history,
    };
  }

  // Saves run one after another, each writing the state as it is when it runs.
  let saved: Promise<void> = Promise.resolve();
  const persist = () =>
    (saved = saved.then(() => saveCall({ workflowId, createdById: input.createdById, view: view() })));

  async function refresh(): Promise<void> {
    refreshWanted = false;
    s.proposals = await callProposals({ callId });
  }

  /** Reviewers for the proposals through the alignment check that have none yet (stragglers included). */
  function planReviewers(): void {
    const unplanned = s.proposals.filter(
      (p) => p.stage === 'selection' && p.weightedScore === null && !s.entries[p.proposalId],
    );
    if (!unplanned.length) return;
    const load = workload(s.pool, Object.fromEntries(Object.entries(s.entries).map(([id, e]) => [id, e.reviewerIds])));
    const result = assignReviewers({
      proposals: unplanned,
      pool: s.pool,
      perProposal: s.fields.reviewersPerProposal,
      conflicts: s.conflicts,
      load,
    });
    for (const [id, reviewerIds] of Object.entries(result.assignments)) s.entries[id] = newEntry(reviewerIds);
    s.shortfalls = [...s.shortfalls.filter((x) => !result.assignments[x.proposalId]), ...result.shortfalls];
  }

  async function deliver(proposalId: string, what: Delivery): Promise<void> {
    const e = s.entries[proposalId];
    const updateId = callUpdateId(callId, proposalId, what);
    try {
      const result =
        what === 'reviewers'
          ? await deliverToProposal({ proposalId, updateId, kind: 'reviewers', reviewerIds: e.reviewerIds })
          : await deliverToProposal({
              proposalId,
              updateId,
              kind: 'selection',
              selection: {
                phase: what === 'waitlist' ? 'waitlist' : 'selection',
                decision: what === 'waitlist' ? e.waitlistDecision! : e.decision!,
                rank: e.rank ?? 0,
                justification: e.justification ?? undefined,
                actor: e.decidedBy ?? { userId: 'system', role: 'fund_manager' },
              },
            });
      e.deliveries[what] = result.outcome === 'applied' ? 'delivered' : 'already_decided';
    } catch (err) {
      if (!(
        err instanceof ActivityFailure &&
        err.cause instanceof ApplicationFailure &&
        err.cause.type === PROPOSAL_CLOSED
      ))
        throw err;
      e.deliveries[what] = 'closed';
    }
    await persist();
  }

  const undelivered = (): [string, Delivery][] =>
    Object.entries(s.entries).flatMap(([id, e]): [string, Delivery][] => {
      const out: [string, Delivery][] = [];
      if (s.status !== 'closed' && e.reviewerIds.length && !e.deliveries.reviewers) out.push([id, 'reviewers']);
      if (e.decision && !e.deliveries.selection) out.push([id, 'selection']);
      if (e.waitlistDecision && !e.deliveries.waitlist) out.push([id, 'waitlist']);
      return out;
    });

  // ---------- handlers

  let ready = input.resume !== undefined;
  setHandler(callStateQuery, view);
  setHandler(callReadyUpdate, async () => {
    await condition(() => ready);
    return view();
  });
  setHandler(proposalChangedSignal, () => {
    refreshWanted = true;
  });

  setHandler(
    editCallUpdate,
    async ({ actor, patch }) => {
      s.fields = { ...s.fields, ...callPatchSchema.parse(patch) };
      event('edited', actor, { fields: Object.keys(patch) });
      await persist();
      return view();
    },
    {
      validator: ({ actor, patch }) => {
        requireFundManager(actor);
        if (s.status !== 'draft')
          throw failure(FAILURE.notAllowedNow, `the call is ${s.status}: only a draft can be edited`);
        const parsed = callPatchSchema.safeParse(patch);
        if (!parsed.success) throw invalid(fieldProblems(parsed.error.issues));
        const problems = callFieldProblems({ ...s.fields, ...parsed.data });
        if (problems.length) throw invalid(problems);
      },
    },
  );

  /** The calendar instant of a closing and the instant its timer fires at, from the Clock (null: a rolling call). */
  async function closingOf(f: Pick<CallFields, 'closesAt' | 'closingTime' | 'timeZone'>) {
    const { countryCode } = s.fields;
    const closesAt = await callClosingInstant({ countryCode, ...f });
    if (closesAt === null) return null;
    const [deadline] = await scheduleDeadlines({ countryCode, items: [{ kind: 'at', at: closesAt }] });
    return { closesAt, timerAt: deadline.timers.dueAt, passed: Date.parse(deadline.timers.dueAt) <= Date.now() };
  }

  async function publish(actor: Actor | null): Promise<void> {
    const closing = await closingOf(s.fields);
    if (closing?.passed)
      throw invalid([{ path: 'closesAt', message: 'the closing time has passed: extend it before publishing' }]);
    const closesAt = closing?.closesAt ?? null;
    s.closesAt = closesAt;
    s.closingTimerAt = closing?.timerAt ?? null;
    s.status = 'published';
    event('published', actor, { closesAt });
  }

  setHandler(
    publishCallUpdate,
    async ({ actor }) => {
      busy = true;
      try {
        await publish(actor);
      } finally {
        busy = false;
      }
      await persist();
      return view();
    },
    {
      validator: ({ actor }) => {
        requireFundManager(actor);
        if (s.status !== 'draft' || busy) throw failure(FAILURE.notAllowedNow, `the call is ${s.status}, not a draft`);
      },
    },
  );

  setHandler(
    extendCallUpdate,
    async ({ actor, closesAt, closingTime, timeZone }) => {
      const next = {
        closesAt,
        closingTime: closingTime ?? s.fields.closingTime,
        timeZone: timeZone ?? s.fields.timeZone,
      };
      const closing = (await closingOf(next))!;
      const instant = closing.closesAt;
      if (s.status !== 'published') throw failure(FAILURE.notAllowedNow, `the call closed meanwhile (${s.status})`);
      if (s.closesAt && Date.parse(instant) <= Date.parse(s.closesAt))
        throw invalid([{ path: 'closesAt', message: `must be later than the current closing (${s.closesAt})` }]);
      s.fields = { ...s.fields, ...next };
      s.closesAt = instant;
      s.closingTimerAt = closing.timerAt;
      s.extensions++;
      closingChanged = true;
      event('deadline_extended', actor, { closesAt: instant });
      await persist();
      background.push(
        notifyCallExtended({
          workflowId,
          step: `extend-${s.extensions}`,
          callId,
          title: s.fields.title,
          countryCode: s.fields.countryCode,
          closesAt: instant,
        }),
      );
      return view();
    },
    {
      validator: ({ actor }) => {
        requireFundManager(actor);
        if (s.status !== 'published' || s.closesAt === null)
          throw failure(
            FAILURE.notAllowedNow,
            s.closesAt === null && s.status === 'published'
              ? 'a rolling call has no deadline to extend'
              : `the call is ${s.status}: only an open call's deadline can be extended`,
          );
      },
    },
  );

  setHandler(
    startReviewUpdate,
    async ({ actor, withoutWaiting }) => {
      busy = true;
      try {
        await refresh();
      } finally {
        busy = false;
      }
      const waiting = waitingFor();
      if (waiting.length && !withoutWaiting)
        throw failure(
          FAILURE.notAllowedNow,
          `waiting for ${waiting.length} proposal(s) before the alignment check: ${waiting.map((p) => p.proposalId).join(', ')}`,
        );
      planReviewers();
      s.startedWithoutWaiting = waiting.length > 0;
      s.status = 'review';
      event('review_started', actor, { without: waiting.map((p) => p.proposalId) });
      await persist();
      return view();
    },
    {
      validator: ({ actor, withoutWaiting }) => {
        requireFundManager(actor);
        if (oneByOne())
          throw failure(FAILURE.notAllowedNow, 'the call selects its proposals one by one: each has its own review');
        if (s.status !== 'closed' || busy)
          throw failure(FAILURE.notAllowedNow, `the call is ${s.status}: review starts after it closed`);
        const waiting = waitingFor();
        if (waiting.length && !withoutWaiting)
          throw failure(
            FAILURE.notAllowedNow,
            `waiting for ${waiting.length} proposal(s) before the alignment check: ${waiting.map((p) => p.proposalId).join(', ')}`,
          );
      },
    },
  );

  setHandler(
    adjustReviewersUpdate,
    async ({ actor, proposalId, reviewerIds }) => {
      s.entries[proposalId].reviewerIds = reviewerIds;
      s.shortfalls = s.shortfalls.filter((x) => x.proposalId !== proposalId);
      event('reviewers_adjusted', actor, { proposalId, reviewerIds });
      await persist();
      return view();
    },
    {
      validator: ({ actor, proposalId, reviewerIds }) => {
        requireFundManager(actor);
        const e = s.entries[proposalId];
        const p = proposal(proposalId);
        if (!e || !p)
          throw failure(FAILURE.taskNotFound, `proposal ${proposalId} has no reviewers planned in this call`);
        if (e.deliveries.reviewers)
          throw failure(FAILURE.notAllowedNow, 'its review has started: replace a reviewer on the proposal instead');
        const problems = adjustmentProblems(
          { pool: s.pool, conflicts: s.conflicts, perProposal: s.fields.reviewersPerProposal },
          p,
          reviewerIds,
        );
        if (problems.length) throw invalid(problems);
      },
    },
  );

  setHandler(
    declareCallConflictUpdate,
    async ({ actor, proposalId }) => {
      s.conflicts.push({ reviewerId: actor.userId, proposalId });
      const e = s.entries[proposalId];
      if (e && !e.deliveries.reviewers && e.reviewerIds.includes(actor.userId)) {
        delete s.entries[proposalId];
        planReviewers();
      }
      event('conflict_declared', actor, { proposalId });
      await persist();
      return view();
    },
    {
      validator: ({ actor, proposalId }) => {
        if (actor.role !== 'reviewer' || !s.fields.reviewerPool.includes(actor.userId))
          throw failure(
            FAILURE.forbidden,
            'only a reviewer of the call’s pool may declare a conflict on its proposals',
          );
        if (!proposal(proposalId)) throw failure(FAILURE.taskNotFound, `proposal ${proposalId} is not in this call`);
        if (s.conflicts.some((c) => c.reviewerId === actor.userId && c.proposalId === proposalId))
          throw failure(FAILURE.notAllowedNow, 'conflict already declared');
      },
    },
  );

  setHandler(
    issueSelectionUpdate,
    async ({ actor, decisions }) => {
      const ranked = new Map(ranking().map((r) => [r.proposalId, r]));
      for (const d of decisions) {
        const e = (s.entries[d.proposalId] ??= newEntry([]));
        e.decision = d.decision;
        e.justification = d.justification?.trim() || null;
        e.rank = ranked.get(d.proposalId)?.rank ?? null;
        e.decidedBy = actor;
      }
      s.status = 'decided';
      event('selection_issued', actor, {
        decisions: decisions.map((d) => ({ proposalId: d.proposalId, decision: d.decision })),
      });
      await persist();
      return view();
    },
    {
      validator: ({ actor, decisions }) => {
        requireFundManager(actor);
        if (s.status !== 'review' && s.status !== 'decided')
          throw failure(FAILURE.notAllowedNow, `the call is ${s.status}: selection follows the review`);
        const pending = reviewsPending();
        if (pending.length)
          throw failure(
            FAILURE.notAllowedNow,
            `reviews are not in yet for ${pending.map((p) => p.proposalId).join(', ')}`,
          );
        const ranked = ranking();
        if (!ranked.length) throw failure(FAILURE.notAllowedNow, 'no scored proposal awaits selection');
        const problems = selectionProblems(ranked, decisions, availableCents());
        if (problems.length) throw invalid(problems);
      },
    },
  );

  setHandler(
    selectFromWaitlistUpdate,
    async ({ actor, proposalId, justification }) => {
      const e = s.entries[proposalId];
      e.waitlistDecision = 'select';
      e.decidedBy = actor;
      if (justification?.trim()) e.justification = justification.trim();
      event('selected_from_waitlist', actor, { proposalId });
      await persist();
      return view();
    },
    {
      validator: ({ actor, proposalId, justification }) => {
        requireFundManager(actor);
        const w = waitlisted().find((x) => x.proposalId === proposalId);
        if (!w) throw failure(FAILURE.notAllowedNow, `proposal ${proposalId} is not on this call's waitlist`);
        const available = availableCents();
        if (available !== null && w.requestedCents > available)
          throw invalid([
            {
              path: 'proposalId',
              message: `it requests USD ${w.requestedCents / 100}; USD ${available / 100} of the envelope is free`,
            },
          ]);
        if (nextFromWaitlist(waitlisted(), available) !== proposalId && !justification?.trim())
          throw invalid([
            { path: 'justification', message: 'a better-ranked proposal is waiting: a justification is required' },
          ]);
      },
    },
  );

  setHandler(
    archiveCallUpdate,
    async ({ actor }) => {
      s.archiving = true;
      for (const w of waitlisted()) {
        s.entries[w.proposalId].waitlistDecision = 'reject';
        s.entries[w.proposalId].decidedBy = actor;
      }
      event('archiving', actor);
      await persist();
      // Answer archived, unless decisions for waitlisted proposals are still on their way (then archiving).
      await condition(() => s.status === 'archived' || undelivered().length > 0);
      await saved;
      return view();
    },
    {
      validator: ({ actor }) => {
        requireFundManager(actor);
        const notSelecting = (s.status === 'published' || s.status === 'closed') && oneByOne();
        if (!(s.status === 'decided' || notSelecting || s.status === 'draft') || s.archiving)
          throw failure(
            FAILURE.notAllowedNow,
            `the call is ${s.status}: archive it once decided (or one selecting one by one, or a draft)`,
          );
      },
    },
  );

  // ---------- the call's life

  if (!input.resume) {
    event('created', input.createdById ? { userId: input.createdById, role: 'fund_manager' } : null);
    if (input.publish) {
      try {
        await publish(input.createdById ? { userId: input.createdById, role: 'fund_manager' } : null);
      } catch (err) {
        // The closing time passed between the request and the start: the call stays a draft to extend.
        if (!(err instanceof ApplicationFailure)) throw err;
        event('publish_refused', null, { reason: err.message });
      }
    }
    await persist();
    ready = true;
  }

  for (;;) {
    if (s.archiving && !undelivered().length) {
      s.status = 'archived';
      event('archived', null);
      await persist();
      break;
    }
    if (s.status === 'draft' || (s.status === 'published' && s.closesAt === null)) {
      const was = s.status;
      await condition(() => s.status !== was || s.archiving);
      continue;
    }
    if (s.status === 'published') {
      closingChanged = false;
      const dueIn = Date.parse(s.closingTimerAt!) - Date.now();
      if (dueIn > 0 && (await condition(() => closingChanged || refreshWanted || s.archiving, dueIn))) {
        if (refreshWanted) {
          await refresh();
          await persist();
        }
        continue;
      }
      if (oneByOne()) {
        await refresh();
        s.status = 'closed';
        event('closed', null, { closesAt: s.closesAt });
        await persist();
        continue;
      }
      // What the review needs is read before anyone can see the call closed and start it.
      s.pool = await reviewerPool({ reviewerIds: s.fields.reviewerPool });
      await refresh();
      s.status = 'closed';
      event('closed', null, { closesAt: s.closesAt });
      planReviewers();
      await persist();
      continue;
    }
    // Closed to submissions, its proposals selected one by one in their own workflows: nothing left but archiving.
    if (oneByOne()) {
      await condition(() => s.archiving);
      continue;
    }
    // closed, review, decided: follow the proposals, deliver what is due
    if (refreshWanted) {
      await refresh();
      planReviewers();
      await persist();
      continue;
    }
    // Closed, and every proposal through the alignment check or gone: the review starts by itself after
    // a working day of the office (time for the fund manager to adjust the planned reviewers, or start sooner).
    if (s.status === 'closed' && !waitingFor().length && s.proposals.some((p) => !isLeft(p.stage))) {
      if (!s.reviewAutoStart) {
        const at = await reviewAutoStartInstant({ countryCode: s.fields.countryCode });
        const [deadline] = await scheduleDeadlines({ countryCode: s.fields.countryCode, items: [{ kind: 'at', at }] });
        s.reviewAutoStart = { at: deadline.dueAt, timerAt: deadline.timers.dueAt };
        await persist();
      }
      const dueIn = Date.parse(s.reviewAutoStart.timerAt) - Date.now();
      if (dueIn > 0 && (await condition(() => refreshWanted || s.status !== 'closed' || s.archiving, dueIn))) continue;
      if (s.status === 'closed' && !waitingFor().length) {
        planReviewers();
        s.status = 'review';
        event('review_started', null, { automatic: true, without: [] });
        await persist();
      }
      continue;
    }
    const due = undelivered();
    if (due.length) {
      await Promise.all(due.map(([id, what]) => deliver(id, what)));
      continue;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await saved;
      await Promise.all(background);
      await condition(allHandlersFinished);
      await continueAsNew<typeof callWorkflow>({ ...input, resume: s });
    }
    const status = s.status;
    const dueCount = () => undelivered().length;
    await condition(() => refreshWanted || s.status !== status || dueCount() > 0 || s.archiving);
  }
  await saved;
  await Promise.all(background);
  await condition(allHandlersFinished);
  return s.status;
}
