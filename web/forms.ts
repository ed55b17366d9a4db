import {
  BUDGET_CATEGORIES,
  BUDGET_CATEGORY_LABELS,
  budgetTotals,
  legacyBudgetLine,
  type BudgetLine,
} from '../domain/budget';
import { MODALITIES } from '../domain/stages';
import type { FormBody, Schemas } from './api-client';
import { html, type SafeHtml } from './html';
import type { Key, Lang } from './i18n';
import { nameOf, type NamedItem } from './reference';
import { choiceGroup, field, fieldId, type AnonCtx, type FormState } from './ui';

/**
 * The proposal and expert-request forms: rendering (with values and errors) and parsing of the
 * urlencoded body into the API's JSON payload. Field names are the payload paths
 * (`nationalPartner.name`, `milestones.0.title`), so 400 details land next to their fields.
 */
export type Body = Record<string, string | string[] | undefined>;

export const str = (body: Body, name: string): string => {
  const v = body[name];
  return (Array.isArray(v) ? v[0] : (v ?? '')).toString();
};
export const list = (body: Body, name: string): string[] => {
  const v = body[name];
  return (Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v]).map(String);
};
/** A number, or the raw text when it is not one (the API then says what is wrong), or undefined when empty. */
export function num(text: string): number | string | undefined {
  const s = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!s) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : text.trim();
}
const txt = (text: string): string | undefined => (text.trim() ? text : undefined);

function rows<T extends string>(body: Body, prefix: string, keys: readonly T[]): Record<T, string>[] {
  const indices = new Set<number>();
  for (const k of Object.keys(body)) {
    const m = new RegExp(`^${prefix}\\.(\\d+)\\.`).exec(k);
    if (m) indices.add(Number(m[1]));
  }
  return [...indices]
    .sort((a, b) => a - b)
    .map((i) => Object.fromEntries(keys.map((k) => [k, str(body, `${prefix}.${i}.${k}`)])) as Record<T, string>)
    .filter((r) => keys.some((k) => r[k].trim()));
}

function clean<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const SDGS = Array.from({ length: 17 }, (_, i) => String(i + 1));

// ---------------------------------------------------------------- proposal

export const MILESTONE_KEYS = ['title', 'dueDate', 'description'] as const;
/** The cells of a budget line, in column order (payload field names). */
export const BUDGET_KEYS = [
  'category',
  'description',
  'unit',
  'quantity',
  'unitCostUsd',
  'requestedUsd',
  'coFinancingCashUsd',
  'coFinancingInKindUsd',
] as const;
type BudgetKey = (typeof BUDGET_KEYS)[number];
const BUDGET_NUMBERS: readonly BudgetKey[] = [
  'quantity',
  'unitCostUsd',
  'requestedUsd',
  'coFinancingCashUsd',
  'coFinancingInKindUsd',
];

export interface ProposalValues {
  callId: string;
  countryCode: string;
  title: string;
  summary: string;
  partnerName: string;
  partnerContact: string;
  partnerEvidence: string;
  sdgs: string[];
  thematicAreaId: string;
  budget: Record<BudgetKey, string>[];
  /** Deprecated typed totals (a form posted without budget lines, before line items). */
  requestedAmountUsd: string;
  coFinancingUsd: string;
  durationMonths: string;
  innovation: string;
  expectedResults: string;
  milestones: Record<(typeof MILESTONE_KEYS)[number], string>[];
}

export function proposalValuesFrom(body: Body): ProposalValues {
  return {
    callId: str(body, 'callId'),
    countryCode: str(body, 'countryCode'),
    title: str(body, 'title'),
    summary: str(body, 'summary'),
    partnerName: str(body, 'nationalPartner.name'),
    partnerContact: str(body, 'nationalPartner.contact'),
    partnerEvidence: str(body, 'nationalPartner.demandEvidence'),
    sdgs: list(body, 'sdgs'),
    thematicAreaId: str(body, 'thematicAreaId'),
    // A row with only its category chosen is an empty row (the select always has a value).
    budget: rows(body, 'budget', BUDGET_KEYS).filter((r) => BUDGET_KEYS.some((k) => k !== 'category' && r[k].trim())),
    requestedAmountUsd: str(body, 'requestedAmountUsd'),
    coFinancingUsd: str(body, 'coFinancingUsd'),
    durationMonths: str(body, 'durationMonths'),
    innovation: str(body, 'innovation'),
    expectedResults: str(body, 'expectedResults'),
    milestones: rows(body, 'milestones', MILESTONE_KEYS),
  };
}

