import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import request from 'supertest';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../api/auth';
import { DEMO_USERS } from '../../domain/demo';
import { expertRequestPayload, proposalPayload } from '../fixtures/payloads';
import { eventually } from '../helpers/wait';
import { as, DEV_SECRET, startApiHarness, type ApiHarness, type DemoKey } from './harness';

/**
 * Authorization: routes × roles × own / other objects → 200 / 403 / 404, and the 401 cases
 * of both token modes. One Temporal server for the file; the objects are made once.
 */
let h: ApiHarness;
let pTpu: string; // applicant (inst-tpu), KG, in selection: reviewer1 + reviewer2 assigned
let pHse: string; // applicant2 (inst-hse), KG, awaiting endorsement
let er: string; // coKg's request, invitations sent (expert1 invited, expert2 not)
let reviewTask: string; // reviewer1's review_score task on pTpu

/** The caller's open task of `kind`, waited for: automatic steps after a decision may come before it opens. */
async function taskId(who: DemoKey, subjectId: string, kind: string): Promise<string> {
  const token = await h.token(who);
  const t = await eventually(async () => {
    const res = await as(h.app, token).get('/tasks?pageSize=100');
    return (res.body.items as { id: string; kind: string; subject: { id: string } }[]).find(
      (x) => x.subject.id === subjectId && x.kind === kind,
    );
  }).catch(() => undefined);
  if (!t) throw new Error(`${who}: no ${kind} on ${subjectId}`);
  return t.id;
}

async function decide(who: DemoKey, subjectId: string, kind: string, body: Record<string, unknown>) {
  const id = await taskId(who, subjectId, kind);
  const res = await as(h.app, await h.token(who)).post(`/tasks/${encodeURIComponent(id)}/decision`, body);
  if (res.status !== 200) throw new Error(`${kind}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

beforeAll(async () => {
  h = await startApiHarness('access');
  const a1 = await as(h.app, await h.token('applicant')).post('/proposals', proposalPayload());
  const a2 = await as(h.app, await h.token('applicant2')).post(
    '/proposals',
    proposalPayload({ title: 'HSE sensor analytics' }),
  );
  const r = await as(h.app, await h.token('coKg')).post('/expert-requests', expertRequestPayload());
  expect([a1.status, a2.status, r.status]).toEqual([201, 201, 201]);
  [pTpu, pHse, er] = [a1.body.id, a2.body.id, r.body.id];
  await decide('coKg', pTpu, 'co_endorsement', { decision: 'endorse' });
  await decide('fundManager', pTpu, 'assign_reviewers', {
    decision: 'assign',
    data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] },
  });
  await decide('reviewer1', pTpu, 'conflict_declaration', {
    decision: 'declare_no_conflict',
    data: { noConflictDeclared: true },
  });
  reviewTask = await taskId('reviewer1', pTpu, 'review_score');
  await decide('coKg2', er, 'co_endorsement', { decision: 'endorse' });
  await decide('fundManager', er, 'shortlist_review', { decision: 'confirm' });
});

afterAll(async () => {
  await h?.stop();
});

type Row = [method: 'get' | 'post' | 'patch', path: () => string, who: DemoKey, status: number, body?: () => unknown];

async function check([method, path, who, status, body]: Row) {
  const client = as(h.app, await h.token(who));
  const res = method === 'get' ? await client.get(path()) : await client[method](path(), body?.() ?? {});
  if (res.status !== status)
    throw new Error(
      `${method.toUpperCase()} ${path()} as ${who}: expected ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
    );
  if (status >= 400) expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
}

const ALL: DemoKey[] = [
  'applicant',
  'applicant2',
  'coKg',
  'coTj',
  'fundManager',
  'reviewer1',
  'reviewer3',
  'expert1',
  'expert2',
  'admin',
];

