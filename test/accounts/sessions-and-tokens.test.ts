import { DEMO_USERS } from '../../domain/demo';
import { startStack, type Stack } from '../../lib/stack';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * Sessions and personal API tokens, and what ends them, across TWO API processes (as a
 * deployment runs them), each with its own read cache, listening on their own ports and sharing
 * the database. A change made through instance A is refused on the very next request to
 * instance B, although B had just served (and cached) that user.
 */
let stack: Stack;
let db: TestDatabase;
let A: string;
let B: string;

beforeAll(async () => {
  db = await createTestDatabase('sessions-tokens');
  stack = await startStack({
    databaseUrl: db.url,
    migrated: true,
    worker: false,
    // A long read-cache lifetime: only the database version can make B read the account again.
    env: { READ_CACHE_TTL_MS: '60000', SESSION_IDLE_MINUTES: '30', RATE_LIMIT_PER_MINUTE: '10000' },
  });
  const [a, b] = await Promise.all([stack.spawnApi(), stack.spawnApi()]);
  expect(a.proc.pid).not.toBe(b.proc.pid);
  [A, B] = [a.url, b.url];
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  await db?.close();
});

async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      Accept: 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function devToken(base: string, email: string): Promise<string> {
  const res = await call(base, 'POST', '/auth/dev-token', undefined, { email });
  expect(res.status).toBe(200);
  return res.body.token;
}

async function session(base: string, email: string): Promise<string> {
  const res = await call(base, 'POST', '/auth/session', await devToken(base, email));
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ token: expect.stringMatching(/^rud_s_/), idleTimeoutSeconds: 1800 });
  return res.body.token;
}

const admin = () => session(A, DEMO_USERS.admin.email);

test('a personal token: shown once, stored hashed, listed with its last use, revocable, never mints tokens', async () => {
  const s = await session(A, DEMO_USERS.fundManager.email);
  const created = await call(A, 'POST', '/me/tokens', s, { name: 'Nightly export', expiresInDays: 30 });
  expect(created.status).toBe(201);
  const token: string = created.body.token;
  expect(token).toMatch(/^rud_p_[A-Za-z0-9_-]{43}$/);
  expect(created.body).toMatchObject({
    name: 'Nightly export',
    role: 'fund_manager',
    lastUsedAt: null,
    revokedAt: null,
    prefix: token.slice(0, 10),
  });

  // Only a hash is stored: no column of the row holds the token.
  const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.body.id } });
  expect(JSON.stringify(row)).not.toContain(token.slice(6));

  // Accepted as a bearer token by the API (on either instance), and its use is listed.
  expect((await call(B, 'GET', '/pipeline', token)).status).toBe(200);
  const listed = await call(A, 'GET', '/me/tokens', s);
  expect(listed.body.items[0]).toMatchObject({ id: created.body.id, lastUsedAt: expect.any(String) });
  expect(JSON.stringify(listed.body)).not.toContain(token);

  expect((await call(A, 'POST', '/me/tokens', token, { name: 'From a token', expiresInDays: 1 })).status).toBe(403);
  expect((await call(A, 'POST', '/auth/session', token)).status).toBe(403);
  expect((await call(A, 'POST', '/me/tokens', s, { name: 'Too long', expiresInDays: 3650 })).status).toBe(400);

  // Another person's token is not found; revoking one's own ends it on the next request elsewhere.
  const other = await session(A, DEMO_USERS.coKg.email);
  expect((await call(A, 'POST', `/me/tokens/${created.body.id}/revoke`, other)).status).toBe(404);
  expect((await call(A, 'POST', `/me/tokens/${created.body.id}/revoke`, s)).body.revokedAt).toEqual(expect.any(String));
  expect((await call(B, 'GET', '/pipeline', token)).status).toBe(401);
});

test('sessions end after their idle and absolute timeouts, and at sign-out', async () => {
  const idle = await session(A, DEMO_USERS.coKg.email);
  expect((await call(B, 'GET', '/me', idle)).status).toBe(200);
  // The clock moves 31 minutes on without a request.
  await db.prisma.apiToken.updateMany({
    where: { kind: 'session', userId: DEMO_USERS.coKg.id },
    data: { lastUsedAt: new Date(Date.now() - 31 * 60_000) },
  });
  const refused = await call(B, 'GET', '/me', idle);
  expect(refused.status).toBe(401);
  expect(refused.body.error.message).toMatch(/inactivity/);

  const absolute = await session(A, DEMO_USERS.coTj.email);
  expect((await call(B, 'GET', '/me', absolute)).status).toBe(200);
  await db.prisma.apiToken.updateMany({
    where: { kind: 'session', userId: DEMO_USERS.coTj.id },
    data: { expiresAt: new Date(Date.now() - 1000) },
  });
  expect((await call(B, 'GET', '/me', absolute)).status).toBe(401);

  const s = await session(A, DEMO_USERS.reviewer1.email);
  expect((await call(B, 'GET', '/me', s)).status).toBe(200);
  expect((await call(A, 'POST', '/auth/sign-out', s)).body).toEqual({ revokedTokens: 1 });
  expect((await call(B, 'GET', '/me', s)).status).toBe(401);
});

