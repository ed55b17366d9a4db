import { DEMO_USERS } from '../../domain/demo';
import { expertRequestRow, proposalRow } from '../fixtures/results';
import { as, startApiHarness, type ApiHarness } from './harness';

/**
 * Rule-change impact preview over HTTP on a real database: an administrator enters a new POPP
 * version as a draft (source, a first day after today), fund managers see which open items would get
 * another outcome at their contracting check and why, the draft changes, then is published (audited);
 * items already decided stay as they were.
 */
let h: ApiHarness;
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const OPEN = { country: 'KG', sdgs: [6], area: 'water-resources', createdAt: '2026-03-01T10:00:00Z' };

beforeAll(async () => {
  h = await startApiHarness('rule-sets', { worker: false });
  const p = h.db.prisma;
  // Proposals whose contracting check is ahead: USD 35,000 (within today's 40,000 direct-award limit) and 25,000.
  await proposalRow(p, { ...OPEN, id: 'p-imp-35k', stage: 'selection', requestedUsd: 35_000, coFinancingUsd: 10_000 });
  await proposalRow(p, {
    ...OPEN,
    id: 'p-imp-25k',
    stage: 'co_endorsement',
    requestedUsd: 25_000,
    coFinancingUsd: 8_000,
  });
  // Checked already (contracting, closed): never listed.
  await proposalRow(p, {
    ...OPEN,
    id: 'p-imp-contracting',
    stage: 'contracting',
    requestedUsd: 35_000,
    coFinancingUsd: 10_000,
  });
  await proposalRow(p, { ...OPEN, id: 'p-imp-closed', stage: 'closed', requestedUsd: 35_000, coFinancingUsd: 10_000 });
  // An expert request before selection: USD 12,000 for 10 working days (no expert chosen yet).
  await expertRequestRow(p, { ...OPEN, id: 'er-imp-open', stage: 'alignment_check', requestedUsd: 12_000 });
  await p.expertRequest.update({
    where: { id: 'er-imp-open' },
    data: { deliverables: [{ title: 'Study', dueDate: '2026-02-01', amountUsd: 12_000 }] },
  });
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id).sort();
/** The fixture's items among those listed (the demo data may hold open items of its own). */
const fixture = (body: { items: { id: string }[] }) => ids(body).filter((id) => /-imp-/.test(id));

test('a draft rule set previews exactly the open items whose outcome changes, with the rule and figures', async () => {
  const admin = as(h.app, await h.token('admin'));
  const fm = as(h.app, await h.token('fundManager'));
  const effectiveFrom = isoDay(Date.now() + 30 * DAY);
  const before = await fm.get('/policy/rule-sets/popp-2025-09-15/impact');
  expect(before.status).toBe(409); // in force already

  // Only an administrator enters a version; the first day must be after today; rules are checked.
  const draft = {
    id: 'popp-test-next',
    name: 'UNDP POPP (test revision)',
    source: 'UNDP POPP, Contracts and Procurement, test circular',
    effectiveFrom,
    rules: { innovationDirectAwardLimitCents: 3_000_000 },
  };
  expect((await fm.post('/policy/rule-sets/drafts', draft)).status).toBe(403);
  const today = await admin.post('/policy/rule-sets/drafts', { ...draft, effectiveFrom: isoDay(Date.now()) });
  expect(today.status).toBe(400);
  expect(today.body.error.details[0].path).toBe('effectiveFrom');
  const unknown = await admin.post('/policy/rule-sets/drafts', { ...draft, rules: { notARule: 1 } });
  expect(unknown.status).toBe(400);
  const negative = await admin.post('/policy/rule-sets/drafts', { ...draft, rules: { minCoFinancingPct: -5 } });
  expect(negative.status).toBe(400);
  expect(await h.db.prisma.policyRuleSetDraft.count()).toBe(0);

  const created = await admin.post('/policy/rule-sets/drafts', draft);
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    id: 'popp-test-next',
    status: 'draft',
    inForce: false,
    basedOnId: 'popp-2025-09-15',
    changes: [{ rule: 'innovationDirectAwardLimitCents', before: 4_000_000, after: 3_000_000 }],
  });
  expect((await admin.post('/policy/rule-sets/drafts', draft)).status).toBe(409);

  // The direct-award limit down to USD 30,000: the 35,000 proposal would need approval; nothing else changes.
  const first = await fm.get('/policy/rule-sets/popp-test-next/impact');
  expect(first.status).toBe(200);
  expect(first.body.baseline.id).toBe('popp-2025-09-15');
  expect(ids(first.body)).toEqual(['p-imp-35k']);
  const item = first.body.items.find((i: { id: string }) => i.id === 'p-imp-35k');
  expect(item).toMatchObject({
    type: 'proposal',
    check: 'grant_contracting',
    outcomeBefore: 'pass',
    outcomeAfter: 'needs_approval',
    changes: [
      {
        rule: 'innovation_direct_award_limit',
        before: 'pass',
        after: 'needs_approval',
        beforeFigures: { requestedCents: 3_500_000, limitCents: 4_000_000 },
        afterFigures: { requestedCents: 3_500_000, limitCents: 3_000_000 },
      },
    ],
  });

  // The daily-fee threshold down to USD 1,000 as well: the request's fee (its value per working day) is above it.
  const patched = await admin.patch('/policy/rule-sets/drafts/popp-test-next', {
    rules: { icDailyFeeApprovalThresholdCents: 100_000 },
  });
  expect(patched.status).toBe(200);
  expect(patched.body.changes).toHaveLength(2);
  const second = await fm.get('/policy/rule-sets/popp-test-next/impact');
  expect(ids(second.body)).toEqual(['er-imp-open', 'p-imp-35k']);
  expect(second.body.items.find((i: { id: string }) => i.id === 'er-imp-open')).toMatchObject({
    type: 'expert_request',
    check: 'individual_contract',
    outcomeBefore: 'pass',
    outcomeAfter: 'needs_approval',
    assumptions: expect.arrayContaining(['daily_fee_from_contract_value']),
    changes: [
      {
        rule: 'daily_fee_threshold',
        beforeFigures: expect.objectContaining({ dailyFeeCents: 120_000, thresholdCents: 180_000 }),
        afterFigures: expect.objectContaining({ dailyFeeCents: 120_000, thresholdCents: 100_000 }),
      },
    ],
  });

  // The auditor reads it too; a Country Office and applicants do not.
  expect((await as(h.app, await h.token('auditor')).get('/policy/rule-sets/popp-test-next/impact')).status).toBe(200);
  expect((await as(h.app, await h.token('coKg')).get('/policy/rule-sets')).status).toBe(403);
  expect((await fm.get('/policy/rule-sets/nope/impact')).status).toBe(404);
});

