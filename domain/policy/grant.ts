import { DOCUMENT_TYPE_LABELS, type DocumentType } from '../documents';
import { instant } from './dates';
import { finding, formatUsd, worstOutcome, type Finding, type PolicyResult } from './findings';
import type { PolicyRuleSetRecord } from './rules';

/** What Challenge Fund screening and contracting know about a proposal. Money in USD cents. */
export interface GrantFacts {
  requestedCents: number;
  coFinancingCents: number;
  callMinCents: number;
  callMaxCents: number;
  callCoFinancingMinPct: number;
  /** ISO date or timestamp; a bare closing date counts as open all that day. */
  callOpensAt: string;
  callClosesAt: string;
  submittedAt: string;
  countryEligible: boolean;
  /** Letter of intent / MoU reference or text; null or blank when missing. */
  localPartnerEvidence: string | null;
  /** Low-value grants already awarded to the same institution within the project (excluding this one). */
  cumulativeAwardedToInstitutionCents: number;
  durationMonths: number;
  callMaxDurationMonths: number;
  /** From the budget lines (absent for a proposal with the two totals only): indirect and direct costs. */
  budget?: { indirectCents: number; directCents: number };
  /** Milestone due dates (YYYY-MM-DD) in order: checked at intake, from the submission day to the project's end. */
  milestoneDueDates?: string[];
  /** The call's required document types and those the proposal carries (checked when the call requires some). */
  documents?: { required: string[]; provided: string[] };
}

/** The day `months` calendar months after `day` (YYYY-MM-DD), clamped to the month's last day. */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.slice(0, 10).split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))).toISOString().slice(0, 10);
}

/**
 * Eligibility and low-value-grant rules for one proposal.
 * Co-financing is measured against the total budget (grant + co-financing), the reading used by
 * the Challenge Fund calls: 20% of the total means at least a quarter of the grant on top of it.
 * The stricter of the call's and the rule set's minimum applies.
 */
