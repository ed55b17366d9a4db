import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_USERS } from '../../domain/demo';
import { as, startApiHarness, type ApiHarness, type DemoKey } from '../api/harness';
import { proposalPayload } from '../fixtures/payloads';
import { eventually } from '../helpers/wait';

/**
 * The grant agreement: generated in English and Russian when the proposal reaches contracting,
 * shown to the signers, signed by naming the version read and confirming its statement, stamped
 * with both signatures as a new version, downloadable; its text read back with pdftotext.
 */
let h: ApiHarness;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agreement-test-'));

beforeAll(async () => {
  h = await startApiHarness('agreement');
});
afterAll(async () => {
  await h?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function taskOf(who: DemoKey, subjectId: string, kind: string) {
  return eventually(
    async () => {
      const res = await as(h.app, await h.token(who)).get('/tasks?pageSize=100');
      const t = (res.body.items as { id: string; kind: string; subject: { id: string } }[]).find(
        (x) => x.subject.id === subjectId && x.kind === kind,
      );
      return t ? (await as(h.app, await h.token(who)).get(`/tasks/${encodeURIComponent(t.id)}`)).body : undefined;
    },
    60_000,
    200,
  );
}

async function decide(who: DemoKey, subjectId: string, kind: string, body: Record<string, unknown>) {
  const task = await taskOf(who, subjectId, kind);
  return as(h.app, await h.token(who)).post(`/tasks/${encodeURIComponent(task.id)}/decision`, body);
}

async function download(who: DemoKey, id: string): Promise<Buffer> {
  const res = await as(h.app, await h.token(who))
    .get(`/documents/${id}/content`)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  return res.body as Buffer;
}

function pdfText(bytes: Buffer, name: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

test('generated in EN and RU at contracting, signed with the statement and SHA-256, stamped with both signatures', async () => {
  const created = await as(h.app, await h.token('applicant')).post(
    '/proposals',
    proposalPayload({ title: 'Glacial lake early warning' }),
  );
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect((await decide('coKg', id, 'co_endorsement', { decision: 'endorse' })).status).toBe(200);
  expect(
    (
      await decide('fundManager', id, 'assign_reviewers', {
        decision: 'assign',
        data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] },
      })
    ).status,
  ).toBe(200);
  for (const r of ['reviewer1', 'reviewer2'] as const) {
    expect(
      (
        await decide(r, id, 'conflict_declaration', {
          decision: 'declare_no_conflict',
          data: { noConflictDeclared: true },
        })
      ).status,
    ).toBe(200);
    const scoring = await taskOf(r, id, 'review_score');
    const keys = ((scoring.context.rubric ?? []) as { key: string }[]).map((k) => k.key);
    expect(
      (
        await decide(r, id, 'review_score', {
          decision: 'submit_score',
          data: { scores: Object.fromEntries(keys.map((k) => [k, 85])) },
        })
      ).status,
    ).toBe(200);
  }
  expect((await decide('fundManager', id, 'selection_decision', { decision: 'select' })).status).toBe(200);

  // The signature task shows both versions, with their SHA-256 and statement.
  const signTask = await taskOf('applicant', id, 'contract_signature');
  const docs = signTask.context.agreement.documents as {
    id: string;
    language: string;
    sha256: string;
    statement: string;
  }[];
  expect(docs.map((d) => d.language).sort()).toEqual(['en', 'ru']);
  const en = docs.find((d) => d.language === 'en')!;
  const ru = docs.find((d) => d.language === 'ru')!;
  const enBytes = await download('applicant', en.id);
  expect(createHash('sha256').update(enBytes).digest('hex')).toBe(en.sha256);
  expect(pdfText(enBytes, 'en.pdf')).toMatch(
    /GRANT AGREEMENT.*Tomsk Polytechnic University.*USD 30,000\.00.*Awaiting the signatures/,
  );

  // Signing needs the statement, word for word, and the SHA-256 of a version shown.
  const noStatement = await decide('applicant', id, 'contract_signature', { decision: 'sign' });
  expect(noStatement.status).toBe(400);
  const wrongSha = await decide('applicant', id, 'contract_signature', {
    decision: 'sign',
    data: { documentSha256: 'a'.repeat(64), statement: en.statement },
  });
  expect(wrongSha.status).toBe(400);
  const wrongWords = await decide('applicant', id, 'contract_signature', {
    decision: 'sign',
    data: { documentSha256: en.sha256, statement: 'ok' },
  });
  expect(wrongWords.status).toBe(400);
  expect(
    (
      await decide('applicant', id, 'contract_signature', {
        decision: 'sign',
        data: { documentSha256: en.sha256, statement: en.statement },
      })
    ).status,
  ).toBe(200);
  const coSigned = await decide('coKg', id, 'contract_signature', {
    decision: 'sign',
    data: { documentSha256: ru.sha256, statement: ru.statement },
  });
  expect(coSigned.status).toBe(200);
  // The answer comes once the signature is recorded; the stamping and the move to the mission follow.
  expect(['contracting', 'mission']).toContain(coSigned.body.stage);
  await eventually(async () => {
    const res = await as(h.app, await h.token('coKg')).get(`/proposals/${id}`);
    return res.body.stage === 'mission';
  }, 30_000);

  // Stamped: a new version of each language, with both signatures; the originals are kept.
  const list = await eventually(async () => {
    const res = await as(h.app, await h.token('coKg')).get(`/proposals/${id}/documents`);
    const agreements = (
      res.body.items as { id: string; documentType: string; version: number; language: string; signatures: unknown[] }[]
    ).filter((d) => d.documentType === 'grant_agreement');
    return agreements.length === 4 ? agreements : undefined;
  }, 30_000);
  const stampedRu = list.find((d) => d.language === 'ru' && d.version === 2)!;
  const originalEn = list.find((d) => d.language === 'en' && d.version === 1)!;
  expect(originalEn.signatures).toEqual([
    expect.objectContaining({ signerId: DEMO_USERS.applicant.id, sha256: en.sha256, statement: en.statement }),
  ]);
  const text = pdfText(await download('applicant', stampedRu.id), 'ru-signed.pdf');
  expect(text).toContain('ГРАНТОВОЕ СОГЛАШЕНИЕ');
  expect(text).toContain('ПОДПИСАНО ОБЕИМИ СТОРОНАМИ');
  expect(text).toContain('Tomsk Polytechnic University');
  expect(text).toContain('Ministry of Emergency Situations');
  expect(text).toContain('30 000,00 долл. США');
  expect(text).toContain(`Подписано: ${DEMO_USERS.applicant.name}`);
  expect(text).toContain(`Подписано: ${DEMO_USERS.coKg.name}`);
  expect(text).toContain(ru.statement);
  expect(text).toContain(en.sha256);

  const audit = await h.db.prisma.auditEvent.findMany({
    where: { subjectId: id, action: { in: ['agreement_generated', 'document_signed', 'agreement_stamped'] } },
  });
  expect(audit.map((a) => a.action).sort()).toEqual([
    'agreement_generated',
    'agreement_generated',
    'agreement_stamped',
    'agreement_stamped',
    'document_signed',
    'document_signed',
  ]);
});
