import { Prisma } from '../generated/prisma/client';
import { phaseOf, PROGRAMME_LIST, type Programme, type SubjectType } from '../domain/registry';
import type { Outcome, Phase } from '../domain/stages';
import type { PrismaClient } from '../lib/db';
import type { ResultColumns } from '../domain/programme';

/**
 * The rows behind the results dashboard, its drill-down and its exports: one row per subject of
 * every programme in the registry, with its money (committed = signed contracts, disbursed =
 * released payments), its reported results and what the pipeline export adds (party, score).
 * PostgreSQL sums them (GROUP BY over one `rows` CTE built from each programme's `resultColumns`,
 * joined with each subject's figures that triggers keep in ResultSubjectFigures), and the listings
 * read the same CTE, so the exports list exactly what the figures count.
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
}

function whereOf(f: ResultFilters, c: ResultColumns): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`1 = 1`];
  if (f.country) parts.push(Prisma.sql`t."countryCode" = ${f.country}`);
  if (f.year) parts.push(Prisma.sql`EXTRACT(YEAR FROM t."createdAt") = ${f.year}`);
  if (f.sdg) parts.push(Prisma.sql`t."sdgs" @> ${JSON.stringify([f.sdg])}::jsonb`);
  if (f.thematicArea) parts.push(Prisma.sql`${column(c.thematicArea)} = ${f.thematicArea}`);
  return Prisma.join(parts, ' AND ');
}

function narrowingOf(d: DrillDown): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`1 = 1`];
  if (d.phase) parts.push(Prisma.sql`r."phase" = ${d.phase}`);
  if (d.paidIn !== undefined)
    parts.push(Prisma.sql`EXISTS (SELECT 1 FROM "Payment" p WHERE p."subjectType" = r."type" AND p."subjectId" = r."id"
      AND EXTRACT(YEAR FROM p."releasedAt") = ${d.paidIn})`);
  if (d.funded !== undefined)
    parts.push(d.funded ? Prisma.sql`r."committedCents" > 0` : Prisma.sql`r."committedCents" = 0`);
  if (d.reported !== undefined)
    parts.push(d.reported ? Prisma.sql`r."beneficiaries" IS NOT NULL` : Prisma.sql`r."beneficiaries" IS NULL`);
  if (d.completed !== undefined)
    parts.push(d.completed ? Prisma.sql`r."phase" = 'closed'` : Prisma.sql`r."phase" <> 'closed'`);
  return Prisma.join(parts, ' AND ');
}

/** Each programme's stages and endings with their phase, from the registry: the rows' phase is joined from it. */
function phaseTable(): Prisma.Sql {
  const pairs = PROGRAMME_LIST.flatMap((p) => [
    ...p.stages.map((s) => [p.id, s.name, s.phase as string]),
    ...Object.entries(p.endings).map(([stage, outcome]) => [p.id, stage, outcome as string]),
  ]);
  return Prisma.sql`(VALUES ${Prisma.join(pairs.map(([a, b, c]) => Prisma.sql`(${a}::text, ${b}::text, ${c}::text)`))})`;
}

/**
 * `WITH ... "rows"`: every subject matching the filters and the drill-down, one row each, with its
 * phase, money and reported beneficiaries. `detail` adds what only a listing shows (title, party,
 * score, closing date), so the sums do not compute it.
 */
