import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { seedResultsPortfolio } from '../fixtures/results';
import { as, startApiHarness, type ApiHarness } from './harness';

/**
 * The one-page country summary (PDF) for donor reporting, read back with poppler's pdftotext: one
 * page, in English and Russian (Cyrillic text extracts as written), and every figure printed equals
 * the dashboard's under the same country and filters. Scope: a Country Office gets its own country.
 */
let h: ApiHarness;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'results-summary-'));

beforeAll(async () => {
  h = await startApiHarness('results-summary', { worker: false });
  await seedResultsPortfolio(h.db.prisma);
  // Reported results, so beneficiaries and their breakdown are not all zero.
  const fm = as(h.app, await h.token('fundManager'));
  const reported = await fm.post('/proposals/p-res-kg-mission/results/reports', {
    periodStart: '2026-04-01',
    periodEnd: '2026-06-30',
    values: { beneficiaries: 12345, beneficiariesWomen: 6000, beneficiariesMen: 6345, beneficiariesYouth: 2100 },
  });
  expect(reported.status).toBe(201);
}, 120_000);
afterAll(async () => {
  await h?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

type Lang = 'en' | 'ru';
const plain = (s: string) => s.replace(/\u202f|\u00a0/g, ' ');
const count = (n: number, lang: Lang) => plain(n.toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-US'));
const money = (n: number, lang: Lang) => {
  const s = plain(
    n.toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  );
  return lang === 'ru' ? `${s} долл. США` : `USD ${s}`;
};
const WORDS = {
  en: {
    items: 'Items',
    committed: 'Committed',
    cofin: 'Co-financing committed',
    disbursed: 'Disbursed',
    benef: 'Direct beneficiaries',
    sdg: 'SDG',
  },
  ru: {
    items: 'Проекты',
    committed: 'Обязательства',
    cofin: 'Софинансирование по обязательствам',
    disbursed: 'Выплачено',
    benef: 'Прямые благополучатели',
    sdg: 'ЦУР',
  },
} as const;

async function pdfText(token: string, query: string): Promise<{ text: string; pages: number }> {
  const res = await request(h.app)
    .get(`/results/summary.pdf?${query}`)
    .set('Authorization', `Bearer ${token}`)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  expect([query, res.status]).toEqual([query, 200]);
  expect(res.headers['content-type']).toBe('application/pdf');
  expect(res.headers['content-disposition']).toMatch(/attachment; filename="results-[A-Z]{2}-(en|ru)\.pdf"/);
  const file = path.join(tmp, `${query.replace(/[^a-z0-9]/gi, '_')}.pdf`);
  fs.writeFileSync(file, res.body as Buffer);
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  return { text: plain(text).replace(/[ \t]+/g, ' '), pages: Number(/Pages:\s+(\d+)/.exec(info)?.[1]) };
}

test.each([
  ['country=KG', 'en'],
  ['country=KG', 'ru'],
  ['country=TJ', 'en'],
  ['country=KG&programme=challenge_fund&year=2026', 'ru'],
  ['country=KG&sdg=6', 'en'],
] as const)('the summary of %s (%s) is one page whose figures equal the dashboard', async (filters, lang) => {
  const fm = await h.token('fundManager');
  const dash = await as(h.app, fm).get(`/results?${filters}`);
  expect(dash.status).toBe(200);
  const T = dash.body.totals;
  expect(T.items).toBeGreaterThan(0);
  const { text, pages } = await pdfText(fm, `${filters}&lang=${lang}`);
  expect(pages).toBe(1);
  const w = WORDS[lang];
  const country = await h.db.prisma.country.findUnique({ where: { code: dash.body.filters.country } });
  expect(text).toContain(lang === 'ru' ? country!.nameRu : country!.name);
  expect(text).toContain(`${w.items}: ${count(T.items, lang)} (${count(T.funded, lang)} `);
  expect(text).toContain(`${w.committed}: ${money(T.committedUsd, lang)}`);
  expect(text).toContain(`${w.cofin}: ${money(T.coFinancingUsd, lang)}`);
  expect(text).toContain(`${w.disbursed}: ${money(T.disbursedUsd, lang)}`);
  expect(text).toContain(`${w.benef}: ${count(T.beneficiaries, lang)} (`);
  for (const n of [T.beneficiariesTarget, T.beneficiariesWomen, T.beneficiariesMen, T.beneficiariesYouth])
    expect(text).toContain(` ${count(n, lang)}`);
  for (const s of dash.body.bySdg as { sdg: number; beneficiaries: number }[])
    expect(text).toContain(`${w.sdg} ${s.sdg}: ${count(s.beneficiaries, lang)}`);
});

test('the figures are those of the country asked for; a Country Office gets its own; a country is required', async () => {
  const fm = await h.token('fundManager');
  const kg = (await pdfText(fm, 'country=KG&lang=en')).text;
  const tj = (await pdfText(fm, 'country=TJ&lang=en')).text;
  expect(kg).toContain('Project p-res-kg-mission');
  expect(tj).not.toContain('Project p-res-kg-mission');
  expect(tj).toContain('Project p-res-tj-closed');
  // The Kyrgyz approver: its country without asking, another country refused.
  const co = await h.token('coKg');
  expect((await pdfText(co, 'lang=en')).text).toBe(kg);
  expect((await as(h.app, co).get('/results/summary.pdf?country=TJ')).status).toBe(403);
  const missing = await as(h.app, fm).get('/results/summary.pdf?lang=en');
  expect(missing.status).toBe(400);
  expect(missing.body.error.details[0].path).toBe('country');
  // Applicants have no dashboard.
  expect((await as(h.app, await h.token('applicant')).get('/results/summary.pdf?country=KG')).status).toBe(403);
});
