/**
 * npm run seed [-- --overwrite]
 * Loads reference and demo data into DATABASE_URL (default file:./data/app.db); safe to re-run.
 * --overwrite also resets existing seeded rows to the seed values.
 */
import { openDatabase } from '../lib/db';
import { seedDatabase, seededTablesChecksum } from '../prisma/seed';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL || 'file:./data/app.db';
  const overwrite = process.argv.includes('--overwrite');
  const prisma = await openDatabase(url);
  try {
    console.log(`Seeding ${url}${overwrite ? ' (overwrite)' : ''}`);
    await seedDatabase(prisma, { overwrite, log: (msg) => console.log(`  ${msg}`) });
    console.log(`Checksum of seeded tables: ${await seededTablesChecksum(prisma)}`);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
