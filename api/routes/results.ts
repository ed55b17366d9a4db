import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import {
  indicatorsOf,
  periodBreaches,
  REPORTING_PHASES,
  TARGET_PHASES,
  valueBreaches,
  type IndicatorValues,
  type RuleBreach,
} from '../../domain/results';
import { phaseOf, PROGRAMME_LIST, type Programme, type SubjectType } from '../../domain/registry';
import { operationName, subjectIdParam } from '../subject-routes';
import type { Role } from '../../domain/roles';
import { subjectTable } from '../../lib/subject-table';
import { withTemporalDeadline, type ApiContext } from '../context';
import { conflict, forbidden, notFound, validationFailed } from '../errors';
import { paged } from '../ids';
import {
  resultReportBody,
  resultTargetsBody,
  subjectResultsSchema,
  provenanceSchema,
  resultItemPageSchema,
  resultItemsQuerySchema,
  resultsDashboardSchema,
  resultsQuerySchema,
  type resultItemSchema,
} from '../results-schemas';
import {
  programmeFigures,
  resultFigures,
  resultItems,
  type DrillDown,
  type GroupFigures,
  type ResultFilters,
  type ResultItem,
} from '../results-data';
import type { ApiRouter } from '../router';
import { subjectScope } from '../scope';
import type { AuthUser } from '../types';
import { asStage } from '../views';
import { resultExportRoutes } from './results-exports';

/** Who states a subject's targets and who reports its actuals (each only on the subjects their role's scope shows them). */
const TARGET_ROLES: readonly Role[] = ['applicant', 'co_approver', 'fund_manager'];
const REPORT_ROLES: readonly Role[] = ['applicant', 'co_approver', 'fund_manager', 'expert'];
const DASHBOARD_ROLES: readonly Role[] = ['fund_manager', 'co_approver', 'admin', 'auditor'];

const usd = (cents: number) => cents / 100;
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

/** Co approvers see their own country only; an explicit other country is refused. */
export function resultFiltersFor(user: AuthUser, q: ResultFilters): ResultFilters {
  if (user.role !== 'co_approver') return q;
  if (!user.countryCode) throw forbidden('your account is not linked to a Country Office');
  if (q.country && q.country !== user.countryCode) throw forbidden(`you see the ${user.countryCode} results only`);
  return { ...q, country: user.countryCode };
}

export function drillDownOf(q: { phase?: DrillDown['phase']; paidIn?: number; funded?: string; reported?: string }) {
  const flag = (v: string | undefined) => (v === undefined ? undefined : v === 'true');
  return { phase: q.phase, paidIn: q.paidIn, funded: flag(q.funded), reported: flag(q.reported) };
}

export function resultItemView(i: ResultItem): z.input<typeof resultItemSchema> {
  return {
    type: i.type,
    programme: i.programme,
    id: i.id,
    title: i.title,
    countryCode: i.countryCode,
    stage: asStage(i.stage),
    phase: i.phase,
    sdgs: i.sdgs,
    thematicAreaId: i.thematicAreaId,
    party: i.party,
    score: i.score,
    submittedAt: i.createdAt.toISOString(),
    closedAt: i.closedAt?.toISOString() ?? null,
    requestedUsd: usd(i.requestedCents),
    committedUsd: usd(i.committedCents),
    coFinancingUsd: usd(i.coFinancingCents),
    disbursedUsd: usd(i.disbursedCents),
    beneficiariesTarget: i.beneficiariesTarget,
    beneficiaries: i.beneficiaries,
    beneficiariesWomen: i.beneficiariesWomen,
    beneficiariesMen: i.beneficiariesMen,
    beneficiariesYouth: i.beneficiariesYouth,
  };
}

function groupView(g: GroupFigures) {
  return {
    items: g.items,
    committedUsd: usd(g.committedCents),
    disbursedUsd: usd(g.disbursedCents),
    beneficiaries: g.beneficiaries,
  };
}

