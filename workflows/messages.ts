import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ReassignTarget } from '../domain/reassignment';
import type { Actor } from '../domain/roles';
import type { Stage } from '../domain/stages';
import type { TaskKind } from '../domain/tasks';

/** Messages shared by the workflows and their clients (API, tests, benchmarks). */

export interface DecideInput {
  taskId: string;
  actor: Actor;
  decision: string;
  comment?: string;
  data?: Record<string, unknown>;
  requestId?: string;
}

export interface DecideResult {
  taskId: string;
  decision: string;
  stage: Stage;
}

export interface ReassignInput {
  taskId: string;
  actor: Actor;
  /** The receiving person's account as the API read it (domain/reassignment.ts checks it). */
  to: ReassignTarget;
  reason?: string;
  requestId?: string;
}

export interface ReassignResult {
  taskId: string;
  assigneeUserId: string;
  stage: Stage;
}

export interface WithdrawInput {
  actor: Actor;
  reason?: string;
  requestId?: string;
}

export interface CancelInput {
  actor: Actor;
  reason: string;
  requestId?: string;
}

export interface TaskView {
  id: string;
  kind: TaskKind;
  stage: Stage;
  status: 'open' | 'deciding' | 'done' | 'cancelled';
  assigneeUserId: string | null;
  assigneeRole: string;
  assigneeCountryCode: string | null;
  /** The institution whose members may act (absent in views of older workers). */
  assigneeInstitutionId?: string | null;
  title: string;
  dueAt: string | null;
  overdue: boolean;
  /** Users who may not decide it although their role fits (absent in views of older workers). */
  excludeUserIds?: string[];
}

export interface HistoryEntry {
  seq: number;
  at: string;
  action: string;
  actorId: string | null;
  fromStage: Stage | null;
  toStage: Stage | null;
  taskId?: string;
  decision?: string;
  comment?: string;
}

export interface LifecycleView {
  workflowId: string;
  subjectId: string;
  stage: Stage;
  openTasks: TaskView[];
  history: HistoryEntry[];
}

/** Failure types a client maps to HTTP statuses. */
export const FAILURE = {
  taskNotFound: 'TaskNotFound', // 404
  taskNotOpen: 'TaskNotOpen', // 409
  forbidden: 'Forbidden', // 403
  invalidDecision: 'InvalidDecision', // 400
  invalidInput: 'InvalidInput', // 400 (validation_failed, with details)
  notAllowedNow: 'NotAllowedNow', // 409
} as const;

/** A human decision on an open task. Validator checks stage, actor and data before history is written. */
export const decideUpdate = defineUpdate<DecideResult, [DecideInput]>('decide');
/** An administrator (a fund manager, for the applicant side) hands an open task to another eligible person. */
export const reassignUpdate = defineUpdate<ReassignResult, [ReassignInput]>('reassign');
/** The applicant / requesting CO withdraws the subject at any open step. */
export const withdrawUpdate = defineUpdate<{ stage: Stage }, [WithdrawInput]>('withdraw');
/** A fund manager cancels the subject at any stage before it closes, with a reason (domain/cancellation.ts). */
export const cancelUpdate = defineUpdate<{ stage: Stage }, [CancelInput]>('cancel');
/** Resolves once the subject's read-model row exists; returns the current stage. Used with update-with-start. */
export const syncUpdate = defineUpdate<{ stage: Stage }, []>('sync');
export const stateQuery = defineQuery<LifecycleView>('state');

/** An applicant asks to move a milestone's date (no-cost extension); the Country Office decides in a task. */
export interface ExtensionRequestInput {
  /** The milestone's number, from 1. */
  milestone: number;
  newDueDate: string;
  reason: string;
  actor: Actor;
  requestId?: string;
}
export const requestExtensionUpdate = defineUpdate<{ taskId: string }, [ExtensionRequestInput]>('requestExtension');
