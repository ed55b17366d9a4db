import { WithStartWorkflowOperation, type UpdateDefinition } from '@temporalio/client';
import type { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import { callSelectionMode, type CallStatus, type SelectionMode } from '../../domain/calls';
import type { Actor } from '../../domain/roles';
import {
  callCreateSchema,
  callPatchSchema,
  centsToUsd,
  type CallFields,
  type RubricCriterion,
} from '../../domain/schemas';
import { zonedInstant } from '../../domain/calendar';
import type { callWorkflow, CallWorkflowInput } from '../../workflows/call';
import {
  adjustReviewersUpdate,
  archiveCallUpdate,
  callReadyUpdate,
  callWorkflowId,
  declareCallConflictUpdate,
  editCallUpdate,
  extendCallUpdate,
  issueSelectionUpdate,
  publishCallUpdate,
  selectFromWaitlistUpdate,
  startReviewUpdate,
  type CallView,
} from '../../workflows/call-messages';
import { withTemporalDeadline, type ApiContext } from '../context';
import { conflict, fromTemporal, notFound, validationFailed, type ErrorDetail } from '../errors';
import { paged, subjectId } from '../ids';
import { created, type ApiRouter, type RouteSpec } from '../router';
import {
  callAssignmentSchema,
  callConflictSchema,
  callExtensionSchema,
  callListQuerySchema,
  callPageSchema,
  callReviewStartSchema,
  callSchema,
  callSelectionSchema,
  callWaitlistSelectionSchema,
} from '../schemas';
import { actorOf } from '../scope';
import type { AuthUser } from '../types';

const CALL_SELECT = {
  id: true,
  workflowId: true,
  status: true,
  countryCode: true,
  title: true,
  titleRu: true,
  challengeStatement: true,
  challengeStatementRu: true,
  opensAt: true,
  closesAt: true,
  closesLocal: true,
  timeZone: true,
  selectionMode: true,
  minGrantCents: true,
  maxGrantCents: true,
  budgetEnvelopeCents: true,
  coFinancingMinPct: true,
  maxDurationMonths: true,
  rubric: true,
  passMark: true,
  thematicAreaIds: true,
  sdgs: true,
  requiredDocumentTypes: true,
  reviewerPoolIds: true,
  reviewersPerProposal: true,
  progress: true,
  createdAt: true,
} as const;

type CallRow = Prisma.CallGetPayload<{ select: typeof CALL_SELECT }>;
type CallBody = z.input<typeof callSchema>;

const usd = (cents: number) => centsToUsd(cents);

function progressView(v: CallView): NonNullable<CallBody['progress']> {
  return {
    waitingFor: v.waitingFor,
    startedWithoutWaiting: v.startedWithoutWaiting,
    reviewStartsAt: v.reviewStartsAt ?? null,
    proposals: v.proposals.map(({ requestedCents, ...p }) => ({ ...p, requestedUsd: usd(requestedCents) })),
    workload: v.workload,
    shortfalls: v.shortfalls,
    conflicts: v.conflicts,
    ranking: v.ranking.map(({ requestedCents, runningTotalCents, ...r }) => ({
      ...r,
      requestedUsd: usd(requestedCents),
      runningTotalUsd: usd(runningTotalCents),
    })),
    envelopeUsd: v.envelopeCents === null ? null : usd(v.envelopeCents),
    committedUsd: usd(v.committedCents),
    freedUsd: usd(v.freedCents),
    nextFromWaitlist: v.nextFromWaitlist,
    delivery: v.delivery,
    history: v.history.map((e) => ({ at: e.at, action: e.action, actorId: e.actorId })),
  };
}

/** A call as the API shows it; the pool and the workflow's progress to fund managers only. */
export function callView(c: CallRow, user?: AuthUser): CallBody {
  const staff = user?.role === 'fund_manager';
  return {
    id: c.id,
    workflowId: c.workflowId,
    status: c.status as CallStatus,
    countryCode: c.countryCode,
    title: c.title,
    titleRu: c.titleRu,
    challengeStatement: c.challengeStatement,
    challengeStatementRu: c.challengeStatementRu,
    opensAt: c.opensAt.toISOString(),
    closesAt: c.closesAt?.toISOString() ?? null,
    closesLocal: c.closesLocal,
    timeZone: c.timeZone,
    rolling: c.closesAt === null,
    selectionMode: callSelectionMode({ closesAt: c.closesAt, selectionMode: c.selectionMode as SelectionMode }),
    minGrantUsd: usd(c.minGrantCents),
    maxGrantUsd: usd(c.maxGrantCents),
    budgetEnvelopeUsd: c.budgetEnvelopeCents === null ? null : usd(c.budgetEnvelopeCents),
    coFinancingMinPct: c.coFinancingMinPct,
    maxDurationMonths: c.maxDurationMonths,
    rubric: c.rubric as RubricCriterion[],
    passMark: c.passMark,
    thematicAreaIds: c.thematicAreaIds as string[],
    sdgs: c.sdgs as number[],
    requiredDocumentTypes: c.requiredDocumentTypes as z.input<typeof callSchema>['requiredDocumentTypes'],
    createdAt: c.createdAt.toISOString(),
    ...(staff
      ? {
          reviewerPool: c.reviewerPoolIds as string[],
          reviewersPerProposal: c.reviewersPerProposal,
          progress: c.progress ? progressView(c.progress as unknown as CallView) : null,
        }
      : {}),
  };
}

/** Published calls open for submissions now: opened, and not closed (rolling calls never close). */
export function openCallsWhere(now: Date, country?: string): Prisma.CallWhereInput {
  return {
    status: 'published',
    opensAt: { lte: now },
    OR: [{ closesAt: null }, { closesAt: { gt: now } }],
    ...(country ? { countryCode: country } : {}),
  };
}

/** Why a submission to this call is refused now (a clear 4xx), or null while it is open. */
export function callClosedRefusal(
  call: {
    id: string;
    status: string;
    opensAt: Date;
    closesAt: Date | null;
    closesLocal: string | null;
    timeZone: string;
  },
  now: Date,
): string | null {
  if (call.status === 'draft') return `the call ${call.id} is not published`;
  if (call.opensAt > now) return `the call ${call.id} opens on ${call.opensAt.toISOString().slice(0, 10)}`;
  const closed = call.status !== 'published' || (call.closesAt !== null && call.closesAt <= now);
  if (!closed) return null;
  const when = call.closesAt
    ? ` at ${call.closesLocal ?? call.closesAt.toISOString()} (${call.timeZone}), ${call.closesAt.toISOString()}`
    : '';
  return `the call ${call.id} closed${when}: submissions are no longer accepted`;
}

const CALL_ID = { description: 'The call id', example: 'call-kg' };

export function callRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  /** A page of the calls open now, closing soonest first (rolling calls last). */
  async function openCallsPage(query: { page: number; pageSize: number; country?: string }, user?: AuthUser) {
    const where = openCallsWhere(new Date(), query.country);
    const [total, rows] = await Promise.all([
      prisma.call.count({ where }),
      prisma.call.findMany({
        where,
        select: CALL_SELECT,
        orderBy: [{ closesAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
      }),
    ]);
    return paged(
      rows.map((c) => callView(c, user)),
      total,
      query.page,
      query.pageSize,
    );
  }

  /** The call row the caller may see: drafts only to fund managers (others get 404). */
  async function visibleCall(id: string, user: AuthUser): Promise<CallRow> {
    const call = await prisma.call.findUnique({ where: { id }, select: CALL_SELECT });
    if (!call || (call.status === 'draft' && user.role !== 'fund_manager')) throw notFound('call');
    return call;
  }

  /**
   * Sends an Update to the call's workflow, as the user (its `actor`) with the given fields, and
   * answers with the call as stored afterwards.
   */
  async function updateCall<R, I extends { actor: Actor }>(
    user: AuthUser,
    id: string,
    update: UpdateDefinition<R, [I]>,
    fields: Omit<I, 'actor'>,
  ): Promise<{ body: CallBody }> {
    const call = await visibleCall(id, user);
    if (!call.workflowId)
      throw conflict(`the call ${id} predates call workflows: it is kept as it is`, 'call_without_workflow');
    const handle = ctx.temporal.workflow.getHandle(call.workflowId);
    const input = { actor: actorOf(user), ...fields } as I;
    try {
      await withTemporalDeadline(ctx, () => handle.executeUpdate(update, { args: [input] }));
    } catch (err) {
      throw fromTemporal(err) ?? err;
    }
    return { body: callView((await visibleCall(id, user)) ?? call, user) };
  }

  router.add(
    {
      method: 'get',
      path: '/calls',
      operationId: 'listCalls',
      cached: true,
      tag: 'Challenge Fund',
      summary: 'Open Challenge Fund calls',
      query: callListQuerySchema,
      success: {
        status: 200,
        description: 'A page of open calls, closing soonest first (rolling calls last)',
        schema: callPageSchema,
      },
    },
    async ({ query, user }) => {
      const where = openCallsWhere(new Date(), query.country);
      const [total, rows] = await Promise.all([
        prisma.call.count({ where }),
        prisma.call.findMany({
          where,
          select: CALL_SELECT,
          orderBy: [{ closesAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
          skip: (query.page - 1) * query.pageSize,
          take: query.pageSize,
        }),
      ]);
      return {
        body: paged(
          rows.map((c) => callView(c, user)),
          total,
          query.page,
          query.pageSize,
        ),
      };
    },
  );

  router.add(
    {
      method: 'get',
      path: '/public/calls',
      operationId: 'listPublicCalls',
      auth: false,
      cached: true,
      tag: 'Challenge Fund',
      summary: 'Open calls, for everyone (no sign-in): the public page and its feed',
      query: callListQuerySchema,
      success: {
        status: 200,
        description: 'A page of open calls, closing soonest first (rolling calls last)',
        schema: callPageSchema,
      },
    },
    async ({ query }) => {
      return { body: await openCallsPage(query) };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/calls',
      operationId: 'createCall',
      tag: 'Challenge Fund',
      summary: 'Create a call (a draft, or published at once)',
      description:
        'Starts the call workflow (`call-<id>`). `closesAt` is the closing day and `closingTime` the time on it, both in `timeZone` (IANA); `closesAt: null` makes a rolling call (no deadline; proposals are selected one by one). `draft: true` keeps it editable until published. Accepts Idempotency-Key.',
      roles: ['fund_manager'],
      body: callCreateSchema,
      idempotent: true,
      success: created(callSchema, 'getCall'),
    },
    async ({ user, body, idempotencyKey }) => {
      const id = subjectId('call', user.id, idempotencyKey);
      if (idempotencyKey) {
        // A re-run of a request cut off after its start (see idempotency.ts): the call exists.
        const made = await prisma.call.findUnique({ where: { id }, select: CALL_SELECT });
        if (made) return { status: 201, body: callView(made, user) };
      }
      const { draft, ...fields } = body;
      await checkReferences(fields);
      if (!draft && fields.closesAt !== null) {
        const closes = zonedInstant(fields.closesAt, fields.timeZone, fields.closingTime).toISOString();
        if (Date.parse(closes) <= Date.now())
          throw validationFailed([{ path: 'closesAt', message: `the closing time (${closes}) has passed` }]);
      }
      const input: CallWorkflowInput = { callId: id, createdById: user.id, fields, publish: !draft };
      const operation = new WithStartWorkflowOperation<typeof callWorkflow>('callWorkflow', {
        workflowId: callWorkflowId(id),
        taskQueue: ctx.taskQueue,
        args: [input],
        workflowIdConflictPolicy: idempotencyKey ? 'USE_EXISTING' : 'FAIL',
        workflowIdReusePolicy: idempotencyKey ? 'REJECT_DUPLICATE' : undefined,
      });
      try {
        await withTemporalDeadline(ctx, () =>
          ctx.temporal.workflow.executeUpdateWithStart(callReadyUpdate, { startWorkflowOperation: operation }),
        );
      } catch (err) {
        throw fromTemporal(err) ?? err;
      }
      const call = await prisma.call.findUniqueOrThrow({ where: { id }, select: CALL_SELECT });
      return { status: 201, body: callView(call, user) };
    },
  );

  /** The country and thematic areas a call names exist (field-level 400 otherwise). */
  async function checkReferences(fields: Partial<CallFields>): Promise<void> {
    const problems: ErrorDetail[] = [];
    if (fields.countryCode) {
      const country = await prisma.country.findUnique({
        where: { code: fields.countryCode },
        select: { code: true, eligibleChallengeFund: true },
      });
      if (!country) problems.push({ path: 'countryCode', message: 'no such country' });
      else if (!country.eligibleChallengeFund)
        problems.push({ path: 'countryCode', message: 'the country is not eligible for the Challenge Fund' });
    }
    if (fields.thematicAreaIds) {
      const areas = await prisma.thematicArea.findMany({
        where: { id: { in: fields.thematicAreaIds } },
        select: { id: true },
      });
      const known = new Set(areas.map((a) => a.id));
      fields.thematicAreaIds.forEach((id, i) => {
        if (!known.has(id)) problems.push({ path: `thematicAreaIds.${i}`, message: 'no such thematic area' });
      });
    }
    if (fields.reviewerPool?.length) {
      const reviewers = await prisma.user.findMany({
        where: { id: { in: fields.reviewerPool }, role: 'reviewer', active: true },
        select: { id: true },
      });
      const known = new Set(reviewers.map((r) => r.id));
      fields.reviewerPool.forEach((id, i) => {
        if (!known.has(id)) problems.push({ path: `reviewerPool.${i}`, message: `${id} is not an active reviewer` });
      });
    }
    if (problems.length) throw validationFailed(problems);
  }

  router.add(
    {
      method: 'get',
      path: '/calls/:id',
      operationId: 'getCall',
      cached: true,
      tag: 'Challenge Fund',
      summary: 'A call; to fund managers also its pool and progress',
      description:
        'Fund managers see what the review waits for, the reviewer assignment and workload, the ranked proposals with the running total against the envelope, and the delivery of the selection. Drafts are visible to fund managers only.',
      params: { id: CALL_ID },
      success: { status: 200, description: 'The call', schema: callSchema },
      errors: [404],
    },
    async ({ user, params }) => ({ body: callView(await visibleCall(params.id, user), user) }),
  );

  const fundManagerCallRoute = {
    tag: 'Challenge Fund',
    roles: ['fund_manager'] as const,
    params: { id: CALL_ID },
    success: { status: 200, description: 'The call as it is now', schema: callSchema },
    errors: [404, 409],
  };

  /** An action on a call (a fund manager's unless `roles` says otherwise): an Update of its workflow with fields of the body. */
  function addCallAction<B extends z.ZodType, I extends { actor: Actor }>(
    spec: Pick<RouteSpec<B>, 'path' | 'operationId' | 'summary' | 'description' | 'roles'> & { body: B },
    update: UpdateDefinition<unknown, [I]>,
    fieldsOf: (body: z.infer<B>) => Omit<I, 'actor'>,
  ): void {
    router.add({ ...fundManagerCallRoute, method: 'post', ...spec }, async ({ user, params, body }) =>
      updateCall(user, params.id, update, fieldsOf(body as z.infer<B>)),
    );
  }

  router.add(
    {
      ...fundManagerCallRoute,
      method: 'patch',
      path: '/calls/:id',
      operationId: 'updateCall',
      summary: 'Edit a draft call',
      body: callPatchSchema,
    },
    async ({ user, params, body }) => {
      await checkReferences(body);
      return updateCall(user, params.id, editCallUpdate, { patch: body });
    },
  );

  router.add(
    {
      ...fundManagerCallRoute,
      method: 'post',
      path: '/calls/:id/publish',
      operationId: 'createCallPublication',
      summary: 'Publish a draft call: it opens on its opening day and closes by its timer',
    },
    async ({ user, params }) => updateCall(user, params.id, publishCallUpdate, {}),
  );

  router.add(
    {
      ...fundManagerCallRoute,
      method: 'post',
      path: '/calls/:id/extension',
      operationId: 'createCallExtension',
      summary: 'Extend the deadline of an open call; applicants holding a draft for it are told by mail',
      body: callExtensionSchema,
    },
    async ({ user, params, body }) => {
      const call = await visibleCall(params.id, user);
      const instant = zonedInstant(
        body.closesAt,
        body.timeZone ?? call.timeZone,
        body.closingTime ?? '23:59',
      ).toISOString();
      if (Date.parse(instant) <= Date.now())
        throw validationFailed([{ path: 'closesAt', message: `the new closing (${instant}) has passed` }]);
      if (call.closesAt && Date.parse(instant) <= call.closesAt.getTime())
        throw validationFailed([
          { path: 'closesAt', message: `must be later than the current closing (${call.closesAt.toISOString()})` },
        ]);
      return updateCall(user, params.id, extendCallUpdate, {
        closesAt: body.closesAt,
        closingTime: body.closingTime ?? '23:59',
        timeZone: body.timeZone,
      });
    },
  );

  addCallAction(
    {
      path: '/calls/:id/review',
      operationId: 'createCallReviewStart',
      summary: 'Start the review of a closed call (reviewers go to each proposal)',
      description:
        'Refused (409) while proposals are still before the alignment check, unless `withoutWaiting`: those then get their reviewers when they arrive.',
      body: callReviewStartSchema,
    },
    startReviewUpdate,
    (b) => ({ withoutWaiting: b.withoutWaiting }),
  );

  addCallAction(
    {
      path: '/calls/:id/assignments',
      operationId: 'updateCallAssignment',
      summary: 'Change the reviewers planned for one proposal, before its review starts',
      body: callAssignmentSchema,
    },
    adjustReviewersUpdate,
    (b) => ({ proposalId: b.proposalId, reviewerIds: b.reviewerIds }),
  );

  addCallAction(
    {
      path: '/calls/:id/conflicts',
      operationId: 'createCallConflict',
      summary: 'A reviewer of the pool declares a conflict of interest with a proposal before assignment',
      body: callConflictSchema,
      roles: ['reviewer'],
    },
    declareCallConflictUpdate,
    (b) => ({ proposalId: b.proposalId }),
  );

  addCallAction(
    {
      path: '/calls/:id/selection',
      operationId: 'decideCallSelection',
      summary: 'Select, waitlist or reject every ranked proposal of the call in one action',
      description:
        'Every proposal of the ranking gets one decision; the selected total stays within the envelope; a choice against the ranking needs a justification. The decisions are then delivered to the proposals (progress on the call).',
      body: callSelectionSchema,
    },
    issueSelectionUpdate,
    (b) => ({ decisions: b.decisions }),
  );

  addCallAction(
    {
      path: '/calls/:id/waitlist-selection',
      operationId: 'decideCallWaitlist',
      summary: 'Select a waitlisted proposal once money has freed up (rank order, or with a justification)',
      body: callWaitlistSelectionSchema,
    },
    selectFromWaitlistUpdate,
    (b) => ({ proposalId: b.proposalId, justification: b.justification }),
  );

  router.add(
    {
      ...fundManagerCallRoute,
      method: 'post',
      path: '/calls/:id/archive',
      operationId: 'createCallArchival',
      summary: 'Archive a decided call (waitlisted proposals are then not selected), a rolling call or a draft',
    },
    async ({ user, params }) => updateCall(user, params.id, archiveCallUpdate, {}),
  );
}
