/**
 * The one stage machine both programmes share. Workflows, activities, the API and the
 * read model all use these lists; nothing else spells a stage or status.
 */
export const PROGRAMMES = ['challenge_fund', 'experts_on_demand'] as const;
export type Programme = (typeof PROGRAMMES)[number];

export const SUBJECT_TYPES = ['proposal', 'expert_request'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export const SUBJECT_OF_PROGRAMME: Record<Programme, SubjectType> = {
  challenge_fund: 'proposal',
  experts_on_demand: 'expert_request',
};

export const ACTIVE_STAGES = [
  'intake', // national demand: eligibility / request validation
  'co_endorsement',
  'alignment_check', // UNDAF / Cooperation Framework
  'selection',
  'contracting',
  'mission', // implementation
  'evaluation',
] as const;
export const TERMINAL_STAGES = ['closed', 'rejected', 'withdrawn', 'cancelled'] as const;
export const STAGES = [...ACTIVE_STAGES, ...TERMINAL_STAGES] as const;
export type ActiveStage = (typeof ACTIVE_STAGES)[number];
export type TerminalStage = (typeof TERMINAL_STAGES)[number];
export type Stage = (typeof STAGES)[number];

export function isTerminal(stage: Stage): stage is TerminalStage {
  return (TERMINAL_STAGES as readonly string[]).includes(stage);
}

/** Forward moves; any active stage may also end in rejected / withdrawn / cancelled. */
const FORWARD: Record<ActiveStage, Stage[]> = {
  intake: ['co_endorsement'],
  co_endorsement: ['alignment_check'],
  alignment_check: ['selection'],
  selection: ['contracting'],
  contracting: ['mission'],
  mission: ['evaluation'],
  evaluation: ['closed'],
};

export function canTransition(from: Stage, to: Stage): boolean {
  if (isTerminal(from)) return false;
  if (to === 'rejected' || to === 'withdrawn' || to === 'cancelled') return true;
  return FORWARD[from].includes(to);
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

export function workflowIdFor(subjectType: SubjectType, id: string): string {
  return subjectType === 'proposal' ? `proposal-${id}` : `expert-request-${id}`;
}
