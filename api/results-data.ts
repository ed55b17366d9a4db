import { Prisma } from '../generated/prisma/client';
import { phaseOf, PROGRAMME_LIST, type Programme, type SubjectType } from '../domain/registry';
import type { Outcome, Phase } from '../domain/stages';
import type { PrismaClient } from '../lib/db';
import type { ResultColumns } from '../domain/programme';

/**
 * The rows behind the results dashboard, its drill-down and its exports: one row per subject of
 * every programme in the registry, with its money (committed = signed contracts, disbursed =
 * released payments), its reported results and what the pipeline export adds (party, score).
 * The dashboard sums exactly these rows, so the exports list exactly what the figures count.
 */

/** A programme's column expression, or NULL where it has none. */
const column = (sql: string | undefined) => Prisma.raw(sql ?? 'NULL');

export interface ResultFilters {
  programme?: Programme;
  country?: string;
  /** Submission year. */
  year?: number;
  sdg?: number;
  thematicArea?: string;
}

/** Drill-down narrowing on top of the filters: one figure's items. */
export interface DrillDown {
  phase?: Phase | Outcome;
  /** Items with a payment released in this year. */
  paidIn?: number;
  /** Items whose contract is signed. */
  funded?: boolean;
  /** Items that reported this indicator (actuals). */
  reported?: boolean;
  /** Items that ended in this outcome... closed ones for "completed". */
  completed?: boolean;
}

export interface ResultItem {
  type: SubjectType;
  programme: Programme;
  id: string;
  title: string;
  countryCode: string;
  stage: string;
  phase: Phase | Outcome;
  sdgs: number[];
  thematicAreaId: string | null;
  party: string | null;
  score: number | null;
  createdAt: Date;
  closedAt: Date | null;
  requestedCents: number;
  committedCents: number;
  coFinancingCents: number;
  disbursedCents: number;
  beneficiariesTarget: number | null;
  beneficiaries: number | null;
  beneficiariesWomen: number | null;
  beneficiariesMen: number | null;
  beneficiariesYouth: number | null;
  /** Actuals of every indicator the item reported (summed over its periods). */
  actuals: Record<string, number>;
  /** Years in which payments were released to it. */
  paidYears: number[];
}

function whereOf(f: ResultFilters, c: ResultColumns): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`1 = 1`];
  if (f.country) parts.push(Prisma.sql`t."countryCode" = ${f.country}`);
  if (f.year) parts.push(Prisma.sql`EXTRACT(YEAR FROM t."createdAt") = ${f.year}`);
  if (f.sdg) parts.push(Prisma.sql`t."sdgs" @> ${JSON.stringify([f.sdg])}::jsonb`);
  if (f.thematicArea) parts.push(Prisma.sql`${column(c.thematicArea)} = ${f.thematicArea}`);
  return Prisma.join(parts, ' AND ');
}

interface Row {
  type: SubjectType;
  programme: Programme;
  id: string;
  title: string;
  countryCode: string;
  stage: string;
  sdgs: unknown;
  thematicAreaId: string | null;
  party: string | null;
  score: number | null;
  createdAt: Date;
  closedAt: Date | null;
  requested: bigint | number | null;
  coFinancing: bigint | number | null;
  committed: bigint | number | null;
  disbursed: bigint | number | null;
}

