/**
 * Phases and outcomes every programme shares, and the stage machine. Each programme declares its
 * own stage list (domain/programmes/), each stage mapped to a phase, and its terminal stages, each
 * mapped to an outcome; the pipeline, the funnel, the `Stage` search attribute and reports across
 * programmes speak in phases, a programme's own pages and `ProgrammeStage` in its stages.
 */
import { TERMINAL_STAGE_NAMES } from './registry';

export {
  canTransition,
  phaseOf,
  PROGRAMMES,
  STAGES,
  SUBJECT_TYPES,
  workflowIdFor,
  type Programme,
  type Stage,
  type SubjectType,
} from './registry';

export { OUTCOMES, PHASES, type Outcome, type Phase } from './phases';

export function isTerminal(stage: string): boolean {
  return TERMINAL_STAGE_NAMES.has(stage);
}

export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const ALIGNMENT_RESULTS = ['aligned', 'not_aligned', 'needs_review'] as const;
export type AlignmentResult = (typeof ALIGNMENT_RESULTS)[number];

export const MODALITIES = ['desk', 'online', 'mission'] as const;
export type Modality = (typeof MODALITIES)[number];

export const DELIVERABLE_STATUSES = ['pending', 'submitted', 'revision_requested', 'accepted'] as const;
export type DeliverableStatus = (typeof DELIVERABLE_STATUSES)[number];

export const CONTRACT_STATUSES = ['awaiting_signatures', 'signed', 'declined'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed', 'skipped', 'digest'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