export function checkGrant(ruleSet: PolicyRuleSetRecord, facts: GrantFacts): PolicyResult {
  const r = ruleSet.rules;
  const findings: Finding[] = [];

  const opens = instant(facts.callOpensAt);
  const closes = instant(facts.callClosesAt, true);
  const submitted = instant(facts.submittedAt);
  const callOpen = submitted >= opens && submitted <= closes;
  findings.push(
    finding(
      'call_open',
      callOpen ? 'pass' : 'fail',
      callOpen
        ? `Submitted ${facts.submittedAt} while the call was open (${facts.callOpensAt} to ${facts.callClosesAt}).`
        : `Submitted ${facts.submittedAt}, outside the call period ${facts.callOpensAt} to ${facts.callClosesAt}.`,
      { submittedAt: facts.submittedAt, callOpensAt: facts.callOpensAt, callClosesAt: facts.callClosesAt },
    ),
  );

  findings.push(
    finding(
      'country_eligible',
      facts.countryEligible ? 'pass' : 'fail',
      facts.countryEligible
        ? 'The country is eligible for the Challenge Fund.'
        : 'The country is not eligible for the Challenge Fund.',
      { countryEligible: facts.countryEligible },
    ),
  );

  const withinCall = facts.requestedCents >= facts.callMinCents && facts.requestedCents <= facts.callMaxCents;
  findings.push(
    finding(
      'amount_within_call_limits',
      withinCall ? 'pass' : 'fail',
      `Requested ${formatUsd(facts.requestedCents)}; the call allows ${formatUsd(facts.callMinCents)} to ${formatUsd(facts.callMaxCents)}.`,
      { requestedCents: facts.requestedCents, callMinCents: facts.callMinCents, callMaxCents: facts.callMaxCents },
    ),
  );

  const withinCap = facts.requestedCents <= r.lowValueGrantCapCents;
  findings.push(
    finding(
      'low_value_grant_cap',
      withinCap ? 'pass' : 'fail',
      withinCap
        ? `Requested ${formatUsd(facts.requestedCents)} is within the low-value grant cap of ${formatUsd(r.lowValueGrantCapCents)}.`
        : `Requested ${formatUsd(facts.requestedCents)} exceeds the low-value grant cap of ${formatUsd(r.lowValueGrantCapCents)}.`,
      { requestedCents: facts.requestedCents, limitCents: r.lowValueGrantCapCents },
    ),
  );

  const cumulativeAfter = facts.cumulativeAwardedToInstitutionCents + facts.requestedCents;
  const withinCumulative = cumulativeAfter <= r.cumulativeGrantCapPerRecipientCents;
  findings.push(
    finding(
      'cumulative_recipient_cap',
      withinCumulative ? 'pass' : 'fail',
      `Already awarded ${formatUsd(facts.cumulativeAwardedToInstitutionCents)} + requested ${formatUsd(facts.requestedCents)} = ` +
        `${formatUsd(cumulativeAfter)} ${withinCumulative ? 'is within' : 'exceeds'} the cumulative cap per recipient of ` +
        `${formatUsd(r.cumulativeGrantCapPerRecipientCents)}.`,
      {
        alreadyAwardedCents: facts.cumulativeAwardedToInstitutionCents,
        requestedCents: facts.requestedCents,
        cumulativeAfterCents: cumulativeAfter,
        limitCents: r.cumulativeGrantCapPerRecipientCents,
      },
    ),
  );

  findings.push(coFinancingFinding(facts, Math.max(r.minCoFinancingPct, facts.callCoFinancingMinPct)));

  const directAward = facts.requestedCents <= r.innovationDirectAwardLimitCents;
  findings.push(
    finding(
      'innovation_direct_award_limit',
      directAward ? 'pass' : 'needs_approval',
      directAward
        ? `Requested ${formatUsd(facts.requestedCents)} is within the head of office's direct-award limit of ${formatUsd(r.innovationDirectAwardLimitCents)}.`
        : `Requested ${formatUsd(facts.requestedCents)} exceeds the direct-award limit of ${formatUsd(r.innovationDirectAwardLimitCents)}; the award needs approval above the head of office.`,
      { requestedCents: facts.requestedCents, limitCents: r.innovationDirectAwardLimitCents },
    ),
  );

  const evidence = (facts.localPartnerEvidence ?? '').trim();
  findings.push(
    finding(
      'local_partner_evidence',
      evidence ? 'pass' : 'fail',
      evidence
        ? 'A local partner is documented (letter of intent or MoU).'
        : 'No local partner evidence (letter of intent or MoU) was provided.',
      { provided: evidence.length > 0 },
    ),
  );

  const durationOk = facts.durationMonths >= 1 && facts.durationMonths <= facts.callMaxDurationMonths;
  findings.push(
    finding(
      'duration_max',
      durationOk ? 'pass' : 'fail',
      `Duration ${facts.durationMonths} months; the call allows 1 to ${facts.callMaxDurationMonths} months.`,
      { durationMonths: facts.durationMonths, maxDurationMonths: facts.callMaxDurationMonths },
    ),
  );

  if (facts.budget) findings.push(indirectCostFinding(facts.budget, r.maxIndirectCostPct));
  if (facts.milestoneDueDates) findings.push(...milestoneFindings(facts));
  if (facts.documents && facts.documents.required.length) findings.push(requiredDocumentsFinding(facts.documents));

  return { outcome: worstOutcome(findings), findings, ruleSetId: ruleSet.id };
}

