import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { addDays } from '../../domain/calendar';
import { stipendCentsOn } from '../../domain/policy/internship';
import type { Clock } from '../../lib/clock';
import { compressedClock } from '../helpers/sla';
import { eventually } from '../helpers/wait';
import { as, stageInternshipDocuments, startApiHarness, startCompressedWorker, type ApiHarness } from './harness';

/**
 * Internships over real HTTP, from the Country Office's posting to the certificate, by the right
 * users: the Country Office posts, a student (an applicant of TPU) applies, TPU's university
 * contact verifies, the Country Office shortlists, interviews and selects, the student and the
 * Country Office sign, the student completes onboarding, the stipend is paid monthly on a
 * compressed Clock (a day lasts DAY_MS), the supervisor evaluates and the student reports.
 * Scope: another university's student sees nothing of it; another Country Office cannot post for KG.
 * Then the scope of one person: a fellow student of the same university, and a Country Office
 * approver who does not supervise the posting, see and act on nothing of an application.
 */
const DAY_MS = 200;
let h: ApiHarness;
let clock: Clock;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  h = await startApiHarness('internships', { worker: false });
  clock = compressedClock(h.db.prisma, DAY_MS);
  stopWorker = await startCompressedWorker(h, DAY_MS, h.taskQueue, clock);
  await h.db.prisma.user.create({
    data: {
      id: 'u-uni-tpu',
      email: 'internships@tpu.example.org',
      name: 'TPU internships office',
      role: 'university_contact',
      institutionId: 'inst-tpu',
    },
  });
  // A second TPU student: same university as the demo applicant, a different person.
  await h.db.prisma.user.create({
    data: {
      id: 'u-student-b-tpu',
      email: 'student.b@tpu.example.org',
      name: 'Boris Ivanov',
      role: 'applicant',
      institutionId: 'inst-tpu',
    },
  });
});

afterAll(async () => {
  await stopWorker?.();
  await h?.stop();
});

type Task = { id: string; kind: string; subject: { id: string } };

async function tokenOf(email: string): Promise<string> {
  const res = await request(h.app).post('/auth/dev-token').send({ email });
  expect(res.status).toBe(200);
  return res.body.token as string;
}

