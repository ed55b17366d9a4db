import {
  RULE_SETS,
  checkAlignment,
  checkGrant,
  checkIndividualContract,
  formatUsd,
  parsePolicyRules,
  policyRuleSetFromRow,
  ruleSetInForce,
  validateScores,
  weightedScore,
  type AlignmentFacts,
  type GrantFacts,
  type IndividualContractFacts,
  type PolicyResult,
  type PolicyRuleSetRecord,
} from '../../domain/policy';

const usd = (n: number) => Math.round(n * 100);
const CURRENT = ruleSetInForce(RULE_SETS, '2026-11-26');
const EARLIER = ruleSetInForce(RULE_SETS, '2024-06-01');

/** The finding of one rule; fails the test if the rule was not evaluated. */
function rule(result: PolicyResult, name: string) {
  const f = result.findings.find((x) => x.rule === name);
  if (!f) throw new Error(`rule ${name} not evaluated; got ${result.findings.map((x) => x.rule).join(', ')}`);
  return f;
}

describe('rule sets', () => {
  test('the 2025-09-15 revision carries the POPP figures', () => {
    expect(CURRENT.id).toBe('popp-2025-09-15');
    expect(CURRENT.rules).toMatchObject({
      icDirectContractingLimitCents: usd(7_000),
      icBureauApprovalLimitCents: usd(15_000),
      internationalAdvertThresholdCents: usd(150_000),
      procurementCommitteeThresholdCents: usd(150_000),
      residentRepresentativeAuthorityCents: usd(300_000),
      icDailyFeeApprovalThresholdCents: usd(1_800),
      lowValueGrantCapCents: usd(150_000),
      cumulativeGrantCapPerRecipientCents: usd(300_000),
      innovationDirectAwardLimitCents: usd(40_000),
      icMinCandidatesCompeting: 3,
      icMinFinancialWeightPct: 30,
      icLumpSumOnly: true,
    });
    expect(EARLIER.id).toBe('popp-2019-01-01');
    expect(EARLIER.rules.icDirectContractingLimitCents).toBe(usd(5_000));
    expect(EARLIER.rules.icBureauApprovalLimitCents).toBe(usd(10_000));
    expect(EARLIER.rules.internationalAdvertThresholdCents).toBe(usd(100_000));
  });

  test('the switch happens between 14 and 15 September 2025, inclusive on both ends', () => {
    expect(ruleSetInForce(RULE_SETS, '2025-09-14').id).toBe('popp-2019-01-01');
    expect(ruleSetInForce(RULE_SETS, '2025-09-14T23:59:59.999Z').id).toBe('popp-2019-01-01');
    expect(ruleSetInForce(RULE_SETS, '2025-09-15').id).toBe('popp-2025-09-15');
    expect(ruleSetInForce(RULE_SETS, '2025-09-15T00:00:00Z').id).toBe('popp-2025-09-15');
    expect(ruleSetInForce(RULE_SETS, '2019-01-01').id).toBe('popp-2019-01-01');
  });

  test('no rule set in force is a clear error', () => {
    expect(() => ruleSetInForce(RULE_SETS, '2018-12-31')).toThrow(
      /No policy rule set is in force on 2018-12-31.*popp-2019-01-01/,
    );
    expect(() => ruleSetInForce([], '2026-01-01')).toThrow(/known rule sets: none/);
    expect(() => ruleSetInForce(RULE_SETS, 'yesterday')).toThrow(/Not an ISO date/);
  });

  test('when an open-ended older set overlaps a newer one, the newer wins', () => {
    const open = { ...RULE_SETS[0], effectiveTo: null };
    expect(ruleSetInForce([open, RULE_SETS[1]], '2026-01-01').id).toBe('popp-2025-09-15');
    expect(ruleSetInForce([open, RULE_SETS[1]], '2025-01-01').id).toBe('popp-2019-01-01');
  });

  test('database rows are converted and their rules checked', () => {
    const row = {
      id: 'x',
      name: 'X',
      effectiveFrom: new Date('2025-09-15T00:00:00Z'),
      effectiveTo: null,
      rules: CURRENT.rules,
    };
    expect(policyRuleSetFromRow(row)).toEqual({
      id: 'x',
      name: 'X',
      effectiveFrom: '2025-09-15',
      effectiveTo: null,
      rules: CURRENT.rules,
    });
    expect(() => parsePolicyRules({ ...CURRENT.rules, icBureauApprovalLimitCents: '15000', extra: 1 })).toThrow(
      /icBureauApprovalLimitCents must be a non-negative number; extra is not a known rule/,
    );
  });

  test('money prints as USD', () => {
    expect(formatUsd(700_000)).toBe('USD 7,000');
    expect(formatUsd(180_050)).toBe('USD 1,800.50');
    expect(formatUsd(15_000_000_00)).toBe('USD 15,000,000');
  });
});

