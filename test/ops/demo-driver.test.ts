import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { driveDemo, type ItemOutcome } from '../../scripts/demo/driver';
import { startApiHarness, testDocuments, type ApiHarness } from '../api/harness';
import { startTestClamd } from '../helpers/clamd';

/**
 * The demo driver `npm start` runs, against the real API (over HTTP on a port), worker, Temporal
 * and malware scanner (clamd, as npm start runs it: documents wait for their scan) on real time: each of the newer programmes gets its items at their stages; a second run creates
 * and decides nothing, and every list shows each item once.
 */
let h: ApiHarness;
let clamd: Awaited<ReturnType<typeof startTestClamd>>;
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  clamd = await startTestClamd();
  h = await startApiHarness('demo-driver', {
    documents: testDocuments({ scanner: { mode: 'clamd', address: clamd.address, timeoutMs: 20_000 } }),
  });
  server = http.createServer(h.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await h?.stop();
  await clamd?.stop();
});

const run = (lines: string[], signal?: AbortSignal) =>
  driveDemo({
    signal,
    baseUrl,
    prisma: h.db.prisma,
    temporal: h.env.client,
    taskQueue: h.taskQueue,
    log: (msg, extra) => lines.push(`${msg} ${JSON.stringify(extra ?? {})}`),
    waitMs: 15_000,
  });

test('demo items of event travel, internships and UN Volunteers at their stages; a cut run resumes, a second run changes nothing', async () => {
  // A start stopped mid-way: some items created, some decisions made; the next run goes on from there.
  const cut = await run([], AbortSignal.timeout(3000));
  expect(cut.filter((o) => o.status === 'failed')).toEqual([]);
  expect(cut.filter((o) => o.status === 'at_target').length).toBeLessThan(cut.length);
  const lines: string[] = [];
  let t = Date.now();
  const first = await run(lines);
  const firstMs = Date.now() - t;
  const byKey = (o: ItemOutcome[]) => Object.fromEntries(o.map((x) => [x.key, x]));
  const one = byKey(first);
  expect(first.filter((o) => o.status === 'failed')).toEqual([]);
  // Every item exists once, whichever run created it.
  expect(first.map((o) => o.id)).toEqual(cut.map((o) => o.id ?? expect.any(String)));
  expect(lines.some((l) => l.startsWith('demo items driven'))).toBe(true);

  const fm = await h.token('fundManager');
  const co = await h.token('coKg');
  const list = async (token: string, path: string) => {
    const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: { id: string; stage: string }[] }).items;
  };
  const stages = (items: { id: string; stage: string }[]) => {
    const ids = items.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    return Object.fromEntries(items.map((i) => [i.id, i.stage]));
  };

  const check = async () => {
    const travel = stages(await list(fm, '/event-travel?pageSize=100'));
    expect(travel).toEqual({
      [one['demo-event-travel-review'].id!]: 'review',
      [one['demo-event-travel-trip'].id!]: 'trip',
      [one['demo-event-travel-closed'].id!]: 'closed',
    });
    const internships = stages(await list(co, '/internships?pageSize=100'));
    expect(Object.keys(internships)).toHaveLength(3);
    expect(internships[one['demo-internship-shortlist-hse'].id!]).toBe('selection');
    expect(internships[one['demo-internship-shortlist-tpu'].id!]).toBe('selection');
    // Signed and onboarded; the placement begins on its start date, two days after the first run.
    expect(['agreement', 'placement']).toContain(internships[one['demo-internship-placement'].id!]);
    const postings = await list(co, '/internship-postings?pageSize=100');
    expect(postings).toHaveLength(2);
    const unv = stages(await list(fm, '/unv-assignments?pageSize=100'));
    expect(unv).toEqual({
      [one['demo-unv-funding'].id!]: 'funding_decision',
      [one['demo-unv-recruitment'].id!]: 'recruitment',
      [one['demo-unv-deployed'].id!]: 'assignment',
    });
  };
  await check();
  const placement = (await (
    await fetch(`${baseUrl}/internships/${one['demo-internship-placement'].id}`, {
      headers: { authorization: `Bearer ${co}` },
    })
  ).json()) as { timeline: { action: string }[] };
  expect(placement.timeline.map((e) => e.action)).toEqual(expect.arrayContaining(['selected', 'onboarded']));

  const tasksBefore = await h.db.prisma.task.count();
  t = Date.now();
  const again = await run([]);
  console.log(`demo driver: first run ${firstMs} ms, second run ${Date.now() - t} ms`);
  expect(again.filter((o) => o.status === 'failed')).toEqual([]);
  expect(again.map((o) => [o.key, o.id, o.created, o.decisions])).toEqual(first.map((o) => [o.key, o.id, false, 0]));
  expect(await h.db.prisma.task.count()).toBe(tasksBefore);
  await check();
}, 300_000);
