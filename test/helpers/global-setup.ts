import { findTemporalCli, TEMPORAL_CLI_MISSING } from '../../lib/temporal-cli';
import { ADMIN_URL_VARIABLE, createMigratedTemplate, startThrowawayPostgres } from './test-postgres';

declare global {
  // eslint-disable-next-line no-var
  var __testPostgres: { remove(): Promise<void> } | undefined;
}

/**
 * Tests never skip for want of a server: no Temporal CLI, no test run. One PostgreSQL server for
 * the whole run, with a migrated template database that each test file copies.
 */
export default async function globalSetup(): Promise<void> {
  if (!findTemporalCli()) throw new Error(TEMPORAL_CLI_MISSING);
  process.env.NODE_ENV = 'test';
  const pg = await startThrowawayPostgres('test-pg');
  globalThis.__testPostgres = pg;
  // A run that ends without its teardown (an error, Ctrl-C) still stops the server.
  process.once('exit', () => {
    if (globalThis.__testPostgres !== pg) return; // the teardown stopped it
    try {
      process.kill(pg.server.pid, 'SIGQUIT');
    } catch {
      // already stopped
    }
  });
  const admin = pg.server.url('postgres');
  await createMigratedTemplate(admin);
  process.env[ADMIN_URL_VARIABLE] = admin;
}