/** The create payload (every field; empty ones left out so the API names them). */
export function proposalPayload(v: ProposalValues): FormBody<Schemas['ProposalCreate']> {
  return clean({
    callId: txt(v.callId),
    title: txt(v.title),
    summary: txt(v.summary),
    countryCode: txt(v.countryCode),
    nationalPartner: clean({
      name: txt(v.partnerName),
      contact: txt(v.partnerContact),
      demandEvidence: txt(v.partnerEvidence),
    }),
    sdgs: v.sdgs.map((s) => num(s)),
    thematicAreaId: txt(v.thematicAreaId),
    ...(v.budget.length || !(v.requestedAmountUsd || v.coFinancingUsd)
      ? { budget: budgetPayload(v.budget) }
      : { requestedAmountUsd: num(v.requestedAmountUsd), coFinancingUsd: num(v.coFinancingUsd) }),
    durationMonths: num(v.durationMonths),
    innovation: txt(v.innovation),
    expectedResults: txt(v.expectedResults),
    milestones: v.milestones.map((m) =>
      clean({ title: txt(m.title), dueDate: txt(m.dueDate), description: txt(m.description) }),
    ),
  });
}

/** Budget rows as payload lines: numbers where typed as numbers, the raw text otherwise (the API names it). */
export function budgetPayload(rows: Record<BudgetKey, string>[]): Record<string, unknown>[] {
  return rows.map((r) =>
    clean(
      Object.fromEntries(BUDGET_KEYS.map((k) => [k, BUDGET_NUMBERS.includes(k) ? num(r[k]) : txt(r[k])])) as Record<
        string,
        unknown
      >,
    ),
  );
}

/** Only what changed (the revise decision refuses call, country and unchanged-only bodies). */
export function proposalChanges(v: ProposalValues, original: Record<string, unknown>): Record<string, unknown> {
  const next: Record<string, unknown> = proposalPayload(v);
  const out: Record<string, unknown> = {};
  for (const key of [
    'title',
    'summary',
    'nationalPartner',
    'sdgs',
    'thematicAreaId',
    'budget',
    'requestedAmountUsd',
    'coFinancingUsd',
    'durationMonths',
    'innovation',
    'expectedResults',
    'milestones',
  ]) {
    if (JSON.stringify(next[key]) !== JSON.stringify(original[key])) out[key] = next[key];
  }
  return out;
}

export function proposalValuesOf(p: {
  callId?: string;
  countryCode: string;
  title: string;
  summary?: string;
  nationalPartner?: { name?: string | null; contact?: string; demandEvidence?: string };
  sdgs: number[];
  thematicAreaId: string;
  budget?: BudgetLine[] | null;
  requestedAmountUsd?: number;
  coFinancingUsd?: number;
  durationMonths?: number;
  innovation?: string;
  expectedResults?: string;
  milestones?: { title: string; dueDate: string; description?: string }[];
}): ProposalValues {
  return {
    callId: p.callId ?? '',
    countryCode: p.countryCode,
    title: p.title,
    summary: p.summary ?? '',
    partnerName: p.nationalPartner?.name ?? '',
    partnerContact: p.nationalPartner?.contact ?? '',
    partnerEvidence: p.nationalPartner?.demandEvidence ?? '',
    sdgs: p.sdgs.map(String),
    thematicAreaId: p.thematicAreaId,
    // A proposal from before line items shows its two totals as one line to break down.
    budget: (
      p.budget ??
      (p.requestedAmountUsd === undefined ? [] : [legacyBudgetLine(p.requestedAmountUsd, p.coFinancingUsd ?? 0)])
    ).map((l) => Object.fromEntries(BUDGET_KEYS.map((k) => [k, String(l[k] ?? '')])) as Record<BudgetKey, string>),
    requestedAmountUsd: '',
    coFinancingUsd: '',
    durationMonths: p.durationMonths === undefined ? '' : String(p.durationMonths),
    innovation: p.innovation ?? '',
    expectedResults: p.expectedResults ?? '',
    milestones: (p.milestones ?? []).map((m) => ({
      title: m.title,
      dueDate: m.dueDate,
      description: m.description ?? '',
    })),
  };
}

/** A draft's data (a partial payload, possibly with text where numbers belong) as form values. */
export function draftValues(callId: string, data: Record<string, unknown>): ProposalValues {
  const s = (v: unknown) => (v === undefined || v === null || typeof v === 'object' ? '' : String(v));
  const list = (v: unknown) =>
    (Array.isArray(v) ? v : []).map((x) => (x && typeof x === 'object' ? x : {}) as Record<string, unknown>);
  const partner = (
    data.nationalPartner && typeof data.nationalPartner === 'object' ? data.nationalPartner : {}
  ) as Record<string, unknown>;
  return {
    callId,
    countryCode: '',
    title: s(data.title),
    summary: s(data.summary),
    partnerName: s(partner.name),
    partnerContact: s(partner.contact),
    partnerEvidence: s(partner.demandEvidence),
    sdgs: (Array.isArray(data.sdgs) ? data.sdgs : []).map(String),
    thematicAreaId: s(data.thematicAreaId),
    budget: list(data.budget).map(
      (l) => Object.fromEntries(BUDGET_KEYS.map((k) => [k, s(l[k])])) as Record<BudgetKey, string>,
    ),
    requestedAmountUsd: s(data.requestedAmountUsd),
    coFinancingUsd: s(data.coFinancingUsd),
    durationMonths: s(data.durationMonths),
    innovation: s(data.innovation),
    expectedResults: s(data.expectedResults),
    milestones: list(data.milestones).map((m) => ({
      title: s(m.title),
      dueDate: s(m.dueDate),
      description: s(m.description),
    })),
  };
}

