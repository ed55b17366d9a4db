import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import {
  alreadyRegisteredMail,
  invitationMail,
  registrationConfirmMail,
} from '../../activities/notifications/account-mails';
import { inviterRoles, registrationRole, roleJoining, roleLabel } from '../../domain/joining';
import type { Language, Role } from '../../domain/roles';
import { publicBaseUrl } from '../../lib/config';
import { auditAccount } from '../accounts/audit';
import {
  checkTermsVersion,
  newUserId,
  normalizeName,
  normalizeRegNo,
  recordTerms,
  sessionFor,
} from '../accounts/joining';
import { withAccountMails } from '../accounts/mail';
import { newSecret, sha256Hex } from '../accounts/tokens';
import type { ApiContext } from '../context';
import { conflict, forbidden, HttpError, notFound, validationFailed } from '../errors';
import {
  institutionFieldsSchema,
  invitationAcceptSchema,
  invitationCreateSchema,
  invitationListSchema,
  invitationPreviewSchema,
  invitationSchema,
  joinedSchema,
  registrationAcceptedSchema,
  registrationSchema,
  tokenBodySchema,
} from '../joining-schemas';
import type { ApiRouter } from '../router';
import type { AuthUser } from '../types';

const REGISTRATION_TTL_HOURS = 48;
const INVITATION_TTL_DAYS = 14;
const REGISTERED_MESSAGE = 'Check your e-mail: the link in it finishes the registration.';
/** The registration forms (`kind`) and the self-registration each is (domain/programme.ts RoleJoining). */
const REGISTRATION_FORMS = { institution: 'institution', expert: 'expert_profile' } as const;

/** The role a registration is for (the programme registry decides), or a 400 naming `role`. */
function roleOfRegistration(kind: keyof typeof REGISTRATION_FORMS, requested?: Role): Role {
  const found = registrationRole(REGISTRATION_FORMS[kind], requested);
  if ('problem' in found) throw validationFailed([{ path: 'role', message: found.problem }]);
  return found.role;
}

const linkInvalid = (message: string) => new HttpError(401, 'link_invalid', message);
type InstitutionFields = z.output<typeof institutionFieldsSchema>;

/**
 * Joining, generically by role (domain/joining.ts): self-registration confirmed by e-mail, and
 * invitations by whoever the role's declaration names. Both end signed in.
 */
