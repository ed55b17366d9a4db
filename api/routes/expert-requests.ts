import type { Prisma } from '../../generated/prisma/client';
import type { z } from 'zod';
import type { ShortlistEntry } from '../../activities/expert-request';
import { centsToUsd, expertRequestCreateSchema, type ExpertRequestCreate } from '../../domain/schemas';
import type { Modality } from '../../domain/stages';
import { EXPERTS_ON_DEMAND as PROGRAMME } from '../../domain/programmes/experts-on-demand';
import type { ExpertRequestWorkflowInput } from '../../workflows/expert-request';
import type { ApiContext } from '../context';
import { agreementOf } from '../agreements';
import { startSubjectWorkflow } from '../start-subject';
import { forbidden, notFound, validationFailed } from '../errors';
import { created, type ApiRouter } from '../router';
import {
  createdSubjectSchema,
  expertRequestListQuerySchema,
  expertRequestPageSchema,
  expertRequestSchema,
} from '../schemas';
import { subjectScope } from '../scope';
import { subjectListRoute, subjectWithdrawRoute } from '../subject-routes';
import type { AuthUser } from '../types';
import { asObject, asStage, isPrivileged, TASK_LITE_SELECT, timeline, visibleOpenTasks } from '../views';

const READ_ROLES = ['co_approver', 'fund_manager', 'expert', 'admin', 'auditor'] as const;
const REQUEST_ID = { description: 'The expert request id', example: 'er-0a1b2c3d4e5f6g7h' };

async function findVisibleRequest<S extends Prisma.ExpertRequestSelect>(
  ctx: ApiContext,
  user: AuthUser,
  id: string,
  select: S,
) {
  const scope = (await subjectScope(ctx.prisma, PROGRAMME.id, user)) as Prisma.ExpertRequestWhereInput;
  const row = await ctx.prisma.expertRequest.findFirst({ where: { AND: [{ id }, scope] }, select });
  if (!row) throw notFound('expert request');
  return row;
}

const LIST_SELECT = {
  id: true,
  title: true,
  countryCode: true,
  modality: true,
  workingDays: true,
  startDate: true,
  endDate: true,
  stage: true,
  stageEnteredAt: true,
  contractValueCents: true,
  createdAt: true,
  closedAt: true,
} as const;

const day = (d: Date) => d.toISOString().slice(0, 10);

