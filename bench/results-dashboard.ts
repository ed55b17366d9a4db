/**
 * npm run bench:results-dashboard [-- --items 10000 --per-route 50]
 * The results dashboard's read time at scale: the real stack (bench/lib/bench-stack.ts) with N past
 * items imported by the seed's history (`npm run seed -- --history N`: proposals and expert
 * assignments with contracts, payments and reported results), then each route read by one client,
 * once right after a commit by another connection (the read cache computes the answer: the service
 * time) and once warm (the answer reused while nothing was written). Target: p95 ≤ 50 ms warm.
 */
import { performance } from 'node:perf_hooks';
import { DEMO_USERS } from '../domain/demo';
import { seedHistory } from '../prisma/seed-history';
import { startBenchStack } from './lib/bench-stack';
import { ApiClient } from './lib/http';
import { log, table, verdict, writeResult } from './lib/report';
import { Samples } from './lib/stats';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const v = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive whole number`);
  return v;
}

async function main(): Promise<void> {
  const items = arg('items', 10_000);
  const perRoute = arg('per-route', 50);
  const bench = await startBenchStack({ label: 'results-dashboard' });
  try {
    const t0 = performance.now();
    await seedHistory(bench.prisma, items, { log });
    log(`results-dashboard: ${items} past items imported in ${Math.round((performance.now() - t0) / 100) / 10} s`);
    const cold = new Samples();
    const warm = new Samples();
    const coldApi = new ApiClient(bench.stack.apiUrl, cold);
    const warmApi = new ApiClient(bench.stack.apiUrl, warm);
    const fm = await coldApi.token(DEMO_USERS.fundManager.email);
    const co = await coldApi.token(DEMO_USERS.coKg.email);
    const routes: [string, string, string][] = [
      ['GET /results', '/results', fm],
      ['GET /results?country', '/results?country=KG', fm],
      ['GET /results?sdg&programme', '/results?sdg=6&programme=challenge_fund', fm],
      ['GET /results (CO)', '/results', co],
      ['GET /results/items?phase', '/results/items?phase=closed', fm],
    ];
    const touched = (await bench.prisma.proposal.findFirstOrThrow({ select: { id: true } })).id;
    let writes = 0;
    const write = () =>
      bench.prisma
        .$executeRaw`UPDATE "Proposal" SET "updatedAt" = ${new Date(Date.UTC(2020, 0, 1) + ++writes)} WHERE "id" = ${touched}`;
    for (const [, path, token] of routes) await coldApi.call('warmup', 'GET', path, token);
    for (const [name, path, token] of routes) {
      for (let i = 0; i < perRoute; i++) {
        await write();
        await coldApi.call(name, 'GET', path, token);
        await warmApi.call(name, 'GET', path, token);
      }
    }
    const c = cold.summary();
    const w = warm.summary();
    const total = (await coldApi.call<{ totals: { items: number } }>('check', 'GET', '/results', fm)).body.totals.items;
    console.log(
      `\nResults dashboard with ${total} items (${items} imported + the demo data), ${perRoute} reads per route\n`,
    );
    console.log(
      table([
        ['route', 'after a write p50', 'after a write p95', 'warm p50', 'warm p95', 'warm p95 ≤ 50 ms'],
        ...routes.map(([name]) => [
          name,
          c[name].p50.toFixed(1),
          c[name].p95.toFixed(1),
          w[name].p50.toFixed(1),
          w[name].p95.toFixed(1),
          verdict(w[name].p95, 50),
        ]),
      ]),
    );
    const file = writeResult('results-dashboard', { items, total, perRoute, afterWrite: c, warm: w });
    log(`results-dashboard: written ${file}`);
  } finally {
    await bench.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
