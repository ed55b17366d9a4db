import ExcelJS from 'exceljs';
import type { Application } from 'express';
import request from 'supertest';
import { addDays } from '../../domain/calendar';
import type { Clock } from '../../lib/clock';
import { compressedClock } from '../helpers/sla';
import { as, startApiHarness, type ApiHarness } from './harness';

/**
 * The UN Volunteers figures of GET /results (`programmeFigures`) over a known set of assignments in
 * the real database: volunteers deployed, countries, months served, committed / transferred / spent,
 * under the dashboard's country and year filters and a Country Office's scope. Months served run to
 * the API's Clock, compressed here and set years away from the real date (a day lasts DAY_MS), so
 * a count to the real date or the database server's date could not match.
 */
const DAY_MS = 1500;
const FROM = new Date('2031-03-01T12:00:00Z');
let h: ApiHarness;
let clock: Clock;
let app: Application;

interface Known {
  id: string;
  countryCode: string;
  createdAt: string;
  stage: string;
  deployedOn?: string;
  plannedEndDate?: string;
  endedOn?: string;
  committedCents: number;
  transferredCents: number;
  spentCents: number;
}

const today = () => clock.now().toISOString().slice(0, 10);
/** A start date relative to the Clock's day when the rows are written (a deployment confirmed for next month). */
let nextMonth: string;

function known(): Known[] {
  return [
    // Completed: 365 days served.
    {
      id: 'unv-fig-kg-closed',
      countryCode: 'KG',
      createdAt: '2029-05-01',
      stage: 'closed',
      deployedOn: '2029-07-01',
      plannedEndDate: '2030-06-30',
      endedOn: '2030-06-30',
      committedCents: 2_950_000,
      transferredCents: 2_950_000,
      spentCents: 2_950_000,
    },
    // Serving: to the Clock's today.
    {
      id: 'unv-fig-kg-serving',
      countryCode: 'KG',
      createdAt: '2030-02-01',
      stage: 'assignment',
      deployedOn: '2030-11-01',
      plannedEndDate: '2031-10-31',
      committedCents: 3_100_000,
      transferredCents: 2_600_000,
      spentCents: 1_012_345,
    },
    // Separated early: 106 days served, the rest released.
    {
      id: 'unv-fig-tj-separated',
      countryCode: 'TJ',
      createdAt: '2030-03-01',
      stage: 'separated_early',
      deployedOn: '2030-09-01',
      plannedEndDate: '2031-08-31',
      endedOn: '2030-12-15',
      committedCents: 1_234_567,
      transferredCents: 1_234_567,
      spentCents: 1_200_000,
    },
    // Deployment confirmed for next month: not deployed yet, its money counts.
    {
      id: 'unv-fig-tj-confirmed',
      countryCode: 'TJ',
      createdAt: '2030-04-01',
      stage: 'assignment',
      deployedOn: nextMonth,
      plannedEndDate: addDays(nextMonth, 364),
      committedCents: 2_000_001,
      transferredCents: 2_000_001,
      spentCents: 0,
    },
    // Funded, recruiting: committed, nothing transferred.
    {
      id: 'unv-fig-uz-recruiting',
      countryCode: 'UZ',
      createdAt: '2030-05-01',
      stage: 'recruitment',
      committedCents: 1_000_000,
      transferredCents: 0,
      spentCents: 0,
    },
    {
      id: 'unv-fig-am-not-funded',
      countryCode: 'AM',
      createdAt: '2030-06-01',
      stage: 'not_funded',
      committedCents: 0,
      transferredCents: 0,
      spentCents: 0,
    },
  ];
}

const date = (d: string | undefined) => (d ? new Date(`${d}T00:00:00Z`) : null);
const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000) + 1;

/** The figures the dashboard must show for these rows on the Clock's day `on`: the definitions, counted here by hand. */
function expected(rows: Known[], on: string) {
  const deployed = rows.filter((r) => r.deployedOn && r.deployedOn <= on);
  const days = deployed.reduce((s, r) => {
    const end = [r.endedOn ?? on, r.plannedEndDate!, on].sort()[0]!;
    return s + daysBetween(r.deployedOn!, end);
  }, 0);
  const sum = (k: 'committedCents' | 'transferredCents' | 'spentCents') => rows.reduce((s, r) => s + r[k], 0) / 100;
  return {
    volunteersDeployed: deployed.length,
    deploymentCountries: new Set(deployed.map((r) => r.countryCode)).size,
    monthsServed: Math.round((days / 30.4375) * 10) / 10,
    committedToUnv: sum('committedCents'),
    transferredToUnv: sum('transferredCents'),
    spentByUnv: sum('spentCents'),
  };
}

