import pg from 'pg';

/** Catalog types Prisma 6.19's adapter does not map: `"char"` (18) and `name` (19). */
const CATALOG_TEXT_OIDS = new Set([18, 19]);
const TEXT_OID = 25;

type Fielded = { fields?: { dataTypeID: number }[] } | undefined;

function nameAsText<T>(result: T): T {
  for (const r of (Array.isArray(result) ? result : [result]) as Fielded[]) {
    for (const field of r?.fields ?? []) if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  }
  return result;
}

/**
 * A pg client whose results report columns of the catalog types `name` (OID 19) and `"char"`
 * (OID 18) as `text`: Prisma 6.19's adapter maps neither and fails with "Column type 'name'
 * could not be deserialized" (prisma/prisma#27403) in `prisma migrate deploy`, and with the
 * same error for 'char' in `migrate diff --from-migrations`, both reading the catalog. The
 * values already arrive as strings.
 */
class NameAsTextClient extends pg.Client {
  // pg's query() has many overloads; this forwards every form and fixes the result's fields.
  override query(...args: unknown[]): never {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (err: unknown, res: unknown) =>
        (callback as (e: unknown, r: unknown) => void)(err, err ? res : nameAsText(res));
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    const config = args[0] as { submit?: unknown; callback?: unknown } | undefined;
    if (config && typeof config.submit === 'function') return (super.query as (...a: unknown[]) => never)(...args);
    const result = (super.query as (...a: unknown[]) => unknown)(...args) as Promise<unknown>;
    return result.then(nameAsText) as never;
  }
}

export interface PoolOptions {
  /** Most connections this process opens (pg's default is 10). */
  max?: number;
  /** Sent as application_name: shows in pg_stat_activity which process holds a connection. */
  applicationName?: string;
}

/**
 * A pg Pool for a `postgresql://` URL. TLS settings in the URL (`sslmode`, `sslrootcert`,
 * `sslcert`, `sslkey`) are passed through as pg understands them.
 */
export function createPool(databaseUrl: string, opts: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    Client: NameAsTextClient,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? process.env.SERVICE_NAME ?? 'rus-undp',
    // A dead server must fail a request, not hang it.
    connectionTimeoutMillis: 10_000,
    // Prisma's adapter reads timestamptz text by dropping the offset (it assumes UTC) and sends
    // instants without one: the session must be in UTC whatever the server's default.
    ...(new URL(databaseUrl).searchParams.has('options') ? {} : { options: '-c TimeZone=UTC' }),
  });
  // An idle connection that breaks (server restart) is dropped by the pool; without a listener
  // the 'error' event would take the process down.
  pool.on('error', () => undefined);
  return pool;
}

/** The URL with another database name (same server, user, password and options). */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** The database name of a URL. */
export function databaseOf(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || 'postgres';
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Creates `database` on the server of `adminUrl` unless it exists (optionally from a template). */
export async function ensureDatabase(adminUrl: string, database: string, template?: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return false;
    try {
      await client.query(
        `CREATE DATABASE ${quoteIdent(database)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}`,
      );
    } catch (err) {
      // Created meanwhile by another process (42P04 duplicate_database): fine.
      if ((err as { code?: string }).code !== '42P04') throw err;
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
