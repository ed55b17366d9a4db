/**
 * The one Clock: what time it is on the calendar, the calendar arithmetic of an office (its time
 * zone, its country's public holidays), and when a workflow timer must fire for a calendar instant.
 * Activities get it through createActivities(deps); workflows sleep only until the timer instants
 * an activity returned, so history records them and replay stays deterministic.
 *
 * Production runs on real time. Tests compress it (compressedTime): from the test's start a calendar
 * day lasts `dayMs` of real time, so a milestone due in 90 days falls due within seconds, and the
 * workflow's timers fire at the real instants `timerAt` maps the calendar ones to.
 */
import { createRequire } from 'node:module';
import {
  addDays,
  addWorkingDays,
  dayIn,
  endOfDay,
  isWorkingDay,
  zonedInstant,
  type Day,
  type Office,
} from '../domain/calendar';
import type { PrismaClient } from './db';

export type { Day, Office } from '../domain/calendar';

const DAY_MS = 86_400_000;

/** How calendar time relates to the real time Temporal's timers run on. */
export interface TimeSource {
  /** The calendar's now. */
  now(): Date;
  /** The real instant at which the calendar shows `at`: when a workflow timer for `at` must fire. */
  timerAt(at: Date): Date;
  readonly description: string;
}

export function realTime(): TimeSource {
  return { now: () => new Date(), timerAt: (at) => at, description: 'real time' };
}

/**
 * From `start` (default: now) a calendar day lasts `dayMs` of real time; the calendar then shows
 * `from` (default: `start`, the real day). Tests only.
 */
export function compressedTime(opts: { dayMs: number; start?: number; from?: Date }): TimeSource {
  const start = opts.start ?? Date.now();
  const origin = opts.from?.getTime() ?? start;
  const factor = DAY_MS / opts.dayMs;
  return {
    now: () => new Date(origin + (Date.now() - start) * factor),
    timerAt: (at) => new Date(start + (at.getTime() - origin) / factor),
    description: `compressed: a day lasts ${opts.dayMs} ms, ${new Date(origin).toISOString()} at ${new Date(start).toISOString()}`,
  };
}

export interface Clock {
  readonly time: TimeSource;
  now(): Date;
  /** ISO instant a workflow timer must fire at for the calendar instant `at`. */
  timerAt(at: Date | string): string;
  /** The office that keeps the calendar of a country's subjects (its Country Office's time zone and holiday country). */
  office(countryCode: string): Promise<Office>;
  /** Today in the office's time zone. */
  today(office: Office): Day;
  /** The instant the office's wall clock shows `time` (HH:MM, default midnight) on `day`. */
  instantOf(day: Day, office: Office, time?: string): Date;
  /** The last instant of `day` in the office: a deadline "on that date". */
  endOf(day: Day, office: Office): Date;
  addDays(day: Day, n: number): Day;
  /** `n` working days after `day` (before it when n < 0), skipping weekends and the office country's public holidays. */
  addWorkingDays(day: Day, n: number, office: Office): Promise<Day>;
  isWorkingDay(day: Day, office: Office): Promise<boolean>;
  /** Public holidays of a country between two days (inclusive), imported from date-holidays on first use. */
  holidays(countryCode: string, from: Day, to: Day): Promise<Set<Day>>;
}

export interface ClockDeps {
  prisma: PrismaClient;
  time?: TimeSource;
}

export function createClock(deps: ClockDeps): Clock {
  const time = deps.time ?? realTime();
  const { prisma } = deps;
  const imported = new Set<string>();

  async function ensureImported(countryCode: string, fromYear: number, toYear: number): Promise<void> {
    for (let year = fromYear; year <= toYear; year++) {
      const key = `${countryCode}:${year}`;
      if (imported.has(key)) continue;
      await importHolidayYear(prisma, countryCode, year);
      imported.add(key);
    }
  }

  const clock: Clock = {
    time,
    now: () => time.now(),
    timerAt: (at) => time.timerAt(typeof at === 'string' ? new Date(at) : at).toISOString(),
    async office(countryCode) {
      // Plain SQL here and for the holidays: every task's dates ask both, and Prisma 6 compiles each ORM query anew.
      const [row] = await prisma.$queryRaw<{ timeZone: string; holidayCountryCode: string | null }[]>`
        SELECT "timeZone", "holidayCountryCode" FROM "CountryOffice" WHERE "countryCode" = ${countryCode}`;
      return { countryCode: row?.holidayCountryCode ?? countryCode, timeZone: row?.timeZone ?? 'UTC' };
    },
    today: (office) => dayIn(time.now(), office.timeZone),
    instantOf: (day, office, at) => zonedInstant(day, office.timeZone, at),
    endOf: (day, office) => endOfDay(day, office.timeZone),
    addDays,
    async addWorkingDays(day, n, office) {
      // Enough calendar days for n working days even across long holiday seasons, on the side the count goes.
      const span = Math.abs(n) * 2 + 45;
      const holidays = await clock.holidays(
        office.countryCode,
        n < 0 ? addDays(day, -span) : day,
        n < 0 ? day : addDays(day, span),
      );
      return addWorkingDays(day, n, holidays);
    },
    async isWorkingDay(day, office) {
      return isWorkingDay(day, await clock.holidays(office.countryCode, day, day));
    },
    async holidays(countryCode, from, to) {
      await ensureImported(countryCode, Number(from.slice(0, 4)), Number(to.slice(0, 4)));
      const rows = await prisma.$queryRaw<{ day: string }[]>`
        SELECT to_char("date", 'YYYY-MM-DD') AS "day" FROM "PublicHoliday"
        WHERE "countryCode" = ${countryCode} AND "date" BETWEEN ${from}::date AND ${to}::date`;
      return new Set(rows.map((r) => r.day));
    },
  };
  return clock;
}