beforeAll(async () => {
  h = await startApiHarness('un-volunteers-results', { worker: false });
  clock = compressedClock(h.db.prisma, DAY_MS, FROM);
  // The API on the same compressed Clock, its dashboard cached as in production (by the results' changes and the day).
  app = h.makeApp({}, { clock });
  nextMonth = addDays(today(), 30);
  await h.db.prisma.unvAssignment.createMany({
    data: known().map((r) => ({
      id: r.id,
      workflowId: `unv-assignment-${r.id}`,
      countryCode: r.countryCode,
      title: `Assignment ${r.id}`,
      requesterId: 'u-co-kg',
      hostEntity: `UNDP Country Office (${r.countryCode})`,
      dutyStationCity: 'Capital',
      unvCategory: 'specialist',
      plannedMonths: 12,
      wishedStartDate: new Date(`${r.createdAt}T00:00:00Z`),
      request: {},
      committedCents: r.committedCents,
      transferredCents: r.transferredCents,
      spentCents: r.spentCents,
      deployedOn: date(r.deployedOn),
      plannedEndDate: date(r.plannedEndDate),
      endedOn: date(r.endedOn),
      stage: r.stage,
      stageEnteredAt: new Date(`${r.createdAt}T00:00:00Z`),
      createdAt: new Date(`${r.createdAt}T09:00:00Z`),
      outcome: ['closed', 'separated_early', 'not_funded'].includes(r.stage) ? r.stage : null,
    })),
  });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

type Figures = Record<string, number>;

/** The UN Volunteers figures of GET /results?<query> as `who`, with the Clock's day they were computed on. */
async function figuresOf(token: string, query: string): Promise<{ on: string; figures: Figures }> {
  // Read again when the compressed calendar turned a day during the request.
  for (;;) {
    const on = today();
    const res = await as(app, token).get(`/results?${query}`);
    expect(res.status).toBe(200);
    if (today() !== on) continue;
    const unv = (res.body.programmeFigures as { programme: string; figures: { key: string; value: number }[] }[]).find(
      (p) => p.programme === 'un_volunteers',
    );
    return { on, figures: Object.fromEntries(unv!.figures.map((f) => [f.key, f.value])) };
  }
}

test('exact figures for a known set, filtered by country and year as the rest of the dashboard', async () => {
  const fm = await h.token('fundManager');
  const rows = known();
  const cases: [string, (r: Known) => boolean][] = [
    ['programme=un_volunteers', () => true],
    ['programme=un_volunteers&country=KG', (r) => r.countryCode === 'KG'],
    ['programme=un_volunteers&year=2030', (r) => r.createdAt.startsWith('2030')],
    ['programme=un_volunteers&country=TJ&year=2030', (r) => r.countryCode === 'TJ' && r.createdAt.startsWith('2030')],
    ['programme=un_volunteers&year=2029', (r) => r.createdAt.startsWith('2029')],
    ['programme=un_volunteers&country=MD', () => false],
  ];
  for (const [query, keep] of cases) {
    const { on, figures } = await figuresOf(fm, query);
    expect({ query, ...figures }).toEqual({ query, ...expected(rows.filter(keep), on) });
  }
  // Without a programme filter the same figures come with the other programmes'.
  const all = await figuresOf(fm, '');
  expect(all.figures).toEqual(expected(rows, all.on));
  // By hand for the whole set: 3 deployed in 2 countries (the confirmed one starts next month).
  expect(all.figures).toMatchObject({
    volunteersDeployed: 3,
    deploymentCountries: 2,
    committedToUnv: 102_845.68,
    transferredToUnv: 87_845.68,
    spentByUnv: 51_623.45,
  });
}, 120_000);

test('months served run on the Clock: the serving assignment gains the days the Clock moves on', async () => {
  const fm = await h.token('fundManager');
  const first = await figuresOf(fm, 'programme=un_volunteers&country=KG');
  // 365 days of the closed one, and the serving one's days to the Clock's today (four months after its start).
  const servingDays = daysBetween('2030-11-01', first.on);
  expect(servingDays).toBeGreaterThanOrEqual(121);
  expect(first.figures.monthsServed).toBe(Math.round(((365 + servingDays) / 30.4375) * 10) / 10);
  // Four calendar days later (seconds of real time), four days more served: the figure is not the real date's.
  // Four, not two: the figure is rounded to a tenth of a month (3.04 days), so two days may not move it.
  const later = addDays(first.on, 4);
  while (today() < later) await new Promise((r) => setTimeout(r, 100));
  const second = await figuresOf(fm, 'programme=un_volunteers&country=KG');
  const moreDays = daysBetween(first.on, second.on) - 1;
  expect(moreDays).toBeGreaterThanOrEqual(4);
  expect(second.figures.monthsServed).toBe(Math.round(((365 + servingDays + moreDays) / 30.4375) * 10) / 10);
  expect(second.figures.monthsServed).toBeGreaterThan(first.figures.monthsServed);
}, 120_000);

test('a Country Office sees its own country’s figures; another country is refused', async () => {
  const co = await h.token('coKg');
  const own = await figuresOf(co, 'programme=un_volunteers');
  expect(own.figures).toEqual(
    expected(
      known().filter((r) => r.countryCode === 'KG'),
      own.on,
    ),
  );
  expect((await as(app, co).get('/results?country=TJ')).status).toBe(403);
}, 60_000);

test('the results workbook carries the same figures on its own sheet', async () => {
  const fm = await h.token('fundManager');
  for (;;) {
    const on = today();
    const xlsx = await request(app)
      .get('/results/export.xlsx?by=country&programme=un_volunteers&country=TJ')
      .set('Authorization', `Bearer ${fm}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).toBe(200);
    if (today() !== on) continue;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Programme figures')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['programme', 'figure', 'label', 'unit', 'value']);
    const rows: Figures = {};
    sheet.eachRow((row, n) => {
      const [programme, figure, , , value] = (row.values as unknown[]).slice(1);
      if (n > 1 && programme === 'un_volunteers') rows[String(figure)] = Number(value);
    });
    expect(rows).toEqual(
      expected(
        known().filter((r) => r.countryCode === 'TJ'),
        on,
      ),
    );
    return;
  }
}, 60_000);