export const emptyProposal = (callId: string, countryCode: string): ProposalValues => ({
  callId,
  countryCode,
  title: '',
  summary: '',
  partnerName: '',
  partnerContact: '',
  partnerEvidence: '',
  sdgs: [],
  thematicAreaId: '',
  budget: [],
  requestedAmountUsd: '',
  coFinancingUsd: '',
  durationMonths: '',
  innovation: '',
  expectedResults: '',
  milestones: [],
});

export const PROPOSAL_FIELDS = [
  'callId',
  'countryCode',
  'title',
  'summary',
  'nationalPartner.name',
  'nationalPartner.contact',
  'nationalPartner.demandEvidence',
  'sdgs',
  'thematicAreaId',
  'budget',
  'budget.total.requestedUsd',
  'budget.total.coFinancingPct',
  'budget.total.indirectPct',
  'requestedAmountUsd',
  'coFinancingUsd',
  'durationMonths',
  'innovation',
  'expectedResults',
  'milestones',
];

export function proposalFieldNames(v: ProposalValues, rowsShown: number): string[] {
  const out = [...PROPOSAL_FIELDS];
  for (let i = 0; i < Math.max(rowsShown, v.milestones.length); i++)
    for (const k of MILESTONE_KEYS) out.push(`milestones.${i}.${k}`);
  for (let i = 0; i < Math.max(rowsShown, v.budget.length); i++)
    for (const k of BUDGET_KEYS) out.push(`budget.${i}.${k}`);
  return out;
}

export function proposalLabels(ctx: AnonCtx): Record<string, string> {
  const { t } = ctx;
  const labels: Record<string, string> = {
    callId: t('field.call'),
    countryCode: t('field.country'),
    title: t('field.title'),
    summary: t('field.summary'),
    'nationalPartner.name': t('field.partnerName'),
    'nationalPartner.contact': t('field.partnerContact'),
    'nationalPartner.demandEvidence': t('field.partnerEvidence'),
    sdgs: t('field.sdgs'),
    thematicAreaId: t('field.thematicArea'),
    budget: t('budget.legend'),
    'budget.total.requestedUsd': `${t('budget.totals')}: ${t('budget.requested')}`,
    'budget.total.coFinancingPct': t('budget.coFinancingShare'),
    'budget.total.indirectPct': t('budget.indirectShare'),
    requestedAmountUsd: t('field.requestedAmountUsd'),
    coFinancingUsd: t('field.coFinancingUsd'),
    durationMonths: t('field.durationMonths'),
    innovation: t('field.innovation'),
    expectedResults: t('field.expectedResults'),
    milestones: t('field.milestones'),
  };
  return {
    ...labels,
    ...rowLabels('milestones', t('field.milestone'), {
      title: t('field.milestoneTitle'),
      dueDate: t('field.dueDate'),
      description: t('field.description'),
    }),
    ...rowLabels('budget', t('budget.line'), Object.fromEntries(budgetColumns(ctx)), 60),
  };
}

/** Labels of the inputs of a repeating row table ("Milestone 2: Due date"), for the error summary. */
function rowLabels(name: string, row: string, columns: Record<string, string>, rows = 12): Record<string, string> {
  const labels: Record<string, string> = {};
  for (let i = 0; i < rows; i++)
    for (const [column, label] of Object.entries(columns))
      labels[`${name}.${i}.${column}`] = `${row} ${i + 1}: ${label}`;
  return labels;
}