test('proposals: own institution, own country, assigned reviewer, fund manager and admin; others 404, experts 403', async () => {
  const expected: Record<DemoKey, number> = {
    applicant: 200,
    applicant2: 404,
    coKg: 200,
    coTj: 404,
    fundManager: 200,
    reviewer1: 200,
    reviewer3: 404,
    expert1: 403,
    expert2: 403,
    admin: 200,
  } as Record<DemoKey, number>;
  for (const who of ALL) await check(['get', () => `/proposals/${pTpu}`, who, expected[who]]);
  for (const who of ALL) await check(['get', () => '/proposals', who, who.startsWith('expert') ? 403 : 200]);
  // Lists are scoped, not just the detail routes.
  const ids = async (who: DemoKey) =>
    (await as(h.app, await h.token(who)).get('/proposals?pageSize=100')).body.items.map((p: { id: string }) => p.id);
  expect(await ids('applicant2')).toEqual([pHse]);
  expect(await ids('coTj')).toEqual([]);
  expect(await ids('reviewer1')).toEqual([pTpu]);
  expect((await ids('fundManager')).sort()).toEqual([pHse, pTpu].sort());
  // Creating, resubmitting and withdrawing are the applicant's.
  for (const who of ['coKg', 'fundManager', 'reviewer1', 'expert1', 'admin'] as DemoKey[])
    await check(['post', () => '/proposals', who, 403, () => proposalPayload()]);
  await check(['post', () => `/proposals/${pTpu}/withdraw`, 'applicant2', 404]);
  await check(['post', () => `/proposals/${pTpu}/withdraw`, 'coKg', 403]);
  await check(['post', () => `/proposals/${pTpu}/resubmit`, 'fundManager', 403, () => ({ title: 'x' })]);
  await check(['post', () => `/proposals/${pTpu}/resubmit`, 'applicant2', 404, () => ({ title: 'x' })]);
  await check(['get', () => '/proposals/p-doesnotexist', 'fundManager', 404]);
});

test('expert requests: own country, invited experts, fund manager and admin', async () => {
  const expected = {
    applicant: 403,
    applicant2: 403,
    coKg: 200,
    coTj: 404,
    fundManager: 200,
    reviewer1: 403,
    reviewer3: 403,
    expert1: 200,
    expert2: 404,
    admin: 200,
  } as Record<DemoKey, number>;
  for (const who of ALL) await check(['get', () => `/expert-requests/${er}`, who, expected[who]]);
  await check(['get', () => '/expert-requests', 'applicant', 403]);
  expect((await as(h.app, await h.token('expert2')).get('/expert-requests')).body.items).toEqual([]);
  expect(
    (await as(h.app, await h.token('expert1')).get('/expert-requests')).body.items.map((r: { id: string }) => r.id),
  ).toEqual([er]);
  // Only a co_approver of the request's own country registers or withdraws.
  await check(['post', () => '/expert-requests', 'coTj', 403, () => expertRequestPayload()]);
  for (const who of ['applicant', 'fundManager', 'expert1', 'admin'] as DemoKey[])
    await check(['post', () => '/expert-requests', who, 403, () => expertRequestPayload()]);
  await check(['post', () => `/expert-requests/${er}/withdraw`, 'coTj', 404]);
  await check(['post', () => `/expert-requests/${er}/withdraw`, 'expert1', 403]);
  // An invited expert sees its own invitation, never the shortlist or other candidates' fees.
  const view = await as(h.app, await h.token('expert1')).get(`/expert-requests/${er}`);
  expect(view.body.shortlist).toBeUndefined();
  expect(view.body.openTasks.map((t: { kind: string }) => t.kind)).toEqual(['invitation_response']);
  expect(JSON.stringify(view.body)).not.toMatch(/dailyFee|exp-031|exp-042/);
});