test('publishing is audited, keeps the version for its first day, and decides nothing', async () => {
  const admin = as(h.app, await h.token('admin'));
  const fm = as(h.app, await h.token('fundManager'));
  const stages = async () =>
    (await h.db.prisma.proposal.findMany({ where: { id: { contains: '-imp-' } }, orderBy: { id: 'asc' } })).map((p) => [
      p.id,
      p.stage,
      p.findings,
    ]);
  const before = await stages();
  const published = await admin.post('/policy/rule-sets/drafts/popp-test-next/publish', {});
  expect(published.status).toBe(200);
  expect(published.body).toMatchObject({ id: 'popp-test-next', status: 'published', inForce: false });
  expect((await admin.post('/policy/rule-sets/drafts/popp-test-next/publish', {})).status).toBe(409);
  expect((await admin.patch('/policy/rule-sets/drafts/popp-test-next', { name: 'Changed' })).status).toBe(409);

  const event = await h.db.prisma.auditEvent.findFirst({ where: { action: 'policy_rule_set_published' } });
  expect(event).toMatchObject({
    subjectId: 'popp-test-next',
    actorId: DEMO_USERS.admin.id,
    data: expect.objectContaining({ source: 'UNDP POPP, Contracts and Procurement, test circular' }),
  });
  const row = await h.db.prisma.policyRuleSet.findUnique({ where: { id: 'popp-test-next' } });
  expect(row?.source).toBe('UNDP POPP, Contracts and Procurement, test circular');

  // Listed with its source; still to come, so the one in force today is unchanged.
  const list = await fm.get('/policy/rule-sets');
  expect(list.status).toBe(200);
  expect(list.body.items.find((r: { inForce: boolean }) => r.inForce).id).toBe('popp-2025-09-15');
  expect(list.body.items[0]).toMatchObject({ id: 'popp-test-next', status: 'published' });
  // The preview still answers until it takes effect; no item was decided again.
  expect(fixture((await fm.get('/policy/rule-sets/popp-test-next/impact')).body)).toEqual(['er-imp-open', 'p-imp-35k']);
  expect(await stages()).toEqual(before);
});