export function joiningRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma, config } = ctx;
  const base = () => publicBaseUrl(config).replace(/\/+$/, '');
  const windowMs = config.EMAIL_LINK_LIMIT_WINDOW_MINUTES * 60_000;
  /** A link from a mail that makes the account and signs it in; each route gets its own limiter. */
  const accountFromLinkRoute = () => ({
    tag: 'Joining',
    auth: false,
    before: [ctx.rateLimiter(config.EMAIL_LINK_LIMIT_PER_IP * 2, windowMs)],
    success: { status: 201, description: 'The account, signed in', schema: joinedSchema },
    errors: [401, 409, 429],
  });
  const addressKey = (req: { body?: unknown }) => {
    const email = (req.body as { email?: unknown } | undefined)?.email;
    return `register:${typeof email === 'string' ? sha256Hex(email.trim().toLowerCase()) : 'none'}`;
  };

  /** An institution already registered under this number in this country, or this name: 409 naming which. */
  async function checkDuplicate(f: InstitutionFields): Promise<void> {
    const regNo = normalizeRegNo(f.registrationNumber);
    const names = [normalizeName(f.legalNameEn), normalizeName(f.legalNameRu)];
    const [byNumber, byName, seeded] = await Promise.all([
      prisma.institutionProfile.findUnique({
        where: { countryCode_normalizedRegNo: { countryCode: f.countryCode, normalizedRegNo: regNo } },
        select: { institutionId: true },
      }),
      prisma.institutionProfile.findFirst({
        where: { normalizedName: { in: names }, status: { not: 'rejected' } },
        select: { institutionId: true },
      }),
      prisma.institution.findMany({ select: { id: true, name: true } }),
    ]);
    const problems = [];
    if (byNumber)
      problems.push({
        path: 'institution.registrationNumber',
        message:
          'an institution with this registration number is already registered in this country: ask its owner to invite you',
      });
    if (byName || seeded.some((i) => names.includes(normalizeName(i.name))))
      problems.push({
        path: 'institution.legalNameEn',
        message: 'an institution with this name is already registered: ask its owner to invite you',
      });
    if (problems.length)
      throw new HttpError(409, 'duplicate_institution', 'this institution seems to be registered already', problems);
  }

  router.add(
    {
      method: 'post',
      path: '/registrations',
      operationId: 'createRegistration',
      tag: 'Joining',
      auth: false,
      summary: 'Register an institution or an expert profile',
      description:
        'The roles that register themselves are declared in the programme registry (domain/programmes/, read by domain/joining.ts). A confirmation link is mailed (valid 48 h); the account exists once it is confirmed. ' +
        'The answer is the same whether or not the address already has an account (that address is mailed a sign-in hint instead). An institution already registered (same registration number in the country, or same name) is 409 `duplicate_institution`. Limited per address and per IP.',
      body: registrationSchema,
      before: [
        ctx.rateLimiter(config.EMAIL_LINK_LIMIT_PER_IP, windowMs),
        ctx.rateLimiter(config.EMAIL_LINK_LIMIT_PER_ADDRESS, windowMs, addressKey),
      ],
      success: {
        status: 202,
        description: 'Accepted: the confirmation link is on its way',
        schema: registrationAcceptedSchema,
      },
      errors: [409, 429],
    },
    async ({ body }) => {
      checkTermsVersion(body.termsVersion);
      const role = roleOfRegistration(body.kind, body.role);
      if (body.kind === 'institution') await checkDuplicate(body.institution);
      else {
        const found = new Set(
          (
            await prisma.thematicArea.findMany({
              where: { id: { in: body.profile.thematicAreaIds } },
              select: { id: true },
            })
          ).map((a) => a.id),
        );
        const bad = body.profile.thematicAreaIds.map((id, i) => ({ id, i })).filter((x) => !found.has(x.id));
        if (bad.length)
          throw validationFailed(
            bad.map((x) => ({ path: `profile.thematicAreaIds.${x.i}`, message: 'no such thematic area' })),
          );
      }
      const email = body.email.toLowerCase();
      const existing = await prisma.user.findUnique({ where: { email }, select: { id: true, language: true } });
      const id = randomUUID();
      const secret = newSecret();
      const language: Language = existing ? (existing.language === 'ru' ? 'ru' : 'en') : body.language;
      const mail = existing
        ? alreadyRegisteredMail(language, { signInUrl: `${base()}/app/sign-in` })
        : registrationConfirmMail(language, {
            url: `${base()}/app/register/confirm/${secret}`,
            what: body.kind,
            hours: REGISTRATION_TTL_HOURS,
          });
      const { email: _e, acceptTerms: _a, termsVersion, kind, language: _l, role: _r, ...fields } = body;
      const data = { ...fields, role };
      await withAccountMails(
        ctx,
        [
          {
            key: `account:registration:${id}`,
            toEmail: email,
            recipientId: existing?.id ?? null,
            template: existing ? 'already_registered' : 'registration_confirm',
            language,
            mail,
            send: true,
          },
        ],
        (tx) =>
          tx.pendingRegistration.create({
            data: {
              id,
              tokenHash: existing ? sha256Hex(`unused:${secret}`) : sha256Hex(secret),
              kind,
              email,
              language: body.language,
              data,
              termsVersion,
              expiresAt: new Date(Date.now() + REGISTRATION_TTL_HOURS * 3_600_000),
            },
          }),
      );
      return { status: 202, body: { status: 'sent' as const, message: REGISTERED_MESSAGE } };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/registrations/confirm',
      operationId: 'createAccountFromRegistration',
      summary: 'Confirm a registration: the account is made and signed in',
      description:
        'An institution: its registrant becomes its owner, and its proposals can be submitted once a fund manager approves it (drafts meanwhile). An expert: the profile goes to a fund manager for approval. The link works once.',
      body: tokenBodySchema,
      ...accountFromLinkRoute(),
    },
    async ({ body, req }) => {
      const tokenHash = sha256Hex(body.token);
      const claimed = await prisma.pendingRegistration.updateMany({
        where: { tokenHash, confirmedAt: null, expiresAt: { gt: new Date() } },
        data: { confirmedAt: new Date() },
      });
      const reg = await prisma.pendingRegistration.findUnique({ where: { tokenHash } });
      if (!reg) throw linkInvalid('this confirmation link is not valid');
      if (!claimed.count)
        throw linkInvalid(
          reg.userId || reg.confirmedAt
            ? 'this confirmation link was already used: sign in'
            : 'this confirmation link has expired: register again',
        );
      const kind = reg.kind as 'institution' | 'expert';
      const data = reg.data as {
        name: string;
        role?: Role;
        institution?: InstitutionFields;
        profile?: Record<string, unknown>;
      };
      // Registrations made before the role was recorded: the registry's one role for the form.
      const role: Role = data.role ?? roleOfRegistration(kind, undefined);
      if (await prisma.user.findUnique({ where: { email: reg.email }, select: { id: true } })) {
        await prisma.pendingRegistration.update({ where: { id: reg.id }, data: { confirmedAt: null } });
        throw conflict('an account already uses this address: sign in', 'account_exists');
      }
      if (data.institution) {
        try {
          await checkDuplicate(data.institution);
        } catch (err) {
          await prisma.pendingRegistration.update({ where: { id: reg.id }, data: { confirmedAt: null } });
          throw err;
        }
      }
      const userId = newUserId();
      const institutionId = data.institution ? `inst-${randomUUID()}` : null;
      const applicationId = data.profile ? randomUUID() : null;
      await prisma.$transaction(async (tx) => {
        if (data.institution && institutionId) {
          const f = data.institution;
          await tx.institution.create({
            data: { id: institutionId, name: reg.language === 'ru' ? f.legalNameRu : f.legalNameEn, kind: f.type },
          });
        }
        await tx.user.create({
          data: { id: userId, email: reg.email, name: data.name, role, institutionId, language: reg.language },
        });
        await recordTerms(tx, userId, reg.termsVersion);
        if (data.institution && institutionId) {
          const f = data.institution;
          await tx.institutionProfile.create({
            data: {
              institutionId,
              legalNameEn: f.legalNameEn,
              legalNameRu: f.legalNameRu,
              normalizedName: normalizeName(f.legalNameEn),
              countryCode: f.countryCode,
              kind: f.type,
              registrationNumber: f.registrationNumber,
              normalizedRegNo: normalizeRegNo(f.registrationNumber),
              address: f.address,
              website: f.website ?? null,
              status: 'pending_approval',
              createdById: userId,
            },
          });
          await tx.institutionMember.create({ data: { institutionId, userId, role: 'owner' } });
          await auditAccount(tx, {
            actor: { id: userId, role },
            subjectType: 'institution',
            subjectId: institutionId,
            action: 'institution_registered',
            data: { legalNameEn: f.legalNameEn, countryCode: f.countryCode },
            requestId: req.requestId,
          });
        }
        if (applicationId && data.profile) {
          await tx.expertApplication.create({
            data: { id: applicationId, userId, status: 'submitted', profile: data.profile as object },
          });
          await auditAccount(tx, {
            actor: { id: userId, role },
            subjectType: 'expert_application',
            subjectId: applicationId,
            action: 'expert_profile_submitted',
            requestId: req.requestId,
          });
        }
        await auditAccount(tx, {
          actor: { id: userId, role },
          subjectId: userId,
          action: 'account_created',
          data: { via: 'self_registration', kind },
          requestId: req.requestId,
        });
        await tx.pendingRegistration.update({ where: { id: reg.id }, data: { userId } });
      });
      return {
        status: 201,
        body: {
          ...(await sessionFor(ctx, { id: userId, role }, 'registration')),
          userId,
          role,
          institutionId,
          expertApplicationId: applicationId,
        },
      };
    },
  );

  // ---------- invitations ----------

  type InvitationRow = {
    id: string;
    email: string;
    role: string;
    countryCode: string | null;
    institutionId: string | null;
    institutionRole: string | null;
    expiresAt: Date;
    sentCount: number;
    invitedById: string;
    acceptedAt: Date | null;
    revokedAt: Date | null;
    createdAt: Date;
  };
  const statusOf = (i: InvitationRow) =>
    (i.acceptedAt
      ? 'accepted'
      : i.revokedAt
        ? 'revoked'
        : i.expiresAt.getTime() <= Date.now()
          ? 'expired'
          : 'pending') as 'pending' | 'accepted' | 'revoked' | 'expired';
  const invitationView = (i: InvitationRow): z.input<typeof invitationSchema> => ({
    id: i.id,
    email: i.email,
    role: i.role as Role,
    countryCode: i.countryCode,
    institutionId: i.institutionId,
    institutionRole: (i.institutionRole as 'owner' | 'member' | null) ?? null,
    status: statusOf(i),
    expiresAt: i.expiresAt.toISOString(),
    sentCount: i.sentCount,
    invitedById: i.invitedById,
    createdAt: i.createdAt.toISOString(),
  });

  /** The institution an applicant owns (owners invite, resend, revoke, and manage members). */
  const ownedInstitution = async (user: AuthUser): Promise<string | null> => {
    if (!user.institutionId) return null;
    const m = await prisma.institutionMember.findUnique({
      where: { institutionId_userId: { institutionId: user.institutionId, userId: user.id } },
      select: { role: true },
    });
    return m?.role === 'owner' ? user.institutionId : null;
  };

  /** Which invitations the caller manages: an administrator the staff ones, an owner its institution's. */
  const managedWhere = async (user: AuthUser) =>
    user.role === 'admin' ? { institutionId: null } : { institutionId: (await ownedInstitution(user)) ?? '(none)' };

  async function sendInvitation<T>(
    inv: { id: string; email: string; role: Role; institutionName?: string; language: Language },
    inviter: AuthUser,
    secret: string,
    sendNo: number,
    write: (tx: Prisma.TransactionClient) => Promise<T>,
  ): Promise<T> {
    const mail = invitationMail(inv.language, {
      url: `${base()}/app/invitations/${secret}`,
      inviter: inviter.name,
      roleLabel: roleLabel(inv.role),
      institution: inv.institutionName,
      days: INVITATION_TTL_DAYS,
    });
    return withAccountMails(
      ctx,
      [
        {
          key: `account:invitation:${inv.id}:${sendNo}`,
          toEmail: inv.email,
          recipientId: null,
          template: 'invitation',
          language: inv.language,
          mail,
          send: true,
        },
      ],
      write,
    );
  }

  const INVITER_ROLES = inviterRoles();

  router.add(
    {
      method: 'post',
      path: '/invitations',
      operationId: 'createInvitation',
      tag: 'Joining',
      summary: 'Invite a person to a role',
      description:
        'Who may invite whom is declared per role in the programme registry (domain/programmes/, read by domain/joining.ts): an administrator invites staff (a CO approver with its country, reviewers, fund managers, administrators); an institution owner invites colleagues to the institution (owner or member). The invitation is mailed and works for 14 days.',
      roles: INVITER_ROLES,
      body: invitationCreateSchema,
      success: { status: 201, description: 'Invited', schema: invitationSchema },
      errors: [409],
    },
    async ({ user, body, req }) => {
      const joining = roleJoining(body.role);
      if (!joining.invitedBy.includes(user.role))
        throw forbidden(`the ${user.role} role may not invite a ${body.role}`);
      let institutionId: string | null = null;
      let institutionName: string | undefined;
      if (joining.invitationScope === 'inviter_institution') {
        institutionId = await ownedInstitution(user);
        if (!institutionId) throw forbidden('only an owner of an institution invites its colleagues');
        institutionName = (
          await prisma.institution.findUnique({ where: { id: institutionId }, select: { name: true } })
        )?.name;
      }
      if (joining.invitationScope === 'country') {
        if (!body.countryCode)
          throw validationFailed([
            { path: 'countryCode', message: `a ${body.role} acts for one country: give its code` },
          ]);
        if (!(await prisma.country.findUnique({ where: { code: body.countryCode }, select: { code: true } })))
          throw validationFailed([{ path: 'countryCode', message: 'no such country' }]);
      } else if (body.countryCode)
        throw validationFailed([{ path: 'countryCode', message: `a ${body.role} has no country` }]);
      if (body.institutionRole && joining.invitationScope !== 'inviter_institution')
        throw validationFailed([{ path: 'institutionRole', message: 'only colleagues of an institution have one' }]);
      const email = body.email.toLowerCase();
      if (await prisma.user.findUnique({ where: { email }, select: { id: true } }))
        throw conflict('an account already uses this address (an administrator can change its role)', 'account_exists');
      const id = randomUUID();
      const secret = newSecret();
      const language: Language = body.language ?? (user.language === 'ru' ? 'ru' : 'en');
      const row = await sendInvitation(
        { id, email, role: body.role, institutionName, language },
        user,
        secret,
        1,
        async (tx) => {
          const created = await tx.invitation.create({
            data: {
              id,
              tokenHash: sha256Hex(secret),
              email,
              role: body.role,
              countryCode: body.countryCode ?? null,
              institutionId,
              institutionRole: institutionId ? (body.institutionRole ?? 'member') : null,
              invitedById: user.id,
              language,
              expiresAt: new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000),
            },
          });
          await auditAccount(tx, {
            actor: user,
            subjectType: institutionId ? 'institution' : 'invitation',
            subjectId: institutionId ?? id,
            action: 'invitation_sent',
            data: { invitationId: id, email, role: body.role, countryCode: body.countryCode ?? null },
            requestId: req.requestId,
          });
          return created;
        },
      );
      return { status: 201, body: invitationView(row) };
    },
  );

  router.add(
    {
      method: 'get',
      path: '/invitations',
      operationId: 'listInvitations',
      tag: 'Joining',
      summary: 'Invitations you manage',
      description: 'An administrator: the staff invitations; an institution owner: the institution’s.',
      roles: INVITER_ROLES,
      success: { status: 200, description: 'Newest first', schema: invitationListSchema },
    },
    async ({ user }) => {
      const rows = await prisma.invitation.findMany({
        where: await managedWhere(user),
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        take: 200,
      });
      return { body: { items: rows.map(invitationView) } };
    },
  );

  const INVITATION_ID = { description: 'The invitation id', example: '5b0c3d9e-8f51-4a8e-9d7c-0e1f2a3b4c5d' };
  for (const action of ['resend', 'revoke'] as const) {
    router.add(
      {
        method: 'post',
        path: `/invitations/:id/${action}`,
        operationId: action === 'resend' ? 'createInvitationResend' : 'revokeInvitation',
        tag: 'Joining',
        summary:
          action === 'resend'
            ? 'Send an invitation again, with a new link and a new expiry'
            : 'Revoke an invitation (its link stops working)',
        roles: INVITER_ROLES,
        params: { id: INVITATION_ID },
        success: { status: 200, description: 'The invitation', schema: invitationSchema },
        errors: [404, 409],
      },
      async ({ user, params, req }) => {
        const row = await prisma.invitation.findFirst({ where: { id: params.id, ...(await managedWhere(user)) } });
        if (!row) throw notFound('invitation');
        if (row.acceptedAt) throw conflict('the invitation was accepted already', 'invitation_accepted');
        if (action === 'revoke') {
          const updated = row.revokedAt
            ? row
            : await prisma.invitation.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
          if (!row.revokedAt)
            await auditAccount(prisma, {
              actor: user,
              subjectType: row.institutionId ? 'institution' : 'invitation',
              subjectId: row.institutionId ?? row.id,
              action: 'invitation_revoked',
              data: { invitationId: row.id, email: row.email },
              requestId: req.requestId,
            });
          return { body: invitationView(updated) };
        }
        const secret = newSecret();
        const institutionName = row.institutionId
          ? (await prisma.institution.findUnique({ where: { id: row.institutionId }, select: { name: true } }))?.name
          : undefined;
        const updated = await sendInvitation(
          {
            id: row.id,
            email: row.email,
            role: row.role as Role,
            institutionName,
            language: row.language === 'ru' ? 'ru' : 'en',
          },
          user,
          secret,
          row.sentCount + 1,
          async (tx) => {
            const u = await tx.invitation.update({
              where: { id: row.id },
              data: {
                tokenHash: sha256Hex(secret),
                sentCount: row.sentCount + 1,
                revokedAt: null,
                expiresAt: new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000),
              },
            });
            await auditAccount(tx, {
              actor: user,
              subjectType: row.institutionId ? 'institution' : 'invitation',
              subjectId: row.institutionId ?? row.id,
              action: 'invitation_resent',
              data: { invitationId: row.id, email: row.email },
              requestId: req.requestId,
            });
            return u;
          },
        );
        return { body: invitationView(updated) };
      },
    );
  }

  const findByToken = async (token: string) => {
    const row = await prisma.invitation.findUnique({ where: { tokenHash: sha256Hex(token) } });
    if (!row) throw linkInvalid('this invitation link is not valid (a newer one may have been sent)');
    return row;
  };

  router.add(
    {
      method: 'post',
      path: '/invitations/preview',
      operationId: 'getInvitationPreview',
      tag: 'Joining',
      auth: false,
      summary: 'What an invitation link invites to',
      body: tokenBodySchema,
      before: [ctx.rateLimiter(config.EMAIL_LINK_LIMIT_PER_IP * 4, windowMs)],
      success: { status: 200, description: 'The invitation', schema: invitationPreviewSchema },
      errors: [401, 429],
    },
    async ({ body }) => {
      const row = await findByToken(body.token);
      const [inviter, institution] = await Promise.all([
        prisma.user.findUnique({ where: { id: row.invitedById }, select: { name: true } }),
        row.institutionId
          ? prisma.institution.findUnique({ where: { id: row.institutionId }, select: { name: true } })
          : null,
      ]);
      return {
        body: {
          email: row.email,
          role: row.role as Role,
          countryCode: row.countryCode,
          institutionName: institution?.name ?? null,
          inviterName: inviter?.name ?? '',
          status: statusOf(row),
          expiresAt: row.expiresAt.toISOString(),
        },
      };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/invitations/accept',
      operationId: 'createAccountFromInvitation',
      summary: 'Accept an invitation: the account is made and signed in',
      description:
        'The link works once, until it expires or is revoked; a resent invitation has a new link and the old one stops working.',
      body: invitationAcceptSchema,
      ...accountFromLinkRoute(),
    },
    async ({ body, req }) => {
      checkTermsVersion(body.termsVersion);
      const row = await findByToken(body.token);
      const status = statusOf(row);
      if (status !== 'pending') throw linkInvalid(`this invitation is ${status}`);
      if (await prisma.user.findUnique({ where: { email: row.email }, select: { id: true } }))
        throw conflict('an account already uses this address: sign in', 'account_exists');
      const userId = newUserId();
      const role = row.role as Role;
      const won = await prisma.$transaction(async (tx) => {
        const claimed = await tx.invitation.updateMany({
          where: { id: row.id, acceptedAt: null, revokedAt: null, tokenHash: row.tokenHash },
          data: { acceptedAt: new Date(), acceptedUserId: userId },
        });
        if (!claimed.count) return false;
        await tx.user.create({
          data: {
            id: userId,
            email: row.email,
            name: body.name,
            role,
            countryCode: row.countryCode,
            institutionId: row.institutionId,
            language: row.language,
          },
        });
        await recordTerms(tx, userId, body.termsVersion);
        if (row.institutionId)
          await tx.institutionMember.create({
            data: { institutionId: row.institutionId, userId, role: row.institutionRole ?? 'member' },
          });
        await auditAccount(tx, {
          actor: { id: userId, role },
          subjectType: row.institutionId ? 'institution' : 'user',
          subjectId: row.institutionId ?? userId,
          action: 'invitation_accepted',
          data: { invitationId: row.id, invitedById: row.invitedById, role, userId },
          requestId: req.requestId,
        });
        await auditAccount(tx, {
          actor: { id: userId, role },
          subjectId: userId,
          action: 'account_created',
          data: { via: 'invitation', invitationId: row.id, invitedById: row.invitedById },
          requestId: req.requestId,
        });
        return true;
      });
      if (!won) throw linkInvalid('this invitation was used already');
      return {
        status: 201,
        body: {
          ...(await sessionFor(ctx, { id: userId, role }, 'invitation')),
          userId,
          role,
          institutionId: row.institutionId,
          expertApplicationId: null,
        },
      };
    },
  );
}
