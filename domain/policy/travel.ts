/**
 * SDG event travel: the travel rules and the DSA rate table as dated data with their sources, and
 * the pure computations over them (eligibility findings, cost lines, settlement). Pure: read by the
 * event-travel workflow, its activities and the API alike.
 */
import { addDays } from '../calendar';
import { finding, formatUsd, type Finding } from './findings';
import { ruleSetInForce, type DatedRecord } from './rules';

export interface TravelRules {
  /** An application must reach the fund at least this many weeks before departure. */
  minWeeksBeforeDeparture: number;
  /** Funded events per expert per calendar year (of the departure date). */
  maxFundedEventsPerYear: number;
  /** The travel advance, in percent of the DSA and terminal expenses of the authorisation. */
  advancePct: number;
  /** Terminal expenses per journey (airport ↔ hotel); a trip has an outbound and a return journey. */
  terminalExpenseCentsPerJourney: number;
  /** The class of air travel authorised. */
  airClass: 'economy';
  /** Tickets should be bought this many days before departure (the lowest fare). */
  ticketPurchaseDaysBefore: number;
  /** The back-to-office report is due this many working days (programme office calendar) after the return date. */
  reportDueWorkingDays: number;
  /** The annual envelope of the programme's travel budget. */
  annualBudgetCents: number;
}

export interface TravelRuleSetRecord extends DatedRecord {
  name: string;
  rules: TravelRules;
  /** Where each figure comes from; "illustrative" where no published figure was found. */
  sources: Record<keyof TravelRules, string>;
}

const USD = 100;

export const TRAVEL_RULE_SETS: readonly TravelRuleSetRecord[] = [
  {
    id: 'event-travel-2023-06-01',
    name: 'SDG event travel of roster experts (UNDP duty travel rules)',
    effectiveFrom: '2023-06-01',
    effectiveTo: null,
    rules: {
      minWeeksBeforeDeparture: 4,
      maxFundedEventsPerYear: 2,
      advancePct: 80,
      terminalExpenseCentsPerJourney: 44 * USD,
      airClass: 'economy',
      ticketPurchaseDaysBefore: 21,
      reportDueWorkingDays: 10,
      annualBudgetCents: 60_000 * USD,
    },
    sources: {
      minWeeksBeforeDeparture: 'illustrative (issue 31: "e.g. 4 weeks"); product decision of the fund',
      maxFundedEventsPerYear: 'illustrative; product decision of the fund',
      advancePct:
        'UNDP POPP, Authorizing Official Business Travel (amended 20 Sep 2019): travel advance of 80%, balance of 20% on the travel claim',
      terminalExpenseCentsPerJourney:
        'illustrative amount; the entitlement is UNDP POPP, Other Travel Allowances and Expenses (terminal allowance per authorized journey, updated 1 Jun 2023 in line with ST/IC/2019/16/Amend.1)',
      airClass:
        'UNDP POPP, Route, Mode of Transportation and Standard of Accommodation (v3, 1 Jun 2019): economy class',
      ticketPurchaseDaysBefore:
        'UNDP POPP, Travel Management > Travel Preparation: tickets bought at least 21 days before travel',
      reportDueWorkingDays: 'illustrative (issue 31: "e.g. 10 working days"); product decision of the fund',
      annualBudgetCents: 'illustrative; the partnership publishes no travel envelope',
    },
  },
];

export function travelRulesInForce(dayIso: string): TravelRuleSetRecord {
  return ruleSetInForce(TRAVEL_RULE_SETS, dayIso);
}

/** One DSA rate: USD per night at a place, in force over a range of days. */
export interface DsaRate {
  countryCode: string;
  /** The city; null: the rate for elsewhere in the country. */
  place: string | null;
  usdPerNight: number;
  validFrom: string;
  validTo: string | null;
  /** The ICSC DSA circular the figure comes from, or "illustrative". */
  source: string;
  /** The same source in Russian, for documents printed in Russian (the individual contract). */
  sourceRu: string;
}

const ILLUSTRATIVE =
  'illustrative: order of magnitude of the ICSC monthly DSA circular (restricted; not found published), to be replaced by the circular in force';
const ILLUSTRATIVE_RU =
  'ориентировочно: порядок величины по ежемесячному циркуляру КМГС о ставках суточных (для служебного пользования; в открытом доступе не найден), подлежит замене действующим циркуляром';

/** Rows of the illustrative DSA table in force from `validFrom`: [country, place, USD per night]. */
const illustrativeRates = (validFrom: string, rows: readonly (readonly [string, string, number])[]): DsaRate[] =>
  rows.map(([countryCode, place, usdPerNight]) => ({
    countryCode,
    place,
    usdPerNight,
    validFrom,
    validTo: null,
    source: ILLUSTRATIVE,
    sourceRu: ILLUSTRATIVE_RU,
  }));

