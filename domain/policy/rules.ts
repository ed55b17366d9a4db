import { utcDay } from './dates';

/**
 * UNDP policy limits as dated, versioned data. A check never reads a literal limit:
 * it takes the rule set in force on the decision date (ruleSetInForce).
 * Money is integer USD cents; percentages are whole percent.
 */

export interface PolicyRules {
  // ---- Individual contracts (Experts on Demand) ----
  /** true: lump-sum, deliverable-based payment only; false: time-based (daily fee) payment also allowed. */
  icLumpSumOnly: boolean;
  /** Direct contracting of an individual is allowed up to this value. */
  icDirectContractingLimitCents: number;
  /** Above the direct limit and up to this value, direct contracting needs Bureau Director approval. */
  icBureauApprovalLimitCents: number;
  /** Candidates to compare when the selection is competitive. */
  icMinCandidatesCompeting: number;
  /** Minimum weight of the financial score in a best-value evaluation. */
  icMinFinancialWeightPct: number;
  /** A daily fee above this needs Bureau Director approval. */
  icDailyFeeApprovalThresholdCents: number;
  // ---- Procurement and delegated authority ----
  /** From this value the opportunity must be advertised internationally. */
  internationalAdvertThresholdCents: number;
  /** From this value the award goes to the procurement committee for review. */
  procurementCommitteeThresholdCents: number;
  /** Resident Representative's delegated authority; above it headquarters must approve. */
  residentRepresentativeAuthorityCents: number;
  // ---- Low-value grants (Challenge Fund) ----
  /** Maximum of one low-value grant. */
  lowValueGrantCapCents: number;
  /** Maximum cumulative low-value grants to one recipient within the project. */
  cumulativeGrantCapPerRecipientCents: number;
  /** Innovation-challenge grants up to this value may be awarded directly by the head of office. */
  innovationDirectAwardLimitCents: number;
  /** Minimum co-financing, in percent of the total budget (grant + co-financing). */
  minCoFinancingPct: number;
  /** Maximum indirect costs of a grant budget, in percent of its direct costs. */
  maxIndirectCostPct: number;
}

/** A record in force over a range of days (a rule set, a deadline rule set). */
export interface DatedRecord {
  id: string;
  effectiveFrom: string;
  effectiveTo: string | null;
}

export interface PolicyRuleSetRecord {
  id: string;
  name: string;
  /** First day in force, YYYY-MM-DD (UTC calendar day). */
  effectiveFrom: string;
  /** Last day in force, inclusive, YYYY-MM-DD; null = still in force. */
  effectiveTo: string | null;
  rules: PolicyRules;
}

const USD = 100;

/**
 * The two POPP revisions the system knows.
 *
 * popp-2025-09-15 uses the figures of the revision effective 15 Sep 2025 (see shared/domain.md).
 *
 * popp-2019-01-01 stands for the earlier guidance. Its figures are product choices, not quotes:
 * direct contracting 5,000 / Bureau approval 10,000 / international advertising and procurement
 * committee 100,000 (the brief's figures); RR authority 200,000; daily fee approval above 1,500;
 * time-based IC payment still allowed (the lump-sum-only rule is what the 2025 revision introduced);
 * innovation direct award 30,000. Grant caps (150,000 / 300,000), 3 candidates, 30% financial weight
 * and 20% co-financing are the same in both.
 *
 * maxIndirectCostPct (both sets: 7% of direct costs). POPP publishes no indirect-cost ceiling for
 * low-value grants; 7% is the rate UNDP's own cost recovery applies under its Global Fund framework
 * agreement (UNDP Global Fund Implementation Guidance Manual, "Cost recovery": GMS 7%), and the
 * ceiling of indirect costs in grants under the EU Financial Regulation (2018/1046, art. 181(6)) that
 * the partnership's sister challenge funds follow. A product choice to confirm with the fund's
 * guidelines; migration 20261201192443_budgets_and_drafts writes it into stored rule sets.
 */
