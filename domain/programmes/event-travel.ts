import type { ProgrammeSpec } from '../programme';
import { EVENT_TRAVEL_DECISION_DATA, EVENT_TRAVEL_TASK_KINDS } from './event-travel-tasks';
import { EVENT_TRAVEL_WORDS } from './event-travel-words';
import { SHARED_ROLES } from './roles';

/**
 * SDG event travel: the partnership funds roster experts' travel to present Russian knowledge and
 * solutions at international SDG events held outside Russia (issue 31). No Country Office
 * endorsement or alignment phase: the fund runs it.
 */
export const EVENT_TRAVEL = {
  id: 'event_travel',
  subjectType: 'event_travel',
  subjectTable: 'EventTravel',
  workflowType: 'eventTravelWorkflow',
  workflowIdPrefix: 'event-travel-',
  subjectIdPrefix: 'et',
  apiPath: 'event-travel',
  stages: [
    // The kernel starts every subject in `intake`: here, the application and its eligibility check.
    { name: 'intake', phase: 'intake' },
    { name: 'review', phase: 'selection' },
    { name: 'travel_authorisation', phase: 'contracting' },
    { name: 'trip', phase: 'mission' },
    { name: 'settlement', phase: 'evaluation' },
  ],
  endings: { closed: 'closed', rejected: 'rejected', withdrawn: 'withdrawn', cancelled: 'cancelled' },
  taskKinds: [
    'travel_review',
    'travel_revision',
    'contract_signature',
    'trip_confirmation',
    'travel_report',
    'settlement_verification',
  ],
  ownTaskKinds: EVENT_TRAVEL_TASK_KINDS,
  decisionData: EVENT_TRAVEL_DECISION_DATA,
  // The expert withdraws an application until it is authorised; after that, the trip's own
  // cancellation (before departure) or a fund manager's cancellation.
  withdrawal: { stages: ['intake', 'review'], by: 'owner_expert' },
  roles: {
    fund_manager: { ...SHARED_ROLES.fund_manager, scope: { all: true } },
    admin: { ...SHARED_ROLES.admin, scope: { all: true } },
    auditor: { ...SHARED_ROLES.auditor, scope: { all: true } },
    // An expert sees only their own applications.
    expert: { ...SHARED_ROLES.expert, scope: { same: 'expertId' } },
  },
  messages: {
    sides: [
      { key: 'expert', roles: ['expert'], audience: ['owner'], label: { en: 'Expert', ru: 'Эксперт' } },
      {
        key: 'fund',
        roles: ['fund_manager'],
        audience: ['fund_managers'],
        label: { en: 'Fund managers', ru: 'Менеджеры фонда' },
      },
    ],
    ownerColumn: 'expertUserId',
  },
  resultIndicators: [
    { key: 'eventsAttended', label: { en: 'Events attended', ru: 'Посещено мероприятий' }, source: 'subjects_closed' },
    { key: 'travelPaid', label: { en: 'Paid for travel', ru: 'Оплачено поездок' }, source: 'payments_total' },
  ],
  // No documents: the application, the trip and the settlement are forms and decisions.
  resultColumns: { amount: 'COALESCE(t."approvedCents", t."estimateCents")' },
  // The organiser's invitation letter (every role speaks) and, from the trip on, proof of attendance; the
  // expert uploads only to their own applications (the expert role's scope).
  documents: {
    uploadBy: ['expert', 'fund_manager'],
    readBy: ['fund_manager', 'expert', 'admin'],
    requiredTypes: [
      { type: 'invitation_letter' },
      // The back-to-office report is refused without it.
      { type: 'attendance_proof', fromStages: ['trip', 'settlement', 'closed'], beforeTasks: ['travel_report'] },
    ],
    uploadTypes: ['invitation_letter', 'attendance_proof', 'other'],
  },
  labels: EVENT_TRAVEL_WORDS,
} as const satisfies ProgrammeSpec;

/**
 * Settings of the programme (not policy figures): the office that runs it, whose calendar (time
 * zone, public holidays) counts its working days, e.g. the report's due date.
 */
export const EVENT_TRAVEL_SETTINGS = { officeCountryCode: 'RU' } as const;
