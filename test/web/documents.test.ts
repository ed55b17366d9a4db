import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_USERS } from '../../domain/demo';
import { proposalPayload } from '../fixtures/payloads';
import { signatureData } from '../helpers/signature';
import {
  axeViolations,
  check,
  eventually,
  fillProposalForm,
  fillValidBudget,
  screenshot,
  startWebHarness,
  type DemoKey,
  type WebHarness,
} from './harness';

/**
 * Documents in the browser: the CO asks for a letter, the applicant uploads it on the revision task
 * (progress, per-file errors), the CO downloads it from the proposal page; the agreement is generated,
 * both parties sign, and the stamped Russian PDF downloaded from the proposal page names both signers.
 */
let h: WebHarness;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'web-documents-'));

beforeAll(async () => {
  h = await startWebHarness('documents');
});
afterAll(async () => {
  await h?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function task(
  who: DemoKey,
  subjectId: string,
  kind: string,
): Promise<{ id: string; context: Record<string, unknown> | null }> {
  return eventually(async () => {
    const res = await h.api<{ items: { id: string; kind: string; subject: { id: string } }[] }>(
      who,
      'GET',
      '/tasks?pageSize=100',
    );
    const t = res.body.items.find((x) => x.subject.id === subjectId && x.kind === kind);
    return t
      ? (
          await h.api<{ id: string; context: Record<string, unknown> | null }>(
            who,
            'GET',
            `/tasks/${encodeURIComponent(t.id)}`,
          )
        ).body
      : undefined;
  }, 60_000);
}

async function decide(who: DemoKey, subjectId: string, kind: string, body: Record<string, unknown>) {
  const t = await task(who, subjectId, kind);
  const res = await h.api(who, 'POST', `/tasks/${encodeURIComponent(t.id)}/decision`, body);
  if (res.status !== 200) throw new Error(`${kind}: ${res.status} ${JSON.stringify(res.body)}`);
}

const letter = Buffer.from('%PDF-1.4\n% Letter of the Ministry of Emergency Situations\n%%EOF\n');

test('request for a letter → uploaded in the revision → downloaded by the CO → agreement signed and stamped, downloadable', async () => {
  const created = await h.api<{ id: string }>(
    'applicant',
    'POST',
    '/proposals',
    proposalPayload({ title: 'Mudflow alerts for Naryn' }),
  );
  const id = created.body.id;
  await decide('coKg', id, 'co_endorsement', {
    decision: 'request_changes',
    comment: 'Please attach the ministry letter.',
  });

  // The applicant's revision task: the documents card with its upload form.
  const revise = await task('applicant', id, 'revise');
  const page = await h.as('applicant', { axe: true });
  await page.goto(`/app/tasks/${encodeURIComponent(revise.id)}`);
  await check(page.getByRole('heading', { name: 'Documents' })).toBeVisible();
  const form = page.locator('form[data-upload]');
  // A page named .pdf is refused, with the file named in the error.
  await form.locator('select[name="documentType"]').selectOption('ministry_letter');
  await form.locator('input[type="file"]').setInputFiles({
    name: 'letter.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('<html><body>not a pdf</body></html>'),
  });
  await form.locator('button[type="submit"]').click();
  await check(form.locator('.upload-status')).toContainText('letter.pdf: ');
  await check(form.locator('.upload-status')).toContainText('HTML');
  // The real letter: progress, then the list shows it with its scan state.
  await form
    .locator('input[type="file"]')
    .setInputFiles({ name: 'Ministry letter.pdf', mimeType: 'application/pdf', buffer: letter });
  await form.locator('button[type="submit"]').click();
  await check(page.locator('#documents table')).toContainText('Ministry letter.pdf');
  await check(page.locator('#documents table')).toContainText('Not scanned');
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'task-revise-documents');
  expect(
    (
      await h.api('applicant', 'POST', `/proposals/${id}/resubmit`, {
        title: 'Mudflow alerts for Naryn (with the letter)',
      })
    ).status,
  ).toBe(200);

  // The CO downloads it from the proposal page.
  const co = await h.as('coKg', { axe: true });
  await co.goto(`/app/proposals/${id}`);
  const [download] = await Promise.all([
    co.waitForEvent('download'),
    co.getByRole('link', { name: 'Ministry letter.pdf' }).click(),
  ]);
  const saved = path.join(tmp, 'letter.pdf');
  await download.saveAs(saved);
  expect(createHash('sha256').update(fs.readFileSync(saved)).digest('hex')).toBe(
    createHash('sha256').update(letter).digest('hex'),
  );
  expect(await axeViolations(co)).toEqual([]);

  // On to contracting; each party signs what the task shows.
  await decide('coKg', id, 'co_endorsement', { decision: 'endorse' });
  await decide('fundManager', id, 'assign_reviewers', {
    decision: 'assign',
    data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] },
  });
  for (const r of ['reviewer1', 'reviewer2'] as const) {
    await decide(r, id, 'conflict_declaration', {
      decision: 'declare_no_conflict',
      data: { noConflictDeclared: true },
    });
    const scoring = await task(r, id, 'review_score');
    const keys = ((scoring.context?.rubric ?? []) as { key: string }[]).map((k) => k.key);
    await decide(r, id, 'review_score', {
      decision: 'submit_score',
      data: { scores: Object.fromEntries(keys.map((k) => [k, 85])) },
    });
  }
  await decide('fundManager', id, 'selection_decision', { decision: 'select' });
  const applicantSign = await task('applicant', id, 'contract_signature');
  await decide('applicant', id, 'contract_signature', {
    decision: 'sign',
    data: signatureData(applicantSign.context, 'en'),
  });
  const coSign = await task('coKg', id, 'contract_signature');
  await decide('coKg', id, 'contract_signature', { decision: 'sign', data: signatureData(coSign.context, 'ru') });

  // The stamped Russian version, downloaded from the proposal page in Russian.
  const ru = await h.as('applicant', { lang: 'ru', axe: true });
  await eventually(async () => {
    await ru.goto(`/app/proposals/${id}`);
    return (await ru.locator('#documents a', { hasText: '(подписано) RU' }).count()) > 0;
  }, 30_000);
  expect(await axeViolations(ru)).toEqual([]);
  await screenshot(ru, 'proposal-documents-ru');
  const [pdf] = await Promise.all([
    ru.waitForEvent('download'),
    ru.locator('#documents a', { hasText: '(подписано) RU' }).click(),
  ]);
  const file = path.join(tmp, 'signed-ru.pdf');
  await pdf.saveAs(file);
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  expect(text).toContain('ПОДПИСАНО ОБЕИМИ СТОРОНАМИ');
  expect(text).toContain('Tomsk Polytechnic University');
  expect(text).toContain('30 000,00 долл. США');
  expect(text).toContain(`Подписано: ${DEMO_USERS.applicant.name}`);
  expect(text).toContain(`Подписано: ${DEMO_USERS.coKg.name}`);
});

