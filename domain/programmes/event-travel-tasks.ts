import type { TaskKindSpec } from '../tasks';
import { reject, requestChanges, type SharedDecisionDataKey } from '../task-kind';
import { travelApprovalSchema, travelReportSchema, tripCancelSchema, tripChangeSchema } from '../event-travel';

/** The data of its own decisions (a decision body's `data`), merged into domain/tasks.ts `decisionData`. */
export const EVENT_TRAVEL_DECISION_DATA = {
  travelApproval: travelApprovalSchema,
  tripChange: tripChangeSchema,
  tripCancel: tripCancelSchema,
  travelReport: travelReportSchema,
} as const;

/** The task kinds of SDG event travel alone (the shared steps' kinds are domain/tasks.ts's), merged into `TASK_KINDS` by the registry. */
export const EVENT_TRAVEL_TASK_KINDS = {
  travel_review: {
    stage: 'selection',
    role: 'fund_manager',
    sla: 'decision',
    decisions: { approve: { data: 'travelApproval' }, request_changes: requestChanges, reject },
    label: 'Review the event travel application',
    labelRu: 'Рассмотреть заявку на поездку',
    mail: 'task_assigned',
  },
  travel_revision: {
    stage: 'selection',
    role: 'expert',
    sla: 'revision',
    decisions: { resubmit: { data: 'proposalChanges' } },
    label: 'Revise the travel application',
    labelRu: 'Доработать заявку на поездку',
    mail: 'changes_requested',
  },
  trip_confirmation: {
    stage: 'mission',
    role: 'expert',
    sla: 'decision',
    // Open until departure: it then expires, and the trip is under way.
    expireWith: 'departed',
    decisions: { change_dates: { data: 'tripChange' }, cancel_trip: { data: 'tripCancel' } },
    label: 'Before departure: change the dates or cancel the trip',
    labelRu: 'До отъезда: изменить даты или отменить поездку',
    mail: 'task_assigned',
  },
  travel_report: {
    stage: 'evaluation',
    role: 'expert',
    sla: 'report',
    decisions: { submit_report: { data: 'travelReport' } },
    label: 'Submit the back-to-office report',
    labelRu: 'Представить отчёт о поездке',
    mail: 'task_assigned',
  },
  settlement_verification: {
    stage: 'evaluation',
    role: 'fund_manager',
    sla: 'verification',
    decisions: { verify: { data: 'comment' }, request_revision: requestChanges },
    label: 'Verify the report and the settlement',
    labelRu: 'Проверить отчёт и окончательный расчёт',
    mail: 'task_assigned',
  },
} as const satisfies Record<string, TaskKindSpec<SharedDecisionDataKey | keyof typeof EVENT_TRAVEL_DECISION_DATA>>;
