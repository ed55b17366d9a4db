import {
  availableOver,
  candidateSelectionProblems,
  compareCandidates,
  dailyBudgetCents,
  exclusionReasons,
  mergeWindows,
  rankExperts,
  scoreExpert,
  type MatchCriteria,
  type RosterExpert,
  type SelectionPolicy,
} from '../../domain/matching';

function expert(id: string, over: Partial<RosterExpert> = {}): RosterExpert {
  return {
    id,
    name: `Expert ${id}`,
    thematicAreaIds: ['disaster-risk-reduction'],
    sdgs: [11, 13],
    languages: ['ru', 'en'],
    countriesOfExperience: ['KG'],
    dailyFeeCents: 30_000,
    availability: [{ from: '2027-01-01', to: '2027-12-31' }],
    rating: 4,
    ratingCount: 3,
    ...over,
  };
}

const criteria: MatchCriteria = {
  thematicAreaId: 'disaster-risk-reduction',
  sdgs: [11, 13],
  languages: ['ru'],
  startDate: '2027-02-01',
  endDate: '2027-04-15',
  countryCode: 'KG',
  maxDailyFeeCents: 30_000,
  limit: 5,
};

const ids = (r: ReturnType<typeof rankExperts>) => r.candidates.map((c) => c.expertId);

describe('hard filters', () => {
  test('every required language must be spoken (case-insensitive)', () => {
    const roster = [
      expert('a', { languages: ['ru'] }),
      expert('b', { languages: ['en'] }),
      expert('c', { languages: ['RU', 'KY'] }),
    ];
    expect(ids(rankExperts(roster, { ...criteria, languages: ['ru', 'ky'] }))).toEqual(['c']);
    const r = rankExperts(roster, criteria);
    expect(ids(r).sort()).toEqual(['a', 'c']);
    expect(r.excluded).toEqual([{ expertId: 'b', reasons: ['language'] }]);
  });

  test('one availability window must cover the whole period; touching windows merge', () => {
    expect(availableOver([{ from: '2027-02-01', to: '2027-04-15' }], '2027-02-01', '2027-04-15')).toBe(true);
    expect(availableOver([{ from: '2027-02-02', to: '2027-12-31' }], '2027-02-01', '2027-04-15')).toBe(false);
    expect(availableOver([{ from: '2027-01-01', to: '2027-04-14' }], '2027-02-01', '2027-04-15')).toBe(false);
    // Two windows with a gap do not cover the period; two touching windows do.
    expect(
      availableOver(
        [
          { from: '2027-01-01', to: '2027-02-28' },
          { from: '2027-03-02', to: '2027-06-30' },
        ],
        '2027-02-01',
        '2027-04-15',
      ),
    ).toBe(false);
    expect(
      availableOver(
        [
          { from: '2027-03-01', to: '2027-06-30' },
          { from: '2027-01-01', to: '2027-02-28' },
        ],
        '2027-02-01',
        '2027-04-15',
      ),
    ).toBe(true);
    expect(
      mergeWindows([
        { from: '2027-03-01', to: '2027-06-30' },
        { from: '2027-01-01', to: '2027-02-28' },
      ]),
    ).toHaveLength(1);
    const roster = [
      expert('a'),
      expert('b', { availability: [{ from: '2027-03-01', to: '2027-12-31' }] }),
      expert('c', { availability: [] }),
    ];
    const r = rankExperts(roster, criteria);
    expect(ids(r)).toEqual(['a']);
    expect(r.excluded.map((e) => [e.expertId, e.reasons])).toEqual([
      ['b', ['availability']],
      ['c', ['availability']],
    ]);
  });

  test('a confirmed assignment overlapping the period excludes the expert; a disjoint one does not', () => {
    const roster = [expert('a'), expert('b')];
    const overlapping = [{ expertId: 'a', startDate: '2027-04-15', endDate: '2027-05-31' }];
    expect(ids(rankExperts(roster, criteria, overlapping))).toEqual(['b']);
    expect(exclusionReasons(roster[0], criteria, overlapping)).toEqual(['assignment_conflict']);
    const before = [{ expertId: 'a', startDate: '2027-01-01', endDate: '2027-01-31' }];
    expect(ids(rankExperts(roster, criteria, before)).sort()).toEqual(['a', 'b']);
  });

  test('an expert sharing neither the thematic area nor an SDG is not relevant', () => {
    const roster = [
      expert('a', { thematicAreaIds: ['health'], sdgs: [3] }),
      expert('b', { thematicAreaIds: ['health'], sdgs: [3, 11] }),
    ];
    const r = rankExperts(roster, criteria);
    expect(ids(r)).toEqual(['b']);
    expect(r.excluded).toEqual([{ expertId: 'a', reasons: ['not_relevant'] }]);
  });

  test('every failing filter is reported', () => {
    const e = expert('a', { languages: ['en'], availability: [], thematicAreaIds: ['health'], sdgs: [3] });
    expect(exclusionReasons(e, criteria, [{ expertId: 'a', startDate: '2027-03-01', endDate: '2027-03-10' }])).toEqual([
      'language',
      'availability',
      'assignment_conflict',
      'not_relevant',
    ]);
  });
});

