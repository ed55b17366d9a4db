import ExcelJS from 'exceljs';
import request from 'supertest';
import { DEMO_USERS } from '../../domain/demo';
import { seedResultsPortfolio } from '../fixtures/results';
import { as, startApiHarness, type ApiHarness } from './harness';

/**
 * Results over HTTP on a real database: indicators of proposals and expert requests (targets,
 * actuals per period, their validation and audit), the dashboard's figures against sums computed
 * here from the tables, its drill-down and exports. The items are read-model rows (no workflow is
 * needed to report results on them); the API computes everything else.
 */
let h: ApiHarness;
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

beforeAll(async () => {
  h = await startApiHarness('results', { worker: false });
  await seedResultsPortfolio(h.db.prisma);
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

const yesterday = () => isoDay(Date.now() - DAY);

test('targets at submission, actuals per past period: validated, scoped and audited', async () => {
  const applicant = as(h.app, await h.token('applicant'));
  const other = as(h.app, await h.token('applicant2'));

  // Targets while the proposal is in intake.
  const targets = { beneficiaries: 1000, beneficiariesWomen: 500, beneficiariesMen: 450, beneficiariesYouth: 200 };
  const set = await applicant.post('/proposals/p-res-kg-intake/results/targets', { values: targets });
  expect(set.status).toBe(200);
  expect(set.body).toMatchObject({ targets: { values: targets }, canSetTargets: true, canReport: false });
  const negative = await applicant.post('/proposals/p-res-kg-intake/results/targets', {
    values: { beneficiaries: -1 },
  });
  expect(negative.status).toBe(400);
  expect(negative.body.error.details).toEqual([
    expect.objectContaining({ path: 'values.beneficiaries', message: expect.stringMatching(/negative/) }),
  ]);
  const parts = await applicant.post('/proposals/p-res-kg-intake/results/targets', {
    values: { beneficiaries: 10, beneficiariesWomen: 6, beneficiariesMen: 6 },
  });
  expect(parts.status).toBe(400);
  expect(parts.body.error.details[0].path).toBe('values.beneficiariesWomen');
  const foreign = await applicant.post('/proposals/p-res-kg-intake/results/targets', { values: { studies: 2 } });
  expect(foreign.status).toBe(400);
  expect(foreign.body.error.details[0].path).toBe('values.studies');
  // Not reporting yet in intake; targets fixed once the contract is signed.
  expect(
    (
      await applicant.post('/proposals/p-res-kg-intake/results/reports', {
        periodStart: '2026-01-01',
        periodEnd: yesterday(),
        values: { beneficiaries: 1 },
      })
    ).body.error.code,
  ).toBe('not_reporting_yet');
  expect(
    (await applicant.post('/proposals/p-res-kg-mission/results/targets', { values: { beneficiaries: 5 } })).status,
  ).toBe(409);
  // Another institution does not see the proposal.
  expect((await other.get('/proposals/p-res-kg-intake/results')).status).toBe(404);
  expect(
    (await other.post('/proposals/p-res-kg-intake/results/targets', { values: { beneficiaries: 5 } })).status,
  ).toBe(404);

  // Actuals: a period that is not over is refused, by the Clock's today in the office.
  const future = await applicant.post('/proposals/p-res-kg-mission/results/reports', {
    periodStart: yesterday(),
    periodEnd: isoDay(Date.now() + 3 * DAY),
    values: { beneficiaries: 10 },
  });
  expect(future.status).toBe(400);
  expect(future.body.error.details).toEqual([expect.objectContaining({ path: 'periodEnd' })]);
  const backwards = await applicant.post('/proposals/p-res-kg-mission/results/reports', {
    periodStart: '2026-02-01',
    periodEnd: '2026-01-01',
    values: { beneficiaries: 10 },
  });
  expect(backwards.status).toBe(400);
  expect(backwards.body.error.details[0].path).toBe('periodEnd');

  const first = { beneficiaries: 300, beneficiariesWomen: 160, beneficiariesMen: 140, beneficiariesYouth: 90 };
  const r1 = await applicant.post('/proposals/p-res-kg-mission/results/reports', {
    periodStart: '2026-03-01',
    periodEnd: '2026-06-30',
    values: first,
    note: 'First trainings',
  });
  expect(r1.status).toBe(201);
  const overlap = await applicant.post('/proposals/p-res-kg-mission/results/reports', {
    periodStart: '2026-06-01',
    periodEnd: '2026-07-31',
    values: { beneficiaries: 5 },
  });
  expect(overlap.status).toBe(400);
  expect(overlap.body.error.details[0]).toMatchObject({ path: 'periodStart' });
  const r2 = await applicant.post('/proposals/p-res-kg-mission/results/reports', {
    periodStart: '2026-07-01',
    periodEnd: '2026-09-30',
    values: { beneficiaries: 200, beneficiariesWomen: 100, beneficiariesMen: 100 },
  });
  expect(r2.status).toBe(201);
  expect(r2.body.actuals).toEqual({
    beneficiaries: 500,
    beneficiariesWomen: 260,
    beneficiariesMen: 240,
    beneficiariesYouth: 90,
  });
  expect(r2.body.reports.map((r: { periodStart: string }) => r.periodStart)).toEqual(['2026-03-01', '2026-07-01']);

  // The expert request's Country Office reports its outputs.
  const co = as(h.app, await h.token('coKg'));
  const outputs = await co.post('/expert-requests/er-res-kg-closed/results/reports', {
    periodStart: '2026-01-10',
    periodEnd: '2026-02-10',
    values: { beneficiaries: 40, studies: 1, recommendations: 12, trainings: 2, peopleTrained: 40 },
  });
  expect(outputs.status).toBe(201);
  expect(outputs.body.indicators).toEqual(expect.arrayContaining(['studies', 'peopleTrained']));
  // The closed Tajik proposal's final figures, by the fund manager.
  const fm = as(h.app, await h.token('fundManager'));
  expect(
    (
      await fm.post('/proposals/p-res-tj-closed/results/reports', {
        periodStart: '2025-06-01',
        periodEnd: '2026-05-31',
        values: { beneficiaries: 2500, beneficiariesYouth: 2000 },
      })
    ).status,
  ).toBe(201);
  // Tajikistan's office does not see Kyrgyz items.
  const coTj = as(h.app, await h.token('coTj'));
  expect((await coTj.get('/expert-requests/er-res-kg-closed/results')).status).toBe(404);

  // Every change is in the audit trail, with who and what.
  const events = await h.db.prisma.auditEvent.findMany({
    where: { subjectId: 'p-res-kg-mission', action: 'results_reported' },
    orderBy: { id: 'asc' },
  });
  expect(events).toHaveLength(2);
  expect(events[0]).toMatchObject({
    actorId: DEMO_USERS.applicant.id,
    workflowId: 'proposal-p-res-kg-mission',
    data: expect.objectContaining({ periodStart: '2026-03-01', values: first }),
  });
  const targetEvent = await h.db.prisma.auditEvent.findFirst({
    where: { subjectId: 'p-res-kg-intake', action: 'results_targets_set' },
  });
  expect(targetEvent?.data).toMatchObject({ values: targets, before: null });
  // Refused requests changed nothing.
  expect(await h.db.prisma.resultReport.count({ where: { kind: 'actual' } })).toBe(4);
});

/** The figures computed here from the tables (Prisma, not the API's SQL), for one filter. */
async function expected(f: { programme?: string; country?: string; year?: number; sdg?: number }) {
  const p = h.db.prisma;
  const pick = <T extends { countryCode: string; createdAt: Date; sdgs: unknown }>(rows: T[]) =>
    rows.filter(
      (r) =>
        (!f.country || r.countryCode === f.country) &&
        (!f.year || r.createdAt.getUTCFullYear() === f.year) &&
        (!f.sdg || (r.sdgs as number[]).includes(f.sdg)),
    );
  const proposals = f.programme && f.programme !== 'challenge_fund' ? [] : pick(await p.proposal.findMany());
  const requests = f.programme && f.programme !== 'experts_on_demand' ? [] : pick(await p.expertRequest.findMany());
  const ids = [...proposals.map((r) => r.id), ...requests.map((r) => r.id)];
  const contracts = await p.contract.findMany({ where: { subjectId: { in: ids }, status: 'signed' } });
  const payments = await p.payment.findMany({ where: { subjectId: { in: ids } } });
  const actuals = await p.resultValue.findMany({ where: { subjectId: { in: ids }, kind: 'actual' } });
  const signedIds = new Set(contracts.map((c) => c.subjectId));
  const sumOf = (indicator: string) =>
    actuals.filter((a) => a.indicator === indicator).reduce((s, a) => s + a.value, 0);
  return {
    ids: ids.sort(),
    totals: {
      items: ids.length,
      funded: signedIds.size,
      countries: new Set([...proposals, ...requests].map((r) => r.countryCode)).size,
      committedUsd: contracts.reduce((s, c) => s + c.valueCents, 0) / 100,
      coFinancingUsd: proposals.filter((r) => signedIds.has(r.id)).reduce((s, r) => s + r.coFinancingCents, 0) / 100,
      disbursedUsd: payments.reduce((s, x) => s + x.amountCents, 0) / 100,
      beneficiaries: sumOf('beneficiaries'),
      beneficiariesWomen: sumOf('beneficiariesWomen'),
      beneficiariesMen: sumOf('beneficiariesMen'),
      beneficiariesYouth: sumOf('beneficiariesYouth'),
    },
  };
}

test('the dashboard equals sums computed from the tables under several filters; exports list the same items', async () => {
  const fm = as(h.app, await h.token('fundManager'));
  const filters = [{}, { country: 'KG' }, { year: 2026 }, { sdg: 6 }, { programme: 'challenge_fund', country: 'KG' }];
  for (const f of filters) {
    const qs = new URLSearchParams(Object.entries(f).map(([k, v]) => [k, String(v)] as [string, string])).toString();
    const res = await fm.get(`/results?${qs}`);
    expect(res.status).toBe(200);
    const want = await expected(f);
    expect(res.body.totals).toMatchObject(want.totals);
    expect(want.totals.items).toBeGreaterThan(0);
    // The drill-down of the whole dashboard is its items; the pipeline export lists exactly them.
    const items = await fm.get(`/results/items?${qs}&pageSize=100`);
    expect(items.body.items.map((i: { id: string }) => i.id).sort()).toEqual(want.ids);
    const csv = await fm.get(`/results/pipeline.csv?${qs}`);
    expect(csv.status).toBe(200);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines.length - 1).toBe(want.ids.length);
  }

  const all = await fm.get('/results');
  expect(all.body.totals).toMatchObject({
    items: 4,
    funded: 3,
    countries: 2,
    committedUsd: 62_000,
    disbursedUsd: 44_000,
  });
  // Every programme of the registry is listed, at 0 when none of its items is completed.
  expect(all.body.totals.completedByProgramme).toEqual({
    challenge_fund: 1,
    experts_on_demand: 1,
    event_travel: 0,
    internships: 0,
  });
  expect(all.body.disbursementByMonth).toEqual([
    { month: '2025-09', usd: 10_000 },
    { month: '2026-02', usd: 15_000 },
    { month: '2026-03', usd: 7_000 },
    { month: '2026-05', usd: 12_000 },
  ]);
  expect(all.body.funnel).toEqual(
    expect.arrayContaining([
      { phase: 'mission', items: 1, requestedUsd: 30_000 },
      { phase: 'closed', items: 2, requestedUsd: 32_000 },
    ]),
  );
  // SDG 6: the Kyrgyz proposals and the expert request (an item counts under each of its SDGs).
  expect(all.body.bySdg).toEqual(
    expect.arrayContaining([{ sdg: 6, items: 3, committedUsd: 37_000, disbursedUsd: 19_000, beneficiaries: 540 }]),
  );

  // Drill-down from a figure: closed items in Kyrgyzstan; items paid in 2025.
  const closedKg = await fm.get('/results/items?country=KG&phase=closed');
  expect(closedKg.body.items.map((i: { id: string }) => i.id)).toEqual(['er-res-kg-closed']);
  expect(closedKg.body.totals).toEqual({ items: 1, committedUsd: 7000, disbursedUsd: 7000, beneficiaries: 40 });
  const paid2025 = await fm.get('/results/items?paidIn=2025');
  expect(paid2025.body.items).toEqual([
    expect.objectContaining({ id: 'p-res-tj-closed', party: 'HSE University', committedUsd: 25_000 }),
  ]);

  // Results by SDG as CSV: one row per SDG.
  const bySdg = await fm.get('/results/export.csv?by=sdg');
  const rows = bySdg.text
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  expect(rows[0]).toBe(
    'sdg,items,funded,committedUsd,coFinancingUsd,disbursedUsd,beneficiariesTarget,beneficiaries,beneficiariesWomen,beneficiariesMen,beneficiariesYouth',
  );
  expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(['4', '6', '8', '13']);

  // The XLSX reads back with the same library: the same rows as the CSV.
  const xlsx = await request(h.app)
    .get('/results/pipeline.xlsx?country=KG')
    .set('Authorization', `Bearer ${await h.token('fundManager')}`)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  expect(xlsx.status).toBe(200);
  expect(xlsx.headers['content-type']).toMatch(/spreadsheetml/);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx.body as unknown as ArrayBuffer);
  const sheet = book.getWorksheet('Pipeline')!;
  const header = (sheet.getRow(1).values as unknown[]).slice(1);
  expect(header).toEqual(expect.arrayContaining(['party', 'score', 'committedUsd', 'entered_intake', 'beneficiaries']));
  const idCol = header.indexOf('id') + 1;
  const ids: string[] = [];
  sheet.eachRow((row, n) => {
    if (n > 1) ids.push(String(row.getCell(idCol).value));
  });
  expect(ids.sort()).toEqual((await expected({ country: 'KG' })).ids);
  const committedCol = header.indexOf('committedUsd') + 1;
  let committed = 0;
  sheet.eachRow((row, n) => {
    if (n > 1) committed += Number(row.getCell(committedCol).value);
  });
  expect(committed).toBe(37_000);
});

test("a Country Office sees its own country's results only, enforced by the server", async () => {
  const coTj = as(h.app, await h.token('coTj'));
  const own = await coTj.get('/results');
  expect(own.status).toBe(200);
  expect(own.body.filters.country).toBe('TJ');
  expect(own.body.totals).toMatchObject((await expected({ country: 'TJ' })).totals);
  expect((await coTj.get('/results?country=KG')).status).toBe(403);
  expect((await coTj.get('/results/items?country=KG')).status).toBe(403);
  expect((await coTj.get('/results/pipeline.csv?country=KG')).status).toBe(403);
  const csv = await coTj.get('/results/pipeline.csv');
  expect(csv.text).toContain('p-res-tj-closed');
  expect(csv.text).not.toContain('p-res-kg');
  // Applicants, reviewers and experts have no dashboard.
  expect((await as(h.app, await h.token('applicant')).get('/results')).status).toBe(403);
  expect((await as(h.app, await h.token('fundManager')).get('/results?sdg=18')).status).toBe(400);
});
