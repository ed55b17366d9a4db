import { documentFacts } from '../activities/proposal';
import { intakeProblems } from '../domain/intake';
import { requiredDocumentsFinding } from '../domain/policy/grant';
import { inTransaction } from '../lib/db';
import { documentAuditData } from '../lib/documents';
import type { ApiContext } from './context';
import { intakeRefused, validationFailed, type ErrorDetail } from './errors';
import type { AuthUser } from './types';

/**
 * The documents uploaded beforehand (POST /documents) that a new proposal names: the caller's own
 * staged ones (or, on a retry under the same Idempotency-Key, already attached to it); 400 for an
 * id that is neither. Their types are what intake screening counts against the call's required ones.
 */
export async function stagedDocuments(ctx: ApiContext, user: AuthUser, proposalId: string, documentIds: string[]) {
  const docs = documentIds.length
    ? await ctx.prisma.document.findMany({
        where: {
          id: { in: documentIds },
          deleted: false,
          scanState: { not: 'infected' },
          OR: [
            { subjectType: 'staged', subjectId: user.id },
            { subjectType: 'proposal', subjectId: proposalId },
          ],
        },
      })
    : [];
  const found = new Set(docs.map((d) => d.id));
  const problems: ErrorDetail[] = documentIds.flatMap((id, i) =>
    found.has(id) ? [] : [{ path: `documentIds.${i}`, message: 'no such document of yours waiting to be attached' }],
  );
  if (problems.length) throw validationFailed(problems);
  return docs;
}

/**
 * Submission: the staged documents a proposal names are attached to it, audited (their types were
 * counted by intake screening before). A retry under the same Idempotency-Key finds them attached already.
 */
export async function attachStagedDocuments(
  ctx: ApiContext,
  user: AuthUser,
  proposalId: string,
  documentIds: string[],
): Promise<void> {
  const { prisma } = ctx;
  const docs = await stagedDocuments(ctx, user, proposalId, documentIds);
  const staged = docs.filter((d) => d.subjectType === 'staged');
  if (!staged.length) return;
  await inTransaction(prisma, async (tx) => {
    await tx.document.updateMany({
      where: { id: { in: staged.map((d) => d.id) }, subjectType: 'staged' },
      data: { subjectType: 'proposal', subjectId: proposalId },
    });
    await tx.auditEvent.createMany({
      data: staged.map((d) => ({
        key: `document:${d.id}:attached`,
        subjectType: 'proposal',
        subjectId: proposalId,
        actorId: user.id,
        actorRole: user.role,
        action: 'document_uploaded',
        data: documentAuditData(d),
      })),
      skipDuplicates: true,
    });
  });
}

/** Resubmission: the proposal's live documents must still cover its call's required types (intake's rule). */
export async function assertRequiredDocuments(ctx: ApiContext, proposalId: string): Promise<void> {
  const p = await ctx.prisma.proposal.findUnique({ where: { id: proposalId }, select: { callId: true } });
  if (!p) return;
  const call = await ctx.prisma.call.findUnique({ where: { id: p.callId }, select: { requiredDocumentTypes: true } });
  const { documents } = await documentFacts(
    ctx.prisma,
    (call?.requiredDocumentTypes as string[] | undefined) ?? [],
    proposalId,
  );
  if (!documents) return;
  const finding = requiredDocumentsFinding(documents);
  if (finding.outcome === 'fail') throw intakeRefused(intakeProblems([finding], false));
}