describe('checkGrant', () => {
  const base: GrantFacts = {
    requestedCents: usd(30_000),
    coFinancingCents: usd(10_000),
    callMinCents: usd(20_000),
    callMaxCents: usd(40_000),
    callCoFinancingMinPct: 20,
    callOpensAt: '2026-01-01',
    callClosesAt: '2027-12-31',
    submittedAt: '2026-11-26T09:00:00Z',
    countryEligible: true,
    localPartnerEvidence: 'Letter of intent from the Ministry of Emergency Situations, 2026-10-02',
    cumulativeAwardedToInstitutionCents: 0,
    durationMonths: 12,
    callMaxDurationMonths: 12,
  };
  const grant = (over: Partial<GrantFacts>, set: PolicyRuleSetRecord = CURRENT) =>
    checkGrant(set, { ...base, ...over });

  test('a proposal inside every limit passes and lists every rule it checked', () => {
    const r = grant({});
    expect(r.outcome).toBe('pass');
    expect(r.ruleSetId).toBe('popp-2025-09-15');
    expect(r.findings.map((f) => f.rule)).toEqual([
      'call_open',
      'country_eligible',
      'amount_within_call_limits',
      'low_value_grant_cap',
      'cumulative_recipient_cap',
      'co_financing_min',
      'innovation_direct_award_limit',
      'local_partner_evidence',
      'duration_max',
    ]);
    expect(r.findings.every((f) => f.outcome === 'pass')).toBe(true);
  });

  test('call open: first day, last day (all of it), day before, day after', () => {
    expect(rule(grant({ submittedAt: '2026-01-01T00:00:00Z' }), 'call_open').outcome).toBe('pass');
    expect(rule(grant({ submittedAt: '2027-12-31T23:59:59Z' }), 'call_open').outcome).toBe('pass');
    expect(rule(grant({ submittedAt: '2025-12-31T23:59:59Z' }), 'call_open').outcome).toBe('fail');
    const after = grant({ submittedAt: '2028-01-01T00:00:00Z' });
    expect(after.outcome).toBe('fail');
    expect(rule(after, 'call_open').message).toMatch(/outside the call period 2026-01-01 to 2027-12-31/);
  });

  test('country eligibility', () => {
    expect(rule(grant({ countryEligible: false }), 'country_eligible').outcome).toBe('fail');
  });

  test('amount within call limits: at, just inside and just outside min and max', () => {
    const outcome = (cents: number) =>
      rule(grant({ requestedCents: cents, coFinancingCents: usd(20_000) }), 'amount_within_call_limits').outcome;
    expect(outcome(usd(20_000))).toBe('pass');
    expect(outcome(usd(20_000) - 1)).toBe('fail');
    expect(outcome(usd(40_000))).toBe('pass');
    expect(outcome(usd(40_000) + 1)).toBe('fail');
    const f = rule(grant({ requestedCents: usd(45_000), coFinancingCents: usd(20_000) }), 'amount_within_call_limits');
    expect(f.message).toBe('Requested USD 45,000; the call allows USD 20,000 to USD 40,000.');
    expect(f.data).toEqual({ requestedCents: usd(45_000), callMinCents: usd(20_000), callMaxCents: usd(40_000) });
  });

  test('low-value grant cap of 150,000: at, below, above', () => {
    const big = { callMaxCents: usd(500_000), coFinancingCents: usd(100_000) };
    expect(rule(grant({ ...big, requestedCents: usd(150_000) }), 'low_value_grant_cap').outcome).toBe('pass');
    expect(rule(grant({ ...big, requestedCents: usd(150_000) - 1 }), 'low_value_grant_cap').outcome).toBe('pass');
    const above = rule(grant({ ...big, requestedCents: usd(150_000) + 1 }), 'low_value_grant_cap');
    expect(above.outcome).toBe('fail');
    expect(above.data).toEqual({ requestedCents: usd(150_000) + 1, limitCents: usd(150_000) });
    expect(above.message).toMatch(/exceeds the low-value grant cap of USD 150,000/);
  });

  test('cumulative cap of 300,000 per recipient: at, below, above', () => {
    const outcome = (already: number) =>
      rule(grant({ cumulativeAwardedToInstitutionCents: already }), 'cumulative_recipient_cap').outcome;
    expect(outcome(usd(270_000))).toBe('pass'); // 270k + 30k = 300k exactly
    expect(outcome(usd(270_000) - 1)).toBe('pass');
    expect(outcome(usd(270_000) + 1)).toBe('fail');
    const f = rule(grant({ cumulativeAwardedToInstitutionCents: usd(280_000) }), 'cumulative_recipient_cap');
    expect(f.data).toMatchObject({ cumulativeAfterCents: usd(310_000), limitCents: usd(300_000) });
    expect(grant({ cumulativeAwardedToInstitutionCents: usd(280_000) }).outcome).toBe('fail');
  });

  test('co-financing is at least 20% of the total budget (grant + co-financing)', () => {
    // 40,000 grant: 10,000 co-financing is exactly 20% of 50,000.
    const at = rule(grant({ requestedCents: usd(40_000), coFinancingCents: usd(10_000) }), 'co_financing_min');
    expect(at.outcome).toBe('pass');
    expect(at.data).toMatchObject({
      actualPct: 20,
      requiredPct: 20,
      totalBudgetCents: usd(50_000),
      minimumCoFinancingCents: usd(10_000),
    });
    expect(
      rule(grant({ requestedCents: usd(40_000), coFinancingCents: usd(10_000) + 1 }), 'co_financing_min').outcome,
    ).toBe('pass');
    const below = rule(grant({ requestedCents: usd(40_000), coFinancingCents: usd(10_000) - 1 }), 'co_financing_min');
    expect(below.outcome).toBe('fail');
    expect(below.message).toMatch(/at least 20% is required \(USD 10,000 for this grant\)/);
    // 20% of the grant alone (8,000 of 40,000) is only 16.67% of the total: not enough.
    expect(
      rule(grant({ requestedCents: usd(40_000), coFinancingCents: usd(8_000) }), 'co_financing_min').data.actualPct,
    ).toBe(16.67);
    expect(rule(grant({ coFinancingCents: 0 }), 'co_financing_min').outcome).toBe('fail');
  });

  test('the stricter of call and rule-set co-financing minimum applies', () => {
    const f = rule(
      grant({ callCoFinancingMinPct: 30, requestedCents: usd(35_000), coFinancingCents: usd(15_000) }),
      'co_financing_min',
    );
    expect(f.outcome).toBe('pass'); // exactly 30%
    expect(f.data.requiredPct).toBe(30);
    expect(
      rule(
        grant({ callCoFinancingMinPct: 30, requestedCents: usd(35_000), coFinancingCents: usd(15_000) - 1 }),
        'co_financing_min',
      ).outcome,
    ).toBe('fail');
    expect(rule(grant({ callCoFinancingMinPct: 10 }), 'co_financing_min').data.requiredPct).toBe(20);
  });

  test('innovation direct award of 40,000: at and below pass, above needs approval', () => {
    const big = { callMaxCents: usd(100_000), coFinancingCents: usd(20_000) };
    expect(rule(grant({ ...big, requestedCents: usd(40_000) }), 'innovation_direct_award_limit').outcome).toBe('pass');
    expect(rule(grant({ ...big, requestedCents: usd(40_000) - 1 }), 'innovation_direct_award_limit').outcome).toBe(
      'pass',
    );
    const above = grant({ ...big, requestedCents: usd(40_000) + 1 });
    expect(rule(above, 'innovation_direct_award_limit').outcome).toBe('needs_approval');
    expect(above.outcome).toBe('needs_approval');
  });

  test('local partner evidence must be present', () => {
    expect(rule(grant({ localPartnerEvidence: null }), 'local_partner_evidence').outcome).toBe('fail');
    expect(rule(grant({ localPartnerEvidence: '   ' }), 'local_partner_evidence').outcome).toBe('fail');
    expect(grant({ localPartnerEvidence: null }).outcome).toBe('fail');
  });

  test('duration: at, below, above the call maximum', () => {
    expect(rule(grant({ durationMonths: 12 }), 'duration_max').outcome).toBe('pass');
    expect(rule(grant({ durationMonths: 11 }), 'duration_max').outcome).toBe('pass');
    expect(rule(grant({ durationMonths: 13 }), 'duration_max').outcome).toBe('fail');
    expect(rule(grant({ durationMonths: 0 }), 'duration_max').outcome).toBe('fail');
  });

  test('decision date matters: a 35,000 grant is a direct award after 15 Sep 2025, needs approval before', () => {
    const facts = { requestedCents: usd(35_000) };
    expect(grant(facts, ruleSetInForce(RULE_SETS, '2025-09-15')).outcome).toBe('pass');
    const before = grant(facts, ruleSetInForce(RULE_SETS, '2025-09-14'));
    expect(before.outcome).toBe('needs_approval');
    expect(before.ruleSetId).toBe('popp-2019-01-01');
  });
});