function rowsCte(f: ResultFilters, d: DrillDown, detail: boolean): Prisma.Sql | null {
  const programmes = PROGRAMME_LIST.filter((p) => !f.programme || p.id === f.programme);
  if (!programmes.length) return null;
  const selects = programmes.map((p) => {
    const c: ResultColumns = p.resultColumns;
    const extra = detail
      ? Prisma.sql`, t."title", ${column(c.party)}::text AS "party", ${column(c.score)}::float8 AS "score", t."closedAt"`
      : Prisma.empty;
    return Prisma.sql`SELECT ${p.subjectType}::text AS "type", ${p.id}::text AS "programme", t."id", t."countryCode", t."stage",
      t."sdgs", ${column(c.thematicArea)}::text AS "thematicAreaId", t."createdAt",
      ${column(c.amount)}::bigint AS "requested", ${column(c.coFinancing)}::bigint AS "coFinancing"${extra}
      FROM ${Prisma.raw(`"${p.subjectTable}"`)} t WHERE ${whereOf(f, c)}`;
  });
  // Each subject's money and beneficiaries come summed already (ResultSubjectFigures, kept by triggers).
  return Prisma.sql`WITH "rows" AS (
      SELECT * FROM (
        SELECT i.*, COALESCE(ph."phase", 'intake') AS "phase",
          -- The SDG numbers as an int[] (the API stores whole numbers 1–17): cheaper to test than jsonb.
          CASE WHEN jsonb_typeof(i."sdgs") = 'array'
            THEN string_to_array(translate(i."sdgs"::text, '[] ', ''), ',')::int[] END AS "sdgList",
          COALESCE(i."requested", 0) AS "requestedCents",
          COALESCE(rf."committedCents", 0) AS "committedCents",
          -- Co-financing counts as committed once the item's contract is signed.
          CASE WHEN COALESCE(rf."committedCents", 0) > 0 THEN COALESCE(i."coFinancing", 0) ELSE 0 END AS "coFinancingCents",
          COALESCE(rf."disbursedCents", 0) AS "disbursedCents",
          rf."beneficiariesTarget", rf."beneficiaries", rf."beneficiariesWomen", rf."beneficiariesMen", rf."beneficiariesYouth"
        FROM (${Prisma.join(selects, ' UNION ALL ')}) i
        LEFT JOIN ${phaseTable()} AS ph("programme", "stage", "phase") ON ph."programme" = i."programme" AND ph."stage" = i."stage"
        LEFT JOIN "ResultSubjectFigures" rf ON rf."subjectType" = i."type" AND rf."subjectId" = i."id"
      ) r WHERE ${narrowingOf(d)})`;
}

/** The figures summed over a group of rows (`r`): what every total, chart bar and grouped export row shows. */
const FIGURES = Prisma.sql`COUNT(*)::int AS "items",
  COUNT(*) FILTER (WHERE r."committedCents" > 0)::int AS "funded",
  COALESCE(SUM(r."requestedCents"), 0)::bigint AS "requestedCents",
  COALESCE(SUM(r."committedCents"), 0)::bigint AS "committedCents",
  COALESCE(SUM(r."coFinancingCents"), 0)::bigint AS "coFinancingCents",
  COALESCE(SUM(r."disbursedCents"), 0)::bigint AS "disbursedCents",
  COALESCE(SUM(r."beneficiariesTarget"), 0)::bigint AS "beneficiariesTarget",
  COALESCE(SUM(r."beneficiaries"), 0)::bigint AS "beneficiaries",
  COALESCE(SUM(r."beneficiariesWomen"), 0)::bigint AS "beneficiariesWomen",
  COALESCE(SUM(r."beneficiariesMen"), 0)::bigint AS "beneficiariesMen",
  COALESCE(SUM(r."beneficiariesYouth"), 0)::bigint AS "beneficiariesYouth"`;

export interface GroupFigures {
  items: number;
  funded: number;
  requestedCents: number;
  committedCents: number;
  coFinancingCents: number;
  disbursedCents: number;
  beneficiariesTarget: number;
  beneficiaries: number;
  beneficiariesWomen: number;
  beneficiariesMen: number;
  beneficiariesYouth: number;
}

const FIGURE_KEYS: readonly (keyof GroupFigures)[] = [
  'items',
  'funded',
  'requestedCents',
  'committedCents',
  'coFinancingCents',
  'disbursedCents',
  'beneficiariesTarget',
  'beneficiaries',
  'beneficiariesWomen',
  'beneficiariesMen',
  'beneficiariesYouth',
];

