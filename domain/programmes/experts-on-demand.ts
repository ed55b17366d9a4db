import { PHASES } from '../phases';
import { phaseStages, type ProgrammeSpec } from '../programme';
import { EXPERTS_ON_DEMAND_DECISION_DATA, EXPERTS_ON_DEMAND_TASK_KINDS } from './experts-on-demand-tasks';
import { EXPERTS_ON_DEMAND_WORDS } from './experts-on-demand-words';
import { SHARED_ROLES } from './roles';
import { COUNTRY_OFFICE_AND_FUND_ROLES } from './shared';

/** Experts on Demand: Country Offices request short-term Russian experts. */
export const EXPERTS_ON_DEMAND = {
  id: 'experts_on_demand',
  subjectType: 'expert_request',
  subjectTable: 'ExpertRequest',
  workflowType: 'expertRequestWorkflow',
  workflowIdPrefix: 'expert-request-',
  subjectIdPrefix: 'er',
  apiPath: 'expert-requests',
  stages: phaseStages(...PHASES),
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
  ownTaskKinds: EXPERTS_ON_DEMAND_TASK_KINDS,
  decisionData: EXPERTS_ON_DEMAND_DECISION_DATA,
  // The request belongs to the Country Office, not to the one person who registered it.
  withdrawal: {
    stages: ['intake', 'co_endorsement', 'alignment_check', 'selection', 'contracting'],
    by: 'country_office',
  },
  roles: {
    ...COUNTRY_OFFICE_AND_FUND_ROLES,
    // Roster experts register themselves (or get an account when first invited from the roster).
    expert: { ...SHARED_ROLES.expert, scope: { tasks: ['invitation_response'] } },
  },
  // The requesting Country Office, the fund managers and, once selected, the expert: three sides.
  messages: {
    sides: [
      {
        key: 'country_office',
        roles: ['co_approver'],
        audience: ['country_office'],
        label: { en: 'Country Office', ru: 'Страновой офис' },
      },
      {
        key: 'fund',
        roles: ['fund_manager'],
        audience: ['fund_managers'],
        label: { en: 'Fund managers', ru: 'Менеджеры фонда' },
      },
      {
        key: 'expert',
        roles: ['expert'],
        audience: ['selected_expert'],
        label: { en: 'Expert', ru: 'Эксперт' },
      },
    ],
    ownerColumn: 'requesterId',
    selectedExpertColumn: 'selectedExpertId',
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
  resultColumns: {
    amount: 't."contractValueCents"',
    party: `t."nationalPartner"->>'name'`,
    thematicArea: 't."thematicAreaId"',
  },
  documents: {
    uploadBy: ['co_approver', 'fund_manager'],
    selectedExpertUploads: true,
    readBy: ['co_approver', 'fund_manager', 'expert', 'admin'],
  },
  labels: EXPERTS_ON_DEMAND_WORDS,
} as const satisfies ProgrammeSpec;
