/**
 * Experts-on-Demand roster matching and candidate-selection rules. Pure and deterministic:
 * no I/O, no clock, no randomness, so the workflow sandbox, activities, the API and unit tests
 * all get the same answer for the same roster.
 *
 * Matching = hard filters, then a score out of 100 with a breakdown, then a total order:
 *   hard filters  every required language; available over [start, end] (one availability window,
 *                 after merging touching windows, covers the whole period); no confirmed assignment
 *                 overlapping the period; relevant (the thematic area or at least one SDG in common).
 *   score         thematic area 35, SDG overlap 20, fee within the daily budget 15, rating 20,
 *                 experience in the country 10. Each part is rounded to hundredths, so equal inputs
 *                 give bit-identical scores.
 *   order         score desc, rating desc, daily fee asc, id asc.
 * The fee is a soft criterion: a fee at or under the budget (contract value / working days) earns
 * the full 15, the points then fall linearly to 0 at twice the budget. A lump-sum contract pays the
 * contract value whatever the fee; the fee only says how well the expert fits the budget.
 */

export interface AvailabilityWindow {
  /** YYYY-MM-DD, inclusive. */
  from: string;
  /** YYYY-MM-DD, inclusive. */
  to: string;
}

/** The roster fields matching reads (a subset of the Expert row, JSON columns already parsed). */
export interface RosterExpert {
  id: string;
  name: string;
  thematicAreaIds: string[];
  sdgs: number[];
  languages: string[];
  countriesOfExperience: string[];
  dailyFeeCents: number;
  availability: AvailabilityWindow[];
  /** Running average 0..5; meaningless while ratingCount is 0. */
  rating: number;
  ratingCount: number;
}

/** A confirmed assignment of a roster expert (a request past selection, not yet closed). */
export interface ConfirmedAssignment {
  expertId: string;
  startDate: string;
  endDate: string;
  requestId?: string;
}

export interface MatchCriteria {
  thematicAreaId: string;
  sdgs: number[];
  languages: string[];
  /** YYYY-MM-DD, inclusive. */
  startDate: string;
  endDate: string;
  countryCode: string;
  /** Daily budget: contract value / working days. */
  maxDailyFeeCents: number;
  /** Shortlist length; default 5. */
  limit?: number;
}

export const MATCH_WEIGHTS = { thematic: 35, sdgOverlap: 20, fee: 15, rating: 20, countryExperience: 10 } as const;
/** Rating used for an expert nobody has rated yet: neither rewarded nor punished. */
export const UNRATED_PRIOR = 3;
export const DEFAULT_SHORTLIST_SIZE = 5;

export type ScoreBreakdown = Record<keyof typeof MATCH_WEIGHTS, number>;

