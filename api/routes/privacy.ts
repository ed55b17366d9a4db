import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { SOLE_MEMBER_BLOCK } from '../../domain/reassignment';
import { currentTerms } from '../../domain/terms';
import { userSchema } from '../account-schemas';
import { auditAccount } from '../accounts/audit';
import { checkTermsVersion, recordTerms } from '../accounts/joining';
import { revokeEverything } from '../accounts/tokens';
import type { ApiContext } from '../context';
import { conflict, HttpError, notFound } from '../errors';
import {
  erasureRequestedSchema,
  erasureRequestSchema,
  myDataSchema,
  myTermsSchema,
  termsAcceptSchema,
  termsSchema,
} from '../joining-schemas';
import type { ApiRouter } from '../router';
import { blockingTasks } from './reassignment';
import { USER_SELECT, userViews } from './users';

/**
 * Personal data: the privacy notice and terms (versioned: someone who accepted an earlier version
 * is asked again), a download of everything kept about you, a request for erasure, and the
 * administrator's erasure. Erasure anonymises the account and profiles; the audit trail keeps
 * its events under a pseudonym; workflow histories in Temporal are not rewritten (README, privacy).
 */
export function privacyRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  router.add(
    {
      method: 'get',
      path: '/terms',
      operationId: 'getTerms',
      tag: 'Privacy',
      auth: false,
      summary: 'The current privacy notice and terms',
      success: { status: 200, description: 'The current version', schema: termsSchema },
    },
    async () => ({ body: { ...currentTerms(), summary: { ...currentTerms().summary } } }),
  );

  const myTerms = async (userId: string): Promise<z.input<typeof myTermsSchema>> => {
    const s = await prisma.accountState.findUnique({
      where: { userId },
      select: { termsVersion: true, termsAcceptedAt: true },
    });
    const current = currentTerms().version;
    return {
      currentVersion: current,
      acceptedVersion: s?.termsVersion ?? null,
      acceptedAt: s?.termsAcceptedAt?.toISOString() ?? null,
      mustAccept: !!s?.termsVersion && s.termsVersion !== current,
    };
  };

  router.add(
    {
      method: 'get',
      path: '/me/terms',
      operationId: 'getMyTerms',
      tag: 'Privacy',
      summary: 'Which version of the terms you accepted',
      success: { status: 200, description: 'Your acceptance', schema: myTermsSchema },
    },
    async ({ user }) => ({ body: await myTerms(user.id) }),
  );

  router.add(
    {
      method: 'post',
      path: '/me/terms',
      ownAccount: true,
      operationId: 'createTermsAcceptance',
      tag: 'Privacy',
      summary: 'Accept the current privacy notice and terms',
      body: termsAcceptSchema,
      success: { status: 200, description: 'Your acceptance', schema: myTermsSchema },
      errors: [],
    },
    async ({ user, body, req }) => {
      checkTermsVersion(body.termsVersion);
      await recordTerms(prisma, user.id, body.termsVersion);
      await auditAccount(prisma, {
        actor: user,
        subjectId: user.id,
        action: 'terms_accepted',
        data: { version: body.termsVersion },
        requestId: req.requestId,
      });
      return { body: await myTerms(user.id) };
    },
  );

  router.add(
    {
      method: 'get',
      path: '/me/data',
      operationId: 'exportMyData',
      tag: 'Privacy',
      summary: 'Download everything kept about you (JSON)',
      success: { status: 200, description: 'Your data', schema: myDataSchema, headers: ['Content-Disposition'] },
    },
    async ({ user, res }) => {
      const u = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
      const [
        account,
        tokens,
        sessions,
        membership,
        institution,
        application,
        expert,
        proposals,
        drafts,
        decided,
        events,
        invitationsSent,
        mails,
        messagesWritten,
        internalNotesWritten,
      ] = await Promise.all([
        prisma.accountState.findUnique({
          where: { userId: u.id },
          select: { termsVersion: true, termsAcceptedAt: true, erasureRequestedAt: true },
        }),
        prisma.apiToken.findMany({
          where: { userId: u.id },
          select: {
            kind: true,
            name: true,
            prefix: true,
            createdAt: true,
            expiresAt: true,
            lastUsedAt: true,
            revokedAt: true,
          },
        }),
        prisma.webSession.count({ where: { userId: u.id } }),
        prisma.institutionMember.findMany({
          where: { userId: u.id },
          select: { institutionId: true, role: true, createdAt: true },
        }),
        u.institutionId ? prisma.institution.findUnique({ where: { id: u.institutionId } }) : null,
        prisma.expertApplication.findUnique({ where: { userId: u.id } }),
        u.expertId ? prisma.expert.findUnique({ where: { id: u.expertId } }) : null,
        prisma.proposal.findMany({
          where: { applicantId: u.id },
          select: { id: true, title: true, stage: true, createdAt: true },
        }),
        prisma.proposalDraft.findMany({ where: { userId: u.id }, select: { id: true, data: true, updatedAt: true } }),
        prisma.task.findMany({
          where: { decidedById: u.id },
          select: { id: true, kind: true, decision: true, comment: true, decidedAt: true, subjectId: true },
        }),
        prisma.auditEvent.findMany({
          where: { actorId: u.id },
          select: { at: true, action: true, subjectType: true, subjectId: true, comment: true },
          orderBy: { id: 'asc' },
          take: 10_000,
        }),
        prisma.invitation.findMany({
          where: { invitedById: u.id },
          select: { email: true, role: true, createdAt: true, acceptedAt: true },
        }),
        prisma.outbox.findMany({
          where: { recipientId: u.id },
          select: { template: true, subject: true, status: true, createdAt: true, sentAt: true },
          orderBy: { id: 'asc' },
          take: 10_000,
        }),
        prisma.message.findMany({
          where: { authorId: u.id },
          select: { id: true, subjectType: true, subjectId: true, body: true, createdAt: true },
          orderBy: { createdAt: 'asc' },
          take: 10_000,
        }),
        prisma.internalNote.findMany({
          where: { authorId: u.id },
          select: { id: true, subjectType: true, subjectId: true, body: true, createdAt: true },
          orderBy: { createdAt: 'asc' },
          take: 10_000,
        }),
      ]);
      res.setHeader('Content-Disposition', `attachment; filename="my-data-${u.id}.json"`);
      return {
        body: {
          exportedAt: new Date().toISOString(),
          account: {
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role,
            countryCode: u.countryCode,
            institutionId: u.institutionId,
            expertId: u.expertId,
            language: u.language,
            notifyReminders: u.notifyReminders,
            dailyDigest: u.dailyDigest,
            active: u.active,
            createdAt: u.createdAt,
            ...account,
          },
          apiTokens: tokens,
          webSessions: sessions,
          institutionMemberships: membership,
          institution,
          expertApplication: application,
          expertProfile: expert,
          proposals,
          proposalDrafts: drafts,
          tasksDecided: decided,
          auditEventsAsActor: events,
          invitationsSent,
          mails,
          messagesWritten,
          internalNotesWritten,
        } as Record<string, unknown>,
      };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/me/erasure-request',
      ownAccount: true,
      operationId: 'createErasureRequest',
      tag: 'Privacy',
      summary: 'Ask for your personal data to be erased',
      description:
        'An administrator erases it (POST /users/{id}/erase) once no task is waiting for you. Your account stays usable until then.',
      body: erasureRequestSchema,
      success: { status: 202, description: 'Requested', schema: erasureRequestedSchema },
    },
    async ({ user, body, req }) => {
      const at = new Date();
      await prisma.accountState.upsert({
        where: { userId: user.id },
        create: { userId: user.id, erasureRequestedAt: at },
        update: { erasureRequestedAt: at },
      });
      await auditAccount(prisma, {
        actor: user,
        subjectId: user.id,
        action: 'erasure_requested',
        comment: body.reason,
        requestId: req.requestId,
      });
      return {
        status: 202,
        body: {
          requestedAt: at.toISOString(),
          message: 'An administrator will erase your personal data; tasks waiting for you are reassigned first.',
        },
      };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/users/:id/erase',
      operationId: 'createErasure',
      tag: 'Privacy',
      summary: 'Erase a person’s personal data',
      description:
        'Refused (409 `open_tasks`, naming each) while tasks assigned to the person are open (reassign them first), or tasks waiting for their institution of which they are the only active member of the task’s role (a colleague joins first). Otherwise the account and profiles are anonymised, sessions and tokens end, drafts and the text of mails sent to them are deleted; ' +
        'the audit trail keeps its events under a pseudonym; workflow histories (Temporal) are not rewritten.',
      roles: ['admin'],
      params: { id: { description: 'The user id (the example names nobody)', example: 'u-example-nobody' } },
      success: { status: 200, description: 'The anonymised account', schema: userSchema },
      errors: [404, 409],
    },
    async ({ user, params, req }) => {
      const target = await prisma.user.findUnique({ where: { id: params.id } });
      if (!target) throw notFound('user');
      if (target.id === user.id)
        throw conflict('you cannot erase your own account; ask another administrator', 'own_account');
      const state = await prisma.accountState.findUnique({ where: { userId: target.id } });
      if (state?.erasedAt) throw conflict('this account was erased already', 'already_erased');
      const open = await blockingTasks(prisma, target);
      if (open.length) {
        throw new HttpError(
          409,
          'open_tasks',
          `${open.length} open task(s) wait for this person: reassign them first (listPersonOpenTasks, then updateTaskAssignee for each); a task waiting for their institution, of which they are the only active member, needs a colleague to join first`,
          open.map((t, i) => ({
            path: `tasks.${i}`,
            message: `${t.kind}: ${t.title} (${t.id})${t.soleMember ? ` — ${SOLE_MEMBER_BLOCK}` : ''}`,
          })),
        );
      }
      const pseudonym = `erased-${randomBytes(6).toString('hex')}`;
      const erasedEmail = `${pseudonym}@erased.invalid`;
      const oldEmail = target.email;
      await revokeEverything(prisma, target.id);
      const after = await prisma.$transaction(async (tx) => {
        const u = await tx.user.update({
          where: { id: target.id },
          data: {
            email: erasedEmail,
            name: `Erased person ${pseudonym.slice(7)}`,
            active: false,
            institutionId: null,
            notifyReminders: false,
            dailyDigest: false,
          },
          select: USER_SELECT,
        });
        await tx.accountState.update({ where: { userId: target.id }, data: { erasedAt: new Date(), pseudonym } });
        if (target.expertId)
          await tx.expert.update({
            where: { id: target.expertId },
            data: { name: `Erased expert ${pseudonym.slice(7)}`, email: erasedEmail, bio: '', availability: [] },
          });
        // The CVs on the profile are personal data: soft-deleted like every document (never served again).
        if (target.expertId)
          await tx.document.updateMany({
            where: { subjectType: 'expert', subjectId: target.expertId, deleted: false },
            data: { deleted: true, deletedAt: new Date(), deletedById: user.id },
          });
        if (target.expertId)
          await tx.expertStanding.upsert({
            where: { expertId: target.expertId },
            create: {
              expertId: target.expertId,
              suspended: true,
              reason: 'erased',
              changedById: user.id,
              changedAt: new Date(),
            },
            update: { suspended: true, reason: 'erased' },
          });
        await tx.expertApplication.deleteMany({ where: { userId: target.id } });
        await tx.proposalDraft.deleteMany({ where: { userId: target.id } });
        await tx.institutionMember.deleteMany({ where: { userId: target.id } });
        await tx.webSession.deleteMany({ where: { userId: target.id } });
        await tx.emailSignIn.deleteMany({ where: { email: oldEmail } });
        await tx.pendingRegistration.deleteMany({ where: { email: oldEmail } });
        await tx.invitation.updateMany({
          where: { email: oldEmail },
          data: { email: erasedEmail, revokedAt: new Date() },
        });
        await tx.outbox.updateMany({
          where: { OR: [{ recipientId: target.id }, { toEmail: oldEmail }] },
          data: { toEmail: erasedEmail, subject: '[erased]', text: '[erased]', html: '[erased]' },
        });
        // The audit trail keeps every event, naming the person by the pseudonym; so do the
        // subjects' message threads and internal notes (on the record, the author pseudonymised).
        await tx.auditEvent.updateMany({ where: { actorId: target.id }, data: { actorId: pseudonym } });
        await tx.message.updateMany({ where: { authorId: target.id }, data: { authorId: pseudonym } });
        await tx.internalNote.updateMany({ where: { authorId: target.id }, data: { authorId: pseudonym } });
        // Decision provenance and reported results name the person by the pseudonym too.
        await tx.decisionRecord.updateMany({ where: { actorId: target.id }, data: { actorId: pseudonym } });
        await tx.$executeRaw`UPDATE "DecisionRecord" SET "decisions" = replace("decisions"::text, ${`"${target.id}"`}, ${`"${pseudonym}"`})::jsonb
          WHERE "decisions"::text LIKE ${`%"${target.id}"%`}`;
        await tx.resultReport.updateMany({ where: { enteredById: target.id }, data: { enteredById: pseudonym } });
        await tx.auditEvent.updateMany({
          where: { subjectType: 'user', subjectId: target.id },
          data: { subjectId: pseudonym },
        });
        await auditAccount(tx, {
          actor: user,
          subjectId: pseudonym,
          action: 'account_erased',
          requestId: req.requestId,
        });
        return u;
      });
      return { body: (await userViews(prisma, [after]))[0] };
    },
  );
}