// ---------- public holidays from date-holidays ----------

interface DateHoliday {
  date: string;
  start: Date;
  end: Date;
  name: string;
  type: string;
}
interface HolidaysInstance {
  init(country: string): boolean;
  getCountries(lang?: string): Record<string, string>;
  getHolidays(year: number, lang?: string): DateHoliday[] | undefined;
}
type HolidaysCtor = new (country?: string, opts?: { languages?: string[]; timezone?: string }) => HolidaysInstance;

const requireCjs = createRequire(__filename);
let holidaysPackage: { ctor: HolidaysCtor; version: string } | undefined;
function dateHolidays(): { ctor: HolidaysCtor; version: string } {
  if (!holidaysPackage) {
    // The package's CommonJS entry (lib/index.cjs); its data is bundled, nothing is downloaded.
    const ctor = requireCjs('date-holidays') as HolidaysCtor;
    const version = (requireCjs('date-holidays/package.json') as { version: string }).version;
    holidaysPackage = { ctor, version };
  }
  return holidaysPackage;
}

/** The ISO codes of the countries date-holidays knows (a list of the world's countries for forms). */
export function dateHolidaysCountryCodes(): string[] {
  return Object.keys(new (dateHolidays().ctor)().getCountries());
}

export interface HolidayEntry {
  date: Day;
  name: string;
  nameRu: string | null;
}

/**
 * A country's public holidays of one year as date-holidays knows them (every day of a multi-day
 * holiday); empty for a country it does not cover (Kyrgyzstan, Tajikistan, Turkmenistan, Lao PDR).
 */
export function dateHolidaysOf(countryCode: string, year: number): { source: string; holidays: HolidayEntry[] } {
  const { ctor, version } = dateHolidays();
  const source = `date-holidays ${version}`;
  const calendar = new ctor();
  if (!calendar.init(countryCode)) return { source, holidays: [] };
  const ru = new Map<string, string>();
  for (const h of calendar.getHolidays(year, 'ru') ?? []) if (h.type === 'public') ru.set(h.date.slice(0, 10), h.name);
  const out = new Map<Day, HolidayEntry>();
  for (const h of calendar.getHolidays(year, 'en') ?? []) {
    if (h.type !== 'public') continue;
    const first = h.date.slice(0, 10);
    const days = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / DAY_MS));
    for (let i = 0; i < days; i++) {
      const date = addDays(first, i);
      if (!out.has(date)) out.set(date, { date, name: h.name, nameRu: ru.get(first) ?? null });
    }
  }
  return { source, holidays: [...out.values()] };
}

/**
 * Imports a country's year from date-holidays once (recorded in HolidayImport): rows an
 * administrator entered or removed later stay as they are. Idempotent and safe to run concurrently.
 */
export async function importHolidayYear(prisma: PrismaClient, countryCode: string, year: number): Promise<number> {
  const done = await prisma.holidayImport.findUnique({ where: { countryCode_year: { countryCode, year } } });
  if (done) return 0;
  const { source, holidays } = dateHolidaysOf(countryCode, year);
  return prisma.$transaction(async (tx) => {
    const created = await tx.publicHoliday.createMany({
      data: holidays.map((h) => ({
        countryCode,
        date: new Date(`${h.date}T00:00:00Z`),
        name: h.name,
        nameRu: h.nameRu,
        source,
      })),
      skipDuplicates: true,
    });
    await tx.holidayImport.createMany({
      data: [{ countryCode, year, source, holidays: holidays.length }],
      skipDuplicates: true,
    });
    return created.count;
  });
}