test("an expert's CV: uploaded on the profile page, listed with its scan state, downloaded by the fund manager from the roster profile", async () => {
  const cv = Buffer.from('%PDF-1.4\n% Curriculum vitae of expert one\n%%EOF\n');
  const page = await h.as('expert1', { axe: true });
  await page.goto('/app/profile');
  await check(page.getByRole('heading', { name: 'CV' })).toBeVisible();
  const form = page.locator('form[data-upload]');
  await check(form.locator('select[name="documentType"] option')).toHaveCount(1);
  await form
    .locator('input[type="file"]')
    .setInputFiles({ name: 'CV Expert One.pdf', mimeType: 'application/pdf', buffer: cv });
  await form.locator('button[type="submit"]').click();
  await check(page.locator('#documents table')).toContainText('CV Expert One.pdf');
  expect(await axeViolations(page)).toEqual([]);

  const fm = await h.as('fundManager', { axe: true });
  await fm.goto('/app/roster');
  await fm.getByRole('link', { name: DEMO_USERS.expert1.name }).first().click();
  await check(fm.getByRole('heading', { name: DEMO_USERS.expert1.name })).toBeVisible();
  const [download] = await Promise.all([
    fm.waitForEvent('download'),
    fm.getByRole('link', { name: 'CV Expert One.pdf' }).click(),
  ]);
  const saved = path.join(tmp, 'cv.pdf');
  await download.saveAs(saved);
  expect(createHash('sha256').update(fs.readFileSync(saved)).digest('hex')).toBe(
    createHash('sha256').update(cv).digest('hex'),
  );
  expect(await axeViolations(fm)).toEqual([]);
  // Another expert sees neither the profile nor the file.
  const other = await h.as('expert2');
  const res = await other.goto(`/app/roster/${DEMO_USERS.expert1.expertId}`);
  expect(res?.status()).toBe(403);
});