test('HTTP lifecycle: posting by the Country Office, application by a student to the certificate, refusals and scope', async () => {
  const co = as(h.app, await h.token('coKg'));
  const coTj = as(h.app, await h.token('coTj'));
  const student = as(h.app, await h.token('applicant'));
  const otherUniversity = as(h.app, await h.token('applicant2'));
  const expert = as(h.app, await h.token('expert1'));
  const uni = as(h.app, await tokenOf('internships@tpu.example.org'));

  const today = clock.today(await clock.office('KG'));
  const posting = {
    title: 'Intern, Climate and Energy',
    countryCode: 'KG',
    hostOffice: 'UNDP Kyrgyzstan',
    unit: 'Climate, Energy and Environment',
    supervisorName: 'Aida Bekova',
    months: 3,
    startWindowFrom: addDays(today, 40),
    startWindowTo: addDays(today, 60),
    termsOfReference: 'Research support for the small hydropower portfolio.',
    languages: ['en', 'ru'],
    fieldOfStudy: 'Energy economics',
    places: 2,
    applicationDeadline: addDays(today, 40),
  };

  // Refusals name the field, and start nothing.
  const tooLong = await co.post('/internship-postings').send({ ...posting, months: 9 });
  expect(tooLong.status).toBe(400);
  expect(tooLong.body.error.details.map((d: { path: string }) => d.path)).toEqual(['months']);
  expect((await coTj.post('/internship-postings').send(posting)).status).toBe(403);
  expect((await student.post('/internship-postings').send(posting)).status).toBe(403);
  expect(await h.db.prisma.internshipPosting.count()).toBe(0);

  const posted = await co.post('/internship-postings').send(posting);
  expect(posted.status).toBe(201);
  expect(posted.body).toMatchObject({ status: 'open', places: 2, placesFilled: 0 });
  const postingId = posted.body.id as string;
  expect((await student.get('/internship-postings?status=open')).body.items.map((p: { id: string }) => p.id)).toContain(
    postingId,
  );
  expect((await coTj.get(`/internship-postings/${postingId}`)).status).toBe(404);
  const extended = await co
    .post(`/internship-postings/${postingId}/extend`)
    .send({ applicationDeadline: addDays(today, 45) });
  expect(extended.status).toBe(400);
  expect(extended.body.error.details.map((d: { path: string }) => d.path)).toEqual(['applicationDeadline']);

  const application = {
    postingId,
    masterProgramme: 'MA International Relations',
    degree: 'masters',
    studyYear: 2,
    enrolmentStatus: 'enrolled',
    fieldOfStudy: 'Energy economics',
    languages: ['en', 'ru'],
    motivation: 'Research on small hydropower.',
    documentIds: [] as string[],
  };
  const noDate = await student.post('/internships').send({ ...application, enrolmentStatus: 'graduated' });
  expect(noDate.status).toBe(400);
  expect(noDate.body.error.details.map((d: { path: string }) => d.path)).toEqual(['graduationDate']);
  const noPosting = await student.post('/internships').send({ ...application, postingId: 'ip-nothing' });
  expect(noPosting.status).toBe(400);
  expect(noPosting.body.error.details.map((d: { path: string }) => d.path)).toEqual(['postingId']);
  expect((await expert.post('/internships').send({ ...application, documentIds: [] })).status).toBe(403);
  // The CV and the proof of enrolment (registry: documents.requiredTypes, atSubmission) come with the application.
  const studentToken = await h.token('applicant');
  const [cvId, proofId] = await stageInternshipDocuments(h.app, studentToken);
  const noDocuments = await student.post('/internships').send({ ...application, documentIds: [] });
  expect(noDocuments.status).toBe(400);
  expect(noDocuments.body.error.details.map((d: { path: string; message: string }) => d.message)).toEqual([
    expect.stringContaining('(cv)'),
    expect.stringContaining('(proof_of_enrolment)'),
  ]);
  const noProof = await student.post('/internships').send({ ...application, documentIds: [cvId] });
  expect(noProof.status).toBe(400);
  expect(noProof.body.error.details).toEqual([
    { path: 'documentIds', message: expect.stringContaining('proof_of_enrolment') },
  ]);
  expect(await h.db.prisma.internship.count()).toBe(0);

  const created = await student.post('/internships').send({ ...application, documentIds: [cvId, proofId] });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect(created.body.workflowId).toBe(`internship-${id}`);

  // A university sees its own students only; a Country Office its country's.
  expect((await otherUniversity.get(`/internships/${id}`)).status).toBe(404);
  expect((await otherUniversity.get('/internships')).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
  expect((await coTj.get(`/internships/${id}`)).status).toBe(404);
  expect((await uni.get(`/internships/${id}`)).status).toBe(200);
  expect((await co.get('/internships')).body.items.map((i: { id: string }) => i.id)).toContain(id);
  expect((await student.get('/internships/in-nothing')).status).toBe(404);

  const taskOf = async (client: typeof co, kind: string) =>
    eventually(async () => {
      const res = await client.get(`/tasks?subject=${id}&pageSize=50`);
      return (res.body.items as Task[]).find((t) => t.kind === kind);
    }, 90_000);
  const decide = (client: typeof co, task: Task, payload: object) =>
    client.post(`/tasks/${encodeURIComponent(task.id)}/decision`).send(payload);

  const verification = await taskOf(uni, 'internship_university_verification');
  // A task waits for its assignee only: to anyone else (another university's student, the student) it does not exist.
  expect((await decide(otherUniversity, verification, { decision: 'verify' })).status).toBe(404);
  expect((await decide(student, verification, { decision: 'verify', data: { enrolmentConfirmed: true } })).status).toBe(
    404,
  );
  const unconfirmed = await decide(uni, verification, { decision: 'verify', data: {} });
  expect(unconfirmed.status).toBe(400);
  expect(unconfirmed.body.error.details.map((d: { path: string }) => d.path)).toEqual(['data.enrolmentConfirmed']);
  await decide(uni, verification, { decision: 'verify', data: { enrolmentConfirmed: true } }).expect(200);

  await decide(co, await taskOf(co, 'internship_shortlist'), { decision: 'shortlist' }).expect(200);
  await decide(co, await taskOf(co, 'internship_interview'), {
    decision: 'select',
    data: { interviewDate: today, notes: 'Strong analytical skills.' },
  }).expect(200);
  expect((await co.get(`/internship-postings/${postingId}`)).body.placesFilled).toBe(1);
  // Past selection, the student can no longer withdraw.
  expect((await student.post(`/internships/${id}/withdraw`).send({ reason: 'changed my mind' })).status).toBe(409);

  await decide(student, await taskOf(student, 'contract_signature'), { decision: 'sign' }).expect(200);
  await decide(co, await taskOf(co, 'contract_signature'), { decision: 'sign' }).expect(200);
  await decide(student, await taskOf(student, 'internship_onboarding'), {
    decision: 'complete',
    data: { insurancePolicy: 'Ingosstrakh 12345', insuranceValidTo: addDays(today, 200) },
  }).expect(200);
  await decide(co, await taskOf(co, 'internship_midterm_review'), {
    decision: 'submit',
    data: { rating: 4, narrative: 'On track.' },
  }).expect(200);
  await decide(co, await taskOf(co, 'internship_final_evaluation'), {
    decision: 'submit',
    data: { rating: 5, narrative: 'Excellent.' },
  }).expect(200);
  await decide(student, await taskOf(student, 'internship_final_report'), {
    decision: 'submit_report',
    data: { report: 'Three months on the hydropower portfolio.' },
  }).expect(200);

  const closed = await eventually(async () => {
    const r = (await student.get(`/internships/${id}`)).body;
    return r.stage === 'closed' ? r : null;
  }, 30_000);
  expect(closed.agreement.kind).toBe('internship_agreement');
  // Its documents: the student's CV and proof of enrolment, the agreement and the certificate (EN, RU), generated.
  const documents = (await student.get(`/internships/${id}/documents`)).body.items as {
    id: string;
    documentType: string;
    language: string | null;
  }[];
  expect(documents.map((d) => `${d.documentType}${d.language ? `:${d.language}` : ''}`).sort()).toEqual([
    'cv',
    'internship_agreement:en',
    'internship_agreement:ru',
    'internship_certificate:en',
    'internship_certificate:ru',
    'proof_of_enrolment',
  ]);
  const pdfText = async (documentType: string, language: string) => {
    const doc = documents.find((d) => d.documentType === documentType && d.language === language)!;
    const res = await student
      .get(`/documents/${doc.id}/content`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'internship-pdf-')), 'doc.pdf');
    fs.writeFileSync(file, res.body as Buffer);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  };
  const agreementEn = await pdfText('internship_agreement', 'en');
  expect(agreementEn).toContain('INTERNSHIP AGREEMENT');
  expect(agreementEn).toContain('Intern, Climate and Energy');
  expect(agreementEn).toContain('UNDP Kyrgyzstan, Climate, Energy and Environment');
  expect(agreementEn).toContain('Aida Bekova');
  expect(agreementEn).toContain(
    `Stipend per month: USD ${(stipendCentsOn('KG', posting.startWindowFrom)!.cents / 100).toFixed(2)}`,
  );
  expect(agreementEn).toContain(`${posting.startWindowFrom} to`);
  expect(agreementEn).toContain('medical and life insurance');
  const agreementRu = await pdfText('internship_agreement', 'ru');
  expect(agreementRu).toContain('СОГЛАШЕНИЕ О СТАЖИРОВКЕ');
  expect(agreementRu).toContain('Стипендия в месяц');
  expect(agreementRu).toContain('страхование жизни');
  const certificateEn = await pdfText('internship_certificate', 'en');
  expect(certificateEn).toContain('CERTIFICATE OF INTERNSHIP');
  expect(certificateEn).toContain('Months served: 3 / 3');
  expect(certificateEn).toContain('Supervisor’s final rating: 5 out of 5');
  const certificateRu = await pdfText('internship_certificate', 'ru');
  expect(certificateRu).toContain('СЕРТИФИКАТ О ПРОХОЖДЕНИИ СТАЖИРОВКИ');
  expect(certificateRu).toContain('Отработано месяцев: 3 / 3');
  // Nobody outside the application's scope reads them.
  expect((await otherUniversity.get(`/internships/${id}/documents`)).status).toBe(404);
  expect(closed.monthsServed).toBe(3);
  const monthly = stipendCentsOn('KG', posting.startWindowFrom)!.cents / 100;
  // No parallel funder here: the fund pays the whole stipend each month.
  expect(closed.payments.map((p: { amountUsd: number }) => p.amountUsd)).toEqual([monthly, monthly, monthly]);
  // The results dashboard reads the programme's columns: the fund's share of the stipend, no co-financing, the university.
  const fm = as(h.app, await h.token('fundManager'));
  const results = await fm.get('/results/items?programme=internships&pageSize=100');
  expect(results.status).toBe(200);
  const item = results.body.items.find((i: { id: string }) => i.id === id);
  expect(item).toMatchObject({ requestedUsd: monthly * 3, coFinancingUsd: 0, party: expect.any(String) });
  expect(item.party.length).toBeGreaterThan(0);
  expect(closed.timeline.map((e: { action: string }) => e.action)).toEqual(
    expect.arrayContaining(['applied', 'enrolment_verified', 'selected', 'started', 'certificate_issued']),
  );
}, 240_000);

