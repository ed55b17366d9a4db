import { addDays, addWorkingDays, dayIn, endOfDay, isTimeZone, zonedInstant } from '../../domain/calendar';
import { compressedTime, createClock, dateHolidaysOf } from '../../lib/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

describe('calendar (pure)', () => {
  test('a date in a time zone is an instant, across daylight saving', () => {
    expect(zonedInstant('2027-03-31', 'Asia/Bishkek').toISOString()).toBe('2027-03-30T18:00:00.000Z');
    expect(zonedInstant('2027-07-01', 'Europe/Belgrade', '09:00').toISOString()).toBe('2027-07-01T07:00:00.000Z');
    expect(zonedInstant('2027-01-15', 'Europe/Belgrade', '09:00').toISOString()).toBe('2027-01-15T08:00:00.000Z');
    // 02:30 does not exist on 28 March 2027 in Belgrade: the instant after the gap.
    expect(zonedInstant('2027-03-28', 'Europe/Belgrade', '02:30').toISOString()).toBe('2027-03-28T01:30:00.000Z');
    expect(endOfDay('2027-03-31', 'Asia/Bishkek').toISOString()).toBe('2027-03-31T17:59:59.999Z');
    expect(dayIn(new Date('2027-03-30T18:30:00Z'), 'Asia/Bishkek')).toBe('2027-03-31');
    expect(dayIn(new Date('2027-03-30T18:30:00Z'), 'UTC')).toBe('2027-03-30');
  });

  test('a time of day may carry seconds; only IANA zone names are time zones', () => {
    expect(zonedInstant('2027-03-31', 'Asia/Bishkek', '17:00:30').toISOString()).toBe('2027-03-31T11:00:30.000Z');
    expect([isTimeZone('Asia/Bishkek'), isTimeZone('UTC'), isTimeZone('America/Argentina/Buenos_Aires')]).toEqual([
      true,
      true,
      true,
    ]);
    expect([isTimeZone('Mars/Olympus'), isTimeZone('+05:00'), isTimeZone(''), isTimeZone('Asia/../UTC')]).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  test('N days and N working days before and after a date skip weekends and holidays', () => {
    expect(addDays('2027-02-27', 2)).toBe('2027-03-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    const none = new Set<string>();
    // Friday 5 March 2027 + 1 working day = Monday 8 March; with 8 March a holiday, Tuesday.
    expect(addWorkingDays('2027-03-05', 1, none)).toBe('2027-03-08');
    expect(addWorkingDays('2027-03-05', 1, new Set(['2027-03-08']))).toBe('2027-03-09');
    expect(addWorkingDays('2027-03-09', -1, new Set(['2027-03-08']))).toBe('2027-03-05');
    expect(addWorkingDays('2027-03-06', 0, none)).toBe('2027-03-08');
    expect(addWorkingDays('2027-03-01', 10, none)).toBe('2027-03-15');
    expect(() => addWorkingDays('2027-03-01', 1.5, none)).toThrow(/whole number/);
    expect(() => addDays('2027-02-30', 1)).toThrow(/calendar day/);
  });
});

describe('Clock (database holidays)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('clock');
    await db.prisma.country.create({
      data: { code: 'KG', name: 'Kyrgyzstan', nameRu: 'Кыргызстан', region: 'ECA' },
    });
    await db.prisma.countryOffice.create({
      data: {
        id: 'co-kg',
        countryCode: 'KG',
        name: 'UNDP Kyrgyzstan',
        city: 'Bishkek',
        email: 'kg@example.org',
        timeZone: 'Asia/Bishkek',
      },
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  test("Russia's public holidays come from date-holidays with their source, every day of the New Year holidays", async () => {
    const { source, holidays } = dateHolidaysOf('RU', 2027);
    expect(source).toMatch(/^date-holidays \d+\.\d+\.\d+$/);
    const days = holidays.map((h) => h.date);
    for (const d of ['2027-01-01', '2027-01-04', '2027-01-07', '2027-02-23', '2027-05-09', '2027-11-04'])
      expect(days).toContain(d);
    expect(holidays.find((h) => h.date === '2027-06-12')?.nameRu).toBe('День России');
    expect(dateHolidaysOf('KG', 2027).holidays).toEqual([]);

    const clock = createClock({ prisma: db.prisma });
    const ru = { countryCode: 'RU', timeZone: 'Europe/Moscow' };
    // Wednesday 3 Nov 2027 + 1 working day skips Thursday 4 Nov (Unity Day).
    expect(await clock.addWorkingDays('2027-11-03', 1, ru)).toBe('2027-11-05');
    expect(await clock.isWorkingDay('2027-11-04', ru)).toBe(false);
    const row = await db.prisma.publicHoliday.findUnique({
      where: { countryCode_date: { countryCode: 'RU', date: new Date('2027-11-04T00:00:00Z') } },
    });
    expect(row?.source).toBe(source);
  });

  test("the office's calendar: its time zone, and holidays an administrator entered for a country date-holidays lacks", async () => {
    const clock = createClock({ prisma: db.prisma });
    const office = await clock.office('KG');
    expect(office).toEqual({ countryCode: 'KG', timeZone: 'Asia/Bishkek' });
    expect(await clock.addWorkingDays('2027-03-19', 1, office)).toBe('2027-03-22');
    await db.prisma.publicHoliday.create({
      data: { countryCode: 'KG', date: new Date('2027-03-22T00:00:00Z'), name: 'Nooruz', source: 'admin' },
    });
    expect(await clock.addWorkingDays('2027-03-19', 1, office)).toBe('2027-03-23');
    // The office's holiday country is a setting.
    await db.prisma.countryOffice.update({ where: { id: 'co-kg' }, data: { holidayCountryCode: 'RU' } });
    expect((await clock.office('KG')).countryCode).toBe('RU');
  });

  test('a compressed clock: a day lasts dayMs of real time from its start, timers fire at the mapped instants', () => {
    const start = Date.now();
    const time = compressedTime({ dayMs: 100, start });
    const clock = createClock({ prisma: db.prisma, time });
    const ninetyDays = new Date(start + 90 * 86_400_000);
    expect(Date.parse(clock.timerAt(ninetyDays)) - start).toBe(9_000);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(start);
  });
});
