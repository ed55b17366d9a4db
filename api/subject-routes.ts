import type { z } from 'zod';
import type { ProgrammeSpec } from '../domain/programme';
import { programmeSpec, type Programme, type SubjectType } from '../domain/registry';
import type { Role } from '../domain/roles';
import { subjectTable } from '../lib/subject-table';
import type { ApiContext } from './context';
import { executeWithdraw } from './decide';
import { notFound } from './errors';
import { paged } from './ids';
import type { ApiRouter } from './router';
import { stageResponseSchema, withdrawBodySchema } from './schemas';
import { subjectScope } from './scope';
import type { AuthUser } from './types';
import { TASK_LITE_SELECT, timeline, visibleOpenTasks } from './views';

/** The subject's part of a programme's operation ids: `proposal` → `Proposal`, `expert_request` → `ExpertRequest`. */
export function operationName(spec: ProgrammeSpec): string {
  return spec.subjectType.replace(/(^|_)([a-z])/g, (_m, _p, c: string) => c.toUpperCase());
}

/** The documented `:id` parameter of a programme's subject routes. */
export function subjectIdParam(spec: ProgrammeSpec): { id: { description: string; example: string } } {
  return {
    id: {
      description: `The ${spec.labels.subject.en.toLowerCase()} id`,
      example: `${spec.subjectIdPrefix}-0a1b2c3d4e5f6g7h`,
    },
  };
}

/** The subject's name in a sentence ("internship application", "UN Volunteer assignment"). */
function subjectNoun(spec: ProgrammeSpec): string {
  return spec.labels.subject.en.replace(/^[A-Z](?![A-Z])/, (c) => c.toLowerCase());
}

/** The query every subject list takes: a page, and a stage and a country to narrow it to. */
interface SubjectListQuery {
  page: number;
  pageSize: number;
  stage?: string;
  country?: string;
}

type ItemsOf<R extends z.ZodType> = z.input<R> extends { items: (infer I)[] } ? I[] : never;

export interface SubjectList<Q extends z.ZodType<SubjectListQuery>, R extends z.ZodType, Row> {
  operationId: string;
  tag: string;
  summary: string;
  roles: readonly Role[];
  query: Q;
  /** The page's schema and its description in the document. */
  schema: R;
  description: string;
  /** The operation that reads one item (the answer's link to it). */
  getOperationId: string;
  /** The columns an item needs, and the items made of those rows (a page at a time). */
  select: Record<string, true>;
  items: (rows: Row[], user: AuthUser) => ItemsOf<R> | Promise<ItemsOf<R>>;
  /** Filters of the programme's own, besides stage and country. */
  filters?: (query: z.output<Q>) => Record<string, unknown>[];
}

/**
 * GET /<apiPath> of a programme: the subjects the caller may see (its registry entry's scope
 * rules), narrowed by stage, country and the programme's own filters, newest first, a page at a time.
 */
export function subjectListRoute<Q extends z.ZodType<SubjectListQuery>, R extends z.ZodType, Row>(
  router: ApiRouter,
  ctx: ApiContext,
  programme: Programme,
  list: SubjectList<Q, R, Row>,
): void {
  const spec = programmeSpec(programme);
  router.add(
    {
      method: 'get',
      path: `/${spec.apiPath}`,
      operationId: list.operationId,
      cached: true,
      tag: list.tag,
      summary: list.summary,
      roles: list.roles,
      query: list.query,
      success: {
        status: 200,
        description: list.description,
        schema: list.schema,
        links: {
          [list.getOperationId]: {
            operationId: list.getOperationId,
            parameters: { id: '$response.body#/items/0/id' },
          },
        },
      },
    },
    async ({ user, query: parsed }) => {
      const query = parsed as z.output<Q>;
      const table = subjectTable(ctx.prisma, spec.subjectType as SubjectType);
      const where = {
        AND: [
          await subjectScope(ctx.prisma, programme, user),
          query.stage ? { stage: query.stage } : {},
          query.country ? { countryCode: query.country } : {},
          ...(list.filters?.(query) ?? []),
        ],
      };
      const [total, rows] = await Promise.all([
        table.count({ where }),
        table.findMany({
          where,
          select: list.select,
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          skip: (query.page - 1) * query.pageSize,
          take: query.pageSize,
        }),
      ]);
      const items = await list.items(rows as Row[], user);
      // ItemsOf<R> made the page's items the schema's: the page is the schema's answer.
      return { body: paged(items, total, query.page, query.pageSize) as never };
    },
  );
}