test('tasks: read by assignee, its country office, fund manager, admin; decided only by the assignee', async () => {
  const expected = {
    applicant: 404,
    applicant2: 404,
    coKg: 200,
    coTj: 404,
    fundManager: 200,
    reviewer1: 200,
    reviewer3: 404,
    expert1: 404,
    expert2: 404,
    admin: 200,
  } as Record<DemoKey, number>;
  for (const who of ALL) await check(['get', () => `/tasks/${encodeURIComponent(reviewTask)}`, who, expected[who]]);
  const score = () => ({
    decision: 'submit_score',
    data: { scores: { innovation: 80, feasibility_sustainability: 70, social_benefit: 75 }, noConflictDeclared: true },
  });
  await check(['post', () => `/tasks/${encodeURIComponent(reviewTask)}/decision`, 'reviewer3', 404, score]);
  await check(['post', () => `/tasks/${encodeURIComponent(reviewTask)}/decision`, 'coKg', 403, score]);
  await check(['post', () => `/tasks/${encodeURIComponent(reviewTask)}/decision`, 'fundManager', 403, score]);
  await check(['post', () => `/tasks/${encodeURIComponent(reviewTask)}/decision`, 'admin', 403, score]);
  // The assignee: a refused decision keeps the task open (400 with details), then it decides, then the task is closed (409).
  const r1 = as(h.app, await h.token('reviewer1'));
  const bad = await r1.post(`/tasks/${encodeURIComponent(reviewTask)}/decision`, {
    decision: 'submit_score',
    data: { scores: { innovation: 80 }, noConflictDeclared: true },
  });
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('invalid_decision');
  expect(bad.body.error.details).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ path: expect.stringMatching(/^data\.scores\./), message: expect.any(String) }),
    ]),
  );
  const unknownDecision = await r1.post(`/tasks/${encodeURIComponent(reviewTask)}/decision`, { decision: 'approve' });
  expect(unknownDecision.status).toBe(400);
  expect(unknownDecision.body.error.details).toEqual([
    { path: 'decision', message: 'must be one of: submit_score, declare_conflict' },
  ]);
  expect((await r1.post(`/tasks/${encodeURIComponent(reviewTask)}/decision`, score())).status).toBe(200);
  const again = await r1.post(`/tasks/${encodeURIComponent(reviewTask)}/decision`, score());
  expect(again.status).toBe(409);
  await check(['post', () => '/tasks/no-such-task/decision', 'fundManager', 404, () => ({ decision: 'x' })]);
  // GET /tasks lists only the caller's own work.
  const mine = await r1.get('/tasks');
  expect(
    mine.body.items.every((t: { assigneeUserId: string | null }) => t.assigneeUserId === DEMO_USERS.reviewer1.id),
  ).toBe(true);
  const tj = await as(h.app, await h.token('coTj')).get('/tasks');
  expect(tj.body.items.filter((t: { subject: { countryCode: string } }) => t.subject.countryCode === 'KG')).toEqual([]);
  const kg = await as(h.app, await h.token('coKg')).get('/tasks');
  expect(kg.body.items.map((t: { subject: { id: string }; kind: string }) => `${t.kind}@${t.subject.id}`)).toContain(
    `co_endorsement@${pHse}`,
  );
  const due = kg.body.items.map((t: { dueAt: string }) => t.dueAt);
  expect([...due].sort()).toEqual(due);
});

