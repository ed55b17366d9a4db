import request from 'supertest';
import { DEMO_USERS } from '../../domain/demo';
import { proposalPayload, proposalWithBudget } from '../fixtures/payloads';
import { as, startApiHarness, type ApiHarness } from './harness';

/**
 * Budgets as line items over HTTP, the intake rules checked before a workflow starts (400 naming
 * each rule and its figures, nothing started), and server-side drafts shared within an institution.
 */
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness('budgets');
});

afterAll(async () => {
  await h?.stop();
});

async function started() {
  const [proposals, workflows] = await Promise.all([h.db.prisma.proposal.count(), h.env.client.workflow.count()]);
  return { proposals, workflows: workflows.count };
}

test('a proposal with budget lines: totals and shares are computed and shown; typed totals must agree', async () => {
  const applicant = as(h.app, await h.token('applicant'));
  const created = await applicant.post('/proposals', proposalWithBudget({ title: 'Budgeted proposal' }));
  expect(created.status).toBe(201);
  const p = await applicant.get(`/proposals/${created.body.id}`);
  expect(p.status).toBe(200);
  expect(p.body.requestedAmountUsd).toBe(30_000);
  expect(p.body.coFinancingUsd).toBe(8_000);
  expect(p.body.budget).toHaveLength(6);
  expect(p.body.budgetTotals).toMatchObject({
    totalUsd: 38_000,
    coFinancingCashUsd: 6_000,
    coFinancingInKindUsd: 2_000,
    coFinancingPct: 21.05,
    indirectPct: 5.56,
  });
  // The deprecated form still works; its view has no lines.
  const legacy = await applicant.post('/proposals', proposalPayload({ title: 'Two totals' }));
  expect(legacy.status).toBe(201);
  expect((await applicant.get(`/proposals/${legacy.body.id}`)).body).toMatchObject({
    budget: null,
    budgetTotals: null,
    requestedAmountUsd: 30_000,
  });
  const typed = await applicant.post('/proposals', { ...proposalWithBudget(), requestedAmountUsd: 31_000 });
  expect(typed.status).toBe(400);
  expect(typed.body.error.details[0].path).toBe('requestedAmountUsd');
});

test('over the limits: 400 intake_rules_failed naming each rule with its figures, and no workflow is started', async () => {
  const applicant = as(h.app, await h.token('applicant'));
  const before = await started();
  const budget = structuredClone(proposalWithBudget().budget!);
  budget[1] = { ...budget[1], quantity: 100, requestedUsd: 30_000 }; // equipment: 40 → 100 sensors, all from the fund
  budget[5] = { ...budget[5], unitCostUsd: 9_000, requestedUsd: 9_000 }; // indirect costs far over 7%
  const res = await applicant.post(
    '/proposals',
    proposalWithBudget({
      title: 'Over every limit',
      budget,
      durationMonths: 18,
      milestones: [
        { title: 'Started', dueDate: '2025-01-15' },
        { title: 'Done', dueDate: '2029-01-01' },
      ],
    }),
  );
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('intake_rules_failed');
  const byRule = Object.fromEntries(
    (res.body.error.details as { rule: string; path: string; figures: Record<string, unknown> }[]).map((d) => [
      d.rule,
      d,
    ]),
  );
  expect(Object.keys(byRule).sort()).toEqual(
    [
      'amount_within_call_limits',
      'co_financing_min',
      'duration_max',
      'indirect_cost_cap',
      'milestone_after_end',
      'milestone_in_past',
    ].sort(),
  );
  expect(byRule.amount_within_call_limits).toMatchObject({
    path: 'budget.total.requestedUsd',
    figures: { requestedCents: 5_500_000, callMinCents: 2_000_000, callMaxCents: 4_000_000 },
  });
  expect(byRule.co_financing_min.figures).toMatchObject({ requiredPct: 20, coFinancingCents: 800_000 });
  expect(byRule.indirect_cost_cap.figures).toMatchObject({ maxPct: 7, indirectCents: 900_000, directCents: 5_400_000 });
  expect(byRule.duration_max).toMatchObject({
    path: 'durationMonths',
    figures: { durationMonths: 18, maxDurationMonths: 12 },
  });
  expect(byRule.milestone_in_past.path).toBe('milestones.0.dueDate');
  expect(byRule.milestone_after_end.path).toBe('milestones.1.dueDate');
  expect(res.body.error.message).toMatch(/Requested USD 55,000; the call allows USD 20,000 to USD 40,000/);
  // Nothing in the read model, nothing in Temporal.
  expect(await started()).toEqual(before);
  const list = await h.env.client.workflow.count(`WorkflowType = 'proposalWorkflow'`);
  expect(list.count).toBe(before.workflows);
});

