import { randomBytes } from 'node:crypto';

/** Short random ids: `<prefix>-` + 16 base36 characters (~82 bits). */
export function newId(prefix: string): string {
  const n = BigInt(`0x${randomBytes(11).toString('hex')}`);
  return `${prefix}-${n.toString(36).padStart(16, '0').slice(-16)}`;
}

export function paged<T>(items: T[], total: number, page: number, pageSize: number) {
  return { items, total, page, pageSize };
}
