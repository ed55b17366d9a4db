import type { ProgrammeSpec } from '../programme';
import { UN_VOLUNTEERS_DECISION_DATA, UN_VOLUNTEERS_TASK_KINDS } from './un-volunteers-tasks';
import { COUNTRY_OFFICE_AND_FUND_ROLES } from './shared';
import { UN_VOLUNTEERS_WORDS } from './un-volunteers-words';

/**
 * UN Volunteers fully funded by the partnership (issue 33): a host (a UNDP Country Office or another
 * UN entity in a partner country) asks for a volunteer; the fund commits the assignment's full cost,
 * transfers it to UNV, which recruits and pays the volunteer, and reconciles UNV's statements.
 */
export const UN_VOLUNTEERS = {
  id: 'un_volunteers',
  subjectType: 'unv_assignment',
  subjectTable: 'UnvAssignment',
  workflowType: 'unvAssignmentWorkflow',
  workflowIdPrefix: 'unv-assignment-',
  subjectIdPrefix: 'unv',
  apiPath: 'unv-assignments',
  stages: [
    // The kernel starts every subject in `intake`: here, the host's request and its checks.
    { name: 'intake', phase: 'intake' },
    { name: 'funding_decision', phase: 'selection' },
    { name: 'recruitment', phase: 'selection' },
    { name: 'deployment', phase: 'contracting' },
    { name: 'assignment', phase: 'mission' },
    { name: 'reconciliation', phase: 'evaluation' },
  ],
  endings: {
    closed: 'closed',
    not_funded: 'rejected',
    withdrawn: 'withdrawn',
    separated_early: 'terminated',
    cancelled: 'cancelled',
  },
  taskKinds: [
    'unv_funding_decision',
    'unv_shortlist',
    'unv_host_selection',
    'unv_offer',
    'unv_volunteer_clearances',
    'unv_clearances',
    'unv_deployment',
    'unv_assignment',
    'unv_interim_statement',
    'unv_extension_decision',
    'unv_end_report',
    'unv_volunteer_end_report',
    'unv_statement',
    'unv_reconciliation',
  ],
  ownTaskKinds: UN_VOLUNTEERS_TASK_KINDS,
  decisionData: UN_VOLUNTEERS_DECISION_DATA,
  // The host withdraws its request until a volunteer is recruited; after that, a fund manager cancels.
  withdrawal: { stages: ['intake', 'funding_decision', 'recruitment'], by: 'country_office' },
  roles: {
    // The host Country Office sees the assignments of its country only.
    ...COUNTRY_OFFICE_AND_FUND_ROLES,
    unv_officer: {
      label: { en: 'UNV officer', ru: 'сотрудник программы ДООН' },
      words: {
        role: { en: 'UNV officer', ru: 'Сотрудник программы ДООН' },
        actor: { en: 'UNV officer', ru: 'Сотрудник программы ДООН' },
        who: { en: 'a UNV officer', ru: 'сотрудника программы ДООН' },
      },
      joining: { invitedBy: ['admin'], oidcJustInTime: true, signIn: ['oidc', 'email'] },
      scope: { all: true },
    },
    // The selected volunteer (an account the workflow opens for the candidate's e-mail): their own assignment only,
    // the one on which they have (or had) their tasks.
    unv_volunteer: {
      label: { en: 'UN Volunteer', ru: 'доброволец ООН' },
      words: {
        role: { en: 'UN Volunteer', ru: 'Доброволец ООН' },
        actor: { en: 'UN Volunteer', ru: 'Доброволец ООН' },
        who: { en: 'the UN Volunteer', ru: 'добровольца ООН' },
      },
      // Nobody invites a volunteer: the workflow opens the account when the candidate is selected.
      joining: { invitedBy: [], oidcJustInTime: false, signIn: ['email'] },
      scope: { tasks: ['unv_volunteer_clearances', 'unv_volunteer_end_report'] },
    },
  },
  messages: {
    sides: [
      {
        key: 'host',
        roles: ['co_approver'],
        audience: ['country_office'],
        label: { en: 'Host', ru: 'Принимающая организация' },
      },
      {
        key: 'fund',
        roles: ['fund_manager'],
        audience: ['fund_managers'],
        label: { en: 'Fund managers', ru: 'Менеджеры фонда' },
      },
    ],
    ownerColumn: 'requesterId',
  },
  resultIndicators: [
    {
      key: 'assignmentsCompleted',
      label: { en: 'Assignments completed', ru: 'Завершено назначений' },
      source: 'subjects_closed',
    },
    { key: 'transferredToUnv', label: { en: 'Transferred to UNV', ru: 'Перечислено ДООН' }, source: 'payments_total' },
  ],
  resultColumns: {
    amount: 't."committedCents"',
    party: 't."hostEntity"',
    figures: [
      // On the Clock's day (`clock."today"`): a deployment confirmed for a later start is not one yet.
      {
        key: 'volunteersDeployed',
        label: { en: 'UN Volunteers deployed', ru: 'Направлено добровольцев ООН' },
        aggregate: 'sum',
        unit: 'count',
        sql: 'CASE WHEN t."deployedOn" <= clock."today" THEN 1 ELSE 0 END',
      },
      {
        key: 'deploymentCountries',
        label: { en: 'Countries and territories', ru: 'Стран и территорий' },
        aggregate: 'distinct',
        unit: 'count',
        sql: 'CASE WHEN t."deployedOn" <= clock."today" THEN t."countryCode" END',
      },
      {
        // Served so far, days counted inclusively: to the end of the assignment, or to the Clock's today while it
        // runs (a month: 30.4375 days).
        key: 'monthsServed',
        label: { en: 'Months served', ru: 'Месяцев службы' },
        aggregate: 'sum',
        unit: 'months',
        sql: 'CASE WHEN t."deployedOn" <= clock."today" THEN (LEAST(COALESCE(t."endedOn", clock."today"), t."plannedEndDate", clock."today") - t."deployedOn" + 1) / 30.4375 END',
      },
      {
        key: 'committedToUnv',
        label: { en: 'Committed to UNV', ru: 'Обязательства перед ДООН' },
        aggregate: 'sum',
        unit: 'usd',
        sql: 't."committedCents"',
      },
      {
        key: 'transferredToUnv',
        label: { en: 'Transferred to UNV', ru: 'Перечислено ДООН' },
        aggregate: 'sum',
        unit: 'usd',
        sql: 't."transferredCents"',
      },
      {
        key: 'spentByUnv',
        label: { en: 'Spent by UNV', ru: 'Израсходовано ДООН' },
        aggregate: 'sum',
        unit: 'usd',
        sql: 't."spentCents"',
      },
    ],
  },
  labels: UN_VOLUNTEERS_WORDS,
} as const satisfies ProgrammeSpec;
