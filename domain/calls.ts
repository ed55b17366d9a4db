/**
 * A Challenge Fund call's life and its ranked selection (pure: the call workflow, the API, the
 * web app and the tests use these).
 */
import type { FieldProblem } from './schemas';

export const CALL_STATUSES = ['draft', 'published', 'closed', 'review', 'decided', 'archived'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/**
 * How a call selects its proposals: `ranked`, one selection for the whole call once it has closed and
 * the reviews are in (the call workflow assigns reviewers and delivers its decisions); `one_by_one`,
 * each proposal selected in its own workflow as its reviews complete, while the call stays open or
 * after it closed. A rolling call (no closing date) always selects one by one.
 */
export const SELECTION_MODES = ['ranked', 'one_by_one'] as const;
export type SelectionMode = (typeof SELECTION_MODES)[number];

/** The mode a call selects in: as declared, else ranked when it has a closing date. */
export function callSelectionMode(c: { closesAt: unknown; selectionMode?: SelectionMode | null }): SelectionMode {
  if (c.closesAt === null) return 'one_by_one';
  return c.selectionMode ?? 'ranked';
}

export const SELECTION_DECISIONS = ['select', 'waitlist', 'reject'] as const;
export type SelectionDecision = (typeof SELECTION_DECISIONS)[number];

/** Proposal stages before the alignment check is passed: review of a dated call waits for these. */
export const STAGES_BEFORE_REVIEW = ['intake', 'co_endorsement', 'alignment_check'] as const;

/** What the call knows of one of its proposals (from the read model). */
export interface CallProposal {
  proposalId: string;
  title: string;
  institutionId: string;
  stage: string;
  requestedCents: number;
  weightedScore: number | null;
}

export interface RankedProposal {
  proposalId: string;
  title: string;
  rank: number;
  weightedScore: number;
  requestedCents: number;
  passMarkMet: boolean;
  /** What the ranking suggests: pass mark met and within the envelope → select; pass mark met, no money left → waitlist. */
  suggested: SelectionDecision;
  /** Money of the suggested selections down to this row (within the envelope). */
  runningTotalCents: number;
}

/**
 * Proposals by weighted score (highest first; ties: smaller request first, then id), with what the
 * envelope allows: going down the list, each proposal that meets the pass mark is suggested for
 * selection while its request still fits what is left, otherwise for the waitlist.
 */
export function rankProposals(
  proposals: { proposalId: string; title: string; weightedScore: number; requestedCents: number }[],
  passMark: number,
  envelopeCents: number | null,
): RankedProposal[] {
  const sorted = [...proposals].sort(
    (a, b) =>
      b.weightedScore - a.weightedScore ||
      a.requestedCents - b.requestedCents ||
      a.proposalId.localeCompare(b.proposalId),
  );
  let total = 0;
  return sorted.map((p, i) => {
    const passMarkMet = p.weightedScore >= passMark;
    let suggested: SelectionDecision = 'reject';
    if (passMarkMet) {
      if (envelopeCents === null || total + p.requestedCents <= envelopeCents) {
        suggested = 'select';
        total += p.requestedCents;
      } else suggested = 'waitlist';
    }
    return { ...p, rank: i + 1, passMarkMet, suggested, runningTotalCents: total };
  });
}

export interface SelectionItem {
  proposalId: string;
  decision: SelectionDecision;
  justification?: string;
}

/**
 * What is wrong with a selection for the whole call: every ranked proposal decided once, the
 * selected total within the envelope, and a justification for each choice against the ranking.
 */
export function selectionProblems(
  ranking: RankedProposal[],
  decisions: SelectionItem[],
  envelopeCents: number | null,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const byId = new Map(ranking.map((r) => [r.proposalId, r]));
  const seen = new Set<string>();
  let selected = 0;
  decisions.forEach((d, i) => {
    const row = byId.get(d.proposalId);
    if (!row) {
      problems.push({
        path: `decisions.${i}.proposalId`,
        message: `${d.proposalId} is not awaiting selection in this call`,
      });
      return;
    }
    if (seen.has(d.proposalId)) problems.push({ path: `decisions.${i}.proposalId`, message: 'decided twice' });
    seen.add(d.proposalId);
    if (d.decision === 'select') selected += row.requestedCents;
    if (d.decision !== row.suggested && !d.justification?.trim())
      problems.push({
        path: `decisions.${i}.justification`,
        message: `the ranking suggests ${row.suggested} for rank ${row.rank} (score ${row.weightedScore}): a justification is required`,
      });
  });
  const missing = ranking.filter((r) => !seen.has(r.proposalId)).map((r) => r.proposalId);
  if (missing.length) problems.push({ path: 'decisions', message: `no decision for ${missing.join(', ')}` });
  if (envelopeCents !== null && selected > envelopeCents)
    problems.push({
      path: 'decisions',
      message: `the selected proposals request USD ${selected / 100}, above the call's envelope of USD ${envelopeCents / 100}`,
    });
  return problems;
}

/**
 * The waitlisted proposal to select next, in rank order, once `freeCents` are available (money a
 * withdrawal or a cancelled or declined agreement gave back): the best-ranked one whose request fits.
 */
export function nextFromWaitlist(
  waitlisted: { proposalId: string; rank: number; requestedCents: number }[],
  freeCents: number | null,
): string | null {
  const inOrder = [...waitlisted].sort((a, b) => a.rank - b.rank);
  const next = inOrder.find((w) => freeCents === null || w.requestedCents <= freeCents);
  return next?.proposalId ?? null;
}
