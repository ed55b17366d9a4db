/**
 * A proposal's budget: line items in fixed categories, and what is computed from them (never typed):
 * each line's cost, the totals per source of money, the co-financing share and the indirect-cost share.
 * Pure: the API, the web form, the workflow and the intake checks use these same functions.
 * Money is integer USD cents here; the payload carries USD (domain/schemas.ts `budgetLineSchema`).
 */

export const BUDGET_CATEGORIES = [
  'personnel',
  'equipment',
  'travel',
  'training_events',
  'subcontracts',
  'other',
  'indirect_costs',
] as const;
export type BudgetCategory = (typeof BUDGET_CATEGORIES)[number];

/** The category whose lines are indirect costs (capped against the direct ones by the rule set in force). */
export const INDIRECT_CATEGORY: BudgetCategory = 'indirect_costs';

/** The categories in words, English and Russian: the form, the proposal page and the mails use these. */
export const BUDGET_CATEGORY_LABELS: Record<BudgetCategory, { en: string; ru: string }> = {
  personnel: { en: 'Personnel', ru: 'Персонал' },
  equipment: { en: 'Equipment', ru: 'Оборудование' },
  travel: { en: 'Travel', ru: 'Поездки' },
  training_events: { en: 'Training and events', ru: 'Обучение и мероприятия' },
  subcontracts: { en: 'Subcontracts', ru: 'Субподряды' },
  other: { en: 'Other', ru: 'Прочее' },
  indirect_costs: { en: 'Indirect costs', ru: 'Косвенные расходы' },
};

/** One line as the payload carries it (USD). */
export interface BudgetLine {
  category: BudgetCategory;
  description: string;
  unit: string;
  quantity: number;
  unitCostUsd: number;
  requestedUsd: number;
  coFinancingCashUsd: number;
  coFinancingInKindUsd: number;
}

export interface BudgetTotals {
  /** Cost of each line (quantity × unit cost), in line order. */
  lineCostCents: number[];
  totalCents: number;
  requestedCents: number;
  coFinancingCashCents: number;
  coFinancingInKindCents: number;
  /** Cash + in kind. */
  coFinancingCents: number;
  directCents: number;
  indirectCents: number;
  /** Co-financing in percent of the total cost, two decimals; 0 for an empty budget. */
  coFinancingPct: number;
  /** Indirect costs in percent of the direct costs, two decimals; 0 without direct costs. */
  indirectPct: number;
}

const cents = (usd: number): number => Math.round(usd * 100);
const pct = (part: number, whole: number): number => (whole > 0 ? Math.round((part * 10_000) / whole) / 100 : 0);

/** A line's cost in cents: quantity × unit cost, rounded to the cent. */
export function lineCostCents(line: Pick<BudgetLine, 'quantity' | 'unitCostUsd'>): number {
  return Math.round(line.quantity * cents(line.unitCostUsd));
}

/** Totals of a budget; lines with a missing figure count it as 0 (a draft being typed). */
export function budgetTotals(lines: readonly Partial<BudgetLine>[]): BudgetTotals {
  const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const out: BudgetTotals = {
    lineCostCents: [],
    totalCents: 0,
    requestedCents: 0,
    coFinancingCashCents: 0,
    coFinancingInKindCents: 0,
    coFinancingCents: 0,
    directCents: 0,
    indirectCents: 0,
    coFinancingPct: 0,
    indirectPct: 0,
  };
  for (const line of lines) {
    const cost = lineCostCents({ quantity: num(line.quantity), unitCostUsd: num(line.unitCostUsd) });
    out.lineCostCents.push(cost);
    out.totalCents += cost;
    if (line.category === INDIRECT_CATEGORY) out.indirectCents += cost;
    else out.directCents += cost;
    out.requestedCents += cents(num(line.requestedUsd));
    out.coFinancingCashCents += cents(num(line.coFinancingCashUsd));
    out.coFinancingInKindCents += cents(num(line.coFinancingInKindUsd));
  }
  out.coFinancingCents = out.coFinancingCashCents + out.coFinancingInKindCents;
  out.coFinancingPct = pct(out.coFinancingCents, out.requestedCents + out.coFinancingCents);
  out.indirectPct = pct(out.indirectCents, out.directCents);
  return out;
}

/** A problem with one cell of the budget, by payload path (`budget.2.requestedUsd`). */
export interface BudgetProblem {
  path: string;
  message: string;
}

/**
 * Each line's sources must add up to its cost: what is requested from the fund, co-financed in cash
 * and co-financed in kind is how the line is paid. The problem is reported on the requested cell.
 */
export function budgetLineProblems(lines: readonly BudgetLine[]): BudgetProblem[] {
  const problems: BudgetProblem[] = [];
  lines.forEach((line, i) => {
    const cost = lineCostCents(line);
    const sources = cents(line.requestedUsd) + cents(line.coFinancingCashUsd) + cents(line.coFinancingInKindUsd);
    if (sources !== cost)
      problems.push({
        path: `budget.${i}.requestedUsd`,
        message: `requested, cash and in-kind co-financing add up to ${sources / 100} but the line costs ${cost / 100} (quantity × unit cost)`,
      });
  });
  return problems;
}

/** The two totals the rest of the system reads (grant and co-financing), in USD. */
export function budgetAmountsUsd(lines: readonly BudgetLine[]): { requestedAmountUsd: number; coFinancingUsd: number } {
  const t = budgetTotals(lines);
  return { requestedAmountUsd: t.requestedCents / 100, coFinancingUsd: t.coFinancingCents / 100 };
}

/**
 * A proposal from before line items (its two totals only) as one line to break down: the drafts a
 * copy makes and the revision form show it so.
 */
export function legacyBudgetLine(requestedUsd: number, coFinancingUsd: number): BudgetLine {
  return {
    category: 'other',
    description: 'Budget total (before line items)',
    unit: 'lump sum',
    quantity: 1,
    unitCostUsd: Math.round((requestedUsd + coFinancingUsd) * 100) / 100,
    requestedUsd,
    coFinancingCashUsd: coFinancingUsd,
    coFinancingInKindUsd: 0,
  };
}
