/**
 * UN Volunteers fully funded by the partnership (issue 33): UNV's Conditions of Service for
 * international UN Volunteers as dated data with their sources (categories, eligibility, duration
 * bounds, cost elements), and the pure computations over them (eligibility findings, the cost
 * estimate of an assignment or of an extension, the cost of an early separation, the transfer
 * schedule, the reconciliation of UNV's statements). Pure: read by the workflow, its activities,
 * the API and the tests alike. Money is integer USD cents.
 */
import { finding, formatUsd, type Finding } from './findings';
import { ruleSetInForce, type DatedRecord } from './rules';

export const UNV_CATEGORIES = ['youth', 'university', 'specialist', 'expert'] as const;
export type UnvCategory = (typeof UNV_CATEGORIES)[number];

/** Highest education a candidate holds (`enrolled`: a university student). */
export const DEGREE_LEVELS = ['none', 'enrolled', 'bachelor', 'master', 'doctorate'] as const;
export type DegreeLevel = (typeof DEGREE_LEVELS)[number];

export interface UnvCategoryRules {
  minAge: number;
  /** Inclusive, for the whole assignment (null: no upper limit below the UN retirement age). */
  maxAge: number | null;
  minDegree: DegreeLevel;
  minYearsExperience: number;
  /** Bounds of the initial assignment, in months. */
  minMonths: number;
  maxInitialMonths: number;
  /** Maximum total duration, extensions included. */
  maxTotalMonths: number;
}

export interface UnvRules {
  categories: Record<UnvCategory, UnvCategoryRules>;
  /** Settling-in grant: this many months of the duty station's living allowance, once. */
  settlingInGrantMonthsOfVla: number;
  /** Resettlement allowance accrued per month of satisfactory service. */
  resettlementCentsPerMonth: number;
  /** Life, health and disability insurance per month. */
  insuranceCentsPerMonth: number;
  /** UNV's support cost charged to the donor, in percent of the direct costs. */
  supportCostPct: number;
  /** The first transfer to UNV covers this many months (the advance), the rest at the anniversary. */
  advanceMonths: number;
  /** The selected candidate answers an offer within this many calendar days. */
  offerResponseDays: number;
  /** Reconciliation: a variance above this percent of the commitment needs an explanation. */
  varianceTolerancePct: number;
  /** The annual envelope of the programme (commitments of assignments funded in a calendar year). */
  annualEnvelopeCents: number;
}

/** One duty station country's figures: the monthly living allowance and the travel (to and from it). */
export interface DutyStationRate {
  countryCode: string;
  vlaCentsPerMonth: number;
  travelCents: number;
}

export interface UnvRuleSetRecord extends DatedRecord {
  name: string;
  rules: UnvRules;
  dutyStations: readonly DutyStationRate[];
  /** Where each figure comes from; "illustrative" where no published figure was found. */
  sources: Record<keyof UnvRules | 'dutyStations', string>;
}

const USD = 100;
const UNIFIED_COS = 'https://www.unv.org/node/1757 (UNV Unified Conditions of Service, released 1 Oct 2021)';

