import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { driveDemo, type ItemOutcome } from '../../scripts/demo/driver';
import { reconcileReadModel } from '../../scripts/reconcile-read-model';
import { startApiHarness, testDocuments, type ApiHarness } from '../api/harness';
import { startTestClamd } from '../helpers/clamd';

/**
 * The demo driver `npm start` runs, against the real API (over HTTP on a port), worker, Temporal
 * and malware scanner (clamd, as npm start runs it: documents wait for their scan) on real time: each programme gets its items at their stages (with reported results where under way or closed); a second run creates
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

test('demo items of every programme at their stages, with reported results; a cut run resumes, a second run changes nothing; reconcile finds nothing', async () => {
  // A start stopped mid-way: some items created, some decisions made; the next run goes on from there.
  const cut = await run([], AbortSignal.timeout(3000));
  if (cut.some((o) => o.status === 'failed'))
    console.log(JSON.stringify(h.logs.filter((l) => Number(l.level) >= 50).slice(0, 5), null, 1));
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
  const get = async (token: string, path: string) => {
    const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    return (await res.json()) as Record<string, unknown>;
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
    // The original programmes: listed once each, beside the seeded rows.
    const proposals = stages(await list(fm, '/proposals?pageSize=100'));
    expect({
      endorsement: proposals[one['demo-rcf-endorsement'].id!],
      review: proposals[one['demo-rcf-review'].id!],
      underWay: proposals[one['demo-rcf-under-way'].id!],
    }).toEqual({ endorsement: 'co_endorsement', review: 'selection', underWay: 'mission' });
    const requests = stages(await list(fm, '/expert-requests?pageSize=100'));
    expect({
      endorsement: requests[one['demo-eod-endorsement'].id!],
      mission: requests[one['demo-eod-mission'].id!],
      closed: requests[one['demo-eod-closed'].id!],
    }).toEqual({ endorsement: 'co_endorsement', mission: 'mission', closed: 'closed' });
    // In review: one reviewer has scored, the other's conflict declaration is open.
    const review = await get(fm, `/proposals/${one['demo-rcf-review'].id}`);
    expect((review.openTasks as { kind: string }[]).map((t) => t.kind)).toEqual(['conflict_declaration']);
    // Under way: first milestone reported, verified and paid; its beneficiaries against the targets.
    const underWay = one['demo-rcf-under-way'].id!;
    expect(((await get(fm, `/proposals/${underWay}`)).agreement as { paidUsd: number }).paidUsd).toBe(12_000);
    const results = await get(fm, `/proposals/${underWay}/results`);
    expect(results.actuals).toEqual({
      beneficiaries: 1850,
      beneficiariesWomen: 960,
      beneficiariesMen: 890,
      beneficiariesYouth: 310,
    });
    expect((results.targets as { values: Record<string, number> }).values.beneficiaries).toBe(5400);
    expect(results.reports).toHaveLength(1);
    // The expert on mission has its contract signed; the closed assignment its outputs reported.
    const mission = await get(co, `/expert-requests/${one['demo-eod-mission'].id}`);
    expect((mission.agreement as { status: string }).status).toBe('signed');
    const closed = await get(fm, `/expert-requests/${one['demo-eod-closed'].id}/results`);
    expect(closed.actuals).toEqual({
      studies: 1,
      recommendations: 14,
      trainings: 2,
      peopleTrained: 45,
      beneficiaries: 9200,
    });
    // The read model agrees with the workflows: reconcile changes nothing for any demo item.
    const workflowIds = new Set(
      [
        ...(await h.db.prisma.proposal.findMany({ where: { id: { in: first.map((o) => o.id!) } } })),
        ...(await h.db.prisma.expertRequest.findMany({ where: { id: { in: first.map((o) => o.id!) } } })),
      ].map((r) => r.workflowId),
    );
    expect(workflowIds.size).toBe(6);
    const reconciled = await reconcileReadModel(h.db.prisma, h.env.client, { includeClosed: true });
    expect(reconciled.changes.filter((c) => workflowIds.has(c.workflowId))).toEqual([]);
    expect(reconciled.unreachable.filter((w) => workflowIds.has(w))).toEqual([]);
    console.log(`reconcile: ${reconciled.checked} checked, ${reconciled.changes.length} changes in all`);
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
}, 900_000);