describe('checkIndividualContract', () => {
  const base: IndividualContractFacts = {
    contractValueCents: usd(6_000),
    deliverables: [{ amountCents: usd(2_000) }, { amountCents: usd(4_000) }],
    paymentBasis: 'lump_sum',
    candidatesCompared: 1,
    competitive: false,
    dailyFeeCents: usd(400),
    workingDays: 15,
    modality: 'desk',
    perDiemCents: null,
    dsaRateCents: null,
  };
  const ic = (over: Partial<IndividualContractFacts>, set: PolicyRuleSetRecord = CURRENT) =>
    checkIndividualContract(set, { ...base, ...over });
  /** A single-deliverable contract of the given value. */
  const valued = (cents: number, over: Partial<IndividualContractFacts> = {}) =>
    ic({ contractValueCents: cents, deliverables: [{ amountCents: cents }], ...over });

  test('a small direct lump-sum contract passes', () => {
    const r = ic({});
    expect(r.outcome).toBe('pass');
    expect(r.findings.map((f) => f.rule)).toEqual([
      'payment_basis',
      'deliverables_sum_to_value',
      'direct_contracting_limit',
      'daily_fee_threshold',
      'international_advertisement',
      'procurement_committee_review',
      'delegated_authority',
    ]);
  });

  test('lump-sum, deliverable-based only', () => {
    const timeBased = ic({ paymentBasis: 'time_based' });
    expect(timeBased.outcome).toBe('fail');
    expect(rule(timeBased, 'payment_basis').message).toMatch(/lump-sum and deliverable-based only/);
    expect(rule(ic({ paymentBasis: 'time_based' }, EARLIER), 'payment_basis').outcome).toBe('pass');
  });

  test('deliverables must sum to the contract value', () => {
    const off = ic({ deliverables: [{ amountCents: usd(2_000) }, { amountCents: usd(4_000) - 1 }] });
    expect(off.outcome).toBe('fail');
    expect(rule(off, 'deliverables_sum_to_value').data).toMatchObject({
      deliverablesSumCents: usd(6_000) - 1,
      contractValueCents: usd(6_000),
    });
    expect(rule(ic({ deliverables: [] }), 'deliverables_sum_to_value').outcome).toBe('fail');
    expect(
      rule(
        ic({ deliverables: [{ amountCents: usd(6_000) + 100 }, { amountCents: -100 }] }),
        'deliverables_sum_to_value',
      ).outcome,
    ).toBe('fail');
  });

  test('direct contracting: ≤ 7,000 pass; ≤ 15,000 needs Bureau approval; above fails', () => {
    const outcome = (cents: number, approved = false) =>
      rule(valued(cents, { bureauDirectorApproved: approved }), 'direct_contracting_limit').outcome;
    expect(outcome(usd(7_000) - 1)).toBe('pass');
    expect(outcome(usd(7_000))).toBe('pass');
    expect(outcome(usd(7_000) + 1)).toBe('needs_approval');
    expect(outcome(usd(15_000) - 1)).toBe('needs_approval');
    expect(outcome(usd(15_000))).toBe('needs_approval');
    expect(outcome(usd(15_000), true)).toBe('pass');
    expect(outcome(usd(15_000) + 1)).toBe('fail');
    expect(outcome(usd(15_000) + 1, true)).toBe('fail');
    const f = rule(valued(usd(20_000)), 'direct_contracting_limit');
    expect(f.message).toBe('Direct contracting of USD 20,000 exceeds USD 15,000: a competitive selection is required.');
    expect(f.data).toMatchObject({
      contractValueCents: usd(20_000),
      directLimitCents: usd(7_000),
      bureauLimitCents: usd(15_000),
    });
  });

  test('competition needs at least 3 candidates; the direct limit then does not apply', () => {
    const three = valued(usd(20_000), { competitive: true, candidatesCompared: 3 });
    expect(three.outcome).toBe('pass');
    expect(three.findings.some((f) => f.rule === 'direct_contracting_limit')).toBe(false);
    expect(
      rule(valued(usd(20_000), { competitive: true, candidatesCompared: 4 }), 'competitive_min_candidates').outcome,
    ).toBe('pass');
    const two = valued(usd(20_000), { competitive: true, candidatesCompared: 2 });
    expect(two.outcome).toBe('fail');
    expect(rule(two, 'competitive_min_candidates').message).toBe(
      '2 candidates compared; a competitive selection needs at least 3.',
    );
  });

  test('financial weight of at least 30% when recorded for a competition', () => {
    const weight = (pct: number) =>
      rule(
        valued(usd(20_000), { competitive: true, candidatesCompared: 3, financialWeightPct: pct }),
        'financial_weight_min',
      ).outcome;
    expect(weight(30)).toBe('pass');
    expect(weight(31)).toBe('pass');
    expect(weight(29)).toBe('fail');
  });

  test('daily fee above 1,800 needs Bureau Director approval', () => {
    const outcome = (cents: number, approved = false) =>
      rule(ic({ dailyFeeCents: cents, bureauDirectorApproved: approved }), 'daily_fee_threshold').outcome;
    expect(outcome(usd(1_800) - 1)).toBe('pass');
    expect(outcome(usd(1_800))).toBe('pass');
    expect(outcome(usd(1_800) + 1)).toBe('needs_approval');
    expect(outcome(usd(1_800) + 1, true)).toBe('pass');
    expect(ic({ dailyFeeCents: usd(2_000) }).outcome).toBe('needs_approval');
    expect(rule(ic({ dailyFeeCents: usd(2_000) }), 'daily_fee_threshold').message).toMatch(
      /USD 2,000 is above USD 1,800/,
    );
  });

  test('international advertisement and procurement committee from 150,000', () => {
    const competitive = { competitive: true, candidatesCompared: 5 };
    for (const name of ['international_advertisement', 'procurement_committee_review']) {
      expect(rule(valued(usd(150_000) - 1, competitive), name).outcome).toBe('pass');
      expect(rule(valued(usd(150_000), competitive), name).outcome).toBe('needs_approval');
      expect(rule(valued(usd(150_000) + 1, competitive), name).outcome).toBe('needs_approval');
    }
    expect(valued(usd(150_000), competitive).outcome).toBe('needs_approval');
  });

  test('above the RR authority of 300,000 headquarters must approve', () => {
    const competitive = { competitive: true, candidatesCompared: 5 };
    expect(rule(valued(usd(300_000), competitive), 'delegated_authority').outcome).toBe('pass');
    expect(rule(valued(usd(300_000) - 1, competitive), 'delegated_authority').outcome).toBe('pass');
    expect(rule(valued(usd(300_000) + 1, competitive), 'delegated_authority').outcome).toBe('needs_approval');
  });

  test('per diem is capped at the DSA rate and paid only on missions', () => {
    const mission = { modality: 'mission' as const, dsaRateCents: usd(150) };
    expect(rule(ic({ ...mission, perDiemCents: usd(150) }), 'per_diem_dsa').outcome).toBe('pass');
    expect(rule(ic({ ...mission, perDiemCents: usd(150) - 1 }), 'per_diem_dsa').outcome).toBe('pass');
    const above = ic({ ...mission, perDiemCents: usd(150) + 1 });
    expect(above.outcome).toBe('fail');
    expect(rule(above, 'per_diem_dsa').message).toBe('Per diem USD 150.01 exceeds the UN DSA rate of USD 150.');
    expect(rule(ic({ modality: 'mission', perDiemCents: usd(100), dsaRateCents: null }), 'per_diem_dsa').outcome).toBe(
      'needs_approval',
    );
    expect(
      rule(ic({ modality: 'online', perDiemCents: usd(100), dsaRateCents: usd(150) }), 'per_diem_dsa').outcome,
    ).toBe('fail');
    expect(ic({ perDiemCents: null }).findings.some((f) => f.rule === 'per_diem_dsa')).toBe(false);
  });

  test('decision date matters: a 6,000 direct contract passes on 15 Sep 2025, needs approval on 14 Sep', () => {
    const onOrAfter = ic({}, ruleSetInForce(RULE_SETS, '2025-09-15'));
    const before = ic({}, ruleSetInForce(RULE_SETS, '2025-09-14'));
    expect(onOrAfter.outcome).toBe('pass');
    expect(before.outcome).toBe('needs_approval');
    expect(rule(before, 'direct_contracting_limit').message).toMatch(/above USD 5,000 and within USD 10,000/);
    expect(before.ruleSetId).toBe('popp-2019-01-01');
    // 12,000: Bureau approval now; beyond the older Bureau limit, so competition, then.
    expect(valued(usd(12_000)).outcome).toBe('needs_approval');
    expect(
      checkIndividualContract(EARLIER, {
        ...base,
        contractValueCents: usd(12_000),
        deliverables: [{ amountCents: usd(12_000) }],
      }).outcome,
    ).toBe('fail');
  });
});

