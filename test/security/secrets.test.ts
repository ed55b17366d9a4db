import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { DEMO_USERS } from '../../domain/demo';
import type { PrismaClient } from '../../lib/db';
import { startStack, type Stack } from '../../lib/stack';
import { createApplicants } from '../helpers/drive';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createProposalOverHttp, driveProposalOverHttp, HttpApi, sleep, type DriveStats } from '../resilience/http';

/**
 * No secret in the logs: every line the API, worker and Temporal processes write during a whole
 * lifecycle (LOG_LEVEL=debug) is searched for the bearer tokens in use, AUTH_DEV_SECRET and the SMTP
 * credentials (plain and as SMTP AUTH encodes them). The relay requires AUTH and refuses the
 * first attempts, so the delivery failure path is logged too.
 */
const SMTP_USER = 'relay-user-7Hq2Wd';
const SMTP_PASSWORD = 'relay-pass-Vx93kLmQz';
const DEV_SECRET = 'dev-secret-Kp2x9LmQ7vR4tW8zYb';

let stack: Stack;
let db: TestDatabase;
let prisma: PrismaClient;
let api: HttpApi;
let smtp: SMTPServer;
const logs: string[] = [];
const auth = { attempts: 0, accepted: 0 };
const mails: string[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true, // loopback only
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(a, _session, callback) {
      auth.attempts++;
      if (auth.attempts <= 2) return callback(new Error('Temporary authentication failure, try again'));
      if (a.username === SMTP_USER && a.password === SMTP_PASSWORD) {
        auth.accepted++;
        return callback(null, { user: a.username });
      }
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      if (!session.user) return callback(new Error('authentication required'));
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(Buffer.concat(chunks).toString());
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  db = await createTestDatabase('secrets');
  stack = await startStack({
    api: true,
    databaseUrl: db.url,
    migrated: true,
    env: {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(port),
      SMTP_USER,
      SMTP_PASSWORD,
      AUTH_DEV_SECRET: DEV_SECRET,
      LOG_LEVEL: 'debug',
      OUTBOX_LEASE_MS: '3000',
      RATE_LIMIT_PER_MINUTE: '100000',
    },
    log: (line) => logs.push(line),
  });
  prisma = db.prisma;
  api = new HttpApi(stack.apiUrl);
}, 180_000);

afterAll(async () => {
  api?.close();
  await stack?.stop();
  await db?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

test('a whole lifecycle with SMTP AUTH and bearer tokens: no token, password, secret or SMTP credential in any log line', async () => {
  const [applicant] = (await createApplicants(prisma, 1, 'secret')).map((a) => ({
    ...a,
    email: 'secret-0@example.org',
  }));
  const id = await createProposalOverHttp(api, applicant, 'secret-create');
  const stats: DriveStats = { decided: 0, retried: 0, alreadyApplied: 0 };
  await driveProposalOverHttp(api, id, applicant, stats);
  expect(stats.decided).toBe(18);
  // Failure paths that log: a refused token, a token in a query string, an unknown route with a token.
  const fm = await api.token(DEMO_USERS.fundManager.email);
  expect((await api.get('/me', `${fm.slice(0, -3)}abc`)).status).toBe(401);
  expect((await api.get(`/proposals?access_token=${fm}`, fm)).status).toBe(200);
  expect((await api.get('/nowhere', fm)).status).toBe(404);
  expect((await api.post('/auth/dev-token', { email: 'nobody@example.org', password: SMTP_PASSWORD })).status).toBe(
    400,
  );

  // Every notification delivered through the authenticating relay.
  const deadline = Date.now() + 120_000;
  while ((await prisma.outbox.count({ where: { status: 'pending' } })) > 0 && Date.now() < deadline) await sleep(500);
  expect(await prisma.outbox.count({ where: { status: 'pending' } })).toBe(0);
  expect(await prisma.outbox.count({ where: { status: 'failed' } })).toBe(0);
  expect(auth.attempts).toBeGreaterThan(2);
  expect(auth.accepted).toBeGreaterThan(0);
  expect(mails.length).toBe(await prisma.outbox.count({ where: { status: 'sent' } }));
  await sleep(1000); // the last log lines

  const tokens = api.issuedTokens();
  expect(tokens.length).toBe(5); // applicant, CO, fund manager, two reviewers
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const secrets: [string, string][] = [
    ...tokens.map((t, i): [string, string] => [`bearer token ${i}`, t]),
    ...tokens.map((t, i): [string, string] => [`signature of token ${i}`, t.split('.')[2]]),
    ['AUTH_DEV_SECRET', DEV_SECRET],
    ['SMTP_PASSWORD', SMTP_PASSWORD],
    ['SMTP_USER', SMTP_USER],
    ['AUTH PLAIN', b64(`\u0000${SMTP_USER}\u0000${SMTP_PASSWORD}`)],
    ['AUTH LOGIN user', b64(SMTP_USER)],
    ['AUTH LOGIN password', b64(SMTP_PASSWORD)],
  ];
  const text = logs.join('\n');
  expect(logs.length).toBeGreaterThan(100); // the search had something to search
  expect(text).toContain('"msg":"request"'); // request lines of the API are in
  expect(text).toContain('notification not sent; will retry'); // and the refused SMTP AUTH was logged
  const found = secrets.filter(([, value]) => text.includes(value)).map(([name]) => name);
  expect(found).toEqual([]);
  expect(text).not.toMatch(/Bearer\s+[A-Za-z0-9._-]{8,}/);
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/); // nothing JWT-shaped at all
  // Nor in the mails the relay received (links never carry a token).
  const mailText = mails.join('\n');
  expect(secrets.filter(([, value]) => mailText.includes(value)).map(([name]) => name)).toEqual([]);
}, 600_000);
