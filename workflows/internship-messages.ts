/**
 * The Updates, Signals and Query of the internship workflows, shared with the API (house style:
 * module-level `define*`).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PostingStatus } from '../domain/internship';
import type { Actor } from '../domain/roles';
import type { Stage } from '../domain/stages';

export interface PostingView {
  postingId: string;
  status: PostingStatus;
  applicationDeadline: string;
  extensions: number;
  places: number;
  placesFilled: number;
}

/** Extend the application deadline (a Country Office of the posting's country, or a fund manager). */
export const extendPostingUpdate = defineUpdate<PostingView, [{ actor: Actor; applicationDeadline: string }]>(
  'extendPosting',
);
/** Withdraw the posting: it takes no more applications and those waiting are told. */
export const withdrawPostingUpdate = defineUpdate<PostingView, [{ actor: Actor; reason: string }]>('withdrawPosting');
/** Answers once the posting's row is written (the create route's update-with-start). */
export const postingReadyUpdate = defineUpdate<PostingView, []>('postingReady');
export const postingStateQuery = defineQuery<PostingView>('postingState');
/** From an application's workflow: it took place `placeSeq` (the last one: `filled`). */
export const placeTakenSignal = defineSignal<[{ placeSeq: number; filled: boolean }]>('placeTaken');
/** From the posting's workflow to an application still waiting: the posting is filled or withdrawn. */
/**
 * Ends a running placement early (the intern, the supervisor or a fund manager, with a reason): no
 * further month is paid; the funder's shares of the months served are still confirmed, then it ends `terminated`.
 */
export const terminateInternshipUpdate = defineUpdate<
  { stage: Stage },
  [{ actor: Actor; reason: string; requestId?: string }]
>('terminateInternship');
export const postingEndedSignal = defineSignal<[{ status: 'filled' | 'withdrawn'; reason?: string }]>('postingEnded');
