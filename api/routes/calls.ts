import type { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import { callCreateSchema, centsToUsd, usdToCents, type RubricCriterion } from '../../domain/schemas';
import type { ApiContext } from '../context';
import { validationFailed, type ErrorDetail } from '../errors';
import { paged, subjectId } from '../ids';
import type { ApiRouter } from '../router';
import { callListQuerySchema, callPageSchema, callSchema } from '../schemas';

const CALL_SELECT = {
  id: true,
  countryCode: true,
  title: true,
  challengeStatement: true,
  opensAt: true,
  closesAt: true,
  minGrantCents: true,
  maxGrantCents: true,
  coFinancingMinPct: true,
  maxDurationMonths: true,
  rubric: true,
  passMark: true,
  thematicAreaIds: true,
  requiredDocumentTypes: true,
  createdAt: true,
} as const;

type CallRow = Prisma.CallGetPayload<{ select: typeof CALL_SELECT }>;

function callView(c: CallRow): z.input<typeof callSchema> {
  return {
    id: c.id,
    countryCode: c.countryCode,
    title: c.title,
    challengeStatement: c.challengeStatement,
    opensAt: c.opensAt.toISOString(),
    closesAt: c.closesAt.toISOString(),
    minGrantUsd: centsToUsd(c.minGrantCents),
    maxGrantUsd: centsToUsd(c.maxGrantCents),
    coFinancingMinPct: c.coFinancingMinPct,
    maxDurationMonths: c.maxDurationMonths,
    rubric: c.rubric as RubricCriterion[],
    passMark: c.passMark,
    thematicAreaIds: c.thematicAreaIds as string[],
    requiredDocumentTypes: c.requiredDocumentTypes as z.input<typeof callSchema>['requiredDocumentTypes'],
    createdAt: c.createdAt.toISOString(),
  };
}

export function callRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  router.add(
    {
      method: 'get',
      path: '/calls',
      operationId: 'listCalls',
      cached: true,
      tag: 'Challenge Fund',
      summary: 'Open Challenge Fund calls',
      query: callListQuerySchema,
      success: { status: 200, description: 'A page of open calls, closing soonest first', schema: callPageSchema },
    },
    async ({ query }) => {
      const now = new Date();
      const where = {
        opensAt: { lte: now },
        closesAt: { gt: now },
        ...(query.country ? { countryCode: query.country } : {}),
      };
      const [total, rows] = await Promise.all([
        prisma.call.count({ where }),
        prisma.call.findMany({
          where,
          select: CALL_SELECT,
          orderBy: [{ closesAt: 'asc' }, { id: 'asc' }],
          skip: (query.page - 1) * query.pageSize,
          take: query.pageSize,
        }),
      ]);
      return { body: paged(rows.map(callView), total, query.page, query.pageSize) };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/calls',
      operationId: 'createCall',
      tag: 'Challenge Fund',
      summary: 'Publish a call',
      description:
        'Dates are whole days (UTC): the call opens at the start of `opensAt` and closes at the end of `closesAt`. Accepts Idempotency-Key.',
      roles: ['fund_manager'],
      body: callCreateSchema,
      idempotent: true,
      success: { status: 201, description: 'Created', schema: callSchema },
    },
    async ({ user, body, idempotencyKey }) => {
      const id = subjectId('call', user.id, idempotencyKey);
      if (idempotencyKey) {
        // A re-run of a request cut off after its insert (see idempotency.ts): the call exists.
        const made = await prisma.call.findUnique({ where: { id }, select: CALL_SELECT });
        if (made) return { status: 201, body: callView(made) };
      }
      const [country, areas] = await Promise.all([
        prisma.country.findUnique({
          where: { code: body.countryCode },
          select: { code: true, eligibleChallengeFund: true },
        }),
        prisma.thematicArea.findMany({ where: { id: { in: body.thematicAreaIds } }, select: { id: true } }),
      ]);
      const problems: ErrorDetail[] = [];
      if (!country) problems.push({ path: 'countryCode', message: 'no such country' });
      else if (!country.eligibleChallengeFund)
        problems.push({ path: 'countryCode', message: 'the country is not eligible for the Challenge Fund' });
      const known = new Set(areas.map((a) => a.id));
      body.thematicAreaIds.forEach((id, i) => {
        if (!known.has(id)) problems.push({ path: `thematicAreaIds.${i}`, message: 'no such thematic area' });
      });
      if (problems.length) throw validationFailed(problems);
      const call = await prisma.call.create({
        data: {
          id,
          countryCode: body.countryCode,
          title: body.title,
          challengeStatement: body.challengeStatement,
          opensAt: new Date(`${body.opensAt}T00:00:00.000Z`),
          closesAt: new Date(`${body.closesAt}T23:59:59.999Z`),
          minGrantCents: usdToCents(body.minGrantUsd),
          maxGrantCents: usdToCents(body.maxGrantUsd),
          coFinancingMinPct: body.coFinancingMinPct,
          maxDurationMonths: body.maxDurationMonths,
          rubric: body.rubric,
          passMark: body.passMark,
          thematicAreaIds: body.thematicAreaIds,
          requiredDocumentTypes: body.requiredDocumentTypes,
          createdById: user.id,
        },
        select: CALL_SELECT,
      });
      return { status: 201, body: callView(call) };
    },
  );
}
