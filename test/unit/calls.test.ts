import { nextFromWaitlist, rankProposals, selectionProblems } from '../../domain/calls';
import { adjustmentProblems, assignReviewers, workload, type PoolReviewer } from '../../domain/reviewer-assignment';
import { callCreateSchema, callPatchSchema } from '../../domain/schemas';
import { zonedInstant } from '../../domain/calendar';

const pool = (n: number, institution: (i: number) => string | null = () => null): PoolReviewer[] =>
  Array.from({ length: n }, (_, i) => ({ reviewerId: `r${i + 1}`, institutionId: institution(i + 1) }));
const proposals = (n: number, institution: (i: number) => string = (i) => `inst-${i}`) =>
  Array.from({ length: n }, (_, i) => ({
    proposalId: `p${String(i + 1).padStart(2, '0')}`,
    institutionId: institution(i + 1),
  }));
const spread = (load: Record<string, number>) => Math.max(...Object.values(load)) - Math.min(...Object.values(load));

describe('assignReviewers', () => {
  test('N reviewers each, distinct, workload within ±1', () => {
    for (const [np, nr, per] of [
      [7, 5, 2],
      [10, 4, 3],
      [3, 6, 2],
      [13, 7, 3],
    ]) {
      const input = { proposals: proposals(np), pool: pool(nr), perProposal: per, conflicts: [] };
      const { assignments, shortfalls } = assignReviewers(input);
      expect(shortfalls).toEqual([]);
      for (const ids of Object.values(assignments)) {
        expect(ids).toHaveLength(per);
        expect(new Set(ids).size).toBe(per);
      }
      expect(spread(workload(input.pool, assignments))).toBeLessThanOrEqual(1);
    }
  });

  test('never the applicant’s institution nor a declared conflict, still balanced', () => {
    const input = {
      proposals: proposals(8, (i) => (i % 2 ? 'inst-a' : 'inst-b')),
      pool: pool(6, (i) => (i === 1 ? 'inst-a' : i === 2 ? 'inst-b' : null)),
      perProposal: 2,
      conflicts: [
        { reviewerId: 'r3', proposalId: 'p01' },
        { reviewerId: 'r4', proposalId: 'p01' },
      ],
    };
    const { assignments, shortfalls } = assignReviewers(input);
    expect(shortfalls).toEqual([]);
    for (const p of input.proposals) {
      const ids = assignments[p.proposalId];
      if (p.institutionId === 'inst-a') expect(ids).not.toContain('r1');
      else expect(ids).not.toContain('r2');
    }
    expect(assignments.p01).not.toContain('r3');
    expect(assignments.p01).not.toContain('r4');
    expect(spread(workload(input.pool, assignments))).toBeLessThanOrEqual(1);
  });

  test('a straggler goes to the least loaded reviewer; a pool too small is reported', () => {
    const late = assignReviewers({
      proposals: [{ proposalId: 'late', institutionId: 'x' }],
      pool: pool(3),
      perProposal: 1,
      conflicts: [],
      load: { r1: 2, r2: 1, r3: 2 },
    });
    expect(late.assignments.late).toEqual(['r2']);
    const small = assignReviewers({ proposals: proposals(1), pool: pool(1), perProposal: 2, conflicts: [] });
    expect(small.shortfalls).toEqual([{ proposalId: 'p01', eligible: 1 }]);
  });

  test('adjustments are checked against pool, institution and conflicts', () => {
    const input = {
      pool: pool(3, (i) => (i === 1 ? 'inst-1' : null)),
      perProposal: 2,
      conflicts: [{ reviewerId: 'r2', proposalId: 'p01' }],
    };
    expect(adjustmentProblems(input, { proposalId: 'p01', institutionId: 'inst-1' }, ['r1', 'r2'])).toEqual([
      { path: 'reviewerIds.0', message: 'r1 belongs to the applicant’s institution' },
      { path: 'reviewerIds.1', message: 'r2 declared a conflict of interest with this proposal' },
    ]);
    expect(adjustmentProblems(input, { proposalId: 'p02', institutionId: 'inst-2' }, ['r9'])).toHaveLength(2);
    expect(adjustmentProblems(input, { proposalId: 'p02', institutionId: 'inst-2' }, ['r2', 'r3'])).toEqual([]);
  });
});

