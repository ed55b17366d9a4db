import { z } from 'zod';
import { isTimeZone } from '../../domain/calendar';
import { countryCodeSchema, isoDateSchema, text } from '../../domain/schemas';
import type { ApiContext } from '../context';
import { queryWithExample, requestBody, responseBody } from '../contract';
import { conflict, notFound, validationFailed } from '../errors';
import type { ApiRouter } from '../router';

/**
 * Public holidays per country (the table the Clock counts working days with) and each Country
 * Office's calendar settings. Holidays of the countries date-holidays covers are imported on first
 * use with that source; an administrator enters the others (Kyrgyzstan, Tajikistan, Turkmenistan,
 * Lao PDR) and may correct any.
 */
const holidaySchema = responseBody(
  'PublicHoliday',
  z.strictObject({
    countryCode: z.string(),
    date: z.string().describe('YYYY-MM-DD'),
    name: z.string(),
    nameRu: z.string().nullable(),
    source: z.string().describe('"date-holidays <version>" or "admin"'),
    createdById: z.string().nullable(),
  }),
);
const holidayListSchema = responseBody(
  'PublicHolidayList',
  z.strictObject({ countryCode: z.string(), year: z.int(), items: z.array(holidaySchema) }),
);
const holidayQuerySchema = queryWithExample(
  z.strictObject({
    country: countryCodeSchema.optional().describe('required'),
    year: z.coerce.number().int().min(2000).max(2100).optional().describe('default: this year'),
  }),
  { country: 'KG', year: 2027 },
);
const holidayCreateSchema = requestBody(
  'PublicHolidayCreate',
  z.strictObject({
    countryCode: countryCodeSchema,
    date: isoDateSchema,
    name: text(200),
    nameRu: text(200).optional(),
  }),
  { countryCode: 'KG', date: '2027-03-22', name: 'Nooruz', nameRu: 'Нооруз' },
);
const holidayRemoveSchema = requestBody(
  'PublicHolidayRemove',
  z.strictObject({ countryCode: countryCodeSchema, date: isoDateSchema }),
  { countryCode: 'KG', date: '2027-03-22' },
);
const officeCalendarSchema = responseBody(
  'OfficeCalendar',
  z.strictObject({
    countryCode: z.string(),
    name: z.string(),
    timeZone: z.string(),
    holidayCountryCode: z.string().describe('the country whose public holidays the office keeps'),
  }),
);
const officeCalendarListSchema = responseBody(
  'OfficeCalendarList',
  z.strictObject({ items: z.array(officeCalendarSchema) }),
);
const officeCalendarPatchSchema = requestBody(
  'OfficeCalendarPatch',
  z
    .strictObject({
      timeZone: z.string().max(100).refine(isTimeZone, 'must be an IANA time zone, e.g. Asia/Bishkek').optional(),
      holidayCountryCode: countryCodeSchema.optional(),
    })
    .refine((o) => Object.keys(o).length > 0, 'at least one field must change')
    .meta({ minProperties: 1 }),
  { timeZone: 'Asia/Bishkek', holidayCountryCode: 'KG' },
);

const COUNTRY = { description: 'ISO 3166-1 alpha-2 code of the Country Office', example: 'KG' };
const day = (d: Date) => d.toISOString().slice(0, 10);

