import { WithStartWorkflowOperation, type Workflow } from '@temporalio/client';
import type { Prisma } from '../../generated/prisma/client';
import { internshipCreateSchema, postingFieldsSchema, postingProblems } from '../../domain/internship';
import { internshipRulesInForce, stipendCentsOn } from '../../domain/policy/internship';
import { INTERNSHIPS as PROGRAMME } from '../../domain/programmes/internships';
import { centsToUsd } from '../../domain/schemas';
import type { InternshipWorkflowInput } from '../../workflows/internship';
import {
  extendPostingUpdate,
  postingReadyUpdate,
  terminateInternshipUpdate,
  withdrawPostingUpdate,
  type PostingView,
} from '../../workflows/internship-messages';
import type { InternshipPostingInput } from '../../workflows/internship-posting';
import { agreementOf } from '../agreements';
import { withTemporalDeadline, type ApiContext } from '../context';
import { executeSubjectUpdate } from '../decide';
import { assertSubmissionDocuments, attachStagedDocuments } from '../documents';
import { conflict, forbidden, notFound, validationFailed } from '../errors';
import { subjectId } from '../ids';
import {
  internshipTerminateSchema,
  internshipListQuerySchema,
  internshipPageSchema,
  internshipSchema,
  postingExtendSchema,
  postingListQuerySchema,
  postingPageSchema,
  postingSchema,
  postingWithdrawSchema,
} from '../internship-schemas';
import { created, type ApiRouter } from '../router';
import { createdSubjectSchema, stageResponseSchema } from '../schemas';
import { actorOf, subjectScope } from '../scope';
import { startSubjectWorkflow } from '../start-subject';
import { subjectListRoute, subjectReadRoute, subjectWithdrawRoute } from '../subject-routes';
import type { AuthUser } from '../types';
import { asObject, asStage } from '../views';

const TAG = 'Internships';
const POSTINGS = 'internship-postings';
const POSTING_WORKFLOW_PREFIX = 'internship-posting-';
const READ_ROLES = ['fund_manager', 'co_approver', 'applicant', 'university_contact', 'admin'] as const;
const INTERNSHIP_ID = { description: 'The internship application id', example: 'in-0a1b2c3d4e5f6g7h' };
const POSTING_ID = { description: 'The internship posting id', example: 'ip-0a1b2c3d4e5f6g7h' };

const day = (d: Date) => d.toISOString().slice(0, 10);
const today = () => new Date().toISOString().slice(0, 10);

const POSTING_SELECT = {
  id: true,
  workflowId: true,
  title: true,
  countryCode: true,
  months: true,
  startDate: true,
  applicationDeadline: true,
  places: true,
  placesFilled: true,
  status: true,
  stipendCents: true,
  extensions: true,
  createdAt: true,
  closedAt: true,
} as const;
type PostingRow = Prisma.InternshipPostingGetPayload<{ select: typeof POSTING_SELECT }>;

function postingSummary(r: PostingRow) {
  return {
    id: r.id,
    workflowId: r.workflowId,
    title: r.title,
    countryCode: r.countryCode,
    months: r.months,
    startDate: day(r.startDate),
    applicationDeadline: day(r.applicationDeadline),
    places: r.places,
    placesFilled: r.placesFilled,
    status: r.status as PostingView['status'],
    stipendUsdPerMonth: centsToUsd(r.stipendCents),
    extensions: r.extensions,
    createdAt: r.createdAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
  };
}

const SUMMARY_SELECT = {
  id: true,
  title: true,
  countryCode: true,
  postingId: true,
  institutionId: true,
  masterProgramme: true,
  months: true,
  startDate: true,
  monthsServed: true,
  stage: true,
  stageEnteredAt: true,
  createdAt: true,
  closedAt: true,
} as const;
type SummaryRow = Prisma.InternshipGetPayload<{ select: typeof SUMMARY_SELECT }>;

function summary(r: SummaryRow) {
  return {
    ...r,
    startDate: day(r.startDate),
    stage: asStage(r.stage),
    stageEnteredAt: r.stageEnteredAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
  };
}

/**
 * Which postings the caller sees: a Country Office approver the ones they supervise or posted (not the
 * whole country's), a fund manager all; students and universities all, to apply (their applications are
 * scoped by the registry).
 */
function postingScope(user: AuthUser): Prisma.InternshipPostingWhereInput {
  return user.role === 'co_approver' ? { OR: [{ supervisorUserId: user.id }, { createdById: user.id }] } : {};
}

