/**
 * Internships (issue 32): the UNDP internship rules as dated data with their sources, the monthly
 * stipend by duty station, and the pure computations over them (eligibility findings, the stipend
 * split between the fund and a parallel funder). Pure: read by the internship workflows, their
 * activities, the API and the tests alike.
 */
import { finding, worstOutcome, type Finding, type PolicyOutcome } from './findings';
import { ruleSetInForce, type DatedRecord } from './rules';

export interface InternshipRules {
  /** A graduate may apply when the internship starts within this many months of graduation. */
  graduationWindowMonths: number;
  /** Degree levels that qualify (this programme: Master's students and recent Master's graduates). */
  eligibleDegrees: readonly ('masters' | 'phd')[];
  /** Duration bounds of a placement, in whole months (the programme's: the seed text's 3–6 months). */
  minMonths: number;
  maxMonths: number;
  /** A student holds at most this many active placements (applications past selection) at a time. */
  maxActivePlacements: number;
  /** Medical and life insurance for the whole placement is proven before the start date. */
  insuranceProofRequired: boolean;
  /** The largest share of the stipend a parallel funder (a university) may declare, in percent. */
  maxFunderSharePct: number;
}

export interface InternshipRuleSetRecord extends DatedRecord {
  name: string;
  rules: InternshipRules;
  /** Where each figure comes from; "illustrative" where no published figure was found. */
  sources: Record<keyof InternshipRules, string>;
}

const POLICY_2020 =
  'UNDP POPP, Human Resources Management > Non-Staff > Internship (policy effective 1 Jan 2020), https://popp.undp.org/SitePages/POPPSubject.aspx?SBJID=116';
const GUIDANCE =
  'UNDP internship guidance, eligibility (c): "recently graduated … must start the internship within one-year of graduation", https://payyourintern.com/the-internship-guidance-on-the-undp-internship-programme';

export const INTERNSHIP_RULE_SETS: readonly InternshipRuleSetRecord[] = [
  {
    id: 'internship-2020-01-01',
    name: 'UNDP internship policy (stipend introduced 1 January 2020), partnership internships of 3–6 months',
    effectiveFrom: '2020-01-01',
    effectiveTo: null,
    rules: {
      graduationWindowMonths: 12,
      eligibleDegrees: ['masters', 'phd'],
      minMonths: 3,
      maxMonths: 6,
      maxActivePlacements: 1,
      insuranceProofRequired: true,
      maxFunderSharePct: 100,
    },
    sources: {
      graduationWindowMonths: GUIDANCE,
      eligibleDegrees: `${POLICY_2020}; eligibility (a): enrolled in a postgraduate degree programme (master's or higher); the partnership's internships are for Master's students (seed text)`,
      minMonths:
        'Seed text of the partnership: "3–6 month assignments"; UNDP offices publish 6 weeks as the floor (UNDP CO Ankara internship programme, https://studylib.net/doc/7297261/undp-co-ankara-internship-programme)',
      maxMonths:
        'UNDP CO Ankara internship programme: "normally last 3 months but can be extended to a maximum of 6 months", https://studylib.net/doc/7297261/undp-co-ankara-internship-programme; seed text: 3–6 months',
      maxActivePlacements: 'illustrative (issue 32: "one active placement at a time"); product decision of the fund',
      insuranceProofRequired:
        'IPC-IG/UNDP internship conditions, 3. Medical Health and Life Coverage: the intern must carry adequate medical and life insurance, https://www.ipc-undp.org/internships/apply-now',
      maxFunderSharePct:
        "illustrative; the partnership publishes no cap on a university's parallel funding (MGIMO, seed text)",
    },
  },
];

export function internshipRulesInForce(dayIso: string): InternshipRuleSetRecord {
  return ruleSetInForce(INTERNSHIP_RULE_SETS, dayIso);
}

/** The monthly stipend of a duty station (USD), in force over a range of days. */
export interface StipendRate {
  countryCode: string;
  usdPerMonth: number;
  validFrom: string;
  validTo: string | null;
  source: string;
}

const STIPEND_ILLUSTRATIVE =
  'illustrative: UNDP OHR publishes the stipend schedule by duty station on its intranet (POPP, Internship procedure step 8: "the stipend rates issued in 2023 continue to be applicable in 2024", https://popp.undp.org/whats-new); the amounts were not found published';

/** Stipends by duty station: the partner countries' Country Offices. */
export const STIPEND_RATES: readonly StipendRate[] = (
  [
    ['AM', 800],
    ['AZ', 850],
    ['BY', 750],
    ['CU', 600],
    ['KG', 650],
    ['KZ', 900],
    ['LA', 550],
    ['MD', 700],
    ['MN', 650],
    ['RS', 850],
    ['TJ', 600],
    ['TM', 800],
    ['UZ', 650],
  ] as const
).map(([countryCode, usdPerMonth]) => ({
  countryCode,
  usdPerMonth,
  validFrom: '2023-01-01',
  validTo: null,
  source: STIPEND_ILLUSTRATIVE,
}));

