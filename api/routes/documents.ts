import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { Document, DocumentSignature, Prisma } from '../../generated/prisma/client';
import {
  ALLOWED_CONTENT_TYPES,
  contentDisposition,
  GENERATED_DOCUMENT_TYPES,
  UPLOADABLE_DOCUMENT_TYPES,
  type DocumentType,
  type SubjectType,
} from '../../domain/documents';
import type { DocumentsSpec } from '../../domain/programme';
import { programmeOfSubject, PROGRAMMES_WITH_DOCUMENTS } from '../../domain/registry';
import type { Role } from '../../domain/roles';
import { text } from '../../domain/schemas';
import { inTransaction } from '../../lib/db';
import {
  documentAuditData,
  initialScanState,
  judgeContent,
  liveBytes,
  newDocumentId,
  sanitiseFileName,
} from '../../lib/documents';
import { subjectTable } from '../../lib/subject-table';
import { documentScanWorkflowId, type documentScanWorkflow } from '../../workflows/document-scan';
import type { ApiContext } from '../context';
import { requestBody } from '../contract';
import { conflict, forbidden, HttpError, notFound, validationFailed, type ErrorDetail } from '../errors';
import type { ApiRouter } from '../router';
import { documentListSchema, documentSchema, uploadResultSchema } from '../schemas';
import { subjectScope } from '../scope';
import { operationName, subjectIdParam } from '../subject-routes';
import type { AuthUser } from '../types';
import { receiveUpload, tooLarge } from '../uploads';

type DocumentRow = Document & { signatures?: DocumentSignature[] };
/** Besides the programmes' subjects: uploads waiting for their proposal, and an expert's roster profile (its CVs). */
type Owner = SubjectType | 'staged' | 'expert';
/** What a roster profile carries. */
const PROFILE_DOCUMENT_TYPES: readonly string[] = ['cv'];
/** Who reads the roster (api/routes/experts.ts): they see every profile; an expert sees its own only. */
const ROSTER_READERS: readonly string[] = ['fund_manager', 'co_approver', 'admin'];

/** The proposal or request a document belongs to, as the caller may see it. */
interface Subject {
  type: Owner;
  id: string;
  workflowId: string | null;
  requiredTypes: string[];
  /** The caller may add documents to it. */
  mayUpload: boolean;
  /** Document types the caller may not see on it: an invited expert never sees the selected expert's contract (its fee). */
  hiddenTypes: readonly string[];
}