describe('checkAlignment', () => {
  const base: AlignmentFacts = {
    countryEligible: true,
    framework: {
      periodStart: '2023-01-01',
      periodEnd: '2027-12-31',
      outcomes: [
        { code: 'O1', sdgs: [13, 11], thematicAreaIds: ['climate-adaptation', 'disaster-risk-reduction'] },
        { code: 'O2', sdgs: [16], thematicAreaIds: ['digital-governance'] },
        { code: 'O3', sdgs: [13, 7], thematicAreaIds: ['sustainable-energy'] },
      ],
    },
    startDate: '2027-01-01',
    endDate: '2027-12-31',
    sdgs: [13],
    thematicAreaId: 'climate-adaptation',
  };
  const align = (over: Partial<AlignmentFacts>) => checkAlignment({ ...base, ...over });

  test('SDG and thematic overlap with dates inside the period: aligned', () => {
    const r = align({});
    expect(r.result).toBe('aligned');
    expect(r.matchedOutcomes).toEqual(['O1']);
    expect(r.reasons.map((f) => [f.rule, f.outcome])).toEqual([
      ['country_eligible', 'pass'],
      ['framework_period', 'pass'],
      ['outcome_overlap', 'pass'],
    ]);
  });

  test('ineligible country or no framework: not aligned', () => {
    expect(align({ countryEligible: false }).result).toBe('not_aligned');
    const none = align({ framework: null });
    expect(none.result).toBe('not_aligned');
    expect(none.reasons.find((f) => f.rule === 'framework_present')?.outcome).toBe('fail');
  });

  test('dates outside or straddling the period: needs review', () => {
    expect(align({ endDate: '2028-01-01' }).result).toBe('needs_review');
    expect(align({ startDate: '2022-12-31' }).result).toBe('needs_review');
    expect(align({ startDate: '2028-02-01', endDate: '2028-12-31' }).result).toBe('needs_review');
    expect(align({ startDate: '2023-01-01', endDate: '2027-12-31' }).result).toBe('aligned');
  });

  test('partial overlap (SDG only, or thematic area only): needs review, naming the partial outcomes', () => {
    const sdgOnly = align({ thematicAreaId: 'health', sdgs: [16] });
    expect(sdgOnly.result).toBe('needs_review');
    expect(sdgOnly.matchedOutcomes).toEqual(['O2']);
    const themeOnly = align({ thematicAreaId: 'sustainable-energy', sdgs: [3] });
    expect(themeOnly.result).toBe('needs_review');
    expect(themeOnly.matchedOutcomes).toEqual(['O3']);
  });

  test('full matches take precedence over partial ones', () => {
    expect(align({ sdgs: [13, 7], thematicAreaId: 'sustainable-energy' }).matchedOutcomes).toEqual(['O3']);
  });

  test('no overlap at all: not aligned, even with dates inside', () => {
    const r = align({ sdgs: [3], thematicAreaId: 'health' });
    expect(r.result).toBe('not_aligned');
    expect(r.matchedOutcomes).toEqual([]);
    expect(align({ sdgs: [3], thematicAreaId: 'health', endDate: '2029-01-01' }).result).toBe('not_aligned');
  });
});