test('drafts: saved with their check, listed with the call deadline, shared with a colleague, copied and deleted', async () => {
  const applicant = as(h.app, await h.token('applicant'));
  const other = as(h.app, await h.token('applicant2')); // another institution
  const colleagueEmail = 'colleague.drafts@tpu.example.org';
  await h.db.prisma.user.create({
    data: {
      id: 'u-tpu-colleague-drafts',
      email: colleagueEmail,
      name: 'Olga Colleague',
      role: 'applicant',
      institutionId: DEMO_USERS.applicant.institutionId,
      language: 'ru',
    },
  });
  const token = (await request(h.app).post('/auth/dev-token').send({ email: colleagueEmail })).body.token as string;
  const colleague = as(h.app, token);

  const created = await applicant.post('/drafts', { callId: 'call-kg', data: { title: 'Draft one' } });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect(created.body).toMatchObject({ title: 'Draft one', call: { id: 'call-kg' }, check: { totals: null } });
  expect(created.body.call.closesAt).toBe('2027-12-31T23:59:59.999Z');
  expect(created.body.check.problems.map((p: { path: string }) => p.path)).toContain('summary');

  // Autosave with an over-limit budget: the answer computes totals and names the rules, refusing nothing.
  const budget = structuredClone(proposalWithBudget().budget!);
  budget[1] = { ...budget[1], quantity: 100, requestedUsd: 30_000 };
  const saved = await colleague.patch(`/drafts/${id}`, {
    data: { title: 'Draft one, edited', budget, durationMonths: 12 },
  });
  expect(saved.status).toBe(200);
  expect(saved.body.updatedBy).toEqual({ id: 'u-tpu-colleague-drafts', name: 'Olga Colleague' });
  expect(saved.body.check.totals).toMatchObject({ requestedUsd: 48_000, totalUsd: 56_000 });
  const rules = saved.body.check.problems.filter((p: { rule?: string }) => p.rule).map((p: { rule: string }) => p.rule);
  expect(rules).toEqual(expect.arrayContaining(['amount_within_call_limits', 'co_financing_min']));
  expect(rules).not.toContain('local_partner_evidence'); // not typed yet: not reported

  // Listed for both colleagues, with the deadline; not for another institution.
  for (const who of [applicant, colleague]) {
    const list = await who.get('/drafts');
    expect(list.body.items.map((d: { id: string }) => d.id)).toContain(id);
  }
  expect((await other.get('/drafts')).body.items.map((d: { id: string }) => d.id)).not.toContain(id);
  expect((await other.get(`/drafts/${id}`)).status).toBe(404);
  expect((await other.patch(`/drafts/${id}`, { data: {} })).status).toBe(404);

  const copy = await colleague.post(`/drafts/${id}/copy`);
  expect(copy.status).toBe(201);
  expect(copy.body.id).not.toBe(id);
  expect(copy.body.data).toEqual(saved.body.data);

  expect((await applicant.post(`/drafts/${id}/delete`)).body).toEqual({ id, deleted: true });
  expect((await applicant.get(`/drafts/${id}`)).status).toBe(404);
  expect((await colleague.post(`/drafts/${id}/delete`)).status).toBe(404);
  expect((await applicant.get('/drafts')).body.items.map((d: { id: string }) => d.id)).toEqual([copy.body.id]);
  // Unknown call, unknown field: 400.
  expect((await applicant.post('/drafts', { callId: 'call-none' })).status).toBe(400);
  expect((await applicant.post('/drafts', { callId: 'call-kg', extra: 1 })).status).toBe(400);
});

test('a proposal copied into a new draft keeps its fields and budget lines', async () => {
  const applicant = as(h.app, await h.token('applicant'));
  const created = await applicant.post('/proposals', proposalWithBudget({ title: 'To be copied' }));
  expect(created.status).toBe(201);
  const draft = await applicant.post(`/proposals/${created.body.id}/copy-to-draft`);
  expect(draft.status).toBe(201);
  expect(draft.body.title).toBe('To be copied');
  expect(draft.body.data.budget).toEqual(proposalWithBudget().budget);
  expect(draft.body.check.problems).toEqual([]);
  expect(
    (await as(h.app, await h.token('applicant2')).post(`/proposals/${created.body.id}/copy-to-draft`)).status,
  ).toBe(404);
});