test('sign-out everywhere ends sessions, personal tokens and signed tokens on every instance', async () => {
  const email = DEMO_USERS.reviewer2.email;
  const jwt = await devToken(A, email);
  const s1 = await session(A, email);
  const s2 = await session(B, email);
  const personal = (await call(A, 'POST', '/me/tokens', s1, { name: 'Script', expiresInDays: 5 })).body.token as string;
  for (const t of [jwt, s1, s2, personal]) expect((await call(B, 'GET', '/me', t)).status).toBe(200);
  const out = await call(A, 'POST', '/me/sign-out-everywhere', s1);
  expect(out.status).toBe(200);
  expect(out.body.revokedTokens).toBe(3);
  for (const t of [jwt, s1, s2, personal]) expect((await call(B, 'GET', '/me', t)).status).toBe(401);
  const audit = await db.prisma.auditEvent.findFirst({
    where: { subjectId: DEMO_USERS.reviewer2.id, action: 'signed_out_everywhere' },
  });
  expect(audit).toMatchObject({ actorId: DEMO_USERS.reviewer2.id, subjectType: 'user' });
});

test('a deactivated account is refused on its next request on the other instance; reactivated, it signs in again', async () => {
  const who = DEMO_USERS.expert2;
  const jwt = await devToken(B, who.email);
  const s = await session(B, who.email);
  // B has just read (and cached) the account for both tokens.
  for (const t of [jwt, s]) expect((await call(B, 'GET', '/me', t)).status).toBe(200);
  const off = await call(A, 'PATCH', `/users/${who.id}`, await admin(), { active: false, reason: 'Left the roster' });
  expect(off.status).toBe(200);
  expect(off.body.active).toBe(false);
  for (const t of [jwt, s]) expect((await call(B, 'GET', '/me', t)).status).toBe(401);
  expect((await call(B, 'POST', '/auth/dev-token', undefined, { email: who.email })).status).toBe(401);

  expect((await call(A, 'PATCH', `/users/${who.id}`, await admin(), { active: true })).status).toBe(200);
  // Sessions ended by the deactivation stay ended; a new sign-in works.
  expect((await call(B, 'GET', '/me', s)).status).toBe(401);
  await new Promise((r) => setTimeout(r, 1100)); // a signed token of the same second as the revocation counts as older
  expect((await call(B, 'GET', '/me', await session(B, who.email))).status).toBe(200);
  const events = await db.prisma.auditEvent.findMany({ where: { subjectId: who.id }, orderBy: { id: 'asc' } });
  expect(events.map((e) => e.action)).toEqual(['account_deactivated', 'account_reactivated']);
  expect(events[0]).toMatchObject({
    actorId: DEMO_USERS.admin.id,
    actorRole: 'admin',
    comment: 'Left the roster',
    data: { active: { from: true, to: false } },
  });
});

test('a changed role takes effect at once on the other instance', async () => {
  const who = DEMO_USERS.reviewer3;
  const jwt = await devToken(B, who.email);
  const s = await session(B, who.email);
  expect((await call(B, 'GET', '/pipeline', jwt)).status).toBe(403);
  expect((await call(B, 'GET', '/me', s)).body.role).toBe('reviewer');
  const changed = await call(A, 'PATCH', `/users/${who.id}`, await admin(), {
    role: 'co_approver',
    countryCode: 'KG',
    reason: 'Joined the Kyrgyzstan office',
  });
  expect(changed.status).toBe(200);
  // The session and the signed token were made for the reviewer role: both end, so nothing acts as a
  // reviewer any more. A new sign-in acts with the new role at once.
  expect((await call(B, 'GET', '/me', s)).status).toBe(401);
  expect((await call(B, 'GET', '/me', jwt)).status).toBe(401);
  await new Promise((r) => setTimeout(r, 1100));
  const fresh = await devToken(B, who.email);
  const me = await call(B, 'GET', '/me', fresh);
  expect(me.body).toMatchObject({ role: 'co_approver', countryCode: 'KG' });
  expect((await call(B, 'GET', '/pipeline', fresh)).status).toBe(200);

  // Administrators cannot change themselves, and a co_approver needs a country.
  const a = await admin();
  expect((await call(A, 'PATCH', `/users/${DEMO_USERS.admin.id}`, a, { active: false })).status).toBe(409);
  expect((await call(A, 'PATCH', `/users/${DEMO_USERS.reviewer1.id}`, a, { role: 'co_approver' })).status).toBe(400);
  expect((await call(A, 'PATCH', '/users/u-nobody', a, { active: false })).status).toBe(404);
  expect(
    (
      await call(A, 'PATCH', `/users/${DEMO_USERS.reviewer1.id}`, await session(A, DEMO_USERS.fundManager.email), {
        active: false,
      })
    ).status,
  ).toBe(403);
});
