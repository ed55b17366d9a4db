/**
 * Cancellation: a fund manager ends a subject of any programme at any stage before it closes,
 * saying why (the `cancel` Update of workflows/messages.ts; its validator and the API use these).
 */
import { z } from 'zod';
import type { Refusal } from './registry';
import type { Actor, Role } from './roles';
import { text } from './schemas';
import { isTerminal } from './stages';

export const CANCEL_ROLES = ['fund_manager'] as const satisfies readonly Role[];

export const cancelBodySchema = z.object({ reason: text(2000) }).strict();
export type CancelBody = z.infer<typeof cancelBodySchema>;

/** Why `actor` may not cancel the subject in `stage` with `reason`, or null when they may. */
export function cancellationRefusal(actor: Actor, stage: string, reason: unknown): Refusal | null {
  if (!(CANCEL_ROLES as readonly string[]).includes(actor.role))
    return { code: 'forbidden', message: 'only a fund manager may cancel' };
  if (isTerminal(stage)) return { code: 'not_allowed_now', message: `cannot cancel: the subject is ${stage}` };
  if (!cancelBodySchema.safeParse({ reason }).success)
    return { code: 'invalid', message: 'reason: a reason of 1 to 2000 characters is required' };
  return null;
}
