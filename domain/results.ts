/**
 * Results: the indicators every programme's subjects report (targets at submission, actuals per
 * reporting period), the one catalogue of them with their English and Russian labels, and the
 * rules a report must meet. Pure: the API validates with it, the dashboard and exports label with it.
 */
import { z } from 'zod';
import type { Bilingual } from './programme';
import { isoDateSchema, text } from './schemas';
import type { Outcome, Phase } from './stages';

export interface IndicatorSpec {
  key: string;
  label: Bilingual;
  /** A part of another indicator (its breakdown): it may not exceed it. */
  partOf?: string;
}

/** Every indicator any programme reports, in display order. */
export const INDICATORS = [
  { key: 'beneficiaries', label: { en: 'Direct beneficiaries', ru: 'Прямые благополучатели' } },
  { key: 'beneficiariesWomen', label: { en: 'of whom women', ru: 'из них женщины' }, partOf: 'beneficiaries' },
  { key: 'beneficiariesMen', label: { en: 'of whom men', ru: 'из них мужчины' }, partOf: 'beneficiaries' },
  {
    key: 'beneficiariesYouth',
    label: { en: 'of whom youth (15–24)', ru: 'из них молодёжь (15–24 лет)' },
    partOf: 'beneficiaries',
  },
  { key: 'studies', label: { en: 'Studies delivered', ru: 'Подготовлено исследований' } },
  { key: 'recommendations', label: { en: 'Recommendations made', ru: 'Подготовлено рекомендаций' } },
  { key: 'trainings', label: { en: 'Trainings delivered', ru: 'Проведено тренингов' } },
  { key: 'peopleTrained', label: { en: 'People trained', ru: 'Обучено человек' } },
] as const satisfies readonly IndicatorSpec[];

export type IndicatorKey = (typeof INDICATORS)[number]['key'];
export const INDICATOR_KEYS = INDICATORS.map((i) => i.key) as unknown as readonly [IndicatorKey, ...IndicatorKey[]];
const BY_KEY = new Map<string, IndicatorSpec>(INDICATORS.map((i) => [i.key, i]));

export function indicatorSpec(key: IndicatorKey): IndicatorSpec {
  return BY_KEY.get(key)!;
}

const BENEFICIARIES: readonly IndicatorKey[] = [
  'beneficiaries',
  'beneficiariesWomen',
  'beneficiariesMen',
  'beneficiariesYouth',
];
/** Outputs of an expert assignment (studies, recommendations, trainings, people trained) besides beneficiaries. */
const EXPERT_OUTPUTS: readonly IndicatorKey[] = ['studies', 'recommendations', 'trainings', 'peopleTrained'];

/**
 * Which indicators a programme's subjects report. A programme not listed reports beneficiaries,
 * so a programme added to the registry reports into the results without an entry here.
 */
const PROGRAMME_INDICATORS: Readonly<Record<string, readonly IndicatorKey[]>> = {
  experts_on_demand: [...BENEFICIARIES, ...EXPERT_OUTPUTS],
};

export function indicatorsOf(programme: string): readonly IndicatorKey[] {
  return PROGRAMME_INDICATORS[programme] ?? BENEFICIARIES;
}

/** Phases (and the outcome) in which a subject reports actuals: from implementation on, and once closed. */
export const REPORTING_PHASES: readonly (Phase | Outcome)[] = ['mission', 'evaluation', 'closed'];
/** Phases in which targets may still change: until the agreement is signed (after it, they are what was agreed). */
export const TARGET_PHASES: readonly (Phase | Outcome)[] = [
  'intake',
  'co_endorsement',
  'alignment_check',
  'selection',
  'contracting',
];

const count = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must not be negative')
  .max(1_000_000_000, 'must be at most 1,000,000,000');

export const indicatorValuesSchema = z
  .partialRecord(z.enum(INDICATOR_KEYS), count)
  .refine((v) => Object.keys(v).length > 0, 'give at least one indicator');
export type IndicatorValues = Partial<Record<IndicatorKey, number>>;

export const resultTargetsSchema = z.strictObject({
  values: indicatorValuesSchema,
  note: text(2000).optional(),
});

export const resultReportSchema = z
  .strictObject({
    periodStart: isoDateSchema.describe('First day of the reporting period'),
    periodEnd: isoDateSchema.describe('Last day of the reporting period: today or earlier (in the Country Office)'),
    values: indicatorValuesSchema.describe('What the period achieved (not cumulative)'),
    taskId: z.string().min(1).max(300).optional().describe('The progress or final report task it belongs to'),
    note: text(2000).optional(),
  })
  .refine((r) => r.periodStart <= r.periodEnd, { path: ['periodEnd'], message: 'must not be before periodStart' });

export interface RuleBreach {
  path: string;
  message: string;
}

/** What the values break besides their schema: an indicator the programme does not report, a part above its whole. */
export function valueBreaches(programme: string, values: IndicatorValues, prefix = 'values'): RuleBreach[] {
  const allowed = new Set<string>(indicatorsOf(programme));
  const out: RuleBreach[] = [];
  for (const key of Object.keys(values) as IndicatorKey[]) {
    if (!allowed.has(key)) out.push({ path: `${prefix}.${key}`, message: `is not an indicator of ${programme}` });
  }
  const women = values.beneficiariesWomen ?? 0;
  const men = values.beneficiariesMen ?? 0;
  const total = values.beneficiaries;
  const parts = (['beneficiariesWomen', 'beneficiariesMen', 'beneficiariesYouth'] as const).filter(
    (k) => values[k] !== undefined,
  );
  if (parts.length && total === undefined)
    out.push({ path: `${prefix}.beneficiaries`, message: 'is required with its breakdown' });
  if (total !== undefined) {
    if (women + men > total)
      out.push({ path: `${prefix}.beneficiariesWomen`, message: 'women and men together exceed the beneficiaries' });
    if ((values.beneficiariesYouth ?? 0) > total)
      out.push({ path: `${prefix}.beneficiariesYouth`, message: 'must not exceed the beneficiaries' });
  }
  return out;
}

/** The period breaches of an actual report: a period not yet over (after `today` in the office), one overlapping an earlier report. */
export function periodBreaches(
  period: { periodStart: string; periodEnd: string },
  today: string,
  others: readonly { periodStart: string; periodEnd: string }[],
): RuleBreach[] {
  const out: RuleBreach[] = [];
  if (period.periodEnd > today)
    out.push({ path: 'periodEnd', message: `is in the future (today is ${today}): report a period once it is over` });
  const clash = others.find((o) => o.periodStart <= period.periodEnd && period.periodStart <= o.periodEnd);
  if (clash)
    out.push({
      path: 'periodStart',
      message: `overlaps the period already reported ${clash.periodStart}–${clash.periodEnd}`,
    });
  return out;
}

/**
 * Past items imported as read-model rows (`npm run seed -- --history N`) have workflow ids with this
 * prefix: no workflow ever ran them, so reconcile skips them and their provenance says "imported".
 */
export const IMPORTED_WORKFLOW_PREFIX = 'imported-';