export const EXCLUSION_REASONS = ['language', 'availability', 'assignment_conflict', 'not_relevant'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface MatchCandidate {
  expertId: string;
  name: string;
  dailyFeeCents: number;
  rating: number;
  score: number;
  breakdown: ScoreBreakdown;
}

export interface MatchResult {
  /** Best first, at most `limit`. */
  candidates: MatchCandidate[];
  /** Every eligible expert, ranked (the shortlist is its head). */
  eligibleCount: number;
  /** Experts filtered out, by id order, with every reason that applied. */
  excluded: { expertId: string; reasons: ExclusionReason[] }[];
}

const DAY_MS = 86_400_000;

function dayNumber(iso: string): number {
  const ms = Date.parse(`${iso.slice(0, 10)}T00:00:00.000Z`);
  if (Number.isNaN(ms)) throw new Error(`Not an ISO date: ${iso}`);
  return Math.round(ms / DAY_MS);
}

const hundredths = (n: number) => Math.round(n * 100) / 100;

/** Windows sorted and merged where they overlap or touch (31 Jan + 1 Feb = one window). */
export function mergeWindows(windows: readonly AvailabilityWindow[]): { from: number; to: number }[] {
  const days = windows
    .map((w) => ({ from: dayNumber(w.from), to: dayNumber(w.to) }))
    .filter((w) => w.to >= w.from)
    .sort((a, b) => a.from - b.from || a.to - b.to);
  const out: { from: number; to: number }[] = [];
  for (const w of days) {
    const last = out[out.length - 1];
    if (last && w.from <= last.to + 1) last.to = Math.max(last.to, w.to);
    else out.push({ ...w });
  }
  return out;
}

export function availableOver(windows: readonly AvailabilityWindow[], startDate: string, endDate: string): boolean {
  const start = dayNumber(startDate);
  const end = dayNumber(endDate);
  return mergeWindows(windows).some((w) => w.from <= start && w.to >= end);
}

/** Inclusive date ranges overlap. */
export function periodsOverlap(aStart: string, aEnd: string, bStart: string, bEnd: string): boolean {
  return dayNumber(aStart) <= dayNumber(bEnd) && dayNumber(bStart) <= dayNumber(aEnd);
}

/** Why an expert may not be shortlisted for these criteria; empty = eligible. */
export function exclusionReasons(
  expert: RosterExpert,
  criteria: MatchCriteria,
  assignments: readonly ConfirmedAssignment[] = [],
): ExclusionReason[] {
  const reasons: ExclusionReason[] = [];
  const spoken = new Set(expert.languages.map((l) => l.toLowerCase()));
  if (!criteria.languages.every((l) => spoken.has(l.toLowerCase()))) reasons.push('language');
  if (!availableOver(expert.availability, criteria.startDate, criteria.endDate)) reasons.push('availability');
  if (
    assignments.some(
      (a) => a.expertId === expert.id && periodsOverlap(a.startDate, a.endDate, criteria.startDate, criteria.endDate),
    )
  ) {
    reasons.push('assignment_conflict');
  }
  const thematic = expert.thematicAreaIds.includes(criteria.thematicAreaId);
  if (!thematic && !expert.sdgs.some((s) => criteria.sdgs.includes(s))) reasons.push('not_relevant');
  return reasons;
}

/** The score out of 100 and its parts, whatever the hard filters say. */
export function scoreExpert(
  expert: RosterExpert,
  criteria: MatchCriteria,
): { score: number; breakdown: ScoreBreakdown } {
  const w = MATCH_WEIGHTS;
  const requested = [...new Set(criteria.sdgs)];
  const shared = requested.filter((s) => expert.sdgs.includes(s)).length;
  const budget = criteria.maxDailyFeeCents;
  let feeShare: number;
  if (budget <= 0) feeShare = 0;
  else if (expert.dailyFeeCents <= budget) feeShare = 1;
  else feeShare = Math.max(0, 1 - (expert.dailyFeeCents - budget) / budget);
  const rating = expert.ratingCount > 0 ? Math.min(5, Math.max(0, expert.rating)) : UNRATED_PRIOR;
  const breakdown: ScoreBreakdown = {
    thematic: expert.thematicAreaIds.includes(criteria.thematicAreaId) ? w.thematic : 0,
    sdgOverlap: hundredths(requested.length ? (w.sdgOverlap * shared) / requested.length : 0),
    fee: hundredths(w.fee * feeShare),
    rating: hundredths((w.rating * rating) / 5),
    countryExperience: expert.countriesOfExperience.includes(criteria.countryCode) ? w.countryExperience : 0,
  };
  const score = hundredths(Object.values(breakdown).reduce((s, v) => s + v, 0));
  return { score, breakdown };
}

/** The total order of candidates: score desc, rating desc, fee asc, id asc (code-unit order, locale-free). */
export function compareCandidates(a: MatchCandidate, b: MatchCandidate): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.rating !== b.rating) return b.rating - a.rating;
  if (a.dailyFeeCents !== b.dailyFeeCents) return a.dailyFeeCents - b.dailyFeeCents;
  return a.expertId < b.expertId ? -1 : a.expertId > b.expertId ? 1 : 0;
}