describe('rubric scoring', () => {
  const rubric = [
    { key: 'innovation', weight: 30, max: 100 },
    { key: 'feasibility_sustainability', weight: 35, max: 100 },
    { key: 'social_benefit', weight: 35, max: 100 },
  ];

  test('weighted total averaged over reviewers', () => {
    const r = weightedScore(rubric, [
      { innovation: 80, feasibility_sustainability: 60, social_benefit: 70 }, // 24 + 21 + 24.5 = 69.5
      { innovation: 40, feasibility_sustainability: 50, social_benefit: 60 }, // 12 + 17.5 + 21 = 50.5
    ]);
    expect(r.total).toBe(60);
    expect(r.reviewers).toBe(2);
    expect(r.perCriterion.innovation).toEqual({ average: 60, points: 18 });
    expect(r.perCriterion.social_benefit).toEqual({ average: 65, points: 22.75 });
  });

  test('criteria with different maxima and weights not summing to 100 are normalised to 0..100', () => {
    const r = weightedScore(
      [
        { key: 'a', weight: 1, max: 5 },
        { key: 'b', weight: 3, max: 10 },
      ],
      [{ a: 5, b: 5 }],
    );
    expect(r.total).toBe(62.5); // (1*1 + 3*0.5) / 4
    expect(
      weightedScore(rubric, [{ innovation: 100, feasibility_sustainability: 100, social_benefit: 100 }]).total,
    ).toBe(100);
    expect(weightedScore(rubric, [{ innovation: 0, feasibility_sustainability: 0, social_benefit: 0 }]).total).toBe(0);
  });

  test('score problems: missing, out of range, unknown key', () => {
    expect(validateScores(rubric, { innovation: 0, feasibility_sustainability: 100, social_benefit: 50 })).toEqual([]);
    const problems = validateScores(rubric, { innovation: 101, social_benefit: -1, originality: 5 });
    expect(problems.map((p) => [p.key, p.code])).toEqual([
      ['innovation', 'out_of_range'],
      ['feasibility_sustainability', 'missing'],
      ['social_benefit', 'out_of_range'],
      ['originality', 'unknown_criterion'],
    ]);
    expect(
      validateScores(rubric, { innovation: Number.NaN, feasibility_sustainability: 1, social_benefit: 1 })[0].code,
    ).toBe('out_of_range');
    expect(() =>
      weightedScore(rubric, [{ innovation: 101, feasibility_sustainability: 1, social_benefit: 1 }]),
    ).toThrow(/Reviewer 1: innovation: must be a number from 0 to 100/);
    expect(() => weightedScore(rubric, [])).toThrow(/No reviewer scores/);
  });
});