export function expertRequestRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  router.add(
    {
      method: 'post',
      path: '/expert-requests',
      operationId: 'createExpertRequest',
      tag: 'Experts on Demand',
      summary: 'Register an Experts-on-Demand request',
      description:
        'A co_approver registers a request for its own country; starts the request workflow (update-with-start). Accepts Idempotency-Key.',
      roles: ['co_approver'],
      body: expertRequestCreateSchema,
      idempotent: true,
      success: created(createdSubjectSchema, 'getExpertRequest', 'withdrawExpertRequest'),
      errors: [409],
    },
    async ({ user, body, idempotencyKey }) => {
      if (!user.countryCode) throw forbidden('your account is not linked to a Country Office');
      if (body.countryCode !== user.countryCode)
        throw forbidden(`you act for the ${user.countryCode} Country Office only`);
      const area = await prisma.thematicArea.findUnique({ where: { id: body.thematicAreaId }, select: { id: true } });
      if (!area) throw validationFailed([{ path: 'thematicAreaId', message: 'no such thematic area' }]);

      const countryCode = user.countryCode;
      return startSubjectWorkflow(ctx, PROGRAMME.id, {
        user,
        idempotencyKey,
        countryCode: body.countryCode,
        input: (id): ExpertRequestWorkflowInput => ({
          requestId: id,
          requester: { userId: user.id, countryCode },
          request: body,
          submittedAt: new Date().toISOString(),
        }),
      });
    },
  );

  subjectListRoute(router, ctx, PROGRAMME.id, {
    operationId: 'listExpertRequests',
    tag: 'Experts on Demand',
    summary: 'List the expert requests you may see',
    roles: READ_ROLES,
    query: expertRequestListQuerySchema,
    schema: expertRequestPageSchema,
    description: 'A page of requests, newest first',
    getOperationId: 'getExpertRequest',
    select: LIST_SELECT,
    items: (rows: Prisma.ExpertRequestGetPayload<{ select: typeof LIST_SELECT }>[]) =>
      rows.map((r) => ({
        id: r.id,
        title: r.title,
        countryCode: r.countryCode,
        modality: r.modality as Modality,
        workingDays: r.workingDays,
        startDate: day(r.startDate),
        endDate: day(r.endDate),
        stage: asStage(r.stage),
        stageEnteredAt: r.stageEnteredAt.toISOString(),
        contractValueUsd: centsToUsd(r.contractValueCents),
        createdAt: r.createdAt.toISOString(),
        closedAt: r.closedAt?.toISOString() ?? null,
      })),
  });

  router.add(
    {
      method: 'get',
      path: '/expert-requests/:id',
      operationId: 'getExpertRequest',
      cached: true,
      tag: 'Experts on Demand',
      summary: 'An expert request with its open tasks and timeline',
      description:
        'Experts (invited ones only) see the terms of reference, their own tasks and a reduced timeline; never the shortlist, other candidates or fees. ' +
        'The individual contract (`agreement`: value, signatures, a tranche per deliverable with its status and payment date; null before contracting) is shown to the Country Office, fund managers and the selected expert.',
      roles: READ_ROLES,
      params: { id: REQUEST_ID },
      success: { status: 200, description: 'The request', schema: expertRequestSchema },
      errors: [404],
    },
    async ({ user, params }) => {
      const r = await findVisibleRequest(ctx, user, params.id, {
        id: true,
        workflowId: true,
        countryCode: true,
        requesterId: true,
        title: true,
        nationalPartner: true,
        objectives: true,
        deliverables: true,
        modality: true,
        workingDays: true,
        startDate: true,
        endDate: true,
        languages: true,
        thematicAreaId: true,
        sdgs: true,
        destination: true,
        travelDays: true,
        dailySubsistenceUsd: true,
        perDiemUsd: true,
        contractValueCents: true,
        stage: true,
        stageEnteredAt: true,
        shortlist: true,
        selectedExpertId: true,
        findings: true,
        outcome: true,
        createdAt: true,
        updatedAt: true,
        closedAt: true,
      });
      const selectedForMe = !!user.expertId && r.selectedExpertId === user.expertId;
      // The contract is between UNDP and the selected expert: other invited experts do not see it.
      const [tasks, events, agreement] = await Promise.all([
        prisma.task.findMany({
          where: { subjectId: r.id, subjectType: PROGRAMME.subjectType, status: 'open' },
          select: TASK_LITE_SELECT,
          orderBy: { createdAt: 'asc' },
        }),
        timeline(prisma, r.id, user),
        isPrivileged(user) || selectedForMe ? agreementOf(prisma, r) : Promise.resolve(null),
      ]);
      const body: z.input<typeof expertRequestSchema> = {
        id: r.id,
        workflowId: r.workflowId,
        countryCode: r.countryCode,
        requesterId: r.requesterId,
        title: r.title,
        nationalPartner: r.nationalPartner as ExpertRequestCreate['nationalPartner'],
        objectives: r.objectives,
        deliverables: r.deliverables as ExpertRequestCreate['deliverables'],
        modality: r.modality as Modality,
        workingDays: r.workingDays,
        startDate: day(r.startDate),
        endDate: day(r.endDate),
        languages: r.languages as string[],
        thematicAreaId: r.thematicAreaId,
        sdgs: r.sdgs as number[],
        destination: r.destination,
        travelDays: r.travelDays,
        perDiemUsd: r.perDiemUsd,
        contractValueUsd: centsToUsd(r.contractValueCents),
        stage: asStage(r.stage),
        stageEnteredAt: r.stageEnteredAt.toISOString(),
        outcome: r.outcome,
        createdAt: r.createdAt.toISOString(),
        updatedAt: r.updatedAt.toISOString(),
        closedAt: r.closedAt?.toISOString() ?? null,
        openTasks: visibleOpenTasks(tasks, user),
        timeline: events,
        agreement,
      };
      if (isPrivileged(user)) {
        body.shortlist = (r.shortlist as ShortlistEntry[] | null) ?? null;
        body.selectedExpertId = r.selectedExpertId;
        body.findings = asObject(r.findings);
        body.dailySubsistenceUsd = r.dailySubsistenceUsd;
      } else {
        body.selectedForMe = selectedForMe;
      }
      return { body };
    },
  );

  subjectWithdrawRoute(router, ctx, PROGRAMME.id, {
    operationId: 'withdrawExpertRequest',
    tag: 'Experts on Demand',
    summary: 'Withdraw an expert request',
    id: REQUEST_ID,
  });
}
