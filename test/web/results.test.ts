import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { seedResultsPortfolio } from '../fixtures/results';
import { axeViolations, check, screenshot, startWebHarness, type WebHarness } from './harness';

/**
 * The results dashboard in a real browser: English and Russian, axe-clean, on a phone, without
 * JavaScript; its figures drill down to their items; the downloads are the files the API makes;
 * an applicant reports a period's results through the form (a future period refused by the server).
 */
let h: WebHarness;
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

beforeAll(async () => {
  h = await startWebHarness('results');
  await seedResultsPortfolio(h.db.prisma);
  const report = await h.api('fundManager', 'POST', '/proposals/p-res-kg-mission/results/reports', {
    periodStart: '2026-03-01',
    periodEnd: '2026-06-30',
    values: { beneficiaries: 300, beneficiariesWomen: 160, beneficiariesMen: 140 },
  });
  expect(report.status).toBe(201);
}, 180_000);
afterAll(async () => {
  await h?.stop();
});

async function download(page: Page, link: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: link }).click()]);
  const where = await file.path();
  return where;
}

test('a fund manager views the dashboard in English, drills down and downloads CSV, XLSX and the PDF summary', async () => {
  const page = await h.as('fundManager', { axe: true });
  await page.goto('/app/results');
  await check(page.locator('h1')).toHaveText('Results');
  expect(await axeViolations(page)).toEqual([]);
  await check(page.locator('[data-kpi="items"] .kpi-n')).toHaveText('4');
  await check(page.locator('[data-kpi="committed"] .kpi-n')).toHaveText('$62,000');
  await check(page.locator('[data-kpi="beneficiaries"] .kpi-n')).toHaveText('300');
  // Every chart is an image with a title and a description, and its figures are in a table.
  for (const id of ['chart-funnel', 'chart-disb', 'chart-sdg', 'chart-country']) {
    await check(page.locator(`svg[aria-labelledby="${id}-t ${id}-d"] title`)).toHaveCount(1);
    await check(page.locator(`svg[aria-labelledby="${id}-t ${id}-d"] desc`)).toHaveCount(1);
  }
  await screenshot(page, 'results-dashboard');

  // Drill-down: the closed stage's figure opens the two closed items.
  await page.locator('#funnel-h ~ table a', { hasText: 'Closed' }).click();
  await page.waitForURL(/\/app\/results\/items\?.*phase=closed/);
  await check(page.locator('tr[data-item]')).toHaveCount(2);
  await check(page.locator('[data-totals]')).toContainText('2 items');
  expect(await axeViolations(page)).toEqual([]);
  // A country's row narrows to that country.
  await page.goto('/app/results');
  await page.locator('#country-h ~ table a', { hasText: 'Tajikistan' }).click();
  await check(page.locator('tr[data-item]')).toHaveCount(1);
  await check(page.locator('tr[data-item="p-res-tj-closed"]')).toContainText('HSE University');

  await page.goto('/app/results?country=KG');
  const csv = fs.readFileSync(await download(page, 'Pipeline (CSV)'), 'utf8');
  const lines = csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  expect(lines[0]).toMatch(/^programme,type,id,title,party,countryCode/);
  expect(
    lines
      .slice(1)
      .map((l) => l.split(',')[2])
      .sort(),
  ).toEqual(['er-res-kg-closed', 'p-res-kg-intake', 'p-res-kg-mission']);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(await download(page, 'Pipeline (Excel)'));
  expect(book.getWorksheet('Pipeline')!.rowCount).toBe(4);
  const bySdg = fs.readFileSync(await download(page, 'Results by SDG (CSV)'), 'utf8');
  expect(bySdg).toContain('\r\n6,3,2,37000');
  // The one-page country summary (PDF) through its form: Kyrgyzstan's committed money as the dashboard says.
  const dashboard = await h.api<{ totals: { committedUsd: number } }>('fundManager', 'GET', '/results?country=KG');
  const [pdf] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download the summary (PDF)' }).click(),
  ]);
  const pdfFile = await pdf.path();
  expect(execFileSync('pdfinfo', [pdfFile], { encoding: 'utf8' })).toMatch(/Pages:\s+1\n/);
  const pdfText = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  expect(pdfText).toContain(`Committed: USD ${dashboard.body.totals.committedUsd.toLocaleString('en-US')}.00`);
  await page.context().close();
});

test('in Russian, on a phone and without JavaScript; a Country Office sees its own country only', async () => {
  const page = await h.as('coTj', { lang: 'ru', axe: true, viewport: { width: 390, height: 844 } });
  await page.goto('/app/results');
  await check(page.locator('h1')).toHaveText('Результаты: Таджикистан');
  expect(await axeViolations(page)).toEqual([]);
  await check(page.locator('[data-kpi="items"] .kpi-n')).toHaveText('1');
  await check(page.locator('#f-country')).toHaveCount(0);
  const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
  expect(overflow).toBeLessThanOrEqual(1);
  await screenshot(page, 'results-dashboard-ru-phone');
  // Another country's figures are refused by the server, whatever the address says.
  const other = await page.goto('/app/results/items?country=KG');
  expect(other?.status()).toBe(200);
  await check(page.locator('tr[data-item]')).toHaveCount(1);
  await check(page.locator('tr[data-item="p-res-tj-closed"]')).toHaveCount(1);
  await page.context().close();

  const context = await h.browser.newContext({ baseURL: h.baseUrl, javaScriptEnabled: false });
  const plain = await context.newPage();
  await plain.goto('/app/sign-in');
  await plain.getByLabel('E-mail address').fill('fund.manager@undp.example.org');
  await plain.locator('form[action="/app/sign-in"]:has(input[type="email"]) button[type="submit"]').click();
  await plain.goto('/app/results?sdg=6');
  await check(plain.locator('[data-kpi="items"] .kpi-n')).toHaveText('3');
  await check(plain.locator('#chart-sdg-t')).toHaveCount(1);
  await context.close();
});

test('an applicant reports a period through the form; a period not yet over is refused with the reason', async () => {
  const page = await h.as('applicant', { axe: true });
  await page.goto('/app/proposals/p-res-kg-mission/results');
  expect(await axeViolations(page)).toEqual([]);
  await page.getByLabel('Period from').fill(isoDay(Date.now() - DAY));
  await page.getByLabel('Period to').fill(isoDay(Date.now() + 5 * DAY));
  await page.getByLabel('Direct beneficiaries').fill('50');
  await page.getByRole('button', { name: 'Report the results' }).click();
  await check(page.locator('.error-summary')).toContainText('future');
  await page.getByLabel('Period from').fill('2026-07-01');
  await page.getByLabel('Period to').fill('2026-08-31');
  await page.getByLabel('Direct beneficiaries').fill('50');
  await page.getByLabel('of whom women').fill('30');
  await page.getByRole('button', { name: 'Report the results' }).click();
  await page.waitForURL(/notice=saved/);
  await check(page.locator('.total-row')).toContainText('350');
  await page.context().close();
});
