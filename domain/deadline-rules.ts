import { ruleSetInForce, type DatedRecord } from './policy/rules';

/**
 * When dated obligations (milestone reports, the final report, expert deliverables) open, fall due
 * and are reminded: dated, versioned data with its source, like the policy rule sets. A schedule
 * uses the set in force on the day it is computed (domain/policy/rules.ts ruleSetInForce).
 */
export interface DeadlineRules {
  /** A milestone's progress report task opens this many calendar days before the milestone's due date. */
  reportOpensDaysBefore: number;
  /** Its reminder goes out this many working days (office calendar) before the due date. */
  reportRemindWorkingDaysBefore: number;
  /** The final report opens this many calendar days before the proposal's end date (its last milestone). */
  finalReportOpensDaysBefore: number;
  /** The final report is due this many calendar days after the end date. */
  finalReportDueDaysAfterEnd: number;
  /** An expert deliverable's reminder goes out this many working days before its due date. */
  deliverableRemindWorkingDaysBefore: number;
  /** A no-cost extension moves a milestone by at most this many calendar days past its current date. */
  maxExtensionDays: number;
}

export interface DeadlineRuleSetRecord extends DatedRecord {
  name: string;
  /** Where the figures come from. */
  source: string;
  rules: DeadlineRules;
}

export const DEADLINE_RULE_SETS: readonly DeadlineRuleSetRecord[] = [
  {
    id: 'deadlines-2026-12-01',
    name: 'Challenge Fund and Experts on Demand reporting calendar',
    effectiveFrom: '2019-01-01',
    effectiveTo: null,
    source:
      'Product decision of the fund (issue 29), modelled on UNDP low-value grant agreements: progress reports ' +
      'are submitted by the milestone date, final narrative and financial report within 30 days of the end date',
    rules: {
      reportOpensDaysBefore: 14,
      reportRemindWorkingDaysBefore: 3,
      finalReportOpensDaysBefore: 14,
      finalReportDueDaysAfterEnd: 30,
      deliverableRemindWorkingDaysBefore: 3,
      maxExtensionDays: 180,
    },
  },
];

export function deadlineRulesInForce(dayIso: string): DeadlineRuleSetRecord {
  return ruleSetInForce(DEADLINE_RULE_SETS, dayIso);
}

/** What a task's dates are computed from (by the scheduleDeadlines activity, with the Clock). */
export type DeadlineSpec =
  /** A human step's SLA: due in N working days of the office from now (domain/tasks.ts SLA keys). */
  | { kind: 'sla'; sla: import('./tasks').SlaKey }
  /** A milestone's progress report: opens before the milestone's date, due on it. */
  | { kind: 'milestone_report'; dueDate: string }
  /** The final report: opens before the proposal's end date, due some days after it. */
  | { kind: 'final_report'; endDate: string }
  /** An expert deliverable: open now, due on its date. */
  | { kind: 'deliverable'; dueDate: string }
  /** A given calendar instant (e.g. a call's closing time, from clock.instantOf): due then, no reminder. */
  | { kind: 'at'; at: string };

/**
 * A task's dates: calendar instants (shown to people, stored in the read model) and the instants
 * the workflow's timers fire at (the same in production; earlier under a test's compressed clock).
 */
export interface TaskDeadline {
  opensAt: string;
  dueAt: string;
  remindAt: string | null;
  timers: { opensAt: string; dueAt: string; remindAt: string | null };
}
