/**
 * Reviewers for the proposals of a call, from the call's pool: N each, none from the applicant's
 * institution or with a declared conflict, workload spread evenly (pure: the call workflow runs it).
 */
import { reviewerConflict } from './reviewers';

export interface PoolReviewer {
  reviewerId: string;
  institutionId: string | null;
}

export interface AssignmentInput {
  proposals: { proposalId: string; institutionId: string }[];
  pool: PoolReviewer[];
  perProposal: number;
  /** Conflicts reviewers declared on proposals of the call. */
  conflicts: { reviewerId: string; proposalId: string }[];
  /** Reviews each reviewer already carries in this call (proposals assigned earlier: stragglers). */
  load?: Record<string, number>;
}

export interface AssignmentResult {
  /** proposalId → reviewer ids. */
  assignments: Record<string, string[]>;
  /** Proposals that could not get `perProposal` eligible reviewers. */
  shortfalls: { proposalId: string; eligible: number }[];
}

/** Why `reviewerId` may not review `proposal`, or null. */
export function assignmentConflict(
  input: Pick<AssignmentInput, 'pool' | 'conflicts'>,
  reviewerId: string,
  proposal: { proposalId: string; institutionId: string },
): 'not_in_pool' | 'same_institution' | 'declared_conflict' | null {
  const reviewer = input.pool.find((r) => r.reviewerId === reviewerId);
  if (!reviewer) return 'not_in_pool';
  if (reviewerConflict(reviewer, proposal.institutionId)) return 'same_institution';
  if (input.conflicts.some((c) => c.reviewerId === reviewerId && c.proposalId === proposal.proposalId))
    return 'declared_conflict';
  return null;
}

/**
 * Greedy and deterministic: the most constrained proposals first (fewest eligible reviewers), each
 * taking the eligible reviewers with the lightest load so far (ties by id). Without conflicts the
 * loads end within one of each other; conflicts can force a wider spread only when the pool
 * leaves no other choice.
 */
export function assignReviewers(input: AssignmentInput): AssignmentResult {
  const load: Record<string, number> = {};
  for (const r of input.pool) load[r.reviewerId] = input.load?.[r.reviewerId] ?? 0;
  const eligible = (p: { proposalId: string; institutionId: string }) =>
    input.pool.filter((r) => assignmentConflict(input, r.reviewerId, p) === null).map((r) => r.reviewerId);
  const order = [...input.proposals].sort(
    (a, b) => eligible(a).length - eligible(b).length || a.proposalId.localeCompare(b.proposalId),
  );
  const assignments: Record<string, string[]> = {};
  const shortfalls: AssignmentResult['shortfalls'] = [];
  for (const p of order) {
    const candidates = eligible(p).sort((a, b) => load[a] - load[b] || a.localeCompare(b));
    const chosen = candidates.slice(0, input.perProposal);
    for (const r of chosen) load[r]++;
    assignments[p.proposalId] = chosen;
    if (chosen.length < input.perProposal) shortfalls.push({ proposalId: p.proposalId, eligible: candidates.length });
  }
  return { assignments, shortfalls };
}

/** Reviews per reviewer of the pool under `assignments` (plus `load` carried from earlier). */
export function workload(
  pool: PoolReviewer[],
  assignments: Record<string, string[]>,
  load: Record<string, number> = {},
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of pool) out[r.reviewerId] = load[r.reviewerId] ?? 0;
  for (const ids of Object.values(assignments)) for (const id of ids) out[id] = (out[id] ?? 0) + 1;
  return out;
}

/** What is wrong with the reviewers the fund manager put on one proposal (path relative to the body). */
export function adjustmentProblems(
  input: Pick<AssignmentInput, 'pool' | 'conflicts' | 'perProposal'>,
  proposal: { proposalId: string; institutionId: string },
  reviewerIds: string[],
): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (new Set(reviewerIds).size !== reviewerIds.length)
    problems.push({ path: 'reviewerIds', message: 'reviewers must be distinct' });
  if (reviewerIds.length !== input.perProposal)
    problems.push({ path: 'reviewerIds', message: `assign exactly ${input.perProposal} reviewers` });
  const why = {
    not_in_pool: 'is not in the call’s reviewer pool',
    same_institution: 'belongs to the applicant’s institution',
    declared_conflict: 'declared a conflict of interest with this proposal',
  } as const;
  reviewerIds.forEach((id, i) => {
    const conflict = assignmentConflict(input, id, proposal);
    if (conflict) problems.push({ path: `reviewerIds.${i}`, message: `${id} ${why[conflict]}` });
  });
  return problems;
}
