const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Milliseconds of an ISO date or timestamp. A bare date means the start of that UTC day,
 * or its last millisecond when `endOfDay` (so a call closing "2027-12-31" is open all that day).
 */
export function instant(iso: string, endOfDay = false): number {
  const bare = DAY.test(iso);
  const ms = Date.parse(bare ? `${iso}T00:00:00.000Z` : iso);
  if (Number.isNaN(ms)) throw new Error(`Not an ISO date: ${iso}`);
  return bare && endOfDay ? ms + 86_400_000 - 1 : ms;
}

/**
 * The UTC calendar day (YYYY-MM-DD) of an ISO date or timestamp or a Date.
 * Rule sets change at day boundaries, so decisions are compared by day.
 */
export function utcDay(value: string | Date): string {
  const ms = typeof value === 'string' ? instant(value) : value.getTime();
  if (Number.isNaN(ms)) throw new Error(`Not a valid date: ${String(value)}`);
  return new Date(ms).toISOString().slice(0, 10);
}