function figuresOf(row: Record<string, unknown> | null | undefined): GroupFigures {
  const out = {} as GroupFigures;
  for (const k of FIGURE_KEYS) out[k] = Number(row?.[k] ?? 0);
  return out;
}

export interface ResultFigures {
  totals: GroupFigures & { countries: number; completedByProgramme: Record<string, number> };
  funnel: Map<string, GroupFigures>;
  disbursementByMonth: { month: string; cents: number }[];
  bySdg: Map<number, GroupFigures>;
  byCountry: Map<string, GroupFigures>;
  byThematicArea: Map<string, GroupFigures>;
}

/** A grouping as a JSON array of {key, ...figures} over the rows. */
const grouped = (key: Prisma.Sql, from: Prisma.Sql = Prisma.sql`"rows" r`, where: Prisma.Sql = Prisma.sql`TRUE`) =>
  Prisma.sql`(SELECT COALESCE(json_agg(g), '[]'::json) FROM (SELECT ${key} AS "key", ${FIGURES} FROM ${from} WHERE ${where} GROUP BY 1) g)`;

/**
 * The dashboard's figures over the filtered (and narrowed) items, all summed by PostgreSQL in one
 * statement: totals, items per phase with their requested money, disbursement per month, and the
 * figures per SDG (an item counts under each of its SDGs), country and thematic area.
 */
export async function resultFigures(prisma: PrismaClient, f: ResultFilters, d: DrillDown = {}): Promise<ResultFigures> {
  const cte = rowsCte(f, d, false);
  const empty: ResultFigures = {
    totals: { ...figuresOf(null), countries: 0, completedByProgramme: {} },
    funnel: new Map(),
    disbursementByMonth: [],
    bySdg: new Map(),
    byCountry: new Map(),
    byThematicArea: new Map(),
  };
  for (const p of PROGRAMME_LIST) empty.totals.completedByProgramme[p.id] = 0;
  if (!cte) return empty;
  // Each item once under each SDG (1–17) it lists: one pass over the items (a join with the 17 goals tested
  // every item against each goal, the slowest part of the statement at 10,000 items).
  const sdgs = Prisma.sql`"rows" r CROSS JOIN LATERAL (SELECT DISTINCT u."sdg" FROM unnest(r."sdgList") AS u("sdg")
    WHERE u."sdg" BETWEEN 1 AND 17) s`;
  const [row] = await prisma.$queryRaw<Record<string, unknown>[]>(Prisma.sql`${cte}
    SELECT
      (SELECT row_to_json(t) FROM (SELECT ${FIGURES} FROM "rows" r) t) AS "totals",
      (SELECT COALESCE(json_object_agg(c."programme", c."n"), '{}'::json) FROM (
        SELECT r."programme", COUNT(*)::int AS "n" FROM "rows" r WHERE r."phase" = 'closed' GROUP BY 1) c) AS "completed",
      ${grouped(Prisma.sql`r."phase"`)} AS "funnel",
      (SELECT COALESCE(json_agg(json_build_object('month', to_char(m."month", 'YYYY-MM'), 'cents', m."cents") ORDER BY m."month"), '[]'::json) FROM (
        SELECT date_trunc('month', p."releasedAt" AT TIME ZONE 'UTC') AS "month", SUM(p."amountCents")::bigint AS "cents"
        FROM "Payment" p JOIN "rows" r ON p."subjectType" = r."type" AND p."subjectId" = r."id" GROUP BY 1) m) AS "months",
      ${grouped(Prisma.sql`s."sdg"`, sdgs)} AS "bySdg",
      ${grouped(Prisma.sql`r."countryCode"`)} AS "byCountry",
      ${grouped(Prisma.sql`r."thematicAreaId"`, undefined, Prisma.sql`r."thematicAreaId" IS NOT NULL`)} AS "byThematicArea"`);
  const totals = row.totals as Record<string, unknown>;
  const groups = <K>(v: unknown, key: (k: unknown) => K) =>
    new Map((v as Record<string, unknown>[]).map((g) => [key(g.key), figuresOf(g)]));
  return {
    totals: {
      ...figuresOf(totals),
      // Every item has a country: the countries are the country groups.
      countries: (row.byCountry as unknown[]).length,
      completedByProgramme: { ...empty.totals.completedByProgramme, ...(row.completed as Record<string, number>) },
    },
    funnel: groups(row.funnel, String),
    disbursementByMonth: (row.months as { month: string; cents: number }[]).map((m) => ({
      month: m.month,
      cents: Number(m.cents),
    })),
    bySdg: groups(row.bySdg, Number),
    byCountry: groups(row.byCountry, String),
    byThematicArea: groups(row.byThematicArea, String),
  };
}

