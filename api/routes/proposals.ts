import type { Prisma } from '../../generated/prisma/client';
import type { z } from 'zod';
import { budgetTotals, type BudgetLine } from '../../domain/budget';
import { intakeProblems } from '../../domain/intake';
import {
  centsToUsd,
  extensionRequestSchema,
  proposalChangesSchema,
  proposalCreateSchema,
  usdToCents,
  withBudgetTotals,
  type ProposalCreate,
} from '../../domain/schemas';
import { screenProposalFacts } from '../../activities/proposal';
import { CHALLENGE_FUND as PROGRAMME } from '../../domain/programmes/challenge-fund';
import type { ProposalWorkflowInput } from '../../workflows/proposal';
import type { ApiContext } from '../context';
import { agreementOf } from '../agreements';
import { assertRequiredDocuments, attachStagedDocuments, stagedDocuments } from '../documents';
import { startSubjectWorkflow } from '../start-subject';
import { assertNotTerminal, executeDecision, executeExtensionRequest } from '../decide';
import { conflict, forbidden, intakeRefused, notFound, validationFailed } from '../errors';
import { subjectId } from '../ids';
import { created, type ApiRouter } from '../router';
import { callClosedRefusal } from './calls';
import {
  budgetTotalsView,
  createdSubjectSchema,
  decisionResponseSchema,
  extensionResponseSchema,
  proposalFullSchema,
  proposalListQuerySchema,
  proposalPageSchema,
  proposalSchema,
} from '../schemas';
import { institutionApproved } from './institutions';
import { subjectScope } from '../scope';
import { subjectListRoute, subjectWithdrawRoute } from '../subject-routes';
import type { AuthUser } from '../types';
import { asObject, asStage, isPrivileged, TASK_LITE_SELECT, timeline, visibleOpenTasks } from '../views';

const READ_ROLES = ['applicant', 'co_approver', 'fund_manager', 'reviewer', 'admin', 'auditor'] as const;
const PROPOSAL_ID = { description: 'The proposal id', example: 'p-0a1b2c3d4e5f6g7h' };

/** Scores are for the selection committee: never applicants, and reviewers only see their own review. */
const seesScores = (user: AuthUser) => isPrivileged(user);

/** A review as its reviewer and the selection committee see it. */
function reviewView(r: {
  coi: string;
  scores: unknown;
  total: number | null;
  comment: string | null;
  submittedAt: Date | null;
}) {
  return {
    coi: r.coi as 'none' | 'conflict',
    scores: asObject(r.scores) as Record<string, number> | null,
    total: r.total,
    comment: r.comment,
    submittedAt: r.submittedAt?.toISOString() ?? null,
  };
}

const LIST_SELECT = {
  id: true,
  title: true,
  countryCode: true,
  callId: true,
  institutionId: true,
  stage: true,
  stageEnteredAt: true,
  requestedAmountCents: true,
  createdAt: true,
  closedAt: true,
  weightedScore: true,
} as const;

async function findVisibleProposal<S extends Prisma.ProposalSelect>(
  ctx: ApiContext,
  user: AuthUser,
  id: string,
  select: S,
) {
  const scope = (await subjectScope(ctx.prisma, PROGRAMME.id, user)) as Prisma.ProposalWhereInput;
  const row = await ctx.prisma.proposal.findFirst({ where: { AND: [{ id }, scope] }, select });
  if (!row) throw notFound('proposal');
  return row;
}

