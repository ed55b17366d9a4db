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
 * The roles that may send a withdrawal: by its rule, or (`owner_user`) the roles that see the subjects
 * they own: a `same: 'userId'` scope on the column naming the owner. The workflow then checks the person.
 */
export function withdrawingRoles(spec: ProgrammeSpec): readonly Role[] {
  if (spec.withdrawal.by !== 'owner_user') return WITHDRAWING_ROLES[spec.withdrawal.by];
  return Object.entries(spec.roles)
    .filter(([, r]) => 'column' in r.scope && r.scope.column === spec.messages.ownerColumn)
    .map(([role]) => role as Role);
}

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
  const what = spec.labels.subject.en.toLowerCase();
  router.add(
    {
      method: 'post',
      path: `/${spec.apiPath}/:id/withdraw`,
      operationId: route.operationId,
      tag: route.tag,
      summary: route.summary,
      description:
        'The body (a reason) is optional. Accepts Idempotency-Key: a retry with the same key and body gets the first answer.',
      roles: withdrawingRoles(spec),
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
