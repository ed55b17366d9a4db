import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { signInLinkMail } from '../../activities/notifications/account-mails';
import type { Language } from '../../domain/roles';
import { publicBaseUrl } from '../../lib/config';
import {
  emailLinkAcceptedSchema,
  emailLinkRedeemSchema,
  emailLinkRequestSchema,
  personalTokenCreatedSchema,
  personalTokenCreateSchema,
  personalTokenListSchema,
  personalTokenSchema,
  sessionTokenSchema,
  signedOutSchema,
} from '../account-schemas';
import { auditAccount } from '../accounts/audit';
import { withAccountMails } from '../accounts/mail';
import { issueToken, newSecret, revokeEverything, sha256Hex } from '../accounts/tokens';
import type { ApiContext } from '../context';
import { forbidden, HttpError, notFound, validationFailed } from '../errors';
import type { ApiRouter } from '../router';
import type { AuthUser } from '../types';

/** The same answer for every address, known or not (no account enumeration). */
const LINK_SENT_MESSAGE =
  'If an account uses this address, a sign-in link is on its way. It works once, for a short time, in this browser only.';

const linkInvalid = (message: string) => new HttpError(401, 'link_invalid', message);

/** Sign-in by e-mail link, sessions, sign-out (everywhere), personal API tokens. */
export function accountRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma, config } = ctx;
  const idleSeconds = config.SESSION_IDLE_MINUTES * 60;
  const absoluteMs = config.SESSION_ABSOLUTE_HOURS * 3_600_000;

  const openSession = async (
    user: { id: string; role: string },
    how: string,
  ): Promise<z.input<typeof sessionTokenSchema>> => {
    const issued = await issueToken(prisma, {
      userId: user.id,
      role: user.role,
      kind: 'session',
      name: how,
      expiresAt: new Date(Date.now() + absoluteMs),
    });
    return { token: issued.token, expiresIn: Math.floor(absoluteMs / 1000), idleTimeoutSeconds: idleSeconds };
  };

  if (ctx.auth.modes.includes('email')) {
    const windowMs = config.EMAIL_LINK_LIMIT_WINDOW_MINUTES * 60_000;
    const addressKey = (req: { body?: unknown }) => {
      const email = (req.body as { email?: unknown } | undefined)?.email;
      return `sign-in-link:${typeof email === 'string' ? sha256Hex(email.trim().toLowerCase()) : 'none'}`;
    };
    router.add(
      {
        method: 'post',
        path: '/auth/email-link',
        operationId: 'createEmailLink',
        tag: 'Auth',
        auth: false,
        summary: 'Ask for a sign-in link by e-mail',
        description:
          'Only when AUTH_MODE includes email. The answer is the same whether or not an account uses the address (202), and so is the work done; only an active account gets a mail. ' +
          `The link works once, for EMAIL_LINK_TTL_MINUTES (default 15), and only with the same \`browser\` value. Limited per address and per IP (429 with Retry-After).`,
        body: emailLinkRequestSchema,
        before: [
          ctx.rateLimiter(config.EMAIL_LINK_LIMIT_PER_IP, windowMs),
          ctx.rateLimiter(config.EMAIL_LINK_LIMIT_PER_ADDRESS, windowMs, addressKey),
        ],
        success: {
          status: 202,
          description: 'Accepted: a mail is sent if an account uses the address',
          schema: emailLinkAcceptedSchema,
        },
        errors: [429],
      },
      async ({ body, req }) => {
        const email = body.email.toLowerCase();
        const user = await prisma.user.findUnique({
          where: { email },
          select: { id: true, language: true, active: true },
        });
        const known = !!user?.active;
        const id = randomUUID();
        const secret = newSecret();
        const language: Language = known ? (user.language === 'ru' ? 'ru' : 'en') : (body.language ?? 'en');
        const url = `${publicBaseUrl(config).replace(/\/+$/, '')}/app/sign-in/link/${secret}`;
        const mail = signInLinkMail(language, { url, minutes: config.EMAIL_LINK_TTL_MINUTES });
        const key = `account:sign-in:${id}`;
        await withAccountMails(
          ctx,
          [
            {
              key,
              toEmail: email,
              recipientId: known ? user.id : null,
              template: 'sign_in_link',
              language,
              mail,
              send: known,
            },
          ],
          (tx) =>
            tx.emailSignIn.create({
              data: {
                id,
                tokenHash: sha256Hex(secret),
                email,
                userId: known ? user.id : null,
                browserHash: sha256Hex(body.browser),
                outboxKey: key,
                expiresAt: new Date(Date.now() + config.EMAIL_LINK_TTL_MINUTES * 60_000),
              },
            }),
        );
        req.log.info({ event: 'sign_in_link_requested', signInId: id }, 'sign-in link requested');
        return {
          status: 202,
          body: {
            status: 'sent' as const,
            expiresInMinutes: config.EMAIL_LINK_TTL_MINUTES,
            message: LINK_SENT_MESSAGE,
          },
        };
      },
    );

    router.add(
      {
        method: 'post',
        path: '/auth/email-link/redeem',
        operationId: 'createSessionFromEmailLink',
        tag: 'Auth',
        auth: false,
        summary: 'Exchange a sign-in link for a session token',
        description:
          'The token of the link and the same `browser` value the link was asked with. A link works once and expires; a link asked for in another browser is refused (and stays usable there). 401 `link_invalid` says which.',
        body: emailLinkRedeemSchema,
        before: [ctx.rateLimiter(config.EMAIL_LINK_LIMIT_PER_IP * 2, windowMs)],
        success: {
          status: 200,
          description: 'A session token (idle and absolute timeouts apply)',
          schema: sessionTokenSchema,
        },
        errors: [401, 429],
      },
      async ({ body, req }) => {
        const tokenHash = sha256Hex(body.token);
        const browserHash = sha256Hex(body.browser);
        // One statement: of two concurrent redemptions only one wins.
        const used = await prisma.$queryRaw<{ userId: string | null }[]>`UPDATE "EmailSignIn" SET "usedAt" = now()
          WHERE "tokenHash" = ${tokenHash} AND "usedAt" IS NULL AND "expiresAt" > now() AND "browserHash" = ${browserHash} RETURNING "userId"`;
        if (!used.length) {
          const row = await prisma.emailSignIn.findUnique({
            where: { tokenHash },
            select: { usedAt: true, expiresAt: true, browserHash: true },
          });
          if (!row) throw linkInvalid('this sign-in link is not valid');
          if (row.usedAt) throw linkInvalid('this sign-in link was already used; ask for a new one');
          if (row.expiresAt.getTime() <= Date.now())
            throw linkInvalid('this sign-in link has expired; ask for a new one');
          throw linkInvalid(
            'this sign-in link was asked for in another browser; open it there, or ask for a new one here',
          );
        }
        const userId = used[0].userId;
        const user = userId
          ? await prisma.user.findUnique({ where: { id: userId }, select: { id: true, role: true, active: true } })
          : null;
        if (!user?.active) throw linkInvalid('this sign-in link is not valid');
        req.log.info({ event: 'signed_in', method: 'email_link', userId: user.id }, 'signed in by e-mail link');
        return { body: await openSession(user, 'sign-in by e-mail link') };
      },
    );
  }

  router.add(
    {
      method: 'post',
      path: '/auth/session',
      ownAccount: true,
      operationId: 'createSession',
      tag: 'Auth',
      summary: 'Exchange a sign-in token for a session token',
      description:
        'Called with a token of the identity provider (or a dev token): returns a session token of this API, ended by sign-out, sign-out everywhere, a role change, deactivation, SESSION_IDLE_MINUTES without use or SESSION_ABSOLUTE_HOURS. Personal tokens and session tokens cannot open sessions.',
      success: { status: 201, description: 'A session token', schema: sessionTokenSchema },
    },
    async ({ user }) => {
      if (user.via?.kind === 'personal' || user.via?.kind === 'session')
        throw forbidden('sign in to open a session; API tokens cannot');
      return {
        status: 201,
        body: await openSession(
          user,
          user.via?.kind === 'oidc' ? 'sign-in with the organisation account' : 'development sign-in',
        ),
      };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/auth/sign-out',
      ownAccount: true,
      operationId: 'revokeSession',
      tag: 'Auth',
      summary: 'End this session',
      description:
        'Revokes the session token the request carries (other tokens are not touched; see /me/sign-out-everywhere).',
      success: { status: 200, description: 'Signed out', schema: signedOutSchema },
    },
    async ({ user }) => {
      if (user.via?.kind !== 'session') return { body: { revokedTokens: 0 } };
      const { count } = await prisma.apiToken.updateMany({
        where: { id: user.via.tokenId, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      return { body: { revokedTokens: count } };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/me/sign-out-everywhere',
      ownAccount: true,
      operationId: 'revokeAllSessions',
      tag: 'Me',
      summary: 'End all your sessions and revoke all your tokens',
      description:
        'Every session (web app and API), every personal token, and every signed token issued until now stop working on their next request, on every API instance.',
      success: { status: 200, description: 'Signed out everywhere', schema: signedOutSchema },
    },
    async ({ user, req }) => {
      const { tokens } = await revokeEverything(prisma, user.id);
      await auditAccount(prisma, {
        actor: user,
        subjectId: user.id,
        action: 'signed_out_everywhere',
        data: { revokedTokens: tokens },
        requestId: req.requestId,
      });
      return { body: { revokedTokens: tokens } };
    },
  );

  // ---------- personal API tokens ----------

  const TOKEN_SELECT = {
    id: true,
    name: true,
    prefix: true,
    role: true,
    createdAt: true,
    expiresAt: true,
    lastUsedAt: true,
    revokedAt: true,
  } as const;
  const tokenView = (t: {
    id: string;
    name: string;
    prefix: string;
    role: string;
    createdAt: Date;
    expiresAt: Date;
    lastUsedAt: Date | null;
    revokedAt: Date | null;
  }): z.input<typeof personalTokenSchema> => ({
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    role: t.role as z.input<typeof personalTokenSchema>['role'],
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  });
  const TOKEN_ID = { description: 'The token id (not the token)', example: '0b8e7f1e-3c1a-4c55-9a55-1f0e6c7d2a10' };

  router.add(
    {
      method: 'get',
      path: '/me/tokens',
      operationId: 'listPersonalTokens',
      tag: 'Me',
      summary: 'Your personal API tokens, with their last use',
      success: {
        status: 200,
        description: 'Newest first, revoked and expired ones included',
        schema: personalTokenListSchema,
      },
    },
    async ({ user }) => {
      const rows = await prisma.apiToken.findMany({
        where: { userId: user.id, kind: 'personal' },
        select: TOKEN_SELECT,
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        take: 200,
      });
      return { body: { items: rows.map(tokenView) } };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/me/tokens',
      ownAccount: true,
      operationId: 'createPersonalToken',
      tag: 'Me',
      summary: 'Create a personal API token',
      description:
        'For scripts and integrations: send it as `Authorization: Bearer <token>`. It acts with your role (a changed role ends it), expires after `expiresInDays` (at most PERSONAL_TOKEN_MAX_DAYS), and is shown only in this answer (only its hash is stored). Only a signed-in person creates tokens: a personal token cannot.',
      body: personalTokenCreateSchema,
      success: { status: 201, description: 'The token, shown once', schema: personalTokenCreatedSchema },
    },
    async ({ user, body, req }) => {
      if (user.via?.kind === 'personal') throw forbidden('a personal token cannot create tokens; sign in');
      if (body.expiresInDays > config.PERSONAL_TOKEN_MAX_DAYS)
        throw validationFailed([
          { path: 'expiresInDays', message: `must be at most ${config.PERSONAL_TOKEN_MAX_DAYS}` },
        ]);
      const issued = await issueToken(prisma, {
        userId: user.id,
        role: user.role,
        kind: 'personal',
        name: body.name,
        expiresAt: new Date(Date.now() + body.expiresInDays * 86_400_000),
      });
      await auditAccount(prisma, {
        actor: user,
        subjectId: user.id,
        action: 'personal_token_created',
        data: { tokenId: issued.id, name: body.name, expiresAt: issued.expiresAt.toISOString() },
        requestId: req.requestId,
      });
      const row = await prisma.apiToken.findUniqueOrThrow({ where: { id: issued.id }, select: TOKEN_SELECT });
      return { status: 201, body: { ...tokenView(row), token: issued.token } };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/me/tokens/:id/revoke',
      ownAccount: true,
      operationId: 'revokePersonalToken',
      tag: 'Me',
      summary: 'Revoke one of your personal API tokens',
      params: { id: TOKEN_ID },
      success: {
        status: 200,
        description: 'The token, revoked (revoking it again changes nothing)',
        schema: personalTokenSchema,
      },
      errors: [404],
    },
    async ({ user, params, req }) => {
      const row = await prisma.apiToken.findFirst({
        where: { id: params.id, userId: user.id, kind: 'personal' },
        select: { id: true, revokedAt: true },
      });
      if (!row) throw notFound('token');
      if (!row.revokedAt) {
        await prisma.apiToken.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
        await auditAccount(prisma, {
          actor: user,
          subjectId: user.id,
          action: 'personal_token_revoked',
          data: { tokenId: row.id },
          requestId: req.requestId,
        });
      }
      return {
        body: tokenView(await prisma.apiToken.findUniqueOrThrow({ where: { id: row.id }, select: TOKEN_SELECT })),
      };
    },
  );
}
