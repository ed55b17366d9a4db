import type { Client } from '@temporalio/client';
import type { SelectionMode } from '../domain/calls';
import { callFieldsSchema, centsToUsd, type CallFields } from '../domain/schemas';
import type { PrismaClient } from '../lib/db';
import { callWorkflowId } from '../workflows/call-messages';
import type { callWorkflow, CallWorkflowInput } from '../workflows/call';

type CallRow = Awaited<ReturnType<PrismaClient['call']['findMany']>>[number];

const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

/** A call row written without its workflow (the demo seed) as the fields its workflow starts from. */
export function callFieldsOfRow(row: CallRow, reviewers: string[]): CallFields {
  const closes = row.closesLocal ?? row.closesAt?.toISOString().slice(0, 16) ?? null;
  return callFieldsSchema.parse({
    countryCode: row.countryCode,
    title: row.title,
    ...(row.titleRu ? { titleRu: row.titleRu } : {}),
    challengeStatement: row.challengeStatement,
    ...(row.challengeStatementRu ? { challengeStatementRu: row.challengeStatementRu } : {}),
    thematicAreaIds: list<string>(row.thematicAreaIds),
    sdgs: list<number>(row.sdgs),
    ...(row.budgetEnvelopeCents === null ? {} : { budgetEnvelopeUsd: centsToUsd(row.budgetEnvelopeCents) }),
    minGrantUsd: centsToUsd(row.minGrantCents),
    maxGrantUsd: centsToUsd(row.maxGrantCents),
    coFinancingMinPct: row.coFinancingMinPct,
    maxDurationMonths: row.maxDurationMonths,
    requiredDocumentTypes: list<string>(row.requiredDocumentTypes),
    rubric: row.rubric,
    passMark: row.passMark,
    reviewerPool: list<string>(row.reviewerPoolIds).length ? list<string>(row.reviewerPoolIds) : reviewers,
    reviewersPerProposal: row.reviewersPerProposal,
    opensAt: row.opensAt.toISOString().slice(0, 10),
    closesAt: closes ? closes.slice(0, 10) : null,
    closingTime: closes ? closes.slice(11, 16) : '23:59',
    timeZone: row.timeZone,
    // A call with a deadline written before calls were workflows (the demo seed) declares how it selects.
    ...(closes ? { selectionMode: row.selectionMode as SelectionMode } : {}),
  });
}

/**
 * Starts the workflow of every call that has none (the demo seed writes its calls as rows), so
 * they can be edited, extended, closed and reviewed like any other; published as they were. Its
 * pool is the row's, else every active reviewer. Idempotent: a running one is joined. Answers how
 * many were started or joined.
 */
export async function ensureCallWorkflows(client: Client, prisma: PrismaClient, taskQueue: string): Promise<number> {
  const rows = await prisma.call.findMany({ where: { workflowId: null }, orderBy: { id: 'asc' } });
  if (!rows.length) return 0;
  const reviewers = (
    await prisma.user.findMany({
      where: { role: 'reviewer', active: true },
      select: { id: true },
      orderBy: { id: 'asc' },
    })
  ).map((u) => u.id);
  for (const row of rows) {
    const input: CallWorkflowInput = {
      callId: row.id,
      createdById: row.createdById,
      fields: callFieldsOfRow(row, reviewers),
      publish: row.status !== 'draft',
    };
    await client.workflow.start<typeof callWorkflow>('callWorkflow', {
      workflowId: callWorkflowId(row.id),
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  }
  return rows.length;
}