const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((i) => i.id);

test('scope of one person: a fellow student and a Country Office approver who does not supervise the posting get 404', async () => {
  const studentA = as(h.app, await h.token('applicant'));
  const studentB = as(h.app, await tokenOf('student.b@tpu.example.org'));
  const uni = as(h.app, await tokenOf('internships@tpu.example.org'));
  const co = as(h.app, await h.token('coKg'));
  const head = as(h.app, await h.token('coKg2'));
  const fm = as(h.app, await h.token('fundManager'));

  const today = clock.today(await clock.office('KG'));
  const posting = {
    title: 'Intern, Governance',
    countryCode: 'KG',
    hostOffice: 'UNDP Kyrgyzstan',
    unit: 'Effective Governance',
    supervisorName: 'Aigul Toktogulova',
    months: 3,
    startWindowFrom: addDays(today, 60),
    startWindowTo: addDays(today, 80),
    termsOfReference: 'Support to the e-governance portfolio.',
    languages: ['en', 'ru'],
    fieldOfStudy: 'Public administration',
    places: 2,
    applicationDeadline: addDays(today, 50),
  };
  // The supervisor is the Country Office approver posting it, or the one named; a fund manager names one of the duty station.
  const unnamed = await fm.post('/internship-postings').send(posting);
  expect(unnamed.status).toBe(400);
  expect(unnamed.body.error.details.map((d: { path: string }) => d.path)).toEqual(['supervisorEmail']);
  const otherCountry = await fm
    .post('/internship-postings')
    .send({ ...posting, supervisorEmail: 'co.tj@undp.example.org' });
  expect(otherCountry.status).toBe(400);
  expect(otherCountry.body.error.details.map((d: { path: string }) => d.path)).toEqual(['supervisorEmail']);
  const mine = await co.post('/internship-postings').send(posting);
  expect(mine.status).toBe(201);
  const headsPosting = await fm
    .post('/internship-postings')
    .send({ ...posting, title: 'Intern, Gender Equality', supervisorEmail: 'head.kg@undp.example.org' });
  expect(headsPosting.status).toBe(201);
  // The supervisor's e-mail is not part of what applicants read.
  expect(headsPosting.body.fields.supervisorEmail).toBeUndefined();

  // A supervisor sees their own postings, not the whole country's.
  expect((await head.get(`/internship-postings/${mine.body.id}`)).status).toBe(404);
  expect((await co.get(`/internship-postings/${headsPosting.body.id}`)).status).toBe(404);
  expect(ids(await head.get('/internship-postings'))).toEqual([headsPosting.body.id]);
  expect(ids(await studentB.get('/internship-postings?status=open'))).toEqual(
    expect.arrayContaining([mine.body.id, headsPosting.body.id]),
  );

  const application = {
    masterProgramme: 'MA Public Policy',
    degree: 'masters',
    studyYear: 1,
    enrolmentStatus: 'enrolled',
    fieldOfStudy: 'Public administration',
    languages: ['en', 'ru'],
    motivation: 'Digital public services.',
  };
  const a = await studentA.post('/internships').send({
    ...application,
    postingId: mine.body.id,
    documentIds: await stageInternshipDocuments(h.app, await h.token('applicant')),
  });
  expect(a.status).toBe(201);
  const b = await studentB.post('/internships').send({
    ...application,
    postingId: headsPosting.body.id,
    documentIds: await stageInternshipDocuments(h.app, await tokenOf('student.b@tpu.example.org')),
  });
  expect([b.status, b.body]).toEqual([201, expect.anything()]);
  const [idA, idB] = [a.body.id as string, b.body.id as string];

  // Each student reads, lists and writes to their own application only, although both are of TPU.
  expect((await studentB.get(`/internships/${idA}`)).status).toBe(404);
  expect((await studentA.get(`/internships/${idB}`)).status).toBe(404);
  expect((await studentB.get(`/internships/${idB}`)).status).toBe(200);
  expect(ids(await studentB.get('/internships?pageSize=100'))).toEqual([idB]);
  expect(ids(await studentA.get('/internships?pageSize=100'))).not.toContain(idB);
  expect((await studentB.get(`/internships/${idA}/messages`)).status).toBe(404);
  expect((await studentB.post(`/internships/${idA}/messages`).send({ body: 'Hello' })).status).toBe(404);
  expect((await studentB.get(`/internships/${idA}/results`)).status).toBe(404);

  // The university contact still sees both of its students' applications.
  expect((await uni.get(`/internships/${idA}`)).status).toBe(200);
  expect((await uni.get(`/internships/${idB}`)).status).toBe(200);
  expect(ids(await uni.get('/internships?pageSize=100'))).toEqual(expect.arrayContaining([idA, idB]));

  // The supervisor sees the applications to their own postings only.
  expect((await co.get(`/internships/${idA}`)).status).toBe(200);
  expect((await co.get(`/internships/${idB}`)).status).toBe(404);
  expect((await head.get(`/internships/${idB}`)).status).toBe(200);
  expect((await head.get(`/internships/${idA}`)).status).toBe(404);
  expect(ids(await head.get('/internships?pageSize=100'))).toEqual([idB]);
  expect(ids(await co.get('/internships?pageSize=100'))).not.toContain(idB);
  const pipeline = await head.get('/pipeline?programme=internships&pageSize=100');
  expect(pipeline.status).toBe(200);
  expect(ids(pipeline)).toEqual([idB]);

  // Tasks: the verification waits for the university; the office's tasks for the posting's supervisor.
  const taskOf = async (client: typeof co, subject: string, kind: string) =>
    eventually(async () => {
      const res = await client.get(`/tasks?subject=${subject}&pageSize=50`);
      return (res.body.items as Task[]).find((t) => t.kind === kind);
    }, 90_000);
  const decide = (client: typeof co, task: Task, payload: object) =>
    client.post(`/tasks/${encodeURIComponent(task.id)}/decision`).send(payload);
  await decide(uni, await taskOf(uni, idA, 'internship_university_verification'), {
    decision: 'verify',
    data: { enrolmentConfirmed: true },
  }).expect(200);
  await decide(uni, await taskOf(uni, idB, 'internship_university_verification'), {
    decision: 'verify',
    data: { enrolmentConfirmed: true },
  }).expect(200);
  const shortlistB = await taskOf(head, idB, 'internship_shortlist');
  const shortlistA = await taskOf(co, idA, 'internship_shortlist');
  expect((await co.get(`/tasks/${encodeURIComponent(shortlistB.id)}`)).status).toBe(404);
  expect((await decide(co, shortlistB, { decision: 'shortlist' })).status).toBe(404);
  expect((await head.get(`/tasks/${encodeURIComponent(shortlistA.id)}`)).status).toBe(404);
  expect((await co.get(`/tasks?subject=${idB}`)).body.items).toEqual([]);
  await decide(co, shortlistA, { decision: 'shortlist' }).expect(200);
  await decide(co, await taskOf(co, idA, 'internship_interview'), {
    decision: 'select',
    data: { interviewDate: today, notes: 'Good.' },
  }).expect(200);
  // The student's own task (the agreement's signature) exists for no fellow student.
  const signature = await taskOf(studentA, idA, 'contract_signature');
  expect((await studentB.get(`/tasks?subject=${idA}`)).body.items).toEqual([]);
  expect((await studentB.get(`/tasks/${encodeURIComponent(signature.id)}`)).status).toBe(404);
  expect((await decide(studentB, signature, { decision: 'decline' })).status).toBe(404);
  // Nor is it handed to one: the programme scopes students to their own applications (same: userId), so the
  // reassignment tool offers nobody and refuses a fellow student of the same university, for admins and fund managers.
  const admin = as(h.app, await h.token('admin'));
  for (const staff of [admin, fm]) {
    const candidates = await staff.get(`/tasks/${encodeURIComponent(signature.id)}/candidates`);
    expect(candidates.status).toBe(409);
    expect(candidates.body.error.message).toMatch(/studentUserId/);
    const handed = await staff
      .post(`/tasks/${encodeURIComponent(signature.id)}/reassign`)
      .send({ toUserId: 'u-student-b-tpu', reason: 'The student is away' });
    expect(handed.status).toBe(409);
  }
  // The supervisor's tasks too belong to the one approver the posting names (an administrator cannot hand them on).
  const officeSignature = await taskOf(co, idA, 'contract_signature');
  expect((await admin.get(`/tasks/${encodeURIComponent(officeSignature.id)}/candidates`)).status).toBe(409);

  // Early termination: only while the placement runs, with a reason, by the supervisor (others: 404).
  expect((await head.post(`/internships/${idA}/terminate`).send({ reason: 'Not mine' })).status).toBe(404);
  expect((await studentB.post(`/internships/${idA}/terminate`).send({ reason: 'Not mine' })).status).toBe(404);
  expect((await co.post(`/internships/${idA}/terminate`).send({ reason: '  ' })).status).toBe(400);
  const early = await co.post(`/internships/${idA}/terminate`).send({ reason: 'Not started yet' });
  expect(early.status).toBe(409);
  // Withdrawal: a fellow student gets 404 and changes nothing; the student who applied withdraws.
  expect((await studentB.post(`/internships/${idA}/withdraw`).send({ reason: 'not mine' })).status).toBe(404);
  expect((await studentA.get(`/internships/${idA}`)).body.stage).toBe('agreement');
  expect((await studentA.post(`/internships/${idB}/withdraw`).send({ reason: 'not mine' })).status).toBe(404);
  const withdrawn = await studentB.post(`/internships/${idB}/withdraw`).send({ reason: 'Another offer' });
  expect(withdrawn.status).toBe(200);
  expect(withdrawn.body.stage).toBe('withdrawn');
  await decide(studentA, signature, { decision: 'decline', comment: 'Not now' }).expect(200);
}, 240_000);