/** The call's required document types against those the proposal carries (intake, and a resubmission's check). */
export function requiredDocumentsFinding(documents: { required: string[]; provided: string[] }): Finding {
  const missing = documents.required.filter((t) => !documents.provided.includes(t));
  const named = missing.map((t) => `${DOCUMENT_TYPE_LABELS[t as DocumentType]?.en ?? t} (${t})`);
  return finding(
    'required_documents',
    missing.length ? 'fail' : 'pass',
    missing.length
      ? `Required documents missing: ${named.join(', ')}.`
      : 'Every document the call requires is attached.',
    { missing: missing.join(','), required: documents.required.join(',') },
  );
}

function indirectCostFinding(budget: { indirectCents: number; directCents: number }, maxPct: number): Finding {
  // Integer comparison: indirect / direct <= maxPct / 100.
  const ok = budget.indirectCents * 100 <= maxPct * budget.directCents;
  const actualPct = budget.directCents > 0 ? Math.round((budget.indirectCents * 10_000) / budget.directCents) / 100 : 0;
  const maximumCents = Math.floor((maxPct * budget.directCents) / 100);
  return finding(
    'indirect_cost_cap',
    ok ? 'pass' : 'fail',
    `Indirect costs ${formatUsd(budget.indirectCents)} are ${actualPct}% of the direct costs ${formatUsd(budget.directCents)}; ` +
      `at most ${maxPct}% is allowed (${formatUsd(maximumCents)}).`,
    {
      indirectCents: budget.indirectCents,
      directCents: budget.directCents,
      actualPct,
      maxPct,
      maximumIndirectCents: maximumCents,
    },
  );
}

/** Each milestone falls due between the submission day and the project's end (submission + duration). */
function milestoneFindings(facts: GrantFacts): Finding[] {
  const startDate = facts.submittedAt.slice(0, 10);
  const endDate = addMonths(startDate, facts.durationMonths);
  const out: Finding[] = [];
  (facts.milestoneDueDates ?? []).forEach((dueDate, i) => {
    if (dueDate < startDate)
      out.push(
        finding(
          'milestone_in_past',
          'fail',
          `Milestone ${i + 1} is due ${dueDate}, before the submission day ${startDate}.`,
          {
            milestone: i + 1,
            dueDate,
            startDate,
          },
        ),
      );
    else if (dueDate > endDate)
      out.push(
        finding(
          'milestone_after_end',
          'fail',
          `Milestone ${i + 1} is due ${dueDate}, after the project's end ${endDate} (${facts.durationMonths} months from ${startDate}).`,
          { milestone: i + 1, dueDate, endDate, durationMonths: facts.durationMonths },
        ),
      );
  });
  if (!out.length)
    out.push(
      finding(
        'milestones_in_period',
        'pass',
        `Every milestone falls due between ${startDate} and the project's end ${endDate}.`,
        { startDate, endDate },
      ),
    );
  return out;
}

function coFinancingFinding(facts: GrantFacts, requiredPct: number): Finding {
  const total = facts.requestedCents + facts.coFinancingCents;
  // Integer comparison: coFinancing / total >= requiredPct / 100, without rounding error.
  const ok = total > 0 ? facts.coFinancingCents * 100 >= requiredPct * total : requiredPct === 0;
  const actualPct = total > 0 ? Math.round((facts.coFinancingCents * 10_000) / total) / 100 : 0;
  // Smallest co-financing meeting the share for this grant: c >= p * g / (100 - p).
  const minimumCents =
    requiredPct >= 100 ? null : Math.ceil((requiredPct * facts.requestedCents) / (100 - requiredPct));
  return finding(
    'co_financing_min',
    ok ? 'pass' : 'fail',
    `Co-financing ${formatUsd(facts.coFinancingCents)} is ${actualPct}% of the total budget ${formatUsd(total)}; ` +
      `at least ${requiredPct}% is required` +
      (minimumCents === null ? '.' : ` (${formatUsd(minimumCents)} for this grant).`),
    {
      coFinancingCents: facts.coFinancingCents,
      totalBudgetCents: total,
      actualPct,
      requiredPct,
      minimumCoFinancingCents: minimumCents,
    },
  );
}