/** Every subject matching the filters, with its money; results and payments by year joined in two more statements. */
export async function resultItems(prisma: PrismaClient, f: ResultFilters): Promise<ResultItem[]> {
  const programmes = PROGRAMME_LIST.filter((p) => !f.programme || p.id === f.programme);
  const selects = programmes.map((p) => {
    const c: ResultColumns = p.resultColumns;
    return Prisma.sql`SELECT ${p.subjectType}::text AS "type", ${p.id}::text AS "programme", t."id", t."title", t."countryCode", t."stage",
      t."sdgs", ${column(c.thematicArea)}::text AS "thematicAreaId", ${column(c.party)}::text AS "party", ${column(c.score)}::float8 AS "score", t."createdAt", t."closedAt",
      ${column(c.amount)}::bigint AS "requested", ${column(c.coFinancing)}::bigint AS "coFinancing"
      FROM ${Prisma.raw(`"${p.subjectTable}"`)} t WHERE ${whereOf(f, c)}`;
  });
  if (!selects.length) return [];
  const rows = await prisma.$queryRaw<Row[]>(Prisma.sql`
    WITH "items" AS (${Prisma.join(selects, ' UNION ALL ')}),
    "signed" AS (
      SELECT c."subjectType", c."subjectId", SUM(c."valueCents")::bigint AS "cents" FROM "Contract" c
      WHERE c."status" = 'signed' AND c."subjectId" IN (SELECT "id" FROM "items") GROUP BY 1, 2),
    "paid" AS (
      SELECT p."subjectType", p."subjectId", SUM(p."amountCents")::bigint AS "cents" FROM "Payment" p
      WHERE p."subjectId" IN (SELECT "id" FROM "items") GROUP BY 1, 2)
    SELECT i.*, s."cents" AS "committed", pd."cents" AS "disbursed"
    FROM "items" i
    LEFT JOIN "signed" s ON s."subjectType" = i."type" AND s."subjectId" = i."id"
    LEFT JOIN "paid" pd ON pd."subjectType" = i."type" AND pd."subjectId" = i."id"
    ORDER BY i."createdAt" DESC, i."id" DESC`);
  const ids = rows.map((r) => r.id);
  const [values, years] = ids.length
    ? await Promise.all([
        prisma.$queryRaw<{ subjectType: string; subjectId: string; kind: string; indicator: string; total: bigint }[]>(
          Prisma.sql`SELECT "subjectType", "subjectId", "kind", "indicator", SUM("value")::bigint AS "total" FROM "ResultValue"
            WHERE "subjectId" = ANY(${ids}) GROUP BY 1, 2, 3, 4`,
        ),
        prisma.$queryRaw<{ subjectType: string; subjectId: string; year: number }[]>(
          Prisma.sql`SELECT DISTINCT "subjectType", "subjectId", EXTRACT(YEAR FROM "releasedAt")::int AS "year" FROM "Payment"
            WHERE "subjectId" = ANY(${ids})`,
        ),
      ])
    : [[], []];
  const key = (type: string, id: string) => `${type}:${id}`;
  const targets = new Map<string, Record<string, number>>();
  const actuals = new Map<string, Record<string, number>>();
  for (const v of values) {
    const into = v.kind === 'target' ? targets : actuals;
    const k = key(v.subjectType, v.subjectId);
    into.set(k, { ...into.get(k), [v.indicator]: Number(v.total) });
  }
  const paidYears = new Map<string, number[]>();
  for (const y of years)
    paidYears.set(key(y.subjectType, y.subjectId), [...(paidYears.get(key(y.subjectType, y.subjectId)) ?? []), y.year]);
  const num = (v: bigint | number | null) => (v === null || v === undefined ? 0 : Number(v));
  return rows.map((r) => {
    const k = key(r.type, r.id);
    const a = actuals.get(k) ?? {};
    const committed = num(r.committed);
    return {
      type: r.type,
      programme: r.programme,
      id: r.id,
      title: r.title,
      countryCode: r.countryCode,
      stage: r.stage,
      phase: phaseOf(r.programme, r.stage) ?? 'intake',
      sdgs: Array.isArray(r.sdgs) ? (r.sdgs as unknown[]).filter((n): n is number => typeof n === 'number') : [],
      thematicAreaId: r.thematicAreaId,
      party: r.party,
      score: r.score === null ? null : Math.round(r.score * 10) / 10,
      createdAt: new Date(r.createdAt),
      closedAt: r.closedAt ? new Date(r.closedAt) : null,
      requestedCents: num(r.requested),
      committedCents: committed,
      // Co-financing counts as committed once the item's contract is signed.
      coFinancingCents: committed > 0 ? num(r.coFinancing) : 0,
      disbursedCents: num(r.disbursed),
      beneficiariesTarget: targets.get(k)?.beneficiaries ?? null,
      beneficiaries: a.beneficiaries ?? null,
      beneficiariesWomen: a.beneficiariesWomen ?? null,
      beneficiariesMen: a.beneficiariesMen ?? null,
      beneficiariesYouth: a.beneficiariesYouth ?? null,
      actuals: a,
      paidYears: (paidYears.get(k) ?? []).sort(),
    };
  });
}

export interface ProgrammeFigureValue {
  key: string;
  label: { en: string; ru: string };
  unit: 'count' | 'usd' | 'months';
  /** USD for `usd`, else the count or the months (one decimal). */
  value: number;
}

/**
 * The programmes' own figures (their registry entry's `resultColumns.figures`) over the items the
 * filters select: one statement per programme that declares any.
 */
export async function programmeFigures(
  prisma: PrismaClient,
  f: ResultFilters,
): Promise<{ programme: Programme; figures: ProgrammeFigureValue[] }[]> {
  const out: { programme: Programme; figures: ProgrammeFigureValue[] }[] = [];
  for (const p of PROGRAMME_LIST) {
    const c: ResultColumns = p.resultColumns;
    if ((f.programme && p.id !== f.programme) || !c.figures?.length) continue;
    const cols = c.figures.map((fig, i) =>
      fig.aggregate === 'distinct'
        ? Prisma.sql`COUNT(DISTINCT (${Prisma.raw(fig.sql)}))::float8 AS ${Prisma.raw(`"f${i}"`)}`
        : Prisma.sql`COALESCE(SUM(${Prisma.raw(fig.sql)}), 0)::float8 AS ${Prisma.raw(`"f${i}"`)}`,
    );
    const [row] = await prisma.$queryRaw<Record<string, number>[]>(
      Prisma.sql`SELECT ${Prisma.join(cols, ', ')} FROM ${Prisma.raw(`"${p.subjectTable}"`)} t WHERE ${whereOf(f, c)}`,
    );
    out.push({
      programme: p.id as Programme,
      figures: c.figures.map((fig, i) => {
        const v = Number(row?.[`f${i}`] ?? 0);
        return {
          key: fig.key,
          label: fig.label,
          unit: fig.unit,
          value: fig.unit === 'usd' ? Math.round(v) / 100 : Math.round(v * 10) / 10,
        };
      }),
    });
  }
  return out;
}