export const RULE_SETS: readonly PolicyRuleSetRecord[] = [
  {
    id: 'popp-2019-01-01',
    name: 'UNDP POPP (revision in force 1 Jan 2019 – 14 Sep 2025)',
    effectiveFrom: '2019-01-01',
    effectiveTo: '2025-09-14',
    rules: {
      icLumpSumOnly: false,
      icDirectContractingLimitCents: 5_000 * USD,
      icBureauApprovalLimitCents: 10_000 * USD,
      icMinCandidatesCompeting: 3,
      icMinFinancialWeightPct: 30,
      icDailyFeeApprovalThresholdCents: 1_500 * USD,
      internationalAdvertThresholdCents: 100_000 * USD,
      procurementCommitteeThresholdCents: 100_000 * USD,
      residentRepresentativeAuthorityCents: 200_000 * USD,
      lowValueGrantCapCents: 150_000 * USD,
      cumulativeGrantCapPerRecipientCents: 300_000 * USD,
      innovationDirectAwardLimitCents: 30_000 * USD,
      minCoFinancingPct: 20,
      maxIndirectCostPct: 7,
    },
  },
  {
    id: 'popp-2025-09-15',
    name: 'UNDP POPP (revision effective 15 Sep 2025)',
    effectiveFrom: '2025-09-15',
    effectiveTo: null,
    rules: {
      icLumpSumOnly: true,
      icDirectContractingLimitCents: 7_000 * USD,
      icBureauApprovalLimitCents: 15_000 * USD,
      icMinCandidatesCompeting: 3,
      icMinFinancialWeightPct: 30,
      icDailyFeeApprovalThresholdCents: 1_800 * USD,
      internationalAdvertThresholdCents: 150_000 * USD,
      procurementCommitteeThresholdCents: 150_000 * USD,
      residentRepresentativeAuthorityCents: 300_000 * USD,
      lowValueGrantCapCents: 150_000 * USD,
      cumulativeGrantCapPerRecipientCents: 300_000 * USD,
      innovationDirectAwardLimitCents: 40_000 * USD,
      minCoFinancingPct: 20,
      maxIndirectCostPct: 7,
    },
  },
];

/**
 * The rule set whose [effectiveFrom, effectiveTo] (both inclusive) covers the decision date.
 * If several cover it (an older open-ended set not yet closed when a newer one was added),
 * the one with the latest effectiveFrom wins: a newer revision supersedes the older.
 */
export function ruleSetInForce<T extends DatedRecord = PolicyRuleSetRecord>(
  ruleSets: readonly T[],
  decisionDateIso: string,
): T {
  const day = utcDay(decisionDateIso);
  let chosen: T | undefined;
  for (const set of ruleSets) {
    const from = utcDay(set.effectiveFrom);
    const to = set.effectiveTo === null ? null : utcDay(set.effectiveTo);
    if (from <= day && (to === null || day <= to) && (!chosen || from > utcDay(chosen.effectiveFrom))) chosen = set;
  }
  if (!chosen) {
    const known =
      ruleSets.map((s) => `${s.id} [${s.effectiveFrom} .. ${s.effectiveTo ?? 'open'}]`).join(', ') || 'none';
    throw new Error(`No policy rule set is in force on ${day}; known rule sets: ${known}`);
  }
  return chosen;
}

/** Each rule's type: what a stored or entered rule set is checked against. */
export const POLICY_RULE_TYPES: Record<keyof PolicyRules, 'number' | 'boolean'> = {
  icLumpSumOnly: 'boolean',
  icDirectContractingLimitCents: 'number',
  icBureauApprovalLimitCents: 'number',
  icMinCandidatesCompeting: 'number',
  icMinFinancialWeightPct: 'number',
  icDailyFeeApprovalThresholdCents: 'number',
  internationalAdvertThresholdCents: 'number',
  procurementCommitteeThresholdCents: 'number',
  residentRepresentativeAuthorityCents: 'number',
  lowValueGrantCapCents: 'number',
  cumulativeGrantCapPerRecipientCents: 'number',
  innovationDirectAwardLimitCents: 'number',
  minCoFinancingPct: 'number',
  maxIndirectCostPct: 'number',
};

/** Checks a rules value read from storage (a Json column) and returns it typed; throws naming the bad keys. */
export function parsePolicyRules(value: unknown, label = 'rules'): PolicyRules {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${label}: must be an object`);
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const [key, type] of Object.entries(POLICY_RULE_TYPES)) {
    const v = record[key];
    if (type === 'boolean' ? typeof v !== 'boolean' : typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      problems.push(`${key} must be a ${type === 'boolean' ? 'boolean' : 'non-negative number'}`);
    }
  }
  for (const key of Object.keys(record)) if (!(key in POLICY_RULE_TYPES)) problems.push(`${key} is not a known rule`);
  if (problems.length) throw new Error(`${label}: ${problems.join('; ')}`);
  return Object.fromEntries(Object.keys(POLICY_RULE_TYPES).map((k) => [k, record[k]])) as unknown as PolicyRules;
}

/** A PolicyRuleSet database row (DateTime columns, Json rules) as a plain, checked record. */
export function policyRuleSetFromRow(row: {
  id: string;
  name: string;
  effectiveFrom: Date | string;
  effectiveTo: Date | string | null;
  rules: unknown;
}): PolicyRuleSetRecord {
  return {
    id: row.id,
    name: row.name,
    effectiveFrom: utcDay(row.effectiveFrom),
    effectiveTo: row.effectiveTo === null ? null : utcDay(row.effectiveTo),
    rules: parsePolicyRules(row.rules, `policy rule set ${row.id}`),
  };
}
