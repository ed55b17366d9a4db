import { IMPORTED_WORKFLOW_PREFIX } from '../../domain/results';
import { seedHistory } from '../../prisma/seed-history';
import { reconcileReadModel } from '../../scripts/reconcile-read-model';
import { as, startApiHarness, type ApiHarness } from './harness';

/**
 * `npm run seed -- --history N`: past items imported as read-model rows. Idempotent; the dashboard
 * counts them with their money and results; their provenance says "imported"; reconcile skips them.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('results-history', { worker: false });
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

test('imports N closed past items once, with results the dashboard counts, marked as imported', async () => {
  const fm = as(h.app, await h.token('fundManager'));
  const before = (await fm.get('/results')).body.totals;
  expect(await seedHistory(h.db.prisma, 120)).toBe(120);
  const counts = async () => ({
    proposals: await h.db.prisma.proposal.count({ where: { workflowId: { startsWith: IMPORTED_WORKFLOW_PREFIX } } }),
    requests: await h.db.prisma.expertRequest.count({
      where: { workflowId: { startsWith: IMPORTED_WORKFLOW_PREFIX } },
    }),
    payments: await h.db.prisma.payment.count(),
    values: await h.db.prisma.resultValue.count(),
  });
  const once = await counts();
  expect(once.proposals + once.requests).toBe(120);
  expect(once.proposals).toBeGreaterThan(0);
  expect(once.requests).toBeGreaterThan(0);
  await seedHistory(h.db.prisma, 120);
  expect(await counts()).toEqual(once);

  const after = (await fm.get('/results')).body.totals;
  expect(after.items - before.items).toBe(120);
  const closed = await h.db.prisma.proposal.count({
    where: { workflowId: { startsWith: IMPORTED_WORKFLOW_PREFIX }, stage: 'closed' },
  });
  expect(closed).toBeGreaterThan(0);
  // Independently from the tables: the payments and reported beneficiaries of the imported items.
  const paid = await h.db.prisma.payment.aggregate({
    where: { workflowId: { startsWith: IMPORTED_WORKFLOW_PREFIX } },
    _sum: { amountCents: true },
  });
  expect(Math.round((after.disbursedUsd - before.disbursedUsd) * 100)).toBe(paid._sum.amountCents);
  const reported = await h.db.prisma.resultValue.aggregate({
    where: { kind: 'actual', indicator: 'beneficiaries', report: { note: 'Imported' } },
    _sum: { value: true },
  });
  expect(after.beneficiaries - before.beneficiaries).toBe(reported._sum.value);
  expect(after.beneficiaries - before.beneficiaries).toBeGreaterThan(0);

  // Provenance: one "imported" record, no workflow history.
  const one = await h.db.prisma.proposal.findFirstOrThrow({
    where: { workflowId: { startsWith: IMPORTED_WORKFLOW_PREFIX } },
  });
  const prov = await fm.get(`/proposals/${one.id}/provenance`);
  expect(prov.status).toBe(200);
  expect(prov.body.historyAvailable).toBe(false);
  expect(prov.body.decisions).toEqual([
    expect.objectContaining({ kind: 'automatic', actions: ['imported'], outcome: 'imported' }),
  ]);
  // Reconcile, even over closed items, finds nothing to compare or repair for them.
  const report = await reconcileReadModel(h.db.prisma, h.env.client, { includeClosed: true });
  expect(report.unreachable.filter((w) => w.startsWith(IMPORTED_WORKFLOW_PREFIX))).toEqual([]);
  expect(report.changes.filter((c) => c.workflowId.startsWith(IMPORTED_WORKFLOW_PREFIX))).toEqual([]);
});
