import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { promisify } from 'node:util';
import net from 'node:net';
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { ConfigError, loadConfig, publicBaseUrl, type AppConfig } from '../lib/config';
import { resolveDatabase } from '../lib/database';
import { openDatabase } from '../lib/db';
import { logger } from '../lib/logger';
import { documentServicesFromConfig } from '../lib/documents';
import { createMailer } from '../lib/mailer';
import { createStorage } from '../lib/storage';
import { describeTemporalConnection, temporalConnectionOptions } from '../lib/temporal-connection';
import { connectTemporalClient, temporalStartError, verifyTemporalNamespace } from '../lib/temporal-setup';
import { createClock } from '../lib/clock';
import { createWorker } from './create-worker';
import { ensureDigestSchedule } from './schedules';
import { ensureCallWorkflows } from './calls';
import { ensurePendingScans } from './document-scans';

/** Bundles the workflows in a child process (same node flags, e.g. the tsx loader) and returns the file. */
async function bundleWorkflows(): Promise<string> {
  const out = path.join(os.tmpdir(), `rus-undp-workflows-${process.pid}-${Date.now()}.js`);
  await promisify(execFile)(process.execPath, [...process.execArgv, path.join(__dirname, 'bundle-workflows.ts'), out], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return out;
}

/** The SDK's own metrics (task slots, poll and schedule-to-start latencies, workflow and activity outcomes) for Prometheus. */
function metricsBindAddress(cfg: AppConfig): string | undefined {
  if (cfg.WORKER_METRICS_PORT === undefined) return undefined;
  const host = net.isIPv6(cfg.METRICS_HOST) ? `[${cfg.METRICS_HOST}]` : cfg.METRICS_HOST;
  return `${host}:${cfg.WORKER_METRICS_PORT}`;
}

/** Connects the worker and checks the namespace, or stops with the cause (a TLS or API key setting, a missing search attribute). */
async function connectWorker(cfg: AppConfig): Promise<NativeConnection> {
  let connection: NativeConnection | undefined;
  try {
    connection = await NativeConnection.connect(temporalConnectionOptions(cfg));
    await verifyTemporalNamespace(connection, cfg);
    return connection;
  } catch (err) {
    await connection?.close().catch(() => undefined);
    throw await temporalStartError(cfg, err);
  }
}

/**
 * Test hook, off unless MAILER_TEST_HOLD_AFTER_ACCEPT=1: after the SMTP server accepted a mail,
 * log `mail_accepted_held` and never record it, so a test can kill the worker in the window
 * between the server's 250 and the record of it (test/resilience/mail-crash.test.ts).
 */
function mailTestHold(): ((mail: { messageId: string; to: string }) => Promise<void>) | undefined {
  if (process.env.MAILER_TEST_HOLD_AFTER_ACCEPT !== '1') return undefined;
  return async (mail) => {
    logger
      .child({}, { level: 'info' })
      .info(
        { event: 'mail_accepted_held', messageId: mail.messageId, to: mail.to },
        'mail accepted by the server; held before its record (test hook)',
      );
    await new Promise<never>(() => undefined);
  };
}

/** Worker process: `npm run worker` (npm start runs it as a child). */
async function main(): Promise<void> {
  const cfg = loadConfig();
  // Before the workflow thread exists: V8 reads the factor at each collection, in every isolate of the process.
  if (cfg.WORKER_HEAP_GROWING_PERCENT)
    v8.setFlagsFromString(`--heap-growing-percent=${cfg.WORKER_HEAP_GROWING_PERCENT}`);
  const metricsAddress = metricsBindAddress(cfg);
  Runtime.install({
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress } } } : {}),
    },
  });
  const database = await resolveDatabase(cfg);
  // Local activities commit the read model while workflow tasks run: more than pg's default 10.
  const prisma = await openDatabase(database.url, { max: 20 });
  const mailer = createMailer(cfg, { afterAccept: mailTestHold() });
  const connection = await connectWorker(cfg);
  // A bundle made beforehand (WORKFLOW_BUNDLE_PATH: the test run makes one for all its workers) is used as is and kept.
  const prebuilt = process.env.WORKFLOW_BUNDLE_PATH || undefined;
  const codePath = prebuilt ?? (await bundleWorkflows());
  const worker = await createWorker({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TASK_QUEUE,
    deps: {
      prisma,
      mailer,
      logger,
      baseUrl: publicBaseUrl(cfg),
      documents: documentServicesFromConfig(cfg, createStorage(cfg)),
      clock: createClock({ prisma }),
      sla: {
        default: cfg.SLA_DEFAULT_DAYS,
        endorsement: cfg.SLA_ENDORSEMENT_DAYS,
        invitation: cfg.SLA_INVITATION_DAYS,
        reminderBefore: cfg.SLA_REMINDER_BEFORE_DAYS,
      },
    },
    workflowBundle: { codePath },
    tuning: { maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS },
  }).finally(() => {
    if (!prebuilt) fs.rmSync(codePath, { force: true });
  });
  // Start and stop are always logged (at least at info), whatever LOG_LEVEL says: supervisors wait for `worker_started`.
  const lifecycleLog =
    logger.isLevelEnabled('info') || logger.level === 'silent' ? logger : logger.child({}, { level: 'info' });
  lifecycleLog.info(
    {
      event: 'worker_started',
      taskQueue: cfg.TASK_QUEUE,
      temporal: describeTemporalConnection(cfg),
      maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS,
      metrics: metricsAddress ? `${metricsAddress}/metrics` : 'off',
    },
    'worker started',
  );
  // The daily digest schedule lives in Temporal; creating it is idempotent, and a failure only costs digests.
  const clientConnection = await connectTemporalClient(cfg);
  const client = new Client({ connection: clientConnection, namespace: cfg.TEMPORAL_NAMESPACE });
  await ensureDigestSchedule(client, cfg.TASK_QUEUE)
    .then((outcome) => logger.info({ event: 'digest_schedule', outcome }, 'daily digest schedule ready'))
    .catch((err) =>
      logger.warn(
        { event: 'digest_schedule_failed', err: err instanceof Error ? err.message : String(err) },
        'daily digest schedule not created',
      ),
    );
  // Calls written as rows without their workflow (the demo seed, which declares them one-by-one): their workflows start now.
  await ensureCallWorkflows(client, prisma, cfg.TASK_QUEUE)
    .then((n) => n && logger.info({ event: 'call_workflows', calls: n }, 'call workflows started'))
    .catch((err) =>
      logger.warn(
        { event: 'call_workflows_failed', err: err instanceof Error ? err.message : String(err) },
        'call workflows not started',
      ),
    );
  // Documents whose scan the API could not start (Temporal unreachable at upload): scanned now.
  if (cfg.SCANNER === 'clamd') {
    await ensurePendingScans(client, prisma, cfg.TASK_QUEUE)
      .then((n) => n && logger.info({ event: 'pending_scans', documents: n }, 'scans of pending documents started'))
      .catch((err) =>
        logger.warn(
          { event: 'pending_scans_failed', err: err instanceof Error ? err.message : String(err) },
          'scans of pending documents not started',
        ),
      );
  }
  await clientConnection.close();
  // Worker.run() drains on SIGINT/SIGTERM (shutdown signals are installed by the SDK).
  await worker.run();
  await connection.close();
  mailer.close();
  await prisma.$disconnect();
  await database.stop();
  lifecycleLog.info({ event: 'worker_stopped' }, 'worker stopped');
}

main().catch((err) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else logger.fatal({ err: err instanceof Error ? err.message : String(err) }, 'worker failed');
  process.exit(1);
});
