import { z } from 'zod';
import { outboxRowsOf } from '../../activities/notifications/outbox';
import { CANCEL_ROLES, cancelBodySchema } from '../../domain/cancellation';
import {
  audienceOfMessage,
  messageBodySchema,
  messagePostSchema,
  messageReadRoles,
  messageSideOf,
  messageWriteRoles,
  NOTE_ROLES,
  sideLabel,
} from '../../domain/messages';
import type { NotificationRequest, Recipient } from '../../domain/notifications';
import type { MessageAudience } from '../../domain/programme';
import { documentsOf, PROGRAMME_LIST, programmeSpec, type Programme, type SubjectType } from '../../domain/registry';
import { operationName, subjectIdParam } from '../subject-routes';
import { SCAN_STATES } from '../../domain/documents';
import { ROLES } from '../../domain/roles';
import { STAGES } from '../../domain/stages';
import { publicBaseUrl } from '../../lib/config';
import type { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../../lib/db';
import { withOutboxMails } from '../accounts/mail';
import type { ApiContext } from '../context';
import { requestBody, responseBody } from '../contract';
import { executeCancel } from '../decide';
import { forbidden, notFound, validationFailed, type ErrorDetail } from '../errors';
import { subjectId } from '../ids';
import type { ApiRouter } from '../router';
import { downloadable } from './documents';
import { subjectScope } from '../scope';
import type { AuthUser } from '../types';

/**
 * Every subject of every programme in the registry has, under its own path
 * (`/proposals/{id}/…`, `/expert-requests/{id}/…`):
 * - a message thread between the sides its programme declares (domain/messages.ts), on the record
 *   (Message row and audit event) and mailed to the other sides through the outbox;
 * - staff-only internal notes, kept in their own table, never listed, mailed or put in the
 *   timeline for anyone outside NOTE_ROLES;
 * - the fund manager's cancellation (the `cancel` Update).
 */

requestBody('MessageBody', messageBodySchema, {
  body: 'Could you confirm that the letter of intent from the Ministry is signed? The scan looks unsigned.',
});
requestBody('MessagePost', messagePostSchema, {
  body: 'Here is the signed letter of intent from the Ministry.',
  documentIds: ['doc-0123456789abcdef0123'],
});
requestBody('Cancellation', cancelBodySchema, {
  reason: 'The national partner no longer supports the project (letter of 3 December).',
});

const author = z.strictObject({ id: z.string(), name: z.string().nullable(), role: z.enum(ROLES) });
const attachmentSchema = responseBody(
  'MessageAttachment',
  z.strictObject({
    id: z.string().describe('A document: GET /documents/{id}, its bytes at /documents/{id}/content'),
    name: z.string(),
    size: z.number().int(),
    scanState: z.enum(SCAN_STATES),
    downloadable: z.boolean().describe('Whether you may download it now (after its malware scan)'),
  }),
);
const threadMessageSchema = z.strictObject({
  id: z.string(),
  side: z.string().describe("The author's side of the thread (the programme's declared sides)"),
  sideLabel: z.string(),
  author,
  body: z.string(),
  attachments: z.array(attachmentSchema),
  createdAt: z.string(),
});
const threadSchema = responseBody(
  'MessageThread',
  z.strictObject({
    items: z.array(threadMessageSchema).describe('Oldest first'),
    sides: z.array(z.strictObject({ key: z.string(), label: z.string() })),
    mySide: z.string().nullable().describe('The side the caller writes for; null: the caller reads only'),
  }),
);
responseBody('Message', threadMessageSchema);
const noteSchema = responseBody(
  'InternalNote',
  z.strictObject({ id: z.string(), author, body: z.string(), createdAt: z.string() }),
);
const notesSchema = responseBody(
  'InternalNotes',
  z.strictObject({ items: z.array(noteSchema).describe('Oldest first') }),
);
const cancelledSchema = responseBody('Cancelled', z.strictObject({ id: z.string(), stage: z.enum(STAGES) }));

interface SubjectRow {
  id: string;
  workflowId: string;
  stage: string;
  countryCode: string;
  title: string;
  owner: string | null;
  selectedExpertId: string | null;
  supervisor: string | null;
}

type Delegate = { findFirst(args: unknown): Promise<Record<string, unknown> | null> };

/** The subject as the caller may see it (its programme's scope rule), else 404. */
async function visibleSubject(prisma: PrismaClient, programme: Programme, user: AuthUser, id: string) {
  const spec = programmeSpec(programme);
  const { ownerColumn, selectedExpertColumn, supervisorColumn } = spec.messages;
  const table = spec.subjectTable[0].toLowerCase() + spec.subjectTable.slice(1);
  const delegate = (prisma as unknown as Record<string, Delegate>)[table];
  const scope = await subjectScope(prisma, programme, user);
  const row = await delegate.findFirst({
    where: { AND: [{ id }, scope] },
    select: {
      id: true,
      workflowId: true,
      stage: true,
      countryCode: true,
      title: true,
      [ownerColumn]: true,
      ...(selectedExpertColumn ? { [selectedExpertColumn]: true } : {}),
      ...(supervisorColumn ? { [supervisorColumn]: true } : {}),
    },
  });
  if (!row) throw notFound(spec.labels.subject.en.toLowerCase());
  return {
    id: row.id as string,
    workflowId: row.workflowId as string,
    stage: row.stage as string,
    countryCode: row.countryCode as string,
    title: row.title as string,
    owner: (row[ownerColumn] as string | null) ?? null,
    selectedExpertId: selectedExpertColumn ? ((row[selectedExpertColumn] as string | null) ?? null) : null,
    supervisor: supervisorColumn ? ((row[supervisorColumn] as string | null) ?? null) : null,
  } satisfies SubjectRow;
}

function recipientsOf(audience: MessageAudience, s: SubjectRow): Recipient[] {
  switch (audience) {
    case 'owner':
      return s.owner ? [{ userId: s.owner }] : [];
    case 'country_office':
      return [{ role: 'co_approver', countryCode: s.countryCode }];
    case 'fund_managers':
      return [{ role: 'fund_manager' }];
    case 'selected_expert':
      return s.selectedExpertId ? [{ expertId: s.selectedExpertId }] : [];
    case 'supervisor':
      return s.supervisor ? [{ userId: s.supervisor }] : [];
  }
}

async function namesOf(prisma: PrismaClient, ids: string[]): Promise<Map<string, string>> {
  const users = await prisma.user.findMany({
    where: { id: { in: [...new Set(ids)] } },
    select: { id: true, name: true },
  });
  return new Map(users.map((u) => [u.id, u.name]));
}

const asRole = (r: string) => r as (typeof ROLES)[number];

type Attachment = z.infer<typeof attachmentSchema>;

/** The live documents attached to these messages, by message id. */
async function attachmentsOf(prisma: PrismaClient, messageIds: string[], user: AuthUser) {
  const docs = messageIds.length
    ? await prisma.document.findMany({
        where: { messageId: { in: messageIds }, deleted: false },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      })
    : [];
  const out = new Map<string, Attachment[]>();
  for (const d of docs)
    out.set(d.messageId!, [
      ...(out.get(d.messageId!) ?? []),
      {
        id: d.id,
        name: d.name,
        size: d.size,
        scanState: d.scanState as Attachment['scanState'],
        downloadable: downloadable(d, user),
      },
    ]);
  return out;
}

/**
 * The documents a new message names: each uploaded by its author to this subject, live, not
 * quarantined and not attached to another message (a retry of the same message finds them its own).
 */
async function attachableDocuments(
  prisma: PrismaClient,
  user: AuthUser,
  subject: { type: SubjectType; id: string },
  messageId: string,
  documentIds: string[],
) {
  if (!documentIds.length) return [];
  const docs = await prisma.document.findMany({
    where: { id: { in: documentIds }, subjectType: subject.type, subjectId: subject.id, deleted: false },
  });
  const byId = new Map(docs.map((d) => [d.id, d]));
  const problems: ErrorDetail[] = [];
  documentIds.forEach((id, i) => {
    const d = byId.get(id);
    const path = `documentIds.${i}`;
    if (documentIds.indexOf(id) !== i) problems.push({ path, message: 'named twice' });
    else if (!d || d.uploaderId !== user.id)
      problems.push({ path, message: 'no such document of yours on this subject (upload it to its documents first)' });
    else if (d.scanState === 'infected')
      problems.push({ path, message: 'malware was found in this file: it is quarantined' });
    else if (d.messageId && d.messageId !== messageId)
      problems.push({ path, message: 'already attached to another message' });
  });
  if (problems.length) throw validationFailed(problems);
  return documentIds.map((id) => byId.get(id)!);
}
const languageOf = (user: AuthUser): 'en' | 'ru' => (user.language === 'ru' ? 'ru' : 'en');

/** A written entry of a subject (message or internal note) as the API shows it: its author with their name. */
interface WrittenEntry {
  id: string;
  authorId: string;
  authorRole: string;
  body: string;
  createdAt: Date;
}
const entryView = (e: WrittenEntry, names: Map<string, string>) => ({
  id: e.id,
  author: { id: e.authorId, name: names.get(e.authorId) ?? null, role: asRole(e.authorRole) },
  body: e.body,
  createdAt: e.createdAt.toISOString(),
});

/** The query of a subject's messages or notes: oldest first, at most 1000. */
const entriesOfSubject = (subjectType: SubjectType, subjectId: string) => ({
  where: { subjectType, subjectId },
  orderBy: [{ createdAt: 'asc' as const }, { id: 'asc' as const }],
  take: 1000,
});

/** The audit event of an entry the caller wrote on a subject, in the entry's transaction; recorded once per key. */
function auditWrittenEntry(
  tx: Prisma.TransactionClient,
  e: {
    key: string;
    workflowId: string;
    subjectType: SubjectType;
    subjectId: string;
    user: AuthUser;
    action: 'message_posted' | 'internal_note';
    data: Record<string, unknown>;
    requestId: string;
    at: Date;
  },
) {
  return tx.$executeRaw`INSERT INTO "AuditEvent" ("key", "workflowId", "subjectType", "subjectId", "actorId", "actorRole", "action", "data", "requestId", "at")
    VALUES (${e.key}, ${e.workflowId}, ${e.subjectType}, ${e.subjectId}, ${e.user.id}, ${e.user.role}, ${e.action},
      ${JSON.stringify(e.data)}::jsonb, ${e.requestId}, ${e.at})
    ON CONFLICT ("key") DO NOTHING`;
}

export function messageRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;
  for (const spec of PROGRAMME_LIST) {
    const programme = spec.id;
    const subjectType = spec.subjectType as SubjectType;
    const name = operationName(spec);
    const what = spec.labels.subject.en.toLowerCase();
    const base = `/${spec.apiPath}/:id`;
    const params = subjectIdParam(spec);

    const messageView = (
      m: WrittenEntry & { side: string },
      names: Map<string, string>,
      language: 'en' | 'ru',
      attachments: Map<string, Attachment[]>,
    ) => {
      const { author, body, createdAt } = entryView(m, names);
      return {
        id: m.id,
        side: m.side,
        sideLabel: sideLabel(programme, m.side, language),
        author,
        body,
        attachments: attachments.get(m.id) ?? [],
        createdAt,
      };
    };

    router.add(
      {
        method: 'get',
        path: `${base}/messages`,
        operationId: `list${name}Messages`,
        cached: true,
        tag: 'Messages',
        summary: `The ${what}'s message thread`,
        description:
          `Messages between the sides of the ${what} (${spec.messages.sides.map((s) => s.label.en).join('; ')}), oldest first. ` +
          'Staff-only internal notes are never part of it (see the notes route).',
        roles: messageReadRoles(programme),
        params,
        success: { status: 200, description: 'The thread', schema: threadSchema },
        errors: [404],
      },
      async ({ user, params: p }) => {
        const s = await visibleSubject(prisma, programme, user, p.id);
        const mine = messageSideOf(programme, user, s);
        // An expert reads the thread only once selected for the request (the side admits that expert alone).
        if (user.role === 'expert' && !mine) throw notFound(what);
        const rows = await prisma.message.findMany(entriesOfSubject(subjectType, s.id));
        const [names, attachments] = await Promise.all([
          namesOf(
            prisma,
            rows.map((r) => r.authorId),
          ),
          attachmentsOf(
            prisma,
            rows.map((r) => r.id),
            user,
          ),
        ]);
        return {
          body: {
            items: rows.map((r) => messageView(r, names, languageOf(user), attachments)),
            sides: spec.messages.sides.map((side) => ({ key: side.key, label: side.label[languageOf(user)] })),
            mySide: mine?.key ?? null,
          },
        };
      },
    );

    router.add(
      {
        method: 'post',
        path: `${base}/messages`,
        operationId: `create${name}Message`,
        tag: 'Messages',
        summary: `Write on the ${what}'s thread`,
        description:
          "The message is recorded (thread and audit trail) and mailed, in each recipient's language with a link, to the other sides of the thread. " +
          (documentsOf(spec.subjectType)
            ? `Attachments: upload the files to the ${what}'s documents first (scanned for malware like every upload), then name them in \`documentIds\`. `
            : `The ${what} takes no documents: \`documentIds\` stays empty. `) +
          'Accepts Idempotency-Key: a retry with the same key and body records and mails it once.',
        roles: messageWriteRoles(programme),
        body: messagePostSchema,
        idempotent: true,
        params,
        success: { status: 201, description: 'Posted', schema: threadMessageSchema },
        errors: [404],
      },
      async ({ user, params: p, body, req, idempotencyKey }) => {
        const s = await visibleSubject(prisma, programme, user, p.id);
        const side = messageSideOf(programme, user, s);
        if (!side) {
          if (user.role === 'expert') throw notFound(what);
          throw forbidden(`you have no side on this ${what}'s thread`);
        }
        const id = subjectId('msg', user.id, idempotencyKey);
        const attached = await attachableDocuments(
          prisma,
          user,
          { type: subjectType, id: s.id },
          id,
          body.documentIds ?? [],
        );
        const createdAt = new Date();
        const notifications: NotificationRequest[] = audienceOfMessage(programme, side.key)
          .flatMap((a) => recipientsOf(a, s))
          .map((to) => ({
            template: 'message_posted',
            to,
            data: {
              subjectType,
              subjectId: s.id,
              subjectTitle: s.title,
              countryCode: s.countryCode,
              stage: s.stage,
              comment: body.body,
              from: user.name,
              fromSide: side.key,
              ...(attached.length ? { documentName: attached.map((d) => d.name).join(', ') } : {}),
            },
          }));
        // Rendered now, per recipient and language; the same key on a retry (the id comes from the Idempotency-Key).
        const rows = (
          await outboxRowsOf(prisma, {
            workflowId: s.workflowId,
            step: `message-${id}`,
            notifications,
            baseUrl: publicBaseUrl(ctx.config),
          })
        ).filter((r) => r.recipientId !== user.id);
        await withOutboxMails(ctx, rows, async (tx) => {
          await tx.$executeRaw`INSERT INTO "Message" ("id", "workflowId", "subjectType", "subjectId", "authorId", "authorRole", "side", "body", "createdAt")
            VALUES (${id}, ${s.workflowId}, ${subjectType}, ${s.id}, ${user.id}, ${user.role}, ${side.key}, ${body.body}, ${createdAt})
            ON CONFLICT ("id") DO NOTHING`;
          if (attached.length) {
            const claimed = await tx.document.updateMany({
              where: { id: { in: attached.map((d) => d.id) }, OR: [{ messageId: null }, { messageId: id }] },
              data: { messageId: id },
            });
            // Another message took one meanwhile: nothing of this one is recorded.
            if (claimed.count !== attached.length)
              throw validationFailed([{ path: 'documentIds', message: 'already attached to another message' }]);
          }
          await auditWrittenEntry(tx, {
            key: `message:${id}`,
            workflowId: s.workflowId,
            subjectType,
            subjectId: s.id,
            user,
            action: 'message_posted',
            data: { messageId: id, side: side.key, mailed: rows.length, documentIds: attached.map((d) => d.id) },
            requestId: req.requestId,
            at: createdAt,
          });
        });
        const stored = await prisma.message.findUniqueOrThrow({ where: { id } });
        return {
          status: 201,
          body: messageView(
            stored,
            new Map([[user.id, user.name]]),
            languageOf(user),
            await attachmentsOf(prisma, [id], user),
          ),
        };
      },
    );

    router.add(
      {
        method: 'get',
        path: `${base}/notes`,
        operationId: `list${name}Notes`,
        cached: true,
        tag: 'Messages',
        summary: `Staff-only internal notes on the ${what}`,
        description:
          'For the Country Office, fund managers and administrators who may see the subject; never shown or mailed to applicants, experts or reviewers.',
        roles: NOTE_ROLES,
        params,
        success: { status: 200, description: 'The notes', schema: notesSchema },
        errors: [404],
      },
      async ({ user, params: p }) => {
        const s = await visibleSubject(prisma, programme, user, p.id);
        const rows = await prisma.internalNote.findMany(entriesOfSubject(subjectType, s.id));
        const names = await namesOf(
          prisma,
          rows.map((r) => r.authorId),
        );
        return { body: { items: rows.map((r) => entryView(r, names)) } };
      },
    );

    router.add(
      {
        method: 'post',
        path: `${base}/notes`,
        operationId: `create${name}Note`,
        tag: 'Messages',
        summary: `Add a staff-only internal note on the ${what}`,
        description:
          'Recorded in the audit trail (without its text); not mailed. Accepts Idempotency-Key: a retry with the same key and body records it once.',
        roles: NOTE_ROLES,
        body: messageBodySchema,
        idempotent: true,
        params,
        success: { status: 201, description: 'Added', schema: noteSchema },
        errors: [404],
      },
      async ({ user, params: p, body, req, idempotencyKey }) => {
        const s = await visibleSubject(prisma, programme, user, p.id);
        const id = subjectId('note', user.id, idempotencyKey);
        const createdAt = new Date();
        await prisma.$transaction(async (tx) => {
          await tx.$executeRaw`INSERT INTO "InternalNote" ("id", "subjectType", "subjectId", "authorId", "authorRole", "body", "createdAt")
            VALUES (${id}, ${subjectType}, ${s.id}, ${user.id}, ${user.role}, ${body.body}, ${createdAt}) ON CONFLICT ("id") DO NOTHING`;
          await auditWrittenEntry(tx, {
            key: `note:${id}`,
            workflowId: s.workflowId,
            subjectType,
            subjectId: s.id,
            user,
            action: 'internal_note',
            data: { noteId: id },
            requestId: req.requestId,
            at: createdAt,
          });
        });
        const stored = await prisma.internalNote.findUniqueOrThrow({ where: { id } });
        return { status: 201, body: entryView(stored, new Map([[user.id, user.name]])) };
      },
    );

    router.add(
      {
        method: 'post',
        path: `${base}/cancel`,
        operationId: `cancel${name}`,
        tag: 'Messages',
        summary: `Cancel the ${what} (fund managers)`,
        description:
          `Any stage before the ${what} closes, with a reason: its open tasks close, it ends in \`cancelled\`, and the owner, the Country Office and whoever had an open task are told by mail. ` +
          'Accepts Idempotency-Key: a retry with the same key and body gets the first answer.',
        roles: CANCEL_ROLES,
        body: cancelBodySchema,
        idempotent: true,
        params,
        success: { status: 200, description: 'Cancelled', schema: cancelledSchema },
        errors: [404, 409],
      },
      async ({ user, params: p, body, req, idempotencyKey }) => {
        const s = await visibleSubject(prisma, programme, user, p.id);
        const { stage } = await executeCancel(
          ctx,
          user,
          { workflowId: s.workflowId, stage: s.stage, what },
          body.reason,
          req.requestId,
          idempotencyKey,
        );
        return { body: { id: s.id, stage } };
      },
    );
  }
}
