import type { ProgrammeSpec } from '../programme';

/** Experts on Demand: Country Offices request short-term Russian experts. */
export const EXPERTS_ON_DEMAND = {
  id: 'experts_on_demand',
  subjectType: 'expert_request',
  subjectTable: 'ExpertRequest',
  workflowType: 'expertRequestWorkflow',
  workflowIdPrefix: 'expert-request-',
  subjectIdPrefix: 'er',
  apiPath: 'expert-requests',
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
    'shortlist_review',
    'invitation_response',
    'candidate_selection',
    'fee_approval',
    'contract_signature',
    'deliverable_submission',
    'deliverable_acceptance',
    'expert_evaluation',
    'assignment_feedback',
  ],
  // The request belongs to the Country Office, not to the one person who registered it.
  withdrawal: {
    stages: ['intake', 'co_endorsement', 'alignment_check', 'selection', 'contracting'],
    by: 'country_office',
  },
  roles: {
    co_approver: { scope: { same: 'countryCode' }, accounts: { invitedBy: 'admin' } },
    expert: { scope: { tasks: ['invitation_response'] }, accounts: { createdWhen: 'first invited from the roster' } },
    fund_manager: { scope: { all: true }, accounts: { invitedBy: 'admin' } },
    admin: { scope: { all: true }, accounts: { invitedBy: 'admin' } },
  },
  resultIndicators: [
    {
      key: 'deliverablesAccepted',
      label: { en: 'Deliverables accepted', ru: 'Принято результатов' },
      source: 'deliverables_accepted',
    },
    { key: 'paid', label: { en: 'Paid to experts', ru: 'Выплачено экспертам' }, source: 'payments_total' },
    {
      key: 'expertRating',
      label: { en: 'Average expert rating', ru: 'Средняя оценка экспертов' },
      source: 'evaluation_rating',
    },
  ],
  labels: {
    name: { en: 'Experts on Demand', ru: 'Эксперты по запросу' },
    subject: { en: 'Expert request', ru: 'Запрос на эксперта' },
    openSubject: { en: 'Open the expert request', ru: 'Открыть запрос' },
    paymentItem: { word: { en: 'deliverable', ru: 'результат' }, field: { en: 'Deliverable', ru: 'Результат' } },
    stages: {
      mission: { name: { en: 'Mission', ru: 'Миссия' } },
    },
  },
} as const satisfies ProgrammeSpec;
