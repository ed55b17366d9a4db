import type { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import { decisionMail } from '../../activities/notifications/account-mails';
import { publicBaseUrl } from '../../lib/config';
import { auditAccount } from '../accounts/audit';
import { withAccountMails } from '../accounts/mail';
import { revokeEverything } from '../accounts/tokens';
import type { ApiContext } from '../context';
import { conflict, forbidden, notFound } from '../errors';
import { paged } from '../ids';
import {
  decisionWithReasonSchema,
  institutionListQuerySchema,
  institutionPageSchema,
  institutionSchema,
  memberListSchema,
  memberPatchSchema,
  memberSchema,
} from '../joining-schemas';
import type { ApiRouter } from '../router';
import type { AuthUser } from '../types';

const INSTITUTION_ID = { description: 'The institution id', example: 'inst-tpu' };
const MEMBER_ID = { description: 'The member’s user id', example: 'u-applicant-tpu' };
const STAFF = ['fund_manager', 'admin'] as const;

type Row = Prisma.InstitutionGetPayload<{ select: { id: true; name: true; kind: true; createdAt: true } }>;
type Profile = Prisma.InstitutionProfileGetPayload<object>;

/**
 * Registered institutions, the fund manager's approval, and colleagues. Institutions without a
 * registration profile (the seeded ones) count as approved. Members see their institution; fund
 * managers and administrators see all; anyone else gets 404.
 */
export function institutionRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma, config } = ctx;

  const view = (i: Row, p: Profile | null, myRole: string | null): z.input<typeof institutionSchema> => ({
    id: i.id,
    name: i.name,
    legalNameEn: p?.legalNameEn ?? null,
    legalNameRu: p?.legalNameRu ?? null,
    countryCode: p?.countryCode ?? null,
    type: p?.kind ?? i.kind,
    registrationNumber: p?.registrationNumber ?? null,
    address: p?.address ?? null,
    website: p?.website ?? null,
    status: (p?.status ?? 'approved') as 'approved',
    decisionReason: p?.decisionReason ?? null,
    decidedAt: p?.decidedAt?.toISOString() ?? null,
    createdAt: i.createdAt.toISOString(),
    myRole: (myRole as 'owner' | 'member' | null) ?? null,
  });

  /** The caller's role in the institution (member rows; a seeded applicant without one is a member), or 404 outside its scope. */
  async function access(
    user: AuthUser,
    institutionId: string,
  ): Promise<{ row: Row; profile: Profile | null; myRole: 'owner' | 'member' | null }> {
    const isStaff = (STAFF as readonly string[]).includes(user.role);
    if (!isStaff && user.institutionId !== institutionId) throw notFound('institution');
    const [row, profile, member] = await Promise.all([
      prisma.institution.findUnique({
        where: { id: institutionId },
        select: { id: true, name: true, kind: true, createdAt: true },
      }),
      prisma.institutionProfile.findUnique({ where: { institutionId } }),
      prisma.institutionMember.findUnique({
        where: { institutionId_userId: { institutionId, userId: user.id } },
        select: { role: true },
      }),
    ]);
    if (!row) throw notFound('institution');
    const myRole = member
      ? (member.role as 'owner' | 'member')
      : user.institutionId === institutionId
        ? 'member'
        : null;
    return { row, profile, myRole };
  }

  router.add(
    {
      method: 'get',
      path: '/institutions',
      operationId: 'listInstitutions',
      cached: true,
      tag: 'Institutions',
      summary: 'Institutions (fund managers: those waiting for approval first)',
      roles: STAFF,
      query: institutionListQuerySchema,
      success: { status: 200, description: 'A page of institutions', schema: institutionPageSchema },
    },
    async ({ query }) => {
      const where: Prisma.InstitutionWhereInput = query.status
        ? query.status === 'approved'
          ? {
              OR: [
                {
                  id: {
                    notIn: (
                      await prisma.institutionProfile.findMany({
                        where: { status: { not: 'approved' } },
                        select: { institutionId: true },
                      })
                    ).map((p) => p.institutionId),
                  },
                },
              ],
            }
          : {
              id: {
                in: (
                  await prisma.institutionProfile.findMany({
                    where: { status: query.status },
                    select: { institutionId: true },
                  })
                ).map((p) => p.institutionId),
              },
            }
        : {};
      const [total, rows] = await Promise.all([
        prisma.institution.count({ where }),
        prisma.institution.findMany({
          where,
          select: { id: true, name: true, kind: true, createdAt: true },
          orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
          skip: (query.page - 1) * query.pageSize,
          take: query.pageSize,
        }),
      ]);
      const profiles = new Map(
        (await prisma.institutionProfile.findMany({ where: { institutionId: { in: rows.map((r) => r.id) } } })).map(
          (p) => [p.institutionId, p],
        ),
      );
      return {
        body: paged(
          rows.map((r) => view(r, profiles.get(r.id) ?? null, null)),
          total,
          query.page,
          query.pageSize,
        ),
      };
    },
  );

  /** What a read of one institution shares: its members and the staff see it, others get 404. */
  const institutionReadRoute = {
    cached: true,
    tag: 'Institutions',
    roles: ['applicant', ...STAFF] as const,
    params: { id: INSTITUTION_ID },
    errors: [404],
  };

  router.add(
    {
      ...institutionReadRoute,
      method: 'get',
      path: '/institutions/:id',
      operationId: 'getInstitution',
      summary: 'One institution',
      success: { status: 200, description: 'The institution', schema: institutionSchema },
    },
    async ({ user, params }) => {
      const { row, profile, myRole } = await access(user, params.id);
      return { body: view(row, profile, myRole) };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/institutions/:id/decision',
      operationId: 'decideInstitution',
      tag: 'Institutions',
      summary: 'Approve or reject a registered institution',
      description:
        'A rejection needs a reason; the owners are mailed the decision (with the reason) in their language. Until approved, the institution’s proposals cannot be submitted (drafts can).',
      roles: ['fund_manager'],
      params: { id: INSTITUTION_ID },
      body: decisionWithReasonSchema,
      success: { status: 200, description: 'The institution, decided', schema: institutionSchema },
      errors: [404, 409],
    },
    async ({ user, params, body, req }) => {
      const { row, profile } = await access(user, params.id);
      if (!profile) throw conflict('this institution was not registered here: nothing to decide', 'not_registered');
      if (profile.status !== 'pending_approval')
        throw conflict(`the institution is ${profile.status} already`, 'already_decided');
      const approved = body.decision === 'approve';
      const owners = await prisma.user.findMany({
        where: {
          id: {
            in: (
              await prisma.institutionMember.findMany({
                where: { institutionId: row.id, role: 'owner' },
                select: { userId: true },
              })
            ).map((m) => m.userId),
          },
          active: true,
        },
        select: { id: true, email: true, language: true },
      });
      const url = `${publicBaseUrl(config).replace(/\/+$/, '')}/app/institution`;
      const now = new Date();
      const mails = owners.map((o) => {
        const language = o.language === 'ru' ? 'ru' : 'en';
        return {
          key: `account:institution-decision:${row.id}:${o.id}`,
          toEmail: o.email,
          recipientId: o.id,
          template: approved ? 'institution_approved' : 'institution_rejected',
          language,
          send: true,
          mail: decisionMail(language, {
            what: 'institution',
            name: language === 'ru' ? profile.legalNameRu : profile.legalNameEn,
            approved,
            reason: body.reason,
            url,
          }),
        };
      });
      const updated = await withAccountMails(ctx, mails, async (tx) => {
        const u = await tx.institutionProfile.update({
          where: { institutionId: row.id },
          data: {
            status: approved ? 'approved' : 'rejected',
            decisionReason: body.reason ?? null,
            decidedById: user.id,
            decidedAt: now,
          },
        });
        await auditAccount(tx, {
          actor: user,
          subjectType: 'institution',
          subjectId: row.id,
          action: approved ? 'institution_approved' : 'institution_rejected',
          comment: body.reason,
          requestId: req.requestId,
        });
        return u;
      });
      return { body: view(row, updated, null) };
    },
  );

  const memberView = (
    m: { userId: string; role: string; createdAt: Date },
    u: { name: string; email: string; active: boolean },
  ): z.input<typeof memberSchema> => ({
    userId: m.userId,
    name: u.name,
    email: u.email,
    role: m.role as 'owner',
    active: u.active,
    joinedAt: m.createdAt.toISOString(),
  });

  async function members(institutionId: string) {
    const users = await prisma.user.findMany({
      where: { institutionId },
      select: { id: true, name: true, email: true, active: true, createdAt: true },
    });
    const rows = new Map(
      (await prisma.institutionMember.findMany({ where: { institutionId } })).map((m) => [m.userId, m]),
    );
    return users
      .map((u) => memberView(rows.get(u.id) ?? { userId: u.id, role: 'member', createdAt: u.createdAt }, u))
      .sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'owner' ? -1 : 1));
  }

  router.add(
    {
      ...institutionReadRoute,
      method: 'get',
      path: '/institutions/:id/members',
      operationId: 'listInstitutionMembers',
      summary: 'The people of an institution',
      success: { status: 200, description: 'Owners first', schema: memberListSchema },
    },
    async ({ user, params }) => {
      await access(user, params.id);
      return { body: { items: await members(params.id) } };
    },
  );

  /** Owners manage members; the last owner stays (someone must be able to invite). */
  async function asOwner(user: AuthUser, institutionId: string, memberId: string) {
    const { myRole } = await access(user, institutionId);
    if (myRole !== 'owner') throw forbidden('only an owner of the institution manages its people');
    const target = await prisma.user.findFirst({
      where: { id: memberId, institutionId },
      select: { id: true, role: true },
    });
    if (!target) throw notFound('member');
    const owners = await prisma.institutionMember.count({ where: { institutionId, role: 'owner' } });
    const targetRole =
      (
        await prisma.institutionMember.findUnique({
          where: { institutionId_userId: { institutionId, userId: memberId } },
          select: { role: true },
        })
      )?.role ?? 'member';
    return { target, targetRole, owners };
  }

  router.add(
    {
      method: 'patch',
      path: '/institutions/:id/members/:userId',
      operationId: 'updateInstitutionMember',
      tag: 'Institutions',
      summary: 'Make a colleague owner or member',
      roles: ['applicant'],
      params: { id: INSTITUTION_ID, userId: MEMBER_ID },
      body: memberPatchSchema,
      success: { status: 200, description: 'The member', schema: memberSchema },
      errors: [404, 409],
    },
    async ({ user, params, body, req }) => {
      const { targetRole, owners } = await asOwner(user, params.id, params.userId);
      if (targetRole === 'owner' && body.role === 'member' && owners <= 1)
        throw conflict('the institution needs at least one owner', 'last_owner');
      const m = await prisma.institutionMember.upsert({
        where: { institutionId_userId: { institutionId: params.id, userId: params.userId } },
        create: { institutionId: params.id, userId: params.userId, role: body.role },
        update: { role: body.role },
      });
      if (targetRole !== body.role)
        await auditAccount(prisma, {
          actor: user,
          subjectType: 'institution',
          subjectId: params.id,
          action: 'member_role_changed',
          data: { userId: params.userId, from: targetRole, to: body.role },
          requestId: req.requestId,
        });
      const u = await prisma.user.findUniqueOrThrow({
        where: { id: params.userId },
        select: { name: true, email: true, active: true },
      });
      return { body: memberView(m, u) };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/institutions/:id/members/:userId/remove',
      operationId: 'revokeInstitutionMember',
      tag: 'Institutions',
      summary: 'Remove a colleague from the institution',
      description:
        'The person no longer sees the institution’s proposals; their sessions end. Their past actions stay in the audit trail under their name.',
      roles: ['applicant'],
      params: { id: INSTITUTION_ID, userId: MEMBER_ID },
      success: { status: 200, description: 'The remaining people', schema: memberListSchema },
      errors: [404, 409],
    },
    async ({ user, params, req }) => {
      const { targetRole, owners } = await asOwner(user, params.id, params.userId);
      if (targetRole === 'owner' && owners <= 1)
        throw conflict('the institution needs at least one owner', 'last_owner');
      await prisma.$transaction([
        prisma.institutionMember.deleteMany({ where: { institutionId: params.id, userId: params.userId } }),
        prisma.user.update({ where: { id: params.userId }, data: { institutionId: null } }),
      ]);
      await revokeEverything(prisma, params.userId);
      await auditAccount(prisma, {
        actor: user,
        subjectType: 'institution',
        subjectId: params.id,
        action: 'member_removed',
        data: { userId: params.userId },
        requestId: req.requestId,
      });
      return { body: { items: await members(params.id) } };
    },
  );
}

/** Whether an institution's proposals may be submitted (registered ones need the fund manager's approval). */
export async function institutionApproved(
  prisma: ApiContext['prisma'],
  institutionId: string,
): Promise<{ ok: boolean; status: string }> {
  const p = await prisma.institutionProfile.findUnique({ where: { institutionId }, select: { status: true } });
  return { ok: !p || p.status === 'approved', status: p?.status ?? 'approved' };
}
