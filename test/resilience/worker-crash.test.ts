import { Client, Connection } from '@temporalio/client';
import type { PrismaClient } from '../../lib/db';
import { startStack, type Stack } from '../../lib/stack';
import { stateQuery } from '../../workflows/messages';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { checkDeliveryRule } from '../helpers/delivery-rule';
import { auditRowsOfHistory, createApplicants, driveProposalToClosed, startProposal } from '../helpers/drive';
import { saveHistoryArtifact } from '../helpers/histories';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { allSettledOrThrow, retryTransient } from '../helpers/wait';

const LIFECYCLES = 50;
let stack: Stack;
let smtp: TestSmtp;
let db: TestDatabase;
let prisma: PrismaClient;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  smtp = await startTestSmtp();
  db = await createTestDatabase('worker-crash');
  prisma = db.prisma;
  stack = await startStack({
    databaseUrl: db.url,
    migrated: true,
    env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), LOG_LEVEL: 'info', OUTBOX_LEASE_MS: '3000' },
  });
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
}, 180_000);

afterAll(async () => {
  await connection?.close();
  await stack?.stop();
  await db?.close();
  await smtp?.stop();
});

test(`SIGKILL of the worker with ${LIFECYCLES} lifecycles in flight: all complete, nothing duplicated or lost`, async () => {
  const applicants = await createApplicants(prisma, LIFECYCLES, 'crash');
  const handles = await Promise.all(applicants.map((a, i) => startProposal(client, stack.taskQueue, `crash-${i}`, a)));
  let killed = false;
  const crash = async (step: number) => {
    // Once the first lifecycle is halfway, kill the worker hard and bring up a new one.
    if (step === 9 && !killed) {
      killed = true;
      await stack.killWorker('SIGKILL');
      await stack.startWorker();
    }
  };
  // After the kill, the new worker replays all 50 histories before it answers: on a loaded 2-core
  // machine a workflow task may time out (10 s) and wait for its retry, so a task may take over a
  // minute to open. Completion is what this test asserts, not how soon.
  const taskWaitMs = 240_000;
  // Settled, not Promise.all: no driver may still call Temporal after a failure has closed the connection.
  // A lifecycle that cannot be driven on (e.g. its workflow task fails after the restart) leaves its
  // history under test/artifacts/histories/ for `scripts/replay-history.ts`.
  await allSettledOrThrow(
    handles.map((h, i) =>
      driveProposalToClosed(h, applicants[i], crash, taskWaitMs).catch(async (err: unknown) => {
        const file = await saveHistoryArtifact(h, 'worker-crash').catch(() => 'not saved');
        throw new Error(`driving ${h.workflowId} failed (history in ${file}): ${String(err)}`, { cause: err });
      }),
    ),
  );
  expect(killed).toBe(true);
  const results = await Promise.all(handles.map((h) => h.result()));
  expect(results.every((r) => r === 'closed')).toBe(true);

  let missing = 0;
  let duplicated = 0;
  for (const h of handles) {
    // A completed workflow is replayed from its history to answer: a failure here is non-determinism.
    // Its history is kept under test/artifacts/histories/ for `scripts/replay-history.ts`.
    const view = await retryTransient(() => h.query(stateQuery)).catch(async (err: unknown) => {
      const file = await saveHistoryArtifact(h, 'worker-crash').catch(() => 'not saved');
      throw new Error(`state query of ${h.workflowId} failed (history in ${file}): ${String(err)}`, { cause: err });
    });
    const opened = view.history.filter((e) => e.action === 'task_opened').length;
    const tasks = await prisma.task.count({ where: { workflowId: h.workflowId } });
    const decisions = await prisma.auditEvent.count({ where: { workflowId: h.workflowId, action: 'decision' } });
    const payments = await prisma.payment.count({ where: { workflowId: h.workflowId } });
    const audit = await auditRowsOfHistory(prisma, h.workflowId, view.history);
    const expectedAudit = view.history.length;
    if (tasks < opened || decisions < 18 || payments < 3 || audit < expectedAudit) missing++;
    if (tasks > opened || decisions > 18 || payments > 3 || audit > expectedAudit) duplicated++;
  }
  expect({ missing, duplicated }).toEqual({ missing: 0, duplicated: 0 });

  // The delivery rule: every mail arrived; a repeat (a worker killed between the server's 250
  // and the record of it) only under the mail's own Message-ID.
  const rule = await checkDeliveryRule(prisma, smtp.mails);
  expect(rule.expected).toBeGreaterThan(LIFECYCLES * 10);
  expect({ pending: rule.pending, missing: rule.missing, foreign: rule.foreign }).toEqual({
    pending: 0,
    missing: [],
    foreign: [],
  });
}, 600_000);
