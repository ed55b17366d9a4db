import request from 'supertest';
import type { Application } from 'express';
import { createActivities } from '../../activities';
import { DEMO_USERS } from '../../domain/demo';
import { currentTerms } from '../../domain/terms';
import { logger } from '../../lib/logger';
import { proposalPayload } from '../fixtures/payloads';
import { startApiHarness, type ApiHarness } from '../api/harness';
import { eventually } from '../helpers/wait';

/**
 * Joining over HTTP against the real stack: an institution registers and confirms by mail, invites
 * a colleague, is approved by a fund manager (mailed), and the colleague's proposal is seen by the
 * owner; rejections carry a reason; invitations expire, are resent and revoked; an administrator
 * invites staff; an expert registers, is approved, enters matching, and a suspension takes them out.
 */
let h: ApiHarness;
let app: Application;
const TERMS = currentTerms().version;

beforeAll(async () => {
  h = await startApiHarness('joining');
  app = h.makeApp({ AUTH_MODE: 'dev,email' });
});
afterAll(async () => {
  await h?.stop();
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const post = (path: string, body: unknown, token?: string) =>
  request(app)
    .post(path)
    .set(token ? bearer(token) : {})
    .send(body as object);
const get = (path: string, token: string) => request(app).get(path).set(bearer(token));

async function mailTo(email: string, pattern: RegExp, after = 0) {
  return eventually(async () => h.smtp.mails.slice(after).find((m) => m.to === email && pattern.test(m.text)), 30_000);
}
function linkToken(text: string, path: string): string {
  const m = new RegExp(`${path}/([A-Za-z0-9_-]{43})`).exec(text);
  if (!m) throw new Error(`no ${path} link in ${text}`);
  return m[1];
}

const institution = (n: string, extra: Record<string, unknown> = {}) => ({
  legalNameEn: `Siberian Institute of Water ${n}`,
  legalNameRu: `Сибирский институт водных проблем ${n}`,
  countryCode: 'RU',
  type: 'research_institute',
  registrationNumber: `10254-0${n}`,
  address: 'Morskoy 2, Novosibirsk',
  website: 'https://water.example.org',
  ...extra,
});

async function registerInstitution(email: string, n: string, language: 'en' | 'ru' = 'en') {
  const before = h.smtp.mails.length;
  const res = await post('/registrations', {
    kind: 'institution',
    email,
    name: `Owner ${n}`,
    language,
    acceptTerms: true,
    termsVersion: TERMS,
    institution: institution(n),
  });
  expect(res.status).toBe(202);
  const mail = await mailTo(email, /register\/confirm/, before);
  const confirmed = await post('/registrations/confirm', { token: linkToken(mail.text, '/app/register/confirm') });
  expect(confirmed.status).toBe(201);
  return { ...confirmed.body, confirmToken: linkToken(mail.text, '/app/register/confirm') } as {
    token: string;
    userId: string;
    institutionId: string;
    role: string;
    confirmToken: string;
  };
}

test('an institution registers, invites a colleague, is approved; the colleague submits and the owner sees it; the audit names who did what', async () => {
  const owner = await registerInstitution('owner.one@water.example.org', '1');
  expect(owner).toMatchObject({
    role: 'applicant',
    institutionId: expect.stringMatching(/^inst-/),
    expertApplicationId: null,
  });
  expect((await post('/registrations/confirm', { token: owner.confirmToken })).status).toBe(401);
  const inst = await get(`/institutions/${owner.institutionId}`, owner.token);
  expect(inst.body).toMatchObject({
    status: 'pending_approval',
    myRole: 'owner',
    legalNameRu: 'Сибирский институт водных проблем 1',
  });
  expect(await h.db.prisma.accountState.findUnique({ where: { userId: owner.userId } })).toMatchObject({
    termsVersion: TERMS,
  });

  // Duplicates: the same registration number in the country, or the same name.
  const dup = await post('/registrations', {
    kind: 'institution',
    email: 'x@y.example.org',
    name: 'X',
    language: 'en',
    acceptTerms: true,
    termsVersion: TERMS,
    institution: institution('9', { registrationNumber: '10254-01' }),
  });
  expect(dup.status).toBe(409);
  expect(dup.body.error).toMatchObject({
    code: 'duplicate_institution',
    details: [{ path: 'institution.registrationNumber' }],
  });
  const dupName = await post('/registrations', {
    kind: 'institution',
    email: 'x@y.example.org',
    name: 'X',
    language: 'en',
    acceptTerms: true,
    termsVersion: TERMS,
    institution: institution('9', { legalNameEn: 'SIBERIAN institute of water 1 LLC' }),
  });
  expect(dupName.body.error.details[0].path).toBe('institution.legalNameEn');
  // Terms must be accepted, in the current version.
  expect(
    (
      await post('/registrations', {
        kind: 'institution',
        email: 'x@y.example.org',
        name: 'X',
        language: 'en',
        acceptTerms: false,
        termsVersion: TERMS,
        institution: institution('8'),
      })
    ).status,
  ).toBe(400);
  expect(
    (
      await post('/registrations', {
        kind: 'institution',
        email: 'x@y.example.org',
        name: 'X',
        language: 'en',
        acceptTerms: true,
        termsVersion: '2020-01-01',
        institution: institution('8'),
      })
    ).status,
  ).toBe(400);

  // Not approved yet: proposals wait (409), whoever submits them.
  const early = await post('/proposals', proposalPayload({ title: 'Too early' }), owner.token);
  expect(early.status).toBe(409);
  expect(early.body.error.code).toBe('institution_not_approved');

  // The owner invites a colleague, who joins through the link.
  const before = h.smtp.mails.length;
  const invited = await post(
    '/invitations',
    { email: 'colleague.one@water.example.org', role: 'applicant', institutionRole: 'member' },
    owner.token,
  );
  expect(invited.status).toBe(201);
  expect(invited.body).toMatchObject({
    status: 'pending',
    institutionId: owner.institutionId,
    institutionRole: 'member',
    sentCount: 1,
  });
  const invitationMail = await mailTo('colleague.one@water.example.org', /invitations\//, before);
  expect(invitationMail.text).toContain('Owner 1 invites you to join “Siberian Institute of Water 1”');
  const invToken = linkToken(invitationMail.text, '/app/invitations');
  expect((await post('/invitations/preview', { token: invToken })).body).toMatchObject({
    institutionName: 'Siberian Institute of Water 1',
    inviterName: 'Owner 1',
    status: 'pending',
  });
  const colleague = await post('/invitations/accept', {
    token: invToken,
    name: 'Colleague One',
    acceptTerms: true,
    termsVersion: TERMS,
  });
  expect(colleague.status).toBe(201);
  expect(colleague.body).toMatchObject({ role: 'applicant', institutionId: owner.institutionId });
  expect(
    (await post('/invitations/accept', { token: invToken, name: 'Again', acceptTerms: true, termsVersion: TERMS }))
      .status,
  ).toBe(401);
  const members = await get(`/institutions/${owner.institutionId}/members`, colleague.body.token);
  expect(members.body.items.map((m: { name: string; role: string }) => `${m.name}:${m.role}`)).toEqual([
    'Owner 1:owner',
    'Colleague One:member',
  ]);
  // A member does not invite; another institution's people do not see this one.
  expect(
    (await post('/invitations', { email: 'z@water.example.org', role: 'applicant' }, colleague.body.token)).status,
  ).toBe(403);
  expect((await get(`/institutions/${owner.institutionId}`, await h.token('applicant'))).status).toBe(404);

  // The fund manager approves; the owner is mailed.
  const fm = await h.token('fundManager');
  const pending = await get('/institutions?status=pending_approval', fm);
  expect(pending.body.items.map((i: { id: string }) => i.id)).toContain(owner.institutionId);
  const beforeDecision = h.smtp.mails.length;
  const approved = await post(`/institutions/${owner.institutionId}/decision`, { decision: 'approve' }, fm);
  expect(approved.status).toBe(200);
  expect(approved.body.status).toBe('approved');
  await mailTo('owner.one@water.example.org', /is approved/, beforeDecision);
  expect((await post(`/institutions/${owner.institutionId}/decision`, { decision: 'approve' }, fm)).status).toBe(409);

  // The colleague submits a proposal; the owner sees it.
  const proposal = await post(
    '/proposals',
    proposalPayload({ title: 'Glacier monitoring by the colleague' }),
    colleague.body.token,
  );
  expect(proposal.status).toBe(201);
  const seen = await get('/proposals?pageSize=10', owner.token);
  expect(seen.body.items.map((p: { id: string }) => p.id)).toContain(proposal.body.id);

  const audit = await h.db.prisma.auditEvent.findMany({
    where: { subjectId: owner.institutionId },
    orderBy: { id: 'asc' },
  });
  expect(audit.map((e) => `${e.action}:${e.actorId}`)).toEqual([
    `institution_registered:${owner.userId}`,
    `invitation_sent:${owner.userId}`,
    `invitation_accepted:${colleague.body.userId}`,
    `institution_approved:${DEMO_USERS.fundManager.id}`,
  ]);
});

test('a rejection carries its reason to the owner, in the owner’s language', async () => {
  const owner = await registerInstitution('owner.two@water.example.org', '2', 'ru');
  const before = h.smtp.mails.length;
  const fm = await h.token('fundManager');
  expect((await post(`/institutions/${owner.institutionId}/decision`, { decision: 'reject' }, fm)).status).toBe(400);
  const rejected = await post(
    `/institutions/${owner.institutionId}/decision`,
    { decision: 'reject', reason: 'Регистрационный номер не найден в реестре.' },
    fm,
  );
  expect(rejected.body).toMatchObject({
    status: 'rejected',
    decisionReason: 'Регистрационный номер не найден в реестре.',
  });
  const mail = await mailTo('owner.two@water.example.org', /не одобрена/, before);
  expect(mail.text).toContain('Регистрационный номер не найден в реестре.');
});

test('registering with an address that has an account answers the same and mails a sign-in hint', async () => {
  const before = h.smtp.mails.length;
  const body = {
    kind: 'institution',
    name: 'Someone',
    language: 'en',
    acceptTerms: true,
    termsVersion: TERMS,
    institution: institution('7'),
  };
  const known = await post('/registrations', { ...body, email: DEMO_USERS.applicant.email });
  const fresh = await post('/registrations', {
    ...body,
    email: 'fresh.person@water.example.org',
    institution: institution('6'),
  });
  expect(known.status).toBe(202);
  expect(known.body).toEqual(fresh.body);
  await mailTo(DEMO_USERS.applicant.email, /already uses it/, before);
});

test('invitations: resend replaces the link, revoke ends it, the last owner stays; owners set roles and remove colleagues', async () => {
  const owner = await registerInstitution('owner.three@water.example.org', '3');
  const first = await post(
    '/invitations',
    { email: 'c3@water.example.org', role: 'applicant', institutionRole: 'owner' },
    owner.token,
  );
  const oldToken = linkToken((await mailTo('c3@water.example.org', /invitations\//)).text, '/app/invitations');
  const before = h.smtp.mails.length;
  const resent = await post(`/invitations/${first.body.id}/resend`, {}, owner.token);
  expect(resent.body).toMatchObject({ sentCount: 2, status: 'pending' });
  const newToken = linkToken((await mailTo('c3@water.example.org', /invitations\//, before)).text, '/app/invitations');
  expect((await post('/invitations/preview', { token: oldToken })).status).toBe(401);
  const joined = await post('/invitations/accept', {
    token: newToken,
    name: 'Co Owner',
    acceptTerms: true,
    termsVersion: TERMS,
  });
  expect(joined.status).toBe(201);

  const second = await post('/invitations', { email: 'c4@water.example.org', role: 'applicant' }, owner.token);
  const revokeToken = linkToken((await mailTo('c4@water.example.org', /invitations\//)).text, '/app/invitations');
  expect((await post(`/invitations/${second.body.id}/revoke`, {}, owner.token)).body.status).toBe('revoked');
  expect(
    (await post('/invitations/accept', { token: revokeToken, name: 'Late', acceptTerms: true, termsVersion: TERMS }))
      .status,
  ).toBe(401);
  const listed = await get('/invitations', owner.token);
  expect(listed.body.items.map((i: { status: string }) => i.status).sort()).toEqual(['accepted', 'revoked']);
  // Another owner's invitation is not found.
  expect(
    (
      await post(
        `/invitations/${second.body.id}/revoke`,
        {},
        (await registerInstitution('owner.four@water.example.org', '4')).token,
      )
    ).status,
  ).toBe(404);

  // Two owners: one steps down to member, then the last owner cannot; the co-owner is removed and loses access.
  const inst = owner.institutionId;
  expect(
    (
      await request(app)
        .patch(`/institutions/${inst}/members/${joined.body.userId}`)
        .set(bearer(owner.token))
        .send({ role: 'member' })
    ).body.role,
  ).toBe('member');
  expect(
    (
      await request(app)
        .patch(`/institutions/${inst}/members/${owner.userId}`)
        .set(bearer(owner.token))
        .send({ role: 'member' })
    ).status,
  ).toBe(409);
  const removed = await post(`/institutions/${inst}/members/${joined.body.userId}/remove`, {}, owner.token);
  expect(removed.body.items.map((m: { name: string }) => m.name)).toEqual(['Owner 3']);
  expect((await get(`/institutions/${inst}`, joined.body.token)).status).toBe(401);
  expect(
    (await h.db.prisma.auditEvent.findMany({ where: { subjectId: inst }, orderBy: { id: 'asc' } })).map(
      (e) => e.action,
    ),
  ).toEqual([
    'institution_registered',
    'invitation_sent',
    'invitation_resent',
    'invitation_accepted',
    'invitation_sent',
    'invitation_revoked',
    'member_role_changed',
    'member_removed',
  ]);
});

test('an administrator invites staff with their scope; others may not', async () => {
  const admin = await h.token('admin');
  expect((await post('/invitations', { email: 'new.co@undp.example.org', role: 'co_approver' }, admin)).status).toBe(
    400,
  );
  expect(
    (
      await post(
        '/invitations',
        { email: 'new.fm@undp.example.org', role: 'fund_manager' },
        await h.token('fundManager'),
      )
    ).status,
  ).toBe(403);
  expect((await post('/invitations', { email: DEMO_USERS.coKg.email, role: 'reviewer' }, admin)).status).toBe(409);
  const before = h.smtp.mails.length;
  const inv = await post(
    '/invitations',
    { email: 'new.co@undp.example.org', role: 'co_approver', countryCode: 'TJ', language: 'ru' },
    admin,
  );
  expect(inv.status).toBe(201);
  const mail = await mailTo('new.co@undp.example.org', /invitations\//, before);
  expect(mail.subject).toContain('Приглашение');
  const joined = await post('/invitations/accept', {
    token: linkToken(mail.text, '/app/invitations'),
    name: 'Dilshod Rahimov',
    acceptTerms: true,
    termsVersion: TERMS,
  });
  expect(joined.status).toBe(201);
  expect((await get('/me', joined.body.token)).body).toMatchObject({
    role: 'co_approver',
    countryCode: 'TJ',
    language: 'ru',
  });
  expect((await get('/invitations', admin)).body.items.map((i: { email: string }) => i.email)).toContain(
    'new.co@undp.example.org',
  );
  expect(
    (
      await h.db.prisma.auditEvent.findFirst({
        where: { action: 'invitation_sent', data: { path: ['email'], equals: 'new.co@undp.example.org' } },
      })
    )?.actorId,
  ).toBe(DEMO_USERS.admin.id);
});

test('an expert registers, is approved, enters matching; a suspension takes them out; they update their availability', async () => {
  const area = await h.db.prisma.thematicArea.findFirstOrThrow({ orderBy: { id: 'asc' } });
  const before = h.smtp.mails.length;
  const profile = {
    thematicAreaIds: [area.id],
    languages: ['ka', 'ru'],
    countriesOfExperience: ['AM'],
    education: 'PhD, hydrology, Yerevan State University',
    yearsExperience: 12,
    dailyFeeUsd: 400,
    availability: [{ from: '2027-01-01', to: '2027-12-31' }],
    cv: 'Twelve years of irrigation design in the South Caucasus.',
  };
  expect(
    (
      await post('/registrations', {
        kind: 'expert',
        email: 'ani.expert@example.org',
        name: 'Ani Hakobyan',
        language: 'en',
        acceptTerms: true,
        termsVersion: TERMS,
        profile,
      })
    ).status,
  ).toBe(202);
  const confirmed = await post('/registrations/confirm', {
    token: linkToken(
      (await mailTo('ani.expert@example.org', /register\/confirm/, before)).text,
      '/app/register/confirm',
    ),
  });
  expect(confirmed.body).toMatchObject({ role: 'expert', expertApplicationId: expect.any(String) });
  const appId = confirmed.body.expertApplicationId;
  expect((await get(`/expert-applications/${appId}`, confirmed.body.token)).body.status).toBe('submitted');
  expect((await get(`/expert-applications/${appId}`, await h.token('expert1'))).status).toBe(404);

  const fm = await h.token('fundManager');
  expect(
    (await get('/expert-applications?status=submitted', fm)).body.items.map((a: { id: string }) => a.id),
  ).toContain(appId);
  const approved = await post(`/expert-applications/${appId}/decision`, { decision: 'approve' }, fm);
  expect(approved.body).toMatchObject({ status: 'approved', expertId: expect.stringMatching(/^exp-/) });
  await mailTo('ani.expert@example.org', /profile is approved/);
  const expertId = approved.body.expertId as string;
  expect((await get(`/experts?language=ka`, fm)).body.items.map((e: { id: string }) => e.id)).toEqual([expertId]);

  // Matching (the activity the expert-request workflow runs) shortlists the new expert.
  const activities = createActivities({
    prisma: h.db.prisma,
    mailer: h.smtp.mailer,
    logger,
    baseUrl: 'http://localhost:3000',
  });
  const criteria = {
    requestId: 'r-matching-test',
    thematicAreaId: area.id,
    sdgs: [],
    languages: ['ka'],
    startDate: '2027-03-01',
    endDate: '2027-03-20',
    countryCode: 'AM',
    maxDailyFeeCents: 100_000,
  };
  expect((await activities.matchExperts(criteria)).shortlist.map((c) => c.expertId)).toEqual([expertId]);

  // The expert signs in again (their session was made before the profile existed) and updates their availability.
  await new Promise((r) => setTimeout(r, 50));
  const expertToken = (await request(app).post('/auth/dev-token').send({ email: 'ani.expert@example.org' })).body
    .token as string;
  const patched = await request(app)
    .patch(`/experts/${expertId}`)
    .set(bearer(expertToken))
    .send({ availability: [{ from: '2027-06-01', to: '2027-06-30' }] });
  expect(patched.status).toBe(200);
  expect((await activities.matchExperts(criteria)).shortlist).toEqual([]);
  expect(
    (await activities.matchExperts({ ...criteria, startDate: '2027-06-02', endDate: '2027-06-20' })).shortlist.map(
      (c) => c.expertId,
    ),
  ).toEqual([expertId]);

  expect(
    (await post(`/experts/${expertId}/suspension`, { suspended: true, reason: 'Under review' }, fm)).body.suspended,
  ).toBe(true);
  expect(
    (await activities.matchExperts({ ...criteria, startDate: '2027-06-02', endDate: '2027-06-20' })).shortlist,
  ).toEqual([]);
  await post(`/experts/${expertId}/suspension`, { suspended: false }, fm);
  expect(
    (await activities.matchExperts({ ...criteria, startDate: '2027-06-02', endDate: '2027-06-20' })).shortlist.map(
      (c) => c.expertId,
    ),
  ).toEqual([expertId]);
});