test('a fund manager’s cancellation is mailed to the student, the posting’s supervisor and the university, not to every approver of the country', async () => {
  const student = as(h.app, await h.token('applicant'));
  const fm = as(h.app, await h.token('fundManager'));
  const uni = as(h.app, await tokenOf('internships@tpu.example.org'));
  const today = clock.today(await clock.office('KG'));
  const title = `Intern, Communications ${Date.now()}`;
  const posted = await fm.post('/internship-postings').send({
    title,
    countryCode: 'KG',
    hostOffice: 'UNDP Kyrgyzstan',
    unit: 'Communications',
    supervisorName: 'Head of Office',
    supervisorEmail: 'head.kg@undp.example.org',
    months: 3,
    startWindowFrom: addDays(today, 60),
    startWindowTo: addDays(today, 80),
    termsOfReference: 'Stories from the field.',
    languages: ['en'],
    fieldOfStudy: 'Journalism',
    places: 1,
    applicationDeadline: addDays(today, 50),
  });
  expect(posted.status).toBe(201);
  const created = await student.post('/internships').send({
    postingId: posted.body.id,
    masterProgramme: 'MA Journalism',
    degree: 'masters',
    studyYear: 1,
    enrolmentStatus: 'enrolled',
    fieldOfStudy: 'Journalism',
    languages: ['en'],
    motivation: 'Stories.',
    documentIds: await stageInternshipDocuments(h.app, await h.token('applicant')),
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  // The university verifies; the shortlist waits for the supervisor when the fund manager cancels.
  const verification = await eventually(async () => {
    const res = await uni.get(`/tasks?subject=${id}&pageSize=50`);
    return (res.body.items as Task[]).find((t) => t.kind === 'internship_university_verification');
  }, 90_000);
  await uni
    .post(`/tasks/${encodeURIComponent(verification.id)}/decision`)
    .send({ decision: 'verify', data: { enrolmentConfirmed: true } })
    .expect(200);
  await eventually(
    async () => ((await student.get(`/internships/${id}`)).body.stage === 'selection' ? true : null),
    60_000,
  );

  const before = h.smtp.mails.length;
  const cancelled = await fm
    .post(`/internships/${id}/cancel`)
    .send({ reason: 'The programme’s budget for KG is spent' });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.stage).toBe('cancelled');
  const expected = ['applicant@tpu.example.org', 'head.kg@undp.example.org', 'internships@tpu.example.org'];
  const about = () =>
    h.smtp.mails.slice(before).filter((m) => m.text.includes('The programme’s budget for KG is spent'));
  await eventually(async () => (expected.every((to) => about().some((m) => m.to === to)) ? true : null), 30_000);
  // Each person once, through the real SMTP server; the other approver of Kyrgyzstan hears nothing of it.
  expect(
    about()
      .map((m) => m.to)
      .sort(),
  ).toEqual(expected);
}, 240_000);
