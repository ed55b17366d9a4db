import type { Reason } from './policy/findings';
import type { Role } from './roles';
import type { SubjectType } from './registry';

/** Every kind of mail the system sends. Task-assigned and decision mails are essential (no opt-out). */
export const NOTIFICATION_TEMPLATES = [
  'task_assigned',
  'reminder',
  'overdue_escalation',
  'decision_outcome',
  'changes_requested',
  'expert_invitation',
  'contract_to_sign',
  'payment_released',
  'evaluation_requested',
  'document_quarantined',
  'call_deadline_extended',
  'message_posted',
] as const;
export type NotificationTemplate = (typeof NOTIFICATION_TEMPLATES)[number];

/** Only reminders may be switched off by the recipient. */
export const NON_ESSENTIAL_TEMPLATES: readonly NotificationTemplate[] = ['reminder'];

export type Recipient =
  | { userId: string }
  /** Active users of the role, in the country or (the applicant side) the institution when named. */
  | { role: Role; countryCode?: string | null; institutionId?: string | null; excludeUserIds?: string[] }
  | { expertId: string };

/** Everything a template may show. All strings/numbers; dates as ISO strings. */
export interface NotificationData {
  subjectType: SubjectType;
  subjectId: string;
  subjectTitle: string;
  countryCode: string;
  stage?: string;
  taskId?: string;
  taskKind?: string;
  dueAt?: string;
  decision?: string;
  comment?: string;
  amountUsd?: number;
  /** The milestone (proposal) or deliverable (expert request) a payment is for. */
  milestoneSeq?: number;
  milestoneTitle?: string;
  outcome?: string;
  /** A document a mail is about (its sanitised name), and what the malware scan found in it. */
  documentName?: string;
  finding?: string;
  /** A message on the subject's thread: who wrote it, and for which side (its key); its text travels as `comment`. */
  from?: string;
  fromSide?: string;
  /** Why the system decided (failed policy rules), worded per language by the template. */
  reasons?: Reason[];
  /** Where the mail links to, when not the task or the subject (a call's page). */
  url?: string;
}

export interface NotificationRequest {
  template: NotificationTemplate;
  to: Recipient;
  data: NotificationData;
}