/** Repeating rows (milestones, deliverables): a table of inputs, one more empty row, "add a row" without JS. */
function rowTable(
  ctx: AnonCtx,
  o: {
    prefix: string;
    legend: string;
    caption: string;
    columns: { key: string; label: string; type?: 'text' | 'date' | 'number'; required?: boolean }[];
    values: Record<string, string>[];
    state: FormState;
    minRows: number;
    maxRows: number;
  },
): SafeHtml {
  const count = Math.min(o.maxRows, Math.max(o.minRows, o.values.length + 1));
  const errors = o.state.errors.get(o.prefix) ?? [];
  return html`<fieldset class="rows" id="${fieldId(o.prefix)}" tabindex="-1" data-rows="${o.prefix}" data-max="${o.maxRows}">
    <legend>${o.legend} <span class="req">(${ctx.t('form.required')})</span></legend>
    ${errors.length ? html`<p class="error"><span aria-hidden="true">✖ </span>${errors.join('; ')}</p>` : ''}
    <div class="row-list">
    ${Array.from({ length: count }, (_, i) => {
      const v = o.values[i] ?? {};
      return html`<div class="row-item" data-row>
        <p class="row-title">${o.caption}: ${i + 1}</p>
        <div class="row-fields">
        ${o.columns.map((c) =>
          field(ctx, {
            name: `${o.prefix}.${i}.${c.key}`,
            label: c.label,
            srPrefix: `${o.caption} ${i + 1}:`,
            type: c.type ?? 'text',
            value: v[c.key] ?? '',
            state: o.state,
            required: c.required && i === 0,
            className: `col-${c.key}`,
            ...(c.type === 'number' ? { inputmode: 'decimal' } : {}),
          }),
        )}
        </div>
      </div>`;
    })}
    </div>
    <button type="submit" name="_addRow" value="${o.prefix}" class="btn btn-secondary" data-add-row="${o.prefix}"${count >= o.maxRows ? html` disabled` : ''}>${ctx.t('form.addRow')}</button>
  </fieldset>`;
}

/** The budget's columns: payload key and label, in order. */
function budgetColumns(ctx: AnonCtx): [BudgetKey, string][] {
  const { t } = ctx;
  return [
    ['category', t('budget.category')],
    ['description', t('budget.description')],
    ['unit', t('budget.unit')],
    ['quantity', t('budget.quantity')],
    ['unitCostUsd', t('budget.unitCost')],
    ['requestedUsd', t('budget.requested')],
    ['coFinancingCashUsd', t('budget.cash')],
    ['coFinancingInKindUsd', t('budget.inKind')],
  ];
}

/** Budget rows as lines for the computations (what is not a number counts as 0 until corrected). */
export function budgetLinesOf(rows: Record<BudgetKey, string>[]): Partial<BudgetLine>[] {
  return budgetPayload(rows).map((l) =>
    Object.fromEntries(Object.entries(l).filter(([, v]) => typeof v === 'number' || typeof v === 'string')),
  ) as Partial<BudgetLine>[];
}

const money = (usd: number, lang: Lang) =>
  new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US', {
    minimumFractionDigits: 0,
    maximumFractionDigits: 2,
  }).format(usd);
const percent = (pct: number, lang: Lang) =>
  `${new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US', { maximumFractionDigits: 2 }).format(pct)} %`;

/** An error slot for a computed total (the API names `budget.total.*`); the page script fills it live. */
function totalSlot(name: string, state: FormState): SafeHtml {
  const errors = state.errors.get(name) ?? [];
  return html`<div class="total-error${errors.length ? ' has-error' : ''}" id="${fieldId(name)}" tabindex="-1" data-error-for="${name}" aria-live="polite">${errors.length ? html`<p class="error"><span aria-hidden="true">✖ </span>${errors.join('; ')}</p>` : ''}</div>`;
}

/**
 * The budget as an editable table: one row per line, the line's cost and the totals computed (on the
 * server with domain/budget.ts, and again live from the draft's autosave answer), errors per cell.
 * On a phone each row stacks into a card (table-stack).
 */