/** Who withdraws, by the programme's withdrawal rule. */
const WITHDRAWING_ROLES = {
  owner_institution: ['applicant'],
  country_office: ['co_approver'],
  owner_expert: ['expert'],
} as const;

/**
 * POST /<apiPath>/:id/withdraw of a programme: the withdrawal rule of its registry entry decides
 * who may and when (the workflow's Update validator); a subject outside the caller's scope is 404.
 */
export function subjectWithdrawRoute(
  router: ApiRouter,
  ctx: ApiContext,
  programme: Programme,
  route: { operationId: string; tag: string; summary: string; id: { description: string; example: string } },
): void {
  const spec = programmeSpec(programme);
  const what = subjectNoun(spec);
  router.add(
    {
      method: 'post',
      path: `/${spec.apiPath}/:id/withdraw`,
      operationId: route.operationId,
      tag: route.tag,
      summary: route.summary,
      description:
        'The body (a reason) is optional. Accepts Idempotency-Key: a retry with the same key and body gets the first answer.',
      roles: WITHDRAWING_ROLES[spec.withdrawal.by],
      body: withdrawBodySchema,
      idempotent: true,
      params: { id: route.id },
      success: { status: 200, description: 'Withdrawn', schema: stageResponseSchema },
      errors: [404, 409],
    },
    async ({ user, params, body, req, idempotencyKey }) => {
      const scope = await subjectScope(ctx.prisma, programme, user);
      const row = (await subjectTable(ctx.prisma, spec.subjectType as SubjectType).findFirst({
        where: { AND: [{ id: params.id }, scope] },
        select: { id: true, stage: true, workflowId: true },
      })) as { id: string; stage: string; workflowId: string } | null;
      if (!row) throw notFound(what);
      const { stage } = await executeWithdraw(
        ctx,
        user,
        { workflowId: row.workflowId, stage: row.stage, what },
        body.reason,
        req.requestId,
        idempotencyKey,
      );
      return { body: { id: row.id, stage } };
    },
  );
}

/** What every subject's page shows besides its own columns: the caller's view of its open tasks and timeline. */
export interface SubjectReadShared {
  openTasks: ReturnType<typeof visibleOpenTasks>;
  timeline: Awaited<ReturnType<typeof timeline>>;
}

export interface SubjectRead<R extends z.ZodType, Where, Row extends { id: string }, Extra> {
  operationId: string;
  tag: string;
  summary: string;
  roles: readonly Role[];
  id: { description: string; example: string };
  /** The subject's schema and its description in the document. */
  schema: R;
  description: string;
  /** The subject's row by the caller's scope (its own table and columns, so the row keeps its type). */
  find: (where: Where) => Promise<Row | null>;
  /** What the answer reads besides the open tasks and the timeline (at the same time). */
  extra?: (row: Row, user: AuthUser) => Promise<Extra>;
  body: (row: Row, shared: SubjectReadShared, extra: Extra) => z.input<R>;
}

/**
 * GET /<apiPath>/:id of a programme: one subject within the caller's scope (404 outside it), with the
 * open tasks the caller may see and its timeline.
 */
export function subjectReadRoute<R extends z.ZodType, Where, Row extends { id: string }, Extra = undefined>(
  router: ApiRouter,
  ctx: ApiContext,
  programme: Programme,
  read: SubjectRead<R, Where, Row, Extra>,
): void {
  const spec = programmeSpec(programme);
  const what = subjectNoun(spec);
  router.add(
    {
      method: 'get',
      path: `/${spec.apiPath}/:id`,
      operationId: read.operationId,
      cached: true,
      tag: read.tag,
      summary: read.summary,
      roles: read.roles,
      params: { id: read.id },
      success: { status: 200, description: read.description, schema: read.schema },
      errors: [404],
    },
    async ({ user, params }) => {
      const scope = await subjectScope(ctx.prisma, programme, user);
      const row = await read.find({ AND: [{ id: params.id }, scope] } as Where);
      if (!row) throw notFound(what);
      const [tasks, events, extra] = await Promise.all([
        ctx.prisma.task.findMany({
          where: { subjectId: row.id, subjectType: spec.subjectType, status: 'open' },
          select: TASK_LITE_SELECT,
          orderBy: { createdAt: 'asc' },
        }),
        timeline(ctx.prisma, row.id, user),
        read.extra?.(row, user),
      ]);
      const shared = { openTasks: visibleOpenTasks(tasks, user), timeline: events };
      // z.input<R> made the body the schema's: the answer is the schema's.
      return { body: read.body(row, shared, extra as Extra) as never };
    },
  );
}
