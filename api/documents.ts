import { DOCUMENT_TYPE_LABELS, type DocumentType } from '../domain/documents';
import { inTransaction } from '../lib/db';
import type { ApiContext } from './context';
import { validationFailed, type ErrorDetail } from './errors';
import { missingTypes } from './routes/documents';
import type { AuthUser } from './types';

function missingDetail(missing: string[]): ErrorDetail[] {
  return missing.map((t) => ({
    path: 'documentIds',
    message: `a ${DOCUMENT_TYPE_LABELS[t as DocumentType]?.en.toLowerCase() ?? t} (${t}) is required by the call`,
  }));
}

/**
 * Submission: the documents uploaded beforehand (POST /documents) must be the caller's own and
 * cover the call's required types (400 naming each missing one); they are then attached to the
 * proposal, audited. A retry under the same Idempotency-Key finds them attached already.
 */
export async function attachStagedDocuments(
  ctx: ApiContext,
  user: AuthUser,
  proposalId: string,
  documentIds: string[],
  required: string[],
): Promise<void> {
  const { prisma } = ctx;
  const docs = documentIds.length
    ? await prisma.document.findMany({
        where: {
          id: { in: documentIds },
          deleted: false,
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
  problems.push(...missingDetail(missingTypes(required, docs)));
  if (problems.length) throw validationFailed(problems);
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
        data: {
          documentId: d.id,
          name: d.name,
          documentType: d.documentType,
          size: d.size,
          sha256: d.sha256,
          contentType: d.contentType,
          version: d.version,
          scanState: d.scanState,
        },
      })),
      skipDuplicates: true,
    });
  });
}

/** Resubmission: the proposal's live documents must still cover its call's required types. */
export async function assertRequiredDocuments(ctx: ApiContext, proposalId: string): Promise<void> {
  const p = await ctx.prisma.proposal.findUnique({ where: { id: proposalId }, select: { callId: true } });
  if (!p) return;
  const call = await ctx.prisma.call.findUnique({ where: { id: p.callId }, select: { requiredDocumentTypes: true } });
  const required = (call?.requiredDocumentTypes as string[] | undefined) ?? [];
  if (!required.length) return;
  const docs = await ctx.prisma.document.findMany({
    where: { subjectType: 'proposal', subjectId: proposalId, deleted: false },
    select: { documentType: true, deleted: true, scanState: true },
  });
  const missing = missingTypes(required, docs);
  if (missing.length) throw validationFailed(missingDetail(missing));
}
