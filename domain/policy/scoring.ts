/** A rubric criterion as stored on a Call: weights of a rubric sum to 100, scores run 0..max. */
export interface RubricCriterion {
  key: string;
  weight: number;
  max: number;
  label?: string;
}

export interface ScoreProblem {
  key: string;
  code: 'missing' | 'out_of_range' | 'unknown_criterion';
  message: string;
}

/** What is wrong with one reviewer's scores; an empty list means they can be counted. */
export function validateScores(rubric: readonly RubricCriterion[], scores: Record<string, unknown>): ScoreProblem[] {
  const problems: ScoreProblem[] = [];
  for (const c of rubric) {
    const v = scores[c.key];
    if (v === undefined || v === null) {
      problems.push({ key: c.key, code: 'missing', message: `${c.key}: a score is required` });
    } else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > c.max) {
      problems.push({ key: c.key, code: 'out_of_range', message: `${c.key}: must be a number from 0 to ${c.max}` });
    }
  }
  const known = new Set(rubric.map((c) => c.key));
  for (const key of Object.keys(scores)) {
    if (!known.has(key))
      problems.push({ key, code: 'unknown_criterion', message: `${key}: not a criterion of this rubric` });
  }
  return problems;
}

export interface WeightedScore {
  /** 0..100, averaged over reviewers, rounded to 2 decimals. */
  total: number;
  /** average: mean raw score (0..max); points: its contribution to total. */
  perCriterion: Record<string, { average: number; points: number }>;
  reviewers: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Weighted rubric score: each criterion contributes (score / max) × weight, normalised by the
 * sum of weights to 0..100, then averaged over reviewers (equal to scoring the averaged scores,
 * the formula being linear). Throws on invalid scores or no reviewers: validate first.
 */
export function weightedScore(
  rubric: readonly RubricCriterion[],
  scoresByReviewer: readonly Record<string, number>[],
): WeightedScore {
  if (rubric.length === 0) throw new Error('The rubric has no criteria');
  if (scoresByReviewer.length === 0) throw new Error('No reviewer scores to combine');
  scoresByReviewer.forEach((scores, i) => {
    const problems = validateScores(rubric, scores);
    if (problems.length) throw new Error(`Reviewer ${i + 1}: ${problems.map((p) => p.message).join('; ')}`);
  });
  const totalWeight = rubric.reduce((s, c) => s + c.weight, 0);
  const perCriterion: WeightedScore['perCriterion'] = {};
  let total = 0;
  for (const c of rubric) {
    const average = scoresByReviewer.reduce((s, scores) => s + scores[c.key], 0) / scoresByReviewer.length;
    const points = ((average / c.max) * c.weight * 100) / totalWeight;
    total += points;
    perCriterion[c.key] = { average: round2(average), points: round2(points) };
  }
  return { total: round2(total), perCriterion, reviewers: scoresByReviewer.length };
}
