import { documentFacts } from '../activities/proposal';
import { intakeProblems } from '../domain/intake';
import { requiredDocumentsFinding } from '../domain/policy/grant';
import { documentCounts, DOCUMENT_TYPE_LABELS, type DocumentType } from '../domain/documents';
import { programmeOfSubject, type SubjectType } from '../domain/registry';
import { checkDecisionShape, type DecisionBody } from '../domain/tasks';
import { inTransaction } from '../lib/db';
import { isTaskKind } from './json-schema';
import { documentAuditData } from '../lib/documents';
import type { ApiContext } from './context';
import { intakeRefused, validationFailed, type ErrorDetail } from './errors';
import type { AuthUser } from './types';

/** What staged uploads (POST /documents) are attached to when a proposal or an application is submitted. */
type StagedTarget = 'proposal' | 'event_travel' | 'internship';

/**
 * The documents uploaded beforehand (POST /documents) that a new proposal names: the caller's own
 * staged ones (or, on a retry under the same Idempotency-Key, already attached to it); 400 for an
 * id that is neither. Their types are what intake screening counts against the call's required ones.
 */
export async function stagedDocuments(
  ctx: ApiContext,
  user: AuthUser,
  proposalId: string,
  documentIds: string[],
  subjectType: StagedTarget = 'proposal',
) {
  const docs = documentIds.length
    ? await ctx.prisma.document.findMany({
        where: {
          id: { in: documentIds },
          deleted: false,
          scanState: { not: 'infected' },
          OR: [
            { subjectType: 'staged', subjectId: user.id },
            { subjectType, subjectId: proposalId },
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
  subjectType: StagedTarget = 'proposal',
): Promise<void> {
  const { prisma } = ctx;
  const docs = await stagedDocuments(ctx, user, proposalId, documentIds, subjectType);
  const staged = docs.filter((d) => d.subjectType === 'staged');
  if (!staged.length) return;
  await inTransaction(prisma, async (tx) => {
    await tx.document.updateMany({
      where: { id: { in: staged.map((d) => d.id) }, subjectType: 'staged' },
      data: { subjectType, subjectId: proposalId },
    });
    await tx.auditEvent.createMany({
      data: staged.map((d) => ({
        key: `document:${d.id}:attached`,
        subjectType,
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

/**
 * The document types the programme's registry entry requires with a new subject
 * (`documents.requiredTypes[].atSubmission`): each must be among the uploads it names (the caller's
 * staged ones, not quarantined), else 400 at `documentIds` naming the type, in the caller's language.
 */
export async function assertSubmissionDocuments(
  ctx: ApiContext,
  user: AuthUser,
  target: { subjectType: StagedTarget; subjectId: string },
  documentIds: string[],
): Promise<void> {
  const required = programmeOfSubject(target.subjectType)?.documents?.requiredTypes;
  if (!Array.isArray(required)) return;
  const docs = await stagedDocuments(ctx, user, target.subjectId, documentIds, target.subjectType);
  const lang = user.language === 'ru' ? 'ru' : 'en';
  const problems: ErrorDetail[] = (required as readonly { type: string; atSubmission?: boolean }[])
    .filter((r) => r.atSubmission && !docs.some((d) => d.documentType === r.type))
    .map((r) => {
      const label = DOCUMENT_TYPE_LABELS[r.type as DocumentType]?.[lang] ?? r.type;
      return {
        path: 'documentIds',
        message:
          lang === 'ru'
            ? `Требуется документ «${label}» (${r.type}): загрузите его и укажите его id`
            : `${label} (${r.type}) is required: upload it and name its id`,
      };
    });
  if (problems.length) throw validationFailed(problems);
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

/** Task kinds whose submission names documents (`data.documentIds`): reports and deliverables. */
const SUBMITS_DOCUMENTS: readonly string[] = [
  'progress_report',
  'final_report',
  'deliverable_submission',
  'travel_report',
];

/**
 * The documents the programme's registry entry requires before this task kind is decided
 * (`documents.requiredTypes[].beforeTasks`): one that counts must be on the subject, else 400 at `data.documentIds`.
 */
async function assertDocumentsBeforeTask(
  ctx: ApiContext,
  task: { kind: string; subjectType: string; subjectId: string },
  lang: 'en' | 'ru',
): Promise<void> {
  const entry = programmeOfSubject(task.subjectType as SubjectType);
  const required = entry?.documents?.requiredTypes;
  if (!Array.isArray(required)) return;
  const problems: ErrorDetail[] = [];
  for (const r of required as readonly { type: string; beforeTasks?: readonly string[] }[]) {
    if (!r.beforeTasks?.includes(task.kind)) continue;
    const docs = await ctx.prisma.document.findMany({
      where: { subjectType: task.subjectType, subjectId: task.subjectId, documentType: r.type, deleted: false },
      select: { scanState: true, releasedAt: true },
    });
    if (docs.some(documentCounts)) continue;
    const label = DOCUMENT_TYPE_LABELS[r.type as DocumentType]?.[lang] ?? r.type;
    const pending = docs.some((d) => d.scanState === 'pending');
    const message = {
      en: pending
        ? `${label} (${r.type}) awaits its malware scan: submit once it has been scanned`
        : `${label} (${r.type}) is required: upload it to the documents first`,
      ru: pending
        ? `Документ «${label}» (${r.type}) ещё проверяется на вредоносный код: отправьте после проверки`
        : `Требуется документ «${label}» (${r.type}): сначала загрузите его в документы`,
    };
    problems.push({ path: 'data.documentIds', message: message[lang] });
  }
  if (problems.length) throw validationFailed(problems);
}

/**
 * The documents a decision names: the submitter's own live uploads to the task's subject (uploaded
 * through the same streamed, type-checked, scanned route as every attachment), not quarantined, not
 * submitted with another task. 400 naming each that is not.
 */
async function submittedDocuments(
  ctx: ApiContext,
  user: AuthUser,
  task: { id: string; subjectType: string; subjectId: string },
  documentIds: string[],
) {
  const docs = await ctx.prisma.document.findMany({
    where: { id: { in: documentIds }, subjectType: task.subjectType, subjectId: task.subjectId, deleted: false },
    select: { id: true, uploaderId: true, scanState: true, taskId: true },
  });
  const byId = new Map(docs.map((d) => [d.id, d]));
  const problems: ErrorDetail[] = [];
  documentIds.forEach((id, i) => {
    const d = byId.get(id);
    const path = `data.documentIds.${i}`;
    if (documentIds.indexOf(id) !== i) problems.push({ path, message: 'named twice' });
    else if (!d || d.uploaderId !== user.id)
      problems.push({ path, message: 'no such document of yours on this subject (upload it to its documents first)' });
    else if (d.scanState === 'infected')
      problems.push({ path, message: 'malware was found in this file: it is quarantined' });
    else if (d.taskId && d.taskId !== task.id) problems.push({ path, message: 'already submitted with another task' });
  });
  if (problems.length) throw validationFailed(problems);
}

/**
 * What a decision's documents must satisfy before it reaches the workflow, by whichever route it
 * comes: a resubmission after requested changes (POST /proposals/{id}/resubmit or the generic
 * POST /tasks/{id}/decision) must leave the proposal carrying its call's required documents (the
 * same rule and 400 as submission); a report or deliverable names only the submitter's own uploads.
 */
export async function assertDecisionDocuments(
  ctx: ApiContext,
  user: AuthUser,
  task: { id: string; kind: string; subjectType: string; subjectId: string },
  body: { decision: string; data?: unknown },
): Promise<string[]> {
  if (task.subjectType === 'proposal' && task.kind === 'revise' && body.decision === 'resubmit')
    await assertRequiredDocuments(ctx, task.subjectId);
  // A malformed body gets the decision's own field-level 400 (executeDecision) rather than ours.
  if (!isTaskKind(task.kind) || checkDecisionShape(task.kind, body as DecisionBody).length) return [];
  await assertDocumentsBeforeTask(ctx, task, user.language === 'ru' ? 'ru' : 'en');
  const named = (body.data as { documentIds?: unknown } | undefined)?.documentIds;
  if (!SUBMITS_DOCUMENTS.includes(task.kind) || !Array.isArray(named) || !named.length) return [];
  const ids = named.filter((id): id is string => typeof id === 'string');
  await submittedDocuments(ctx, user, task, ids);
  return ids;
}

/** Once the submission is decided, its documents belong to the task (shown with it; never submitted again). */
export async function linkSubmittedDocuments(ctx: ApiContext, taskId: string, documentIds: string[]): Promise<void> {
  if (!documentIds.length) return;
  await ctx.prisma.document.updateMany({ where: { id: { in: documentIds }, taskId: null }, data: { taskId } });
}
