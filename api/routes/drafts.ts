import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import { screenProposalFacts } from '../../activities/proposal';
import { budgetTotals, legacyBudgetLine, type BudgetLine } from '../../domain/budget';
import { intakeProblems } from '../../domain/intake';
import { fieldProblems, isoDateSchema, proposalCreateSchema } from '../../domain/schemas';
import { CHALLENGE_FUND as PROGRAMME } from '../../domain/programmes/challenge-fund';
import type { ApiContext } from '../context';
import { requestBody, responseBody } from '../contract';
import { notFound, validationFailed } from '../errors';
import { subjectId } from '../ids';
import { created, linksById, type ApiRouter } from '../router';
import { budgetTotalsSchema, budgetTotalsView } from '../schemas';
import { subjectScope } from '../scope';
import type { AuthUser } from '../types';

/**
 * Proposal drafts on the server: started from a call's form, autosaved while typed, shared with the
 * colleagues of the applicant's institution, copied or deleted at will; a rejected proposal can be
 * copied into a new one. Each answer carries the draft's check: its budget totals and what intake
 * would refuse, computed by the same functions as the submission (domain/budget.ts, checkGrant).
 */

const DRAFT_ID = { description: 'The draft id', example: 'draft-0a1b2c3d4e5f6g7h' };

/** The proposal's fields as typed so far: any subset of a ProposalCreate body (callId and countryCode come from the draft's call). */
const draftDataSchema = z
  .record(z.string().max(100), z.unknown())
  .refine((d) => JSON.stringify(d).length <= 200_000, 'a draft holds at most 200,000 characters of JSON')
  .describe('Any subset of a ProposalCreate body, as typed so far (checked, never refused, until submission)');

export const draftCreateSchema = requestBody(
  'DraftCreate',
  z.strictObject({ callId: z.string().min(1).max(100), data: draftDataSchema.default({}) }),
  { callId: 'call-kg', data: { title: 'Glacial lake early warning with low-cost sensors' } },
);
export const draftSaveSchema = requestBody('DraftSave', z.strictObject({ data: draftDataSchema }), {
  data: { title: 'Glacial lake early warning with low-cost sensors', durationMonths: 12 },
});

const person = z.strictObject({ id: z.string(), name: z.string().nullable() });
export const draftSummarySchema = responseBody(
  'DraftSummary',
  z.strictObject({
    id: z.string(),
    title: z.string(),
    call: z
      .strictObject({ id: z.string(), title: z.string(), closesAt: iso().nullable() })
      .nullable()
      .describe("The draft's call, with its deadline; null if it no longer exists"),
    createdBy: person,
    updatedBy: person.nullable(),
    createdAt: iso(),
    updatedAt: iso(),
  }),
);
const problemSchema = z.strictObject({
  path: z.string(),
  message: z.string(),
  rule: z.string().optional(),
  figures: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])).optional(),
});
export const draftSchema = responseBody(
  'Draft',
  draftSummarySchema.extend({
    data: z.record(z.string(), z.unknown()),
    check: z
      .strictObject({
        totals: budgetTotalsSchema.nullable().describe('What the budget lines add up to; null without lines'),
        problems: z
          .array(problemSchema)
          .describe(
            'What a submission would be refused for now: field problems, and intake rules (`rule`, `figures`) on what is typed',
          ),
      })
      .describe('The draft checked as a submission would be'),
  }),
);
const draftListSchema = responseBody('DraftList', z.strictObject({ items: z.array(draftSummarySchema) }));
const deletedSchema = responseBody('DraftDeleted', z.strictObject({ id: z.string(), deleted: z.literal(true) }));

function iso() {
  return z.iso.datetime();
}

const DRAFT_SELECT = {
  id: true,
  userId: true,
  institutionId: true,
  callId: true,
  title: true,
  data: true,
  updatedById: true,
  createdAt: true,
  updatedAt: true,
} as const;
type DraftRow = Prisma.ProposalDraftGetPayload<{ select: typeof DRAFT_SELECT }>;

