import { createHash, randomBytes } from 'node:crypto';

/** Short random ids: `<prefix>-` + 16 base36 characters (~82 bits). */
export function newId(prefix: string): string {
  const n = BigInt(`0x${randomBytes(11).toString('hex')}`);
  return `${prefix}-${n.toString(36).padStart(16, '0').slice(-16)}`;
}

/**
 * The id of what a creating request makes: derived from the caller's Idempotency-Key when there is
 * one, so a request re-run under the same key (after a crash cut off the first attempt) names the
 * same subject and workflow instead of making a second one; random otherwise.
 */
export function subjectId(prefix: string, userId: string, idempotencyKey?: string): string {
  if (!idempotencyKey) return newId(prefix);
  const n = BigInt(
    `0x${createHash('sha256').update(`${prefix}\n${userId}\n${idempotencyKey}`).digest('hex').slice(0, 22)}`,
  );
  return `${prefix}-${n.toString(36).padStart(16, '0').slice(-16)}`;
}

export function paged<T>(items: T[], total: number, page: number, pageSize: number) {
  return { items, total, page, pageSize };
}
