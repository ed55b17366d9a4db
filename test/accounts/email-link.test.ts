import { createHash } from 'node:crypto';
import request from 'supertest';
import type { Application } from 'express';
import { DEMO_USERS } from '../../domain/demo';
import { startApiHarness, type ApiHarness } from '../api/harness';
import { eventually } from '../helpers/wait';

/**
 * Sign-in by e-mail link, over HTTP against the real stack (PostgreSQL, Temporal, the worker that
 * delivers the outbox, a loopback SMTP server): single use, expiry, bound to the browser that
 * asked, the same answer and the same path through the outbox for known and unknown addresses,
 * rate limits per address and per IP.
 */
let h: ApiHarness;
let app: Application;

beforeAll(async () => {
  h = await startApiHarness('email-link');
  app = h.makeApp({ AUTH_MODE: 'dev,email', EMAIL_LINK_LIMIT_PER_ADDRESS: '3', EMAIL_LINK_LIMIT_PER_IP: '6' });
});
afterAll(async () => {
  await h?.stop();
});

const KNOWN = DEMO_USERS.applicant.email;
let ipSeq = 0;
/** Each test asks from its own address (X-Forwarded-For from loopback is believed), so per-IP limits do not mix. */
const nextIp = () => `198.51.100.${++ipSeq}`;

async function ask(email: string, browser: string, ip: string) {
  return request(app).post('/auth/email-link').set('X-Forwarded-For', ip).send({ email, browser });
}

async function linkTokenFor(email: string, after: number): Promise<string> {
  const mail = await eventually(async () => h.smtp.mails.slice(after).find((m) => m.to === email), 30_000);
  const m = /\/app\/sign-in\/link\/([A-Za-z0-9_-]{43})/.exec(mail.text);
  if (!m) throw new Error(`no link in ${mail.text}`);
  return m[1];
}

const redeem = (token: string, browser: string, ip = nextIp()) =>
  request(app).post('/auth/email-link/redeem').set('X-Forwarded-For', ip).send({ token, browser });
const browserValue = (name: string) => createHash('sha256').update(name).digest('base64url');

test('known and unknown addresses get the same answer and take the same path through the outbox; only the known one gets a mail', async () => {
  const ip = nextIp();
  const before = h.smtp.mails.length;
  const known = await ask(KNOWN, browserValue('a'), ip);
  const unknown = await ask('nobody-here@example.org', browserValue('a'), ip);
  expect(known.status).toBe(202);
  expect(unknown.status).toBe(known.status);
  expect(unknown.body).toEqual(known.body);
  expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());

  const rows = await h.db.prisma.emailSignIn.findMany({
    where: { email: { in: [KNOWN, 'nobody-here@example.org'] } },
    orderBy: { createdAt: 'asc' },
  });
  expect(rows).toHaveLength(2);
  const outbox = await h.db.prisma.outbox.findMany({ where: { key: { in: rows.map((r) => r.outboxKey) } } });
  expect(outbox).toHaveLength(2);
  // Both rows were handed to a delivery workflow; the unknown one is recorded as skipped, never sent.
  await eventually(async () => {
    const done = await h.db.prisma.outbox.findMany({ where: { key: { in: rows.map((r) => r.outboxKey) } } });
    return done.every((r) => r.status !== 'pending') && done;
  }, 30_000);
  const byEmail = new Map(
    (await h.db.prisma.outbox.findMany({ where: { key: { in: rows.map((r) => r.outboxKey) } } })).map((r) => [
      r.toEmail,
      r,
    ]),
  );
  expect(byEmail.get(KNOWN)?.status).toBe('sent');
  expect(byEmail.get('nobody-here@example.org')?.status).toBe('skipped');
  const workflows = [];
  for await (const wf of h.env.client.workflow.list({ query: `WorkflowType = 'accountMailWorkflow'` }))
    workflows.push(wf);
  expect(workflows.length).toBeGreaterThanOrEqual(2);
  await linkTokenFor(KNOWN, before);
  expect(h.smtp.mails.slice(before).filter((m) => m.to === 'nobody-here@example.org')).toHaveLength(0);
});

test('a link works once, only in the browser that asked, and ends in a session token', async () => {
  const before = h.smtp.mails.length;
  const mine = browserValue('mine');
  expect((await ask(KNOWN, mine, nextIp())).status).toBe(202);
  const token = await linkTokenFor(KNOWN, before);

  // A forwarded mail opened in another browser: refused, and the link stays usable where it was asked for.
  const elsewhere = await redeem(token, browserValue('someone-else'));
  expect(elsewhere.status).toBe(401);
  expect(elsewhere.body.error).toMatchObject({
    code: 'link_invalid',
    message: expect.stringMatching(/another browser/),
  });

  const ok = await redeem(token, mine);
  expect(ok.status).toBe(200);
  expect(ok.body.token).toMatch(/^rud_s_/);
  const me = await request(app).get('/me').set('Authorization', `Bearer ${ok.body.token}`);
  expect(me.status).toBe(200);
  expect(me.body.email).toBe(KNOWN);

  const again = await redeem(token, mine);
  expect(again.status).toBe(401);
  expect(again.body.error.message).toMatch(/already used/);
});

test('an expired link is refused', async () => {
  const before = h.smtp.mails.length;
  const mine = browserValue('late');
  expect((await ask(KNOWN, mine, nextIp())).status).toBe(202);
  const token = await linkTokenFor(KNOWN, before);
  // The clock moves 15 minutes on: the row's expiry is put in the past.
  await h.db.prisma.emailSignIn.updateMany({
    where: { tokenHash: createHash('sha256').update(token).digest('hex') },
    data: { expiresAt: new Date(Date.now() - 1000) },
  });
  const res = await redeem(token, mine);
  expect(res.status).toBe(401);
  expect(res.body.error.message).toMatch(/expired/);
});

test('links are limited per address and per IP, with Retry-After', async () => {
  const ip = nextIp();
  const address = 'limited-address@example.org';
  for (let i = 0; i < 3; i++) expect((await ask(address, browserValue('x'), ip)).status).toBe(202);
  const limited = await ask(address, browserValue('x'), nextIp());
  expect(limited.status).toBe(429);
  expect(limited.body.error.code).toBe('rate_limited');
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  // Another address from the first IP still goes through, until the IP's own limit (6).
  expect((await ask('other-address@example.org', browserValue('x'), ip)).status).toBe(202);
  expect((await ask('other-address-2@example.org', browserValue('x'), ip)).status).toBe(202);
  expect((await ask('other-address-3@example.org', browserValue('x'), ip)).status).toBe(202);
  const ipLimited = await ask('other-address-4@example.org', browserValue('x'), ip);
  expect(ipLimited.status).toBe(429);
  // A limited request did no work: no row beyond the three allowed ones for the address.
  expect(await h.db.prisma.emailSignIn.count({ where: { email: address } })).toBe(3);
});

test('the route exists only when AUTH_MODE includes email', async () => {
  const res = await request(h.app)
    .post('/auth/email-link')
    .send({ email: KNOWN, browser: browserValue('a') });
  expect(res.status).toBe(404);
  const doc = await request(h.app).get('/openapi.json');
  expect(Object.keys(doc.body.paths)).not.toContain('/auth/email-link');
  const withEmail = await request(app).get('/openapi.json');
  expect(Object.keys(withEmail.body.paths)).toContain('/auth/email-link');
});
