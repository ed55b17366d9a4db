import { Prisma } from '../../generated/prisma/client';
import {
  phaseOf,
  phasesOf,
  programmeOfSubject,
  programmeSpec,
  stagesInPhase,
  PROGRAMMES,
  type Programme,
  type SubjectType,
} from '../../domain/registry';
import type { Outcome, Phase } from '../../domain/stages';
import type { ApiContext } from '../context';
import { toCsv } from '../csv';
import { forbidden } from '../errors';
import type { ApiRouter } from '../router';
import { pipelineExportQuerySchema, pipelineQuerySchema, pipelineSchema } from '../schemas';
import { asStage } from '../views';
import type { AuthUser } from '../types';

/**
 * The pipeline: counts by phase (and outcome) for every programme, overdue open tasks, average
 * days items have spent in their current (active) stage, by phase, failed notifications, and the
 * items themselves with their age, oldest-stuck first. A few aggregate SQL statements over indexed columns,
 * whatever the number of items (see the SQL below).
 */
interface Filters {
  programme?: Programme;
  country?: string;
  /** A phase or outcome: items of every programme's stages in it. */
  stage?: Phase | Outcome;
  /** Programmes in which the caller sees only their own subjects (a `same: 'userId'` scope rule): the column naming them. */
  own?: Partial<Record<Programme, { column: string; userId: string }>>;
}

const TABLE = Object.fromEntries(
  PROGRAMMES.map((p) => [
    p,
    { table: Prisma.raw(`"${programmeSpec(p).subjectTable}"`), type: programmeSpec(p).subjectType as SubjectType },
  ]),
) as Record<Programme, { table: Prisma.Sql; type: SubjectType }>;

const DAY_MS = 86_400_000;

function programmesOf(f: Filters): Programme[] {
  return f.programme ? [f.programme] : [...PROGRAMMES];
}

function whereOf(p: Programme, f: Filters, withStage: boolean): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`1 = 1`];
  if (f.country) parts.push(Prisma.sql`"countryCode" = ${f.country}`);
  const own = f.own?.[p];
  if (own) parts.push(Prisma.sql`${Prisma.raw(`"${own.column}"`)} = ${own.userId}`);
  if (withStage && f.stage) {
    const stages = stagesInPhase(p, f.stage);
    parts.push(stages.length ? Prisma.sql`"stage" IN (${Prisma.join(stages)})` : Prisma.sql`1 = 0`);
  }
  return Prisma.join(parts, ' AND ');
}

/**
 * Co approvers see their own country only; an explicit other country is refused. Where a programme's
 * scope rule gives the role only its own subjects (an internship's supervisor), only those count.
 */
function effectiveFilters(user: AuthUser, q: Filters): Filters {
  const own: Filters['own'] = {};
  for (const p of PROGRAMMES) {
    const rule = programmeSpec(p).roles[user.role]?.scope;
    if (rule && 'column' in rule) own[p] = { column: rule.column, userId: user.id };
  }
  if (user.role !== 'co_approver') return { ...q, own };
  if (!user.countryCode) throw forbidden('your account is not linked to a Country Office');
  if (q.country && q.country !== user.countryCode) throw forbidden(`you see the ${user.countryCode} pipeline only`);
  return { ...q, country: user.countryCode, own };
}

interface ItemRow {
  type: SubjectType;
  id: string;
  title: string;
  countryCode: string;
  stage: string;
  stageEnteredAt: string | Date;
  createdAt: string | Date;
  closedAt: string | Date | null;
}

function itemsSql(f: Filters, limit: number, offset: number): Prisma.Sql {
  const selects = programmesOf(f).map(
    (p) =>
      Prisma.sql`SELECT ${TABLE[p].type}::text AS "type", "id", "title", "countryCode", "stage", "stageEnteredAt", "createdAt", "closedAt" FROM ${TABLE[p].table} WHERE ${whereOf(p, f, true)}`,
  );
  return Prisma.sql`SELECT * FROM (${Prisma.join(selects, ' UNION ALL ')}) AS "items" ORDER BY ("closedAt" IS NOT NULL), "stageEnteredAt" ASC, "id" ASC LIMIT ${limit} OFFSET ${offset}`;
}

function toItem(r: ItemRow, now: number) {
  const entered = new Date(r.stageEnteredAt);
  const created = new Date(r.createdAt);
  const end = r.closedAt ? new Date(r.closedAt).getTime() : now;
  return {
    type: r.type,
    programme: programmeOfSubject(r.type).id,
    id: r.id,
    title: r.title,
    countryCode: r.countryCode,
    stage: asStage(r.stage),
    stageEnteredAt: entered.toISOString(),
    createdAt: created.toISOString(),
    ageDays: Math.round(((end - created.getTime()) / DAY_MS) * 10) / 10,
    daysInStage: Math.round(((end - entered.getTime()) / DAY_MS) * 10) / 10,
  };
}

