import { DOCUMENT_TYPE_LABELS, type DocumentType } from '../domain/documents';
import { t, type Key, type Lang } from './i18n';

/**
 * Policy findings in words, per language. A finding carries a rule code, an outcome and the
 * figures behind it (domain/policy/findings.ts); its English `message` is for the API and the
 * logs. People read the sentence of the bilingual dictionary (web/i18n.ts, keys `finding.*`)
 * with the figures formatted for their language: the web pages and the mails both use this.
 */
export interface FindingLike {
  rule: string;
  outcome: string;
  data?: Record<string, unknown> | null;
  message?: string;
}

function formatMoney(cents: number, lang: Lang): string {
  const usd = cents / 100;
  return new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US', {
    style: 'currency',
    currency: 'USD',
    currencyDisplay: lang === 'ru' ? 'name' : 'code',
    maximumFractionDigits: Number.isInteger(usd) ? 0 : 2,
  }).format(usd);
}

function formatDay(value: string, lang: Lang): string {
  const d = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) return value;
  return new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(d);
}

/** A figure of a finding for people: money from `…Cents`, days from dates, numbers per locale. */
function figure(key: string, value: unknown, lang: Lang): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number') {
    if (key.endsWith('Cents')) return formatMoney(value, lang);
    return new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US', { maximumFractionDigits: 2 }).format(value);
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return formatDay(value, lang);
  // Document types (the required-documents rule) by their names in the reader's language.
  if ((key === 'missing' || key === 'required') && typeof value === 'string')
    return (
      value
        .split(',')
        .filter(Boolean)
        .map((c) => DOCUMENT_TYPE_LABELS[c as DocumentType]?.[lang] ?? c)
        .join(', ') || '—'
    );
  // Lists of codes (framework outcomes, SDGs) as stored: "1.2,2.1" → "1.2, 2.1".
  if (typeof value === 'string') return value.split(',').filter(Boolean).join(', ') || '—';
  return String(value);
}

/** The dictionary key of a finding: by rule and outcome, with the variants some rules have. */
function keyOf(f: FindingLike): string {
  const d = f.data ?? {};
  const approved = d.bureauDirectorApproved === true;
  switch (f.rule) {
    case 'payment_basis':
      return f.outcome === 'pass'
        ? d.paymentBasis === 'time_based'
          ? 'finding.payment_basis.timeAllowed'
          : 'finding.payment_basis.pass'
        : 'finding.payment_basis.fail';
    case 'deliverables_sum_to_value':
      if (f.outcome === 'pass') return 'finding.deliverables_sum_to_value';
      if (d.deliverables === 0) return 'finding.deliverables_sum_to_value.none';
      return d.deliverablesSumCents === d.contractValueCents
        ? 'finding.deliverables_sum_to_value.notPositive'
        : 'finding.deliverables_sum_to_value';
    case 'daily_fee_threshold':
      if (f.outcome === 'needs_approval') return 'finding.daily_fee_threshold.needs_approval';
      return approved && Number(d.dailyFeeCents) > Number(d.thresholdCents)
        ? 'finding.daily_fee_threshold.approved'
        : 'finding.daily_fee_threshold.pass';
    case 'direct_contracting_limit':
      if (f.outcome === 'fail') return 'finding.direct_contracting_limit.fail';
      if (f.outcome === 'needs_approval') return 'finding.direct_contracting_limit.needs_approval';
      return Number(d.contractValueCents) > Number(d.directLimitCents)
        ? 'finding.direct_contracting_limit.approved'
        : 'finding.direct_contracting_limit.pass';
    case 'per_diem_dsa':
      if (f.outcome === 'fail' && d.modality !== undefined && d.modality !== 'mission')
        return 'finding.per_diem_dsa.notMission';
      return `finding.per_diem_dsa.${f.outcome}`;
    default:
      return `finding.${f.rule}.${f.outcome}`;
  }
}

/** The finding as a sentence in `lang`, its figures formatted for that language. */
export function findingText(lang: Lang, f: FindingLike): string {
  const d = f.data ?? {};
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(d)) vars[k] = figure(k, v, lang);
  for (const key of [keyOf(f), `finding.${f.rule}`]) {
    const text = t(lang, key as Key, vars);
    if (text !== key) return text;
  }
  // A rule this dictionary does not know yet: say so in the reader's language, never in English.
  return t(lang, 'finding.unknown', {
    rule: f.rule.replace(/_/g, ' '),
    outcome: t(lang, `outcome.${f.outcome}` as Key),
  });
}

/** The findings of a policy result (`findings`), of an alignment check (`reasons`) or a plain list of them. */
export function findingsOf(value: unknown): FindingLike[] {
  const list =
    (value as { findings?: unknown; reasons?: unknown } | null | undefined)?.findings ??
    (value as { reasons?: unknown } | null | undefined)?.reasons ??
    value;
  return Array.isArray(list)
    ? list.filter(
        (f): f is FindingLike => typeof f === 'object' && f !== null && typeof (f as FindingLike).rule === 'string',
      )
    : [];
}
