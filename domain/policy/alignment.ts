import type { AlignmentResult } from '../stages';
import { instant } from './dates';
import { finding, worstOutcome, type Finding, type PolicyOutcome } from './findings';

export interface FrameworkOutcomeFacts {
  code: string;
  sdgs: number[];
  thematicAreaIds: string[];
}

export interface AlignmentFacts {
  countryEligible: boolean;
  /** The country's Cooperation Framework (UNDAF successor); null when none is on file. */
  framework: { periodStart: string; periodEnd: string; outcomes: FrameworkOutcomeFacts[] } | null;
  /** Project or assignment dates, ISO. */
  startDate: string;
  endDate: string;
  sdgs: number[];
  thematicAreaId: string;
}

export interface AlignmentCheck {
  result: AlignmentResult;
  reasons: Finding[];
  /** Outcomes overlapping on both SDG and thematic area; if none does, those overlapping on one of them. */
  matchedOutcomes: string[];
}

const RESULT_OF: Record<PolicyOutcome, AlignmentResult> = {
  pass: 'aligned',
  needs_approval: 'needs_review',
  fail: 'not_aligned',
};

/**
 * Does the project stem from the country's Cooperation Framework?
 * Each reason is a Finding (pass / needs_approval / fail); the result is the worst of them:
 * fail = not_aligned (ineligible country, no framework, no overlap with any outcome);
 * needs_approval = needs_review (only SDG or only thematic overlap, or dates not inside the period),
 * which the fund manager decides; all pass = aligned.
 */
export function checkAlignment(facts: AlignmentFacts): AlignmentCheck {
  const reasons: Finding[] = [];
  reasons.push(
    finding(
      'country_eligible',
      facts.countryEligible ? 'pass' : 'fail',
      facts.countryEligible
        ? 'The country is eligible for the programme.'
        : 'The country is not eligible for the programme.',
      { countryEligible: facts.countryEligible },
    ),
  );

  const fw = facts.framework;
  if (!fw) {
    reasons.push(
      finding('framework_present', 'fail', 'No Cooperation Framework is on file for the country.', { framework: null }),
    );
    return { result: 'not_aligned', reasons, matchedOutcomes: [] };
  }

  const inside =
    instant(facts.startDate) >= instant(fw.periodStart) && instant(facts.endDate, true) <= instant(fw.periodEnd, true);
  reasons.push(
    finding(
      'framework_period',
      inside ? 'pass' : 'needs_approval',
      inside
        ? `Dates ${facts.startDate} to ${facts.endDate} fall inside the framework period ${fw.periodStart} to ${fw.periodEnd}.`
        : `Dates ${facts.startDate} to ${facts.endDate} are not inside the framework period ${fw.periodStart} to ${fw.periodEnd}.`,
      { startDate: facts.startDate, endDate: facts.endDate, periodStart: fw.periodStart, periodEnd: fw.periodEnd },
    ),
  );

  const full: string[] = [];
  const partial: string[] = [];
  for (const outcome of fw.outcomes) {
    const sdgMatch = outcome.sdgs.some((s) => facts.sdgs.includes(s));
    const themeMatch = outcome.thematicAreaIds.includes(facts.thematicAreaId);
    if (sdgMatch && themeMatch) full.push(outcome.code);
    else if (sdgMatch || themeMatch) partial.push(outcome.code);
  }
  const overlapData = {
    sdgs: facts.sdgs.join(','),
    thematicAreaId: facts.thematicAreaId,
    fullMatches: full.join(','),
    partialMatches: partial.join(','),
  };
  if (full.length) {
    reasons.push(
      finding(
        'outcome_overlap',
        'pass',
        `SDGs and thematic area match framework outcome(s) ${full.join(', ')}.`,
        overlapData,
      ),
    );
  } else if (partial.length) {
    reasons.push(
      finding(
        'outcome_overlap',
        'needs_approval',
        `Only a partial match (SDG or thematic area, not both) with framework outcome(s) ${partial.join(', ')}.`,
        overlapData,
      ),
    );
  } else {
    reasons.push(
      finding(
        'outcome_overlap',
        'fail',
        'Neither the SDGs nor the thematic area match any framework outcome.',
        overlapData,
      ),
    );
  }

  return { result: RESULT_OF[worstOutcome(reasons)], reasons, matchedOutcomes: full.length ? full : partial };
}
