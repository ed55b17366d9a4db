import { z } from 'zod';
import { documentIdSchema } from './documents';
import { fieldProblems, text, textOrBlank, type FieldProblem } from './schemas';
import type { NotificationTemplate } from './notifications';
import type { Phase } from './stages';
import { travelApprovalSchema, travelReportSchema, tripCancelSchema, tripChangeSchema } from './event-travel';
import {
  unvClearancesSchema,
  unvDeploymentSchema,
  unvEndReportSchema,
  unvExtensionRequestSchema,
  unvHostSelectionSchema,
  unvNotClearedSchema,
  unvOfferDeclineSchema,
  unvSeparationSchema,
  unvShortlistSchema,
  unvStatementSchema,
  unvVolunteerClearancesSchema,
} from './unv';
import { funderPaymentSchema, interviewSchema, onboardingSchema, universityVerificationSchema } from './internship';

/** SLA keys: every human step's due time comes from configuration (days, counted by the Clock). */
export const SLA_KEYS = [
  'endorsement',
  'revision',
  'review',
  'decision',
  'signature',
  'report',
  'verification',
  'invitation',
  'evaluation',
] as const;
export type SlaKey = (typeof SLA_KEYS)[number];
export interface SlaSetting {
  dueMs: number;
  remindBeforeMs: number;
}
export type SlaSettings = Record<SlaKey, SlaSetting>;

/** The SLA settings (SLA_*_DAYS): whole numbers are working days of the office, fractions a plain duration. */
export interface SlaDays {
  default: number;
  endorsement: number;
  invitation: number;
  reminderBefore: number;
}

export const DEFAULT_SLA_DAYS: SlaDays = { default: 7, endorsement: 10, invitation: 5, reminderBefore: 3 };

/** Days until a step of this SLA falls due, and days before that its reminder goes out. */
export function slaDaysOf(key: SlaKey, days: SlaDays): { dueDays: number; remindBeforeDays: number } {
  const due = key === 'endorsement' ? days.endorsement : key === 'invitation' ? days.invitation : days.default;
  const remind = Math.min(days.reminderBefore, due / 2);
  return { dueDays: due, remindBeforeDays: Number.isInteger(due) ? Math.floor(remind) : remind };
}

/** Workflows started before the Clock carried their SLAs in milliseconds (kept for their replay). */
export function slaFromDays(days: {
  default: number;
  endorsement: number;
  invitation: number;
  reminderBefore: number;
}): SlaSettings {
  const DAY = 86_400_000;
  const make = (d: number): SlaSetting => ({
    dueMs: d * DAY,
    remindBeforeMs: Math.min(days.reminderBefore, d / 2) * DAY,
  });
  const out = {} as SlaSettings;
  for (const key of SLA_KEYS) out[key] = make(days.default);
  out.endorsement = make(days.endorsement);
  out.invitation = make(days.invitation);
  return out;
}

// ---------- decision payloads: one zod schema each, shared by workflow validators, API, OpenAPI, tests ----------

const rating = z.number().int().min(1).max(5);

/** Files a report or deliverable is submitted with: the submitter's uploads to the subject (the API checks them). */
const submittedDocuments = z
  .array(documentIdSchema)
  .max(10)
  .optional()
  .describe('Documents you uploaded to this proposal or request (POST …/documents), submitted with it');

