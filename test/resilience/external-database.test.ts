/**
 * DATABASE_URL pointing at a PostgreSQL server started separately: a second embedded server on
 * another port, reached by URL only (as a managed server would be). The stack's own steps run
 * against it as in a deployment: `prisma migrate deploy` (scripts/prisma.ts), the seed script,
 * then the worker and the API; a whole Challenge Fund lifecycle over HTTP lands in its tables,
 * and the server's password appears in no log line.
 */
import { openDatabase, type PrismaClient } from '../../lib/db';
import { ensureDatabase } from '../../lib/pg';
import { startStack, type Stack } from '../../lib/stack';
import { createApplicants } from '../helpers/drive';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { startThrowawayPostgres } from '../helpers/test-postgres';
import { createProposalOverHttp, driveProposalOverHttp, HttpApi, sleep, type DriveStats } from './http';

let external: Awaited<ReturnType<typeof startThrowawayPostgres>>;
let stack: Stack;
let smtp: TestSmtp;
let prisma: PrismaClient;
let api: HttpApi;
let url: string;
const logs: string[] = [];

beforeAll(async () => {
  external = await startThrowawayPostgres('external-pg');
  expect(external.server.url()).not.toBe(process.env.TEST_DATABASE_ADMIN_URL);
  await ensureDatabase(external.server.url(), 'undp_production');
  url = external.server.url('undp_production');
  smtp = await startTestSmtp();
  // Not migrated, not seeded: the stack runs migrate deploy and the seed script against the URL.
  stack = await startStack({
    api: true,
    databaseUrl: url,
    log: (line) => logs.push(line),
    env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), RATE_LIMIT_PER_MINUTE: '100000' },
  });
  prisma = await openDatabase(url);
  api = new HttpApi(stack.apiUrl);
}, 240_000);

afterAll(async () => {
  api?.close();
  await prisma?.$disconnect();
  await stack?.stop();
  await smtp?.stop();
  await external?.remove();
});

test('migrate, seed, worker and API on a server given by DATABASE_URL: a lifecycle lands there', async () => {
  const migrations = await prisma.$queryRaw<
    { n: bigint }[]
  >`SELECT COUNT(*) AS n FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL`;
  expect(Number(migrations[0].n)).toBeGreaterThan(0);
  expect(await prisma.user.count()).toBeGreaterThan(5);

  const [applicant] = (await createApplicants(prisma, 1, 'external')).map((a) => ({
    ...a,
    email: 'external-0@example.org',
  }));
  const id = await createProposalOverHttp(api, applicant, 'external-create');
  const stats: DriveStats = { decided: 0, retried: 0, alreadyApplied: 0 };
  await driveProposalOverHttp(api, id, applicant, stats);
  expect(stats.decided).toBe(18);
  const proposal = await prisma.proposal.findUniqueOrThrow({ where: { id } });
  expect(proposal.closedAt).not.toBeNull();
  expect(await prisma.task.count({ where: { subjectId: id, status: 'open' } })).toBe(0);
  expect(await prisma.payment.count({ where: { subjectId: id } })).toBe(3);

  const deadline = Date.now() + 60_000;
  while ((await prisma.outbox.count({ where: { status: 'pending' } })) > 0 && Date.now() < deadline) await sleep(300);
  expect(await prisma.outbox.count({ where: { status: 'sent' } })).toBeGreaterThan(10);

  const password = decodeURIComponent(new URL(url).password);
  expect(password.length).toBeGreaterThan(10);
  expect(logs.filter((l) => l.includes(password))).toEqual([]);
}, 300_000);
