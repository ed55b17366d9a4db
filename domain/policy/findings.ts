/**
 * Shared vocabulary of the policy checks. Pure: imported by workflow sandboxes,
 * activities and the API alike.
 */

export const POLICY_OUTCOMES = ['pass', 'needs_approval', 'fail'] as const;
export type PolicyOutcome = (typeof POLICY_OUTCOMES)[number];

/** One evaluated rule: its name, its verdict, a sentence for people and the figures behind it. */
export interface Finding {
  rule: string;
  outcome: PolicyOutcome;
  message: string;
  data: Record<string, number | string | boolean | null>;
}

/** Every rule that was evaluated is listed (passes too) so the audit trail shows what was checked. */
export interface PolicyResult {
  outcome: PolicyOutcome;
  findings: Finding[];
  ruleSetId: string;
}

const SEVERITY: Record<PolicyOutcome, number> = { pass: 0, needs_approval: 1, fail: 2 };

/** The worst outcome among the findings; no findings means nothing objected, i.e. pass. */
export function worstOutcome(findings: readonly Pick<Finding, 'outcome'>[]): PolicyOutcome {
  let worst: PolicyOutcome = 'pass';
  for (const f of findings) if (SEVERITY[f.outcome] > SEVERITY[worst]) worst = f.outcome;
  return worst;
}

/**
 * "USD 7,000" / "USD 1,800.50" from integer cents. Hand-rolled rather than
 * Intl/toLocaleString so the text is identical in every runtime and locale.
 */
export function formatUsd(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = abs % 100;
  return `${sign}USD ${whole}${fraction === 0 ? '' : `.${fraction.toString().padStart(2, '0')}`}`;
}

/** A finding as people are told it: its rule code and figures (each page or mail words it in the reader's language). */
export type Reason = Pick<Finding, 'rule' | 'outcome' | 'data'>;

/** The failed findings, as reasons for a rejection. */
export function failedReasons(findings: readonly Finding[]): Reason[] {
  return findings.filter((f) => f.outcome === 'fail').map(({ rule, outcome, data }) => ({ rule, outcome, data }));
}

export function finding(rule: string, outcome: PolicyOutcome, message: string, data: Finding['data']): Finding {
  return { rule, outcome, message, data };
}
