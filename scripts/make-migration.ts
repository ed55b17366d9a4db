/**
 * npm run db:migration -- <name>
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql: what the schema (prisma/schema/) adds to the
 * migrations folder. Offline: the difference is computed on throw-away databases of the embedded
 * PostgreSQL server under DATA_DIR (never on DATABASE_URL's server).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../lib/config';
import { resolveDatabase } from '../lib/database';
import { diffMigrationsToSchema } from '../lib/migrations';
import { withDatabase } from '../lib/pg';

async function main(): Promise<number> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error('usage: npm run db:migration -- <name>   (lower case letters, digits and _)');
    return 2;
  }
  const database = await resolveDatabase({ ...loadConfig(), DATABASE_URL: undefined });
  try {
    const diff = await diffMigrationsToSchema(withDatabase(database.url, 'postgres'));
    if (!diff.differs) {
      console.log('prisma/schema and prisma/migrations agree: no migration written');
      return 0;
    }
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = path.resolve(__dirname, '..', 'prisma', 'migrations', `${stamp}_${name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'migration.sql'), diff.sql);
    console.log(`wrote ${path.relative(process.cwd(), path.join(dir, 'migration.sql'))}`);
    return 0;
  } finally {
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