export const decisionData = {
  none: z.object({}).strict(),
  comment: z.object({}).strict(),
  /** Signing a generated agreement: the SHA-256 of the version read and the statement confirmed (required when the task shows a document). */
  signature: z
    .object({
      documentSha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex')
        .optional(),
      statement: z.string().min(1).max(300).optional(),
    })
    .strict(),
  assignReviewers: z.object({ reviewerIds: z.array(z.string().min(1)).min(1).max(10) }).strict(),
  score: z
    .object({
      scores: z.record(z.string(), z.number().min(0).max(100)),
      // Declared already in conflict_declaration; accepted again for clients that restate it.
      noConflictDeclared: z.literal(true).optional(),
    })
    .strict(),
  noConflict: z.object({ noConflictDeclared: z.literal(true) }).strict(),
  conflict: z.object({ reason: text(2000) }).strict(),
  justification: z.object({ justification: text(5000) }).strict(),
  optionalJustification: z.object({ justification: text(5000).optional() }).strict(),
  report: z
    .object({
      report: text(20000),
      beneficiariesReached: z.number().int().min(0).optional(),
      documentIds: submittedDocuments,
    })
    .strict(),
  evaluation: z
    .object({
      ratings: z.record(z.string(), rating).refine((r) => Object.keys(r).length > 0, 'at least one criterion'),
      narrative: text(10000),
      beneficiaries: z.number().int().min(0).optional(),
    })
    .strict(),
  feedback: z.object({ rating, narrative: text(10000) }).strict(),
  shortlistEdit: z.object({ expertIds: z.array(z.string().min(1)).min(1).max(10) }).strict(),
  invitationAccept: z.object({ availabilityConfirmed: z.literal(true), noConflictDeclared: z.literal(true) }).strict(),
  invitationDecline: z.object({ reason: text(2000) }).strict(),
  candidateSelect: z
    .object({ expertIds: z.array(z.string().min(1)).min(1).max(1), justification: text(5000).optional() })
    .strict(),
  deliverable: z
    .object({ report: text(20000), link: z.string().url().max(2000).optional(), documentIds: submittedDocuments })
    .strict(),
  proposalChanges: z.record(z.string(), z.unknown()),
  travelApproval: travelApprovalSchema,
  tripChange: tripChangeSchema,
  tripCancel: tripCancelSchema,
  travelReport: travelReportSchema,
  unvShortlist: unvShortlistSchema,
  unvHostSelection: unvHostSelectionSchema,
  unvOfferDecline: unvOfferDeclineSchema,
  unvClearances: unvClearancesSchema,
  unvNotCleared: unvNotClearedSchema,
  unvDeployment: unvDeploymentSchema,
  unvExtensionRequest: unvExtensionRequestSchema,
  unvSeparation: unvSeparationSchema,
  unvEndReport: unvEndReportSchema,
  unvStatement: unvStatementSchema,
  unvVolunteerClearances: unvVolunteerClearancesSchema,
  universityVerification: universityVerificationSchema,
  interview: interviewSchema,
  onboarding: onboardingSchema,
  funderPayment: funderPaymentSchema,
} as const;
export type DecisionDataKey = keyof typeof decisionData;

interface DecisionSpec {
  data: DecisionDataKey;
  /** A comment is required (request changes, rejections). */
  commentRequired?: boolean;
}

export interface TaskKindSpec {
  /** The phase the task belongs to. */
  stage: Phase;
  /**
   * Role that acts on this task; a task may also name one user. A role the registry's entries
   * bring (typed as a string here, as roles come from the registry, which names task kinds;
   * domain/roles.ts checks every kind's role at compile time).
   */
  role: string;
  sla: SlaKey;
  /** On SLA expiry: escalate to fund managers (default) or expire with this decision. */
  expireWith?: string;
  decisions: Record<string, DecisionSpec>;
  label: string;
  labelRu: string;
  /** The mail that tells the assignee about a new task of this kind (its wording per kind: activities/notifications/templates.ts). */
  mail: NotificationTemplate;
}

const reject: DecisionSpec = { data: 'comment', commentRequired: true };
const requestChanges: DecisionSpec = { data: 'comment', commentRequired: true };

