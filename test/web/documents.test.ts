import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_USERS } from '../../domain/demo';
import { expertRequestPayload, proposalPayload } from '../fixtures/payloads';
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

type Who = DemoKey | { email: string };

async function task(
  who: Who,
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

async function decide(who: Who, subjectId: string, kind: string, body: Record<string, unknown>) {
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
  await toContracting(id);
  await signBoth(id);

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

/** Endorsed, reviewed and selected: the proposal waits for its signatures. */
async function toContracting(id: string): Promise<void> {
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
}

/** Both parties sign what their task shows (the applicant the English version, the CO the Russian one). */
async function signBoth(id: string): Promise<void> {
  const applicantSign = await task('applicant', id, 'contract_signature');
  await decide('applicant', id, 'contract_signature', {
    decision: 'sign',
    data: signatureData(applicantSign.context, 'en'),
  });
  const coSign = await task('coKg', id, 'contract_signature');
  await decide('coKg', id, 'contract_signature', { decision: 'sign', data: signatureData(coSign.context, 'ru') });
}

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

test('a progress report in the browser: the file uploaded on the task, ticked, submitted with the report, shown on the proposal to the CO', async () => {
  const created = await h.api<{ id: string }>(
    'applicant',
    'POST',
    '/proposals',
    proposalPayload({ title: 'Hail nets for Osh' }),
  );
  const id = created.body.id;
  await toContracting(id);
  await signBoth(id);
  const report = await task('applicant', id, 'progress_report');
  const page = await h.as('applicant', { axe: true });
  await page.goto(`/app/tasks/${encodeURIComponent(report.id)}`);
  // Before any upload the report form says where files go.
  await check(page.locator('#f-data-documentIds')).toContainText('Upload files for it under Documents above');
  const upload = page.locator('#documents form[data-upload]');
  await upload.locator('select[name="documentType"]').selectOption('progress_report');
  const bytes = Buffer.from('%PDF-1.4\n% Milestone 1: sensors installed in Osh\n%%EOF\n');
  await upload
    .locator('input[type="file"]')
    .setInputFiles({ name: 'Milestone 1 report.pdf', mimeType: 'application/pdf', buffer: bytes });
  await upload.locator('button[type="submit"]').click();
  // The page comes back with the file in the documents and offered, ticked, with the report.
  const box = page.getByRole('checkbox', { name: 'Milestone 1 report.pdf' });
  await check(box).toBeVisible();
  expect(await box.isChecked()).toBe(true);
  await check(page.locator('#documents table')).toContainText('Milestone 1 report.pdf');
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'task-progress-report-files');
  const form = page.locator('section[aria-labelledby="d-submit_report"]');
  await form.locator('textarea[name="data.report"]').fill('Milestone 1: nets installed over 12 orchards.');
  await form.locator('button[type="submit"]').click();
  await page.waitForURL(/notice=decided/);

  // Submitted with the report: the file belongs to the report's task and the CO sees it on the proposal.
  const docs = await h.api<{ items: { name: string; taskId: string | null; documentType: string }[] }>(
    'coKg',
    'GET',
    `/proposals/${id}/documents`,
  );
  expect(docs.body.items.filter((d) => d.name === 'Milestone 1 report.pdf')).toEqual([
    expect.objectContaining({ taskId: report.id, documentType: 'progress_report' }),
  ]);
  const verify = await task('coKg', id, 'report_verification');
  const co = await h.as('coKg', { axe: true });
  await co.goto(`/app/tasks/${encodeURIComponent(verify.id)}`);
  await check(co.locator('#documents')).toContainText('Milestone 1 report.pdf');
  await co.goto(`/app/proposals/${id}`);
  const [download] = await Promise.all([
    co.waitForEvent('download'),
    co.getByRole('link', { name: 'Milestone 1 report.pdf' }).click(),
  ]);
  const saved = path.join(tmp, 'report.pdf');
  await download.saveAs(saved);
  expect(createHash('sha256').update(fs.readFileSync(saved)).digest('hex')).toBe(
    createHash('sha256').update(bytes).digest('hex'),
  );
  expect(await axeViolations(co)).toEqual([]);
});

test("an expert's deliverable in the browser: the file uploaded on the task, listed, submitted with it (linked to the task), downloaded by the CO with the same SHA-256", async () => {
  const { id, expert } = await expertInMission('Landslide monitoring for Jalal-Abad');
  const submission = await task(expert, id, 'deliverable_submission');
  const page = await h.as(expert, { axe: true });
  await page.goto(`/app/tasks/${encodeURIComponent(submission.id)}`);
  const upload = page.locator('#documents form[data-upload]');
  await upload.locator('select[name="documentType"]').selectOption('deliverable');
  const bytes = Buffer.from('%PDF-1.4\n% Deliverable 1: inception report on landslide monitoring\n%%EOF\n');
  await upload
    .locator('input[type="file"]')
    .setInputFiles({ name: 'Inception report.pdf', mimeType: 'application/pdf', buffer: bytes });
  await upload.locator('button[type="submit"]').click();
  // Listed with the request's documents, and offered, ticked, with the deliverable.
  await check(page.locator('#documents table')).toContainText('Inception report.pdf');
  const box = page.getByRole('checkbox', { name: 'Inception report.pdf' });
  await check(box).toBeVisible();
  expect(await box.isChecked()).toBe(true);
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, 'task-deliverable-files');
  const form = page.locator('section[aria-labelledby="d-submit_deliverable"]');
  await form.locator('textarea[name="data.report"]').fill('Inception report: sites, instruments and schedule.');
  await form.locator('button[type="submit"]').click();
  await page.waitForURL(/notice=decided/);

  // Submitted with the deliverable: the file belongs to the submission task; the CO reviews it there and downloads it.
  const docs = await h.api<{ items: { id: string; name: string; taskId: string | null; documentType: string }[] }>(
    'coKg',
    'GET',
    `/expert-requests/${id}/documents`,
  );
  expect(docs.body.items.filter((d) => d.name === 'Inception report.pdf')).toEqual([
    expect.objectContaining({ taskId: submission.id, documentType: 'deliverable' }),
  ]);
  const acceptance = await task('coKg', id, 'deliverable_acceptance');
  const co = await h.as('coKg', { axe: true });
  await co.goto(`/app/tasks/${encodeURIComponent(acceptance.id)}`);
  await check(co.locator('#documents')).toContainText('Inception report.pdf');
  await co.goto(`/app/expert-requests/${id}`);
  const [download] = await Promise.all([
    co.waitForEvent('download'),
    co.getByRole('link', { name: 'Inception report.pdf' }).click(),
  ]);
  const saved = path.join(tmp, 'deliverable.pdf');
  await download.saveAs(saved);
  expect(createHash('sha256').update(fs.readFileSync(saved)).digest('hex')).toBe(
    createHash('sha256').update(bytes).digest('hex'),
  );
  expect(await axeViolations(co)).toEqual([]);
});