test('new proposal: the required letter is uploaded on the form (a bad file named with its error), ticked, and submitted with the proposal', async () => {
  await h.db.prisma.call.update({ where: { id: 'call-kg' }, data: { requiredDocumentTypes: ['letter_of_support'] } });
  try {
    const page = await h.as('applicant', { axe: true });
    await page.goto('/app/proposals/new?call=call-kg');
    const section = page.locator('#f-documentIds');
    await check(section).toContainText('Not uploaded yet: Letter of support from the national partner');
    await page.locator('#f-title').fill('Glacier lake alerts with the ministry letter');
    await fillProposalForm(page);
    await page.locator('#f-sdgs-13').check();
    await fillValidBudget(page);

    const upload = section.locator('form[data-staged]');
    await check(upload.locator('select[name="documentType"]')).toHaveValue('letter_of_support');
    // Two files at once: the HTML one is refused and named; nothing of that upload is kept.
    await upload.locator('input[type="file"]').setInputFiles([
      { name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><body>no</body></html>') },
      { name: 'Letter of support.pdf', mimeType: 'application/pdf', buffer: letter },
    ]);
    await upload.locator('button[type="submit"]').click();
    await check(upload.locator('.upload-status')).toContainText('fake.pdf: ');
    await check(upload.locator('.upload-status')).toContainText('HTML');
    await upload
      .locator('input[type="file"]')
      .setInputFiles({ name: 'Letter of support.pdf', mimeType: 'application/pdf', buffer: letter });
    await upload.locator('button[type="submit"]').click();
    const box = section.getByRole('checkbox', { name: 'Letter of support.pdf' });
    await check(box).toBeVisible();
    expect(await box.isChecked()).toBe(true);
    // What was typed is still there (no reload).
    await check(page.locator('#f-title')).toHaveValue('Glacier lake alerts with the ministry letter');
    expect(await axeViolations(page)).toEqual([]);

    // Unticked, the submission is refused next to the documents; ticked, it goes through.
    await box.uncheck();
    await page.locator('#proposal-form .actions button[type="submit"]:not([name])').click();
    await check(page.locator('#f-documentIds .error')).toContainText('Letter of support');
    await page.getByRole('checkbox', { name: /Letter of support\.pdf/ }).check();
    await page.locator('#proposal-form .actions button[type="submit"]:not([name])').click();
    await page.waitForURL(/\/app\/proposals\/p-[^/?]+\?notice=submitted/);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    await check(page.locator('#documents table')).toContainText('Letter of support.pdf');
    const docs = await h.api<{ items: { name: string; documentType: string }[]; missingDocumentTypes: string[] }>(
      'applicant',
      'GET',
      `/proposals/${id}/documents`,
    );
    expect(docs.body.items.map((d) => [d.name, d.documentType])).toEqual([
      ['Letter of support.pdf', 'letter_of_support'],
    ]);
    expect(docs.body.missingDocumentTypes).toEqual([]);
  } finally {
    await h.db.prisma.call.update({ where: { id: 'call-kg' }, data: { requiredDocumentTypes: [] } });
  }
});