/** The items of one figure: the drill-down's narrowing over the filtered items. */
export function drillDown(items: ResultItem[], d: DrillDown): ResultItem[] {
  return items.filter(
    (i) =>
      (!d.phase || i.phase === d.phase) &&
      (d.paidIn === undefined || i.paidYears.includes(d.paidIn)) &&
      (d.funded === undefined || i.committedCents > 0 === d.funded) &&
      (d.reported === undefined || (i.beneficiaries !== null) === d.reported) &&
      (d.completed === undefined || (i.phase === 'closed') === d.completed),
  );
}

/** Released payments by month (YYYY-MM) of the filtered items: the disbursement chart. */
export async function disbursementByMonth(
  prisma: PrismaClient,
  items: readonly ResultItem[],
): Promise<{ month: string; cents: number }[]> {
  if (!items.length) return [];
  const rows = await prisma.$queryRaw<{ month: string; cents: bigint }[]>(
    Prisma.sql`SELECT to_char("releasedAt" AT TIME ZONE 'UTC', 'YYYY-MM') AS "month", SUM("amountCents")::bigint AS "cents"
      FROM "Payment" WHERE "subjectId" = ANY(${items.map((i) => i.id)}) GROUP BY 1 ORDER BY 1`,
  );
  return rows.map((r) => ({ month: r.month, cents: Number(r.cents) }));
}

/** When each item first entered each phase (the audit trail's stage changes): the pipeline export's stage dates. */
export async function phaseDates(
  prisma: PrismaClient,
  items: readonly ResultItem[],
): Promise<Map<string, Partial<Record<Phase | Outcome, Date>>>> {
  const out = new Map<string, Partial<Record<Phase | Outcome, Date>>>();
  if (!items.length) return out;
  const programmeOf = new Map(items.map((i) => [i.id, i.programme]));
  const rows = await prisma.$queryRaw<{ subjectId: string; toStage: string; at: Date }[]>(
    Prisma.sql`SELECT "subjectId", "toStage", MIN("at") AS "at" FROM "AuditEvent"
      WHERE "subjectId" = ANY(${items.map((i) => i.id)}) AND "toStage" IS NOT NULL GROUP BY 1, 2`,
  );
  for (const r of rows) {
    const phase = phaseOf(programmeOf.get(r.subjectId)!, r.toStage);
    if (!phase) continue;
    const dates = out.get(r.subjectId) ?? {};
    const at = new Date(r.at);
    if (!dates[phase] || at < dates[phase]) dates[phase] = at;
    out.set(r.subjectId, dates);
  }
  return out;
}

export interface GroupFigures {
  items: number;
  committedCents: number;
  disbursedCents: number;
  beneficiaries: number;
}

function emptyGroup(): GroupFigures {
  return { items: 0, committedCents: 0, disbursedCents: 0, beneficiaries: 0 };
}

function add(g: GroupFigures, i: ResultItem): void {
  g.items += 1;
  g.committedCents += i.committedCents;
  g.disbursedCents += i.disbursedCents;
  g.beneficiaries += i.beneficiaries ?? 0;
}

/** Figures grouped by a key of each item (an item with several keys, e.g. SDGs, counts in each). */
export function groupBy(items: readonly ResultItem[], keys: (i: ResultItem) => (string | number)[]) {
  const groups = new Map<string | number, GroupFigures>();
  for (const i of items)
    for (const k of new Set(keys(i))) {
      const g = groups.get(k) ?? emptyGroup();
      add(g, i);
      groups.set(k, g);
    }
  return groups;
}

/** The partnership's headline figures over the items. */
export function totalsOf(items: readonly ResultItem[]) {
  const sum = (f: (i: ResultItem) => number) => items.reduce((s, i) => s + f(i), 0);
  const completed: Record<string, number> = {};
  for (const p of PROGRAMME_LIST) completed[p.id] = 0;
  for (const i of items) if (i.phase === 'closed') completed[i.programme] = (completed[i.programme] ?? 0) + 1;
  return {
    items: items.length,
    funded: items.filter((i) => i.committedCents > 0).length,
    countries: new Set(items.map((i) => i.countryCode)).size,
    committedCents: sum((i) => i.committedCents),
    coFinancingCents: sum((i) => i.coFinancingCents),
    disbursedCents: sum((i) => i.disbursedCents),
    beneficiariesTarget: sum((i) => i.beneficiariesTarget ?? 0),
    beneficiaries: sum((i) => i.beneficiaries ?? 0),
    beneficiariesWomen: sum((i) => i.beneficiariesWomen ?? 0),
    beneficiariesMen: sum((i) => i.beneficiariesMen ?? 0),
    beneficiariesYouth: sum((i) => i.beneficiariesYouth ?? 0),
    completedByProgramme: completed,
  };
}