/** An expert request registered, endorsed, staffed and its contract signed by both parties: answers it and its expert. */
async function expertInMission(title: string): Promise<{ id: string; expert: { email: string } }> {
  const created = await h.api<{ id: string }>('coKg', 'POST', '/expert-requests', expertRequestPayload({ title }));
  expect(created.status).toBe(201);
  const id = created.body.id;
  await decide('coKg2', id, 'co_endorsement', { decision: 'endorse' });
  await decide('fundManager', id, 'shortlist_review', { decision: 'confirm' });
  const view = await h.api<{ shortlist: { expertId: string; userId: string }[] }>(
    'fundManager',
    'GET',
    `/expert-requests/${id}`,
  );
  const users = await h.db.prisma.user.findMany({
    where: { id: { in: view.body.shortlist.map((e) => e.userId) } },
    select: { id: true, email: true },
  });
  const whoOf = (userId: string) => ({ email: users.find((u) => u.id === userId)!.email });
  for (const e of view.body.shortlist.slice(0, 3))
    await decide(whoOf(e.userId), id, 'invitation_response', {
      decision: 'accept',
      data: { availabilityConfirmed: true, noConflictDeclared: true },
    });
  for (const e of view.body.shortlist.slice(3))
    await decide(whoOf(e.userId), id, 'invitation_response', { decision: 'decline', data: { reason: 'Busy' } });
  const selection = await task('coKg', id, 'candidate_selection');
  const chosen = (selection.context?.candidates as { expertId: string }[])[0];
  await decide('coKg', id, 'candidate_selection', { decision: 'select', data: { expertIds: [chosen.expertId] } });
  const expert = whoOf(view.body.shortlist.find((e) => e.expertId === chosen.expertId)!.userId);
  if (await h.db.prisma.task.findFirst({ where: { subjectId: id, kind: 'fee_approval' } }))
    await decide('fundManager', id, 'fee_approval', {
      decision: 'approve',
      data: { justification: 'Bureau Director approved' },
    });
  const expertSign = await task(expert, id, 'contract_signature');
  await decide(expert, id, 'contract_signature', { decision: 'sign', data: signatureData(expertSign.context, 'en') });
  const coSign = await task('coKg', id, 'contract_signature');
  await decide('coKg', id, 'contract_signature', { decision: 'sign', data: signatureData(coSign.context, 'ru') });
  return { id, expert };
}

