import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfig, publicBaseUrl } from '../lib/config';
import { openDatabase } from '../lib/db';
import { logger } from '../lib/logger';
import { createMailer } from '../lib/mailer';
import { createWorker } from './create-worker';
import { ensureDigestSchedule } from './schedules';

/** Worker process: `npm run worker` (npm start runs it as a child). */
async function main(): Promise<void> {
  const cfg = loadConfig();
  Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } } });
  const prisma = await openDatabase(cfg.DATABASE_URL);
  const mailer = createMailer(cfg);
  const address = cfg.TEMPORAL_ADDRESS ?? `127.0.0.1:${cfg.TEMPORAL_PORT}`;
  const connection = await NativeConnection.connect({ address });
  const worker = await createWorker({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TASK_QUEUE,
    deps: { prisma, mailer, logger, baseUrl: publicBaseUrl(cfg) },
    tuning: { maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS },
  });
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
  lifecycleLog.info({ event: 'worker_stopped' }, 'worker stopped');
}

main().catch((err) => {
  logger.fatal({ err: err instanceof Error ? err.message : String(err) }, 'worker failed');
  process.exit(1);
});
