import type { Prisma } from '../../generated/prisma/client';
import { UN_VOLUNTEERS as PROGRAMME } from '../../domain/programmes/un-volunteers';
import type { UnvCategory, UnvLedger } from '../../domain/policy/unv';
import { centsToUsd } from '../../domain/schemas';
import { unvRequestSchema } from '../../domain/unv';
import type { UnvAssignmentWorkflowInput } from '../../workflows/un-volunteers';
import type { ApiContext } from '../context';
import { forbidden } from '../errors';
import { unvAssignmentSchema, unvListQuerySchema, unvPageSchema } from '../un-volunteers-schemas';
import { created, type ApiRouter } from '../router';
import { createdSubjectSchema } from '../schemas';
import { startSubjectWorkflow } from '../start-subject';
import { subjectListRoute, subjectReadRoute, subjectWithdrawRoute } from '../subject-routes';
import { asObject, asStage } from '../views';

const TAG = 'UN Volunteers';
const READ_ROLES = ['fund_manager', 'co_approver', 'unv_officer', 'unv_volunteer', 'admin'] as const;
/** The volunteer reads their assignment, not the fund's ledger, the estimate or the other candidates. */
const VOLUNTEER = 'unv_volunteer';
const ASSIGNMENT_ID = { description: 'The UN Volunteer assignment id', example: 'unv-0a1b2c3d4e5f6g7h' };

const dayOrNull = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

const SUMMARY_SELECT = {
  id: true,
  title: true,
  countryCode: true,
  dutyStationCity: true,
  hostEntity: true,
  unvCategory: true,
  plannedMonths: true,
  volunteerName: true,
  deployedOn: true,
  plannedEndDate: true,
  committedCents: true,
  transferredCents: true,
  spentCents: true,
  stage: true,
  stageEnteredAt: true,
  createdAt: true,
  closedAt: true,
} as const;
type SummaryRow = Prisma.UnvAssignmentGetPayload<{ select: typeof SUMMARY_SELECT }>;

/** The fund's money on the assignment: not the volunteer's to see (UNV pays them; their allowances are UNV's business). */
function money(r: SummaryRow, fundView: boolean) {
  return {
    committedUsd: fundView ? centsToUsd(r.committedCents) : null,
    transferredUsd: fundView ? centsToUsd(r.transferredCents) : null,
    spentUsd: fundView ? centsToUsd(r.spentCents) : null,
  };
}

/** A timeline without amounts (keys in cents or USD), for the volunteer. */
function withoutMoney<E extends { data: Record<string, unknown> | null }>(events: E[]): E[] {
  return events.map((e) => {
    if (!e.data) return e;
    const data = Object.fromEntries(Object.entries(e.data).filter(([k]) => !/(Cents|Usd)$/.test(k)));
    return { ...e, data: Object.keys(data).length ? data : null };
  });
}

function summary(r: SummaryRow, fundView: boolean) {
  return {
    id: r.id,
    title: r.title,
    countryCode: r.countryCode,
    dutyStationCity: r.dutyStationCity,
    hostEntity: r.hostEntity,
    category: r.unvCategory as UnvCategory,
    plannedMonths: r.plannedMonths,
    volunteerName: r.volunteerName,
    deployedOn: dayOrNull(r.deployedOn),
    plannedEndDate: dayOrNull(r.plannedEndDate),
    ...money(r, fundView),
    stage: asStage(r.stage),
    stageEnteredAt: r.stageEnteredAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
  };
}

const usdOrNull = (cents: number | undefined) => (cents === undefined ? null : centsToUsd(cents));

/** One of UNV's statements as reconciled (interim ones against the spending expected to their period end). */
function statementView(st: UnvLedger['statements'][number]) {
  return {
    periodEnd: st.periodEnd,
    final: st.final,
    spentUsd: centsToUsd(st.spentCents),
    expectedUsd: usdOrNull(st.expectedCents),
    varianceUsd: usdOrNull(st.varianceCents),
    variancePct: st.variancePct ?? null,
    overspent: st.overspent ?? false,
    varianceExplanation: st.varianceExplanation ?? null,
  };
}