export const UNV_RULE_SETS: readonly UnvRuleSetRecord[] = [
  {
    id: 'unv-cos-2021-10-01',
    name: 'UNV Unified Conditions of Service, international UN Volunteers (fully funded)',
    effectiveFrom: '2021-10-01',
    effectiveTo: null,
    rules: {
      categories: {
        youth: {
          minAge: 18,
          maxAge: 29,
          minDegree: 'bachelor',
          minYearsExperience: 0,
          minMonths: 6,
          maxInitialMonths: 12,
          maxTotalMonths: 24,
        },
        university: {
          minAge: 18,
          maxAge: 29,
          minDegree: 'enrolled',
          minYearsExperience: 0,
          minMonths: 6,
          maxInitialMonths: 12,
          maxTotalMonths: 12,
        },
        specialist: {
          minAge: 25,
          maxAge: null,
          minDegree: 'bachelor',
          minYearsExperience: 2,
          minMonths: 6,
          maxInitialMonths: 12,
          maxTotalMonths: 48,
        },
        expert: {
          minAge: 35,
          maxAge: null,
          minDegree: 'master',
          minYearsExperience: 15,
          minMonths: 6,
          maxInitialMonths: 12,
          maxTotalMonths: 48,
        },
      },
      settlingInGrantMonthsOfVla: 1,
      resettlementCentsPerMonth: 150 * USD,
      insuranceCentsPerMonth: 120 * USD,
      supportCostPct: 8,
      advanceMonths: 12,
      offerResponseDays: 7,
      varianceTolerancePct: 5,
      annualEnvelopeCents: 1_500_000 * USD,
    },
    dutyStations: (
      [
        ['AM', 1_900, 900],
        ['AZ', 2_000, 900],
        ['BY', 1_800, 600],
        ['CU', 1_900, 1_800],
        ['KG', 1_700, 800],
        ['KZ', 2_000, 800],
        ['LA', 1_700, 1_500],
        ['MD', 1_800, 700],
        ['MN', 1_700, 1_000],
        ['RS', 2_000, 700],
        ['TJ', 1_700, 900],
        ['TM', 2_100, 900],
        ['UZ', 1_800, 800],
        ['KE', 2_200, 1_600],
        ['ET', 2_100, 1_500],
        ['TH', 2_200, 1_400],
      ] as const
    ).map(([countryCode, vla, travel]) => ({
      countryCode,
      vlaCentsPerMonth: vla * USD,
      travelCents: travel * USD,
    })),
    sources: {
      categories:
        `${UNIFIED_COS}: the four international categories (youth, university, specialist, expert). ` +
        'Youth 18–29 for the whole assignment: http://www.mn.undp.org/content/mongolia/en/home/operations/united-nations-volunteers/FAQ.html; ' +
        'youth assignments 6 to 24 months: https://www.unv.org/faq/how-long-can-i-serve-national-un-volunteer; ' +
        'specialist at least 25 years old: http://www.un.org.vn/unv/index.php?option=com_content&task=view&id=92&Itemid=204; ' +
        'degree and experience (at least two years): http://www.unv-zim.org/how-to-volunteer/international-volunteers/ and https://youthtriumph.com/volunteering/united-nations-volunteer/; ' +
        'initial contract 6–12 months, at most four years in total: https://unjobaid.com/unv-conditions-of-service/. ' +
        'illustrative (not found published): youth degree (bachelor), university bounds (18–29, enrolled, 6–12 months, 12 in total), ' +
        'expert age 35, master’s degree and 15 years of experience',
      settlingInGrantMonthsOfVla:
        'illustrative: the grant is a lump sum paid at the beginning of the assignment, calculated on its duration ' +
        '(https://id.scribd.com/document/93767953/Conditions-of-Service-for-International-UNV-Volunteers); one month of living allowance is not a published figure',
      resettlementCentsPerMonth:
        'USD 150 per month of satisfactory service: https://id.scribd.com/document/93767953/Conditions-of-Service-for-International-UNV-Volunteers (earlier Conditions of Service; no newer figure found published)',
      insuranceCentsPerMonth:
        'illustrative amount; the entitlement (life, health, permanent disability insurance, free of cost to the volunteer): https://unjobaid.com/unv-conditions-of-service/',
      supportCostPct:
        'illustrative; UNV’s full-funding support cost is agreed with the funding partner (not found published)',
      advanceMonths: 'illustrative (issue 33: "e.g. an advance for the first year"); agreed with UNV',
      offerResponseDays: 'illustrative; product decision of the fund and UNV',
      varianceTolerancePct: 'illustrative; product decision of the fund',
      annualEnvelopeCents: 'illustrative; the partnership publishes no envelope for the programme',
      dutyStations:
        'illustrative amounts within the published range of the monthly Volunteer Living Allowance, USD 1,000–2,500 ' +
        '(https://id.scribd.com/document/93767953/Conditions-of-Service-for-International-UNV-Volunteers); UNV publishes the rate of each duty station to partners only; travel: illustrative economy fares to and from the duty station',
    },
  },
];

export function unvRulesInForce(dayIso: string): UnvRuleSetRecord {
  return ruleSetInForce(UNV_RULE_SETS, dayIso);
}

export function dutyStationRate(set: UnvRuleSetRecord, countryCode: string): DutyStationRate | null {
  return set.dutyStations.find((d) => d.countryCode === countryCode) ?? null;
}

// ---------- eligibility ----------

