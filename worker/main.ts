import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfig, publicBaseUrl } from '../lib/config';
import { openDatabase } from '../lib/db';
import { logger } from '../lib/logger';
import { createMailer } from '../lib/mailer';
import { createWorker } from './create-worker';

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
  });
  logger.info({ event: 'worker_started', taskQueue: cfg.TASK_QUEUE, address }, 'worker started');
  // Worker.run() drains on SIGINT/SIGTERM (shutdown signals are installed by the SDK).
  await worker.run();
  await connection.close();
  mailer.close();
  await prisma.$disconnect();
  logger.info({ event: 'worker_stopped' }, 'worker stopped');
}

main().catch((err) => {
  logger.fatal({ err: err instanceof Error ? err.message : String(err) }, 'worker failed');
  process.exit(1);
});