function budgetTable(ctx: AnonCtx, rowsIn: Record<BudgetKey, string>[], state: FormState, extraRows: number): SafeHtml {
  const { t, lang } = ctx;
  const max = 60;
  const count = Math.min(max, Math.max(3, rowsIn.length + 1 + extraRows));
  const totals = budgetTotals(budgetLinesOf(rowsIn));
  const columns = budgetColumns(ctx);
  const options = BUDGET_CATEGORIES.map((c) => ({ value: c, label: BUDGET_CATEGORY_LABELS[c][lang] }));
  const errors = state.errors.get('budget') ?? [];
  const cell = (i: number, key: BudgetKey, label: string, value: string) =>
    html`<td data-label="${label}" class="${BUDGET_NUMBERS.includes(key) ? 'num ' : ''}col-${key}">${field(ctx, {
      name: `budget.${i}.${key}`,
      label,
      hideLabel: true,
      srPrefix: `${t('budget.line')} ${i + 1}:`,
      type: key === 'category' ? 'select' : 'text',
      options: key === 'category' ? options : undefined,
      value: key === 'category' ? value || 'personnel' : value,
      state,
      ...(BUDGET_NUMBERS.includes(key) ? { inputmode: 'decimal' } : {}),
    })}</td>`;
  const out = (name: string, value: string) => html`<output data-total="${name}">${value}</output>`;
  return html`<fieldset class="group budget" id="${fieldId('budget')}" tabindex="-1" data-rows="budget" data-max="${max}" data-budget>
    <legend>${t('budget.legend')} <span class="req">(${t('form.required')})</span></legend>
    <p class="hint" id="budget-hint">${t('budget.hint')}</p>
    ${errors.length ? html`<p class="error"><span aria-hidden="true">✖ </span>${errors.join('; ')}</p>` : ''}
    <div class="table-scroll">
    <table class="table table-stack budget-table" aria-describedby="budget-hint">
      <caption class="visually-hidden">${t('budget.caption')}</caption>
      <thead><tr><th scope="col">#</th>${columns.slice(0, 5).map(([, l]) => html`<th scope="col">${l}</th>`)}<th scope="col" class="num">${t('budget.lineCost')}</th>${columns.slice(5).map(([, l]) => html`<th scope="col" class="num">${l}</th>`)}</tr></thead>
      <tbody class="row-list">
      ${Array.from({ length: count }, (_, i) => {
        const v = rowsIn[i] ?? ({} as Record<BudgetKey, string>);
        return html`<tr data-row>
          <td data-label="${t('budget.line')}" class="row-title">${t('budget.line')} ${i + 1}</td>
          ${columns.slice(0, 5).map(([k, l]) => cell(i, k, l, v[k] ?? ''))}
          <td data-label="${t('budget.lineCost')}" class="num"><output data-line-cost="${i}">${i < rowsIn.length ? money((totals.lineCostCents[i] ?? 0) / 100, lang) : ''}</output></td>
          ${columns.slice(5).map(([k, l]) => cell(i, k, l, v[k] ?? ''))}
        </tr>`;
      })}
      </tbody>
    </table>
    </div>
    <button type="submit" name="_addRow" value="budget" class="btn btn-secondary" data-add-row="budget"${count >= max ? html` disabled` : ''}>${t('form.addRow')}</button>
    <dl class="facts budget-totals" aria-live="polite">
      <div><dt>${t('budget.total')}</dt><dd>${out('totalUsd', money(totals.totalCents / 100, lang))}</dd></div>
      <div><dt>${t('budget.requested')}</dt><dd>${out('requestedUsd', money(totals.requestedCents / 100, lang))}${totalSlot('budget.total.requestedUsd', state)}</dd></div>
      <div><dt>${t('budget.cash')}</dt><dd>${out('coFinancingCashUsd', money(totals.coFinancingCashCents / 100, lang))}</dd></div>
      <div><dt>${t('budget.inKind')}</dt><dd>${out('coFinancingInKindUsd', money(totals.coFinancingInKindCents / 100, lang))}</dd></div>
      <div><dt>${t('budget.coFinancingShare')}</dt><dd>${out('coFinancingPct', percent(totals.coFinancingPct, lang))}${totalSlot('budget.total.coFinancingPct', state)}</dd></div>
      <div><dt>${t('budget.indirectShare')}</dt><dd>${out('indirectPct', percent(totals.indirectPct, lang))}${totalSlot('budget.total.indirectPct', state)}</dd></div>
    </dl>
    <p class="hint">${t('budget.trancheNote')} ${out('requestedUsd', money(totals.requestedCents / 100, lang))}</p>
  </fieldset>`;
}

/** The thematic area and SDG fields both programmes' forms ask for. */
function thematicAreaAndSdgFields(
  ctx: AnonCtx,
  v: { thematicAreaId: string; sdgs: string[] },
  state: FormState,
  areaOptions: { value: string; label: string }[],
): SafeHtml {
  const { t } = ctx;
  return html`${field(ctx, { name: 'thematicAreaId', label: t('field.thematicArea'), type: 'select', value: v.thematicAreaId, options: areaOptions, required: true, state })}
    ${choiceGroup(ctx, { name: 'sdgs', legend: t('field.sdgs'), options: SDGS.map((n) => ({ value: n, label: `${t('sdg.short')} ${n}` })), selected: v.sdgs, state, required: true, className: 'sdgs' })}`;
}

/** The national partner who asked for the work: a fieldset of both programmes' forms. */
function nationalPartnerFieldset(
  ctx: AnonCtx,
  v: { partnerName: string; partnerContact: string; partnerEvidence: string },
  state: FormState,
  evidenceHint?: string,
): SafeHtml {
  const { t } = ctx;
  return html`<fieldset class="group"><legend>${t('form.sectionPartner')}</legend>
    ${field(ctx, { name: 'nationalPartner.name', label: t('field.partnerName'), value: v.partnerName, required: true, state })}
    ${field(ctx, { name: 'nationalPartner.contact', label: t('field.partnerContact'), value: v.partnerContact, required: true, state })}
    ${field(ctx, { name: 'nationalPartner.demandEvidence', label: t('field.partnerEvidence'), type: 'textarea', rows: 3, value: v.partnerEvidence, required: true, state, hint: evidenceHint })}
  </fieldset>`;
}