export interface UnvCandidate {
  id: string;
  name: string;
  citizenship: string;
  birthDate: string;
  degree: DegreeLevel;
  yearsExperience: number;
  email?: string;
  languages?: string[];
}

/** Whole years between two days (YYYY-MM-DD). */
export function ageOn(birthDate: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/**
 * A candidate's eligibility for the category: a Russian citizen (the programme), not a national of
 * the duty station (UNV), age on the start and on the planned end, degree and years of experience.
 */
export function candidateEligibility(
  c: UnvCandidate,
  a: { category: UnvCategory; dutyStationCountryCode: string; startDate: string; endDate: string },
  set: UnvRuleSetRecord,
): Finding[] {
  const r = set.rules.categories[a.category];
  const ageStart = ageOn(c.birthDate, a.startDate);
  const ageEnd = ageOn(c.birthDate, a.endDate);
  const degreeRank = DEGREE_LEVELS.indexOf(c.degree);
  const minRank = DEGREE_LEVELS.indexOf(r.minDegree);
  return [
    finding(
      'russian_citizen',
      c.citizenship === 'RU' ? 'pass' : 'fail',
      c.citizenship === 'RU'
        ? 'a Russian citizen'
        : `citizenship ${c.citizenship}: the programme funds Russian citizens`,
      { citizenship: c.citizenship },
    ),
    finding(
      'not_national_of_duty_station',
      c.citizenship !== a.dutyStationCountryCode ? 'pass' : 'fail',
      c.citizenship !== a.dutyStationCountryCode
        ? 'not a national of the duty station country'
        : 'an international UN Volunteer may not be a national of the duty station country',
      { citizenship: c.citizenship, dutyStation: a.dutyStationCountryCode },
    ),
    finding(
      'age',
      ageStart >= r.minAge && (r.maxAge === null || ageEnd <= r.maxAge) ? 'pass' : 'fail',
      r.maxAge === null
        ? `${ageStart} years at the start; the ${a.category} category needs at least ${r.minAge}`
        : `${ageStart}–${ageEnd} years over the assignment; the ${a.category} category needs ${r.minAge}–${r.maxAge} throughout`,
      { ageAtStart: ageStart, ageAtEnd: ageEnd, minAge: r.minAge, maxAge: r.maxAge },
    ),
    finding(
      'degree',
      degreeRank >= minRank ? 'pass' : 'fail',
      `${c.degree}; the ${a.category} category needs at least ${r.minDegree}`,
      { degree: c.degree, minDegree: r.minDegree },
    ),
    finding(
      'experience',
      c.yearsExperience >= r.minYearsExperience ? 'pass' : 'fail',
      `${c.yearsExperience} years of relevant experience; the ${a.category} category needs ${r.minYearsExperience}`,
      { years: c.yearsExperience, minYears: r.minYearsExperience },
    ),
  ];
}

/** The request's own rules: the duty station has rates and the duration fits the category. */
export function requestFindings(
  req: { category: UnvCategory; dutyStationCountryCode: string; months: number },
  set: UnvRuleSetRecord,
): Finding[] {
  const r = set.rules.categories[req.category];
  const rate = dutyStationRate(set, req.dutyStationCountryCode);
  return [
    finding(
      'duty_station_rates',
      rate ? 'pass' : 'fail',
      rate
        ? `living allowance ${formatUsd(rate.vlaCentsPerMonth)} a month in ${req.dutyStationCountryCode}`
        : `no living allowance rate for ${req.dutyStationCountryCode} in rule set ${set.id}`,
      { countryCode: req.dutyStationCountryCode },
    ),
    finding(
      'duration',
      req.months >= r.minMonths && req.months <= r.maxInitialMonths ? 'pass' : 'fail',
      `${req.months} months; an initial ${req.category} assignment lasts ${r.minMonths}–${r.maxInitialMonths} months`,
      { months: req.months, minMonths: r.minMonths, maxInitialMonths: r.maxInitialMonths },
    ),
  ];
}

// ---------- costs ----------

export const UNV_COST_LINES = ['vla', 'settling_in', 'insurance', 'travel', 'resettlement', 'support'] as const;
export type UnvCostLineKey = (typeof UNV_COST_LINES)[number];

export interface UnvCostLine {
  key: UnvCostLineKey;
  amountCents: number;
  basis: string;
}

export interface UnvCosts {
  lines: UnvCostLine[];
  totalCents: number;
  months: number;
  ruleSetId: string;
}

function withSupport(lines: UnvCostLine[], months: number, set: UnvRuleSetRecord): UnvCosts {
  const direct = lines.reduce((s, l) => s + l.amountCents, 0);
  const support = Math.round((direct * set.rules.supportCostPct) / 100);
  const all = [
    ...lines,
    {
      key: 'support' as const,
      amountCents: support,
      basis: `${set.rules.supportCostPct}% of ${formatUsd(direct)}`,
    },
  ];
  return { lines: all, totalCents: direct + support, months, ruleSetId: set.id };
}

function monthlyLines(rate: DutyStationRate, months: number, set: UnvRuleSetRecord): UnvCostLine[] {
  return [
    {
      key: 'vla',
      amountCents: months * rate.vlaCentsPerMonth,
      basis: `${months} months × ${formatUsd(rate.vlaCentsPerMonth)}`,
    },
    {
      key: 'insurance',
      amountCents: months * set.rules.insuranceCentsPerMonth,
      basis: `${months} months × ${formatUsd(set.rules.insuranceCentsPerMonth)}`,
    },
    {
      key: 'resettlement',
      amountCents: months * set.rules.resettlementCentsPerMonth,
      basis: `${months} months × ${formatUsd(set.rules.resettlementCentsPerMonth)}`,
    },
  ];
}

/** The full cost of an assignment of `months` at a duty station: what the fund commits to UNV. */
export function assignmentCosts(rate: DutyStationRate, months: number, set: UnvRuleSetRecord): UnvCosts {
  const sig = set.rules.settlingInGrantMonthsOfVla * rate.vlaCentsPerMonth;
  return withSupport(
    [
      ...monthlyLines(rate, months, set),
      {
        key: 'settling_in',
        amountCents: sig,
        basis: `${set.rules.settlingInGrantMonthsOfVla} month(s) of ${formatUsd(rate.vlaCentsPerMonth)}`,
      },
      { key: 'travel', amountCents: rate.travelCents, basis: `to and from ${rate.countryCode}` },
    ],
    months,
    set,
  );
}

/** The cost an extension of `months` adds: the monthly elements only (settling-in and travel are paid once). */
export function extensionCosts(rate: DutyStationRate, months: number, set: UnvRuleSetRecord): UnvCosts {
  return withSupport(monthlyLines(rate, months, set), months, set);
}

/** Whole months served between two days, a started month counted in full (the allowances are monthly). */
export function monthsServed(startDate: string, endDate: string): number {
  const [y1, m1, d1] = startDate.split('-').map(Number);
  const [y2, m2, d2] = endDate.split('-').map(Number);
  const months = (y2 - y1) * 12 + (m2 - m1) + (d2 >= d1 ? 1 : 0);
  return Math.max(1, months);
}

/** `months` added to a day (the planned end is the day before start + months). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** The first transfer to UNV: the advance (the rule set's first months, capped by the commitment). */
export function advanceTransferCents(
  rate: DutyStationRate,
  months: number,
  commitmentCents: number,
  set: UnvRuleSetRecord,
): number {
  const covered = Math.min(months, set.rules.advanceMonths);
  return Math.min(commitmentCents, assignmentCosts(rate, covered, set).totalCents);
}

// ---------- money and reconciliation ----------

/** The assignment's money as the fund follows it. */
export interface UnvLedger {
  /** Approved cost estimates: the initial one, then each granted extension. */
  estimates: { kind: 'initial' | 'extension'; months: number; cents: number; ruleSetId: string }[];
  /** Released when the assignment ended early (unspent commitment). */
  releasedCents: number;
  transfers: { seq: number; cents: number; purpose: string }[];
  /** UNV's statements, cumulative spending to their period's end: interim ones during the assignment, then the final one. */
  statements: UnvStatementEntry[];
}

export interface UnvStatementEntry {
  periodEnd: string;
  spentCents: number;
  final: boolean;
  /** Interim statements: what the months served to the period's end cost under the estimate (capped by the commitment). */
  expectedCents?: number;
  /** Expected (interim) or committed (final) minus spent: positive is an underspend. */
  varianceCents?: number;
  variancePct?: number;
  overspent?: boolean;
  varianceExplanation?: string | null;
}

export const emptyLedger = (): UnvLedger => ({ estimates: [], releasedCents: 0, transfers: [], statements: [] });

export interface UnvMoney {
  committedCents: number;
  transferredCents: number;
  spentCents: number;
  /** Transferred but not spent (UNV holds it; refunded or set off at the final reconciliation). */
  unspentTransferredCents: number;
  /** Committed but not yet transferred. */
  remainingCents: number;
  /** Spending over what was transferred: flagged. */
  overspent: boolean;
}

/** commitment = approved estimates − released; transferred and spent from the ledger. */
export function unvMoney(l: UnvLedger): UnvMoney {
  const committed = l.estimates.reduce((s, e) => s + e.cents, 0) - l.releasedCents;
  const transferred = l.transfers.reduce((s, t) => s + t.cents, 0);
  const spent = l.statements.length ? l.statements[l.statements.length - 1].spentCents : 0;
  return {
    committedCents: committed,
    transferredCents: transferred,
    spentCents: spent,
    unspentTransferredCents: transferred - spent,
    remainingCents: committed - transferred,
    overspent: spent > transferred,
  };
}

export interface Reconciliation {
  committedCents: number;
  transferredCents: number;
  spentCents: number;
  /** Committed minus spent: positive is an underspend. */
  varianceCents: number;
  variancePct: number;
  /** The variance exceeds the tolerance: an explanation is required. */
  explanationRequired: boolean;
  /** Spent more than transferred. */
  overspent: boolean;
  /** What UNV refunds to the fund (transferred, not spent), or what the fund still owes UNV (negative). */
  refundCents: number;
  ruleSetId: string;
}

/** A statement reconciled against the commitment and the transfers. */
export function reconcile(l: UnvLedger, spentCents: number, set: UnvRuleSetRecord): Reconciliation {
  const m = unvMoney({ ...l, statements: [...l.statements, { periodEnd: '', spentCents, final: true }] });
  const variance = m.committedCents - spentCents;
  const pct = m.committedCents ? Math.round((Math.abs(variance) / m.committedCents) * 1000) / 10 : 0;
  return {
    committedCents: m.committedCents,
    transferredCents: m.transferredCents,
    spentCents,
    varianceCents: variance,
    variancePct: pct,
    explanationRequired: pct > set.rules.varianceTolerancePct,
    overspent: m.overspent,
    refundCents: m.transferredCents - spentCents,
    ruleSetId: set.id,
  };
}

/** An interim statement reconciled: spent to the period's end against what the months served cost and the transfers. */
export interface InterimReconciliation {
  committedCents: number;
  transferredCents: number;
  spentCents: number;
  expectedCents: number;
  /** Committed minus spent: what is left of the commitment. */
  remainingCents: number;
  /** Expected minus spent: positive is an underspend. */
  varianceCents: number;
  variancePct: number;
  explanationRequired: boolean;
  overspent: boolean;
  ruleSetId: string;
}

/**
 * What the months served from `startDate` to `periodEnd` cost under the estimate's elements (the one-off
 * settling-in grant and travel included, as UNV pays them first), capped by the commitment.
 */
export function expectedSpendCents(
  rate: DutyStationRate,
  startDate: string,
  periodEnd: string,
  committedCents: number,
  set: UnvRuleSetRecord,
): number {
  return Math.min(committedCents, assignmentCosts(rate, monthsServed(startDate, periodEnd), set).totalCents);
}

/** An interim statement reconciled against the commitment, the transfers and the spending expected to its period's end. */
export function reconcileInterim(
  l: UnvLedger,
  spentCents: number,
  expectedCents: number,
  set: UnvRuleSetRecord,
): InterimReconciliation {
  const m = unvMoney(l);
  const variance = expectedCents - spentCents;
  const pct = expectedCents ? Math.round((Math.abs(variance) / expectedCents) * 1000) / 10 : spentCents ? 100 : 0;
  return {
    committedCents: m.committedCents,
    transferredCents: m.transferredCents,
    spentCents,
    expectedCents,
    remainingCents: m.committedCents - spentCents,
    varianceCents: variance,
    variancePct: pct,
    explanationRequired: pct > set.rules.varianceTolerancePct,
    overspent: spentCents > m.transferredCents,
    ruleSetId: set.id,
  };
}