interface Row {
  type: SubjectType;
  programme: Programme;
  id: string;
  title: string;
  countryCode: string;
  stage: string;
  phase: string;
  sdgs: unknown;
  thematicAreaId: string | null;
  party: string | null;
  score: number | null;
  createdAt: Date;
  closedAt: Date | null;
  requestedCents: bigint | number;
  committedCents: bigint | number;
  coFinancingCents: bigint | number;
  disbursedCents: bigint | number;
  beneficiariesTarget: bigint | number | null;
  beneficiaries: bigint | number | null;
  beneficiariesWomen: bigint | number | null;
  beneficiariesMen: bigint | number | null;
  beneficiariesYouth: bigint | number | null;
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
 * filters select: one statement per programme that declares any. `today` is the Clock's day (UTC),
 * which a figure reads as `clock."today"` (months served so far), never the database server's date.
 */
export async function programmeFigures(
  prisma: PrismaClient,
  f: ResultFilters,
  today: string,
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
      Prisma.sql`SELECT ${Prisma.join(cols, ', ')} FROM ${Prisma.raw(`"${p.subjectTable}"`)} t
        CROSS JOIN (SELECT ${today}::date AS "today") clock WHERE ${whereOf(f, c)}`,
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

/**
 * The items matching the filters and the drill-down, newest first, with their money and results:
 * every one, or one page of them (`limit`/`offset`) when listing.
 */
export async function resultItems(
  prisma: PrismaClient,
  f: ResultFilters,
  d: DrillDown = {},
  page?: { limit: number; offset: number },
): Promise<ResultItem[]> {
  const cte = rowsCte(f, d, true);
  if (!cte) return [];
  const rows = await prisma.$queryRaw<Row[]>(
    Prisma.sql`${cte} SELECT * FROM "rows" ORDER BY "createdAt" DESC, "id" DESC
      ${page ? Prisma.sql`LIMIT ${page.limit} OFFSET ${page.offset}` : Prisma.empty}`,
  );
  const num = (v: bigint | number | null) => (v === null || v === undefined ? 0 : Number(v));
  const opt = (v: bigint | number | null) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    type: r.type,
    programme: r.programme,
    id: r.id,
    title: r.title,
    countryCode: r.countryCode,
    stage: r.stage,
    phase: r.phase as Phase | Outcome,
    sdgs: Array.isArray(r.sdgs) ? (r.sdgs as unknown[]).filter((n): n is number => typeof n === 'number') : [],
    thematicAreaId: r.thematicAreaId,
    party: r.party,
    score: r.score === null ? null : Math.round(r.score * 10) / 10,
    createdAt: new Date(r.createdAt),
    closedAt: r.closedAt ? new Date(r.closedAt) : null,
    requestedCents: num(r.requestedCents),
    committedCents: num(r.committedCents),
    coFinancingCents: num(r.coFinancingCents),
    disbursedCents: num(r.disbursedCents),
    beneficiariesTarget: opt(r.beneficiariesTarget),
    beneficiaries: opt(r.beneficiaries),
    beneficiariesWomen: opt(r.beneficiariesWomen),
    beneficiariesMen: opt(r.beneficiariesMen),
    beneficiariesYouth: opt(r.beneficiariesYouth),
  }));
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
