/**
 * The PostgreSQL server of one jest run (global setup starts it, global teardown stops it) and
 * its migrated template database, from which every test file gets a database of its own
 * (`CREATE DATABASE … TEMPLATE`, tens of milliseconds).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../lib/embedded-postgres';
import { ensureDatabase, withDatabase } from '../../lib/pg';
import { freePort } from '../../lib/stack';
import { runPrisma } from '../../scripts/prisma';

export const TEMPLATE_DATABASE = 'rus_undp_template';

/** Set by the global setup for every test file. */
export const ADMIN_URL_VARIABLE = 'TEST_DATABASE_ADMIN_URL';

/** The server's log: only what is not routine. */
export function postgresProblems(line: string): void {
  if (
    /\b(ERROR|FATAL|PANIC|WARNING)\b/.test(line) &&
    !/terminating connection due to administrator command|database ".*" does not exist|duplicate key value|violates unique constraint|violates foreign key constraint/.test(
      line,
    )
  ) {
    process.stderr.write(`${line}\n`);
  }
}

/**
 * A throw-away embedded server under the system temp folder (reachable by the `postgres` user
 * when running as root, wherever the clone is), on a free port, without fsync.
 */
export async function startThrowawayPostgres(
  label: string,
): Promise<{ server: EmbeddedPostgres; dir: string; remove(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rus-undp-${label}-`));
  fs.chmodSync(dir, 0o755);
  for (let attempt = 1; ; attempt++) {
    try {
      const server = await startEmbeddedPostgres({
        dataDir: path.join(dir, 'pg'),
        port: await freePort(),
        fast: true,
        maxConnections: 400,
        log: postgresProblems,
      });
      return {
        server,
        dir,
        async remove() {
          await server.stop();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      // Another process took the free port between the probe and the server's bind.
      if (attempt >= 3 || !/could not bind|address already in use/i.test(String(err))) throw err;
    }
  }
}

/** Creates the template database on `adminUrl`'s server and applies every migration to it (real `prisma migrate deploy`). */
export async function createMigratedTemplate(adminUrl: string): Promise<void> {
  await ensureDatabase(adminUrl, TEMPLATE_DATABASE);
  const r = runPrisma(['migrate', 'deploy'], withDatabase(adminUrl, TEMPLATE_DATABASE), { stdio: 'pipe' });
  if (r.status !== 0) throw new Error(`prisma migrate deploy failed: ${r.stderr || r.stdout}`);
}

export function testAdminUrl(): string {
  const url = process.env[ADMIN_URL_VARIABLE];
  if (!url)
    throw new Error(
      `${ADMIN_URL_VARIABLE} is not set: run the tests with jest (its global setup starts the test PostgreSQL server)`,
    );
  return url;
}
