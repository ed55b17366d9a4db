import { PROPOSAL_BUDGET_EXAMPLE, PROPOSAL_EXAMPLE } from '../../api/examples';
import { budgetLineProblems, budgetTotals, lineCostCents, type BudgetLine } from '../../domain/budget';
import { intakeProblems } from '../../domain/intake';
import {
  addMonths,
  checkGrant,
  parsePolicyRules,
  RULE_SETS,
  ruleSetInForce,
  type GrantFacts,
} from '../../domain/policy';
import { proposalChangesSchema, proposalCreateSchema, withBudgetTotals } from '../../domain/schemas';

const line = (over: Partial<BudgetLine> = {}): BudgetLine => ({
  category: 'equipment',
  description: 'Sensors',
  unit: 'unit',
  quantity: 10,
  unitCostUsd: 100,
  requestedUsd: 1_000,
  coFinancingCashUsd: 0,
  coFinancingInKindUsd: 0,
  ...over,
});

describe('budget computations', () => {
  test('line cost is quantity × unit cost to the cent; fractional quantities and cents round once', () => {
    expect(lineCostCents({ quantity: 3, unitCostUsd: 0.1 })).toBe(30);
    expect(lineCostCents({ quantity: 2.5, unitCostUsd: 1_234.56 })).toBe(308_640);
  });

  test('totals, sources, co-financing share of the total and indirect share of the direct costs', () => {
    const t = budgetTotals(PROPOSAL_BUDGET_EXAMPLE.budget!);
    expect(t.totalCents).toBe(3_800_000);
    expect(t.requestedCents).toBe(3_000_000);
    expect(t.coFinancingCashCents).toBe(600_000);
    expect(t.coFinancingInKindCents).toBe(200_000);
    expect(t.coFinancingCents).toBe(800_000);
    expect(t.directCents).toBe(3_600_000);
    expect(t.indirectCents).toBe(200_000);
    expect(t.coFinancingPct).toBe(21.05);
    expect(t.indirectPct).toBe(5.56);
    expect(t.lineCostCents).toEqual([1_500_000, 1_200_000, 300_000, 300_000, 300_000, 200_000]);
  });

  test('an empty or half-typed budget adds up what is there', () => {
    expect(budgetTotals([]).coFinancingPct).toBe(0);
    expect(budgetTotals([{ category: 'travel', quantity: 2 }]).totalCents).toBe(0);
  });

  test("each line's sources must add up to its cost; the problem names the requested cell", () => {
    expect(budgetLineProblems([line()])).toEqual([]);
    const [p] = budgetLineProblems([line(), line({ requestedUsd: 900, coFinancingInKindUsd: 50 })]);
    expect(p.path).toBe('budget.1.requestedUsd');
    expect(p.message).toMatch(/add up to 950 but the line costs 1000/);
  });

  test('withBudgetTotals computes the two totals; a proposal without lines keeps its typed totals', () => {
    expect(withBudgetTotals(PROPOSAL_BUDGET_EXAMPLE)).toMatchObject({
      requestedAmountUsd: 30_000,
      coFinancingUsd: 8_000,
    });
    expect(withBudgetTotals(PROPOSAL_EXAMPLE)).toMatchObject({ requestedAmountUsd: 30_000, coFinancingUsd: 8_000 });
  });
});

describe('proposal schema: budget lines or (deprecated) the two totals', () => {
  const { requestedAmountUsd: _r, coFinancingUsd: _c, ...noTotals } = PROPOSAL_EXAMPLE;
  test('both forms are accepted; neither is refused naming both totals', () => {
    expect(proposalCreateSchema.safeParse(PROPOSAL_BUDGET_EXAMPLE).success).toBe(true);
    expect(proposalCreateSchema.safeParse(PROPOSAL_EXAMPLE).success).toBe(true);
    const none = proposalCreateSchema.safeParse(noTotals);
    expect(none.success).toBe(false);
    expect(none.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['coFinancingUsd', 'requestedAmountUsd']);
  });

  test('totals sent with lines must be the computed ones; a line whose sources differ from its cost is refused', () => {
    expect(proposalCreateSchema.safeParse({ ...PROPOSAL_BUDGET_EXAMPLE, requestedAmountUsd: 30_000 }).success).toBe(
      true,
    );
    const typed = proposalCreateSchema.safeParse({ ...PROPOSAL_BUDGET_EXAMPLE, requestedAmountUsd: 29_000 });
    expect(typed.error!.issues[0].path).toEqual(['requestedAmountUsd']);
    const budget = structuredClone(PROPOSAL_BUDGET_EXAMPLE.budget!);
    budget[2].quantity = 7;
    const off = proposalCreateSchema.safeParse({ ...PROPOSAL_BUDGET_EXAMPLE, budget });
    expect(off.error!.issues[0].path).toEqual(['budget', 2, 'requestedUsd']);
    const unknownCategory = structuredClone(PROPOSAL_BUDGET_EXAMPLE.budget!);
    (unknownCategory[0] as { category: string }).category = 'overheads';
    expect(proposalCreateSchema.safeParse({ ...PROPOSAL_BUDGET_EXAMPLE, budget: unknownCategory }).success).toBe(false);
  });

  test('a revision may replace the lines; it checks them the same way', () => {
    expect(proposalChangesSchema.safeParse({ budget: PROPOSAL_BUDGET_EXAMPLE.budget }).success).toBe(true);
    const budget = structuredClone(PROPOSAL_BUDGET_EXAMPLE.budget!);
    budget[0].requestedUsd = 1;
    expect(proposalChangesSchema.safeParse({ budget }).success).toBe(false);
  });
});