test('pipeline, roster, audit, calls and me: role gates and own-object rules', async () => {
  const gate = async (
    method: 'get' | 'post' | 'patch',
    path: string,
    allowed: Partial<Record<DemoKey, number>>,
    body?: () => unknown,
  ) => {
    for (const who of ALL) await check([method, () => path, who, allowed[who] ?? 403, body]);
  };
  await gate('get', '/pipeline', { coKg: 200, coTj: 200, fundManager: 200, admin: 200 });
  await gate('get', '/pipeline/export.csv', { coKg: 200, coTj: 200, fundManager: 200, admin: 200 });
  await check(['get', () => '/pipeline?country=TJ', 'coKg', 403]);
  const kgPipeline = await as(h.app, await h.token('coKg')).get('/pipeline');
  expect(kgPipeline.body.filters.country).toBe('KG');
  await gate('get', '/experts', { coKg: 200, coTj: 200, fundManager: 200, admin: 200 });
  await gate('get', '/experts/exp-001', {
    coKg: 200,
    coTj: 200,
    fundManager: 200,
    admin: 200,
    expert1: 200,
    expert2: 404,
  });
  await gate('get', '/audit', { fundManager: 200, admin: 200 });
  await gate('get', '/calls', Object.fromEntries(ALL.map((w) => [w, 200])));
  await gate('get', '/me', Object.fromEntries(ALL.map((w) => [w, 200])));

  await check([
    'patch',
    () => '/experts/exp-001',
    'expert1',
    200,
    () => ({ bio: 'Hydrologist, 20 years of mudflow mapping' }),
  ]);
  await check(['patch', () => '/experts/exp-001', 'expert1', 403, () => ({ rating: 5 })]);
  await check(['patch', () => '/experts/exp-001', 'expert2', 404, () => ({ bio: 'not mine' })]);
  await check(['patch', () => '/experts/exp-001', 'coKg', 403, () => ({ bio: 'x' })]);
  await check(['patch', () => '/experts/exp-001', 'fundManager', 200, () => ({ rating: 4.5 })]);
  await check(['patch', () => '/experts/exp-missing', 'fundManager', 404, () => ({ bio: 'x' })]);
  const expert = {
    name: 'Nina Ivanova',
    email: 'nina.ivanova@example.org',
    thematicAreaIds: ['health'],
    languages: ['ru', 'en'],
    dailyFeeUsd: 400,
  };
  for (const who of ['coKg', 'expert1', 'applicant', 'reviewer1'] as DemoKey[])
    await check(['post', () => '/experts', who, 403, () => expert]);
  await check(['post', () => '/experts', 'fundManager', 201, () => expert]);
  await check(['post', () => '/experts', 'admin', 409, () => expert]); // same email

  await check(['patch', () => '/me', 'applicant', 400, () => ({ dailyDigest: true })]);
  const me = await as(h.app, await h.token('fundManager')).patch('/me', { dailyDigest: true, language: 'ru' });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ dailyDigest: true, language: 'ru', role: 'fund_manager' });
});

test('the applicant withdraws its own proposal', async () => {
  const res = await as(h.app, await h.token('applicant2')).post(`/proposals/${pHse}/withdraw`, {
    reason: 'Partner changed plans',
  });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ id: pHse, stage: 'withdrawn' });
  expect((await as(h.app, await h.token('applicant2')).post(`/proposals/${pHse}/withdraw`, {})).status).toBe(409);
});

// ---------------------------------------------------------------- 401