const UPLOAD_FORM = {
  type: 'object',
  required: ['documentType', 'file'],
  properties: {
    documentType: { type: 'string', enum: UPLOADABLE_DOCUMENT_TYPES, description: 'What the files are' },
    taskId: { type: 'string', description: 'The task the files are for (a revision, a report), if any' },
    file: {
      type: 'array',
      minItems: 1,
      maxItems: 10,
      items: { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream' },
      description:
        'One or more files (the same field repeated). Types are judged from the content: PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT, ODS, ZIP, plain text; never HTML',
    },
  },
};
const UPLOAD_ENCODING = { file: { contentType: 'application/octet-stream' } };

const releaseBodySchema = requestBody(
  'DocumentRelease',
  z.strictObject({ reason: text(2000).describe('Why the file may be served although it could not be scanned') }),
  { reason: 'Checked by hand: the archive holds the budget spreadsheets the applicant described.' },
);

const DOCUMENT_ID = { description: 'The document id', example: 'doc-0123456789abcdef0123' };
const EXPERT_ID = { description: 'The expert id', example: 'exp-001' };

/** Who may attach documents to the programme's subjects: its upload roles, and the selected expert. */
const uploadRoles = ({ documents }: { documents: DocumentsSpec }): Role[] =>
  [...documents.uploadBy, ...(documents.selectedExpertUploads ? ['expert'] : [])] as Role[];

/** Who may download a document now: nobody an infected one; the uploader a pending one; everyone in scope a clean, released or unscanned one. */
export function downloadable(doc: DocumentRow, user: AuthUser): boolean {
  if (doc.deleted || doc.scanState === 'infected') return false;
  if (doc.scanState === 'clean' || doc.scanState === 'not_scanned') return true;
  if (doc.scanState === 'scan_failed' && doc.releasedAt) return true;
  return doc.uploaderId === user.id;
}

function refusal(doc: DocumentRow): HttpError {
  if (doc.scanState === 'infected')
    return conflict('malware was found in this file: it is quarantined and never served', 'document_quarantined');
  if (doc.scanState === 'scan_failed')
    return conflict(
      'this file could not be scanned for malware; a fund manager must release it first',
      'document_scan_failed',
    );
  return conflict(
    'this file is awaiting its malware scan; only its uploader may download it until then',
    'document_awaiting_scan',
  );
}

function documentView(doc: DocumentRow, user: AuthUser): z.input<typeof documentSchema> {
  const privileged = user.role === 'fund_manager' || user.role === 'admin';
  return {
    id: doc.id,
    subjectType: doc.subjectType as Owner,
    subjectId: doc.subjectId,
    documentType: doc.documentType as DocumentType,
    version: doc.version,
    name: doc.name,
    size: doc.size,
    sha256: doc.sha256,
    contentType: doc.contentType,
    language: (doc.language as 'en' | 'ru' | null) ?? null,
    scanState: doc.scanState as z.input<typeof documentSchema>['scanState'],
    scanDetail: privileged ? doc.scanDetail : null,
    scannedAt: doc.scannedAt?.toISOString() ?? null,
    released: !!doc.releasedAt,
    uploaderId: doc.uploaderId,
    taskId: doc.taskId,
    messageId: doc.messageId,
    createdAt: doc.createdAt.toISOString(),
    downloadable: downloadable(doc, user),
    signatures: (doc.signatures ?? []).map((s) => ({
      signerId: s.signerId,
      signerRole: s.signerRole,
      signedAt: s.signedAt.toISOString(),
      sha256: s.sha256,
      statement: s.statement,
    })),
  };
}

/** Types required and not yet among the live documents. */
export function missingTypes(
  required: string[],
  docs: { documentType: string; deleted: boolean; scanState: string }[],
): string[] {
  const have = new Set(docs.filter((d) => !d.deleted && d.scanState !== 'infected').map((d) => d.documentType));
  return required.filter((t) => !have.has(t));
}

export async function loadSubject(ctx: ApiContext, user: AuthUser, type: Owner, id: string): Promise<Subject> {
  const { prisma } = ctx;
  if (type === 'staged') {
    if (id !== user.id) throw notFound('document');
    return { type, id, workflowId: null, requiredTypes: [], mayUpload: true, hiddenTypes: [] };
  }
  if (type === 'expert') {
    // Exactly who may see the profile (GET /experts/{id}); the expert and fund managers keep it.
    const own = user.role === 'expert' && user.expertId === id;
    if (!own && !ROSTER_READERS.includes(user.role)) throw notFound('expert');
    if (!(await prisma.expert.findUnique({ where: { id }, select: { id: true } }))) throw notFound('expert');
    return {
      type,
      id,
      workflowId: null,
      requiredTypes: [],
      mayUpload: own || user.role === 'fund_manager',
      hiddenTypes: [],
    };
  }
  const spec = programmeOfSubject(type);
  const what = spec.labels.subject.en.toLowerCase();
  const rules = spec.documents;
  if (!rules) throw notFound(what);
  const expertColumn = rules.selectedExpertUploads ? spec.messages.selectedExpertColumn : undefined;
  const row = (await subjectTable(prisma, type).findFirst({
    where: { AND: [{ id }, await subjectScope(prisma, spec.id, user)] },
    select: {
      id: true,
      workflowId: true,
      closedAt: true,
      stage: true,
      ...(rules.requiredTypes === 'call' ? { callId: true } : {}),
      ...(expertColumn ? { [expertColumn]: true } : {}),
    },
  })) as {
    workflowId: string;
    closedAt: Date | null;
    stage: string;
    callId?: string;
    [column: string]: unknown;
  } | null;
  if (!row) throw notFound(what);
  if (rules.afterReview?.includes(user.role)) {
    // A reviewer opens the documents with the full subject: after its no-conflict declaration.
    const review = await prisma.review.findUnique({
      where: { proposalId_reviewerId: { proposalId: id, reviewerId: user.id } },
      select: { coi: true, submittedAt: true },
    });
    if (!review || review.coi !== 'none' || !review.submittedAt) throw notFound(what);
  }
  const call =
    row.callId === undefined
      ? null
      : await prisma.call.findUnique({ where: { id: row.callId }, select: { requiredDocumentTypes: true } });
  const requiredTypes =
    rules.requiredTypes === 'call'
      ? ((call?.requiredDocumentTypes as string[] | undefined) ?? [])
      : (rules.requiredTypes ?? []).filter((r) => !r.fromStages || r.fromStages.includes(row.stage)).map((r) => r.type);
  const selectedExpert =
    !!expertColumn && user.role === 'expert' && !!user.expertId && row[expertColumn] === user.expertId;
  return {
    type,
    id,
    workflowId: row.workflowId,
    requiredTypes,
    mayUpload: !row.closedAt && (rules.uploadBy.includes(user.role) || selectedExpert),
    hiddenTypes: expertColumn && user.role === 'expert' && !selectedExpert ? GENERATED_DOCUMENT_TYPES : [],
  };
}

/** The document and its subject, when the caller may see both (else 404). */
async function visibleDocument(
  ctx: ApiContext,
  user: AuthUser,
  id: string,
): Promise<{ doc: DocumentRow; subject: Subject }> {
  const doc = await ctx.prisma.document.findUnique({
    where: { id },
    include: { signatures: { orderBy: { signedAt: 'asc' } } },
  });
  if (!doc || doc.deleted) throw notFound('document');
  const subject = await loadSubject(ctx, user, doc.subjectType as Owner, doc.subjectId).catch((err) => {
    throw err instanceof HttpError && err.status === 404 ? notFound('document') : err;
  });
  if (subject.hiddenTypes.includes(doc.documentType)) throw notFound('document');
  return { doc, subject };
}

/** Starts the malware scan of each document (idempotent by workflow id); a failure leaves them pending for the sweep. */
export async function startScans(ctx: ApiContext, documentIds: string[]): Promise<void> {
  if (ctx.documents.scanner.mode !== 'clamd') return;
  for (const documentId of documentIds) {
    try {
      await ctx.temporal.workflow.start<typeof documentScanWorkflow>('documentScanWorkflow', {
        workflowId: documentScanWorkflowId(documentId),
        taskQueue: ctx.taskQueue,
        args: [{ documentId }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    } catch (err) {
      ctx.logger.warn(
        { event: 'scan_not_started', documentId, err: err instanceof Error ? err.message : String(err) },
        'malware scan not started; the document stays pending until the sweep starts it',
      );
    }
  }
}

function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // not one simple range: the whole file (RFC 9110 allows ignoring it)
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

export function documentRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  /** Updates a document and audits the change, in one transaction. */
  async function changeDocument(
    user: AuthUser,
    target: { doc: DocumentRow; subject: Subject; requestId?: string },
    data: Prisma.DocumentUpdateInput,
    audit: { action: string; key: string; comment?: string; data: Prisma.InputJsonObject },
  ): Promise<DocumentRow> {
    const { doc, subject, requestId } = target;
    return inTransaction(prisma, async (tx) => {
      const d = await tx.document.update({ where: { id: doc.id }, data, include: { signatures: true } });
      await tx.auditEvent.create({
        data: {
          key: `document:${doc.id}:${audit.key}`,
          workflowId: subject.workflowId,
          subjectType: doc.subjectType,
          subjectId: doc.subjectId,
          actorId: user.id,
          actorRole: user.role,
          action: audit.action,
          comment: audit.comment,
          requestId,
          data: audit.data,
        },
      });
      return d;
    });
  }

  async function upload(
    user: AuthUser,
    req: Parameters<Parameters<ApiRouter['add']>[1]>[0]['req'],
    type: Owner,
    id: string,
  ) {
    const subject = await loadSubject(ctx, user, type, id);
    if (!subject.mayUpload) throw forbidden('you may not add documents here');
    const { maxFileBytes, maxObjectBytes } = ctx.documents;
    const used =
      type === 'staged'
        ? ((
            await prisma.document.aggregate({
              where: { subjectType: 'staged', subjectId: id, deleted: false },
              _sum: { size: true },
            })
          )._sum.size ?? 0)
        : await liveBytes(prisma, type, id);
    if (used >= maxObjectBytes) throw tooLarge('this object already holds as many documents as it may');
    const received = await receiveUpload(req, { maxFileBytes, budgetBytes: maxObjectBytes - used });
    try {
      const problems: ErrorDetail[] = [];
      const documentType = received.fields.documentType;
      if (!UPLOADABLE_DOCUMENT_TYPES.includes(documentType as never))
        problems.push({ path: 'documentType', message: `must be one of ${UPLOADABLE_DOCUMENT_TYPES.join(', ')}` });
      else if (type === 'expert' && !PROFILE_DOCUMENT_TYPES.includes(documentType))
        problems.push({ path: 'documentType', message: `a roster profile takes ${PROFILE_DOCUMENT_TYPES.join(', ')}` });
      const files = received.files.filter((f) => f.field === 'file');
      if (!files.length) problems.push({ path: 'file', message: 'at least one file is required (field "file")' });
      for (const f of received.files)
        if (f.field !== 'file') problems.push({ path: f.field, message: 'unknown file field; send files as "file"' });
      const taskId = received.fields.taskId?.trim() || null;
      if (taskId) {
        const task = await prisma.task.findUnique({ where: { id: taskId }, select: { subjectId: true } });
        if (!task || task.subjectId !== id) problems.push({ path: 'taskId', message: 'no such task on this object' });
      }
      if (problems.length) throw validationFailed(problems);

      const judged = await Promise.all(files.map((f) => judgeContent(f.path)));
      const refused = judged.flatMap((j, i) =>
        'refused' in j ? [{ path: `file.${i}`, message: `${files[i].filename || 'the file'}: ${j.refused}` }] : [],
      );
      if (refused.length)
        throw new HttpError(
          415,
          'unsupported_file_type',
          'a file is of a type that is not accepted (judged from its content)',
          refused,
        );

      const seen = new Map<string, number>();
      const dupes: ErrorDetail[] = [];
      files.forEach((f, i) => {
        if (seen.has(f.sha256))
          dupes.push({ path: `file.${i}`, message: `the same content as file ${seen.get(f.sha256)} of this upload` });
        else seen.set(f.sha256, i);
      });
      const existing = await prisma.document.findMany({
        where: { subjectType: type, subjectId: id, deleted: false, sha256: { in: [...seen.keys()] } },
        select: { id: true, name: true, sha256: true },
      });
      for (const e of existing)
        dupes.push({ path: `file.${seen.get(e.sha256)}`, message: `already attached as "${e.name}" (${e.id})` });
      if (dupes.length)
        throw new HttpError(409, 'duplicate_document', 'a file is already attached to this object', dupes);

      const state = initialScanState(ctx.documents.scanner);
      const rows: Omit<Prisma.DocumentUncheckedCreateInput, 'version' | 'previousId'>[] = [];
      for (const [i, f] of files.entries()) {
        const kind = judged[i] as { contentType: string; extension: string };
        const storageKey = await ctx.documents.storage.putFile(f.path, f.sha256, f.size);
        rows.push({
          id: newDocumentId(),
          subjectType: type,
          subjectId: id,
          documentType,
          name: sanitiseFileName(f.filename, kind.extension),
          size: f.size,
          sha256: f.sha256,
          storageKey,
          contentType: kind.contentType,
          scanState: state,
          uploaderId: user.id,
          taskId,
        });
      }
      const created = await inTransaction(prisma, async (tx) => {
        // Re-checked under the lock of this transaction's inserts: another upload may have used the budget meanwhile.
        const out: Document[] = [];
        for (const row of rows) {
          const previous = await tx.document.findFirst({
            where: { subjectType: type, subjectId: id, documentType, name: row.name as string, deleted: false },
            orderBy: { version: 'desc' },
            select: { id: true, version: true },
          });
          out.push(
            await tx.document.create({
              data: { ...row, version: (previous?.version ?? 0) + 1, previousId: previous?.id ?? null },
            }),
          );
        }
        await tx.auditEvent.createMany({
          data: out.map((d) => ({
            key: `document:${d.id}:uploaded`,
            workflowId: subject.workflowId,
            subjectType: type,
            subjectId: id,
            actorId: user.id,
            actorRole: user.role,
            action: 'document_uploaded',
            requestId: req.requestId,
            data: documentAuditData(d),
          })),
        });
        return out;
      });
      await startScans(
        ctx,
        created.map((d) => d.id),
      );
      return { status: 201, body: { items: created.map((d) => documentView(d, user)) } };
    } finally {
      received.cleanup();
    }
  }

  async function list(user: AuthUser, type: Owner, id: string) {
    const subject = await loadSubject(ctx, user, type, id);
    const docs = await prisma.document.findMany({
      where: { subjectType: type, subjectId: id, deleted: false },
      include: { signatures: { orderBy: { signedAt: 'asc' } } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return {
      body: {
        items: docs.filter((d) => !subject.hiddenTypes.includes(d.documentType)).map((d) => documentView(d, user)),
        limits: {
          maxFileBytes: ctx.documents.maxFileBytes,
          maxObjectBytes: ctx.documents.maxObjectBytes,
          usedBytes: docs.filter((d) => d.uploaderId).reduce((s, d) => s + d.size, 0),
        },
        requiredDocumentTypes: subject.requiredTypes as (typeof UPLOADABLE_DOCUMENT_TYPES)[number][],
        missingDocumentTypes: missingTypes(subject.requiredTypes, docs) as (typeof UPLOADABLE_DOCUMENT_TYPES)[number][],
      },
    };
  }

  const uploadSpec = (
    path: string,
    operationId: string,
    tag: string,
    summary: string,
    params: Record<string, { description: string; example: string }>,
    roles: Role[],
  ) => ({
    method: 'post' as const,
    path,
    operationId,
    tag,
    summary,
    description:
      'Streams the files to storage (never held whole in memory), judges each type from its content, refuses a file already attached (409 `duplicate_document`), ' +
      'a file over the per-file limit or files over what the object may still hold (413: nothing is stored). Each file is scanned for malware before anyone but its uploader may download it (`scanState`).',
    roles,
    params,
    multipart: { schema: UPLOAD_FORM, encoding: UPLOAD_ENCODING },
    success: { status: 201, description: 'Stored; each file awaits its malware scan', schema: uploadResultSchema },
    errors: [409, 413, 415],
  });

  for (const spec of PROGRAMMES_WITH_DOCUMENTS) {
    const type = spec.subjectType as SubjectType;
    const what = spec.labels.subject.en.toLowerCase();
    router.add(
      uploadSpec(
        `/${spec.apiPath}/:id/documents`,
        `create${operationName(spec)}Documents`,
        'Documents',
        `Attach documents to the ${what}`,
        subjectIdParam(spec),
        uploadRoles(spec),
      ),
      async ({ user, req, params }) => upload(user, req, type, params.id),
    );
    router.add(
      {
        method: 'get',
        path: `/${spec.apiPath}/:id/documents`,
        operationId: `list${operationName(spec)}Documents`,
        tag: 'Documents',
        summary: `The documents of the ${what}`,
        description:
          'With their malware-scan state and whether you may download each' +
          (spec.documents.requiredTypes === 'call'
            ? ", the call's required document types and those still missing."
            : '.'),
        roles: spec.documents.readBy as Role[],
        params: subjectIdParam(spec),
        success: { status: 200, description: 'The documents', schema: documentListSchema },
        errors: [404],
      },
      async ({ user, params }) => list(user, type, params.id),
    );
  }
  router.add(
    {
      ...uploadSpec(
        '/experts/:id/documents',
        'createExpertDocuments',
        'Roster',
        "Attach CVs to an expert's roster profile",
        { id: EXPERT_ID },
        ['expert', 'fund_manager'],
      ),
      description:
        'The expert on its own profile, or a fund manager. `documentType` is `cv`. Scanned for malware like every upload: ' +
        'until a CV is clean only its uploader may download it; once clean, everyone who may see the profile may (fund managers, CO approvers, administrators, the expert).',
    },
    async ({ user, req, params }) => upload(user, req, 'expert', params.id),
  );
  router.add(
    {
      ...uploadSpec(
        '/documents',
        'createStagedDocuments',
        'Documents',
        'Upload documents for a proposal or an event travel application you are about to submit',
        {},
        ['applicant', 'expert', 'fund_manager'],
      ),
      description:
        'For the documents a call requires at submission: upload them here, then send their ids as `documentIds` with POST /proposals, which attaches them. ' +
        'The same for the invitation letter of an event travel application (`documentIds` with POST /event-travel) and an internship application’s CV and proof of enrolment (POST /internships). Same limits and checks as attaching to a proposal.',
    },
    async ({ user, req }) => upload(user, req, 'staged', user.id),
  );

  router.add(
    {
      method: 'get',
      path: '/documents',
      operationId: 'listStagedDocuments',
      tag: 'Documents',
      summary: 'Your uploads waiting for a proposal',
      description:
        'The documents you uploaded with POST /documents that no proposal names yet, with their malware-scan state: send their ids as `documentIds` with POST /proposals.',
      roles: ['applicant'],
      success: { status: 200, description: 'The documents', schema: documentListSchema },
    },
    async ({ user }) => list(user, 'staged', user.id),
  );

  router.add(
    {
      method: 'get',
      path: '/experts/:id/documents',
      operationId: 'listExpertDocuments',
      tag: 'Roster',
      summary: "The CVs on an expert's roster profile",
      description:
        'For those who may see the profile: fund managers, CO approvers, administrators and the expert itself.',
      roles: ['fund_manager', 'co_approver', 'admin', 'expert'],
      params: { id: EXPERT_ID },
      success: { status: 200, description: 'The documents', schema: documentListSchema },
      errors: [404],
    },
    async ({ user, params }) => list(user, 'expert', params.id),
  );

  router.add(
    {
      method: 'get',
      path: '/documents/:id',
      operationId: 'getDocument',
      tag: 'Documents',
      summary: "A document's details and signatures",
      params: { id: DOCUMENT_ID },
      success: { status: 200, description: 'The document', schema: documentSchema },
      errors: [404],
    },
    async ({ user, params }) => {
      const { doc } = await visibleDocument(ctx, user, params.id);
      return { body: documentView(doc, user) };
    },
  );

  router.add(
    {
      method: 'get',
      path: '/documents/:id/content',
      operationId: 'getDocumentContent',
      tag: 'Documents',
      summary: 'Download a document',
      description:
        'Always as an attachment (`Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`, a sandboxing CSP), never rendered inline. ' +
        'Supports one byte range (`Range: bytes=start-end`, 206). A file awaiting its scan is served to its uploader only, a quarantined one never (409).',
      params: { id: DOCUMENT_ID },
      success: {
        status: 200,
        description: 'The file, with the content type judged at upload',
        contentType: 'application/octet-stream',
        mediaTypes: Object.keys(ALLOWED_CONTENT_TYPES),
        headers: ['Content-Disposition', 'Accept-Ranges', 'ETag', 'Content-Range'],
      },
      alsoAnswers: [{ status: 206, description: 'The byte range asked for' }],
      errors: [404, 409, 416],
    },
    async ({ user, params, req, res }) => {
      const { doc, subject } = await visibleDocument(ctx, user, params.id);
      if (!downloadable(doc, user)) throw refusal(doc);
      const range = req.method === 'GET' ? parseRange(req.get('Range'), doc.size) : undefined;
      if (range === 'unsatisfiable') {
        throw new HttpError(416, 'range_not_satisfiable', `the file has ${doc.size} bytes`, undefined, {
          'Content-Range': `bytes */${doc.size}`,
        });
      }
      if (doc.uploaderId !== user.id && (!range || range.start === 0)) {
        await prisma.auditEvent.create({
          data: {
            key: `document:${doc.id}:downloaded:${req.requestId}:${Date.now()}`,
            workflowId: subject.workflowId,
            subjectType: doc.subjectType,
            subjectId: doc.subjectId,
            actorId: user.id,
            actorRole: user.role,
            action: 'document_downloaded',
            requestId: req.requestId,
            data: { documentId: doc.id, name: doc.name, sha256: doc.sha256 },
          },
        });
      }
      const stream = await ctx.documents.storage.read(doc.storageKey, range ?? undefined);
      res.status(range ? 206 : 200);
      res.setHeader('Content-Type', doc.contentType);
      res.setHeader('Content-Disposition', contentDisposition(doc.name));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('Accept-Ranges', 'bytes');
      res.setHeader('ETag', `"${doc.sha256}"`);
      res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : doc.size));
      if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${doc.size}`);
      if (req.method === 'HEAD') {
        stream.destroy();
        res.end();
        return;
      }
      await pipeline(stream, res).catch((err) =>
        req.log.warn({ documentId: doc.id, err: (err as Error).message }, 'download interrupted'),
      );
    },
  );

  router.add(
    {
      method: 'post',
      path: '/documents/:id/release',
      operationId: 'createDocumentRelease',
      tag: 'Documents',
      summary: 'Release a file the scanner could not judge',
      description:
        "For a `scan_failed` file (over the scanner's limits): a fund manager checked it by hand. Audited with the reason. Never for an infected file.",
      roles: ['fund_manager'],
      params: { id: DOCUMENT_ID },
      body: releaseBodySchema,
      success: { status: 200, description: 'Released', schema: documentSchema },
      errors: [404, 409],
    },
    async ({ user, params, body, req }) => {
      const { doc, subject } = await visibleDocument(ctx, user, params.id);
      if (doc.scanState !== 'scan_failed')
        throw conflict(
          `only a file whose scan failed may be released (this one is ${doc.scanState})`,
          'not_allowed_now',
        );
      if (doc.releasedAt) return { body: documentView(doc, user) };
      const updated = await changeDocument(
        user,
        { doc, subject, requestId: req.requestId },
        { releasedById: user.id, releasedAt: new Date() },
        {
          action: 'document_released',
          key: 'released',
          comment: body.reason,
          data: { documentId: doc.id, name: doc.name, sha256: doc.sha256, scanDetail: doc.scanDetail },
        },
      );
      return { body: documentView(updated, user) };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/documents/:id/delete',
      operationId: 'deleteDocument',
      tag: 'Documents',
      summary: 'Delete a document (soft, audited)',
      description:
        'Its uploader or a fund manager. The file is kept (objects are immutable) and the deletion is in the audit trail; generated agreements cannot be deleted.',
      roles: ['applicant', 'co_approver', 'fund_manager', 'expert'],
      params: { id: DOCUMENT_ID },
      success: { status: 200, description: 'Deleted', schema: documentSchema },
      errors: [404, 409],
    },
    async ({ user, params, req }) => {
      const { doc, subject } = await visibleDocument(ctx, user, params.id);
      if (!doc.uploaderId) throw conflict('a generated document cannot be deleted', 'not_allowed_now');
      if (doc.uploaderId !== user.id && user.role !== 'fund_manager')
        throw forbidden('only its uploader or a fund manager may delete a document');
      const updated = await changeDocument(
        user,
        { doc, subject, requestId: req.requestId },
        { deleted: true, deletedAt: new Date(), deletedById: user.id },
        {
          action: 'document_deleted',
          key: 'deleted',
          data: { documentId: doc.id, name: doc.name, sha256: doc.sha256 },
        },
      );
      return { body: documentView(updated, user) };
    },
  );
}
