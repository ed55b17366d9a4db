import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CallStatus, RankedProposal, SelectionDecision, SelectionItem } from '../domain/calls';
import type { Actor } from '../domain/roles';
import type { CallFields, CallPatch } from '../domain/schemas';

/**
 * Messages of the call workflow (`call-<id>`) and the two Updates it delivers to its proposals'
 * workflows, shared by the workflows, the activities, the API and the tests.
 */

/** `call-<id>`; ids made by the API already start with `call-` and are used as they are. */
export const callWorkflowId = (callId: string) => (callId.startsWith('call-') ? callId : `call-${callId}`);
/** The stable id of one call decision for one proposal: a repeat is answered with the first result. */
export const callUpdateId = (callId: string, proposalId: string, what: 'reviewers' | 'selection' | 'waitlist') =>
  `${callWorkflowId(callId)}:${proposalId}:${what}`;

export type DeliveryState = 'pending' | 'delivered' | 'already_decided' | 'closed';

export interface CallProposalView {
  proposalId: string;
  title: string;
  institutionId: string;
  stage: string;
  requestedCents: number;
  weightedScore: number | null;
  reviewerIds: string[];
  reviewersDelivery: DeliveryState | null;
  decision: SelectionDecision | null;
  justification: string | null;
  selectionDelivery: DeliveryState | null;
  /** Selected later from the waitlist. */
  fromWaitlist: boolean;
}

export interface CallEvent {
  at: string;
  action: string;
  actorId: string | null;
  data?: Record<string, unknown>;
}

/** Everything the call page shows; also stored in the read model (`Call.progress`). */
export interface CallView {
  callId: string;
  status: CallStatus;
  fields: CallFields;
  /** The closing instant (null: rolling). */
  closesAt: string | null;
  /** Proposals the review waits for (not yet through the alignment check). */
  waitingFor: { proposalId: string; title: string; stage: string }[];
  /** Review started without waiting for these; they get reviewers when they arrive. */
  startedWithoutWaiting: boolean;
  /** When the review starts by itself (closed, nothing waits): the fund manager may adjust reviewers or start it sooner until then. */
  reviewStartsAt?: string | null;
  proposals: CallProposalView[];
  /** Reviews per reviewer of the pool. */
  workload: Record<string, number>;
  shortfalls: { proposalId: string; eligible: number }[];
  conflicts: { reviewerId: string; proposalId: string }[];
  /** Scored proposals not decided yet, ranked (the selection the fund manager issues next). */
  ranking: RankedProposal[];
  envelopeCents: number | null;
  /** Money of the selected proposals still going (selected, not withdrawn, cancelled or rejected since). */
  committedCents: number;
  /** What a withdrawal or a cancelled or declined agreement gave back, with the waitlisted proposal next in rank order. */
  freedCents: number;
  nextFromWaitlist: string | null;
  delivery: { total: number; delivered: number; closed: number; pending: number };
  history: CallEvent[];
}

export const callStateQuery = defineQuery<CallView>('callState');
/** Answers once the call's row is in the read model (used with update-with-start when a call is created). */
export const callReadyUpdate = defineUpdate<CallView, []>('callReady');

export interface EditCallInput {
  actor: Actor;
  patch: CallPatch;
}
export const editCallUpdate = defineUpdate<CallView, [EditCallInput]>('editCall');
export const publishCallUpdate = defineUpdate<CallView, [{ actor: Actor }]>('publishCall');
export interface ExtendCallInput {
  actor: Actor;
  closesAt: string;
  closingTime?: string;
  timeZone?: string;
}
export const extendCallUpdate = defineUpdate<CallView, [ExtendCallInput]>('extendCall');
export interface StartReviewInput {
  actor: Actor;
  /** Start although proposals are still before the alignment check (they get reviewers on arrival). */
  withoutWaiting?: boolean;
}
export const startReviewUpdate = defineUpdate<CallView, [StartReviewInput]>('startReview');
export const adjustReviewersUpdate = defineUpdate<
  CallView,
  [{ actor: Actor; proposalId: string; reviewerIds: string[] }]
>('adjustReviewers');
export const declareCallConflictUpdate = defineUpdate<CallView, [{ actor: Actor; proposalId: string }]>(
  'declareCallConflict',
);
export const issueSelectionUpdate = defineUpdate<CallView, [{ actor: Actor; decisions: SelectionItem[] }]>(
  'issueSelection',
);
export const selectFromWaitlistUpdate = defineUpdate<
  CallView,
  [{ actor: Actor; proposalId: string; justification?: string }]
>('selectFromWaitlist');
export const archiveCallUpdate = defineUpdate<CallView, [{ actor: Actor }]>('archiveCall');
/** A proposal of the call changed stage (entered selection, was scored, left): the call re-reads its proposals. */
export const proposalChangedSignal = defineSignal<[{ proposalId: string }]>('proposalChanged');

// ---- delivered by the call's activities to proposal workflows (update id: callUpdateId)

export interface CallDeliveryResult {
  outcome: 'applied' | 'already_decided';
}
export const callReviewersUpdate = defineUpdate<CallDeliveryResult, [{ updateId: string; reviewerIds: string[] }]>(
  'callReviewers',
);
export interface CallSelectionInput {
  updateId: string;
  /** The call's selection, or the later decision on a waitlisted proposal. */
  phase: 'selection' | 'waitlist';
  decision: SelectionDecision;
  rank: number;
  justification?: string;
  actor: Actor;
}
export const callSelectionUpdate = defineUpdate<CallDeliveryResult, [CallSelectionInput]>('callSelection');
/** Failure type of a call Update a closed proposal refuses: the delivering activity stops (non-retryable). */
export const PROPOSAL_CLOSED = 'ProposalClosed';