export function unVolunteersRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  router.add(
    {
      method: 'post',
      path: `/${PROGRAMME.apiPath}`,
      operationId: 'createUnvAssignment',
      tag: TAG,
      summary: 'Request a fully funded UN Volunteer (the host’s description of assignment)',
      description:
        'A Country Office approver of the duty station’s country submits the description of assignment. Starts its workflow, which checks ' +
        'the request under the dated UNV rule set (rates for the duty station, the category’s duration bounds) and computes the cost estimate ' +
        '(living allowance × months, settling-in grant, insurance, travel, resettlement allowance, UNV’s support cost) for the fund manager’s ' +
        'funding decision. Accepts Idempotency-Key.',
      roles: ['co_approver'],
      body: unvRequestSchema,
      idempotent: true,
      success: created(createdSubjectSchema, 'getUnvAssignment', 'withdrawUnvAssignment'),
      errors: [409],
    },
    async ({ user, body, idempotencyKey }) => {
      if (user.countryCode !== body.dutyStation.countryCode)
        throw forbidden(`you host assignments in your own country (${user.countryCode ?? 'none'}) only`);
      return startSubjectWorkflow(ctx, PROGRAMME.id, {
        user,
        idempotencyKey,
        countryCode: body.dutyStation.countryCode,
        input: (id): UnvAssignmentWorkflowInput => ({
          assignmentId: id,
          requester: { userId: user.id, role: user.role },
          request: body,
          submittedAt: new Date().toISOString(),
        }),
      });
    },
  );

  subjectListRoute(router, ctx, PROGRAMME.id, {
    operationId: 'listUnvAssignments',
    tag: TAG,
    summary: 'List the UN Volunteer assignments you may see',
    roles: READ_ROLES,
    query: unvListQuerySchema,
    schema: unvPageSchema,
    description: 'A page of assignments, newest first (a Country Office sees those of its country)',
    getOperationId: 'getUnvAssignment',
    select: SUMMARY_SELECT,
    items: (rows: SummaryRow[], user) => rows.map((r) => summary(r, user.role !== VOLUNTEER)),
  });

  subjectReadRoute(router, ctx, PROGRAMME.id, {
    operationId: 'getUnvAssignment',
    tag: TAG,
    summary: 'A UN Volunteer assignment with its money, open tasks and timeline',
    roles: READ_ROLES,
    id: ASSIGNMENT_ID,
    schema: unvAssignmentSchema,
    description: 'The assignment',
    find: (where: Prisma.UnvAssignmentWhereInput) =>
      prisma.unvAssignment.findFirst({
        where,
        select: {
          ...SUMMARY_SELECT,
          workflowId: true,
          requesterId: true,
          request: true,
          costEstimate: true,
          ledger: true,
          releasedCents: true,
          shortlist: true,
          endedOn: true,
          reconciliation: true,
          endReport: true,
          findings: true,
          outcome: true,
          updatedAt: true,
        },
      }),
    body: (r, shared, _extra, user) => {
      const fundView = user.role !== VOLUNTEER;
      const ledger = r.ledger as unknown as UnvLedger | null;
      return {
        ...summary(r, fundView),
        workflowId: r.workflowId,
        requesterId: r.requesterId,
        request: asObject(r.request) ?? {},
        costEstimate: fundView ? asObject(r.costEstimate) : null,
        ledger: fundView ? asObject(r.ledger) : null,
        statements: fundView ? (ledger?.statements ?? []).map(statementView) : [],
        releasedUsd: fundView ? centsToUsd(r.releasedCents) : null,
        shortlist: fundView && Array.isArray(r.shortlist) ? (r.shortlist as unknown[]) : null,
        endedOn: dayOrNull(r.endedOn),
        reconciliation: fundView ? asObject(r.reconciliation) : null,
        endReport: asObject(r.endReport),
        findings: fundView ? asObject(r.findings) : null,
        outcome: r.outcome,
        updatedAt: r.updatedAt.toISOString(),
        ...shared,
        timeline: fundView ? shared.timeline : withoutMoney(shared.timeline),
      };
    },
  });

  subjectWithdrawRoute(router, ctx, PROGRAMME.id, {
    operationId: 'withdrawUnvAssignment',
    tag: TAG,
    summary: 'Withdraw a UN Volunteer request (the host Country Office, until a volunteer is recruited)',
    id: ASSIGNMENT_ID,
  });
}
