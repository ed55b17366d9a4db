import { postingProblems, type PostingFields } from '../../domain/internship';
import {
  addMonths,
  INTERNSHIP_RULE_SETS,
  internshipEligibility,
  internshipRulesInForce,
  monthEnds,
  splitStipend,
  STIPEND_RATES,
  stipendCentsOn,
  type EligibilityFacts,
} from '../../domain/policy/internship';

const SET = internshipRulesInForce('2027-07-01');
const ok: EligibilityFacts = {
  degree: 'masters',
  status: 'enrolled',
  startDate: '2027-09-01',
  months: 4,
  activePlacements: 0,
};
const failed = (facts: Partial<EligibilityFacts>) =>
  internshipEligibility({ ...ok, ...facts }, SET)
    .findings.filter((f) => f.outcome === 'fail')
    .map((f) => f.rule);

test('every figure of every internship rule set names its source; unpublished ones say "illustrative"', () => {
  for (const set of INTERNSHIP_RULE_SETS)
    for (const key of Object.keys(set.rules) as (keyof typeof set.rules)[]) expect(set.sources[key]).toMatch(/\S/);
  expect(SET.sources.graduationWindowMonths).toMatch(/one-year of graduation/);
  expect(SET.sources.maxActivePlacements).toMatch(/illustrative/);
  expect(SET.sources.maxFunderSharePct).toMatch(/illustrative/);
  for (const rate of STIPEND_RATES) expect(rate.source).toMatch(/illustrative/);
});

test('eligibility: each rule fails alone on its own fact, with its figures', () => {
  expect(failed({})).toEqual([]);
  expect(internshipEligibility(ok, SET).outcome).toBe('pass');
  expect(failed({ degree: 'bachelors' })).toEqual(['degree_level']);
  expect(failed({ months: 2 })).toEqual(['duration_bounds']);
  expect(failed({ months: 7 })).toEqual(['duration_bounds']);
  expect(failed({ months: SET.rules.minMonths })).toEqual([]);
  expect(failed({ months: SET.rules.maxMonths })).toEqual([]);
  expect(failed({ activePlacements: 1 })).toEqual(['one_active_placement']);
  // A graduate starts within the window (12 months), counted to the start date.
  expect(failed({ status: 'graduated', graduationDate: '2026-09-01' })).toEqual([]);
  expect(failed({ status: 'graduated', graduationDate: '2026-08-31' })).toEqual(['graduation_window']);
  expect(failed({ status: 'graduated', graduationDate: null })).toEqual(['graduation_window']);
  const f = internshipEligibility({ ...ok, months: 8 }, SET).findings.find((x) => x.rule === 'duration_bounds')!;
  expect(f.data).toEqual({ months: 8, minMonths: 3, maxMonths: 6 });
});

test('the stipend of a duty station comes from the dated table; the split always adds up', () => {
  expect(stipendCentsOn('KG', '2027-01-01')?.cents).toBeGreaterThan(0);
  expect(stipendCentsOn('KG', '2022-12-31')).toBeUndefined();
  expect(stipendCentsOn('ZZ', '2027-01-01')).toBeUndefined();
  for (const pct of [0, 33, 40, 50, 100]) {
    const s = splitStipend(65_001, pct, SET);
    expect(s.fundCents + s.funderCents).toBe(65_001);
    expect(s.funderSharePct).toBe(pct);
  }
  expect(splitStipend(10_000, 150, SET).funderCents).toBe(10_000 * (SET.rules.maxFunderSharePct / 100));
});

test('months of a placement: calendar months, ends the day before the next start', () => {
  expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
  expect(addMonths('2027-11-15', 3)).toBe('2028-02-15');
  expect(monthEnds('2027-09-01', 3)).toEqual(['2027-09-30', '2027-10-31', '2027-11-30']);
  expect(monthEnds('2027-01-15', 2)).toEqual(['2027-02-14', '2027-03-14']);
});

test('a posting: duration within the rule set’s bounds, dates in order', () => {
  const p: PostingFields = {
    title: 'Intern',
    countryCode: 'KG',
    hostOffice: 'UNDP Kyrgyzstan',
    unit: 'Energy',
    supervisorName: 'A. B.',
    months: 4,
    startWindowFrom: '2027-09-01',
    startWindowTo: '2027-09-30',
    termsOfReference: 'ToR',
    languages: ['en'],
    fieldOfStudy: 'Economics',
    places: 2,
    applicationDeadline: '2027-06-30',
  };
  expect(postingProblems(p, SET.rules)).toEqual([]);
  expect(postingProblems({ ...p, months: 9 }, SET.rules).map((x) => x.path)).toEqual(['months']);
  expect(postingProblems({ ...p, startWindowTo: '2027-08-01' }, SET.rules).map((x) => x.path)).toEqual([
    'startWindowTo',
  ]);
  expect(postingProblems({ ...p, applicationDeadline: '2027-09-02' }, SET.rules).map((x) => x.path)).toEqual([
    'applicationDeadline',
  ]);
});
