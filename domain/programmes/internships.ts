import type { ProgrammeSpec } from '../programme';
import { INTERNSHIPS_DECISION_DATA, INTERNSHIPS_TASK_KINDS } from './internships-tasks';
import { INTERNSHIP_WORDS } from './internships-words';
import { SHARED_ROLES } from './roles';
import { COUNTRY_OFFICE_AND_FUND_ROLES } from './shared';

/**
 * Internships (issue 32): Master's students placed in UNDP Country Offices for 3–6 months, a
 * university verifying enrolment and, like MGIMO, paying a share of the stipend in parallel. A
 * Country Office posts a placement (`internship-posting-<id>`, workflows/internship-posting.ts); each
 * student's application is one subject (`internship-<id>`) that becomes the placement when selected.
 */
export const INTERNSHIPS = {
  id: 'internships',
  subjectType: 'internship',
  subjectTable: 'Internship',
  workflowType: 'internshipWorkflow',
  workflowIdPrefix: 'internship-',
  subjectIdPrefix: 'in',
  apiPath: 'internships',
  stages: [
    // The kernel starts every subject in `intake`: the application and its eligibility check.
    { name: 'intake', phase: 'intake' },
    { name: 'university_verification', phase: 'co_endorsement' },
    { name: 'selection', phase: 'selection' },
    { name: 'agreement', phase: 'contracting' },
    { name: 'placement', phase: 'mission' },
    { name: 'evaluation', phase: 'evaluation' },
  ],
  endings: {
    closed: 'closed',
    rejected: 'rejected',
    not_selected: 'rejected',
    withdrawn: 'withdrawn',
    cancelled: 'cancelled',
    terminated: 'terminated',
  },
  taskKinds: [
    'internship_university_verification',
    'internship_shortlist',
    'internship_interview',
    'contract_signature',
    'internship_onboarding',
    'internship_funder_payment',
    'internship_midterm_review',
    'internship_final_evaluation',
    'internship_final_report',
  ],
  ownTaskKinds: INTERNSHIPS_TASK_KINDS,
  decisionData: INTERNSHIPS_DECISION_DATA,
  // The student who applied (not a fellow student of their university) withdraws until the agreement.
  withdrawal: { stages: ['intake', 'university_verification', 'selection'], by: 'owner_user' },
  roles: {
    ...COUNTRY_OFFICE_AND_FUND_ROLES,
    // The posting's supervisor (a Country Office approver named on it) sees the applications to their own
    // postings, not every application of the country.
    co_approver: { ...SHARED_ROLES.co_approver, scope: { same: 'userId', column: 'supervisorUserId' } },
    // Students apply as applicants of their university and see their own applications only; their
    // university sees its students' through its university contacts.
    applicant: { ...SHARED_ROLES.applicant, scope: { same: 'userId', column: 'studentUserId' } },
    university_contact: {
      label: { en: 'university contact', ru: 'представитель университета' },
      words: {
        role: { en: 'University contact', ru: 'Представитель университета' },
        actor: { en: 'University contact', ru: 'Представитель университета' },
        who: { en: 'the university contact', ru: 'представителя университета' },
      },
      // The university's contacts invite their colleagues (the first one: demo seed or an administrator's database entry).
      joining: {
        invitedBy: ['university_contact'],
        invitationScope: 'inviter_institution',
        oidcJustInTime: false,
        signIn: ['email'],
      },
      scope: { same: 'institutionId' },
    },
  },
  messages: {
    sides: [
      { key: 'student', roles: ['applicant'], audience: ['owner'], label: { en: 'Student', ru: 'Студент' } },
      {
        key: 'country_office',
        roles: ['co_approver'],
        audience: ['supervisor'],
        label: { en: 'Country Office', ru: 'Страновой офис' },
      },
      {
        key: 'fund',
        roles: ['fund_manager'],
        audience: ['fund_managers'],
        label: { en: 'Fund managers', ru: 'Менеджеры фонда' },
      },
    ],
    ownerColumn: 'studentUserId',
    supervisorColumn: 'supervisorUserId',
  },
  resultIndicators: [
    {
      key: 'placementsCompleted',
      label: { en: 'Internships completed', ru: 'Завершено стажировок' },
      source: 'subjects_closed',
    },
    { key: 'stipendPaid', label: { en: 'Stipends paid', ru: 'Выплачено стипендий' }, source: 'payments_total' },
  ],
  // The results dashboard: the fund's share of the agreed stipend (the money asked of the fund), the parallel
  // funder's share as co-financing (a university such as MGIMO), and the student's university as the party.
  resultColumns: {
    amount: `(t."stipend"->>'fundCents')::bigint * t."months"`,
    coFinancing: `(t."stipend"->>'funderCents')::bigint * t."months"`,
    party: '(SELECT i."name" FROM "Institution" i WHERE i."id" = t."institutionId")',
  },
  labels: INTERNSHIP_WORDS,
} as const satisfies ProgrammeSpec;