/** Drafts a person sees: their institution's, or their own when they have none. */
const visibleDrafts = (user: AuthUser): Prisma.ProposalDraftWhereInput =>
  user.institutionId ? { institutionId: user.institutionId } : { userId: user.id };

const titleOf = (data: Record<string, unknown>): string =>
  typeof data.title === 'string' ? data.title.trim().slice(0, 300) : '';

/** Intake rules whose inputs a draft may still lack: a rule is reported only once its figures are typed. */
const RULE_INPUTS: Record<string, (has: Record<string, boolean>) => boolean> = {
  amount_within_call_limits: (h) => h.budget,
  low_value_grant_cap: (h) => h.budget,
  cumulative_recipient_cap: (h) => h.budget,
  co_financing_min: (h) => h.budget,
  innovation_direct_award_limit: () => false,
  indirect_cost_cap: (h) => h.budget,
  local_partner_evidence: (h) => h.evidence,
  duration_max: (h) => h.duration,
  milestone_in_past: (h) => h.milestones,
  milestone_after_end: (h) => h.milestones && h.duration,
};

async function checkDraft(
  ctx: ApiContext,
  user: AuthUser,
  draft: { id: string; callId: string; data: Record<string, unknown> },
  call: { countryCode: string } | null,
) {
  const body = { ...draft.data, callId: draft.callId, countryCode: call?.countryCode ?? draft.data.countryCode };
  const parsed = proposalCreateSchema.safeParse(body);
  const problems: z.input<typeof problemSchema>[] = parsed.success ? [] : fieldProblems(parsed.error.issues);
  const rawLines = Array.isArray(draft.data.budget) ? (draft.data.budget as Partial<BudgetLine>[]) : [];
  const lines = rawLines.filter((l) => typeof l === 'object' && l !== null);
  const totals = lines.length ? budgetTotals(lines) : null;
  const typedDuration = draft.data.durationMonths;
  const duration =
    typeof typedDuration === 'number' && Number.isInteger(typedDuration) && typedDuration >= 1 && typedDuration <= 60
      ? typedDuration
      : null;
  const milestones = Array.isArray(draft.data.milestones)
    ? (draft.data.milestones as { dueDate?: unknown }[])
        .map((m) => (typeof m === 'object' && m !== null ? m.dueDate : undefined))
        .filter((d): d is string => isoDateSchema.safeParse(d).success)
    : [];
  const partner = draft.data.nationalPartner as { demandEvidence?: unknown } | undefined;
  const evidence = typeof partner?.demandEvidence === 'string' ? partner.demandEvidence : '';
  if (call && user.institutionId) {
    const has = {
      budget: totals !== null && totals.totalCents > 0,
      duration: duration !== null,
      milestones: milestones.length > 0,
      evidence: evidence.trim().length > 0,
    };
    const screening = await screenProposalFacts(ctx.prisma, {
      proposalId: draft.id,
      callId: draft.callId,
      institutionId: user.institutionId,
      countryCode: call.countryCode,
      requestedCents: totals?.requestedCents ?? 0,
      coFinancingCents: totals?.coFinancingCents ?? 0,
      durationMonths: duration ?? 1,
      localPartnerEvidence: evidence,
      submittedAt: new Date().toISOString(),
      ...(lines.length ? { budget: lines as BudgetLine[] } : {}),
      ...(milestones.length ? { milestoneDueDates: milestones } : {}),
    });
    const applicable = screening.policy.findings.filter((f) => RULE_INPUTS[f.rule]?.(has) ?? true);
    problems.push(...intakeProblems(applicable, true));
  }
  return { totals: totals ? budgetTotalsView(totals) : null, problems };
}