export function proposalFormFields(
  ctx: AnonCtx,
  v: ProposalValues,
  state: FormState,
  opts: { areas: NamedItem[]; areaIds?: string[]; revise?: boolean; extraRows?: number; extraBudgetRows?: number },
): SafeHtml {
  const { t, lang } = ctx;
  const areaIds = opts.areaIds?.length ? opts.areaIds : opts.areas.map((a) => a.id);
  const areaOptions = [
    { value: '', label: t('form.choose') },
    ...areaIds.map((id) => ({ value: id, label: nameOf(opts.areas, id, lang) || id })),
  ];
  if (v.thematicAreaId && !areaIds.includes(v.thematicAreaId))
    areaOptions.push({ value: v.thematicAreaId, label: nameOf(opts.areas, v.thematicAreaId, lang) });
  const milestoneRows = [
    ...v.milestones,
    ...Array.from({ length: opts.extraRows ?? 0 }, () => ({ title: '', dueDate: '', description: '' })),
  ];
  return html`
  <fieldset class="group"><legend>${t('form.sectionProject')}</legend>
    ${field(ctx, { name: 'title', label: t('field.title'), value: v.title, required: true, state })}
    ${field(ctx, { name: 'summary', label: t('field.summary'), type: 'textarea', value: v.summary, required: true, state, hint: t('hint.summary') })}
    ${thematicAreaAndSdgFields(ctx, v, state, areaOptions)}
  </fieldset>
  ${nationalPartnerFieldset(ctx, v, state, t('hint.partnerEvidence'))}
  ${budgetTable(ctx, v.budget, state, opts.extraBudgetRows ?? 0)}
  <fieldset class="group"><legend>${t('form.sectionBudget')}</legend>
    <div class="grid-3">
    ${field(ctx, { name: 'durationMonths', label: t('field.durationMonths'), type: 'number', min: 1, max: 60, value: v.durationMonths, required: true, state })}
    </div>
  </fieldset>
  <fieldset class="group"><legend>${t('form.sectionApproach')}</legend>
    ${field(ctx, { name: 'innovation', label: t('field.innovation'), type: 'textarea', value: v.innovation, required: true, state })}
    ${field(ctx, { name: 'expectedResults', label: t('field.expectedResults'), type: 'textarea', value: v.expectedResults, required: true, state })}
  </fieldset>
  ${rowTable(ctx, {
    prefix: 'milestones',
    legend: t('field.milestones'),
    caption: t('field.milestone'),
    columns: [
      { key: 'title', label: t('field.milestoneTitle'), required: true },
      { key: 'dueDate', label: t('field.dueDate'), type: 'date', required: true },
      { key: 'description', label: t('field.description') },
    ],
    values: milestoneRows,
    state,
    minRows: 2,
    maxRows: 12,
  })}`;
}

// ---------------------------------------------------------------- expert request

export const DELIVERABLE_KEYS = ['title', 'dueDate', 'amountUsd'] as const;
export const COMMON_LANGUAGES = [
  'ru',
  'en',
  'ky',
  'tg',
  'kk',
  'uz',
  'az',
  'hy',
  'ro',
  'be',
  'tk',
  'mn',
  'lo',
  'sr',
  'es',
  'fr',
];

export interface ExpertRequestValues {
  countryCode: string;
  title: string;
  partnerName: string;
  partnerContact: string;
  partnerEvidence: string;
  objectives: string;
  deliverables: Record<(typeof DELIVERABLE_KEYS)[number], string>[];
  modality: string;
  workingDays: string;
  startDate: string;
  endDate: string;
  languages: string[];
  otherLanguages: string;
  thematicAreaId: string;
  sdgs: string[];
  contractValueUsd: string;
  destination: string;
  travelDays: string;
  perDiemUsd: string;
}

export function expertRequestValuesFrom(body: Body): ExpertRequestValues {
  return {
    countryCode: str(body, 'countryCode'),
    title: str(body, 'title'),
    partnerName: str(body, 'nationalPartner.name'),
    partnerContact: str(body, 'nationalPartner.contact'),
    partnerEvidence: str(body, 'nationalPartner.demandEvidence'),
    objectives: str(body, 'objectives'),
    deliverables: rows(body, 'deliverables', DELIVERABLE_KEYS),
    modality: str(body, 'modality'),
    workingDays: str(body, 'workingDays'),
    startDate: str(body, 'startDate'),
    endDate: str(body, 'endDate'),
    languages: list(body, 'languages'),
    otherLanguages: str(body, 'otherLanguages'),
    thematicAreaId: str(body, 'thematicAreaId'),
    sdgs: list(body, 'sdgs'),
    contractValueUsd: str(body, 'contractValueUsd'),
    destination: str(body, 'destination'),
    travelDays: str(body, 'travelDays'),
    perDiemUsd: str(body, 'perDiemUsd'),
  };
}