describe('score', () => {
  test('breakdown: thematic 35, SDG overlap 20, fee 15, rating 20, country 10', () => {
    expect(scoreExpert(expert('a', { rating: 5 }), criteria)).toEqual({
      score: 100,
      breakdown: { thematic: 35, sdgOverlap: 20, fee: 15, rating: 20, countryExperience: 10 },
    });
    const partial = scoreExpert(
      expert('b', { thematicAreaIds: ['sustainable-cities'], sdgs: [11], countriesOfExperience: ['TJ'], rating: 4 }),
      criteria,
    );
    expect(partial.breakdown).toEqual({ thematic: 0, sdgOverlap: 10, fee: 15, rating: 16, countryExperience: 0 });
    expect(partial.score).toBe(41);
  });

  test('fee ceiling: full points within the daily budget, falling linearly to zero at twice the budget', () => {
    const fee = (dailyFeeCents: number) => scoreExpert(expert('a', { dailyFeeCents }), criteria).breakdown.fee;
    expect(fee(10_000)).toBe(15);
    expect(fee(30_000)).toBe(15);
    expect(fee(45_000)).toBe(7.5);
    expect(fee(60_000)).toBe(0);
    expect(fee(255_000)).toBe(0);
    expect(fee(30_300)).toBe(14.85);
    expect(scoreExpert(expert('a'), { ...criteria, maxDailyFeeCents: 0 }).breakdown.fee).toBe(0);
    // Over-budget experts stay eligible but rank below an otherwise equal one within budget.
    expect(
      ids(
        rankExperts(
          [expert('pricey', { dailyFeeCents: 45_000 }), expert('cheap', { dailyFeeCents: 29_000 })],
          criteria,
        ),
      ),
    ).toEqual(['cheap', 'pricey']);
  });

  test('the daily budget is the contract value over the working days, rounded down', () => {
    expect(dailyBudgetCents(600_000, 20)).toBe(30_000);
    expect(dailyBudgetCents(100_000, 3)).toBe(33_333);
    expect(dailyBudgetCents(100_000, 0)).toBe(0);
  });

  test('an unrated expert gets the neutral prior of 3/5', () => {
    expect(scoreExpert(expert('a', { rating: 0, ratingCount: 0 }), criteria).breakdown.rating).toBe(12);
  });

  test('parts are rounded to hundredths (2 of 3 SDGs = 13.33, 1 of 3 = 6.67)', () => {
    expect(scoreExpert(expert('a', { sdgs: [11, 13] }), { ...criteria, sdgs: [1, 11, 13] }).breakdown.sdgOverlap).toBe(
      13.33,
    );
    expect(scoreExpert(expert('a', { sdgs: [1] }), { ...criteria, sdgs: [1, 11, 13] }).breakdown.sdgOverlap).toBe(6.67);
  });
});