export function proposalRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  router.add(
    {
      method: 'post',
      path: '/proposals',
      operationId: 'createProposal',
      tag: 'Challenge Fund',
      summary: 'Submit a Challenge Fund proposal',
      description:
        'Starts the proposal workflow (update-with-start) and answers once the read model has the proposal. Accepts Idempotency-Key. ' +
        'The amounts come from `budget` (line items; the requested total, the co-financing and its share are computed). ' +
        "A proposal that intake screening would reject (over the call's or the rule set's limits, too long, too little co-financing, indirect costs over the cap, a milestone in the past or after the end) " +
        'is refused with 400 `intake_rules_failed`, each detail naming its `rule` and `figures`; no workflow is started.',
      roles: ['applicant'],
      body: proposalCreateSchema,
      idempotent: true,
      success: created(createdSubjectSchema, 'getProposal', 'resubmitProposal', 'withdrawProposal'),
      errors: [409],
    },
    async ({ user, body, idempotencyKey }) => {
      if (!user.institutionId) throw forbidden('your account is not linked to an institution');
      const [institution, call] = await Promise.all([
        prisma.institution.findUnique({ where: { id: user.institutionId }, select: { id: true, name: true } }),
        prisma.call.findUnique({
          where: { id: body.callId },
          select: {
            id: true,
            countryCode: true,
            status: true,
            opensAt: true,
            closesAt: true,
            closesLocal: true,
            timeZone: true,
          },
        }),
      ]);
      if (!institution) throw forbidden('your institution is not registered');
      const approval = await institutionApproved(prisma, institution.id);
      if (!approval.ok)
        throw conflict(
          `your institution is ${approval.status.replace('_', ' ')}: proposals can be submitted once a fund manager approves it (drafts are kept meanwhile)`,
          'institution_not_approved',
        );
      if (!call || call.status === 'draft') throw validationFailed([{ path: 'callId', message: 'no such call' }]);
      const closed = callClosedRefusal(call, new Date());
      if (closed) throw conflict(closed, 'call_closed');
      if (call.countryCode !== body.countryCode)
        throw validationFailed([{ path: 'countryCode', message: `the call is for ${call.countryCode}` }]);

      const { documentIds = [], ...fields } = body;
      const proposal = withBudgetTotals(fields);
      const submittedAt = new Date().toISOString();
      // A retry under the same Idempotency-Key may find them attached to the proposal it names already.
      const staged = await stagedDocuments(
        ctx,
        user,
        subjectId(PROGRAMME.subjectIdPrefix, user.id, idempotencyKey ?? '(none)'),
        documentIds,
      );
      // What intake screening would reject is refused here, before a workflow starts (the same check).
      const screening = await screenProposalFacts(prisma, {
        proposalId: '(new)',
        callId: proposal.callId,
        institutionId: institution.id,
        countryCode: proposal.countryCode,
        requestedCents: usdToCents(proposal.requestedAmountUsd),
        coFinancingCents: usdToCents(proposal.coFinancingUsd),
        durationMonths: proposal.durationMonths,
        localPartnerEvidence: proposal.nationalPartner.demandEvidence,
        submittedAt,
        budget: proposal.budget,
        milestoneDueDates: proposal.milestones.map((m) => m.dueDate),
        documentTypes: staged.map((d) => d.documentType),
      });
      if (screening.policy.outcome === 'fail')
        throw intakeRefused(intakeProblems(screening.policy.findings, Boolean(proposal.budget)));
      return startSubjectWorkflow(ctx, PROGRAMME.id, {
        user,
        idempotencyKey,
        countryCode: body.countryCode,
        prepare: (id) => attachStagedDocuments(ctx, user, id, documentIds),
        input: (id): ProposalWorkflowInput => ({
          proposalId: id,
          applicant: { userId: user.id, institutionId: institution.id, institutionName: institution.name },
          proposal,
          submittedAt,
        }),
      });
    },
  );

  subjectListRoute(router, ctx, PROGRAMME.id, {
    operationId: 'listProposals',
    tag: 'Challenge Fund',
    summary: 'List the proposals you may see',
    roles: READ_ROLES,
    query: proposalListQuerySchema,
    schema: proposalPageSchema,
    description: 'A page of proposals, newest first',
    getOperationId: 'getProposal',
    filters: (query) => [query.callId ? { callId: query.callId } : {}],
    select: LIST_SELECT,
    items: async (rows: Prisma.ProposalGetPayload<{ select: typeof LIST_SELECT }>[], user) => {
      const institutionIds = [...new Set(rows.map((r) => r.institutionId))];
      const institutions = new Map(
        (
          await prisma.institution.findMany({ where: { id: { in: institutionIds } }, select: { id: true, name: true } })
        ).map((i) => [i.id, i.name]),
      );
      return rows.map((r) => ({
        id: r.id,
        title: r.title,
        countryCode: r.countryCode,
        callId: r.callId,
        institution: { id: r.institutionId, name: institutions.get(r.institutionId) ?? null },
        stage: asStage(r.stage),
        stageEnteredAt: r.stageEnteredAt.toISOString(),
        requestedAmountUsd: centsToUsd(r.requestedAmountCents),
        createdAt: r.createdAt.toISOString(),
        closedAt: r.closedAt?.toISOString() ?? null,
        ...(seesScores(user) ? { weightedScore: r.weightedScore } : {}),
      }));
    },
  });

  router.add(
    {
      method: 'get',
      path: '/proposals/:id',
      operationId: 'getProposal',
      cached: true,
      tag: 'Challenge Fund',
      summary: 'A proposal with its open tasks and timeline',
      description:
        'Applicants never see review scores. A reviewer sees a limited view (identity fields to judge a conflict of interest) until it declares no conflict of interest (its conflict_declaration task); after that the full proposal, with its own review only. ' +
        'The full view has the grant `agreement`: value, signatures, tranches with their status and payment dates (null before contracting).',
      roles: READ_ROLES,
      params: { id: PROPOSAL_ID },
      success: {
        status: 200,
        description: 'The proposal: `view` is `full`, or `limited` for a reviewer before its no-conflict declaration',
        schema: proposalSchema,
      },
      errors: [404],
    },
    async ({ user, params }) => {
      const p = await findVisibleProposal(ctx, user, params.id, {
        id: true,
        workflowId: true,
        callId: true,
        institutionId: true,
        applicantId: true,
        countryCode: true,
        title: true,
        summary: true,
        nationalPartner: true,
        sdgs: true,
        thematicAreaId: true,
        budget: true,
        requestedAmountCents: true,
        coFinancingCents: true,
        durationMonths: true,
        innovation: true,
        expectedResults: true,
        milestones: true,
        stage: true,
        stageEnteredAt: true,
        weightedScore: true,
        passMarkMet: true,
        findings: true,
        outcome: true,
        createdAt: true,
        updatedAt: true,
        closedAt: true,
      });
      const [institution, call, tasks, events, agreement] = await Promise.all([
        prisma.institution.findUnique({ where: { id: p.institutionId }, select: { id: true, name: true } }),
        prisma.call.findUnique({ where: { id: p.callId }, select: { id: true, title: true } }),
        prisma.task.findMany({
          where: { subjectId: p.id, subjectType: PROGRAMME.subjectType, status: 'open' },
          select: TASK_LITE_SELECT,
          orderBy: { createdAt: 'asc' },
        }),
        timeline(prisma, p.id, user),
        agreementOf(prisma, p),
      ]);
      const identity = {
        id: p.id,
        workflowId: p.workflowId,
        title: p.title,
        countryCode: p.countryCode,
        call,
        institution,
        thematicAreaId: p.thematicAreaId,
        sdgs: p.sdgs as number[],
        stage: asStage(p.stage),
        stageEnteredAt: p.stageEnteredAt.toISOString(),
        createdAt: p.createdAt.toISOString(),
        openTasks: visibleOpenTasks(tasks, user),
        timeline: events,
      };
      const partner = p.nationalPartner as ProposalCreate['nationalPartner'];
      const budgetLines = (p.budget as BudgetLine[] | null) ?? null;
      let myReview: z.input<typeof proposalFullSchema>['myReview'];
      if (user.role === 'reviewer') {
        const review = await prisma.review.findUnique({
          where: { proposalId_reviewerId: { proposalId: p.id, reviewerId: user.id } },
          select: { coi: true, scores: true, total: true, comment: true, submittedAt: true },
        });
        const declaredNoConflict = !!review && review.coi === 'none' && review.submittedAt !== null;
        if (!declaredNoConflict) {
          return {
            body: {
              ...identity,
              view: 'limited' as const,
              reason: 'the full proposal is shown after your no-conflict declaration',
              nationalPartner: { name: partner?.name ?? null },
            },
          };
        }
        myReview = reviewView(review);
      }
      const body: z.input<typeof proposalFullSchema> = {
        ...identity,
        view: 'full',
        applicantId: p.applicantId,
        summary: p.summary,
        nationalPartner: partner,
        budget: budgetLines,
        budgetTotals: budgetLines ? budgetTotalsView(budgetTotals(budgetLines)) : null,
        requestedAmountUsd: centsToUsd(p.requestedAmountCents),
        coFinancingUsd: centsToUsd(p.coFinancingCents),
        durationMonths: p.durationMonths,
        innovation: p.innovation,
        expectedResults: p.expectedResults,
        milestones: p.milestones as ProposalCreate['milestones'],
        findings: asObject(p.findings),
        outcome: p.outcome,
        updatedAt: p.updatedAt.toISOString(),
        closedAt: p.closedAt?.toISOString() ?? null,
        agreement,
      };
      if (seesScores(user)) {
        body.weightedScore = p.weightedScore;
        body.passMarkMet = p.passMarkMet;
        const reviews = await prisma.review.findMany({
          where: { proposalId: p.id },
          select: { reviewerId: true, coi: true, scores: true, total: true, comment: true, submittedAt: true },
          orderBy: { createdAt: 'asc' },
        });
        body.reviews = reviews.map((r) => ({ reviewerId: r.reviewerId, ...reviewView(r) }));
      } else if (myReview) {
        body.myReview = myReview;
      }
      return { body };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/proposals/:id/resubmit',
      operationId: 'resubmitProposal',
      tag: 'Challenge Fund',
      summary: 'Resubmit a proposal after requested changes',
      description:
        'Decides the open `revise` task with decision `resubmit`; the body holds the changed fields. Accepts Idempotency-Key: a retry with the same key and body gets the first answer.',
      roles: ['applicant'],
      body: proposalChangesSchema,
      idempotent: true,
      params: { id: PROPOSAL_ID },
      success: { status: 200, description: 'Resubmitted', schema: decisionResponseSchema },
      errors: [404, 409],
    },
    async ({ user, params, body, req, idempotencyKey }) => {
      const p = await findVisibleProposal(ctx, user, params.id, { id: true, stage: true });
      assertNotTerminal(p.stage, 'proposal');
      // The latest revise task, open or (for a keyed retry of a resubmission that was applied) not.
      const task = await prisma.task.findFirst({
        where: {
          subjectId: p.id,
          subjectType: 'proposal',
          kind: 'revise',
          ...(idempotencyKey ? {} : { status: 'open' }),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        select: { id: true, workflowId: true, kind: true, status: true },
      });
      if (!task) throw conflict('no changes were requested for this proposal', 'not_allowed_now');
      await assertRequiredDocuments(ctx, p.id);
      const result = await executeDecision(
        ctx,
        user,
        task,
        { decision: 'resubmit', data: body as Record<string, unknown> },
        req.requestId,
        idempotencyKey,
      );
      return { body: result };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/proposals/:id/extensions',
      operationId: 'createExtension',
      tag: 'Challenge Fund',
      summary: 'Ask for a no-cost extension of a milestone',
      description:
        "During implementation the applicant asks to move a milestone's date, with a reason; the Country Office " +
        'decides in a task (`extension_decision`). Once approved, the report task of the milestone moves with its ' +
        'reminder and escalation. The new date must be later than the current one, within the extension limit of ' +
        'the deadline rules, and not after the next milestone. Accepts Idempotency-Key.',
      roles: ['applicant'],
      body: extensionRequestSchema,
      idempotent: true,
      params: { id: PROPOSAL_ID },
      success: {
        status: 201,
        description: 'Asked: the Country Office has a task to decide it',
        schema: extensionResponseSchema,
      },
      errors: [404, 409],
    },
    async ({ user, params, body, req, idempotencyKey }) => {
      const p = await findVisibleProposal(ctx, user, params.id, { id: true, stage: true, workflowId: true });
      const { taskId } = await executeExtensionRequest(
        ctx,
        user,
        { workflowId: p.workflowId, stage: p.stage },
        body,
        req.requestId,
        idempotencyKey,
      );
      return { status: 201, body: { id: p.id, taskId } };
    },
  );

  subjectWithdrawRoute(router, ctx, PROGRAMME.id, {
    operationId: 'withdrawProposal',
    tag: 'Challenge Fund',
    summary: 'Withdraw a proposal',
    id: PROPOSAL_ID,
  });
}