describe('intake rules on the budget, milestones and documents', () => {
  const current = ruleSetInForce(RULE_SETS, '2026-12-01');
  const base: GrantFacts = {
    requestedCents: 3_000_000,
    coFinancingCents: 800_000,
    callMinCents: 2_000_000,
    callMaxCents: 4_000_000,
    callCoFinancingMinPct: 20,
    callOpensAt: '2026-01-01',
    callClosesAt: '2027-12-31',
    submittedAt: '2026-12-01T09:00:00Z',
    countryEligible: true,
    localPartnerEvidence: 'Letter of intent',
    cumulativeAwardedToInstitutionCents: 0,
    durationMonths: 12,
    callMaxDurationMonths: 12,
  };
  const rule = (facts: Partial<GrantFacts>, name: string) =>
    checkGrant(current, { ...base, ...facts }).findings.filter((f) => f.rule === name);

  test('the indirect-cost cap is the rule set in force, a dated figure (7% of direct costs), with its figures', () => {
    expect(current.rules.maxIndirectCostPct).toBe(7);
    expect(RULE_SETS.every((s) => typeof s.rules.maxIndirectCostPct === 'number')).toBe(true);
    expect(rule({ budget: { indirectCents: 70_000, directCents: 1_000_000 } }, 'indirect_cost_cap')[0].outcome).toBe(
      'pass',
    );
    const [over] = rule({ budget: { indirectCents: 70_001, directCents: 1_000_000 } }, 'indirect_cost_cap');
    expect(over.outcome).toBe('fail');
    expect(over.data).toMatchObject({ maxPct: 7, actualPct: 7, maximumIndirectCents: 70_000, indirectCents: 70_001 });
    // A rule set stored without the figure is refused (the migration writes it into stored sets).
    const { maxIndirectCostPct: _m, ...older } = current.rules;
    expect(() => parsePolicyRules(older)).toThrow(/maxIndirectCostPct/);
  });

  test('milestones: none before the submission day, none after submission + duration', () => {
    expect(addMonths('2026-12-01', 12)).toBe('2027-12-01');
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(rule({ milestoneDueDates: ['2026-12-01', '2027-12-01'] }, 'milestones_in_period')[0].outcome).toBe('pass');
    const past = rule({ milestoneDueDates: ['2026-11-30', '2027-03-01'] }, 'milestone_in_past');
    expect(past).toHaveLength(1);
    expect(past[0].data).toMatchObject({ milestone: 1, dueDate: '2026-11-30', startDate: '2026-12-01' });
    const late = rule({ milestoneDueDates: ['2027-03-01', '2027-12-02'] }, 'milestone_after_end');
    expect(late[0].data).toMatchObject({ milestone: 2, endDate: '2027-12-01', durationMonths: 12 });
  });

  test('required documents: only when the call requires some, naming the missing types', () => {
    expect(rule({ documents: { required: [], provided: [] } }, 'required_documents')).toEqual([]);
    const [missing] = rule(
      { documents: { required: ['letter_of_intent', 'budget'], provided: ['budget'] } },
      'required_documents',
    );
    expect(missing.outcome).toBe('fail');
    expect(missing.data.missing).toBe('letter_of_intent');
  });

  test('failed findings become problems on the fields a person fixes, with rule and figures', () => {
    const result = checkGrant(current, {
      ...base,
      requestedCents: 5_000_000,
      coFinancingCents: 100_000,
      durationMonths: 18,
      budget: { indirectCents: 500_000, directCents: 1_000_000 },
      milestoneDueDates: ['2026-01-01'],
    });
    const problems = intakeProblems(result.findings, true);
    expect(problems.map((p) => [p.rule, p.path])).toEqual([
      ['amount_within_call_limits', 'budget.total.requestedUsd'],
      ['co_financing_min', 'budget.total.coFinancingPct'],
      ['duration_max', 'durationMonths'],
      ['indirect_cost_cap', 'budget.total.indirectPct'],
      ['milestone_in_past', 'milestones.0.dueDate'],
    ]);
    expect(problems[0].figures).toMatchObject({ requestedCents: 5_000_000, callMaxCents: 4_000_000 });
    expect(intakeProblems(result.findings, false)[0].path).toBe('requestedAmountUsd');
  });
});