/** The duty station's monthly stipend in force on `day`, in cents; undefined where none is known. */
export function stipendCentsOn(countryCode: string, day: string): { cents: number; source: string } | undefined {
  const rate = STIPEND_RATES.filter(
    (r) => r.countryCode === countryCode && r.validFrom <= day && (r.validTo === null || day <= r.validTo),
  ).sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0];
  return rate ? { cents: rate.usdPerMonth * 100, source: rate.source } : undefined;
}

export type EnrolmentStatus = 'enrolled' | 'graduated';

export interface EligibilityFacts {
  degree: 'bachelors' | 'masters' | 'phd';
  status: EnrolmentStatus;
  /** YYYY-MM-DD; required when graduated. */
  graduationDate?: string | null;
  /** The posting's start date and duration. */
  startDate: string;
  months: number;
  /** Active placements the student holds already (other applications past selection). */
  activePlacements: number;
}

/** Months from `from` to `to` (whole calendar months, a partial month counted when past the same day). */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number);
  const [ty, tm, td] = to.split('-').map(Number);
  return (ty - fy) * 12 + (tm - fm) + (td > fd ? 1 : 0);
}

/** Every rule of the set, evaluated (passes listed too): the audit shows what was checked. */
export function internshipEligibility(
  facts: EligibilityFacts,
  set: InternshipRuleSetRecord,
): { outcome: PolicyOutcome; findings: Finding[] } {
  const r = set.rules;
  const findings: Finding[] = [];
  const degreeOk = (r.eligibleDegrees as readonly string[]).includes(facts.degree);
  findings.push(
    finding(
      'degree_level',
      degreeOk ? 'pass' : 'fail',
      degreeOk ? 'A postgraduate programme' : `Only ${r.eligibleDegrees.join(', ')} students qualify`,
      { degree: facts.degree },
    ),
  );
  if (facts.status === 'graduated') {
    const since = facts.graduationDate ? monthsBetween(facts.graduationDate, facts.startDate) : Infinity;
    const ok = facts.graduationDate !== undefined && facts.graduationDate !== null && since <= r.graduationWindowMonths;
    findings.push(
      finding(
        'graduation_window',
        ok ? 'pass' : 'fail',
        ok
          ? `Starts within ${r.graduationWindowMonths} months of graduation`
          : `Must start within ${r.graduationWindowMonths} months of graduation`,
        {
          graduationDate: facts.graduationDate ?? null,
          startDate: facts.startDate,
          windowMonths: r.graduationWindowMonths,
        },
      ),
    );
  } else {
    findings.push(finding('enrolled', 'pass', 'Enrolled at the time of application', { status: facts.status }));
  }
  const durationOk = facts.months >= r.minMonths && facts.months <= r.maxMonths;
  findings.push(
    finding(
      'duration_bounds',
      durationOk ? 'pass' : 'fail',
      durationOk
        ? `${facts.months} months, within ${r.minMonths}–${r.maxMonths}`
        : `${facts.months} months is outside ${r.minMonths}–${r.maxMonths}`,
      { months: facts.months, minMonths: r.minMonths, maxMonths: r.maxMonths },
    ),
  );
  const placementsOk = facts.activePlacements < r.maxActivePlacements;
  findings.push(
    finding(
      'one_active_placement',
      placementsOk ? 'pass' : 'fail',
      placementsOk ? 'No other active placement' : 'The student already holds an active placement',
      { activePlacements: facts.activePlacements, max: r.maxActivePlacements },
    ),
  );
  return { outcome: worstOutcome(findings), findings };
}

/** A placement's monthly stipend split between the fund and a parallel funder. */
export interface StipendSplit {
  monthlyCents: number;
  fundCents: number;
  funderCents: number;
  funderSharePct: number;
  ruleSetId: string;
}

/**
 * The split of a monthly stipend: the funder pays `sharePct` (rounded to the cent), the fund the
 * rest, so the two always add up to the stipend.
 */
export function splitStipend(monthlyCents: number, sharePct: number, set: InternshipRuleSetRecord): StipendSplit {
  const pct = Math.max(0, Math.min(sharePct, set.rules.maxFunderSharePct));
  const funderCents = Math.round((monthlyCents * pct) / 100);
  return { monthlyCents, fundCents: monthlyCents - funderCents, funderCents, funderSharePct: pct, ruleSetId: set.id };
}

/** The calendar day `n` months after `day` (clamped to the month's last day: 31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const total = y * 12 + (m - 1) + n;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** The last day of each month of service: month i ends the day before `start` + i months. */
export function monthEnds(start: string, months: number): string[] {
  return Array.from({ length: months }, (_, i) => {
    const next = addMonths(start, i + 1);
    const t = Date.parse(`${next}T00:00:00Z`) - 86_400_000;
    return new Date(t).toISOString().slice(0, 10);
  });
}
