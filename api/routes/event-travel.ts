import type { Prisma } from '../../generated/prisma/client';
import { eventTravelApplicationSchema, eventTravelCreateSchema, type SpeakingRole } from '../../domain/event-travel';
import { EVENT_TRAVEL as PROGRAMME } from '../../domain/programmes/event-travel';
import { centsToUsd } from '../../domain/schemas';
import type { EventTravelWorkflowInput } from '../../workflows/event-travel';
import { agreementOf } from '../agreements';
import { attachStagedDocuments } from '../documents';
import type { ApiContext } from '../context';
import { forbidden, validationFailed } from '../errors';
import { eventTravelListQuerySchema, eventTravelPageSchema, eventTravelSchema } from '../event-travel-schemas';
import { created, type ApiRouter } from '../router';
import { createdSubjectSchema } from '../schemas';
import { startSubjectWorkflow } from '../start-subject';
import { subjectListRoute, subjectReadRoute, subjectWithdrawRoute } from '../subject-routes';
import { asObject, asStage } from '../views';

const TAG = 'SDG event travel';
const READ_ROLES = ['fund_manager', 'expert', 'admin', 'auditor'] as const;
const TRAVEL_ID = { description: 'The event travel application id', example: 'et-0a1b2c3d4e5f6g7h' };

const day = (d: Date) => d.toISOString().slice(0, 10);
const usdOrNull = (cents: number | null) => (cents === null ? null : centsToUsd(cents));

const SUMMARY_SELECT = {
  id: true,
  title: true,
  countryCode: true,
  eventCity: true,
  eventStartDate: true,
  eventEndDate: true,
  expertId: true,
  role: true,
  departureDate: true,
  returnDate: true,
  approvedCents: true,
  stage: true,
  stageEnteredAt: true,
  createdAt: true,
  closedAt: true,
} as const;
type SummaryRow = Prisma.EventTravelGetPayload<{ select: typeof SUMMARY_SELECT }>;

function summary(r: SummaryRow) {
  return {
    id: r.id,
    title: r.title,
    countryCode: r.countryCode,
    eventCity: r.eventCity,
    eventStartDate: day(r.eventStartDate),
    eventEndDate: day(r.eventEndDate),
    expertId: r.expertId,
    role: r.role as SpeakingRole,
    departureDate: day(r.departureDate),
    returnDate: day(r.returnDate),
    approvedUsd: usdOrNull(r.approvedCents),
    stage: asStage(r.stage),
    stageEnteredAt: r.stageEnteredAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
  };
}

export function eventTravelRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  router.add(
    {
      method: 'post',
      path: `/${PROGRAMME.apiPath}`,
      operationId: 'createEventTravel',
      tag: TAG,
      summary: 'Apply for funding to speak at an international SDG event',
      description:
        'A roster expert applies for themselves; a fund manager applies on an expert’s behalf (`expertId`). Starts the application’s workflow, ' +
        'which checks eligibility under the dated travel rule set (event outside Russia, SDG-related, active roster profile, applied in advance, ' +
        'annual limit, a speaking role with an invitation letter: a clean uploaded document of type `invitation_letter`) and computes the cost lines ' +
        '(DSA nights at the rate of the event city, terminal expenses). Upload the letter first (POST /documents) and name it in `documentIds`; ' +
        'eligibility waits for its malware scan. Accepts Idempotency-Key.',
      roles: ['expert', 'fund_manager'],
      body: eventTravelCreateSchema,
      idempotent: true,
      success: created(createdSubjectSchema, 'getEventTravel', 'withdrawEventTravel'),
      errors: [409],
    },
    async ({ user, body, idempotencyKey }) => {
      const { expertId: forExpert, documentIds = [], ...rest } = body;
      let expertId: string;
      if (user.role === 'expert') {
        if (!user.expertId) throw forbidden('your account has no roster profile');
        if (forExpert && forExpert !== user.expertId) throw forbidden('an expert applies for themselves only');
        expertId = user.expertId;
      } else {
        if (!forExpert) throw validationFailed([{ path: 'expertId', message: 'name the roster expert you apply for' }]);
        expertId = forExpert;
      }
      const account = await prisma.user.findFirst({ where: { expertId, role: 'expert' }, select: { id: true } });
      if (!account)
        throw validationFailed([{ path: 'expertId', message: 'no roster expert with an account has this id' }]);
      const application = eventTravelApplicationSchema.parse(rest);
      return startSubjectWorkflow(ctx, PROGRAMME.id, {
        user,
        idempotencyKey,
        countryCode: application.event.countryCode,
        // The invitation letter uploaded beforehand is attached before eligibility is checked.
        prepare: (id) => attachStagedDocuments(ctx, user, id, documentIds, 'event_travel'),
        input: (id): EventTravelWorkflowInput => ({
          travelId: id,
          expert: { expertId, userId: account.id },
          appliedBy: { userId: user.id, role: user.role },
          application,
          submittedAt: new Date().toISOString(),
        }),
      });
    },
  );

  subjectListRoute(router, ctx, PROGRAMME.id, {
    operationId: 'listEventTravel',
    tag: TAG,
    summary: 'List the event travel applications you may see',
    roles: READ_ROLES,
    query: eventTravelListQuerySchema,
    schema: eventTravelPageSchema,
    description: 'A page of applications, newest first (an expert sees their own)',
    getOperationId: 'getEventTravel',
    select: SUMMARY_SELECT,
    filters: (query) => (query.expert ? [{ expertId: query.expert }] : []),
    items: (rows: SummaryRow[]) => rows.map(summary),
  });

  subjectReadRoute(router, ctx, PROGRAMME.id, {
    operationId: 'getEventTravel',
    tag: TAG,
    summary: 'An event travel application with its costs, open tasks and timeline',
    roles: READ_ROLES,
    id: TRAVEL_ID,
    schema: eventTravelSchema,
    description: 'The application',
    find: (where: Prisma.EventTravelWhereInput) =>
      prisma.eventTravel.findFirst({
        where,
        select: {
          ...SUMMARY_SELECT,
          workflowId: true,
          appliedById: true,
          application: true,
          approvedCosts: true,
          advanceCents: true,
          report: true,
          settlement: true,
          findings: true,
          outcome: true,
          updatedAt: true,
          expert: { select: { name: true } },
        },
      }),
    extra: (r) =>
      Promise.all([
        agreementOf(prisma, r),
        prisma.payment.findMany({ where: { subjectId: r.id }, select: { amountCents: true }, orderBy: { id: 'asc' } }),
      ]),
    body: (r, shared, [agreement, payments]) => ({
      ...summary(r),
      workflowId: r.workflowId,
      expertName: r.expert.name,
      appliedById: r.appliedById,
      application: asObject(r.application) ?? {},
      estimate: asObject(r.approvedCosts),
      advanceUsd: usdOrNull(r.advanceCents),
      report: asObject(r.report),
      settlement: asObject(r.settlement),
      findings: asObject(r.findings),
      outcome: r.outcome,
      updatedAt: r.updatedAt.toISOString(),
      ...shared,
      agreement,
      paymentsUsd: payments.map((p) => centsToUsd(p.amountCents)),
    }),
  });

  subjectWithdrawRoute(router, ctx, PROGRAMME.id, {
    operationId: 'withdrawEventTravel',
    tag: TAG,
    summary: 'Withdraw an event travel application (the expert, until it is approved)',
    id: TRAVEL_ID,
  });
}
