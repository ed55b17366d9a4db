import { PHASES } from '../phases';
import { phaseStages, type ProgrammeSpec } from '../programme';
import { CHALLENGE_FUND_WORDS } from './challenge-fund-words';
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
    'final_report',
    'evaluation',
  ],
  withdrawal: {
    stages: ['intake', 'co_endorsement', 'alignment_check', 'selection', 'contracting'],
    by: 'owner_institution',
  },
  roles: {
    applicant: { scope: { same: 'institutionId' }, accounts: { selfRegistration: true } },
    ...COUNTRY_OFFICE_AND_FUND_ROLES,
    reviewer: { scope: { tasks: ['conflict_declaration', 'review_score'] }, accounts: { invitedBy: 'fund_manager' } },
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
  labels: CHALLENGE_FUND_WORDS,
} as const satisfies ProgrammeSpec;
