/**
 * Messages on a subject, for every programme of the registry: who writes on its thread and for
 * which side (each programme's `messages.sides`), whom a message reaches by mail, and the
 * staff-only internal notes kept apart from the thread. Pure: read by the API, the web app and
 * the workflows (a request for changes opens the thread with the Country Office's message).
 */
import { z } from 'zod';
import { documentIdSchema } from './documents';
import type { MessageAudience, MessageSide } from './programme';
import { programmeSpec, type Programme } from './registry';
import type { Role } from './roles';
import { text } from './schemas';

export const MESSAGE_MAX_CHARS = 5000;

/** A message on the thread, or an internal note: the text people type. */
export const messageBodySchema = z.object({ body: text(MESSAGE_MAX_CHARS) }).strict();
export type MessageBody = z.infer<typeof messageBodySchema>;

export const MESSAGE_MAX_ATTACHMENTS = 5;

/** A message on the thread: its text and the documents attached to it (uploaded to the subject by the author beforehand). */
export const messagePostSchema = messageBodySchema
  .extend({
    documentIds: z
      .array(documentIdSchema)
      .max(MESSAGE_MAX_ATTACHMENTS)
      .optional()
      .describe(
        "Documents you uploaded to this subject (its documents route) and have not attached to another message; they are scanned for malware like every upload, and served to the thread's readers once clean",
      ),
  })
  .strict();

/** Staff read and write internal notes (in their scope of the subject); nobody else ever sees them. */
export const NOTE_ROLES = ['co_approver', 'fund_manager', 'admin'] as const satisfies readonly Role[];

export function isStaffRole(role: string): boolean {
  return (NOTE_ROLES as readonly string[]).includes(role);
}

/** Who is writing or reading: the role, and the roster profile of an expert. */
export interface Participant {
  role: Role;
  expertId?: string | null;
}

/**
 * The side `who` takes on the subject's thread, or undefined when they have no place on it
 * (a reviewer; an expert other than the selected one). The caller has already checked that the
 * subject is in their scope.
 */
export function messageSideOf(
  programme: Programme,
  who: Participant,
  subject: { selectedExpertId?: string | null },
): MessageSide | undefined {
  const side = programmeSpec(programme).messages.sides.find((s) => s.roles.includes(who.role));
  if (!side) return undefined;
  if (side.audience.includes('selected_expert') && (!who.expertId || who.expertId !== subject.selectedExpertId))
    return undefined;
  return side;
}

/** Whom a message of `side` is mailed to: the audience of every other side. */
export function audienceOfMessage(programme: Programme, side: string): MessageAudience[] {
  return [
    ...new Set(
      programmeSpec(programme)
        .messages.sides.filter((s) => s.key !== side)
        .flatMap((s) => s.audience),
    ),
  ];
}

/** Roles that may read some subject's thread (a side's roles), plus administrators, who read without a side. */
export function messageReadRoles(programme: Programme): Role[] {
  return [...new Set([...programmeSpec(programme).messages.sides.flatMap((s) => s.roles), 'admin'])] as Role[];
}

export function messageWriteRoles(programme: Programme): Role[] {
  return [...new Set(programmeSpec(programme).messages.sides.flatMap((s) => s.roles))] as Role[];
}

/** The side label of a stored message (its `side` key), in `language`. */
export function sideLabel(programme: Programme, side: string, language: 'en' | 'ru'): string {
  return programmeSpec(programme).messages.sides.find((s) => s.key === side)?.label[language] ?? side;
}
