import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_USERS } from '../../domain/demo';
import { as, startApiHarness, type ApiHarness, type DemoKey } from '../api/harness';
import { expertRequestPayload, proposalPayload } from '../fixtures/payloads';
import request from 'supertest';
import { eventually } from '../helpers/wait';

/**
 * The grant agreement and the expert's individual contract: generated in English and Russian when
 * the proposal or request reaches contracting, shown to the signers, signed by naming the version
 * read and confirming its statement, stamped with both signatures as a new version, downloadable;
 * their text read back with pdftotext. The worker's Clock is compressed and shows a calendar some
 * weeks ahead of the real date: documents and signatures carry the Clock's date, not the workflow's.
 */
let h: ApiHarness;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agreement-test-'));
const DAY_MS = 86_400_000;
/** 06:00 UTC 40 days from now: a calendar hour lasts 2.5 real minutes, so the calendar day holds for the file. */
const calendarStart = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + 40 * DAY_MS + 6 * 3_600_000);
const calendarDay = calendarStart.toISOString().slice(0, 10);
const realDay = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  h = await startApiHarness('agreement', { clock: { dayMs: DAY_MS / 576, from: calendarStart } });
});
afterAll(async () => {
  await h?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

type Who = DemoKey | { email: string };

async function tokenOf(who: Who): Promise<string> {
  if (typeof who === 'string') return h.token(who);
  const res = await request(h.app).post('/auth/dev-token').send({ email: who.email });
  expect(res.status).toBe(200);
  return res.body.token as string;
}

async function taskOf(who: Who, subjectId: string, kind: string) {
  const token = await tokenOf(who);
  return eventually(
    async () => {
      const res = await as(h.app, token).get('/tasks?pageSize=100');
      const t = (res.body.items as { id: string; kind: string; subject: { id: string } }[]).find(
        (x) => x.subject.id === subjectId && x.kind === kind,
      );
      return t ? (await as(h.app, token).get(`/tasks/${encodeURIComponent(t.id)}`)).body : undefined;
    },
    60_000,
    200,
  );
}

async function decide(who: Who, subjectId: string, kind: string, body: Record<string, unknown>) {
  const task = await taskOf(who, subjectId, kind);
  return as(h.app, await tokenOf(who)).post(`/tasks/${encodeURIComponent(task.id)}/decision`, body);
}

async function download(who: Who, id: string): Promise<Buffer> {
  const res = await as(h.app, await tokenOf(who))
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
  const enText = pdfText(enBytes, 'en.pdf');
  expect(enText).toMatch(/GRANT AGREEMENT.*Tomsk Polytechnic University.*USD 30,000\.00.*Awaiting the signatures/);
  // Dated by the Clock (weeks ahead of the real date here), not by the workflow's time.
  expect(enText).toContain(`Date: ${calendarDay}`);
  expect(enText).not.toContain(`Date: ${realDay()}`);

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
  expect(text).toContain(`Дата: ${calendarDay}`);
  expect(text).toContain(`Подписано: ${DEMO_USERS.coKg.name} (co_approver, UNDP Kyrgyzstan) ${calendarDay}`);

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

test("an expert's individual contract: generated in EN and RU at contracting with the fee, deliverables and the dated DSA rate, downloadable by the parties only", async () => {
  const co = as(h.app, await h.token('coKg'));
  const payload = expertRequestPayload({ title: 'Avalanche risk zoning for Suusamyr' });
  const created = await co.post('/expert-requests', payload);
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect((await decide('coKg2', id, 'co_endorsement', { decision: 'endorse' })).status).toBe(200);
  expect((await decide('fundManager', id, 'shortlist_review', { decision: 'confirm' })).status).toBe(200);
  const shortlist = (await as(h.app, await h.token('fundManager')).get(`/expert-requests/${id}`)).body.shortlist as {
    expertId: string;
    userId: string;
  }[];
  const users = await h.db.prisma.user.findMany({
    where: { id: { in: shortlist.map((e) => e.userId) } },
    select: { id: true, email: true },
  });
  const who = (userId: string) => ({ email: users.find((u) => u.id === userId)!.email });
  for (const e of shortlist.slice(0, 3))
    expect(
      (
        await decide(who(e.userId), id, 'invitation_response', {
          decision: 'accept',
          data: { availabilityConfirmed: true, noConflictDeclared: true },
        })
      ).status,
    ).toBe(200);
  for (const e of shortlist.slice(3))
    expect(
      (await decide(who(e.userId), id, 'invitation_response', { decision: 'decline', data: { reason: 'Busy' } }))
        .status,
    ).toBe(200);
  const selection = await taskOf('coKg', id, 'candidate_selection');
  const chosen = (selection.context.candidates as { expertId: string; name: string; dailyFeeCents: number }[])[0];
  const chosenUser = shortlist.find((e) => e.expertId === chosen.expertId)!.userId;
  const selected = await decide('coKg', id, 'candidate_selection', {
    decision: 'select',
    data: { expertIds: [chosen.expertId] },
  });
  expect(selected.status).toBe(200);
  const feeTask = await h.db.prisma.task.findFirst({ where: { subjectId: id, kind: 'fee_approval' } });
  if (feeTask)
    expect(
      (
        await decide('fundManager', id, 'fee_approval', {
          decision: 'approve',
          data: { justification: 'Bureau Director approved' },
        })
      ).status,
    ).toBe(200);
  // The signers' tasks open once the contract is stored with the request.
  await taskOf(who(chosenUser), id, 'contract_signature');
  const docs = (await co.get(`/expert-requests/${id}/documents`)).body.items as {
    id: string;
    documentType: string;
    language: string;
    version: number;
    sha256: string;
    name: string;
  }[];
  const contracts = docs.filter((d) => d.documentType === 'individual_contract');
  expect(contracts.map((d) => [d.language, d.version]).sort()).toEqual([
    ['en', 1],
    ['ru', 1],
  ]);
  const en = contracts.find((d) => d.language === 'en')!;
  const ru = contracts.find((d) => d.language === 'ru')!;
  expect(en.name).toBe(`Individual contract ${id} EN.pdf`);
  expect(ru.name).toBe(`Индивидуальный контракт ${id} RU.pdf`);

  // The expert reads it; the text carries the parties, the fee, the deliverables, the dates and
  // the DSA rate of the dated table (Kyrgyzstan, USD 160 from 2019-01-01) with its rule set.
  const enBytes = await download(who(chosenUser), en.id);
  expect(createHash('sha256').update(enBytes).digest('hex')).toBe(en.sha256);
  const fee = chosen.dailyFeeCents / 100;
  const enText = pdfText(enBytes, 'ic-en.pdf');
  for (const part of [
    'INDIVIDUAL CONTRACT',
    `Individual Contractor: ${chosen.name}`,
    'UNDP: United Nations Development Programme (UNDP), Russia-UNDP Partnership, UNDP Kyrgyzstan (Kyrgyzstan)',
    'Avalanche risk zoning for Suusamyr',
    'National partner: Ministry of Emergency Situations',
    'Modality: mission to the country',
    'Period: 2027-02-01 to 2027-04-15',
    'Working days: 20',
    `Daily fee: USD ${fee.toLocaleString('en-US', { minimumFractionDigits: 2 })}`,
    'Contract value (lump sum): USD 6,000.00',
    'Deliverable 1: “Inception report” — USD 2,000.00, due 2027-02-15',
    'Deliverable 2: “Hazard maps and recommendations” — USD 4,000.00, due 2027-03-31',
    'Destination: Bishkek and Naryn',
    'Travel days: 7',
    'USD 160.00 per day (rate in force from 2019-01-01',
    'DSA for the mission: USD 1,120.00',
    'A daily fee above USD 1,800.00 needs the approval of the Bureau Director.',
    'Awaiting the signatures',
    `Date: ${calendarDay}`,
  ])
    expect(enText).toContain(part);
  expect(enText).toContain('source: illustrative: order of magnitude of the ICSC monthly DSA circular');
  expect(enText).toMatch(/rule set “[^”]+”, effective from \d{4}-\d{2}-\d{2}/);

  const ruText = pdfText(await download('coKg', ru.id), 'ic-ru.pdf');
  for (const part of [
    'ИНДИВИДУАЛЬНЫЙ КОНТРАКТ',
    `Индивидуальный подрядчик: ${chosen.name}`,
    'UNDP Kyrgyzstan (Кыргызстан)',
    'Формат: командировка в страну',
    'Период: 2027-02-01 по 2027-04-15',
    `Дневная ставка: ${fee.toLocaleString('ru-RU', { minimumFractionDigits: 2 }).replace(/\u202f|\u00a0/g, ' ')} долл. США`,
    'Стоимость контракта (фиксированная сумма): 6 000,00 долл. США',
    'Результат 1: “Inception report” — 2 000,00 долл. США, срок 2027-02-15',
    'Результат 2: “Hazard maps and recommendations” — 4 000,00 долл. США, срок 2027-03-31',
    '160,00 долл. США в день (ставка действует с 2019-01-01',
    'Суточные за командировку: 1 120,00 долл. США',
    'Ожидает подписей',
    `Дата: ${calendarDay}`,
    // The dated DSA table's source, in Russian.
    'источник: ориентировочно: порядок величины по ежемесячному циркуляру КМГС о ставках суточных',
  ])
    expect(ruText).toContain(part);
  expect(ruText).not.toMatch(/illustrative|order of magnitude|circular|ICSC/i);

  // The fund manager reads it; an expert who accepted but was not selected sees the request, never the contract (its fee).
  await download('fundManager', ru.id);
  const other = as(h.app, await tokenOf(who(shortlist.slice(0, 3).find((e) => e.userId !== chosenUser)!.userId)));
  expect((await other.get(`/expert-requests/${id}`)).status).toBe(200);
  const seen = (await other.get(`/expert-requests/${id}/documents`)).body.items as { documentType: string }[];
  expect(seen.filter((d) => d.documentType === 'individual_contract')).toEqual([]);
  expect((await other.get(`/documents/${en.id}/content`)).status).toBe(404);
  const audit = await h.db.prisma.auditEvent.count({ where: { subjectId: id, action: 'agreement_generated' } });
  expect(audit).toBe(2);

  // Signing: the task shows both versions; a signature without the SHA-256 of one, or with another
  // document's, is refused field by field (the workflow's Update validator) and changes nothing.
  const signTask = await taskOf(who(chosenUser), id, 'contract_signature');
  const shown = signTask.context.agreement.documents as {
    id: string;
    language: string;
    sha256: string;
    statement: string;
  }[];
  expect(shown.map((d) => [d.language, d.sha256]).sort()).toEqual([
    ['en', en.sha256],
    ['ru', ru.sha256],
  ]);
  expect(shown.find((d) => d.language === 'en')!.statement).toBe('I have read and sign the individual contract');
  const unsigned = await decide(who(chosenUser), id, 'contract_signature', { decision: 'sign' });
  expect(unsigned.status).toBe(400);
  expect(unsigned.body.error.details).toEqual([expect.objectContaining({ path: 'data.documentSha256' })]);
  const grantSha = (await h.db.prisma.document.findFirst({ where: { documentType: 'grant_agreement' } }))?.sha256;
  const otherDocument = await decide(who(chosenUser), id, 'contract_signature', {
    decision: 'sign',
    data: { documentSha256: grantSha ?? 'b'.repeat(64), statement: shown[0].statement },
  });
  expect(otherDocument.status).toBe(400);
  expect(otherDocument.body.error.details).toEqual([expect.objectContaining({ path: 'data.documentSha256' })]);
  const wrongWords = await decide(who(chosenUser), id, 'contract_signature', {
    decision: 'sign',
    data: { documentSha256: en.sha256, statement: 'I agree' },
  });
  expect(wrongWords.status).toBe(400);
  expect(wrongWords.body.error.details).toEqual([expect.objectContaining({ path: 'data.statement' })]);
  expect(await h.db.prisma.task.count({ where: { subjectId: id, kind: 'contract_signature', status: 'done' } })).toBe(
    0,
  );
  const enShown = shown.find((d) => d.language === 'en')!;
  const ruShown = shown.find((d) => d.language === 'ru')!;
  expect(
    (
      await decide(who(chosenUser), id, 'contract_signature', {
        decision: 'sign',
        data: { documentSha256: enShown.sha256, statement: enShown.statement },
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await decide('coKg', id, 'contract_signature', {
        decision: 'sign',
        data: { documentSha256: ruShown.sha256, statement: ruShown.statement },
      })
    ).status,
  ).toBe(200);

  // Stamped with both signatures as version 2 of each language, listed with the request's documents; the originals keep their signatures.
  const signedList = await eventually(async () => {
    const res = await co.get(`/expert-requests/${id}/documents`);
    const items = (
      res.body.items as {
        id: string;
        documentType: string;
        version: number;
        language: string;
        name: string;
        signatures: unknown[];
      }[]
    ).filter((d) => d.documentType === 'individual_contract');
    return items.length === 4 ? items : undefined;
  }, 30_000);
  const stampedRu = signedList.find((d) => d.language === 'ru' && d.version === 2)!;
  expect(stampedRu.name).toBe(`Индивидуальный контракт ${id} (подписано) RU.pdf`);
  expect(signedList.find((d) => d.language === 'en' && d.version === 1)!.signatures).toEqual([
    expect.objectContaining({ signerId: chosenUser, sha256: en.sha256, statement: enShown.statement }),
  ]);
  const stampedText = pdfText(await download(who(chosenUser), stampedRu.id), 'ic-ru-signed.pdf');
  for (const part of [
    'ИНДИВИДУАЛЬНЫЙ КОНТРАКТ',
    'ПОДПИСАНО ОБЕИМИ СТОРОНАМИ',
    `Дата: ${calendarDay}`,
    `Подписано: ${DEMO_USERS.coKg.name} (co_approver, UNDP Kyrgyzstan) ${calendarDay}`,
    ruShown.statement,
    enShown.statement,
    en.sha256,
    ru.sha256,
  ])
    expect(stampedText).toContain(part);
  expect(stampedText).toContain(`Подписано: ${chosen.name} (expert) ${calendarDay}`);
  expect(stampedText).not.toMatch(/illustrative|ICSC/i);
  const signedAudit = await h.db.prisma.auditEvent.findMany({
    where: { subjectId: id, action: { in: ['document_signed', 'agreement_stamped'] } },
  });
  expect(signedAudit.map((a) => a.action).sort()).toEqual([
    'agreement_stamped',
    'agreement_stamped',
    'document_signed',
    'document_signed',
  ]);
});
