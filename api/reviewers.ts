import { REVIEW_TASK_KINDS, reviewerConflict } from '../domain/reviewers';
import type { PrismaClient } from '../lib/db';
import type { ReviewerChoice } from './schemas';

interface AssignTask {
  kind: string;
  status: string;
  subjectType: string;
  subjectId: string;
  context: unknown;
}

/**
 * The reviewers a fund manager may choose from on an open `assign_reviewers` task, added to the
 * task's context as `reviewers` (live, so the workload is current): every active reviewer with
 * their institution, open reviews and whether they conflict with the applicant's institution
 * (such a reviewer is refused by the workflow) or are already on the proposal. Eligible ones
 * first, the least busy first. A few queries, whatever the number of tasks.
 */
export async function withReviewerChoices<T extends AssignTask>(prisma: PrismaClient, tasks: T[]): Promise<T[]> {
  const open = tasks.filter(
    (t) => t.kind === 'assign_reviewers' && t.status === 'open' && t.subjectType === 'proposal',
  );
  if (!open.length) return tasks;
  const [proposals, reviewers] = await Promise.all([
    prisma.proposal.findMany({
      where: { id: { in: [...new Set(open.map((t) => t.subjectId))] } },
      select: { id: true, institutionId: true },
    }),
    prisma.user.findMany({
      where: { role: 'reviewer', active: true },
      select: { id: true, name: true, institutionId: true, institution: { select: { id: true, name: true } } },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    }),
  ]);
  const workload = await prisma.task.groupBy({
    by: ['assigneeUserId'],
    where: { status: 'open', kind: { in: [...REVIEW_TASK_KINDS] }, assigneeUserId: { in: reviewers.map((r) => r.id) } },
    _count: { _all: true },
  });
  const openReviews = new Map(workload.map((w) => [w.assigneeUserId, w._count._all]));
  const institutionOf = new Map(proposals.map((p) => [p.id, p.institutionId]));
  return tasks.map((t) => {
    if (!open.includes(t)) return t;
    const context = (t.context && typeof t.context === 'object' ? t.context : {}) as Record<string, unknown>;
    const assigned = new Set(Array.isArray(context.assigned) ? context.assigned.map(String) : []);
    const applicantInstitutionId = institutionOf.get(t.subjectId) ?? '';
    const choices: ReviewerChoice[] = reviewers.map((r) => ({
      userId: r.id,
      name: r.name,
      institution: r.institution ? { id: r.institution.id, name: r.institution.name } : null,
      openReviews: openReviews.get(r.id) ?? 0,
      conflict: reviewerConflict(r, applicantInstitutionId),
      alreadyAssigned: assigned.has(r.id),
    }));
    const rank = (c: ReviewerChoice) => (c.conflict || c.alreadyAssigned ? 1 : 0);
    choices.sort((a, b) => rank(a) - rank(b) || a.openReviews - b.openReviews);
    return { ...t, context: { ...context, reviewers: choices } };
  });
}
