import { worstOutcome, type Finding, type PolicyOutcome, type PolicyResult } from './findings';
import { parsePolicyRules, type PolicyRules, type PolicyRuleSetRecord } from './rules';

/**
 * Rule-change impact: the same pure check run over an item's recorded facts under the rule set its
 * next policy check would use today (the baseline) and under a new version, and what differs.
 * Pure: the API loads the facts, this compares.
 */

/** One rule whose finding differs between the two rule sets, with the figures each one saw. */
export interface RuleChange {
  rule: string;
  before: PolicyOutcome | null;
  after: PolicyOutcome | null;
  beforeFigures: Finding['data'] | null;
  afterFigures: Finding['data'] | null;
  message: string;
}

export interface ItemImpact {
  outcomeBefore: PolicyOutcome;
  outcomeAfter: PolicyOutcome;
  /** The rules whose outcome differs (a rule evaluated under one set only counts as differing). */
  changes: RuleChange[];
}

/** What changes for one item, or null when its outcome is the same under both rule sets. */
export function impactOf(before: PolicyResult, after: PolicyResult): ItemImpact | null {
  const outcomeBefore = worstOutcome(before.findings);
  const outcomeAfter = worstOutcome(after.findings);
  if (outcomeBefore === outcomeAfter) return null;
  const rules = [...new Set([...before.findings, ...after.findings].map((f) => f.rule))];
  const changes: RuleChange[] = [];
  for (const rule of rules) {
    const b = before.findings.find((f) => f.rule === rule) ?? null;
    const a = after.findings.find((f) => f.rule === rule) ?? null;
    if (b?.outcome === a?.outcome) continue;
    changes.push({
      rule,
      before: b?.outcome ?? null,
      after: a?.outcome ?? null,
      beforeFigures: b?.data ?? null,
      afterFigures: a?.data ?? null,
      message: (a ?? b)!.message,
    });
  }
  return { outcomeBefore, outcomeAfter, changes };
}

/** The rules of `base` with `changes` applied, checked as stored rules are (unknown keys, wrong types are refused). */
export function rulesWith(base: PolicyRules, changes: Partial<PolicyRules>): PolicyRules {
  return parsePolicyRules({ ...base, ...changes }, 'rules');
}

/** The keys whose value differs between two rule sets: what a new version changes. */
export function changedRules(from: PolicyRuleSetRecord, to: PolicyRuleSetRecord): (keyof PolicyRules)[] {
  return (Object.keys(to.rules) as (keyof PolicyRules)[]).filter((k) => from.rules[k] !== to.rules[k]);
}