async function countItems(ctx: ApiContext, f: Filters): Promise<number> {
  const counts = await Promise.all(
    programmesOf(f).map(async (p) => {
      const rows = await ctx.prisma.$queryRaw<{ n: bigint | number }[]>(
        Prisma.sql`SELECT COUNT(*) AS "n" FROM ${TABLE[p].table} WHERE ${whereOf(p, f, true)}`,
      );
      return Number(rows[0]?.n ?? 0);
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

export function pipelineRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  router.add(
    {
      method: 'get',
      path: '/pipeline',
      operationId: 'getPipeline',
      cached: true,
      tag: 'Pipeline',
      summary: 'Pipeline dashboard',
      description:
        'Fund managers (and admins) see everything, a co_approver its own country. `countsByStage` counts the items of each programme by shared phase and outcome ' +
        '(programme and country filters apply); `averageDaysInStage` is the mean time the items now in each phase have spent in their stage; `stage` (a phase or outcome) filters the items.',
      roles: ['fund_manager', 'co_approver', 'admin', 'auditor'],
      query: pipelineQuerySchema,
      success: { status: 200, description: 'The pipeline', schema: pipelineSchema },
    },
    async ({ user, query }) => {
      const f = effectiveFilters(user, query);
      const now = Date.now();
      const programmes = programmesOf(f);

      const countsByStage: Record<string, Record<string, number>> = {};
      const averageDaysInStage: Record<string, Record<string, number | null>> = {};
      await Promise.all(
        programmes.map(async (p) => {
          const [counts, averages] = await Promise.all([
            prisma.$queryRaw<{ stage: string; n: bigint | number }[]>(
              Prisma.sql`SELECT "stage", COUNT(*) AS "n" FROM ${TABLE[p].table} WHERE ${whereOf(p, f, false)} GROUP BY "stage"`,
            ),
            prisma.$queryRaw<{ stage: string; days: number | null; n: bigint | number }[]>(
              Prisma.sql`SELECT "stage", (AVG(EXTRACT(EPOCH FROM (${new Date(now)}::timestamptz - "stageEnteredAt"))) / 86400)::float8 AS "days", COUNT(*) AS "n" FROM ${TABLE[p].table} WHERE ${whereOf(p, f, false)} AND "closedAt" IS NULL GROUP BY "stage"`,
            ),
          ]);
          const { phases, outcomes } = phasesOf(p);
          countsByStage[p] = Object.fromEntries([...phases, ...outcomes].map((s) => [s, 0]));
          for (const c of counts) {
            const phase = phaseOf(p, c.stage);
            if (phase) countsByStage[p][phase] += Number(c.n);
          }
          // A phase's mean over its stages, weighted by their items.
          const sums = new Map<string, { days: number; n: number }>();
          for (const a of averages) {
            const phase = phaseOf(p, a.stage);
            if (!phase || a.days === null) continue;
            const sum = sums.get(phase) ?? { days: 0, n: 0 };
            sums.set(phase, { days: sum.days + Number(a.days) * Number(a.n), n: sum.n + Number(a.n) });
          }
          averageDaysInStage[p] = Object.fromEntries(phases.map((s) => [s, null]));
          for (const [phase, sum] of sums)
            if (sum.n) averageDaysInStage[p][phase] = Math.round((sum.days / sum.n) * 10) / 10;
        }),
      );

      const taskWhere: Prisma.TaskWhereInput = {
        status: 'open',
        OR: [{ overdue: true }, { dueAt: { lt: new Date(now) } }],
        ...(f.country ? { countryCode: f.country } : {}),
        ...(f.programme ? { programme: f.programme } : {}),
      };
      const failedSql =
        f.country || f.programme
          ? Prisma.sql`SELECT COUNT(*) AS "n" FROM "Outbox" o WHERE o."status" = 'failed' AND (${Prisma.join(
              programmes.map(
                (p) =>
                  Prisma.sql`o."workflowId" IN (SELECT "workflowId" FROM ${TABLE[p].table} WHERE ${whereOf(p, f, false)})`,
              ),
              ' OR ',
            )})`
          : Prisma.sql`SELECT COUNT(*) AS "n" FROM "Outbox" WHERE "status" = 'failed'`;

      const [overdueOpenTasks, failed, total, rows] = await Promise.all([
        prisma.task.count({ where: taskWhere }),
        prisma.$queryRaw<{ n: bigint | number }[]>(failedSql),
        countItems(ctx, f),
        prisma.$queryRaw<ItemRow[]>(itemsSql(f, query.pageSize, (query.page - 1) * query.pageSize)),
      ]);
      return {
        body: {
          filters: { programme: f.programme ?? null, country: f.country ?? null, stage: f.stage ?? null },
          countsByStage,
          averageDaysInStage,
          overdueOpenTasks,
          failedNotifications: Number(failed[0]?.n ?? 0),
          items: rows.map((r) => toItem(r, now)),
          total,
          page: query.page,
          pageSize: query.pageSize,
        },
      };
    },
  );

  router.add(
    {
      method: 'get',
      path: '/pipeline/export.csv',
      operationId: 'exportPipelineCsv',
      tag: 'Pipeline',
      summary: 'Pipeline items as CSV',
      description:
        'Same filters and scope as /pipeline; every item (up to 100,000). Cells that a spreadsheet would read as a formula are prefixed with an apostrophe.',
      roles: ['fund_manager', 'co_approver', 'admin', 'auditor'],
      query: pipelineExportQuerySchema,
      success: {
        status: 200,
        description: 'CSV (UTF-8 with a byte order mark)',
        contentType: 'text/csv',
        headers: ['Content-Disposition'],
      },
    },
    async ({ user, query, res }) => {
      const f = effectiveFilters(user, query);
      const now = Date.now();
      const rows = await prisma.$queryRaw<ItemRow[]>(itemsSql(f, 100_000, 0));
      const items = rows.map((r) => toItem(r, now));
      const columns = [
        'type',
        'programme',
        'id',
        'title',
        'countryCode',
        'stage',
        'stageEnteredAt',
        'createdAt',
        'ageDays',
        'daysInStage',
      ] as const;
      const csv = toCsv(columns, items);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="pipeline.csv"');
      res.status(200).send(csv);
    },
  );
}
