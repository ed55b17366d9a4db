import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { ConfigError, loadConfig } from '../lib/config';
import { resolveDatabase } from '../lib/database';
import { openDatabase } from '../lib/db';
import { logger } from '../lib/logger';
import { createApp } from './app';

/** API process: `npm run api` (npm start runs it as a child). */
async function connectTemporal(address: string): Promise<Connection> {
  try {
    return await Connection.connect({ address, connectTimeout: '10 seconds' });
  } catch (err) {
    // Serve anyway: reads work, /health says which part fails, workflow calls answer 503.
    logger.warn({ event: 'temporal_unreachable', address, err: err instanceof Error ? err.message : String(err) }, 'Temporal is not reachable yet; connecting lazily');
    return Connection.lazy({ address });
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await resolveDatabase(config);
  const prisma = await openDatabase(database.url, { max: 20 });
  const address = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT}`;
  const connection = await connectTemporal(address);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = createApp({ prisma, temporal, config, logger, taskQueue: config.TASK_QUEUE });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;
  logger.info({ event: 'api_started', host: config.HOST, port: config.PORT, temporal: address, authMode: config.AUTH_MODE }, 'API listening');

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
