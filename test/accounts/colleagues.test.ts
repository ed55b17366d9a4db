import request from 'supertest';
import { DEMO_USERS } from '../../domain/demo';
import { currentTerms } from '../../domain/terms';
import { proposalPayload } from '../fixtures/payloads';
import { as, startApiHarness, type ApiHarness } from '../api/harness';
import { signatureData } from '../helpers/signature';
import { eventually } from '../helpers/wait';

/**
 * Colleagues work together on a proposal: the applicant side's tasks (revise, sign, report) wait
 * for the institution's members, not for the person who submitted it. A colleague who joined by
 * invitation revises and signs (the audit names them); task mails reach every active member once,
 * each in their language; people of another institution get 404; a removed member can no longer act.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('colleagues');
});
afterAll(async () => {
  await h?.stop();
});

const TPU = DEMO_USERS.applicant.institutionId;
const COLLEAGUE_EMAIL = 'colleague@tpu.example.org';

interface TaskItem {
  id: string;
  kind: string;
  assigneeUserId: string | null;
  assigneeInstitutionId: string | null;
  assignedToMe: boolean;
  context?: Record<string, unknown> | null;
}

async function openTaskOf(token: string, subjectId: string, kind: string): Promise<TaskItem> {
  return eventually(async () => {
    const res = await as(h.app, token).get(`/tasks?subject=${subjectId}&kind=${kind}`);
    return (res.body.items as TaskItem[] | undefined)?.[0];
  }, 60_000);
}

async function decide(token: string, taskId: string, body: Record<string, unknown>) {
  return as(h.app, token).post(`/tasks/${encodeURIComponent(taskId)}/decision`, body);
}

async function decideOk(token: string, subjectId: string, kind: string, body: Record<string, unknown>) {
  const task = await openTaskOf(token, subjectId, kind);
  // A signer confirms the agreement the task shows (its version's SHA-256 and statement).
  const signing = kind === 'contract_signature' && body.decision === 'sign' && !body.data;
  const res = await decide(token, task.id, signing ? { ...body, data: signatureData(task.context) } : body);
  if (res.status !== 200) throw new Error(`${kind}: ${res.status} ${JSON.stringify(res.body)}`);
  return task;
}

async function joinAsColleague(): Promise<{ userId: string; token: string }> {
  // The seeded applicant owns her institution (the seed names no owners; registration does).
  await h.db.prisma.institutionMember.create({
    data: { institutionId: TPU, userId: DEMO_USERS.applicant.id, role: 'owner' },
  });
  const owner = as(h.app, await h.token('applicant'));
  const before = h.smtp.mails.length;
  const invited = await owner.post('/invitations', {
    email: COLLEAGUE_EMAIL,
    role: 'applicant',
    institutionRole: 'member',
    language: 'ru',
  });
  expect(invited.status).toBe(201);
  const mail = await eventually(async () => h.smtp.mails.slice(before).find((m) => m.to === COLLEAGUE_EMAIL), 30_000);
  const token = /\/app\/invitations\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1];
  const accepted = await request(h.app)
    .post('/invitations/accept')
    .send({ token, name: 'Maria Kuznetsova', acceptTerms: true, termsVersion: currentTerms().version });
  expect(accepted.status).toBe(201);
  expect(accepted.body).toMatchObject({ role: 'applicant', institutionId: TPU });
  // She reads her mail in Russian.
  await h.db.prisma.user.update({ where: { id: accepted.body.userId }, data: { language: 'ru' } });
  return { userId: accepted.body.userId, token: accepted.body.token };
}

test('a colleague revises and signs; another institution gets 404; a removed member can no longer act', async () => {
  const colleague = await joinAsColleague();
  const submitter = await h.token('applicant');
  const coKg = await h.token('coKg');
  const fm = await h.token('fundManager');
  const other = await h.token('applicant2');

  const created = await as(h.app, submitter).post(
    '/proposals',
    proposalPayload({ title: 'Glacier lakes early warning' }),
  );
  expect(created.status).toBe(201);
  const proposalId = created.body.id as string;
  const workflowId = `proposal-${proposalId}`;

  await decideOk(coKg, proposalId, 'co_endorsement', {
    decision: 'request_changes',
    comment: 'Add the partner letter',
  });

  // The revision waits for the institution, not for the submitter: both members list it as theirs.
  const revise = await openTaskOf(colleague.token, proposalId, 'revise');
  expect(revise).toMatchObject({ assigneeUserId: null, assigneeInstitutionId: TPU, assignedToMe: true });
  expect((await openTaskOf(submitter, proposalId, 'revise')).id).toBe(revise.id);

  // Its mail reached each active member once, each in their language, with distinct Message-IDs.
  const mails = await eventually(async () => {
    const rows = await h.db.prisma.outbox.findMany({
      where: { workflowId, template: 'changes_requested', status: 'sent' },
      orderBy: { toEmail: 'asc' },
    });
    return rows.length >= 2 ? rows : undefined;
  }, 30_000);
  expect(mails.map((m) => m.toEmail)).toEqual([DEMO_USERS.applicant.email, COLLEAGUE_EMAIL]);
  expect(mails.map((m) => m.language)).toEqual(['en', 'ru']);
  expect(mails[1].subject).toMatch(/[а-яё]/i);
  expect(mails[0].subject).not.toMatch(/[а-яё]/i);
  expect(new Set(mails.map((m) => m.messageId)).size).toBe(2);
  const delivered = await eventually(async () => {
    const got = h.smtp.mails.filter((m) => mails.some((row) => row.subject === m.subject && row.toEmail === m.to));
    return got.length >= 2 ? got : undefined;
  }, 30_000);
  expect(delivered.map((m) => m.to).sort()).toEqual([DEMO_USERS.applicant.email, COLLEAGUE_EMAIL].sort());

  // Another institution's applicant does not see it (404), nor acts on it; an administrator never decides (403).
  expect((await as(h.app, other).get(`/tasks/${encodeURIComponent(revise.id)}`)).status).toBe(404);
  expect((await decide(other, revise.id, { decision: 'resubmit', data: { title: 'Hijacked' } })).status).toBe(404);
  expect((await as(h.app, other).get(`/tasks?subject=${proposalId}`)).body.items).toEqual([]);
  expect((await decide(await h.token('admin'), revise.id, { decision: 'resubmit', data: {} })).status).toBe(403);

  // The colleague revises.
  const revised = await decide(colleague.token, revise.id, {
    decision: 'resubmit',
    data: { title: 'Glacier lakes early warning, with partner letter' },
  });
  expect(revised.status).toBe(200);

  await decideOk(coKg, proposalId, 'co_endorsement', { decision: 'endorse' });
  await decideOk(fm, proposalId, 'assign_reviewers', {
    decision: 'assign',
    data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] },
  });
  for (const r of ['reviewer1', 'reviewer2'] as const) {
    const token = await h.token(r);
    await decideOk(token, proposalId, 'conflict_declaration', {
      decision: 'declare_no_conflict',
      data: { noConflictDeclared: true },
    });
    await decideOk(token, proposalId, 'review_score', {
      decision: 'submit_score',
      data: { scores: { innovation: 80, feasibility_sustainability: 70, social_benefit: 75 } },
    });
  }
  await decideOk(fm, proposalId, 'selection_decision', { decision: 'select' });

  // The colleague signs for the institution; the Country Office signs.
  const signature = await openTaskOf(colleague.token, proposalId, 'contract_signature');
  expect(signature).toMatchObject({ assigneeInstitutionId: TPU, assignedToMe: true });
  expect((await decide(other, signature.id, { decision: 'sign' })).status).toBe(404);
  expect(
    (await decide(colleague.token, signature.id, { decision: 'sign', data: signatureData(signature.context) })).status,
  ).toBe(200);
  await decideOk(coKg, proposalId, 'contract_signature', { decision: 'sign' });

  // The audit trail names the person who acted.
  const decisions = await eventually(async () => {
    const events = await h.db.prisma.auditEvent.findMany({
      where: { workflowId, action: { in: ['decision', 'resubmitted'] } },
    });
    return events.length >= 10 ? events : undefined;
  }, 30_000);
  const actorOf = (taskId: string) =>
    decisions.find((e) => e.action === 'decision' && (e.data as { taskId?: string } | null)?.taskId === taskId)
      ?.actorId;
  expect(actorOf(revise.id)).toBe(colleague.userId);
  expect(actorOf(signature.id)).toBe(colleague.userId);
  expect(decisions.find((e) => e.action === 'resubmitted')?.actorId).toBe(colleague.userId);

  // The owner removes her; signed in again, she no longer sees nor acts on the institution's tasks.
  const report = await openTaskOf(colleague.token, proposalId, 'progress_report');
  const removed = await as(h.app, submitter).post(`/institutions/${TPU}/members/${colleague.userId}/remove`);
  expect(removed.status).toBe(200);
  expect((await as(h.app, colleague.token).get('/tasks')).status).toBe(401);
  // A token's iat has whole seconds: one issued in the second of the revocation counts as revoked.
  await new Promise((r) => setTimeout(r, 1100));
  const again = await request(h.app).post('/auth/dev-token').send({ email: COLLEAGUE_EMAIL });
  expect(again.status).toBe(200);
  const removedToken = again.body.token as string;
  const left = await as(h.app, removedToken).get('/tasks');
  expect([left.status, JSON.stringify(left.body)]).toEqual([200, expect.stringContaining('"items":[]')]);
  expect((await as(h.app, removedToken).get(`/tasks/${encodeURIComponent(report.id)}`)).status).toBe(404);
  expect((await decide(removedToken, report.id, { decision: 'submit_report', data: { report: 'Mine' } })).status).toBe(
    404,
  );

  // The submitter reports; the next report's mail reaches the remaining member only.
  expect(
    (await decide(submitter, report.id, { decision: 'submit_report', data: { report: 'Milestone 1' } })).status,
  ).toBe(200);
  await decideOk(coKg, proposalId, 'report_verification', { decision: 'accept' });
  const next = await eventually(async () => {
    const t = await openTaskOf(submitter, proposalId, 'progress_report');
    return t.id !== report.id ? t : undefined;
  }, 60_000);
  const nextMails = await eventually(async () => {
    const rows = await h.db.prisma.outbox.findMany({ where: { workflowId, template: 'task_assigned' } });
    const forNext = rows.filter((r) => r.text.includes(encodeURIComponent(next.id)) || r.text.includes(next.id));
    return forNext.length ? forNext : undefined;
  }, 30_000);
  expect(nextMails.map((m) => m.toEmail)).toEqual([DEMO_USERS.applicant.email]);
}, 300_000);

test('a registration is for the role the programme registry gives its form', async () => {
  const registration = (role?: string) =>
    request(h.app)
      .post('/registrations')
      .send({
        kind: 'institution',
        ...(role ? { role } : {}),
        email: `director-${role ?? 'none'}@lake.example.org`,
        name: 'Irina Smirnova',
        language: 'en',
        acceptTerms: true,
        termsVersion: currentTerms().version,
        institution: {
          legalNameEn: `Lake Institute ${role ?? 'none'}`,
          legalNameRu: `Институт озёр ${role ?? 'none'}`,
          countryCode: 'RU',
          type: 'research_institute',
          registrationNumber: `77-${(role ?? 'none').length}01`,
          address: 'Lenina 1, Irkutsk',
        },
      });
  const refused = await registration('co_approver');
  expect(refused.status).toBe(400);
  expect(refused.body.error.details).toEqual([
    { path: 'role', message: 'a co_approver does not register with this form (applicant does)' },
  ]);
  expect((await registration('applicant')).status).toBe(202);
  expect((await registration()).status).toBe(202);
  const pending = await h.db.prisma.pendingRegistration.findMany({
    where: { email: { endsWith: '@lake.example.org' } },
  });
  expect(pending.map((p) => (p.data as { role?: string }).role)).toEqual(['applicant', 'applicant']);
});
