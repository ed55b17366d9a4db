import type { Modality } from '../stages';
import { finding, formatUsd, worstOutcome, type Finding, type PolicyResult } from './findings';
import type { PolicyRuleSetRecord } from './rules';

/** What contracting knows about an individual contract (IC) for an expert. Money in USD cents. */
export interface IndividualContractFacts {
  contractValueCents: number;
  deliverables: { amountCents: number }[];
  paymentBasis: 'lump_sum' | 'time_based';
  candidatesCompared: number;
  /** true: selected by comparing candidates; false: direct contracting with a recorded justification. */
  competitive: boolean;
  dailyFeeCents: number;
  workingDays: number;
  modality: Modality;
  /** Proposed per diem per day; null when none is paid. */
  perDiemCents: number | null;
  /** UN DSA rate of the destination per day; null when unknown. */
  dsaRateCents: number | null;
  /** Recorded Bureau Director approval; turns the approvals it covers from needs_approval into pass. */
  bureauDirectorApproved?: boolean;
  /** Weight of the financial score in a competitive best-value evaluation, when recorded. */
  financialWeightPct?: number | null;
}

/**
 * POPP rules for an individual contract. Rules that do not apply are not listed
 * (e.g. the direct-contracting limit for a competitive selection, per diem when none is paid).
 *
 * Judgement calls, documented:
 * - From the international-advertisement / procurement-committee thresholds and above the RR's
 *   authority the result is needs_approval, not fail: the requirement can be met (advertised,
 *   reviewed, approved) and the fund manager records that. A direct contract that large already
 *   fails the direct-contracting rule.
 * - A competitive selection with fewer than the minimum candidates fails even if the value would
 *   allow direct contracting: the CO must then record a direct-contracting justification instead.
 * - Per diem is payable only on missions; above the DSA rate it fails; with no DSA rate on file it
 *   needs approval (cannot be verified).
 */
export function checkIndividualContract(ruleSet: PolicyRuleSetRecord, facts: IndividualContractFacts): PolicyResult {
  const r = ruleSet.rules;
  const value = facts.contractValueCents;
  const approved = facts.bureauDirectorApproved === true;
  const findings: Finding[] = [];

  const lumpSum = facts.paymentBasis === 'lump_sum';
  findings.push(
    finding(
      'payment_basis',
      lumpSum || !r.icLumpSumOnly ? 'pass' : 'fail',
      lumpSum
        ? 'Lump-sum payment against deliverables.'
        : r.icLumpSumOnly
          ? 'Time-based payment is not allowed: individual contracts are lump-sum and deliverable-based only.'
          : 'Time-based payment is allowed under this rule set.',
      { paymentBasis: facts.paymentBasis, lumpSumOnly: r.icLumpSumOnly },
    ),
  );

  const sum = facts.deliverables.reduce((s, d) => s + d.amountCents, 0);
  const allPositive = facts.deliverables.every((d) => d.amountCents > 0);
  const deliverablesOk = facts.deliverables.length > 0 && allPositive && sum === value;
  findings.push(
    finding(
      'deliverables_sum_to_value',
      deliverablesOk ? 'pass' : 'fail',
      facts.deliverables.length === 0
        ? 'No deliverables: payment must be tied to certified deliverables.'
        : !allPositive
          ? 'Every deliverable must carry a positive amount.'
          : `${facts.deliverables.length} deliverables total ${formatUsd(sum)}; the contract value is ${formatUsd(value)}.`,
      { deliverables: facts.deliverables.length, deliverablesSumCents: sum, contractValueCents: value },
    ),
  );

  if (facts.competitive) {
    const enough = facts.candidatesCompared >= r.icMinCandidatesCompeting;
    findings.push(
      finding(
        'competitive_min_candidates',
        enough ? 'pass' : 'fail',
        `${facts.candidatesCompared} candidates compared; a competitive selection needs at least ${r.icMinCandidatesCompeting}.`,
        { candidatesCompared: facts.candidatesCompared, minCandidates: r.icMinCandidatesCompeting },
      ),
    );
    if (facts.financialWeightPct != null) {
      const weightOk = facts.financialWeightPct >= r.icMinFinancialWeightPct;
      findings.push(
        finding(
          'financial_weight_min',
          weightOk ? 'pass' : 'fail',
          `Financial score weight ${facts.financialWeightPct}%; best-value evaluation needs at least ${r.icMinFinancialWeightPct}%.`,
          { financialWeightPct: facts.financialWeightPct, minPct: r.icMinFinancialWeightPct },
        ),
      );
    }
  } else {
    findings.push(
      directContractingFinding(value, r.icDirectContractingLimitCents, r.icBureauApprovalLimitCents, approved),
    );
  }

  const feeAbove = facts.dailyFeeCents > r.icDailyFeeApprovalThresholdCents;
  findings.push(
    finding(
      'daily_fee_threshold',
      !feeAbove || approved ? 'pass' : 'needs_approval',
      !feeAbove
        ? `Daily fee ${formatUsd(facts.dailyFeeCents)} is within ${formatUsd(r.icDailyFeeApprovalThresholdCents)}.`
        : `Daily fee ${formatUsd(facts.dailyFeeCents)} is above ${formatUsd(r.icDailyFeeApprovalThresholdCents)}: ` +
            (approved ? 'Bureau Director approval is recorded.' : 'Bureau Director approval is required.'),
      {
        dailyFeeCents: facts.dailyFeeCents,
        thresholdCents: r.icDailyFeeApprovalThresholdCents,
        workingDays: facts.workingDays,
        bureauDirectorApproved: approved,
      },
    ),
  );

  findings.push(
    thresholdFinding(
      'international_advertisement',
      value >= r.internationalAdvertThresholdCents,
      `Contract value ${formatUsd(value)} is at or above ${formatUsd(r.internationalAdvertThresholdCents)}: the opportunity must be advertised internationally; confirm before award.`,
      `Contract value ${formatUsd(value)} is below the international advertisement threshold of ${formatUsd(r.internationalAdvertThresholdCents)}.`,
      value,
      r.internationalAdvertThresholdCents,
    ),
  );
  findings.push(
    thresholdFinding(
      'procurement_committee_review',
      value >= r.procurementCommitteeThresholdCents,
      `Contract value ${formatUsd(value)} is at or above ${formatUsd(r.procurementCommitteeThresholdCents)}: procurement committee review is required.`,
      `Contract value ${formatUsd(value)} is below the procurement committee threshold of ${formatUsd(r.procurementCommitteeThresholdCents)}.`,
      value,
      r.procurementCommitteeThresholdCents,
    ),
  );
  findings.push(
    thresholdFinding(
      'delegated_authority',
      value > r.residentRepresentativeAuthorityCents,
      `Contract value ${formatUsd(value)} exceeds the Resident Representative's authority of ${formatUsd(r.residentRepresentativeAuthorityCents)}: headquarters approval is required.`,
      `Contract value ${formatUsd(value)} is within the Resident Representative's authority of ${formatUsd(r.residentRepresentativeAuthorityCents)}.`,
      value,
      r.residentRepresentativeAuthorityCents,
    ),
  );

  if (facts.perDiemCents !== null && facts.perDiemCents > 0) findings.push(perDiemFinding(facts));

  return { outcome: worstOutcome(findings), findings, ruleSetId: ruleSet.id };
}

