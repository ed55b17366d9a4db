import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { TEST_MALWARE_MARKER } from '../../lib/clamd-process';
import { LocalStorage } from '../../lib/storage';
import { as, startApiHarness, testDocuments, type ApiHarness, type DemoKey } from '../api/harness';
import { startTestClamd } from '../helpers/clamd';
import { eventually } from '../helpers/wait';
import { screenProposalFacts } from '../../activities/proposal';
import { proposalPayload } from '../fixtures/payloads';
import { DEMO_USERS } from '../../domain/demo';

/**
 * Documents over HTTP against a real clamd (the repository's test signature), a real Temporal
 * server running the scan workflow, PostgreSQL and local storage.
 */
let h: ApiHarness;
let clamd: Awaited<ReturnType<typeof startTestClamd>>;
let storageRoot: string;
let proposalId: string;
let otherProposalId: string;

const MAX_FILE = 1024 * 1024; // 1 MB per file in this test
const MAX_OBJECT = 3 * 1024 * 1024;

const pdf = (text: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function token(who: DemoKey) {
  return h.token(who);
}

async function uploadAs(
  who: DemoKey,
  url: string,
  files: { name: string; bytes: Buffer }[],
  documentType = 'letter_of_support',
) {
  let r = request(h.app)
    .post(url)
    .set('Authorization', `Bearer ${await token(who)}`)
    .field('documentType', documentType);
  for (const f of files) r = r.attach('file', f.bytes, f.name);
  return r;
}

async function docState(id: string): Promise<string> {
  return (await h.db.prisma.document.findUniqueOrThrow({ where: { id } })).scanState;
}

beforeAll(async () => {
  clamd = await startTestClamd({ maxFileMb: 1, maxScanMb: 2 });
  storageRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'documents-api-'));
  h = await startApiHarness('documents', {
    documents: testDocuments({
      storage: new LocalStorage(storageRoot),
      scanner: { mode: 'clamd', address: clamd.address, timeoutMs: 20_000 },
      maxFileBytes: MAX_FILE,
      maxObjectBytes: MAX_OBJECT,
    }),
  });
  const a = await as(h.app, await token('applicant')).post('/proposals', proposalPayload());
  const b = await as(h.app, await token('applicant2')).post('/proposals', proposalPayload({ title: 'HSE sensors' }));
  expect([a.status, b.status]).toEqual([201, 201]);
  proposalId = a.body.id;
  otherProposalId = b.body.id;
});

afterAll(async () => {
  await h?.stop();
  await clamd?.stop();
  fs.rmSync(storageRoot, { recursive: true, force: true });
});

