import {
  DSA_RATES,
  dsaRateOn,
  settleTravel,
  travelCosts,
  travelEligibility,
  travelRulesInForce,
  TRAVEL_RULE_SETS,
  type DsaRate,
  type TravelEligibilityFacts,
} from '../../domain/policy/travel';

const SET = travelRulesInForce('2027-07-01');
const ok: TravelEligibilityFacts = {
  today: '2027-05-01',
  eventCountryCode: 'CH',
  sdgs: [7],
  departureDate: '2027-07-12',
  role: 'speaker',
  invitationReceived: true,
  expert: { profileFound: true, accountActive: true },
  fundedEventsThisYear: 0,
};
const failed = (facts: Partial<TravelEligibilityFacts>) =>
  travelEligibility({ ...ok, ...facts }, SET)
    .filter((f) => f.outcome === 'fail')
    .map((f) => f.rule);

test('every figure of every travel rule set names its source; unpublished ones say "illustrative"', () => {
  for (const set of TRAVEL_RULE_SETS)
    for (const key of Object.keys(set.rules) as (keyof typeof set.rules)[]) expect(set.sources[key]).toMatch(/\S/);
  expect(SET.sources.advancePct).toMatch(/POPP/);
  expect(SET.sources.maxFundedEventsPerYear).toMatch(/illustrative/);
  for (const rate of DSA_RATES) expect(rate.source).toMatch(/\S/);
});

test('eligibility: each rule fails alone on its own fact, with its figures', () => {
  expect(failed({})).toEqual([]);
  expect(failed({ eventCountryCode: 'RU' })).toEqual(['event_outside_russia']);
  expect(failed({ sdgs: [] })).toEqual(['sdg_related']);
  expect(failed({ expert: { profileFound: true, accountActive: false } })).toEqual(['roster_profile_active']);
  expect(failed({ expert: { profileFound: false, accountActive: false } })).toEqual(['roster_profile_active']);
  expect(failed({ fundedEventsThisYear: SET.rules.maxFundedEventsPerYear })).toEqual(['annual_event_limit']);
  expect(failed({ invitationReceived: false })).toEqual(['speaking_role_invited']);
  // 4 weeks: 2027-06-14 is the last day to apply for a departure on 2027-07-12.
  expect(failed({ today: '2027-06-14' })).toEqual([]);
  const late = travelEligibility({ ...ok, today: '2027-06-15' }, SET).find((f) => f.rule === 'applied_in_advance')!;
  expect(late).toMatchObject({
    outcome: 'fail',
    data: { minWeeks: 4, latestDay: '2027-06-14', daysBeforeDeparture: 27 },
  });
});

test('cost lines: DSA per night at the city’s rate, terminal expenses for two journeys, advance as the rule set’s share', () => {
  const rate = dsaRateOn(DSA_RATES, 'CH', 'Geneva', '2027-07-12')!;
  const costs = travelCosts(
    { airfareCents: 80_000, registrationCents: 5_000, visaCents: 9_000 },
    { departureDate: '2027-07-12', returnDate: '2027-07-16' },
    rate,
    SET,
  );
  const terminal = 2 * SET.rules.terminalExpenseCentsPerJourney;
  expect(costs.nights).toBe(4);
  expect(costs.lines.map((l) => [l.key, l.amountCents])).toEqual([
    ['airfare', 80_000],
    ['dsa', 4 * rate.usdPerNight * 100],
    ['terminal', terminal],
    ['registration', 5_000],
    ['visa', 9_000],
  ]);
  expect(costs.totalCents).toBe(94_000 + 4 * rate.usdPerNight * 100 + terminal);
  expect(costs.advanceCents).toBe(Math.round(((4 * rate.usdPerNight * 100 + terminal) * SET.rules.advancePct) / 100));
  // A city without a row of its own: the country's "elsewhere" rate, else none.
  expect(dsaRateOn(DSA_RATES, 'CH', 'Lausanne', '2027-07-12')).toBeNull();
});

test('a DSA rate change between approval and settlement: settlement uses the rate in force on the travel dates, and says so', () => {
  const table: DsaRate[] = [
    {
      countryCode: 'CH',
      place: 'Geneva',
      usdPerNight: 400,
      validFrom: '2027-01-01',
      validTo: '2027-06-30',
      source: 'test',
      sourceRu: 'тест',
    },
    {
      countryCode: 'CH',
      place: 'Geneva',
      usdPerNight: 450,
      validFrom: '2027-07-01',
      validTo: null,
      source: 'test',
      sourceRu: 'тест',
    },
  ];
  // Approved in May at the May rate.
  const atApproval = dsaRateOn(table, 'CH', 'Geneva', '2027-05-10')!;
  const approved = travelCosts(
    { airfareCents: 0, registrationCents: 0, visaCents: 0 },
    { departureDate: '2027-07-12', returnDate: '2027-07-16' },
    atApproval,
    SET,
  );
  expect(approved.lines[1].amountCents).toBe(4 * 40_000);
  // Settled on the July travel dates at the July rate.
  const atTravel = dsaRateOn(table, 'CH', 'Geneva', '2027-07-12')!;
  const s = settleTravel(
    { departureDate: '2027-07-12', returnDate: '2027-07-16' },
    approved.advanceCents,
    atTravel,
    SET,
  );
  expect(s.dsaCents).toBe(4 * 45_000);
  expect(s.balanceCents).toBe(4 * 45_000 + s.terminalCents - approved.advanceCents);
  expect(s.basis).toMatch(/USD 450: the DSA rate in force on the travel dates \(from 2027-07-01/);
  // Came back early: the advance exceeds what is due, recovered.
  const early = settleTravel(
    { departureDate: '2027-07-12', returnDate: '2027-07-12' },
    approved.advanceCents,
    atTravel,
    SET,
  );
  expect(early.balanceCents).toBe(early.terminalCents - approved.advanceCents);
  expect(early.balanceCents).toBeLessThan(0);
});
