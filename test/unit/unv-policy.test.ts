import {
  addMonths,
  advanceTransferCents,
  ageOn,
  assignmentCosts,
  candidateEligibility,
  dutyStationRate,
  emptyLedger,
  extensionCosts,
  monthsServed,
  reconcile,
  requestFindings,
  unvMoney,
  unvRulesInForce,
  UNV_CATEGORIES,
  UNV_RULE_SETS,
  type UnvCandidate,
  type UnvCategory,
} from '../../domain/policy/unv';

const SET = unvRulesInForce('2027-01-15');
const KG = dutyStationRate(SET, 'KG')!;
const USD = 100;

const person: UnvCandidate = {
  id: 'c',
  name: 'C',
  citizenship: 'RU',
  birthDate: '1990-06-15',
  degree: 'master',
  yearsExperience: 20,
};
const failed = (c: Partial<UnvCandidate>, category: UnvCategory = 'specialist') =>
  candidateEligibility(
    { ...person, ...c },
    { category, dutyStationCountryCode: 'KG', startDate: '2027-03-01', endDate: '2028-02-29' },
    SET,
  )
    .filter((f) => f.outcome === 'fail')
    .map((f) => f.rule);

test('every figure of every UNV rule set names its source; unpublished ones say "illustrative"', () => {
  for (const set of UNV_RULE_SETS) {
    for (const key of [...Object.keys(set.rules), 'dutyStations'])
      expect((set.sources as Record<string, string>)[key]).toMatch(/https?:\/\/|illustrative/);
    expect(set.sources.categories).toContain('https://www.unv.org/node/1757');
    expect(set.sources.supportCostPct).toMatch(/^illustrative/);
    // Living allowances within the published range of USD 1,000–2,500 a month.
    for (const d of set.dutyStations) {
      expect(d.vlaCentsPerMonth).toBeGreaterThanOrEqual(1_000 * USD);
      expect(d.vlaCentsPerMonth).toBeLessThanOrEqual(2_500 * USD);
    }
  }
  expect(UNV_CATEGORIES).toEqual(['youth', 'university', 'specialist', 'expert']);
});

test('eligibility by category: citizenship, nationality of the duty station, age throughout, degree, experience', () => {
  expect(failed({})).toEqual([]);
  expect(failed({ citizenship: 'KZ' })).toEqual(['russian_citizen']);
  expect(failed({ birthDate: '2004-01-01' })).toEqual(['age']); // 23 at the start: a specialist is at least 25
  expect(failed({ degree: 'enrolled' })).toEqual(['degree']);
  expect(failed({ yearsExperience: 1 })).toEqual(['experience']);
  // Youth: 18–29 for the whole assignment — turning 30 before its end fails.
  expect(failed({ birthDate: '1998-01-01', yearsExperience: 0 }, 'youth')).toEqual(['age']);
  expect(failed({ birthDate: '2000-01-01', yearsExperience: 0, degree: 'bachelor' }, 'youth')).toEqual([]);
  expect(failed({ birthDate: '2005-01-01', yearsExperience: 0, degree: 'enrolled' }, 'university')).toEqual([]);
  // Expert: 35 and 15 years.
  expect(failed({ birthDate: '1995-01-01' }, 'expert')).toEqual(['age']);
  expect(failed({ yearsExperience: 14 }, 'expert')).toEqual(['experience']);
  expect(ageOn('1990-06-15', '2027-06-14')).toBe(36);
  expect(ageOn('1990-06-15', '2027-06-15')).toBe(37);
});

test('the request: the duty station has rates and the initial duration fits the category', () => {
  const rules = (months: number, countryCode = 'KG', category: UnvCategory = 'specialist') =>
    requestFindings({ category, dutyStationCountryCode: countryCode, months }, SET)
      .filter((f) => f.outcome === 'fail')
      .map((f) => f.rule);
  expect(rules(12)).toEqual([]);
  expect(rules(3)).toEqual(['duration']);
  expect(rules(13)).toEqual(['duration']);
  expect(rules(12, 'ZZ')).toEqual(['duty_station_rates']);
});

test('cost estimate: living allowance × months, settling-in, insurance, travel, resettlement, support cost', () => {
  const c = assignmentCosts(KG, 12, SET);
  const direct =
    12 * KG.vlaCentsPerMonth +
    12 * SET.rules.insuranceCentsPerMonth +
    12 * SET.rules.resettlementCentsPerMonth +
    SET.rules.settlingInGrantMonthsOfVla * KG.vlaCentsPerMonth +
    KG.travelCents;
  expect(c.lines.map((l) => l.key)).toEqual(['vla', 'insurance', 'resettlement', 'settling_in', 'travel', 'support']);
  expect(c.totalCents).toBe(direct + Math.round((direct * SET.rules.supportCostPct) / 100));
  expect(c.lines.find((l) => l.key === 'resettlement')!.amountCents).toBe(12 * 150 * USD);
  // An extension adds the monthly elements only.
  const e = extensionCosts(KG, 3, SET);
  expect(e.lines.map((l) => l.key)).toEqual(['vla', 'insurance', 'resettlement', 'support']);
  expect(assignmentCosts(KG, 15, SET).totalCents - c.totalCents).toBeCloseTo(e.totalCents, -1);
  // The advance covers the rule set's first months, within the commitment.
  expect(advanceTransferCents(KG, 24, assignmentCosts(KG, 24, SET).totalCents, SET)).toBe(c.totalCents);
  expect(advanceTransferCents(KG, 6, assignmentCosts(KG, 6, SET).totalCents, SET)).toBe(
    assignmentCosts(KG, 6, SET).totalCents,
  );
});

test('months and dates: started months count in full; month ends clamp', () => {
  expect(monthsServed('2027-03-01', '2027-03-01')).toBe(1);
  expect(monthsServed('2027-03-01', '2027-04-30')).toBe(2);
  expect(monthsServed('2027-03-15', '2027-05-14')).toBe(2);
  expect(monthsServed('2027-03-15', '2027-05-15')).toBe(3);
  expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
  expect(addMonths('2027-11-15', 3)).toBe('2028-02-15');
  expect(addMonths('2027-03-15', -6)).toBe('2026-09-15');
});

test('money adds up: commitment = estimates − released; reconciliation flags overspending and a variance beyond tolerance', () => {
  const l = emptyLedger();
  l.estimates.push({ kind: 'initial', months: 12, cents: 30_000 * USD, ruleSetId: SET.id });
  l.estimates.push({ kind: 'extension', months: 3, cents: 6_000 * USD, ruleSetId: SET.id });
  l.transfers.push({ seq: 1, cents: 30_000 * USD, purpose: 'advance' });
  l.releasedCents = 1_000 * USD;
  expect(unvMoney(l)).toMatchObject({
    committedCents: 35_000 * USD,
    transferredCents: 30_000 * USD,
    remainingCents: 5_000 * USD,
    overspent: false,
  });
  const within = reconcile(l, 34_000 * USD, SET);
  expect(within).toMatchObject({ varianceCents: 1_000 * USD, explanationRequired: false, overspent: true });
  expect(within.refundCents).toBe(-4_000 * USD);
  const under = reconcile(l, 25_000 * USD, SET);
  expect(under).toMatchObject({ explanationRequired: true, overspent: false, refundCents: 5_000 * USD });
  expect(under.variancePct).toBeCloseTo(28.6, 1);
});
