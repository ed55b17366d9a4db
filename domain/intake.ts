import type { Finding } from './policy/findings';

/**
 * The intake rules as problems with the fields a person fixes: the API's 400 before it starts a
 * workflow, the form's errors per field and the draft's live check all word a failed finding of the
 * intake screening (domain/policy/grant.ts `checkGrant`) this way. Figures travel with the rule, so
 * each reader words them in its own language (web/findings.ts).
 */
export interface IntakeProblem {
  path: string;
  message: string;
  rule: string;
  figures: Finding['data'];
}

/** The field a rule is about; money rules point at the budget (or the deprecated totals without one). */
export function intakeRulePath(f: Pick<Finding, 'rule' | 'data'>, hasBudget: boolean): string {
  switch (f.rule) {
    case 'call_exists':
    case 'call_open':
      return 'callId';
    case 'country_eligible':
      return 'countryCode';
    case 'amount_within_call_limits':
    case 'low_value_grant_cap':
    case 'cumulative_recipient_cap':
    case 'innovation_direct_award_limit':
      return hasBudget ? 'budget.total.requestedUsd' : 'requestedAmountUsd';
    case 'co_financing_min':
      return hasBudget ? 'budget.total.coFinancingPct' : 'coFinancingUsd';
    case 'indirect_cost_cap':
      return 'budget.total.indirectPct';
    case 'local_partner_evidence':
      return 'nationalPartner.demandEvidence';
    case 'duration_max':
      return 'durationMonths';
    case 'milestone_in_past':
    case 'milestone_after_end':
      return `milestones.${Number(f.data.milestone) - 1}.dueDate`;
    case 'required_documents':
      return 'documentIds';
    default:
      return '(body)';
  }
}

/** The failed findings as problems per field. */
export function intakeProblems(findings: readonly Finding[], hasBudget: boolean): IntakeProblem[] {
  return findings
    .filter((f) => f.outcome === 'fail')
    .map((f) => ({ path: intakeRulePath(f, hasBudget), message: f.message, rule: f.rule, figures: f.data }));
}