test('new proposal without JavaScript: the letter is a plain multipart post, the page comes back with it ticked, the form submits it', async () => {
  await h.db.prisma.call.update({ where: { id: 'call-kg' }, data: { requiredDocumentTypes: ['letter_of_support'] } });
  try {
    // axe needs scripts: the same page is checked with JavaScript in the test above.
    const page = await h.as('applicant', { javaScript: false });
    await page.goto('/app/proposals/new?call=call-kg');
    const section = page.locator('#f-documentIds');
    await check(section).toContainText('Not uploaded yet: Letter of support from the national partner');
    const upload = section.locator('form[data-staged]');
    await upload.locator('select[name="documentType"]').selectOption('letter_of_support');
    await upload
      .locator('input[type="file"]')
      .setInputFiles({ name: 'Letter without JS.pdf', mimeType: 'application/pdf', buffer: letter });
    await Promise.all([
      page.waitForURL(/\/app\/proposals\/new\?call=call-kg/),
      upload.locator('button[type="submit"]').click(),
    ]);
    const box = page.getByRole('checkbox', { name: /Letter without JS\.pdf/ });
    await check(box).toBeVisible();
    expect(await box.isChecked()).toBe(true);
    await check(section).notToContainText('Not uploaded yet');

    await page.locator('#f-title').fill('Flood sirens, submitted without JavaScript');
    await fillProposalForm(page);
    await page.locator('#f-sdgs-13').check();
    await fillValidBudget(page);
    await page.locator('#proposal-form .actions button[type="submit"]:not([name])').click();
    await page.waitForURL(/\/app\/proposals\/p-[^/?]+\?notice=submitted/);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    await check(page.locator('#documents table')).toContainText('Letter without JS.pdf');
    const docs = await h.api<{ items: { name: string; documentType: string }[]; missingDocumentTypes: string[] }>(
      'applicant',
      'GET',
      `/proposals/${id}/documents`,
    );
    expect(docs.body.items.map((d) => [d.name, d.documentType])).toEqual([
      ['Letter without JS.pdf', 'letter_of_support'],
    ]);
    expect(docs.body.missingDocumentTypes).toEqual([]);
  } finally {
    await h.db.prisma.call.update({ where: { id: 'call-kg' }, data: { requiredDocumentTypes: [] } });
  }
});