/**
 * DSA rates: the partner-country capitals (formerly an undated constant of Experts on Demand) and
 * the cities where SDG events are commonly held. One table, dated; a computation takes the rate in
 * force on its date (dsaRateOn).
 */
export const DSA_RATES: readonly DsaRate[] = [
  ...illustrativeRates('2019-01-01', [
    ['AM', 'Yerevan', 215],
    ['AZ', 'Baku', 240],
    ['BY', 'Minsk', 190],
    ['CU', 'Havana', 185],
    ['KG', 'Bishkek', 160],
    ['KZ', 'Astana', 230],
    ['LA', 'Vientiane', 140],
    ['MD', 'Chisinau', 180],
    ['MN', 'Ulaanbaatar', 150],
    ['RS', 'Belgrade', 200],
    ['TJ', 'Dushanbe', 170],
    ['TM', 'Ashgabat', 220],
    ['UZ', 'Tashkent', 175],
  ]),
  ...illustrativeRates('2025-01-01', [
    ['CH', 'Geneva', 451],
    ['US', 'New York', 456],
    ['AT', 'Vienna', 340],
    ['TH', 'Bangkok', 182],
    ['KE', 'Nairobi', 299],
    ['AE', 'Dubai', 398],
    ['ET', 'Addis Ababa', 268],
    ['CL', 'Santiago', 233],
  ]),
];

const sameText = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The DSA rate in force on `day` for a city (its own row, else the country's "elsewhere" row), or null. */
export function dsaRateOn(
  table: readonly DsaRate[],
  countryCode: string,
  city: string | null,
  day: string,
): DsaRate | null {
  const inForce = table.filter(
    (r) => r.countryCode === countryCode && r.validFrom <= day && (r.validTo === null || day <= r.validTo),
  );
  const newest = (rows: DsaRate[]) => rows.sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0] ?? null;
  return (
    (city ? newest(inForce.filter((r) => r.place !== null && sameText(r.place, city))) : null) ??
    newest(inForce.filter((r) => r.place === null)) ??
    // A partner-country capital stands for the country (how Experts on Demand has used it).
    (city ? null : newest(inForce))
  );
}

// ---------- costs ----------

export const COST_LINES = ['airfare', 'dsa', 'terminal', 'registration', 'visa'] as const;
export type CostLineKey = (typeof COST_LINES)[number];

export interface CostLine {
  key: CostLineKey;
  amountCents: number;
  /** How it was computed, for people ("4 nights × USD 451"). */
  basis: string;
}

export interface TravelCosts {
  lines: CostLine[];
  totalCents: number;
  nights: number;
  dsaRate: DsaRate | null;
  /** The advance paid before departure: advancePct of DSA and terminal expenses. */
  advanceCents: number;
  ruleSetId: string;
}

/** Nights between departure and return (DSA is paid per night away). */
export function nightsBetween(departureDate: string, returnDate: string): number {
  return Math.max(0, Math.round((Date.parse(returnDate) - Date.parse(departureDate)) / 86_400_000));
}

/** The cost lines of a trip under a rule set and a DSA rate: airfare, registration and visa as given, DSA and terminal from the rules. */
export function travelCosts(
  given: { airfareCents: number; registrationCents: number; visaCents: number },
  dates: { departureDate: string; returnDate: string },
  rate: DsaRate | null,
  set: TravelRuleSetRecord,
): TravelCosts {
  const nights = nightsBetween(dates.departureDate, dates.returnDate);
  const perNight = rate ? rate.usdPerNight * USD : 0;
  const dsa = nights * perNight;
  const terminal = 2 * set.rules.terminalExpenseCentsPerJourney;
  const lines: CostLine[] = [
    { key: 'airfare', amountCents: given.airfareCents, basis: `${set.rules.airClass} class, return` },
    {
      key: 'dsa',
      amountCents: dsa,
      basis: rate
        ? `${nights} nights × ${formatUsd(perNight)} (${rate.place ?? rate.countryCode}, rate from ${rate.validFrom})`
        : 'no DSA rate for the place',
    },
    {
      key: 'terminal',
      amountCents: terminal,
      basis: `2 journeys × ${formatUsd(set.rules.terminalExpenseCentsPerJourney)}`,
    },
    { key: 'registration', amountCents: given.registrationCents, basis: 'event registration fee' },
    { key: 'visa', amountCents: given.visaCents, basis: 'visa fee' },
  ];
  return {
    lines,
    totalCents: lines.reduce((s, l) => s + l.amountCents, 0),
    nights,
    dsaRate: rate,
    advanceCents: Math.round(((dsa + terminal) * set.rules.advancePct) / 100),
    ruleSetId: set.id,
  };
}