export function expertRequestPayload(v: ExpertRequestValues): FormBody<Schemas['ExpertRequestCreate']> {
  const languages = [
    ...new Set([
      ...v.languages,
      ...v.otherLanguages
        .split(/[\s,;]+/)
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ]),
  ];
  return clean({
    countryCode: txt(v.countryCode),
    title: txt(v.title),
    nationalPartner: clean({
      name: txt(v.partnerName),
      contact: txt(v.partnerContact),
      demandEvidence: txt(v.partnerEvidence),
    }),
    objectives: txt(v.objectives),
    deliverables: v.deliverables.map((d) =>
      clean({ title: txt(d.title), dueDate: txt(d.dueDate), amountUsd: num(d.amountUsd) }),
    ),
    modality: txt(v.modality),
    workingDays: num(v.workingDays),
    startDate: txt(v.startDate),
    endDate: txt(v.endDate),
    languages,
    thematicAreaId: txt(v.thematicAreaId),
    sdgs: v.sdgs.map((s) => num(s)),
    contractValueUsd: num(v.contractValueUsd),
    destination: txt(v.destination),
    travelDays: num(v.travelDays),
    perDiemUsd: num(v.perDiemUsd),
  });
}

/** Changed fields for a resubmission; a cleared optional travel field is sent as null (removes it). */
export function expertRequestChanges(
  v: ExpertRequestValues,
  original: Record<string, unknown>,
): Record<string, unknown> {
  const next: Record<string, unknown> = expertRequestPayload(v);
  const out: Record<string, unknown> = {};
  // What a resubmission may change: the form's fields by their top-level payload key, the country excepted.
  const changeable = new Set(EXPERT_REQUEST_FIELDS.filter((f) => f !== 'countryCode').map((f) => f.split('.')[0]));
  for (const key of changeable) {
    const a = next[key] ?? null;
    const b = original[key] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) out[key] = a;
  }
  return out;
}

export function expertRequestValuesOf(r: Record<string, unknown>): ExpertRequestValues {
  const s = (k: string) => (r[k] === null || r[k] === undefined ? '' : String(r[k]));
  const partner = (r.nationalPartner ?? {}) as Record<string, string>;
  const langs = ((r.languages as string[] | undefined) ?? []).map(String);
  return {
    countryCode: s('countryCode'),
    title: s('title'),
    partnerName: partner.name ?? '',
    partnerContact: partner.contact ?? '',
    partnerEvidence: partner.demandEvidence ?? '',
    objectives: s('objectives'),
    deliverables: ((r.deliverables as { title: string; dueDate: string; amountUsd: number }[] | undefined) ?? []).map(
      (d) => ({ title: d.title, dueDate: d.dueDate, amountUsd: String(d.amountUsd) }),
    ),
    modality: s('modality'),
    workingDays: s('workingDays'),
    startDate: s('startDate'),
    endDate: s('endDate'),
    languages: langs.filter((l) => COMMON_LANGUAGES.includes(l)),
    otherLanguages: langs.filter((l) => !COMMON_LANGUAGES.includes(l)).join(', '),
    thematicAreaId: s('thematicAreaId'),
    sdgs: ((r.sdgs as number[] | undefined) ?? []).map(String),
    contractValueUsd: s('contractValueUsd'),
    destination: s('destination'),
    travelDays: s('travelDays'),
    perDiemUsd: s('perDiemUsd'),
  };
}

export const emptyExpertRequest = (countryCode: string): ExpertRequestValues => ({
  countryCode,
  title: '',
  partnerName: '',
  partnerContact: '',
  partnerEvidence: '',
  objectives: '',
  deliverables: [],
  modality: '',
  workingDays: '',
  startDate: '',
  endDate: '',
  languages: [],
  otherLanguages: '',
  thematicAreaId: '',
  sdgs: [],
  contractValueUsd: '',
  destination: '',
  travelDays: '',
  perDiemUsd: '',
});

export const EXPERT_REQUEST_FIELDS = [
  'countryCode',
  'title',
  'nationalPartner.name',
  'nationalPartner.contact',
  'nationalPartner.demandEvidence',
  'objectives',
  'deliverables',
  'modality',
  'workingDays',
  'startDate',
  'endDate',
  'languages',
  'thematicAreaId',
  'sdgs',
  'contractValueUsd',
  'destination',
  'travelDays',
  'perDiemUsd',
];

export function expertRequestFieldNames(v: ExpertRequestValues): string[] {
  const out = [...EXPERT_REQUEST_FIELDS];
  for (let i = 0; i < Math.max(12, v.deliverables.length + 1); i++)
    for (const k of DELIVERABLE_KEYS) out.push(`deliverables.${i}.${k}`);
  return out;
}