describe('ranked selection', () => {
  const rows = [
    { proposalId: 'a', title: 'A', weightedScore: 80, requestedCents: 3_000_000 },
    { proposalId: 'b', title: 'B', weightedScore: 90, requestedCents: 4_000_000 },
    { proposalId: 'c', title: 'C', weightedScore: 70, requestedCents: 2_000_000 },
    { proposalId: 'd', title: 'D', weightedScore: 50, requestedCents: 1_000_000 },
  ];

  test('ranks by score and suggests within the envelope', () => {
    const ranking = rankProposals(rows, 60, 7_500_000);
    expect(ranking.map((r) => [r.proposalId, r.rank, r.suggested, r.runningTotalCents])).toEqual([
      ['b', 1, 'select', 4_000_000],
      ['a', 2, 'select', 7_000_000],
      ['c', 3, 'waitlist', 7_000_000],
      ['d', 4, 'reject', 7_000_000],
    ]);
  });

  test('the suggested selection passes; over the envelope or against the ranking without reason does not', () => {
    const ranking = rankProposals(rows, 60, 7_500_000);
    const suggested = ranking.map((r) => ({ proposalId: r.proposalId, decision: r.suggested }));
    expect(selectionProblems(ranking, suggested, 7_500_000)).toEqual([]);
    const over = suggested.map((d) =>
      d.proposalId === 'c' ? { ...d, decision: 'select' as const, justification: 'local need' } : d,
    );
    expect(selectionProblems(ranking, over, 7_500_000)).toEqual([
      {
        path: 'decisions',
        message: "the selected proposals request USD 90000, above the call's envelope of USD 75000",
      },
    ]);
    const swapped = suggested.map((d) =>
      d.proposalId === 'a'
        ? { ...d, decision: 'waitlist' as const }
        : d.proposalId === 'c'
          ? { ...d, decision: 'select' as const }
          : d,
    );
    expect(selectionProblems(ranking, swapped, 7_500_000).map((p) => p.path)).toEqual([
      'decisions.1.justification',
      'decisions.2.justification',
    ]);
    expect(selectionProblems(ranking, suggested.slice(1), 7_500_000)).toEqual([
      { path: 'decisions', message: 'no decision for b' },
    ]);
  });

  test('the waitlist frees in rank order, skipping what does not fit', () => {
    const w = [
      { proposalId: 'x', rank: 4, requestedCents: 100 },
      { proposalId: 'y', rank: 3, requestedCents: 500 },
    ];
    expect(nextFromWaitlist(w, 600)).toBe('y');
    expect(nextFromWaitlist(w, 200)).toBe('x');
    expect(nextFromWaitlist(w, 50)).toBeNull();
  });
});

describe('call fields', () => {
  const base = {
    countryCode: 'KG',
    title: 'T',
    challengeStatement: 'S',
    thematicAreaIds: ['water'],
    minGrantUsd: 20_000,
    maxGrantUsd: 40_000,
    rubric: [{ key: 'a', label: 'A', weight: 100, max: 10 }],
    opensAt: '2027-01-01',
    closesAt: '2027-02-01',
  };
  test('field-level problems: time zone, envelope, closing after opening; null closing is rolling', () => {
    const bad = callCreateSchema.safeParse({
      ...base,
      timeZone: 'Mars/Olympus',
      budgetEnvelopeUsd: 10,
      closesAt: '2026-01-01',
    });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'budgetEnvelopeUsd',
      'closesAt',
      'timeZone',
    ]);
    const cross = callCreateSchema.safeParse({ ...base, budgetEnvelopeUsd: 10, closesAt: '2026-01-01' });
    expect(cross.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['budgetEnvelopeUsd', 'closesAt']);
    expect(callCreateSchema.parse({ ...base, closesAt: null }).closesAt).toBeNull();
    expect(callPatchSchema.parse({ title: 'New' })).toEqual({ title: 'New' });
  });

  test('a closing date-time in a named zone is the instant it denotes', () => {
    expect(zonedInstant('2027-03-31', 'Asia/Bishkek', '17:00').toISOString()).toBe('2027-03-31T11:00:00.000Z');
    expect(zonedInstant('2027-07-01', 'Europe/Berlin', '12:00').toISOString()).toBe('2027-07-01T10:00:00.000Z');
    expect(zonedInstant('2027-01-15', 'Europe/Berlin', '12:00').toISOString()).toBe('2027-01-15T11:00:00.000Z');
    expect(zonedInstant('2027-03-28', 'Europe/Berlin', '02:30').toISOString()).toBe('2027-03-28T01:30:00.000Z');
  });
});