interface ReportRow {
  id: string;
  periodStart: Date | null;
  periodEnd: Date | null;
  values: Prisma.JsonValue;
  taskId: string | null;
  note: string | null;
  enteredById: string;
  createdAt: Date;
  updatedAt: Date;
}

function reportView(r: ReportRow) {
  return {
    id: r.id,
    periodStart: day(r.periodStart),
    periodEnd: day(r.periodEnd),
    values: r.values as IndicatorValues,
    taskId: r.taskId,
    note: r.note,
    enteredById: r.enteredById,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function resultRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;
  const { clock } = ctx;
  /** The Clock's day (UTC): what the programmes' own figures run to. */
  const clockDay = () => clock.now().toISOString().slice(0, 10);

  for (const spec of PROGRAMME_LIST) {
    const programme = spec.id as Programme;
    const subjectType = spec.subjectType as SubjectType;
    const what = spec.labels.subject.en.toLowerCase();
    const name = operationName(spec);
    const idParam = subjectIdParam(spec);

    /** The subject if the caller's role may see it (else 404), with what the results need. */
    async function subjectFor(user: AuthUser, id: string) {
      const scope = await subjectScope(prisma, programme, user);
      const row = (await subjectTable(prisma, subjectType).findFirst({
        where: { AND: [{ id }, scope] },
        select: { id: true, stage: true, countryCode: true, workflowId: true },
      })) as { id: string; stage: string; countryCode: string; workflowId: string } | null;
      if (!row) throw notFound(what);
      const phase = phaseOf(programme, row.stage);
      return { ...row, phase };
    }

    async function resultsOf(user: AuthUser, id: string) {
      const subject = await subjectFor(user, id);
      const [rows, office] = await Promise.all([
        prisma.resultReport.findMany({
          where: { subjectId: id, subjectType },
          orderBy: [{ periodStart: 'asc' }, { createdAt: 'asc' }],
        }),
        clock.office(subject.countryCode),
      ]);
      const targets = rows.find((r) => r.kind === 'target') ?? null;
      const reports = rows.filter((r) => r.kind === 'actual');
      const actuals: IndicatorValues = {};
      for (const r of reports)
        for (const [k, v] of Object.entries(r.values as IndicatorValues))
          actuals[k as keyof IndicatorValues] = (actuals[k as keyof IndicatorValues] ?? 0) + (v ?? 0);
      return {
        subjectType,
        subjectId: id,
        programme,
        indicators: [...indicatorsOf(programme)],
        targets: targets ? reportView(targets) : null,
        reports: reports.map(reportView),
        actuals,
        today: clock.today(office),
        canSetTargets: TARGET_ROLES.includes(user.role) && !!subject.phase && TARGET_PHASES.includes(subject.phase),
        canReport: REPORT_ROLES.includes(user.role) && !!subject.phase && REPORTING_PHASES.includes(subject.phase),
      };
    }

    router.add(
      {
        method: 'get',
        path: `/${spec.apiPath}/:id/results`,
        operationId: `get${name}Results`,
        cached: true,
        tag: 'Results',
        summary: `The ${what}'s indicators: targets and reported actuals`,
        description: 'Whoever may see the subject. `canSetTargets` and `canReport` say what the caller may do now.',
        params: idParam,
        success: { status: 200, description: 'Targets, reports and their sum', schema: subjectResultsSchema },
        errors: [404],
      },
      async ({ user, params }) => ({ body: await resultsOf(user, params.id) }),
    );

    router.add(
      {
        method: 'get',
        path: `/${spec.apiPath}/:id/provenance`,
        operationId: `get${name}Provenance`,
        tag: 'Results',
        summary: `How each decision on the ${what} was made (JSON)`,
        description:
          'Every automatic and human decision step, oldest first: who or what decided and when, the rule set in force (id, name, ' +
          'effective date), each rule evaluated with its outcome and input figures, the task decisions, payments and stage change, ' +
          'and the workflow id, run id and committing activity. Kept in the database: it answers after Temporal deleted the history.',
        roles: ['fund_manager', 'admin', 'co_approver', 'auditor'],
        params: idParam,
        success: { status: 200, description: 'The decisions', schema: provenanceSchema },
        errors: [404],
      },
      async ({ user, params }) => {
        const subject = await subjectFor(user, params.id);
        const [rows, historyAvailable] = await Promise.all([
          prisma.decisionRecord.findMany({ where: { subjectId: subject.id, subjectType }, orderBy: { at: 'asc' } }),
          withTemporalDeadline(ctx, () => ctx.temporal.workflow.getHandle(subject.workflowId).describe(), 5_000).then(
            () => true,
            () => false,
          ),
        ]);
        const list = (v: Prisma.JsonValue | null) => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);
        return {
          body: {
            subjectType,
            subjectId: subject.id,
            workflowId: subject.workflowId,
            historyAvailable,
            decisions: rows.map((r) => ({
              key: r.key,
              at: r.at.toISOString(),
              kind: r.kind === 'human' ? ('human' as const) : ('automatic' as const),
              actions: Array.isArray(r.actions) ? r.actions.map(String) : [],
              decidedBy: { id: r.actorId, role: r.actorRole },
              outcome: r.outcome,
              ruleSet: r.ruleSetId
                ? { id: r.ruleSetId, name: r.ruleSetName, effectiveFrom: day(r.ruleSetEffectiveFrom) }
                : null,
              findings: list(r.findings).map((f) => ({
                rule: String(f.rule),
                outcome: String(f.outcome),
                message: typeof f.message === 'string' ? f.message : null,
                figures: f.data ?? null,
              })),
              decisions: list(r.decisions),
              payments: list(r.payments),
              stage: (r.stage as { from: string | null; to: string } | null) ?? null,
              workflow: { workflowId: r.workflowId, runId: r.runId, activityId: r.activityId },
            })),
          },
        };
      },
    );

    router.add(
      {
        method: 'post',
        path: `/${spec.apiPath}/:id/results/targets`,
        operationId: `update${name}ResultTargets`,
        tag: 'Results',
        summary: `State the ${what}'s targets (replaces earlier ones)`,
        description:
          'Until the contract is signed (intake to contracting). Whole numbers, none negative; women and men together and youth ' +
          'may not exceed the beneficiaries. Audited with the values before and after.',
        roles: TARGET_ROLES,
        params: idParam,
        body: resultTargetsBody,
        success: { status: 200, description: 'The results after the change', schema: subjectResultsSchema },
        errors: [404, 409],
      },
      async ({ user, params, body, req }) => {
        const subject = await subjectFor(user, params.id);
        if (!subject.phase || !TARGET_PHASES.includes(subject.phase))
          throw conflict(`the ${what}'s targets are fixed once its contract is signed`, 'targets_fixed');
        refuse(valueBreaches(programme, body.values));
        const id = `target:${subjectType}:${subject.id}`;
        await prisma.$transaction(async (tx) => {
          const before = await tx.resultReport.findUnique({ where: { id }, select: { values: true } });
          const row = {
            programme,
            subjectType,
            subjectId: subject.id,
            countryCode: subject.countryCode,
            kind: 'target',
            values: body.values,
            note: body.note ?? null,
            enteredById: user.id,
          };
          await tx.resultReport.upsert({ where: { id }, create: { id, ...row }, update: row });
          await tx.resultValue.deleteMany({ where: { reportId: id } });
          await tx.resultValue.createMany({ data: valueRows(id, 'target', subjectType, subject.id, body.values) });
          await audit(tx, user, subject, req.requestId, 'results_targets_set', {
            reportId: id,
            values: body.values,
            before: before?.values ?? null,
          });
        });
        return { body: await resultsOf(user, subject.id) };
      },
    );

    router.add(
      {
        method: 'post',
        path: `/${spec.apiPath}/:id/results/reports`,
        operationId: `create${name}ResultReport`,
        tag: 'Results',
        summary: `Report what the ${what} achieved in a period`,
        description:
          "From implementation on (and once closed). The period must be over: it ends today or earlier in the Country Office's " +
          'time zone (the Clock), and may not overlap a period already reported. Whole numbers, none negative; women and men ' +
          'together and youth may not exceed the beneficiaries. Audited.',
        roles: REPORT_ROLES,
        params: idParam,
        body: resultReportBody,
        success: { status: 201, description: 'The results with the new report', schema: subjectResultsSchema },
        errors: [404, 409],
      },
      async ({ user, params, body, req }) => {
        const subject = await subjectFor(user, params.id);
        if (!subject.phase || !REPORTING_PHASES.includes(subject.phase))
          throw conflict(`the ${what} reports results from its implementation on`, 'not_reporting_yet');
        const breaches = valueBreaches(programme, body.values);
        if (body.taskId) {
          const task = await prisma.task.findUnique({ where: { id: body.taskId }, select: { subjectId: true } });
          if (!task || task.subjectId !== subject.id)
            breaches.push({ path: 'taskId', message: `is not a task of this ${what}` });
        }
        const today = clock.today(await clock.office(subject.countryCode));
        const id = `${subjectType}:${subject.id}:${body.periodStart}`;
        await prisma.$transaction(
          async (tx) => {
            // One report at a time per subject: the overlap check and the insert see the same reports.
            await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`results:${subject.id}`}))`;
            const others = await tx.resultReport.findMany({
              where: { subjectId: subject.id, subjectType, kind: 'actual' },
              select: { periodStart: true, periodEnd: true },
            });
            refuse([
              ...breaches,
              ...periodBreaches(
                body,
                today,
                others.map((o) => ({ periodStart: day(o.periodStart)!, periodEnd: day(o.periodEnd)! })),
              ),
            ]);
            await tx.resultReport.create({
              data: {
                id,
                programme,
                subjectType,
                subjectId: subject.id,
                countryCode: subject.countryCode,
                kind: 'actual',
                periodStart: new Date(`${body.periodStart}T00:00:00Z`),
                periodEnd: new Date(`${body.periodEnd}T00:00:00Z`),
                taskId: body.taskId ?? null,
                note: body.note ?? null,
                values: body.values,
                enteredById: user.id,
              },
            });
            await tx.resultValue.createMany({ data: valueRows(id, 'actual', subjectType, subject.id, body.values) });
            await audit(tx, user, subject, req.requestId, 'results_reported', {
              reportId: id,
              periodStart: body.periodStart,
              periodEnd: body.periodEnd,
              values: body.values,
              ...(body.taskId ? { taskId: body.taskId } : {}),
            });
          },
          { timeout: 10_000 },
        );
        return { status: 201, body: await resultsOf(user, subject.id) };
      },
    );
  }

  router.add(
    {
      method: 'get',
      path: '/results',
      operationId: 'getResultsDashboard',
      // The same answer for every caller with the same scope and filters, until a results table changes.
      // Keyed by the Clock's day too: months served move on without a write.
      cached: { topic: 'results', by: ({ user, query }) => ({ ...resultFiltersFor(user, query), today: clockDay() }) },
      tag: 'Results',
      summary: 'Results dashboard: the portfolio in figures',
      description:
        'Fund managers and admins see every country, a co_approver its own (another country is 403). Committed: signed ' +
        'contracts (co-financing of those items); disbursed: released payments; beneficiaries: the actuals reported. Each ' +
        'figure drills down to its items through GET /results/items with the same filters.',
      roles: DASHBOARD_ROLES,
      query: resultsQuerySchema,
      success: { status: 200, description: 'Totals and chart series', schema: resultsDashboardSchema },
    },
    async ({ user, query }) => {
      const f = resultFiltersFor(user, query);
      const figures = await resultFigures(prisma, f);
      const phases = [...new Set(PROGRAMME_LIST.flatMap((p) => p.stages.map((s) => s.phase as string)))];
      const outcomes = [...new Set(PROGRAMME_LIST.flatMap((p) => Object.values(p.endings) as string[]))];
      const t = figures.totals;
      const sorted = <K>(m: Map<K, GroupFigures>) =>
        [...m.entries()].sort((a, b) => b[1].items - a[1].items || String(a[0]).localeCompare(String(b[0])));
      return {
        body: {
          filters: {
            programme: f.programme ?? null,
            country: f.country ?? null,
            year: f.year ?? null,
            sdg: f.sdg ?? null,
            thematicArea: f.thematicArea ?? null,
          },
          totals: {
            items: t.items,
            funded: t.funded,
            countries: t.countries,
            committedUsd: usd(t.committedCents),
            coFinancingUsd: usd(t.coFinancingCents),
            disbursedUsd: usd(t.disbursedCents),
            beneficiariesTarget: t.beneficiariesTarget,
            beneficiaries: t.beneficiaries,
            beneficiariesWomen: t.beneficiariesWomen,
            beneficiariesMen: t.beneficiariesMen,
            beneficiariesYouth: t.beneficiariesYouth,
            completedByProgramme: t.completedByProgramme,
          },
          funnel: [...phases, ...outcomes].map((p) => ({
            phase: p as never,
            items: figures.funnel.get(p)?.items ?? 0,
            requestedUsd: usd(figures.funnel.get(p)?.requestedCents ?? 0),
          })),
          disbursementByMonth: figures.disbursementByMonth.map((m) => ({ month: m.month, usd: usd(m.cents) })),
          bySdg: [...figures.bySdg.entries()].sort((a, b) => a[0] - b[0]).map(([sdg, g]) => ({ sdg, ...groupView(g) })),
          byCountry: sorted(figures.byCountry).map(([c, g]) => ({ countryCode: c, ...groupView(g) })),
          byThematicArea: sorted(figures.byThematicArea).map(([a, g]) => ({ thematicAreaId: a, ...groupView(g) })),
          programmeFigures: await programmeFigures(prisma, f, clockDay()),
        },
      };
    },
  );

  router.add(
    {
      method: 'get',
      path: '/results/items',
      operationId: 'listResultItems',
      cached: { topic: 'results', by: ({ user, query }) => resultFiltersFor(user, query) },
      tag: 'Results',
      summary: 'The items behind a dashboard figure (drill-down), newest first',
      description:
        'The dashboard filters and scope, narrowed by a figure: a phase, a year of payments, funded, reported.',
      roles: DASHBOARD_ROLES,
      query: resultItemsQuerySchema,
      success: {
        status: 200,
        description: 'A page of items and the figures of all of them',
        schema: resultItemPageSchema,
      },
    },
    async ({ user, query }) => {
      const f = resultFiltersFor(user, query);
      const d = drillDownOf(query);
      const [figures, items] = await Promise.all([
        resultFigures(prisma, f, d),
        resultItems(prisma, f, d, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize }),
      ]);
      return {
        body: {
          ...paged(items.map(resultItemView), figures.totals.items, query.page, query.pageSize),
          totals: groupView(figures.totals),
        },
      };
    },
  );

  resultExportRoutes(router, ctx);
}

function refuse(breaches: RuleBreach[]): void {
  if (breaches.length) throw validationFailed(breaches);
}

function valueRows(reportId: string, kind: string, subjectType: string, subjectId: string, values: IndicatorValues) {
  return Object.entries(values).map(([indicator, value]) => ({
    reportId,
    indicator,
    value: value ?? 0,
    kind,
    subjectType,
    subjectId,
  }));
}

async function audit(
  tx: Prisma.TransactionClient,
  user: AuthUser,
  subject: { id: string; workflowId: string },
  requestId: string | undefined,
  action: string,
  data: Prisma.InputJsonValue,
): Promise<void> {
  const s = PROGRAMME_LIST.find((p) => subject.workflowId.startsWith(p.workflowIdPrefix));
  await tx.auditEvent.create({
    data: {
      key: `results:${randomUUID()}`,
      workflowId: subject.workflowId,
      subjectType: s?.subjectType ?? 'unknown',
      subjectId: subject.id,
      actorId: user.id,
      actorRole: user.role,
      action,
      data,
      requestId: requestId ?? null,
    },
  });
}
