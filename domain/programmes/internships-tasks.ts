import type { TaskKindSpec } from '../tasks';
import { reject, type SharedDecisionDataKey } from '../task-kind';
import { funderPaymentSchema, interviewSchema, onboardingSchema, universityVerificationSchema } from '../internship';

/** The data of its own decisions (a decision body's `data`), merged into domain/tasks.ts `decisionData`. */
export const INTERNSHIPS_DECISION_DATA = {
  universityVerification: universityVerificationSchema,
  interview: interviewSchema,
  onboarding: onboardingSchema,
  funderPayment: funderPaymentSchema,
} as const;

/** The task kinds of internships alone (the shared steps' kinds are domain/tasks.ts's), merged into `TASK_KINDS` by the registry. */
export const INTERNSHIPS_TASK_KINDS = {
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
} as const satisfies Record<string, TaskKindSpec<SharedDecisionDataKey | keyof typeof INTERNSHIPS_DECISION_DATA>>;