function unsignedJwt(payload: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

async function devJwt(
  claims: { sub?: string; exp?: number | string; aud?: string; iss?: string },
  secret = DEV_SECRET,
): Promise<string> {
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setSubject(claims.sub ?? DEMO_USERS.applicant.id);
  jwt
    .setIssuer(claims.iss ?? DEV_ISSUER)
    .setAudience(claims.aud ?? DEV_AUDIENCE)
    .setExpirationTime(claims.exp ?? '1h');
  return jwt.sign(new TextEncoder().encode(secret));
}

test('dev tokens: missing, malformed, expired, wrong signature, alg none, wrong audience, unknown or inactive user → 401', async () => {
  const get = (token?: string) => {
    const r = request(h.app).get('/me');
    return token === undefined ? r : r.set('Authorization', `Bearer ${token}`);
  };
  expect((await get(await devJwt({}))).status).toBe(200);
  const cases: [string, string | undefined][] = [
    ['missing', undefined],
    ['garbage', 'not-a-jwt'],
    ['expired', await devJwt({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ['wrong signature', await devJwt({}, 'another-secret-0123456789abcdef')],
    [
      'alg none',
      unsignedJwt({
        sub: DEMO_USERS.admin.id,
        iss: DEV_ISSUER,
        aud: DEV_AUDIENCE,
        exp: Math.floor(Date.now() / 1000) + 3600,
      }),
    ],
    ['wrong audience', await devJwt({ aud: 'someone-else' })],
    ['wrong issuer', await devJwt({ iss: 'evil' })],
    ['unknown user', await devJwt({ sub: 'u-nobody' })],
  ];
  for (const [name, token] of cases) {
    const res = await get(token);
    if (res.status !== 401) throw new Error(`${name}: ${res.status}`);
    expect(res.body.error.code).toBe('unauthorized');
  }
  expect((await request(h.app).get('/me').set('Authorization', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l')).status).toBe(401);
  await h.db.prisma.user.update({ where: { id: DEMO_USERS.reviewer3.id }, data: { active: false } });
  expect((await get(await devJwt({ sub: DEMO_USERS.reviewer3.id }))).status).toBe(401);
  expect((await request(h.app).post('/auth/dev-token').send({ email: DEMO_USERS.reviewer3.email })).status).toBe(401);
  await h.db.prisma.user.update({ where: { id: DEMO_USERS.reviewer3.id }, data: { active: true } });
  expect((await request(h.app).post('/auth/dev-token').send({ email: 'nobody@example.org' })).status).toBe(401);
  expect((await request(h.app).post('/auth/dev-token').send({ email: 'not an email' })).status).toBe(400);
});

test('OIDC: tokens verified against the JWKS, issuer and audience; email mapped to a user; no dev tokens', async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const server = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const issuer = 'https://idp.example.org/';
    const app = h.makeApp({
      AUTH_MODE: 'oidc',
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: 'rus-undp',
      OIDC_JWKS_URL: `http://127.0.0.1:${port}/jwks`,
    });
    const sign = (
      claims: Record<string, unknown>,
      opts: { key?: KeyLike | Uint8Array; aud?: string; iss?: string; exp?: number | string; alg?: string } = {},
    ) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: 'k1' })
        .setIssuer(opts.iss ?? issuer)
        .setAudience(opts.aud ?? 'rus-undp')
        .setIssuedAt()
        .setExpirationTime(opts.exp ?? '5m')
        .sign(opts.key ?? privateKey);
    const me = (token: string) => request(app).get('/me').set('Authorization', `Bearer ${token}`);
    const ok = await me(await sign({ email: DEMO_USERS.coTj.email }));
    expect(ok.status).toBe(200);
    expect(ok.body.id).toBe(DEMO_USERS.coTj.id);
    expect((await me(await sign({ email: DEMO_USERS.coTj.email }, { aud: 'other' }))).status).toBe(401);
    expect((await me(await sign({ email: DEMO_USERS.coTj.email }, { iss: 'https://evil.example.org/' }))).status).toBe(
      401,
    );
    expect((await me(await sign({ email: DEMO_USERS.coTj.email }, { key: other.privateKey }))).status).toBe(401);
    expect(
      (await me(await sign({ email: DEMO_USERS.coTj.email }, { exp: Math.floor(Date.now() / 1000) - 120 }))).status,
    ).toBe(401);
    expect((await me(await sign({ email: 'stranger@example.org' }))).status).toBe(401);
    expect((await me(await sign({ sub: 'no-email' }))).status).toBe(401);
    expect(
      (
        await me(
          await sign({ email: DEMO_USERS.coTj.email }, { alg: 'HS256', key: new TextEncoder().encode(DEV_SECRET) }),
        )
      ).status,
    ).toBe(401);
    expect(
      (
        await me(
          unsignedJwt({
            email: DEMO_USERS.coTj.email,
            iss: issuer,
            aud: 'rus-undp',
            exp: Math.floor(Date.now() / 1000) + 60,
          }),
        )
      ).status,
    ).toBe(401);
    expect(await me(await devJwt({}))).toHaveProperty('status', 401);
    const devToken = await request(app).post('/auth/dev-token').send({ email: DEMO_USERS.admin.email });
    expect(devToken.status).toBe(404);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
