import { messageIdForKey } from '../../activities/notifications/outbox';
import type { PrismaClient } from '../../lib/db';
import type { ReceivedMail } from './smtp';

export interface DeliveryRuleReport {
  /** Mails the Outbox recorded as sent (each with its own Message-ID). */
  expected: number;
  /** Expected mails that never arrived at their recipient. */
  missing: string[];
  /** Received mails whose Message-ID belongs to no expected mail of that recipient (a repeat under another Message-ID, or a stray). */
  foreign: string[];
  /** Expected mails that arrived more than once (allowed: always with the same Message-ID, by the check above). */
  repeated: number;
  /** Rows still pending or in flight. */
  pending: number;
}

/**
 * The delivery rule: no mail is ever lost; a mail is repeated only when a process dies between
 * the server's 250 and the record of it, and a repeat carries the same Message-ID. Per expected
 * mail (an Outbox row sent under its own Message-ID; rows folded into a digest travel in the
 * digest's mail), the distinct Message-IDs received for it: none missing, no other.
 */
export async function checkDeliveryRule(prisma: PrismaClient, mails: ReceivedMail[]): Promise<DeliveryRuleReport> {
  const rows = await prisma.outbox.findMany({
    where: { status: 'sent' },
    select: { key: true, toEmail: true, messageId: true },
  });
  const own = rows.filter((r) => r.messageId === messageIdForKey(r.key));
  const expected = new Set(own.map((r) => `${r.toEmail.toLowerCase()}|${messageIdForKey(r.key)}`));
  const received = new Map<string, number>();
  for (const m of mails) {
    const id = `${m.to.toLowerCase()}|${m.messageId}`;
    received.set(id, (received.get(id) ?? 0) + 1);
  }
  return {
    expected: expected.size,
    missing: [...expected].filter((id) => !received.has(id)),
    foreign: [...received.keys()].filter((id) => !expected.has(id)),
    repeated: [...received.values()].filter((n) => n > 1).length,
    pending: await prisma.outbox.count({ where: { status: 'pending' } }),
  };
}
