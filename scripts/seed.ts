/**
 * npm run seed [-- --overwrite] [--history N]
 * Loads reference and demo data into DATABASE_URL (unset: the embedded server under DATA_DIR);
 * safe to re-run. --overwrite also resets existing seeded rows to the seed values. --history N
 * imports N closed past items with their results (prisma/seed-history.ts; idempotent).
 */
import { loadConfig } from '../lib/config';
import { resolveDatabase } from '../lib/database';
import { openDatabase } from '../lib/db';
import { seedDatabase, seededTablesChecksum } from '../prisma/seed';
import { seedHistory } from '../prisma/seed-history';

async function main(): Promise<void> {
  const database = await resolveDatabase(loadConfig());
  const overwrite = process.argv.includes('--overwrite');
  const at = process.argv.indexOf('--history');
  const history = at >= 0 ? Number(process.argv[at + 1]) : 0;
  if (at >= 0 && !(Number.isInteger(history) && history > 0 && history <= 1_000_000))
    throw new Error('--history needs a whole number of past items (1 to 1,000,000)');
  const prisma = await openDatabase(database.url, { max: 2 });
  try {
    console.log(
      `Seeding ${database.embedded ? 'the embedded database' : redacted(database.url)}${overwrite ? ' (overwrite)' : ''}`,
    );
    await seedDatabase(prisma, { overwrite, log: (msg) => console.log(`  ${msg}`) });
    console.log(`Checksum of seeded tables: ${await seededTablesChecksum(prisma)}`);
    if (history) {
      const n = await seedHistory(prisma, history, { log: (msg) => console.log(`  ${msg}`) });
      console.log(`Imported ${n} past items (existing ones left as they were)`);
    }
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