test('a clean file: pending for others until scanned, then downloadable as an attachment with ranges; downloads by others are audited', async () => {
  const bytes = pdf('ministry letter');
  const up = await uploadAs('applicant', `/proposals/${proposalId}/documents`, [
    { name: '../../Письмо министерства.pdf', bytes },
  ]);
  expect(up.status).toBe(201);
  const doc = up.body.items[0];
  expect(doc).toMatchObject({
    name: 'Письмо министерства.pdf',
    contentType: 'application/pdf',
    size: bytes.length,
    sha256: sha(bytes),
    version: 1,
    uploaderId: expect.any(String),
  });
  expect(['pending', 'clean']).toContain(doc.scanState);

  await eventually(async () => (await docState(doc.id)) === 'clean', 30_000);
  const co = as(h.app, await token('coKg'));
  const got = await co
    .get(`/documents/${doc.id}/content`)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  expect(got.status).toBe(200);
  expect(sha(got.body as Buffer)).toBe(sha(bytes));
  expect(got.headers['content-disposition']).toMatch(/^attachment; filename="/);
  expect(got.headers['content-disposition']).toContain(
    `filename*=UTF-8''${encodeURIComponent('Письмо министерства.pdf')}`,
  );
  expect(got.headers['x-content-type-options']).toBe('nosniff');
  expect(got.headers['content-type']).toBe('application/pdf');
  expect(got.headers['etag']).toBe(`"${sha(bytes)}"`);

  const part = await co.get(`/documents/${doc.id}/content`).set('Range', 'bytes=0-7');
  expect(part.status).toBe(206);
  expect(part.headers['content-range']).toBe(`bytes 0-7/${bytes.length}`);
  expect(Buffer.from(part.text ?? part.body).toString('latin1')).toBe('%PDF-1.4');
  expect((await co.get(`/documents/${doc.id}/content`).set('Range', `bytes=${bytes.length + 10}-`)).status).toBe(416);

  const audit = await h.db.prisma.auditEvent.findMany({
    where: { subjectId: proposalId, action: { startsWith: 'document_' } },
    orderBy: { id: 'asc' },
  });
  expect(audit.map((a) => a.action)).toEqual(
    expect.arrayContaining(['document_uploaded', 'document_scanned_clean', 'document_downloaded']),
  );
  expect(audit.find((a) => a.action === 'document_downloaded')?.actorId).not.toBe(doc.uploaderId);

  const list = await as(h.app, await token('applicant')).get(`/proposals/${proposalId}/documents`);
  expect(list.status).toBe(200);
  expect(list.body.items.find((d: { id: string }) => d.id === doc.id)).toMatchObject({
    scanState: 'clean',
    downloadable: true,
  });
});

test('an infected file is quarantined: never served, to anyone; the uploader and the fund managers are told by mail', async () => {
  const bytes = Buffer.concat([pdf('budget'), Buffer.from(TEST_MALWARE_MARKER)]);
  const up = await uploadAs(
    'applicant',
    `/proposals/${proposalId}/documents`,
    [{ name: 'budget.pdf', bytes }],
    'budget_detail',
  );
  expect(up.status).toBe(201);
  const id = up.body.items[0].id;
  await eventually(async () => (await docState(id)) === 'infected', 30_000);
  for (const who of ['applicant', 'coKg', 'fundManager', 'admin'] as const) {
    const res = await as(h.app, await token(who)).get(`/documents/${id}/content`);
    expect([who, res.status, res.body.error?.code]).toEqual([who, 409, 'document_quarantined']);
  }
  const fm = await as(h.app, await token('fundManager')).get(`/documents/${id}`);
  expect(fm.body).toMatchObject({
    scanState: 'infected',
    scanDetail: expect.stringMatching(/^RusUndp\.Test\.Marker/),
    downloadable: false,
  });
  const mails = await eventually(async () => {
    const rows = await h.db.prisma.outbox.findMany({ where: { template: 'document_quarantined' } });
    return rows.length >= 2 && rows.every((r) => r.status === 'sent') ? rows : undefined;
  }, 30_000);
  expect(mails.map((m) => m.toEmail)).toEqual(
    expect.arrayContaining(['applicant@tpu.example.org', 'fund.manager@undp.example.org']),
  );
  expect(h.smtp.mails.some((m) => m.subject.includes('Malware found'))).toBe(true);
});

test('clamd stopped: files stay pending (the uploader may download, others may not) and are scanned once clamd is back', async () => {
  await clamd.stop();
  const bytes = pdf('cv while the scanner is down');
  const up = await uploadAs('applicant', `/proposals/${proposalId}/documents`, [{ name: 'cv.pdf', bytes }], 'cv');
  expect(up.status).toBe(201);
  const id = up.body.items[0].id;
  await new Promise((r) => setTimeout(r, 4000)); // several scan attempts fail meanwhile
  expect(await docState(id)).toBe('pending');
  expect((await as(h.app, await token('applicant')).get(`/documents/${id}/content`)).status).toBe(200);
  const co = await as(h.app, await token('coKg')).get(`/documents/${id}/content`);
  expect([co.status, co.body.error.code]).toEqual([409, 'document_awaiting_scan']);

  const port = Number(clamd.address.split(':')[1]);
  clamd = await startTestClamd({ maxFileMb: 1, maxScanMb: 2, port });
  await eventually(async () => (await docState(id)) === 'clean', 60_000, 250);
  expect((await as(h.app, await token('coKg')).get(`/documents/${id}/content`)).status).toBe(200);
});

test("an archive over the scanner's limits is scan_failed, never clean; a fund manager releases it by hand, audited", async () => {
  const file = path.join(storageRoot, 'big.zip');
  const { execFileSync } = await import('node:child_process');
  execFileSync('python3', [
    '-c',
    `import zipfile; z=zipfile.ZipFile(${JSON.stringify(file)},'w',zipfile.ZIP_DEFLATED); z.writestr('data.bin', b'\\0'*(3*1024*1024)); z.close()`,
  ]);
  const up = await uploadAs(
    'applicant',
    `/proposals/${proposalId}/documents`,
    [{ name: 'data.zip', bytes: fs.readFileSync(file) }],
    'other',
  );
  expect(up.status).toBe(201);
  const id = up.body.items[0].id;
  await eventually(async () => (await docState(id)) === 'scan_failed', 30_000);
  expect((await as(h.app, await token('coKg')).get(`/documents/${id}/content`)).body.error.code).toBe(
    'document_scan_failed',
  );
  expect((await as(h.app, await token('coKg')).post(`/documents/${id}/release`, { reason: 'checked' })).status).toBe(
    403,
  );
  const rel = await as(h.app, await token('fundManager')).post(`/documents/${id}/release`, {
    reason: 'Opened in a sandbox: spreadsheets only.',
  });
  expect(rel.status).toBe(200);
  expect(rel.body).toMatchObject({ scanState: 'scan_failed', released: true });
  expect((await as(h.app, await token('coKg')).get(`/documents/${id}/content`)).status).toBe(200);
  const audit = await h.db.prisma.auditEvent.findFirstOrThrow({ where: { key: `document:${id}:released` } });
  expect(audit).toMatchObject({ action: 'document_released', comment: 'Opened in a sandbox: spreadsheets only.' });
});

test('type by content: HTML named .pdf is refused (415), nothing stored', async () => {
  const before = await h.db.prisma.document.count();
  const res = await uploadAs('applicant', `/proposals/${proposalId}/documents`, [
    { name: 'letter.pdf', bytes: Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>') },
  ]);
  expect(res.status).toBe(415);
  expect(res.body.error).toMatchObject({
    code: 'unsupported_file_type',
    details: [{ path: 'file.0', message: expect.stringMatching(/HTML/) }],
  });
  const exe = await uploadAs('applicant', `/proposals/${proposalId}/documents`, [
    { name: 'tool.pdf', bytes: Buffer.concat([Buffer.from('MZ'), randomBytes(2000)]) },
  ]);
  expect(exe.status).toBe(415);
  expect(await h.db.prisma.document.count()).toBe(before);
});

test('size limits: a file over the per-file limit and files over the per-object limit are 413, nothing stored', async () => {
  const before = await h.db.prisma.document.count();
  const objectsBefore = fs.readdirSync(storageRoot, { recursive: true }).length;
  const big = await uploadAs('applicant', `/proposals/${proposalId}/documents`, [
    { name: 'big.pdf', bytes: Buffer.concat([pdf('x'), randomBytes(MAX_FILE)]) },
  ]);
  expect([big.status, big.body.error?.code]).toEqual([413, 'payload_too_large']);
  // Three files just under the per-file limit: together over what the object may still hold.
  const files = [1, 2, 3, 4].map((i) => ({
    name: `part${i}.pdf`,
    bytes: Buffer.concat([pdf(`p${i}`), randomBytes(MAX_FILE - 1000)]),
  }));
  const many = await uploadAs('applicant', `/proposals/${proposalId}/documents`, files);
  expect([many.status, many.body.error?.code]).toEqual([413, 'payload_too_large']);
  expect(await h.db.prisma.document.count()).toBe(before);
  expect(fs.readdirSync(storageRoot, { recursive: true }).length).toBe(objectsBefore);
});

test('duplicates within one object are refused (409), in one upload or against an attached file', async () => {
  const bytes = pdf('duplicate me');
  const twice = await uploadAs('applicant', `/proposals/${proposalId}/documents`, [
    { name: 'a.pdf', bytes },
    { name: 'b.pdf', bytes },
  ]);
  expect([twice.status, twice.body.error.code]).toEqual([409, 'duplicate_document']);
  expect((await uploadAs('applicant', `/proposals/${proposalId}/documents`, [{ name: 'a.pdf', bytes }])).status).toBe(
    201,
  );
  const again = await uploadAs('applicant', `/proposals/${proposalId}/documents`, [{ name: 'a-copy.pdf', bytes }]);
  expect([again.status, again.body.error.code]).toEqual([409, 'duplicate_document']);
  // Another proposal may hold the same file.
  expect(
    (await uploadAs('applicant2', `/proposals/${otherProposalId}/documents`, [{ name: 'a.pdf', bytes }])).status,
  ).toBe(201);
});

test('scope: another institution gets 404 for the list, the upload, the document and its content', async () => {
  const up = await uploadAs(
    'applicant',
    `/proposals/${proposalId}/documents`,
    [{ name: 'scope.pdf', bytes: pdf('scope') }],
    'other',
  );
  const id = up.body.items[0].id;
  await eventually(async () => (await docState(id)) === 'clean', 30_000);
  const other = as(h.app, await token('applicant2'));
  expect((await other.get(`/proposals/${proposalId}/documents`)).status).toBe(404);
  expect((await other.get(`/documents/${id}`)).status).toBe(404);
  expect((await other.get(`/documents/${id}/content`)).status).toBe(404);
  expect(
    (await uploadAs('applicant2', `/proposals/${proposalId}/documents`, [{ name: 'x.pdf', bytes: pdf('intruder') }]))
      .status,
  ).toBe(404);
  expect((await as(h.app, await token('coTj')).get(`/documents/${id}/content`)).status).toBe(404);
  // A reviewer not assigned: 404 too.
  expect((await as(h.app, await token('reviewer3')).get(`/documents/${id}/content`)).status).toBe(404);
});

test('deleting is soft and audited; the object stays', async () => {
  const up = await uploadAs(
    'applicant',
    `/proposals/${proposalId}/documents`,
    [{ name: 'old.pdf', bytes: pdf('old') }],
    'other',
  );
  const id = up.body.items[0].id;
  expect((await as(h.app, await token('coKg')).post(`/documents/${id}/delete`)).status).toBe(403);
  const del = await as(h.app, await token('applicant')).post(`/documents/${id}/delete`);
  expect(del.status).toBe(200);
  expect((await as(h.app, await token('applicant')).get(`/documents/${id}`)).status).toBe(404);
  const row = await h.db.prisma.document.findUniqueOrThrow({ where: { id } });
  expect(row).toMatchObject({ deleted: true, deletedById: expect.any(String) });
  expect(await new LocalStorage(storageRoot).exists(row.storageKey)).toBe(true);
  expect(await h.db.prisma.auditEvent.count({ where: { key: `document:${id}:deleted` } })).toBe(1);
});

test("a call's required document types: a submission without them is 400 naming them; with staged documents it is accepted", async () => {
  await h.db.prisma.call.update({
    where: { id: 'call-kg' },
    data: { requiredDocumentTypes: ['letter_of_support', 'cv'] },
  });
  try {
    const applicant = as(h.app, await token('applicant'));
    const refused = await applicant.post('/proposals', proposalPayload({ title: 'Needs documents' }));
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.map((d: { message: string }) => d.message).join(' ')).toMatch(
      /letter_of_support[\s\S]*cv|cv[\s\S]*letter_of_support/,
    );
    const letter = await uploadAs(
      'applicant',
      '/documents',
      [{ name: 'letter.pdf', bytes: pdf('staged letter') }],
      'letter_of_support',
    );
    const cv = await uploadAs('applicant', '/documents', [{ name: 'cv.pdf', bytes: pdf('staged cv') }], 'cv');
    expect([letter.status, cv.status]).toEqual([201, 201]);
    const onlyOne = await applicant.post(
      '/proposals',
      proposalPayload({ title: 'Needs documents', documentIds: [letter.body.items[0].id] }),
    );
    expect(onlyOne.status).toBe(400);
    expect(JSON.stringify(onlyOne.body.error.details)).toContain('(cv)');
    const ok = await applicant.post(
      '/proposals',
      proposalPayload({ title: 'Needs documents', documentIds: [letter.body.items[0].id, cv.body.items[0].id] }),
    );
    expect(ok.status).toBe(201);
    const list = await applicant.get(`/proposals/${ok.body.id}/documents`);
    expect(list.body).toMatchObject({ requiredDocumentTypes: ['letter_of_support', 'cv'], missingDocumentTypes: [] });
    expect(list.body.items).toHaveLength(2);
    expect(onlyOne.body.error).toMatchObject({ code: 'intake_rules_failed' });
    expect(onlyOne.body.error.details).toEqual([
      expect.objectContaining({
        path: 'documentIds',
        rule: 'required_documents',
        figures: expect.objectContaining({ missing: 'cv' }),
      }),
    ]);

    // The workflow's intake screening runs the same rule on the proposal's own documents.
    const screen = (id: string) =>
      screenProposalFacts(h.db.prisma, {
        proposalId: id,
        callId: 'call-kg',
        institutionId: 'inst-tpu',
        countryCode: 'KG',
        requestedCents: 4_000_000,
        coFinancingCents: 1_000_000,
        durationMonths: 12,
        localPartnerEvidence: 'letter',
        submittedAt: new Date().toISOString(),
      });
    const requiredFinding = async (id: string) =>
      (await screen(id)).policy.findings.find((f) => f.rule === 'required_documents');
    expect(await requiredFinding(ok.body.id)).toMatchObject({ outcome: 'pass' });
    await applicant.post(`/documents/${cv.body.items[0].id}/delete`);
    expect(await requiredFinding(ok.body.id)).toMatchObject({ outcome: 'fail', data: { missing: 'cv' } });
  } finally {
    await h.db.prisma.call.update({ where: { id: 'call-kg' }, data: { requiredDocumentTypes: [] } });
  }
});

test('not multipart: 415', async () => {
  const res = await as(h.app, await token('applicant')).post(`/proposals/${proposalId}/documents`, {
    documentType: 'cv',
  });
  expect(res.status).toBe(415);
});

test("a document whose scan was never started (Temporal down at upload) is scanned by the worker's start-up sweep", async () => {
  const { ensurePendingScans } = await import('../../worker/document-scans');
  const bytes = pdf('left pending');
  const file = path.join(storageRoot, 'pending.pdf');
  fs.writeFileSync(file, bytes);
  const storageKey = await new LocalStorage(storageRoot).putFile(file, sha(bytes), bytes.length);
  const row = await h.db.prisma.document.create({
    data: {
      id: 'doc-00000000000000000001',
      subjectType: 'proposal',
      subjectId: proposalId,
      documentType: 'other',
      name: 'pending.pdf',
      size: bytes.length,
      sha256: sha(bytes),
      storageKey,
      contentType: 'application/pdf',
      scanState: 'pending',
      uploaderId: 'u-applicant-tpu',
    },
  });
  expect(await ensurePendingScans(h.env.client, h.db.prisma, h.taskQueue)).toBeGreaterThanOrEqual(1);
  await eventually(async () => (await docState(row.id)) === 'clean', 30_000);
});

test('message attachments: the author attaches own uploads of the subject; readers download them once clean; others refused', async () => {
  const applicant = as(h.app, await token('applicant'));
  const letter = await uploadAs('applicant', `/proposals/${proposalId}/documents`, [
    { name: 'signed letter.pdf', bytes: pdf('letter for the thread') },
  ]);
  const virus = await uploadAs('applicant', `/proposals/${proposalId}/documents`, [
    { name: 'scan.pdf', bytes: Buffer.concat([pdf('thread scan'), Buffer.from(TEST_MALWARE_MARKER)]) },
  ]);
  const coUpload = await uploadAs('coKg', `/proposals/${proposalId}/documents`, [
    { name: 'co note.pdf', bytes: pdf('co note for the thread') },
  ]);
  expect([letter.status, virus.status, coUpload.status]).toEqual([201, 201, 201]);
  const letterId = letter.body.items[0].id as string;
  const virusId = virus.body.items[0].id as string;
  await eventually(async () => (await docState(virusId)) === 'infected', 30_000);

  // Someone else's upload, a quarantined file, an unknown id: 400 naming each, nothing recorded.
  const refused = await applicant.post(`/proposals/${proposalId}/messages`, {
    body: 'With attachments',
    documentIds: [coUpload.body.items[0].id, virusId, 'doc-00000000000000000000'],
  });
  expect(refused.status).toBe(400);
  expect(refused.body.error.details.map((d: { path: string }) => d.path)).toEqual([
    'documentIds.0',
    'documentIds.1',
    'documentIds.2',
  ]);
  expect(await h.db.prisma.message.count({ where: { subjectId: proposalId, body: 'With attachments' } })).toBe(0);

  const posted = await applicant
    .post(`/proposals/${proposalId}/messages`, { body: 'Here is the signed letter.', documentIds: [letterId] })
    .set('Idempotency-Key', 'thread-letter-1');
  expect(posted.status).toBe(201);
  expect(posted.body.attachments).toEqual([
    expect.objectContaining({ id: letterId, name: 'signed letter.pdf', downloadable: true }),
  ]);
  // A retry under the same key is the same message; another message may not take the same file.
  const retried = await applicant
    .post(`/proposals/${proposalId}/messages`, { body: 'Here is the signed letter.', documentIds: [letterId] })
    .set('Idempotency-Key', 'thread-letter-1');
  expect([retried.status, retried.body.id]).toEqual([201, posted.body.id]);
  const again = await applicant.post(`/proposals/${proposalId}/messages`, {
    body: 'Again',
    documentIds: [letterId],
  });
  expect(again.status).toBe(400);
  expect(again.body.error.details[0]).toMatchObject({
    path: 'documentIds.0',
    message: 'already attached to another message',
  });

  // The Country Office reads the thread with the attachment and downloads it once clean (audited).
  await eventually(async () => (await docState(letterId)) === 'clean', 30_000);
  const co = as(h.app, await token('coKg'));
  const thread = await co.get(`/proposals/${proposalId}/messages`);
  const message = thread.body.items.find((m: { id: string }) => m.id === posted.body.id);
  expect(message.attachments).toEqual([
    { id: letterId, name: 'signed letter.pdf', size: expect.any(Number), scanState: 'clean', downloadable: true },
  ]);
  const got = await co.get(`/documents/${letterId}/content`).buffer(true);
  expect(got.status).toBe(200);
  expect(sha(got.body as Buffer)).toBe(sha(pdf('letter for the thread')));
  expect((await h.db.prisma.document.findUniqueOrThrow({ where: { id: letterId } })).messageId).toBe(posted.body.id);
  // Another institution sees neither the thread nor the file.
  const other = as(h.app, await token('applicant2'));
  expect((await other.get(`/proposals/${proposalId}/messages`)).status).toBe(404);
  expect((await other.get(`/documents/${letterId}/content`)).status).toBe(404);
  // The Country Office's mail names the attachment.
  const mail = await eventually(async () => {
    const rows = await h.db.prisma.outbox.findMany({
      where: { template: 'message_posted', key: { contains: `:message-${posted.body.id}:` } },
    });
    return rows.length ? rows : undefined;
  }, 30_000);
  expect(mail.some((m) => m.text.includes('signed letter.pdf'))).toBe(true);
});

test("a resubmission through the generic task decision route is checked like submission: the call's required documents, 400 with the field", async () => {
  await h.db.prisma.call.update({ where: { id: 'call-kg' }, data: { requiredDocumentTypes: ['letter_of_support'] } });
  try {
    const applicant = as(h.app, await token('applicant'));
    const letter = await uploadAs('applicant', '/documents', [{ name: 'letter.pdf', bytes: pdf('resubmit letter') }]);
    const created = await applicant.post(
      '/proposals',
      proposalPayload({ title: 'Resubmitted by task', documentIds: [letter.body.items[0].id] }),
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const openTask = (who: DemoKey, kind: string) =>
      eventually(async () => {
        const res = await as(h.app, await token(who)).get(`/tasks?subject=${id}&kind=${kind}&status=open`);
        return res.body.items?.[0]?.id as string | undefined;
      }, 60_000);
    const endorsement = await openTask('coKg', 'co_endorsement');
    const asked = await as(h.app, await token('coKg')).post(`/tasks/${encodeURIComponent(endorsement)}/decision`, {
      decision: 'request_changes',
      comment: 'Please send a new letter of support.',
    });
    expect(asked.status).toBe(200);
    const revise = await openTask('applicant', 'revise');
    // The applicant withdraws the letter and resubmits through the generic route: refused, nothing decided.
    expect((await applicant.post(`/documents/${letter.body.items[0].id}/delete`)).status).toBe(200);
    const refused = await applicant.post(`/tasks/${encodeURIComponent(revise)}/decision`, {
      decision: 'resubmit',
      data: { title: 'Resubmitted by task (v2)' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'intake_rules_failed' });
    expect(refused.body.error.details).toEqual([
      expect.objectContaining({
        path: 'documentIds',
        rule: 'required_documents',
        figures: expect.objectContaining({ missing: 'letter_of_support' }),
      }),
    ]);
    expect((await h.db.prisma.task.findUniqueOrThrow({ where: { id: revise } })).status).toBe('open');
    // The same refusal on the proposal's own resubmit route (one rule).
    const viaRoute = await applicant.post(`/proposals/${id}/resubmit`, { title: 'Resubmitted by task (v2)' });
    expect([viaRoute.status, viaRoute.body.error.details[0].rule]).toEqual([400, 'required_documents']);

    // With a new letter on the proposal (its task named), the same decision goes through.
    const again = await request(h.app)
      .post(`/proposals/${id}/documents`)
      .set('Authorization', `Bearer ${await token('applicant')}`)
      .field('documentType', 'letter_of_support')
      .field('taskId', revise)
      .attach('file', pdf('the new letter'), 'new letter.pdf');
    expect(again.status).toBe(201);
    const ok = await applicant.post(`/tasks/${encodeURIComponent(revise)}/decision`, {
      decision: 'resubmit',
      data: { title: 'Resubmitted by task (v2)' },
    });
    expect(ok.status).toBe(200);
  } finally {
    await h.db.prisma.call.update({ where: { id: 'call-kg' }, data: { requiredDocumentTypes: [] } });
  }
});

test('expert CVs on roster profiles: uploaded by the expert, scanned, downloadable once clean by those who see the profile, by no other expert', async () => {
  const bytes = pdf('CV of expert one');
  const notCv = await uploadAs('expert1', '/experts/exp-001/documents', [{ name: 'cv.pdf', bytes }], 'budget_detail');
  expect([notCv.status, notCv.body.error.details[0].path]).toEqual([400, 'documentType']);
  // Another expert's profile: as if it did not exist, for upload, list and download alike.
  expect((await uploadAs('expert2', '/experts/exp-001/documents', [{ name: 'cv.pdf', bytes }], 'cv')).status).toBe(404);
  // A CO approver reads profiles but does not keep them.
  expect((await uploadAs('coKg', '/experts/exp-001/documents', [{ name: 'cv.pdf', bytes }], 'cv')).status).toBe(403);

  const up = await uploadAs('expert1', '/experts/exp-001/documents', [{ name: 'Резюме.pdf', bytes }], 'cv');
  expect(up.status).toBe(201);
  const doc = up.body.items[0];
  expect(doc).toMatchObject({ subjectType: 'expert', subjectId: 'exp-001', documentType: 'cv', sha256: sha(bytes) });
  await eventually(async () => (await docState(doc.id)) === 'clean', 30_000);

  for (const who of ['fundManager', 'coKg', 'admin', 'expert1'] as const) {
    const list = await as(h.app, await token(who)).get('/experts/exp-001/documents');
    expect([who, list.status]).toEqual([who, 200]);
    expect(list.body.items).toEqual([expect.objectContaining({ id: doc.id, scanState: 'clean', downloadable: true })]);
    const got = await as(h.app, await token(who))
      .get(`/documents/${doc.id}/content`)
      .buffer(true);
    expect([who, got.status, sha(got.body as Buffer)]).toEqual([who, 200, sha(bytes)]);
    expect(got.headers['content-disposition']).toMatch(/^attachment;/);
  }
  for (const who of ['expert2', 'applicant', 'reviewer1'] as const) {
    const r = as(h.app, await token(who));
    // Roles that never read the roster are refused by role (403), as for the profile itself; another expert gets 404.
    expect([who, (await r.get('/experts/exp-001/documents')).status]).toEqual([who, who === 'expert2' ? 404 : 403]);
    expect([who, (await r.get(`/documents/${doc.id}/content`)).status]).toEqual([who, 404]);
  }

  // An infected CV is quarantined: never served, even to its uploader.
  const virus = await uploadAs(
    'expert1',
    '/experts/exp-001/documents',
    [{ name: 'cv2.pdf', bytes: Buffer.concat([pdf('cv two'), Buffer.from(TEST_MALWARE_MARKER)]) }],
    'cv',
  );
  expect(virus.status).toBe(201);
  const virusId = virus.body.items[0].id as string;
  await eventually(async () => (await docState(virusId)) === 'infected', 30_000);
  for (const who of ['expert1', 'fundManager'] as const)
    expect((await as(h.app, await token(who)).get(`/documents/${virusId}/content`)).body.error.code).toBe(
      'document_quarantined',
    );
  const audit = await h.db.prisma.auditEvent.findMany({ where: { subjectType: 'expert', subjectId: 'exp-001' } });
  expect(audit.map((a) => a.action)).toEqual(
    expect.arrayContaining(['document_uploaded', 'document_scanned_clean', 'document_downloaded', 'document_infected']),
  );
  // The uploader (in its language, linking to its profile page) and the fund managers are told, through the outbox.
  const mails = await eventually(async () => {
    const rows = await h.db.prisma.outbox.findMany({ where: { template: 'cv_quarantined' } });
    return rows.length >= 2 && rows.every((r) => r.status === 'sent') ? rows : undefined;
  }, 30_000);
  const toExpert = mails.find((m) => m.toEmail === DEMO_USERS.expert1.email)!;
  const toFund = mails.find((m) => m.toEmail === DEMO_USERS.fundManager.email)!;
  expect(toExpert.text).toContain('cv2.pdf');
  expect(toExpert.text).toMatch(/RusUndp\.Test\.Marker/);
  expect(toExpert.text).toMatch(/\/app\/profile\b/);
  expect(toFund.text).toContain('/app/roster/exp-001');
  for (const m of [toExpert, toFund])
    expect(h.smtp.mails.some((sent) => sent.to.includes(m.toEmail) && sent.subject === m.subject)).toBe(true);
});