export interface Settlement {
  nights: number;
  dsaRate: DsaRate | null;
  dsaCents: number;
  terminalCents: number;
  advanceCents: number;
  /** Positive: reimbursed to the expert; negative: recovered from the expert. */
  balanceCents: number;
  /** Says which rate was used and why. */
  basis: string;
  ruleSetId: string;
}

/**
 * DSA recomputed on the actual travel dates at the rate in force on the departure day (not the day
 * of the approval), plus terminal expenses, minus the advance.
 */
export function settleTravel(
  actual: { departureDate: string; returnDate: string },
  advanceCents: number,
  rate: DsaRate | null,
  set: TravelRuleSetRecord,
): Settlement {
  const nights = nightsBetween(actual.departureDate, actual.returnDate);
  const dsaCents = nights * (rate ? rate.usdPerNight * USD : 0);
  const terminalCents = 2 * set.rules.terminalExpenseCentsPerJourney;
  const balanceCents = dsaCents + terminalCents - advanceCents;
  return {
    nights,
    dsaRate: rate,
    dsaCents,
    terminalCents,
    advanceCents,
    balanceCents,
    basis: rate
      ? `${nights} nights × ${formatUsd(rate.usdPerNight * USD)}: the DSA rate in force on the travel dates (from ${rate.validFrom}, ${rate.place ?? rate.countryCode})`
      : 'no DSA rate for the place on the travel dates',
    ruleSetId: set.id,
  };
}

// ---------- eligibility ----------

/** What eligibility is checked on: the application and what the read model knows. */
export interface TravelEligibilityFacts {
  /** The day the application is screened (the Clock's today). */
  today: string;
  eventCountryCode: string;
  sdgs: readonly number[];
  departureDate: string;
  role: string;
  invitationReceived: boolean;
  expert: { profileFound: boolean; accountActive: boolean };
  /** Funded events of the expert in the departure's year (approved or further, not counting this one). */
  fundedEventsThisYear: number;
}

export const TRAVEL_RULES = [
  'event_outside_russia',
  'sdg_related',
  'roster_profile_active',
  'applied_in_advance',
  'annual_event_limit',
  'speaking_role_invited',
] as const;

/** Every rule, each a finding with its figures (passes too, for the audit). */
export function travelEligibility(facts: TravelEligibilityFacts, set: TravelRuleSetRecord): Finding[] {
  const r = set.rules;
  const daysAhead = nightsBetween(facts.today, facts.departureDate);
  const latest = addDays(facts.departureDate, -7 * r.minWeeksBeforeDeparture);
  return [
    finding(
      'event_outside_russia',
      facts.eventCountryCode === 'RU' ? 'fail' : 'pass',
      facts.eventCountryCode === 'RU' ? 'the event is held in Russia' : 'the event is held outside Russia',
      { countryCode: facts.eventCountryCode },
    ),
    finding(
      'sdg_related',
      facts.sdgs.length ? 'pass' : 'fail',
      facts.sdgs.length ? 'the event addresses at least one SDG' : 'the event names no SDG',
      { sdgs: facts.sdgs.join(',') },
    ),
    finding(
      'roster_profile_active',
      facts.expert.profileFound && facts.expert.accountActive ? 'pass' : 'fail',
      facts.expert.profileFound
        ? facts.expert.accountActive
          ? 'the expert has an approved roster profile'
          : 'the expert’s account is not active'
        : 'no approved roster profile',
      { profileFound: facts.expert.profileFound, accountActive: facts.expert.accountActive },
    ),
    finding(
      'applied_in_advance',
      facts.today <= latest ? 'pass' : 'fail',
      `applications are due ${r.minWeeksBeforeDeparture} weeks before departure (${latest} at the latest)`,
      { minWeeks: r.minWeeksBeforeDeparture, daysBeforeDeparture: daysAhead, latestDay: latest },
    ),
    finding(
      'annual_event_limit',
      facts.fundedEventsThisYear < r.maxFundedEventsPerYear ? 'pass' : 'fail',
      `at most ${r.maxFundedEventsPerYear} funded events per expert per year`,
      { fundedThisYear: facts.fundedEventsThisYear, max: r.maxFundedEventsPerYear },
    ),
    finding(
      'speaking_role_invited',
      facts.invitationReceived && ['speaker', 'panellist', 'presenter'].includes(facts.role) ? 'pass' : 'fail',
      'a speaking role with an invitation from the organiser',
      { role: facts.role, invitation: facts.invitationReceived },
    ),
  ];
}
