import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../generated/prisma/client';
import type { AuthUser } from '../types';

/**
 * An account event in the audit trail (subjectType 'user' or 'institution'...): who did what to
 * whom, with the request id. Workflow events keep their own keys; these get a fresh one each.
 */
export async function auditAccount(
  tx: Pick<Prisma.TransactionClient, 'auditEvent'>,
  event: {
    actor: Pick<AuthUser, 'id' | 'role'> | null;
    subjectType?: string;
    subjectId: string;
    action: string;
    comment?: string;
    data?: Prisma.InputJsonValue;
    requestId?: string;
  },
): Promise<void> {
  await tx.auditEvent.create({
    data: {
      key: `account:${randomUUID()}`,
      subjectType: event.subjectType ?? 'user',
      subjectId: event.subjectId,
      actorId: event.actor?.id ?? null,
      actorRole: event.actor?.role ?? null,
      action: event.action,
      comment: event.comment ?? null,
      data: event.data,
      requestId: event.requestId ?? null,
    },
  });
}