export function expertRequestLabels(ctx: AnonCtx): Record<string, string> {
  const { t } = ctx;
  const labels: Record<string, string> = {
    countryCode: t('field.country'),
    title: t('field.title'),
    'nationalPartner.name': t('field.partnerName'),
    'nationalPartner.contact': t('field.partnerContact'),
    'nationalPartner.demandEvidence': t('field.partnerEvidence'),
    objectives: t('field.objectives'),
    deliverables: t('field.deliverables'),
    modality: t('field.modality'),
    workingDays: t('field.workingDays'),
    startDate: t('field.startDate'),
    endDate: t('field.endDate'),
    languages: t('field.languages'),
    thematicAreaId: t('field.thematicArea'),
    sdgs: t('field.sdgs'),
    contractValueUsd: t('field.contractValueUsd'),
    destination: t('field.destination'),
    travelDays: t('field.travelDays'),
    perDiemUsd: t('field.perDiemUsd'),
  };
  return {
    ...labels,
    ...rowLabels('deliverables', t('field.deliverable'), {
      title: t('field.deliverableTitle'),
      dueDate: t('field.dueDate'),
      amountUsd: t('field.amountUsd'),
    }),
  };
}

export function expertRequestFormFields(
  ctx: AnonCtx,
  v: ExpertRequestValues,
  state: FormState,
  opts: { areas: NamedItem[]; extraRows?: number },
): SafeHtml {
  const { t, lang } = ctx;
  const areaOptions = [
    { value: '', label: t('form.choose') },
    ...opts.areas.map((a) => ({ value: a.id, label: nameOf(opts.areas, a.id, lang) })),
  ];
  const langName = (code: string) => {
    try {
      return new Intl.DisplayNames([lang], { type: 'language' }).of(code) ?? code;
    } catch {
      return code;
    }
  };
  const deliverableRows = [
    ...v.deliverables,
    ...Array.from({ length: opts.extraRows ?? 0 }, () => ({ title: '', dueDate: '', amountUsd: '' })),
  ];
  return html`
  <fieldset class="group"><legend>${t('form.sectionRequest')}</legend>
    ${field(ctx, { name: 'title', label: t('field.title'), value: v.title, required: true, state })}
    ${field(ctx, { name: 'objectives', label: t('field.objectives'), type: 'textarea', value: v.objectives, required: true, state, hint: t('hint.objectives') })}
    ${thematicAreaAndSdgFields(ctx, v, state, areaOptions)}
  </fieldset>
  ${nationalPartnerFieldset(ctx, v, state)}
  <fieldset class="group"><legend>${t('form.sectionAssignment')}</legend>
    ${choiceGroup(ctx, { name: 'modality', legend: t('field.modality'), type: 'radio', options: MODALITIES.map((m) => ({ value: m, label: t(`modality.${m}` as Key) })), selected: [v.modality], state, required: true, className: 'inline' })}
    <div class="grid-3">
      ${field(ctx, { name: 'workingDays', label: t('field.workingDays'), type: 'number', min: 1, max: 90, value: v.workingDays, required: true, state })}
      ${field(ctx, { name: 'startDate', label: t('field.startDate'), type: 'date', value: v.startDate, required: true, state })}
      ${field(ctx, { name: 'endDate', label: t('field.endDate'), type: 'date', value: v.endDate, required: true, state })}
    </div>
    ${choiceGroup(ctx, { name: 'languages', legend: t('field.languages'), options: COMMON_LANGUAGES.map((l) => ({ value: l, label: html`<span lang="${l}">${langName(l)}</span>` })), selected: v.languages, state, required: true, className: 'inline' })}
    ${field(ctx, { name: 'otherLanguages', label: t('field.otherLanguages'), value: v.otherLanguages, state, hint: t('hint.otherLanguages') })}
    <div class="grid-3">
      ${field(ctx, { name: 'destination', label: t('field.destination'), value: v.destination, state, hint: t('hint.missionOnly') })}
      ${field(ctx, { name: 'travelDays', label: t('field.travelDays'), type: 'number', min: 1, max: 90, value: v.travelDays, state, hint: t('hint.missionOnly') })}
      ${field(ctx, { name: 'perDiemUsd', label: t('field.perDiemUsd'), type: 'number', min: 0, value: v.perDiemUsd, state, hint: t('hint.perDiem') })}
    </div>
  </fieldset>
  <fieldset class="group"><legend>${t('form.sectionContract')}</legend>
    ${field(ctx, { name: 'contractValueUsd', label: t('field.contractValueUsd'), type: 'number', min: 0, step: 'any', value: v.contractValueUsd, required: true, state, hint: t('hint.contractValue'), inputmode: 'decimal' })}
    <p class="hint" data-sum-of="deliverables" data-sum-label="${t('form.deliverablesSum')}" aria-live="polite"></p>
  </fieldset>
  ${rowTable(ctx, {
    prefix: 'deliverables',
    legend: t('field.deliverables'),
    caption: t('field.deliverable'),
    columns: [
      { key: 'title', label: t('field.deliverableTitle'), required: true },
      { key: 'dueDate', label: t('field.dueDate'), type: 'date', required: true },
      { key: 'amountUsd', label: t('field.amountUsd'), type: 'number', required: true },
    ],
    values: deliverableRows,
    state,
    minRows: 2,
    maxRows: 12,
  })}`;
}

export type { Lang };
