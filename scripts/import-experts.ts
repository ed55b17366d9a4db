/**
 * npm run import:experts -- <file.csv>
 * Upserts roster experts from a CSV into DATABASE_URL (unset: the embedded server under DATA_DIR).
 * All rows are checked first; on any problem nothing is written and each problem is listed.
 */
import fs from 'node:fs';
import { loadConfig } from '../lib/config';
import { resolveDatabase } from '../lib/database';
import { openDatabase } from '../lib/db';
import { EXPERT_CSV_COLUMNS, ImportError, importExpertsCsv } from '../prisma/import-experts';

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    console.error(`usage: npm run import:experts -- <file.csv>\ncolumns: ${EXPERT_CSV_COLUMNS.join(',')}`);
    return 2;
  }
  const text = fs.readFileSync(file, 'utf8');
  const database = await resolveDatabase(loadConfig());
  const prisma = await openDatabase(database.url, { max: 2 });
  try {
    const result = await importExpertsCsv(prisma, text);
    console.log(`Imported ${result.imported} experts from ${file} (${result.created} new, ${result.updated} updated)`);
    return 0;
  } catch (err) {
    if (err instanceof ImportError) {
      console.error(`${file}: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await prisma.$disconnect();
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