/** Every kind of human task in both programmes. */
export const TASK_KINDS = {
  // both programmes
  co_endorsement: {
    stage: 'co_endorsement',
    role: 'co_approver',
    sla: 'endorsement',
    decisions: { endorse: { data: 'comment' }, reject, request_changes: requestChanges },
    label: 'Endorse on behalf of the Country Office',
    labelRu: 'Одобрение страновым офисом',
    mail: 'task_assigned',
  },
  revise: {
    stage: 'co_endorsement',
    role: 'applicant',
    sla: 'revision',
    decisions: { resubmit: { data: 'proposalChanges' } },
    label: 'Revise and resubmit',
    labelRu: 'Доработать и отправить повторно',
    mail: 'changes_requested',
  },
  alignment_review: {
    stage: 'alignment_check',
    role: 'fund_manager',
    sla: 'decision',
    decisions: { confirm_aligned: { data: 'comment', commentRequired: true }, reject },
    label: 'Review alignment with the Cooperation Framework',
    labelRu: 'Проверка соответствия Рамочной программе',
    mail: 'task_assigned',
  },
  policy_exception: {
    stage: 'contracting',
    role: 'fund_manager',
    sla: 'decision',
    decisions: { approve: { data: 'justification' }, reject },
    label: 'Approve a policy exception',
    labelRu: 'Утвердить исключение из правил',
    mail: 'task_assigned',
  },
  contract_signature: {
    stage: 'contracting',
    role: 'applicant',
    sla: 'signature',
    decisions: { sign: { data: 'signature' }, decline: reject },
    label: 'Sign the contract',
    labelRu: 'Подписать договор',
    mail: 'contract_to_sign',
  },
  // Challenge Fund
  assign_reviewers: {
    stage: 'selection',
    role: 'fund_manager',
    sla: 'decision',
    decisions: { assign: { data: 'assignReviewers' } },
    label: 'Assign reviewers',
    labelRu: 'Назначить рецензентов',
    mail: 'task_assigned',
  },
  conflict_declaration: {
    stage: 'selection',
    role: 'reviewer',
    sla: 'review',
    decisions: { declare_no_conflict: { data: 'noConflict' }, declare_conflict: { data: 'conflict' } },
    label: 'Declare any conflict of interest',
    labelRu: 'Заявить о конфликте интересов',
    mail: 'task_assigned',
  },
  review_score: {
    stage: 'selection',
    role: 'reviewer',
    sla: 'review',
    decisions: { submit_score: { data: 'score' }, declare_conflict: { data: 'conflict' } },
    label: 'Score the proposal',
    labelRu: 'Оценить предложение',
    mail: 'task_assigned',
  },
  selection_decision: {
    stage: 'selection',
    role: 'fund_manager',
    sla: 'decision',
    decisions: { select: { data: 'optionalJustification' }, waitlist: { data: 'comment' }, reject },
    label: 'Select, waitlist or reject',
    labelRu: 'Отобрать, включить в резерв или отклонить',
    mail: 'task_assigned',
  },
  waitlist_review: {
    stage: 'selection',
    role: 'fund_manager',
    sla: 'decision',
    decisions: { select: { data: 'optionalJustification' }, reject },
    label: 'Waitlisted: select or reject',
    labelRu: 'В резерве: отобрать или отклонить',
    mail: 'task_assigned',
  },
  progress_report: {
    stage: 'mission',
    role: 'applicant',
    sla: 'report',
    decisions: { submit_report: { data: 'report' } },
    label: 'Submit the progress report',
    labelRu: 'Представить отчёт о ходе работ',
    mail: 'task_assigned',
  },
  report_verification: {
    stage: 'mission',
    role: 'co_approver',
    sla: 'verification',
    decisions: { accept: { data: 'comment' }, request_revision: requestChanges },
    label: 'Verify the progress report',
    labelRu: 'Проверить отчёт о ходе работ',
    mail: 'task_assigned',
  },
  extension_decision: {
    stage: 'mission',
    role: 'co_approver',
    sla: 'decision',
    decisions: { approve: { data: 'comment' }, reject },
    label: 'Decide on a no-cost extension',
    labelRu: 'Решение о продлении срока без изменения бюджета',
    mail: 'task_assigned',
  },
  final_report: {
    stage: 'evaluation',
    role: 'applicant',
    sla: 'report',
    decisions: { submit_report: { data: 'report' } },
    label: 'Submit the final report',
    labelRu: 'Представить итоговый отчёт',
    mail: 'task_assigned',
  },
  evaluation: {
    stage: 'evaluation',
    role: 'co_approver',
    sla: 'evaluation',
    decisions: { submit_evaluation: { data: 'evaluation' } },
    label: 'Evaluate the results',
    labelRu: 'Оценить результаты',
    mail: 'evaluation_requested',
  },
  // Experts on Demand
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
  // SDG event travel
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
  // UN Volunteers, fully funded
  unv_funding_decision: {
    stage: 'selection',
    role: 'fund_manager',
    sla: 'decision',
    decisions: { approve: { data: 'comment' }, reject },
    label: 'Decide on full funding of the assignment',
    labelRu: 'Решить о полном финансировании назначения',
    mail: 'task_assigned',
  },
  unv_shortlist: {
    stage: 'selection',
    role: 'unv_officer',
    sla: 'review',
    decisions: { propose: { data: 'unvShortlist' } },
    label: 'Screen candidates and propose a shortlist',
    labelRu: 'Отобрать кандидатов и предложить короткий список',
    mail: 'task_assigned',
  },
  unv_host_selection: {
    stage: 'selection',
    role: 'co_approver',
    sla: 'decision',
    decisions: { select: { data: 'unvHostSelection' }, request_more: requestChanges },
    label: 'Select the volunteer from the shortlist',
    labelRu: 'Выбрать добровольца из короткого списка',
    mail: 'task_assigned',
  },
  unv_offer: {
    stage: 'contracting',
    role: 'unv_officer',
    sla: 'decision',
    // Open until the offer's deadline: it then expires and the next candidate is offered.
    expireWith: 'expired',
    decisions: { accepted: { data: 'none' }, declined: { data: 'unvOfferDecline' } },
    label: 'Record the answer to the offer',
    labelRu: 'Зафиксировать ответ на предложение',
    mail: 'task_assigned',
  },
  unv_volunteer_clearances: {
    stage: 'contracting',
    role: 'unv_volunteer',
    sla: 'review',
    // The selected volunteer's own steps before UNV grants the clearances; withdrawing offers the next candidate.
    decisions: { completed: { data: 'unvVolunteerClearances' }, withdraw: { data: 'unvOfferDecline' } },
    label: 'Your medical examination and security training',
    labelRu: 'Ваш медицинский осмотр и обучение по безопасности',
    mail: 'task_assigned',
  },
  unv_clearances: {
    stage: 'contracting',
    role: 'unv_officer',
    sla: 'review',
    decisions: { cleared: { data: 'unvClearances' }, not_cleared: { data: 'unvNotCleared' } },
    label: 'Medical and security clearances',
    labelRu: 'Медицинский допуск и допуск по безопасности',
    mail: 'task_assigned',
  },
  unv_deployment: {
    stage: 'contracting',
    role: 'co_approver',
    sla: 'decision',
    decisions: { confirm: { data: 'unvDeployment' } },
    label: 'Confirm the deployment date',
    labelRu: 'Подтвердить дату направления',
    mail: 'task_assigned',
  },
  unv_assignment: {
    stage: 'mission',
    role: 'co_approver',
    sla: 'report',
    // Open until the planned end of the assignment: it then expires, and the assignment is complete.
    expireWith: 'completed',
    decisions: {
      request_extension: { data: 'unvExtensionRequest' },
      separation: { data: 'unvSeparation' },
    },
    label: 'During the assignment: extension or early separation',
    labelRu: 'Во время назначения: продление или досрочное завершение',
    mail: 'task_assigned',
  },
  unv_interim_statement: {
    stage: 'mission',
    role: 'unv_officer',
    sla: 'report',
    // Open during the assignment (each statement opens the next one); it closes by itself at the planned end.
    expireWith: 'assignment_ended',
    decisions: { submit_statement: { data: 'unvStatement' } },
    label: 'Enter UNV’s interim financial statement',
    labelRu: 'Внести промежуточный финансовый отчёт ДООН',
    mail: 'task_assigned',
  },
  unv_extension_decision: {
    stage: 'mission',
    role: 'fund_manager',
    sla: 'decision',
    decisions: { grant: { data: 'comment' }, refuse: reject },
    label: 'Decide on the extension',
    labelRu: 'Решить о продлении',
    mail: 'task_assigned',
  },
  unv_end_report: {
    stage: 'evaluation',
    role: 'co_approver',
    sla: 'report',
    decisions: { submit_report: { data: 'unvEndReport' } },
    label: 'Submit the end-of-assignment report',
    labelRu: 'Представить итоговый отчёт о назначении',
    mail: 'task_assigned',
  },
  unv_volunteer_end_report: {
    stage: 'evaluation',
    role: 'unv_volunteer',
    sla: 'report',
    decisions: { submit_report: { data: 'unvEndReport' } },
    label: 'Your end-of-assignment report',
    labelRu: 'Ваш итоговый отчёт о назначении',
    mail: 'task_assigned',
  },
  unv_statement: {
    stage: 'evaluation',
    role: 'unv_officer',
    sla: 'report',
    decisions: { submit_statement: { data: 'unvStatement' } },
    label: 'Enter UNV’s financial statement',
    labelRu: 'Внести финансовый отчёт ДООН',
    mail: 'task_assigned',
  },
  unv_reconciliation: {
    stage: 'evaluation',
    role: 'fund_manager',
    sla: 'verification',
    decisions: { verify: { data: 'comment' }, request_revision: requestChanges },
    label: 'Verify the financial reconciliation',
    labelRu: 'Проверить финансовую сверку',
    mail: 'task_assigned',
  },
  // Internships
  internship_university_verification: {
    stage: 'co_endorsement',
    role: 'university_contact',
    sla: 'endorsement',
    decisions: { verify: { data: 'universityVerification' }, decline: reject },
    label: 'Verify the student’s enrolment',
    labelRu: 'Подтвердить обучение студента',
    mail: 'task_assigned',
  },
  internship_shortlist: {
    stage: 'selection',
    role: 'co_approver',
    sla: 'decision',
    decisions: { shortlist: { data: 'comment' }, not_select: reject },
    label: 'Shortlist the internship applicant',
    labelRu: 'Включить кандидата на стажировку в короткий список',
    mail: 'task_assigned',
  },
  internship_interview: {
    stage: 'selection',
    role: 'co_approver',
    sla: 'decision',
    decisions: { select: { data: 'interview' }, not_select: { data: 'interview', commentRequired: true } },
    label: 'Interview and select the intern',
    labelRu: 'Провести собеседование и выбрать стажёра',
    mail: 'task_assigned',
  },
  internship_onboarding: {
    stage: 'contracting',
    role: 'applicant',
    sla: 'decision',
    // Due on the start date: it then expires, and the placement does not start.
    expireWith: 'incomplete',
    decisions: { complete: { data: 'onboarding' } },
    label: 'Onboarding: insurance proof (and visa)',
    labelRu: 'Оформление: страховка (и виза)',
    mail: 'task_assigned',
  },
  internship_funder_payment: {
    stage: 'mission',
    role: 'university_contact',
    sla: 'verification',
    decisions: { confirm_paid: { data: 'funderPayment' } },
    label: 'Confirm the university’s stipend share was paid',
    labelRu: 'Подтвердить выплату доли стипендии университетом',
    mail: 'task_assigned',
  },
  internship_midterm_review: {
    stage: 'mission',
    role: 'co_approver',
    sla: 'evaluation',
    decisions: { submit: { data: 'feedback' } },
    label: 'Mid-term review of the intern',
    labelRu: 'Промежуточная оценка стажёра',
    mail: 'evaluation_requested',
  },
  internship_final_evaluation: {
    stage: 'evaluation',
    role: 'co_approver',
    sla: 'evaluation',
    decisions: { submit: { data: 'feedback' } },
    label: 'Final evaluation of the internship',
    labelRu: 'Итоговая оценка стажировки',
    mail: 'evaluation_requested',
  },
  internship_final_report: {
    stage: 'evaluation',
    role: 'applicant',
    sla: 'report',
    decisions: { submit_report: { data: 'report' } },
    label: 'Submit the internship’s final report',
    labelRu: 'Представить итоговый отчёт о стажировке',
    mail: 'task_assigned',
  },
} as const satisfies Record<string, TaskKindSpec>;