export function toCandidate(expert: RosterExpert, criteria: MatchCriteria): MatchCandidate {
  const { score, breakdown } = scoreExpert(expert, criteria);
  return {
    expertId: expert.id,
    name: expert.name,
    dailyFeeCents: expert.dailyFeeCents,
    rating: expert.rating,
    score,
    breakdown,
  };
}

/** Filters the roster, scores the eligible experts and returns the best `limit` of them. */
export function rankExperts(
  roster: readonly RosterExpert[],
  criteria: MatchCriteria,
  assignments: readonly ConfirmedAssignment[] = [],
): MatchResult {
  const eligible: MatchCandidate[] = [];
  const excluded: MatchResult['excluded'] = [];
  for (const expert of roster) {
    const reasons = exclusionReasons(expert, criteria, assignments);
    if (reasons.length) excluded.push({ expertId: expert.id, reasons });
    else eligible.push(toCandidate(expert, criteria));
  }
  eligible.sort(compareCandidates);
  excluded.sort((a, b) => (a.expertId < b.expertId ? -1 : a.expertId > b.expertId ? 1 : 0));
  const limit = criteria.limit ?? DEFAULT_SHORTLIST_SIZE;
  return { candidates: eligible.slice(0, Math.max(0, limit)), eligibleCount: eligible.length, excluded };
}

/** Daily budget of a request: the contract value spread over the working days (whole cents, rounded down). */
export function dailyBudgetCents(contractValueCents: number, workingDays: number): number {
  return workingDays > 0 ? Math.floor(contractValueCents / workingDays) : 0;
}

// ---------- candidate selection (the CO's choice among the experts who accepted) ----------

/** The part of the rule set in force that governs the selection, pinned when the selection task opens. */
export interface SelectionPolicy {
  ruleSetId: string;
  directContractingLimitCents: number;
  minCandidatesCompeting: number;
}

export interface SelectionFacts {
  contractValueCents: number;
  /** Experts who accepted the invitation (the candidates compared). */
  acceptedExpertIds: string[];
  /** data.expertIds of the decision. */
  selectedExpertIds: string[];
  justification?: string | null;
}

/**
 * Problems with a `select` decision, as `{path, message}` for the Update validator:
 * - exactly one expert, who accepted the invitation;
 * - fewer than the minimum of candidates compared is direct contracting: allowed only up to the
 *   direct-contracting limit, and then only with a recorded justification.
 * (Above the limit with too few candidates there is nothing to select: the CO can only reject.)
 */
export function candidateSelectionProblems(
  policy: SelectionPolicy,
  facts: SelectionFacts,
): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (facts.selectedExpertIds.length !== 1)
    problems.push({ path: 'data.expertIds', message: 'select exactly one expert' });
  const chosen = facts.selectedExpertIds[0];
  if (chosen !== undefined && !facts.acceptedExpertIds.includes(chosen)) {
    problems.push({
      path: 'data.expertIds.0',
      message: `${chosen} did not accept the invitation; choose one of: ${facts.acceptedExpertIds.join(', ') || 'none'}`,
    });
  }
  const compared = facts.acceptedExpertIds.length;
  if (compared < policy.minCandidatesCompeting) {
    if (facts.contractValueCents > policy.directContractingLimitCents) {
      problems.push({
        path: 'data.expertIds',
        message:
          `the contract value exceeds the direct-contracting limit of ${policy.directContractingLimitCents / 100} USD (${policy.ruleSetId}): ` +
          `at least ${policy.minCandidatesCompeting} candidates must be compared and only ${compared} accepted; reject instead`,
      });
    } else if (!facts.justification?.trim()) {
      problems.push({
        path: 'data.justification',
        message: `only ${compared} candidate(s) compared (fewer than ${policy.minCandidatesCompeting}): direct contracting needs a recorded justification`,
      });
    }
  }
  return problems;
}

/** Competitive when at least the minimum of candidates was compared; otherwise direct contracting. */
export function isCompetitive(
  policy: Pick<SelectionPolicy, 'minCandidatesCompeting'>,
  candidatesCompared: number,
): boolean {
  return candidatesCompared >= policy.minCandidatesCompeting;
}