export function calendarRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;
  const { clock } = ctx;

  router.add(
    {
      method: 'get',
      path: '/calendar/holidays',
      operationId: 'listHolidays',
      tag: 'Calendar',
      summary: "A country's public holidays in a year",
      description:
        'Imported from date-holidays on first use for the countries it covers (source `date-holidays <version>`); entered by administrators for the others (source `admin`). Deadlines in working days skip them.',
      roles: ['admin', 'fund_manager', 'co_approver'],
      query: holidayQuerySchema,
      success: { status: 200, description: 'The holidays, by date', schema: holidayListSchema },
    },
    async ({ query: q }) => {
      if (!q.country) throw validationFailed([{ path: 'country', message: 'required' }]);
      const query = { country: q.country, year: q.year ?? new Date().getUTCFullYear() };
      const from = `${query.year}-01-01`;
      const to = `${query.year}-12-31`;
      await clock.holidays(query.country, from, to);
      const rows = await prisma.publicHoliday.findMany({
        where: {
          countryCode: query.country,
          date: { gte: new Date(`${from}T00:00:00Z`), lte: new Date(`${to}T00:00:00Z`) },
        },
        orderBy: { date: 'asc' },
      });
      return {
        body: {
          countryCode: query.country,
          year: query.year,
          items: rows.map((r) => ({
            countryCode: r.countryCode,
            date: day(r.date),
            name: r.name,
            nameRu: r.nameRu,
            source: r.source,
            createdById: r.createdById,
          })),
        },
      };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/calendar/holidays',
      operationId: 'createHoliday',
      tag: 'Calendar',
      summary: 'Enter a public holiday',
      description:
        'For a country date-holidays does not cover, or a day it lacks. 409 when the day is a holiday already.',
      roles: ['admin'],
      body: holidayCreateSchema,
      success: { status: 201, description: 'Entered', schema: holidaySchema },
      errors: [409],
    },
    async ({ user, body }) => {
      const date = new Date(`${body.date}T00:00:00Z`);
      // The year's import first, so that it cannot later clash with this row.
      await clock.holidays(body.countryCode, body.date, body.date);
      const created = await prisma.publicHoliday.createMany({
        data: [
          {
            countryCode: body.countryCode,
            date,
            name: body.name,
            nameRu: body.nameRu ?? null,
            source: 'admin',
            createdById: user.id,
          },
        ],
        skipDuplicates: true,
      });
      if (created.count === 0)
        throw conflict(`${body.date} is a public holiday of ${body.countryCode} already`, 'holiday_exists');
      return {
        status: 201,
        body: {
          countryCode: body.countryCode,
          date: body.date,
          name: body.name,
          nameRu: body.nameRu ?? null,
          source: 'admin',
          createdById: user.id,
        },
      };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/calendar/holidays/revoke',
      operationId: 'revokeHoliday',
      tag: 'Calendar',
      summary: 'Revoke a public holiday (the day becomes a working day)',
      description: 'The day counts as a working day again (an imported year is not imported again).',
      roles: ['admin'],
      body: holidayRemoveSchema,
      success: { status: 200, description: 'Removed', schema: holidaySchema },
      errors: [404],
    },
    async ({ body }) => {
      const where = { countryCode_date: { countryCode: body.countryCode, date: new Date(`${body.date}T00:00:00Z`) } };
      await clock.holidays(body.countryCode, body.date, body.date);
      const row = await prisma.publicHoliday.findUnique({ where });
      if (!row) throw notFound(`public holiday ${body.date} of ${body.countryCode}`);
      await prisma.publicHoliday.deleteMany({ where: { countryCode: row.countryCode, date: row.date } });
      return {
        body: {
          countryCode: row.countryCode,
          date: day(row.date),
          name: row.name,
          nameRu: row.nameRu,
          source: row.source,
          createdById: row.createdById,
        },
      };
    },
  );

  const officeView = (o: {
    countryCode: string;
    name: string;
    timeZone: string;
    holidayCountryCode: string | null;
  }) => ({
    countryCode: o.countryCode,
    name: o.name,
    timeZone: o.timeZone,
    holidayCountryCode: o.holidayCountryCode ?? o.countryCode,
  });

  router.add(
    {
      method: 'get',
      path: '/calendar/offices',
      operationId: 'listOfficeCalendars',
      cached: true,
      tag: 'Calendar',
      summary: "Each Country Office's time zone and holiday country",
      roles: ['admin', 'fund_manager', 'co_approver'],
      success: { status: 200, description: 'The offices, by country', schema: officeCalendarListSchema },
    },
    async () => {
      const rows = await prisma.countryOffice.findMany({ orderBy: { countryCode: 'asc' } });
      return { body: { items: rows.map(officeView) } };
    },
  );

  router.add(
    {
      method: 'patch',
      path: '/calendar/offices/:countryCode',
      operationId: 'updateOfficeCalendar',
      tag: 'Calendar',
      summary: "Set a Country Office's time zone or the country whose holidays it keeps",
      description: 'Deadlines computed from then on use it; dates already set stay.',
      roles: ['admin'],
      params: { countryCode: COUNTRY },
      body: officeCalendarPatchSchema,
      success: { status: 200, description: 'The office calendar', schema: officeCalendarSchema },
      errors: [404],
    },
    async ({ params, body }) => {
      const office = await prisma.countryOffice.findUnique({ where: { countryCode: params.countryCode } });
      if (!office) throw notFound(`Country Office of ${params.countryCode}`);
      const updated = await prisma.countryOffice.update({ where: { countryCode: params.countryCode }, data: body });
      return { body: officeView(updated) };
    },
  );
}
