/**
 * npm run bench:results-dashboard [-- --items 10000 --per-route 50]
 * The results dashboard's read time at scale: the real stack (bench/lib/bench-stack.ts) with N past
 * items imported by the seed's history (`npm run seed -- --history N`: proposals and expert
 * assignments with contracts, payments and reported results), then each route read by one client in
 * rounds, alternating on the same database:
 * - right after a write to a table the dashboard reads (a proposal's row): the answer is computed (the
 *   route's service time);
 * - warm: read again with nothing written;
 * - right after a write elsewhere (a token's last use, as the API itself records once a minute per
 *   token): the dashboard stays cached (its cache follows the results tables only), where the pipeline,
 *   cached by any commit (the reference row), computes again.
 * The web page (`/app/results`, server-drawn SVG charts, through the API) is read the same way, with a
 * fund manager's session cookie. Target: warm p95 ≤ 50 ms.
 */
import { performance } from 'node:perf_hooks';
import { DEMO_USERS } from '../domain/demo';
import { seedHistory } from '../prisma/seed-history';
import { startBenchStack } from './lib/bench-stack';
import { ApiClient } from './lib/http';
import { log, table, verdict, writeResult } from './lib/report';
import { Samples } from './lib/stats';

/** A web session of `email` (dev sign-in form): the cookie header to send. */
async function webSession(baseUrl: string, email: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const form = await fetch(`${baseUrl}/app/sign-in`, { redirect: 'manual' });
  keep(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error('the sign-in page has no _csrf field');
  const res = await fetch(`${baseUrl}/app/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: new URLSearchParams({ email, _csrf: csrf }).toString(),
  });
  if (res.status !== 303) throw new Error(`web sign-in answered ${res.status}`);
  keep(res);
  return cookie();
}

/** A timed GET of a web page (HTML) with a session cookie. */
async function page(samples: Samples, group: string, url: string, cookie: string): Promise<void> {
  const started = performance.now();
  const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  const text = await res.text();
  samples.add(group, performance.now() - started);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 300)}`);
}

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
    const afterResults = new Samples();
    const warm = new Samples();
    const afterOther = new Samples();
    const api = new ApiClient(bench.stack.apiUrl, new Samples());
    const fm = await api.token(DEMO_USERS.fundManager.email);
    const co = await api.token(DEMO_USERS.coKg.email);
    const cookie = await webSession(bench.stack.apiUrl, DEMO_USERS.fundManager.email);
    type Read = (into: Samples, name: string) => Promise<unknown>;
    const get =
      (path: string, token: string): Read =>
      (into, name) =>
        new ApiClient(bench.stack.apiUrl, into).call(name, 'GET', path, token);
    const web =
      (path: string): Read =>
      (into, name) =>
        page(into, name, bench.stack.apiUrl + path, cookie);
    const routes: [string, Read][] = [
      ['GET /results', get('/results', fm)],
      ['GET /results?country', get('/results?country=KG', fm)],
      ['GET /results?sdg&programme', get('/results?sdg=6&programme=challenge_fund', fm)],
      ['GET /results?year&area', get('/results?year=2024&thematicArea=food-security', fm)],
      ['GET /results (CO)', get('/results', co)],
      ['GET /results/items?phase', get('/results/items?phase=closed', fm)],
      ['page /app/results', web('/app/results')],
      ['page /app/results?country', web('/app/results?country=KG')],
      ['reference: GET /pipeline', get('/pipeline', fm)],
    ];
    const touched = (await bench.prisma.proposal.findFirstOrThrow({ select: { id: true } })).id;
    const tokenRow = (await bench.prisma.apiToken.findFirstOrThrow({ select: { id: true } })).id;
    let writes = 0;
    const resultsWrite = () =>
      bench.prisma
        .$executeRaw`UPDATE "Proposal" SET "updatedAt" = ${new Date(Date.UTC(2020, 0, 1) + ++writes)} WHERE "id" = ${touched}`;
    const otherWrite = () =>
      bench.prisma.$executeRaw`UPDATE "ApiToken" SET "lastUsedAt" = ${new Date()} WHERE "id" = ${tokenRow}`;
    const warmup = new Samples();
    for (const [name, read] of routes) await read(warmup, name);
    for (let i = 0; i < perRoute; i++) {
      for (const [name, read] of routes) {
        await resultsWrite();
        await read(afterResults, name);
        await read(warm, name);
        await otherWrite();
        await read(afterOther, name);
      }
    }
    const a = afterResults.summary();
    const w = warm.summary();
    const o = afterOther.summary();
    const total = (await api.call<{ totals: { items: number } }>('check', 'GET', '/results', fm)).body.totals.items;
    console.log(
      `\nResults dashboard with ${total} items (${items} imported + the demo data), ${perRoute} rounds per route\n`,
    );
    console.log(
      table([
        [
          'route (ms)',
          'after a results write p50',
          'p95',
          'warm p50',
          'warm p95',
          'after another write p50',
          'p95',
          'warm p95 ≤ 50 ms',
        ],
        ...routes.map(([name]) => [
          name,
          a[name].p50.toFixed(1),
          a[name].p95.toFixed(1),
          w[name].p50.toFixed(1),
          w[name].p95.toFixed(1),
          o[name].p50.toFixed(1),
          o[name].p95.toFixed(1),
          verdict(w[name].p95, 50),
        ]),
      ]),
    );
    const file = writeResult('results-dashboard', {
      items,
      total,
      perRoute,
      afterResultsWrite: a,
      warm: w,
      afterOtherWrite: o,
    });
    log(`results-dashboard: written ${file}`);
  } finally {
    await bench.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
