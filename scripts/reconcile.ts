/** `npm run reconcile [-- --all]`: repairs read-model drift from the workflows' own state. */
import { Client } from '@temporalio/client';
import { reconcileReadModel } from './reconcile-read-model';
import { loadConfig } from '../lib/config';
import { resolveDatabase } from '../lib/database';
import { openDatabase } from '../lib/db';
import { connectTemporalClient } from '../lib/temporal-setup';

async function main(): Promise<void> {
  const cfg = loadConfig();
  const database = await resolveDatabase(cfg);
  const prisma = await openDatabase(database.url, { max: 4 });
  const connection = await connectTemporalClient(cfg);
  const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
  try {
    const report = await reconcileReadModel(prisma, client, {
      includeClosed: process.argv.includes('--all'),
      log: (msg) => console.log(JSON.stringify({ event: 'reconcile_change', msg })),
    });
    console.log(
      JSON.stringify({
        event: 'reconcile_done',
        checked: report.checked,
        changed: report.changes.length,
        unreachable: report.unreachable.length,
      }),
    );
  } finally {
    await connection.close();
    await prisma.$disconnect();
    await database.stop();
  }
}

main().catch((err) => {
  console.error(`reconcile failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
