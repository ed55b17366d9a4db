import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import { decisionMail } from '../../activities/notifications/account-mails';
import { usdToCents } from '../../domain/schemas';
import { publicBaseUrl } from '../../lib/config';
import { auditAccount } from '../accounts/audit';
import { withAccountMails } from '../accounts/mail';
import type { ApiContext } from '../context';
import { conflict, notFound } from '../errors';
import { paged } from '../ids';
import {
  decisionWithReasonSchema,
  expertApplicationPageSchema,
  expertApplicationQuerySchema,
  expertApplicationSchema,
  expertProfileFieldsSchema,
  standingSchema,
  suspensionSchema,
} from '../joining-schemas';
import type { ApiRouter } from '../router';

type Application = Prisma.ExpertApplicationGetPayload<object>;
type ProfileFields = z.output<typeof expertProfileFieldsSchema>;
const APPLICATION_ID = { description: 'The application id', example: '7d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6' };

/**
 * Self-registered experts: the fund manager approves a roster profile (it becomes an Expert row,
 * which matching reads) or rejects it with a reason; a fund manager suspends a roster expert
 * (left out of matching) and reinstates them. The expert updates availability on the profile
 * itself (PATCH /experts/{id}).
 */
export function expertApplicationRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma, config } = ctx;

  async function view(a: Application): Promise<z.input<typeof expertApplicationSchema>> {
    const u = await prisma.user.findUnique({ where: { id: a.userId }, select: { name: true, email: true } });
    return {
      id: a.id,
      userId: a.userId,
      name: u?.name ?? '',
      email: u?.email ?? '',
      status: a.status as 'submitted',
      profile: a.profile as ProfileFields,
      expertId: a.expertId,
      decisionReason: a.decisionReason,
      decidedAt: a.decidedAt?.toISOString() ?? null,
      createdAt: a.createdAt.toISOString(),
    };
  }

  router.add(
    {
      method: 'get',
      path: '/expert-applications',
      operationId: 'listExpertApplications',
      cached: true,
      tag: 'Roster',
      summary: 'Roster profiles experts registered',
      roles: ['fund_manager', 'admin'],
      query: expertApplicationQuerySchema,
      success: { status: 200, description: 'Oldest first (the queue)', schema: expertApplicationPageSchema },
    },
    async ({ query }) => {
      const where = query.status ? { status: query.status } : {};
      const [total, rows] = await Promise.all([
        prisma.expertApplication.count({ where }),
        prisma.expertApplication.findMany({
          where,
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          skip: (query.page - 1) * query.pageSize,
          take: query.pageSize,
        }),
      ]);
      return { body: paged(await Promise.all(rows.map(view)), total, query.page, query.pageSize) };
    },
  );

  router.add(
    {
      method: 'get',
      path: '/expert-applications/:id',
      operationId: 'getExpertApplication',
      cached: true,
      tag: 'Roster',
      summary: 'One registered roster profile (yours, or any for fund managers)',
      roles: ['fund_manager', 'admin', 'expert'],
      params: { id: APPLICATION_ID },
      success: { status: 200, description: 'The application', schema: expertApplicationSchema },
      errors: [404],
    },
    async ({ user, params }) => {
      const a = await prisma.expertApplication.findUnique({ where: { id: params.id } });
      if (!a || (user.role === 'expert' && a.userId !== user.id)) throw notFound('expert application');
      return { body: await view(a) };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/expert-applications/:id/decision',
      operationId: 'decideExpertApplication',
      tag: 'Roster',
      summary: 'Approve a roster profile (it enters matching) or reject it',
      description: 'A rejection needs a reason; the expert is mailed the decision in their language.',
      roles: ['fund_manager'],
      params: { id: APPLICATION_ID },
      body: decisionWithReasonSchema,
      success: { status: 200, description: 'The application, decided', schema: expertApplicationSchema },
      errors: [404, 409],
    },
    async ({ user, params, body, req }) => {
      const a = await prisma.expertApplication.findUnique({ where: { id: params.id } });
      if (!a) throw notFound('expert application');
      if (a.status !== 'submitted') throw conflict(`the profile is ${a.status} already`, 'already_decided');
      const person = await prisma.user.findUniqueOrThrow({
        where: { id: a.userId },
        select: { id: true, name: true, email: true, language: true },
      });
      const approved = body.decision === 'approve';
      const p = a.profile as ProfileFields;
      const language = person.language === 'ru' ? 'ru' : 'en';
      const mail = decisionMail(language, {
        what: 'expert',
        name: person.name,
        approved,
        reason: body.reason,
        url: `${publicBaseUrl(config).replace(/\/+$/, '')}/app/profile`,
      });
      const expertId = approved ? `exp-${randomUUID()}` : null;
      const sdgs = approved
        ? [
            ...new Set(
              (
                await prisma.thematicArea.findMany({ where: { id: { in: p.thematicAreaIds } }, select: { sdgs: true } })
              ).flatMap((t) => t.sdgs as number[]),
            ),
          ].sort((x, y) => x - y)
        : [];
      const updated = await withAccountMails(
        ctx,
        [
          {
            key: `account:expert-decision:${a.id}`,
            toEmail: person.email,
            recipientId: person.id,
            template: approved ? 'expert_approved' : 'expert_rejected',
            language,
            mail,
            send: true,
          },
        ],
        async (tx) => {
          if (expertId) {
            await tx.expert.create({
              data: {
                id: expertId,
                name: person.name,
                email: person.email,
                thematicAreaIds: p.thematicAreaIds,
                sdgs,
                languages: p.languages,
                countriesOfExperience: p.countriesOfExperience,
                dailyFeeCents: usdToCents(p.dailyFeeUsd),
                availability: p.availability,
                bio: `${p.education}\n\n${p.cv}`.slice(0, 20_000),
              },
            });
            await tx.user.update({ where: { id: person.id }, data: { expertId } });
          }
          const u = await tx.expertApplication.update({
            where: { id: a.id },
            data: {
              status: approved ? 'approved' : 'rejected',
              expertId,
              decisionReason: body.reason ?? null,
              decidedById: user.id,
              decidedAt: new Date(),
            },
          });
          await auditAccount(tx, {
            actor: user,
            subjectType: 'expert_application',
            subjectId: a.id,
            action: approved ? 'expert_profile_approved' : 'expert_profile_rejected',
            comment: body.reason,
            data: { expertId, userId: person.id },
            requestId: req.requestId,
          });
          return u;
        },
      );
      return { body: await view(updated) };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/experts/:id/suspension',
      operationId: 'updateExpertSuspension',
      tag: 'Roster',
      summary: 'Suspend a roster expert (left out of matching) or reinstate them',
      roles: ['fund_manager'],
      params: { id: { description: 'The expert id (the example names nobody)', example: 'exp-example-nobody' } },
      body: suspensionSchema,
      success: { status: 200, description: 'The expert’s standing', schema: standingSchema },
      errors: [404],
    },
    async ({ user, params, body, req }) => {
      if (!(await prisma.expert.findUnique({ where: { id: params.id }, select: { id: true } })))
        throw notFound('expert');
      const now = new Date();
      const s = await prisma.expertStanding.upsert({
        where: { expertId: params.id },
        create: {
          expertId: params.id,
          suspended: body.suspended,
          reason: body.reason ?? null,
          changedById: user.id,
          changedAt: now,
        },
        update: { suspended: body.suspended, reason: body.reason ?? null, changedById: user.id, changedAt: now },
      });
      await auditAccount(prisma, {
        actor: user,
        subjectType: 'expert',
        subjectId: params.id,
        action: body.suspended ? 'expert_suspended' : 'expert_reinstated',
        comment: body.reason,
        requestId: req.requestId,
      });
      return {
        body: { expertId: s.expertId, suspended: s.suspended, reason: s.reason, changedAt: s.changedAt.toISOString() },
      };
    },
  );
}
