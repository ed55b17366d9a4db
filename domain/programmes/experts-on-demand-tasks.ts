import type { TaskKindSpec } from '../tasks';
import { reject, requestChanges, type SharedDecisionDataKey } from '../task-kind';

/** Its decisions take the shared data shapes only. */
export const EXPERTS_ON_DEMAND_DECISION_DATA = {} as const;

/** The task kinds of Experts on Demand alone (the shared steps' kinds are domain/tasks.ts's), merged into `TASK_KINDS` by the registry. */
export const EXPERTS_ON_DEMAND_TASK_KINDS = {
  shortlist_review: {
    stage: 'selection',
    role: 'fund_manager',
    sla: 'decision',
    decisions: { confirm: { data: 'comment' }, edit: { data: 'shortlistEdit' } },
    label: 'Review the expert shortlist',
    labelRu: 'Проверить короткий список экспертов',
    mail: 'task_assigned',
  },
  invitation_response: {
    stage: 'selection',
    role: 'expert',
    sla: 'invitation',
    expireWith: 'expired',
    decisions: { accept: { data: 'invitationAccept' }, decline: { data: 'invitationDecline' } },
    label: 'Respond to the invitation',
    labelRu: 'Ответить на приглашение',
    mail: 'expert_invitation',
  },
  candidate_selection: {
    stage: 'selection',
    role: 'co_approver',
    sla: 'decision',
    decisions: { select: { data: 'candidateSelect' }, reject },
    label: 'Select the expert',
    labelRu: 'Выбрать эксперта',
    mail: 'task_assigned',
  },
  fee_approval: {
    stage: 'contracting',
    role: 'fund_manager',
    sla: 'decision',
    decisions: { approve: { data: 'justification' }, reject },
    label: 'Approve the daily fee',
    labelRu: 'Утвердить дневную ставку',
    mail: 'task_assigned',
  },
  deliverable_submission: {
    stage: 'mission',
    role: 'expert',
    sla: 'report',
    decisions: { submit_deliverable: { data: 'deliverable' } },
    label: 'Submit the deliverable',
    labelRu: 'Представить результат',
    mail: 'task_assigned',
  },
  deliverable_acceptance: {
    stage: 'mission',
    role: 'co_approver',
    sla: 'verification',
    decisions: { accept: { data: 'comment' }, request_revision: requestChanges },
    label: 'Accept the deliverable',
    labelRu: 'Принять результат',
    mail: 'task_assigned',
  },
  expert_evaluation: {
    stage: 'evaluation',
    role: 'co_approver',
    sla: 'evaluation',
    decisions: { submit_evaluation: { data: 'feedback' } },
    label: 'Rate the expert',
    labelRu: 'Оценить работу эксперта',
    mail: 'evaluation_requested',
  },
  assignment_feedback: {
    stage: 'evaluation',
    role: 'expert',
    sla: 'evaluation',
    decisions: { submit_feedback: { data: 'feedback' } },
    label: 'Rate the assignment',
    labelRu: 'Оценить задание',
    mail: 'evaluation_requested',
  },
} as const satisfies Record<string, TaskKindSpec<SharedDecisionDataKey>>;
