import type { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import { centsToUsd, usdToCents } from '../../domain/schemas';
import type { ApiContext } from '../context';
import { conflict, forbidden, notFound, validationFailed } from '../errors';
import { paged, subjectId } from '../ids';
import { created, type ApiRouter } from '../router';
import {
  expertCreateSchema,
  expertListQuerySchema,
  expertPageSchema,
  expertPatchSchema,
  expertSchema,
  type ExpertPatch,
} from '../schemas';
import type { AuthUser } from '../types';

/**
 * The roster. Fund managers, co_approvers and admins search it; an expert reads and edits its
 * own profile (never its rating, which assignments set). Fees are shown only to those roles and
 * to the expert itself: an expert never sees another expert's profile at all.
 */
const EXPERT_SELECT = {
  id: true,
  name: true,
  email: true,
  thematicAreaIds: true,
  sdgs: true,
  languages: true,
  countriesOfExperience: true,
  dailyFeeCents: true,
  availability: true,
  rating: true,
  ratingCount: true,
  assignmentsCount: true,
  bio: true,
  createdAt: true,
  updatedAt: true,
} as const;

type ExpertRow = Prisma.ExpertGetPayload<{ select: typeof EXPERT_SELECT }>;

function expertView(e: ExpertRow): z.input<typeof expertSchema> {
  return {
    id: e.id,
    name: e.name,
    email: e.email,
    thematicAreaIds: e.thematicAreaIds as string[],
    sdgs: e.sdgs as number[],
    languages: e.languages as string[],
    countriesOfExperience: e.countriesOfExperience as string[],
    dailyFeeUsd: centsToUsd(e.dailyFeeCents),
    availability: e.availability as { from: string; to: string }[],
    rating: e.rating,
    ratingCount: e.ratingCount,
    assignmentsCount: e.assignmentsCount,
    bio: e.bio,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

const ROSTER_ROLES = ['fund_manager', 'co_approver', 'admin'] as const;
const EXPERT_ID = { description: 'The expert id', example: 'exp-001' };
const isRosterRole = (user: AuthUser) => (ROSTER_ROLES as readonly string[]).includes(user.role);

async function checkThematicAreas(ctx: ApiContext, ids: string[] | undefined): Promise<void> {
  if (!ids?.length) return;
  const found = new Set(
    (await ctx.prisma.thematicArea.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((a) => a.id),
  );
  const problems = ids
    .map((id, i) => ({ id, i }))
    .filter(({ id }) => !found.has(id))
    .map(({ i }) => ({ path: `thematicAreaIds.${i}`, message: 'no such thematic area' }));
  if (problems.length) throw validationFailed(problems);
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

/** Explicit column mapping: a body is never spread into Prisma. */
function patchData(p: ExpertPatch): Prisma.ExpertUpdateInput {
  const data: Prisma.ExpertUpdateInput = {};
  if (p.name !== undefined) data.name = p.name;
  if (p.email !== undefined) data.email = p.email.toLowerCase();
  if (p.thematicAreaIds !== undefined) data.thematicAreaIds = p.thematicAreaIds;
  if (p.sdgs !== undefined) data.sdgs = p.sdgs;
  if (p.languages !== undefined) data.languages = p.languages;
  if (p.countriesOfExperience !== undefined) data.countriesOfExperience = p.countriesOfExperience;
  if (p.dailyFeeUsd !== undefined) data.dailyFeeCents = usdToCents(p.dailyFeeUsd);
  if (p.availability !== undefined) data.availability = p.availability;
  if (p.bio !== undefined) data.bio = p.bio;
  if (p.rating !== undefined) data.rating = p.rating;
  return data;
}

export function expertRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  router.add(
    {
      method: 'get',
      path: '/experts',
      operationId: 'listExperts',
      cached: true,
      tag: 'Roster',
      summary: 'Search the expert roster',
      description: '`thematicArea` and `language` match list members exactly; `q` matches name or bio.',
      roles: ROSTER_ROLES,
      query: expertListQuerySchema,
      success: {
        status: 200,
        description: 'A page of experts, best rated first',
        schema: expertPageSchema,
        links: { getExpert: { operationId: 'getExpert', parameters: { id: '$response.body#/items/0/id' } } },
      },
    },
    async ({ query }) => {
      const conditions: Prisma.Sql[] = [Prisma.sql`1 = 1`];
      // jsonb containment of one list member (GIN indexes on both lists).
      if (query.thematicArea)
        conditions.push(Prisma.sql`e."thematicAreaIds" @> jsonb_build_array(${query.thematicArea}::text)`);
      if (query.language) conditions.push(Prisma.sql`e."languages" @> jsonb_build_array(${query.language}::text)`);
      if (query.q) {
        const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        conditions.push(Prisma.sql`(e."name" ILIKE ${like} ESCAPE '\\' OR e."bio" ILIKE ${like} ESCAPE '\\')`);
      }
      const where = Prisma.join(conditions, ' AND ');
      const [countRows, idRows] = await Promise.all([
        prisma.$queryRaw<{ n: bigint | number }[]>(Prisma.sql`SELECT COUNT(*) AS "n" FROM "Expert" e WHERE ${where}`),
        prisma.$queryRaw<{ id: string }[]>(
          Prisma.sql`SELECT e."id" FROM "Expert" e WHERE ${where} ORDER BY e."rating" DESC, e."name" ASC, e."id" ASC LIMIT ${query.pageSize} OFFSET ${(query.page - 1) * query.pageSize}`,
        ),
      ]);
      const ids = idRows.map((r) => r.id);
      const rows = ids.length
        ? await prisma.expert.findMany({ where: { id: { in: ids } }, select: EXPERT_SELECT })
        : [];
      const byId = new Map(rows.map((r) => [r.id, r]));
      const items = ids
        .map((id) => byId.get(id))
        .filter((r): r is ExpertRow => !!r)
        .map(expertView);
      return { body: paged(items, Number(countRows[0]?.n ?? 0), query.page, query.pageSize) };
    },
  );

  router.add(
    {
      method: 'get',
      path: '/experts/:id',
      operationId: 'getExpert',
      cached: true,
      tag: 'Roster',
      summary: 'One expert profile',
      roles: [...ROSTER_ROLES, 'expert'],
      params: { id: EXPERT_ID },
      success: { status: 200, description: 'The profile', schema: expertSchema },
      errors: [404],
    },
    async ({ user, params }) => {
      if (!isRosterRole(user) && user.expertId !== params.id) throw notFound('expert');
      const e = await prisma.expert.findUnique({ where: { id: params.id }, select: EXPERT_SELECT });
      if (!e) throw notFound('expert');
      return { body: expertView(e) };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/experts',
      operationId: 'createExpert',
      tag: 'Roster',
      summary: 'Add an expert to the roster',
      description: 'Accepts Idempotency-Key.',
      roles: ['fund_manager', 'admin'],
      body: expertCreateSchema,
      idempotent: true,
      success: created(expertSchema, 'getExpert', 'updateExpert'),
      errors: [409],
    },
    async ({ user, body, idempotencyKey }) => {
      await checkThematicAreas(ctx, body.thematicAreaIds);
      const id = subjectId('exp', user.id, idempotencyKey);
      if (idempotencyKey) {
        // A re-run of a request cut off after its insert (see idempotency.ts): the expert exists.
        const made = await prisma.expert.findUnique({ where: { id }, select: EXPERT_SELECT });
        if (made) return { status: 201, body: expertView(made) };
      }
      try {
        const e = await prisma.expert.create({
          data: {
            id,
            name: body.name,
            email: body.email.toLowerCase(),
            thematicAreaIds: body.thematicAreaIds,
            sdgs: body.sdgs,
            languages: body.languages,
            countriesOfExperience: body.countriesOfExperience,
            dailyFeeCents: usdToCents(body.dailyFeeUsd),
            availability: body.availability,
            bio: body.bio,
          },
          select: EXPERT_SELECT,
        });
        return { status: 201, body: expertView(e) };
      } catch (err) {
        if (isUniqueViolation(err))
          throw conflict('an expert with this email is already on the roster', 'duplicate_email');
        throw err;
      }
    },
  );

  router.add(
    {
      method: 'patch',
      path: '/experts/:id',
      operationId: 'updateExpert',
      tag: 'Roster',
      summary: 'Update an expert profile',
      description: 'Fund managers and admins; an expert may update its own profile except its rating and email.',
      roles: ['fund_manager', 'admin', 'expert'],
      body: expertPatchSchema,
      params: { id: EXPERT_ID },
      success: { status: 200, description: 'Updated', schema: expertSchema },
      errors: [404, 409],
    },
    async ({ user, params, body }) => {
      if (user.role === 'expert') {
        if (user.expertId !== params.id) throw notFound('expert');
        if (body.rating !== undefined) throw forbidden('an expert may not change its own rating');
        if (body.email !== undefined) throw forbidden('ask the fund manager to change your email');
      }
      await checkThematicAreas(ctx, body.thematicAreaIds);
      const exists = await prisma.expert.findUnique({ where: { id: params.id }, select: { id: true } });
      if (!exists) throw notFound('expert');
      try {
        const e = await prisma.expert.update({
          where: { id: params.id },
          data: patchData(body),
          select: EXPERT_SELECT,
        });
        return { body: expertView(e) };
      } catch (err) {
        if (isUniqueViolation(err))
          throw conflict('an expert with this email is already on the roster', 'duplicate_email');
        throw err;
      }
    },
  );
}
