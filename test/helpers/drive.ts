import type { Client, WorkflowHandle } from '@temporalio/client';
import { DEMO_USERS } from '../../domain/demo';
import type { Actor } from '../../domain/roles';
import type { PrismaClient } from '../../lib/db';
import { proposalWorkflow } from '../../workflows/proposal';
import { proposalPayload } from '../fixtures/payloads';
import { decide as decideTask } from './lifecycle';

export const REVIEWERS = [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id];
const SCORES = { innovation: 80, feasibility_sustainability: 70, social_benefit: 75 };
const byUser = (id: string) => (t: { assigneeUserId: string | null }) => t.assigneeUserId === id;

export interface Applicant {
  userId: string;
  institutionId: string;
  institutionName: string;
}

export const DEMO_APPLICANT: Applicant = {
  userId: DEMO_USERS.applicant.id,
  institutionId: 'inst-tpu',
  institutionName: 'Tomsk Polytechnic University',
};

/**
 * Creates `count` applicant institutions with one user each: the cumulative grant cap per
 * recipient (USD 300,000) would otherwise stop many proposals of one institution at contracting.
 */
export async function createApplicants(prisma: PrismaClient, count: number, prefix: string): Promise<Applicant[]> {
  const out: Applicant[] = [];
  for (let i = 0; i < count; i++) {
    const institutionId = `inst-${prefix}-${i}`;
    const institutionName = `Institute ${prefix} ${i}`;
    await prisma.institution.upsert({
      where: { id: institutionId },
      update: {},
      create: { id: institutionId, name: institutionName, kind: 'university' },
    });
    const userId = `u-${prefix}-${i}`;
    await prisma.user.upsert({
      where: { id: userId },
      update: {},
      create: {
        id: userId,
        email: `${prefix}-${i}@example.org`,
        name: `Applicant ${i}`,
        role: 'applicant',
        institutionId,
      },
    });
    out.push({ userId, institutionId, institutionName });
  }
  return out;
}

export function startProposal(
  client: Client,
  taskQueue: string,
  id: string,
  applicant: Applicant = DEMO_APPLICANT,
): Promise<WorkflowHandle<typeof proposalWorkflow>> {
  return client.workflow.start(proposalWorkflow, {
    taskQueue,
    workflowId: `proposal-${id}`,
    args: [
      {
        proposalId: id,
        applicant,
        proposal: proposalPayload(),
        submittedAt: new Date().toISOString(),
      },
    ],
  });
}

/** Every decision of a Challenge Fund happy path (18 decisions), as the right people. */
export async function driveProposalToClosed(
  h: WorkflowHandle,
  applicant: Applicant = DEMO_APPLICANT,
  onStep?: (n: number) => Promise<void> | void,
  taskWaitMs?: number,
): Promise<void> {
  const applicantActor: Actor = { userId: applicant.userId, role: 'applicant', institutionId: applicant.institutionId };
  const decide: typeof decideTask = (handle, kind, who, decision, extra = {}) =>
    decideTask(handle, kind, who, decision, { waitMs: taskWaitMs, ...extra });
  let n = 0;
  const step = async (p: Promise<unknown>) => {
    await p;
    await onStep?.(++n);
  };
  await step(decide(h, 'co_endorsement', 'coKg', 'endorse'));
  await step(decide(h, 'assign_reviewers', 'fundManager', 'assign', { data: { reviewerIds: REVIEWERS } }));
  for (const [who, id] of [
    ['reviewer1', REVIEWERS[0]],
    ['reviewer2', REVIEWERS[1]],
  ] as const) {
    await step(
      decide(h, 'conflict_declaration', who, 'declare_no_conflict', {
        data: { noConflictDeclared: true },
        match: byUser(id),
      }),
    );
    await step(decide(h, 'review_score', who, 'submit_score', { data: { scores: SCORES }, match: byUser(id) }));
  }
  await step(decide(h, 'selection_decision', 'fundManager', 'select'));
  await step(
    decide(h, 'contract_signature', applicantActor, 'sign', {
      match: (t) => t.assigneeInstitutionId === applicant.institutionId,
    }),
  );
  await step(decide(h, 'contract_signature', 'coKg', 'sign', { match: (t) => t.assigneeRole === 'co_approver' }));
  for (let i = 0; i < 3; i++) {
    await step(
      decide(h, 'progress_report', applicantActor, 'submit_report', { data: { report: `Milestone ${i + 1}` } }),
    );
    await step(decide(h, 'report_verification', 'coKg', 'accept'));
  }
  await step(decide(h, 'final_report', applicantActor, 'submit_report', { data: { report: 'Final report' } }));
  const evaluation = { ratings: { relevance: 5 }, narrative: 'Good results' };
  await step(
    decide(h, 'evaluation', 'coKg', 'submit_evaluation', {
      data: evaluation,
      match: (t) => t.assigneeRole === 'co_approver',
    }),
  );
  await step(
    decide(h, 'evaluation', 'fundManager', 'submit_evaluation', {
      data: evaluation,
      match: (t) => t.assigneeRole === 'fund_manager',
    }),
  );
}

/**
 * How many audit rows the workflow's own steps wrote: the rows of the actions its history holds.
 * Documents write rows of their own beside them (signatures, uploads, scans, downloads), which a
 * workflow's history does not list.
 */
export async function auditRowsOfHistory(
  prisma: PrismaClient,
  workflowId: string,
  history: readonly { action: string }[],
): Promise<number> {
  const actions = [...new Set(history.map((e) => e.action))];
  return prisma.auditEvent.count({ where: { workflowId, action: { in: actions } } });
}
