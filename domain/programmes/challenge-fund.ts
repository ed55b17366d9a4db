import { PHASES } from '../phases';
import { phaseStages, type ProgrammeSpec } from '../programme';
import { CHALLENGE_FUND_DECISION_DATA, CHALLENGE_FUND_TASK_KINDS } from './challenge-fund-tasks';
import { CHALLENGE_FUND_WORDS } from './challenge-fund-words';
import { SHARED_ROLES } from './roles';
import { COUNTRY_OFFICE_AND_FUND_ROLES } from './shared';

/** Russian Challenge Fund: institutions propose solutions to challenges published by Country Offices. */
export const CHALLENGE_FUND = {
  id: 'challenge_fund',
  subjectType: 'proposal',
  subjectTable: 'Proposal',
  workflowType: 'proposalWorkflow',
  workflowIdPrefix: 'proposal-',
  subjectIdPrefix: 'p',
  apiPath: 'proposals',
  stages: phaseStages(...PHASES),
  endings: { closed: 'closed', rejected: 'rejected', withdrawn: 'withdrawn', cancelled: 'cancelled' },
  taskKinds: [
    'co_endorsement',
    'revise',
    'alignment_review',
    'assign_reviewers',
    'conflict_declaration',
    'review_score',
    'selection_decision',
    'waitlist_review',
    'policy_exception',
    'contract_signature',
    'progress_report',
    'report_verification',
    'extension_decision',
    'final_report',
    'evaluation',
  ],
  ownTaskKinds: CHALLENGE_FUND_TASK_KINDS,
  decisionData: CHALLENGE_FUND_DECISION_DATA,
  withdrawal: {
    stages: ['intake', 'co_endorsement', 'alignment_check', 'selection', 'contracting'],
    by: 'owner_institution',
  },
  roles: {
    applicant: { ...SHARED_ROLES.applicant, scope: { same: 'institutionId' } },
    ...COUNTRY_OFFICE_AND_FUND_ROLES,
    reviewer: { ...SHARED_ROLES.reviewer, scope: { tasks: ['conflict_declaration', 'review_score'] } },
  },
  // The applicant institution writes with the Country Office and the fund managers.
  messages: {
    sides: [
      {
        key: 'applicant',
        roles: ['applicant'],
        audience: ['owner'],
        label: { en: 'Applicant', ru: 'Заявитель' },
      },
      {
        key: 'fund',
        roles: ['co_approver', 'fund_manager'],
        audience: ['country_office', 'fund_managers'],
        label: { en: 'Country Office and fund managers', ru: 'Страновой офис и менеджеры фонда' },
      },
    ],
    ownerColumn: 'applicantId',
  },
  resultIndicators: [
    {
      key: 'beneficiaries',
      label: { en: 'Beneficiaries reached', ru: 'Охвачено благополучателей' },
      source: 'evaluation_beneficiaries',
    },
    { key: 'tranchesPaid', label: { en: 'Tranches paid', ru: 'Выплачено траншей' }, source: 'payments_total' },
    {
      key: 'rating',
      label: { en: 'Average evaluation rating', ru: 'Средняя оценка результатов' },
      source: 'evaluation_rating',
    },
  ],
  resultColumns: {
    amount: 't."requestedAmountCents"',
    coFinancing: 't."coFinancingCents"',
    party: '(SELECT i."name" FROM "Institution" i WHERE i."id" = t."institutionId")',
    score: 't."weightedScore"',
    thematicArea: 't."thematicAreaId"',
  },
  documents: {
    uploadBy: ['applicant', 'co_approver', 'fund_manager'],
    readBy: ['applicant', 'co_approver', 'fund_manager', 'reviewer', 'admin'],
    afterReview: ['reviewer'],
    requiredTypes: 'call',
  },
  labels: CHALLENGE_FUND_WORDS,
} as const satisfies ProgrammeSpec;
