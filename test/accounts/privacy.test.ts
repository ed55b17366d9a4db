import request from 'supertest';
import { DEMO_USERS } from '../../domain/demo';
import { SOLE_MEMBER_BLOCK } from '../../domain/reassignment';
import { currentTerms } from '../../domain/terms';
import { startApiHarness, type ApiHarness } from '../api/harness';

/**
 * Personal data over HTTP: a person downloads their data and asks for erasure; an administrator's
 * erasure is refused while tasks wait for the person (naming them), and otherwise anonymises the
 * account and profile while the audit trail keeps its events under a pseudonym. Terms acceptance
 * is versioned.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('privacy', { worker: false });
});
afterAll(async () => {
  await h?.stop();
});

const as = (token: string) => ({
  get: (path: string) => request(h.app).get(path).set('Authorization', `Bearer ${token}`),
  post: (path: string, body: unknown = {}) =>
    request(h.app)
      .post(path)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object),
});

test('a person downloads their own data as JSON', async () => {
  const me = as(await h.token('expert1'));
  const token = (await me.post('/me/tokens', { name: 'Export script', expiresInDays: 3 })).body.token as string;
  const res = await me.get('/me/data');
  expect(res.status).toBe(200);
  expect(res.headers['content-disposition']).toMatch(/attachment; filename="my-data-u-expert-1\.json"/);
  expect(res.body.account).toMatchObject({ id: DEMO_USERS.expert1.id, email: DEMO_USERS.expert1.email });
  expect(res.body.expertProfile).toMatchObject({ id: DEMO_USERS.expert1.expertId });
  expect(res.body.apiTokens).toEqual([expect.objectContaining({ name: 'Export script', kind: 'personal' })]);
  expect(JSON.stringify(res.body)).not.toContain(token.slice(10));
  expect(JSON.stringify(res.body)).not.toContain('tokenHash');
});

test('erasure is refused while tasks wait for the person, naming them; then it anonymises and keeps the audit under a pseudonym', async () => {
  const who = DEMO_USERS.reviewer2;
  const mine = as(await h.token('reviewer2'));
  const requested = await mine.post('/me/erasure-request', { reason: 'Leaving the programme' });
  expect(requested.status).toBe(202);
  const admin = as(await h.token('admin'));
  expect((await admin.get('/users?erasureRequested=true')).body.items.map((u: { id: string }) => u.id)).toEqual([
    who.id,
  ]);

  // A task waits for the reviewer (as a workflow would assign it), and an event names them.
  await h.db.prisma.task.create({
    data: {
      id: 'wf-privacy:review',
      workflowId: 'wf-privacy',
      programme: 'challenge_fund',
      subjectType: 'proposal',
      subjectId: 'p-privacy',
      kind: 'review',
      stage: 'selection',
      status: 'open',
      assigneeUserId: who.id,
      assigneeRole: 'reviewer',
      countryCode: 'KG',
      title: 'Score the glacier proposal',
    },
  });
  await h.db.prisma.auditEvent.create({
    data: {
      key: 'wf-privacy:1',
      workflowId: 'wf-privacy',
      subjectType: 'proposal',
      subjectId: 'p-privacy',
      actorId: who.id,
      actorRole: 'reviewer',
      action: 'coi_declared',
    },
  });
  // What they wrote on a subject's thread stays on the record, under the pseudonym.
  await h.db.prisma.message.create({
    data: {
      id: 'msg-privacy',
      workflowId: 'wf-privacy',
      subjectType: 'proposal',
      subjectId: 'p-privacy',
      authorId: who.id,
      authorRole: 'reviewer',
      side: 'fund',
      body: 'A question on the glacier proposal.',
    },
  });
  expect((await mine.get('/me/data')).body.messagesWritten).toEqual([
    expect.objectContaining({ id: 'msg-privacy', body: 'A question on the glacier proposal.' }),
  ]);
  const refused = await admin.post(`/users/${who.id}/erase`);
  expect(refused.status).toBe(409);
  expect(refused.body.error).toMatchObject({
    code: 'open_tasks',
    details: [{ path: 'tasks.0', message: 'review: Score the glacier proposal (wf-privacy:review)' }],
  });
  expect((await h.db.prisma.user.findUniqueOrThrow({ where: { id: who.id } })).email).toBe(who.email);

  // Reassigned: the erasure goes through.
  await h.db.prisma.task.update({
    where: { id: 'wf-privacy:review' },
    data: { assigneeUserId: DEMO_USERS.reviewer1.id },
  });
  const erased = await admin.post(`/users/${who.id}/erase`);
  expect(erased.status).toBe(200);
  expect(erased.body).toMatchObject({
    id: who.id,
    active: false,
    email: expect.stringMatching(/^erased-[0-9a-f]{12}@erased\.invalid$/),
    name: expect.stringMatching(/^Erased person /),
    erasedAt: expect.any(String),
  });
  const pseudonym = (await h.db.prisma.accountState.findUniqueOrThrow({ where: { userId: who.id } })).pseudonym!;
  const events = await h.db.prisma.auditEvent.findMany({
    where: { OR: [{ actorId: pseudonym }, { subjectId: pseudonym }] },
    orderBy: { id: 'asc' },
  });
  expect(events.map((e) => e.action)).toEqual(['erasure_requested', 'coi_declared', 'account_erased']);
  expect(await h.db.prisma.auditEvent.count({ where: { OR: [{ actorId: who.id }, { subjectId: who.id }] } })).toBe(0);
  expect(await h.db.prisma.message.findUniqueOrThrow({ where: { id: 'msg-privacy' } })).toMatchObject({
    authorId: pseudonym,
    body: 'A question on the glacier proposal.',
  });
  expect(JSON.stringify(await h.db.prisma.outbox.findMany({ where: { recipientId: who.id } }))).not.toContain(
    who.email,
  );
  // The account cannot sign in any more; a second erasure is refused.
  expect((await request(h.app).post('/auth/dev-token').send({ email: who.email })).status).toBe(401);
  expect((await admin.post(`/users/${who.id}/erase`)).status).toBe(409);
  expect((await as(await h.token('fundManager')).post(`/users/${DEMO_USERS.reviewer1.id}/erase`)).status).toBe(403);
});

test('a task waiting for an institution blocks the erasure of its only active member, until a colleague joins', async () => {
  const who = DEMO_USERS.applicant2;
  const admin = as(await h.token('admin'));
  // A progress report waits for the institution's applicants (as the proposal workflow assigns it); nothing names Dmitry.
  await h.db.prisma.task.create({
    data: {
      id: 'wf-privacy-hse:progress_report:1',
      workflowId: 'wf-privacy-hse',
      programme: 'challenge_fund',
      subjectType: 'proposal',
      subjectId: 'p-privacy-hse',
      kind: 'progress_report',
      stage: 'mission',
      status: 'open',
      assigneeRole: 'applicant',
      assigneeInstitutionId: who.institutionId,
      countryCode: 'KG',
      title: 'Report on the river sensors',
    },
  });
  const blocked = {
    path: 'tasks.0',
    message: `progress_report: Report on the river sensors (wf-privacy-hse:progress_report:1) — ${SOLE_MEMBER_BLOCK}`,
  };
  const refused = await admin.post(`/users/${who.id}/erase`);
  expect(refused.status).toBe(409);
  expect(refused.body.error).toMatchObject({ code: 'open_tasks', details: [blocked] });
  expect((await admin.get(`/users/${who.id}/open-tasks`)).body.items).toEqual([
    expect.objectContaining({
      id: 'wf-privacy-hse:progress_report:1',
      reassignable: false,
      whyNot: SOLE_MEMBER_BLOCK,
    }),
  ]);

  // A colleague whose account is deactivated cannot act on it either; an active one can.
  const colleague = await h.db.prisma.user.create({
    data: {
      id: 'u-hse-colleague',
      email: 'colleague@hse.example.org',
      name: 'Elena Orlova',
      role: 'applicant',
      institutionId: who.institutionId,
      active: false,
    },
  });
  expect((await admin.post(`/users/${who.id}/erase`)).body.error.details).toEqual([blocked]);
  await h.db.prisma.user.update({ where: { id: colleague.id }, data: { active: true } });
  expect((await admin.get(`/users/${who.id}/open-tasks`)).body.items).toEqual([]);
  expect((await admin.post(`/users/${who.id}/erase`)).status).toBe(200);
  // The task still waits for the institution, where the colleague finds it.
  const signIn = await request(h.app).post('/auth/dev-token').send({ email: colleague.email });
  const theirs = await as(signIn.body.token).get('/tasks?subject=p-privacy-hse');
  expect(theirs.body.items).toEqual([
    expect.objectContaining({ id: 'wf-privacy-hse:progress_report:1', assignedToMe: true }),
  ]);
});

test('terms: the current version is public; an account that accepted an earlier one must accept again', async () => {
  const terms = await request(h.app).get('/terms');
  expect(terms.body).toMatchObject({
    version: currentTerms().version,
    summary: { en: expect.any(String), ru: expect.any(String) },
  });
  const me = as(await h.token('coTj'));
  expect((await me.get('/me/terms')).body).toMatchObject({ acceptedVersion: null, mustAccept: false });
  await h.db.prisma.accountState.upsert({
    where: { userId: DEMO_USERS.coTj.id },
    create: { userId: DEMO_USERS.coTj.id, termsVersion: '2025-01-01' },
    update: { termsVersion: '2025-01-01' },
  });
  expect((await me.get('/me/terms')).body).toMatchObject({ acceptedVersion: '2025-01-01', mustAccept: true });
  expect((await me.post('/me/terms', { acceptTerms: true, termsVersion: '2025-01-01' })).status).toBe(400);
  expect((await me.post('/me/terms', { acceptTerms: true, termsVersion: currentTerms().version })).body).toMatchObject({
    acceptedVersion: currentTerms().version,
    mustAccept: false,
  });
});
