/**
 * Calendar arithmetic on days (YYYY-MM-DD) and instants in an office's time zone. Pure: the Clock
 * (lib/clock.ts) feeds it the holidays and "now"; workflows may import it too.
 */

/** A calendar day, YYYY-MM-DD. */
export type Day = string;

/** Where deadlines are counted: the office's time zone and the country whose public holidays it keeps. */
export interface Office {
  countryCode: string;
  timeZone: string;
}

const DAY_MS = 86_400_000;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayParts(day: Day): [number, number, number] {
  const m = DAY_RE.exec(day);
  if (!m) throw new Error(`Not a calendar day YYYY-MM-DD: ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Days since 1970-01-01 of a valid calendar day, else undefined. */
function dayNumber(day: Day): number | undefined {
  const m = DAY_RE.exec(day);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === day ? ms / DAY_MS : undefined;
}

function utcMidnight(day: Day): number {
  const [y, m, d] = dayParts(day);
  const ms = Date.UTC(y, m - 1, d);
  if (new Date(ms).toISOString().slice(0, 10) !== day) throw new Error(`Not a calendar day: ${day}`);
  return ms;
}

/** The day `n` calendar days after `day` (before it when n < 0). */
export function addDays(day: Day, n: number): Day {
  return new Date(utcMidnight(day) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: Day, to: Day): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: Day): number {
  return new Date(utcMidnight(day)).getUTCDay();
}

/** Saturday and Sunday: the weekend of every office the partnership works with. */
export const WEEKEND: readonly number[] = [6, 0];

export function isWorkingDay(day: Day, holidays: ReadonlySet<Day>, weekend: readonly number[] = WEEKEND): boolean {
  return !weekend.includes(weekday(day)) && !holidays.has(day);
}

/**
 * The day `n` working days after `day` (before it when n < 0), skipping weekends and `holidays`.
 * n = 0 answers `day` itself when it is a working day, else the next working day.
 * Counts on day numbers (days since 1970-01-01, a Thursday) rather than YYYY-MM-DD strings: a
 * deadline years away walks thousands of days, and parsing and formatting each was most of the
 * worker's scheduleDeadlines.
 */
export function addWorkingDays(
  day: Day,
  n: number,
  holidays: ReadonlySet<Day>,
  weekend: readonly number[] = WEEKEND,
): Day {
  if (!Number.isInteger(n)) throw new Error(`working days must be a whole number, not ${n}`);
  const holidayNumbers = new Set<number>();
  for (const h of holidays) {
    const number = dayNumber(h);
    if (number !== undefined) holidayNumbers.add(number);
  }
  const isWeekend = [0, 1, 2, 3, 4, 5, 6].map((d) => weekend.includes(d));
  const working = (d: number) => !isWeekend[(((d + 4) % 7) + 7) % 7] && !holidayNumbers.has(d);
  const step = n < 0 ? -1 : 1;
  let current = utcMidnight(day) / DAY_MS;
  if (n === 0) {
    while (!working(current)) current++;
  } else {
    for (let left = Math.abs(n); left > 0;) {
      current += step;
      if (working(current)) left--;
    }
  }
  return new Date(current * DAY_MS).toISOString().slice(0, 10);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone name this runtime knows ("Asia/Bishkek", "UTC"; not an offset such as "+05:00"). */
export function isTimeZone(timeZone: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock fields of an instant in a time zone, read as if they were UTC (for offset arithmetic). */
function wallClockAsUtc(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

/** The calendar day of an instant in a time zone. */
export function dayIn(instant: Date | number, timeZone: string): Day {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return new Date(wallClockAsUtc(ms, timeZone)).toISOString().slice(0, 10);
}

/**
 * The instant at which the wall clock of `timeZone` shows `time` (HH:MM or HH:MM:SS) on `day`. A time
 * skipped by a daylight-saving change resolves to the instant just after the gap.
 */
export function zonedInstant(day: Day, timeZone: string, time = '00:00'): Date {
  const [hh, mm, ss = 0] = time.split(':').map(Number);
  const wall = utcMidnight(day) + ((hh * 60 + mm) * 60 + ss) * 1000;
  // Two rounds find the offset in force at that wall time (the second corrects across a DST change).
  let guess = wall;
  for (let i = 0; i < 2; i++) guess = wall - (wallClockAsUtc(guess, timeZone) - guess);
  return new Date(guess);
}

/** The last millisecond of `day` in `timeZone`: a deadline "on that date". */
export function endOfDay(day: Day, timeZone: string): Date {
  return new Date(zonedInstant(addDays(day, 1), timeZone).getTime() - 1);
}
