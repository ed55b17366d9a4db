/**
 * Who may review a proposal: one rule for the fund manager's list of reviewers (GET /tasks) and
 * for the workflow's check of an assignment (activities/proposal.ts validateReviewers).
 */
export type ReviewerConflict = 'same_institution';

/** Why this reviewer may not review a proposal of `applicantInstitutionId`, or null. */
export function reviewerConflict(
  reviewer: { institutionId: string | null },
  applicantInstitutionId: string,
): ReviewerConflict | null {
  return reviewer.institutionId !== null && reviewer.institutionId === applicantInstitutionId
    ? 'same_institution'
    : null;
}

/** Task kinds that make up a reviewer's workload while open. */
export const REVIEW_TASK_KINDS = ['conflict_declaration', 'review_score'] as const;
