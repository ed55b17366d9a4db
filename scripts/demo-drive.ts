/**
 * npm run demo:drive — puts the demo items of every programme in flight on a running stack
 * (scripts/demo/driver.ts); `npm start` runs it once the stack is ready. Needs dev sign-in
 * (AUTH_MODE=dev) and the seeded demo users. Exits 0 even when an item could not be driven (it says
 * which), 1 only when the stack cannot be reached at all.
 */
import { Client } from '@temporalio/client';
import { hasAuthMode, loadConfig } from '../lib/config';
import { resolveDatabase } from '../lib/database';
import { openDatabase } from '../lib/db';
import { connectTemporalClient } from '../lib/temporal-setup';
import { driveDemo } from './demo/driver';

function say(msg: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'demo', msg, ...extra })}\n`);
}

async function main(): Promise<void> {
  const cfg = loadConfig();
  if (!hasAuthMode(cfg, 'dev')) {
    say('demo items skipped: they are driven as the demo users, which needs AUTH_MODE=dev');
    return;
  }
  const database = await resolveDatabase(cfg);
  const prisma = await openDatabase(database.url, { max: 4 });
  const connection = await connectTemporalClient(cfg);
  try {
    await driveDemo({
      baseUrl: process.env.DEMO_API_URL ?? `http://127.0.0.1:${cfg.PORT}`,
      prisma,
      temporal: new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE }),
      taskQueue: cfg.TASK_QUEUE,
      log: say,
    });
  } finally {
    await connection.close().catch(() => undefined);
    await prisma.$disconnect();
    await database.stop();
  }
}

main().catch((err: unknown) => {
  say(`demo items failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
