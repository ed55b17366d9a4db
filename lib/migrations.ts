/**
 * The migrations folder against the schema (the prisma/schema folder), offline: `prisma migrate diff` needs a database
 * to connect to (the driver adapter) and a shadow database to replay the migrations in; both are
 * throw-away databases on the server of `adminUrl` (the embedded one by default), dropped after.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { runPrisma } from '../scripts/prisma';
import { dropDatabase, ensureDatabase, withDatabase } from './pg';

const root = path.resolve(__dirname, '..');

export interface MigrationDiff {
  /** The SQL that would bring a database migrated by the folder to the schema ('' when none). */
  sql: string;
  differs: boolean;
}

export async function diffMigrationsToSchema(
  adminUrl: string,
  schema = path.join(root, 'prisma', 'schema'),
): Promise<MigrationDiff> {
  const scratch = `rus_undp_scratch_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(adminUrl, scratch);
  try {
    // --exit-code: 0 no difference, 2 a difference, anything else an error.
    const r = runPrisma(
      [
        'migrate',
        'diff',
        '--from-migrations',
        path.join(root, 'prisma', 'migrations'),
        '--to-schema-datamodel',
        schema,
        '--script',
        '--exit-code',
      ],
      withDatabase(adminUrl, scratch),
      { stdio: 'pipe' },
    );
    if (r.status !== 0 && r.status !== 2)
      throw new Error(`prisma migrate diff failed (${r.status ?? r.signal}): ${r.stderr || r.error?.message}`);
    return { sql: r.status === 2 ? r.stdout : '', differs: r.status === 2 };
  } finally {
    await dropDatabase(adminUrl, scratch);
  }
}