describe('ranking', () => {
  test('order: score desc, then rating desc, then fee asc, then id asc', () => {
    const roster = [
      // all equal score 100 except where noted
      expert('e-low-score', { countriesOfExperience: [] }), // 90
      expert('e-b', { rating: 4, ratingCount: 2, dailyFeeCents: 20_000 }),
      expert('e-a', { rating: 4, ratingCount: 2, dailyFeeCents: 20_000 }),
      expert('e-cheaper', { rating: 4, ratingCount: 2, dailyFeeCents: 10_000 }),
    ];
    // Same score (fees within budget), same rating: the cheaper first, then id order.
    expect(ids(rankExperts(roster, criteria))).toEqual(['e-cheaper', 'e-a', 'e-b', 'e-low-score']);
    // Rating outweighs fee when scores tie: give two experts the same score through different parts.
    const tie = [
      expert('x', { rating: 5, dailyFeeCents: 30_000, countriesOfExperience: [] }), // 35+20+15+20+0 = 90
      expert('y', { rating: 2.5, dailyFeeCents: 30_000 }), // 35+20+15+10+10 = 90
    ];
    const ranked = rankExperts(tie, criteria).candidates;
    expect(ranked.map((c) => c.score)).toEqual([90, 90]);
    expect(ranked.map((c) => c.expertId)).toEqual(['x', 'y']);
  });

  test('the shortlist is cut at the limit (5 by default) and counts every eligible expert', () => {
    const roster = Array.from({ length: 8 }, (_, i) => expert(`e${i}`, { rating: 3 + i / 10 }));
    const r = rankExperts(roster, { ...criteria, limit: undefined });
    expect(r.candidates).toHaveLength(5);
    expect(r.eligibleCount).toBe(8);
    expect(ids(r)).toEqual(['e7', 'e6', 'e5', 'e4', 'e3']);
    expect(rankExperts(roster, { ...criteria, limit: 2 }).candidates).toHaveLength(2);
  });

  test('deterministic: the same result whatever the roster order', () => {
    const roster = Array.from({ length: 30 }, (_, i) =>
      expert(`exp-${String(i).padStart(3, '0')}`, {
        rating: 3 + (i % 5) / 5,
        dailyFeeCents: 20_000 + (i % 4) * 5_000,
        countriesOfExperience: i % 3 ? ['KG'] : ['TJ'],
        sdgs: i % 2 ? [11, 13] : [13],
      }),
    );
    const first = rankExperts(roster, criteria);
    for (let k = 1; k < 5; k++) {
      const shuffled = roster
        .map((e, i) => ({ e, key: (i * 7919 * k) % 31 }))
        .sort((a, b) => a.key - b.key)
        .map((x) => x.e);
      expect(rankExperts(shuffled, criteria)).toEqual(first);
    }
    const all = rankExperts(roster, { ...criteria, limit: 30 }).candidates;
    for (let i = 1; i < all.length; i++) expect(compareCandidates(all[i - 1], all[i])).toBeLessThan(0);
  });
});

describe('candidate selection policy', () => {
  const policy: SelectionPolicy = {
    ruleSetId: 'popp-2025-09-15',
    directContractingLimitCents: 700_000,
    minCandidatesCompeting: 3,
  };

  test('the selected expert must be one who accepted', () => {
    expect(
      candidateSelectionProblems(policy, {
        contractValueCents: 600_000,
        acceptedExpertIds: ['a', 'b', 'c'],
        selectedExpertIds: ['a'],
      }),
    ).toEqual([]);
    expect(
      candidateSelectionProblems(policy, {
        contractValueCents: 600_000,
        acceptedExpertIds: ['a', 'b', 'c'],
        selectedExpertIds: ['z'],
      })[0].path,
    ).toBe('data.expertIds.0');
  });

  test('at or below the direct-contracting limit, fewer than 3 candidates need a justification', () => {
    const facts = { contractValueCents: 700_000, acceptedExpertIds: ['a'], selectedExpertIds: ['a'] };
    expect(candidateSelectionProblems(policy, facts).map((p) => p.path)).toEqual(['data.justification']);
    expect(candidateSelectionProblems(policy, { ...facts, justification: '  ' }).map((p) => p.path)).toEqual([
      'data.justification',
    ]);
    expect(candidateSelectionProblems(policy, { ...facts, justification: 'Only specialist available' })).toEqual([]);
  });

  test('above the limit, fewer than 3 candidates cannot be selected even with a justification', () => {
    const problems = candidateSelectionProblems(policy, {
      contractValueCents: 700_001,
      acceptedExpertIds: ['a', 'b'],
      selectedExpertIds: ['a'],
      justification: 'urgent',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/at least 3 candidates/);
    expect(
      candidateSelectionProblems(policy, {
        contractValueCents: 1_000_000,
        acceptedExpertIds: ['a', 'b', 'c'],
        selectedExpertIds: ['b'],
      }),
    ).toEqual([]);
  });
});
