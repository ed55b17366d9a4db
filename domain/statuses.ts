/** Statuses and kinds the read model and schemas share (a leaf: the schemas load it before the registry exists). */
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