export type TaskKind = keyof typeof TASK_KINDS;
export const TASK_KIND_NAMES = Object.keys(TASK_KINDS) as TaskKind[];

export function taskKindSpec(kind: TaskKind): TaskKindSpec {
  return TASK_KINDS[kind];
}

export function allowedDecisions(kind: TaskKind): string[] {
  return Object.keys(TASK_KINDS[kind].decisions);
}

/** The body of a decision: what the API accepts and the workflow Update carries. */
export const decisionBodySchema = z
  .object({
    decision: z.string().min(1).max(64),
    comment: textOrBlank(5000).optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type DecisionBody = z.infer<typeof decisionBodySchema>;

export type DecisionProblem = FieldProblem;

/**
 * Pure check of a decision's shape against its task kind, unknown keys reported one by one; the
 * API runs it before the round trip, the workflow's validator again. Stage/actor checks live in the workflow.
 */
export function checkDecisionShape(kind: TaskKind, body: DecisionBody): DecisionProblem[] {
  const spec = TASK_KINDS[kind].decisions as Record<string, DecisionSpec>;
  const decision = spec[body.decision];
  if (!decision) {
    return [{ path: 'decision', message: `must be one of: ${Object.keys(spec).join(', ')}` }];
  }
  const problems: DecisionProblem[] = [];
  if (decision.commentRequired && !body.comment?.trim())
    problems.push({ path: 'comment', message: 'a comment is required for this decision' });
  const parsed = decisionData[decision.data].safeParse(body.data ?? {});
  if (!parsed.success) problems.push(...fieldProblems(parsed.error.issues, ['data']));
  return problems;
}
