import path from 'node:path';
import type { AppConfig } from './config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { ensureDatabase } from './pg';

/** The database the embedded server holds the application's tables in. */
export const EMBEDDED_DATABASE = 'rus_undp';

export type DatabaseSettings = Pick<AppConfig, 'DATABASE_URL' | 'DATA_DIR' | 'EMBEDDED_PG_PORT'>;

export interface ResolvedDatabase {
  url: string;
  /** True when the embedded server runs it (DATABASE_URL unset). */
  embedded: boolean;
  /** Stops the embedded server if this process started it; nothing otherwise. */
  stop(): Promise<void>;
}

export function embeddedDataDir(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'pg');
}

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL server under DATA_DIR/pg on
 * EMBEDDED_PG_PORT (the one already running there, e.g. npm start's, or a new one this process
 * owns), with the application's database created on first use.
 */
export async function resolveDatabase(
  settings: DatabaseSettings,
  opts: { takeOver?: boolean; log?: (line: string) => void } = {},
): Promise<ResolvedDatabase> {
  if (settings.DATABASE_URL) return { url: settings.DATABASE_URL, embedded: false, stop: async () => undefined };
  const server = await startEmbeddedPostgres({
    dataDir: embeddedDataDir(settings.DATA_DIR),
    port: settings.EMBEDDED_PG_PORT,
    takeOver: opts.takeOver,
    log: opts.log,
  });
  try {
    await ensureDatabase(server.url(), EMBEDDED_DATABASE);
  } catch (err) {
    if (server.owned) await server.stop();
    throw err;
  }
  return {
    url: server.url(EMBEDDED_DATABASE),
    embedded: true,
    stop: () => (server.owned ? server.stop() : Promise.resolve()),
  };
}