function directContractingFinding(value: number, directLimit: number, bureauLimit: number, approved: boolean): Finding {
  const data = {
    contractValueCents: value,
    directLimitCents: directLimit,
    bureauLimitCents: bureauLimit,
    bureauDirectorApproved: approved,
  };
  if (value <= directLimit) {
    return finding(
      'direct_contracting_limit',
      'pass',
      `Direct contracting of ${formatUsd(value)} is within the ${formatUsd(directLimit)} limit.`,
      data,
    );
  }
  if (value <= bureauLimit) {
    return finding(
      'direct_contracting_limit',
      approved ? 'pass' : 'needs_approval',
      `Direct contracting of ${formatUsd(value)} is above ${formatUsd(directLimit)} and within ${formatUsd(bureauLimit)}: ` +
        (approved ? 'Bureau Director approval is recorded.' : 'Bureau Director approval is required.'),
      data,
    );
  }
  return finding(
    'direct_contracting_limit',
    'fail',
    `Direct contracting of ${formatUsd(value)} exceeds ${formatUsd(bureauLimit)}: a competitive selection is required.`,
    data,
  );
}

function thresholdFinding(
  rule: string,
  reached: boolean,
  reachedMessage: string,
  belowMessage: string,
  value: number,
  threshold: number,
): Finding {
  return finding(rule, reached ? 'needs_approval' : 'pass', reached ? reachedMessage : belowMessage, {
    contractValueCents: value,
    thresholdCents: threshold,
  });
}

function perDiemFinding(facts: IndividualContractFacts): Finding {
  const perDiem = facts.perDiemCents ?? 0;
  const data = { perDiemCents: perDiem, dsaRateCents: facts.dsaRateCents, modality: facts.modality };
  if (facts.modality !== 'mission') {
    return finding(
      'per_diem_dsa',
      'fail',
      `Per diem ${formatUsd(perDiem)} is payable only on a mission, not on ${facts.modality} work.`,
      data,
    );
  }
  if (facts.dsaRateCents === null) {
    return finding(
      'per_diem_dsa',
      'needs_approval',
      `Per diem ${formatUsd(perDiem)} cannot be checked: no DSA rate is recorded for the destination.`,
      data,
    );
  }
  const ok = perDiem <= facts.dsaRateCents;
  return finding(
    'per_diem_dsa',
    ok ? 'pass' : 'fail',
    `Per diem ${formatUsd(perDiem)} ${ok ? 'is within' : 'exceeds'} the UN DSA rate of ${formatUsd(facts.dsaRateCents)}.`,
    data,
  );
}
