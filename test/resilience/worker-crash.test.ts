import { Client, Connection } from '@temporalio/client';
import { openDatabase, type PrismaClient } from '../../lib/db';
import { startStack, type Stack } from '../../lib/stack';
import { stateQuery } from '../../workflows/messages';
import { createApplicants, driveProposalToClosed, startProposal } from '../helpers/drive';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { allSettledOrThrow, retryTransient } from '../helpers/wait';

const LIFECYCLES = 50;
let stack: Stack;
let smtp: TestSmtp;
let prisma: PrismaClient;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  smtp = await startTestSmtp();
  stack = await startStack({ env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), LOG_LEVEL: 'info', OUTBOX_LEASE_MS: '3000' } });
  prisma = await openDatabase(stack.databaseUrl);
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
}, 180_000);

afterAll(async () => {
  await connection?.close();
  await prisma?.$disconnect();
  await stack?.stop();
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
  // Settled, not Promise.all: no driver may still call Temporal after a failure has closed the connection.
  await allSettledOrThrow(handles.map((h, i) => driveProposalToClosed(h, applicants[i], crash)));
  expect(killed).toBe(true);
  const results = await Promise.all(handles.map((h) => h.result()));
  expect(results.every((r) => r === 'closed')).toBe(true);

  let missing = 0;
  let duplicated = 0;
  for (const h of handles) {
    const view = await retryTransient(() => h.query(stateQuery));
    const opened = view.history.filter((e) => e.action === 'task_opened').length;
    const tasks = await prisma.task.count({ where: { workflowId: h.workflowId } });
    const decisions = await prisma.auditEvent.count({ where: { workflowId: h.workflowId, action: 'decision' } });
    const payments = await prisma.payment.count({ where: { workflowId: h.workflowId } });
    const audit = await prisma.auditEvent.count({ where: { workflowId: h.workflowId } });
    const expectedAudit = view.history.length;
    if (tasks < opened || decisions < 18 || payments < 3 || audit < expectedAudit) missing++;
    if (tasks > opened || decisions > 18 || payments > 3 || audit > expectedAudit) duplicated++;
  }
  expect({ missing, duplicated }).toEqual({ missing: 0, duplicated: 0 });

  // Every outbox row was delivered exactly once: one received mail per sent row, none twice.
  const sent = await prisma.outbox.count({ where: { status: 'sent' } });
  expect(await prisma.outbox.count({ where: { status: 'pending' } })).toBe(0);
  const ids = smtp.mails.map((m) => `${m.messageId}|${m.to}`);
  expect(new Set(ids).size).toBe(ids.length);
  expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(sent);
}, 600_000);
