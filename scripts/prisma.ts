/**
 * Runs the Prisma CLI with the project's database: DATABASE_URL, or the embedded PostgreSQL
 * server under DATA_DIR/pg (started for the command and stopped after it, unless npm start or
 * another process already runs it). Telemetry and update checks off (no network here).
 *   npm run db:deploy            applies the migrations
 *   tsx scripts/prisma.ts <args> any other Prisma command
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../lib/config';
import { resolveDatabase } from '../lib/database';

export const PRISMA_CLI = require.resolve('prisma/build/index.js');

export function prismaEnv(databaseUrl: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
}

/** Runs the Prisma CLI synchronously against `databaseUrl`; returns its exit status. */
export function runPrisma(args: string[], databaseUrl: string, opts: { stdio?: 'inherit' | 'pipe' } = {}) {
  return spawnSync(process.execPath, [PRISMA_CLI, ...args], {
    cwd: path.resolve(__dirname, '..'),
    env: prismaEnv(databaseUrl),
    stdio: opts.stdio ?? 'inherit',
    encoding: 'utf8',
  });
}

async function main(): Promise<number> {
  const database = await resolveDatabase(loadConfig());
  try {
    return runPrisma(process.argv.slice(2), database.url).status ?? 1;
  } finally {
    await database.stop();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