export function internshipRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  /** The posting's supervisor: the one it names (an active co_approver of the duty station), else the Country Office approver posting it. */
  async function supervisorOf(
    user: AuthUser,
    countryCode: string,
    email: string | undefined,
  ): Promise<{ userId: string } | { problem: string }> {
    if (!email) {
      return user.role === 'co_approver'
        ? { userId: user.id }
        : { problem: 'required: name the Country Office approver who supervises the placement' };
    }
    const named = await prisma.user.findFirst({
      where: { email: { equals: email, mode: 'insensitive' }, role: 'co_approver', countryCode, active: true },
      select: { id: true },
    });
    return named
      ? { userId: named.id }
      : { problem: `must be the e-mail of an active Country Office approver of ${countryCode}` };
  }

  // ---------- postings ----------

  router.add(
    {
      method: 'post',
      path: `/${POSTINGS}`,
      operationId: 'createInternshipPosting',
      tag: TAG,
      summary: 'Post an internship placement (a Country Office, or a fund manager)',
      description:
        'Starts the posting’s workflow: open until its application deadline (extendable), filled when its last place is taken, or withdrawn. ' +
        'The duration must lie within the internship rule set’s bounds and the duty station must have a stipend rate. Accepts Idempotency-Key.',
      roles: ['co_approver', 'fund_manager'],
      body: postingFieldsSchema,
      idempotent: true,
      success: created(postingSchema, 'getInternshipPosting'),
    },
    async ({ user, body: { supervisorEmail, ...body }, idempotencyKey }) => {
      if (user.role === 'co_approver' && user.countryCode !== body.countryCode)
        throw forbidden(`a Country Office posts for its own country (${user.countryCode})`);
      const set = internshipRulesInForce(today());
      const problems = postingProblems(body, set.rules);
      const supervisor = await supervisorOf(user, body.countryCode, supervisorEmail);
      if ('problem' in supervisor) problems.push({ path: 'supervisorEmail', message: supervisor.problem });
      if (!stipendCentsOn(body.countryCode, body.startWindowFrom))
        problems.push({ path: 'countryCode', message: 'no stipend rate is known for this duty station' });
      if (body.applicationDeadline < today())
        problems.push({ path: 'applicationDeadline', message: 'must not be in the past' });
      if (problems.length) throw validationFailed(problems);
      const id = subjectId('ip', user.id, idempotencyKey);
      const input: InternshipPostingInput = {
        postingId: id,
        createdById: user.id,
        supervisorUserId: 'userId' in supervisor ? supervisor.userId : undefined,
        fields: body,
      };
      const operation = new WithStartWorkflowOperation<Workflow>('internshipPostingWorkflow', {
        workflowId: `${POSTING_WORKFLOW_PREFIX}${id}`,
        taskQueue: ctx.taskQueue,
        args: [input],
        workflowIdConflictPolicy: idempotencyKey ? 'USE_EXISTING' : 'FAIL',
      });
      await withTemporalDeadline(ctx, () =>
        ctx.temporal.workflow.executeUpdateWithStart(postingReadyUpdate, { startWorkflowOperation: operation }),
      );
      const row = await prisma.internshipPosting.findUniqueOrThrow({ where: { id }, select: POSTING_SELECT });
      const fields = await prisma.internshipPosting.findUniqueOrThrow({ where: { id }, select: { fields: true } });
      return { status: 201, body: { ...postingSummary(row), fields: asObject(fields.fields) ?? {} } };
    },
  );

  router.add(
    {
      method: 'get',
      path: `/${POSTINGS}`,
      operationId: 'listInternshipPostings',
      cached: true,
      tag: TAG,
      summary: 'List internship postings (students see every open posting; a Country Office its own country’s)',
      query: postingListQuerySchema,
      success: { status: 200, description: 'A page of postings, newest first', schema: postingPageSchema },
    },
    async ({ user, query }) => {
      const where: Prisma.InternshipPostingWhereInput = {
        AND: [
          postingScope(user),
          query.status ? { status: query.status } : {},
          query.country ? { countryCode: query.country } : {},
        ],
      };
      const [rows, total] = await Promise.all([
        prisma.internshipPosting.findMany({
          where,
          select: POSTING_SELECT,
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          skip: (query.page - 1) * query.pageSize,
          take: query.pageSize,
        }),
        prisma.internshipPosting.count({ where }),
      ]);
      return { body: { items: rows.map(postingSummary), total, page: query.page, pageSize: query.pageSize } };
    },
  );

  router.add(
    {
      method: 'get',
      path: `/${POSTINGS}/:id`,
      operationId: 'getInternshipPosting',
      cached: true,
      tag: TAG,
      summary: 'An internship posting',
      params: { id: POSTING_ID },
      success: { status: 200, description: 'The posting', schema: postingSchema },
      errors: [404],
    },
    async ({ user, params }) => {
      const r = await prisma.internshipPosting.findFirst({
        where: { AND: [{ id: params.id }, postingScope(user)] },
        select: { ...POSTING_SELECT, fields: true },
      });
      if (!r) throw notFound('internship posting');
      return { body: { ...postingSummary(r), fields: asObject(r.fields) ?? {} } };
    },
  );

  /** An Update on a posting the caller may see (404 otherwise); the workflow checks who may change it. */
  async function postingUpdate<A>(
    user: AuthUser,
    id: string,
    run: (handle: ReturnType<ApiContext['temporal']['workflow']['getHandle']>) => Promise<A>,
  ): Promise<{ body: ReturnType<typeof postingSummary> & { fields: Record<string, unknown> } }> {
    const r = await prisma.internshipPosting.findFirst({
      where: { AND: [{ id }, postingScope(user)] },
      select: { workflowId: true },
    });
    if (!r) throw notFound('internship posting');
    await withTemporalDeadline(ctx, () => run(ctx.temporal.workflow.getHandle(r.workflowId)));
    const row = await prisma.internshipPosting.findUniqueOrThrow({
      where: { id },
      select: { ...POSTING_SELECT, fields: true },
    });
    return { body: { ...postingSummary(row), fields: asObject(row.fields) ?? {} } };
  }

  router.add(
    {
      method: 'post',
      path: `/${POSTINGS}/:id/extend`,
      operationId: 'updateInternshipPostingDeadline',
      tag: TAG,
      summary: 'Extend an open posting’s application deadline',
      roles: ['co_approver', 'fund_manager'],
      params: { id: POSTING_ID },
      body: postingExtendSchema,
      success: { status: 200, description: 'The posting', schema: postingSchema },
      errors: [404, 409],
    },
    ({ user, params, body }) =>
      postingUpdate(user, params.id, (h) =>
        h.executeUpdate(extendPostingUpdate, {
          args: [{ actor: actorOf(user), applicationDeadline: body.applicationDeadline }],
        }),
      ),
  );

  router.add(
    {
      method: 'post',
      path: `/${POSTINGS}/:id/withdraw`,
      operationId: 'withdrawInternshipPosting',
      tag: TAG,
      summary: 'Withdraw a posting: applications still waiting for a place end not selected',
      roles: ['co_approver', 'fund_manager'],
      params: { id: POSTING_ID },
      body: postingWithdrawSchema,
      success: { status: 200, description: 'The posting', schema: postingSchema },
      errors: [404, 409],
    },
    ({ user, params, body }) =>
      postingUpdate(user, params.id, (h) =>
        h.executeUpdate(withdrawPostingUpdate, { args: [{ actor: actorOf(user), reason: body.reason }] }),
      ),
  );

  // ---------- applications ----------

  router.add(
    {
      method: 'post',
      path: `/${PROGRAMME.apiPath}`,
      operationId: 'createInternship',
      tag: TAG,
      summary: 'Apply for an internship posting (a student, as an applicant of their university)',
      description:
        'Starts the application’s workflow: eligibility under the dated internship rule set (a Master’s student, or a graduate starting ' +
        'within the rule’s window; the posting’s duration within bounds; one active placement at a time), then the university’s ' +
        'verification, the Country Office’s shortlist, interview and selection. Upload the CV (`cv`) and the proof of enrolment ' +
        '(`proof_of_enrolment`) first (POST /documents) and name them in `documentIds` (400 at `documentIds` without either). Accepts Idempotency-Key.',
      roles: ['applicant'],
      body: internshipCreateSchema,
      idempotent: true,
      success: created(createdSubjectSchema, 'getInternship', 'withdrawInternship'),
      errors: [409],
    },
    async ({ user, body: { documentIds, ...body }, idempotencyKey }) => {
      if (!user.institutionId) throw forbidden('your account belongs to no university');
      const posting = await prisma.internshipPosting.findUnique({ where: { id: body.postingId } });
      if (!posting) throw validationFailed([{ path: 'postingId', message: 'no internship posting has this id' }]);
      if (posting.status !== 'open') throw conflict(`the posting is ${posting.status}`, 'posting_not_open');
      const fields = posting.fields as { hostOffice: string; unit: string; supervisorName: string };
      return startSubjectWorkflow(ctx, PROGRAMME.id, {
        user,
        idempotencyKey,
        countryCode: posting.countryCode,
        // The CV and the proof of enrolment uploaded beforehand are required, and attached before the workflow starts.
        prepare: async (id) => {
          const target = { subjectType: 'internship' as const, subjectId: id };
          await assertSubmissionDocuments(ctx, user, target, documentIds);
          await attachStagedDocuments(ctx, user, id, documentIds, 'internship');
        },
        input: (id): InternshipWorkflowInput => ({
          internshipId: id,
          student: { userId: user.id, name: user.name, institutionId: user.institutionId! },
          application: body,
          terms: {
            postingId: posting.id,
            ...(posting.supervisorUserId ? { supervisorUserId: posting.supervisorUserId } : {}),
            title: posting.title,
            countryCode: posting.countryCode,
            hostOffice: fields.hostOffice,
            unit: fields.unit,
            supervisorName: fields.supervisorName,
            months: posting.months,
            startDate: day(posting.startDate),
          },
          postingWorkflowId: posting.workflowId,
          submittedAt: new Date().toISOString(),
        }),
      });
    },
  );

  subjectListRoute(router, ctx, PROGRAMME.id, {
    operationId: 'listInternships',
    tag: TAG,
    summary: 'List the internship applications you may see',
    roles: READ_ROLES,
    query: internshipListQuerySchema,
    schema: internshipPageSchema,
    description:
      'A page of applications, newest first (a student sees their own; a university its students’; a Country Office approver those to the postings they supervise)',
    getOperationId: 'getInternship',
    select: SUMMARY_SELECT,
    items: (rows: SummaryRow[]) => rows.map(summary),
  });

  subjectReadRoute(router, ctx, PROGRAMME.id, {
    operationId: 'getInternship',
    tag: TAG,
    summary: 'An internship application (the placement once selected) with its open tasks, timeline and payments',
    roles: READ_ROLES,
    id: INTERNSHIP_ID,
    schema: internshipSchema,
    description: 'The application',
    find: (where: Prisma.InternshipWhereInput) =>
      prisma.internship.findFirst({
        where,
        select: {
          ...SUMMARY_SELECT,
          workflowId: true,
          studentUserId: true,
          application: true,
          interview: true,
          funderSharePct: true,
          funderName: true,
          stipend: true,
          findings: true,
          outcome: true,
          updatedAt: true,
        },
      }),
    extra: (r) =>
      Promise.all([
        agreementOf(prisma, r),
        prisma.payment.findMany({
          where: { subjectId: r.id, subjectType: PROGRAMME.subjectType },
          select: { payee: true, amountCents: true },
          orderBy: { id: 'asc' },
        }),
      ]),
    body: (r, shared, [agreement, payments]) => ({
      ...summary(r),
      workflowId: r.workflowId,
      studentUserId: r.studentUserId,
      application: asObject(r.application) ?? {},
      interview: asObject(r.interview),
      funderSharePct: r.funderSharePct,
      funderName: r.funderName,
      stipend: asObject(r.stipend),
      findings: asObject(r.findings),
      outcome: r.outcome,
      updatedAt: r.updatedAt.toISOString(),
      ...shared,
      agreement,
      payments: payments.map((p) => ({ payee: p.payee, amountUsd: centsToUsd(p.amountCents) })),
    }),
  });

  router.add(
    {
      method: 'post',
      path: `/${PROGRAMME.apiPath}/:id/terminate`,
      operationId: 'createInternshipTermination',
      tag: TAG,
      summary: 'End a running placement early, with a reason (the intern, the supervisor or a fund manager)',
      description:
        'No further month of the stipend is paid; the parallel funder still confirms its shares of the months served, then the ' +
        'internship ends `terminated` and the intern, the supervisor and the university are told with the reason. ' +
        'Only while the placement runs (409 otherwise). Accepts Idempotency-Key.',
      roles: ['applicant', 'co_approver', 'fund_manager'],
      params: { id: INTERNSHIP_ID },
      body: internshipTerminateSchema,
      idempotent: true,
      success: {
        status: 200,
        description: 'Ended early, or waiting for the funder’s confirmations',
        schema: stageResponseSchema,
      },
      errors: [404, 409],
    },
    async ({ user, params, body, req, idempotencyKey }) => {
      const scope = (await subjectScope(prisma, PROGRAMME.id, user)) as Prisma.InternshipWhereInput;
      const r = await prisma.internship.findFirst({
        where: { AND: [{ id: params.id }, scope] },
        select: { id: true, stage: true, workflowId: true },
      });
      if (!r) throw notFound('internship application');
      const { stage } = await executeSubjectUpdate(
        ctx,
        user,
        { workflowId: r.workflowId, stage: r.stage, what: 'internship' },
        {
          kind: 'terminate',
          definition: terminateInternshipUpdate,
          arg: { actor: actorOf(user), reason: body.reason, requestId: req.requestId },
          keyed: { reason: body.reason },
          idempotencyKey,
        },
      );
      return { body: { id: r.id, stage } };
    },
  );

  subjectWithdrawRoute(router, ctx, PROGRAMME.id, {
    operationId: 'withdrawInternship',
    tag: TAG,
    summary: 'Withdraw an internship application (the student, until selected)',
    id: INTERNSHIP_ID,
  });
}
