/**
 * npm run seed [-- --overwrite]
 * Loads reference and demo data into DATABASE_URL (unset: the embedded server under DATA_DIR);
 * safe to re-run. --overwrite also resets existing seeded rows to the seed values.
 */
import { loadConfig } from '../lib/config';
import { resolveDatabase } from '../lib/database';
import { openDatabase } from '../lib/db';
import { seedDatabase, seededTablesChecksum } from '../prisma/seed';

async function main(): Promise<void> {
  const database = await resolveDatabase(loadConfig());
  const overwrite = process.argv.includes('--overwrite');
  const prisma = await openDatabase(database.url, { max: 2 });
  try {
    console.log(
      `Seeding ${database.embedded ? 'the embedded database' : redacted(database.url)}${overwrite ? ' (overwrite)' : ''}`,
    );
    await seedDatabase(prisma, { overwrite, log: (msg) => console.log(`  ${msg}`) });
    console.log(`Checksum of seeded tables: ${await seededTablesChecksum(prisma)}`);
  } finally {
    await prisma.$disconnect();
    await database.stop();
  }
}

function redacted(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
