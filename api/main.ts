import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import { ConfigError, loadConfig } from '../lib/config';
import { resolveDatabase } from '../lib/database';
import { openDatabase } from '../lib/db';
import { logger } from '../lib/logger';
import { describeTemporalConnection } from '../lib/temporal-connection';
import { connectTemporalClient } from '../lib/temporal-setup';
import { createApp } from './app';
import { createApiMetrics, startMetricsServer } from './metrics';

/** API process: `npm run api` (npm start runs it as a child). */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await resolveDatabase(config);
  const prisma = await openDatabase(database.url, { max: 20 });
  const temporalTarget = describeTemporalConnection(config);
  // A wrong certificate, API key, namespace or missing search attribute stops the API here, naming
  // the setting. A server that is not reachable yet does not: reads work, /health says which part
  // fails, workflow calls answer 503 until it is back.
  const connection = await connectTemporalClient(config, {
    lazyWhenUnreachable: true,
    onUnreachable: (err) =>
      logger.warn(
        { event: 'temporal_unreachable', ...temporalTarget, err: err instanceof Error ? err.message : String(err) },
        'Temporal is not reachable yet; connecting lazily',
      ),
  });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const metrics = createApiMetrics({ prisma, config, processMetrics: true });
  const app = createApp({ prisma, temporal, config, logger, taskQueue: config.TASK_QUEUE, metrics });
  const metricsServer =
    config.METRICS_PORT === undefined
      ? undefined
      : await startMetricsServer(metrics, config.METRICS_PORT, config.METRICS_HOST);

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;
  logger.info(
    {
      event: 'api_started',
      host: config.HOST,
      port: config.PORT,
      temporal: temporalTarget,
      authMode: config.AUTH_MODE,
      metrics: metricsServer
        ? `${config.METRICS_HOST}:${config.METRICS_PORT}/metrics`
        : config.METRICS_TOKEN
          ? `${config.PORT}/metrics (token)`
          : 'off',
    },
    'API listening',
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'api_stopping', signal }, 'API stopping: finishing open requests');
    const force = setTimeout(() => {
      logger.warn({ event: 'api_forced_exit' }, 'open requests did not finish in 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    metricsServer?.close();
    server.close(() => {
      void (async () => {
        await connection.close().catch(() => undefined);
        await prisma.$disconnect().catch(() => undefined);
        await database.stop().catch(() => undefined);
        logger.info({ event: 'api_stopped' }, 'API stopped');
        process.exit(0);
      })();
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else logger.fatal({ err: err instanceof Error ? err.message : String(err) }, 'API failed to start');
  process.exit(1);
});