export function draftRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  async function names(ids: (string | null)[]): Promise<Map<string, string | null>> {
    const wanted = [...new Set(ids.filter((id): id is string => !!id))];
    const users = await prisma.user.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true } });
    return new Map(users.map((u) => [u.id, u.name]));
  }

  async function summaries(rows: DraftRow[]) {
    const [calls, people] = await Promise.all([
      prisma.call.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.callId))] } },
        select: { id: true, title: true, closesAt: true, countryCode: true },
      }),
      names(rows.flatMap((r) => [r.userId, r.updatedById])),
    ]);
    const byId = new Map(calls.map((c) => [c.id, c]));
    return rows.map((r) => {
      const call = byId.get(r.callId);
      return {
        row: r,
        call: call ?? null,
        summary: {
          id: r.id,
          title: r.title,
          call: call ? { id: call.id, title: call.title, closesAt: call.closesAt?.toISOString() ?? null } : null,
          createdBy: { id: r.userId, name: people.get(r.userId) ?? null },
          updatedBy: r.updatedById ? { id: r.updatedById, name: people.get(r.updatedById) ?? null } : null,
          createdAt: r.createdAt.toISOString(),
          updatedAt: r.updatedAt.toISOString(),
        },
      };
    });
  }

  async function fullView(user: AuthUser, row: DraftRow) {
    const [{ summary, call }] = await summaries([row]);
    const data = (row.data ?? {}) as Record<string, unknown>;
    return { ...summary, data, check: await checkDraft(ctx, user, { id: row.id, callId: row.callId, data }, call) };
  }

  async function findDraft(user: AuthUser, id: string): Promise<DraftRow> {
    const row = await prisma.proposalDraft.findFirst({
      where: { AND: [{ id }, visibleDrafts(user)] },
      select: DRAFT_SELECT,
    });
    if (!row) throw notFound('draft');
    return row;
  }

  async function create(user: AuthUser, callId: string, data: Record<string, unknown>, idempotencyKey?: string) {
    const id = subjectId('draft', user.id, idempotencyKey);
    const existing = idempotencyKey
      ? await prisma.proposalDraft.findUnique({ where: { id }, select: DRAFT_SELECT })
      : null;
    const row =
      existing ??
      (await prisma.proposalDraft.create({
        data: {
          id,
          userId: user.id,
          institutionId: user.institutionId ?? null,
          callId,
          title: titleOf(data),
          data: data as Prisma.InputJsonValue,
          updatedById: user.id,
        },
        select: DRAFT_SELECT,
      }));
    return fullView(user, row);
  }

  router.add(
    {
      method: 'get',
      path: '/drafts',
      operationId: 'listDrafts',
      tag: 'Challenge Fund',
      summary: "Your institution's proposal drafts",
      description: 'Drafts of every member of your institution, last saved first, each with its call and deadline.',
      roles: ['applicant'],
      success: { status: 200, description: 'The drafts', schema: draftListSchema },
    },
    async ({ user }) => {
      const rows = await prisma.proposalDraft.findMany({
        where: visibleDrafts(user),
        select: DRAFT_SELECT,
        orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
        take: 200,
      });
      return { body: { items: (await summaries(rows)).map((s) => s.summary) } };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/drafts',
      operationId: 'createDraft',
      tag: 'Challenge Fund',
      summary: 'Start a proposal draft for a call',
      description:
        'Accepts Idempotency-Key (a retry makes no second draft). The answer carries the draft checked as a submission would be.',
      roles: ['applicant'],
      body: draftCreateSchema,
      idempotent: true,
      success: created(draftSchema, 'getDraft'),
    },
    async ({ user, body, idempotencyKey }) => {
      const call = await prisma.call.findUnique({ where: { id: body.callId }, select: { id: true } });
      if (!call) throw validationFailed([{ path: 'callId', message: 'no such call' }]);
      return { status: 201, body: await create(user, body.callId, body.data, idempotencyKey) };
    },
  );

  router.add(
    {
      method: 'get',
      path: '/drafts/:id',
      operationId: 'getDraft',
      tag: 'Challenge Fund',
      summary: 'A proposal draft, checked as a submission would be',
      roles: ['applicant'],
      params: { id: DRAFT_ID },
      success: { status: 200, description: 'The draft', schema: draftSchema },
      errors: [404],
    },
    async ({ user, params }) => ({ body: await fullView(user, await findDraft(user, params.id)) }),
  );

  router.add(
    {
      method: 'patch',
      path: '/drafts/:id',
      operationId: 'updateDraft',
      tag: 'Challenge Fund',
      summary: 'Save a proposal draft (autosave)',
      description:
        'Replaces what is typed. Any member of the institution may save it; the answer carries the new check (totals, problems).',
      roles: ['applicant'],
      body: draftSaveSchema,
      params: { id: DRAFT_ID },
      success: { status: 200, description: 'Saved', schema: draftSchema },
      errors: [404],
    },
    async ({ user, params, body }) => {
      await findDraft(user, params.id);
      const row = await prisma.proposalDraft.update({
        where: { id: params.id },
        data: { data: body.data as Prisma.InputJsonValue, title: titleOf(body.data), updatedById: user.id },
        select: DRAFT_SELECT,
      });
      return { body: await fullView(user, row) };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/drafts/:id/copy',
      operationId: 'createDraftCopy',
      tag: 'Challenge Fund',
      summary: 'Copy a proposal draft into a new one',
      roles: ['applicant'],
      idempotent: true,
      params: { id: DRAFT_ID },
      success: {
        status: 201,
        description: 'The copy',
        schema: draftSchema,
        links: linksById('getDraft'),
      },
      errors: [404],
    },
    async ({ user, params, idempotencyKey }) => {
      const source = await findDraft(user, params.id);
      return {
        status: 201,
        body: await create(user, source.callId, (source.data ?? {}) as Record<string, unknown>, idempotencyKey),
      };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/drafts/:id/delete',
      operationId: 'deleteDraft',
      tag: 'Challenge Fund',
      summary: 'Delete a proposal draft',
      description: 'Any member of the institution may delete it. Deleting one already deleted answers 404.',
      roles: ['applicant'],
      params: { id: DRAFT_ID },
      success: { status: 200, description: 'Deleted', schema: deletedSchema },
      errors: [404],
    },
    async ({ user, params }) => {
      const { count } = await prisma.proposalDraft.deleteMany({
        where: { AND: [{ id: params.id }, visibleDrafts(user)] },
      });
      if (!count) throw notFound('draft');
      return { body: { id: params.id, deleted: true as const } };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/proposals/:id/copy-to-draft',
      operationId: 'createDraftFromProposal',
      tag: 'Challenge Fund',
      summary: 'Copy a proposal into a new draft',
      description:
        'For a rejected (or any) proposal of your institution: its fields, budget lines and milestones become a new draft for the same call, to correct and submit again.',
      roles: ['applicant'],
      idempotent: true,
      params: { id: { description: 'The proposal id', example: 'p-0a1b2c3d4e5f6g7h' } },
      success: {
        status: 201,
        description: 'The new draft',
        schema: draftSchema,
        links: linksById('getDraft'),
      },
      errors: [404],
    },
    async ({ user, params, idempotencyKey }) => {
      const scope = (await subjectScope(prisma, PROGRAMME.id, user)) as Prisma.ProposalWhereInput;
      const p = await prisma.proposal.findFirst({ where: { AND: [{ id: params.id }, scope] } });
      if (!p) throw notFound('proposal');
      const data: Record<string, unknown> = {
        title: p.title,
        summary: p.summary,
        nationalPartner: p.nationalPartner,
        sdgs: p.sdgs,
        thematicAreaId: p.thematicAreaId,
        // A proposal from before line items: its two totals become one line, to be broken down.
        budget: p.budget ?? [legacyBudgetLine(p.requestedAmountCents / 100, p.coFinancingCents / 100)],
        durationMonths: p.durationMonths,
        innovation: p.innovation,
        expectedResults: p.expectedResults,
        milestones: p.milestones,
      };
      return { status: 201, body: await create(user, p.callId, data, idempotencyKey) };
    },
  );
}
