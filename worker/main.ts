import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfig, publicBaseUrl } from '../lib/config';
import { resolveDatabase } from '../lib/database';
import { openDatabase } from '../lib/db';
import { logger } from '../lib/logger';
import { createMailer } from '../lib/mailer';
import { createWorker } from './create-worker';
import { ensureDigestSchedule } from './schedules';

/** Bundles the workflows in a child process (same node flags, e.g. the tsx loader) and returns the file. */
async function bundleWorkflows(): Promise<string> {
  const out = path.join(os.tmpdir(), `rus-undp-workflows-${process.pid}-${Date.now()}.js`);
  await promisify(execFile)(process.execPath, [...process.execArgv, path.join(__dirname, 'bundle-workflows.ts'), out], { maxBuffer: 16 * 1024 * 1024 });
  return out;
}

/**
 * Test hook, off unless MAILER_TEST_HOLD_AFTER_ACCEPT=1: after the SMTP server accepted a mail,
 * log `mail_accepted_held` and never record it, so a test can kill the worker in the window
 * between the server's 250 and the record of it (test/resilience/mail-crash.test.ts).
 */
function mailTestHold(): ((mail: { messageId: string; to: string }) => Promise<void>) | undefined {
  if (process.env.MAILER_TEST_HOLD_AFTER_ACCEPT !== '1') return undefined;
  return async (mail) => {
    logger.child({}, { level: 'info' }).info({ event: 'mail_accepted_held', messageId: mail.messageId, to: mail.to }, 'mail accepted by the server; held before its record (test hook)');
    await new Promise<never>(() => undefined);
  };
}

/** Worker process: `npm run worker` (npm start runs it as a child). */
async function main(): Promise<void> {
  const cfg = loadConfig();
  Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } } });
  const database = await resolveDatabase(cfg);
  // Local activities commit the read model while workflow tasks run: more than pg's default 10.
  const prisma = await openDatabase(database.url, { max: 20 });
  const mailer = createMailer(cfg, { afterAccept: mailTestHold() });
  const address = cfg.TEMPORAL_ADDRESS ?? `127.0.0.1:${cfg.TEMPORAL_PORT}`;
  const connection = await NativeConnection.connect({ address });
  const codePath = await bundleWorkflows();
  const worker = await createWorker({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TASK_QUEUE,
    deps: { prisma, mailer, logger, baseUrl: publicBaseUrl(cfg) },
    workflowBundle: { codePath },
    tuning: { maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS },
  }).finally(() => fs.rmSync(codePath, { force: true }));
  // Start and stop are always logged (at least at info), whatever LOG_LEVEL says: supervisors wait for `worker_started`.
  const lifecycleLog = logger.isLevelEnabled('info') || logger.level === 'silent' ? logger : logger.child({}, { level: 'info' });
  lifecycleLog.info({ event: 'worker_started', taskQueue: cfg.TASK_QUEUE, address, maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS }, 'worker started');
  // The daily digest schedule lives in Temporal; creating it is idempotent, and a failure only costs digests.
  const clientConnection = await Connection.connect({ address });
  await ensureDigestSchedule(new Client({ connection: clientConnection, namespace: cfg.TEMPORAL_NAMESPACE }), cfg.TASK_QUEUE)
    .then((outcome) => logger.info({ event: 'digest_schedule', outcome }, 'daily digest schedule ready'))
    .catch((err) => logger.warn({ event: 'digest_schedule_failed', err: err instanceof Error ? err.message : String(err) }, 'daily digest schedule not created'))
    .finally(() => clientConnection.close());
  // Worker.run() drains on SIGINT/SIGTERM (shutdown signals are installed by the SDK).
  await worker.run();
  await connection.close();
  mailer.close();
  await prisma.$disconnect();
  await database.stop();
  lifecycleLog.info({ event: 'worker_stopped' }, 'worker stopped');
}

main().catch((err) => {
  logger.fatal({ err: err instanceof Error ? err.message : String(err) }, 'worker failed');
  process.exit(1);
});
