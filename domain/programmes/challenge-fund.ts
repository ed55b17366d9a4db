import type { ProgrammeSpec } from '../programme';

/** Russian Challenge Fund: institutions propose solutions to challenges published by Country Offices. */
export const CHALLENGE_FUND = {
  id: 'challenge_fund',
  subjectType: 'proposal',
  subjectTable: 'Proposal',
  workflowType: 'proposalWorkflow',
  workflowIdPrefix: 'proposal-',
  subjectIdPrefix: 'p',
  apiPath: 'proposals',
  stages: [
    { name: 'intake', phase: 'intake' },
    { name: 'co_endorsement', phase: 'co_endorsement' },
    { name: 'alignment_check', phase: 'alignment_check' },
    { name: 'selection', phase: 'selection' },
    { name: 'contracting', phase: 'contracting' },
    { name: 'mission', phase: 'mission' },
    { name: 'evaluation', phase: 'evaluation' },
  ],
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
    co_approver: { scope: { same: 'countryCode' }, accounts: { invitedBy: 'admin' } },
    reviewer: { scope: { tasks: ['conflict_declaration', 'review_score'] }, accounts: { invitedBy: 'fund_manager' } },
    fund_manager: { scope: { all: true }, accounts: { invitedBy: 'admin' } },
    admin: { scope: { all: true }, accounts: { invitedBy: 'admin' } },
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
  labels: {
    name: { en: 'Russian Challenge Fund', ru: 'Российский фонд решений' },
    subject: { en: 'Proposal', ru: 'Предложение' },
    openSubject: { en: 'Open the proposal', ru: 'Открыть предложение' },
    paymentItem: { word: { en: 'milestone', ru: 'этап' }, field: { en: 'Milestone', ru: 'Этап' } },
  },
} as const satisfies ProgrammeSpec;
