import type { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import type { Language, Role } from '../../domain/roles';
import { userListQuerySchema, userPageSchema, userPatchSchema, userSchema } from '../account-schemas';
import { auditAccount } from '../accounts/audit';
import { revokeEverything } from '../accounts/tokens';
import type { ApiContext } from '../context';
import { conflict, notFound, validationFailed } from '../errors';
import { paged } from '../ids';
import type { ApiRouter } from '../router';

export const USER_SELECT = {
  id: true,
  email: true,
  name: true,
  role: true,
  countryCode: true,
  institutionId: true,
  expertId: true,
  language: true,
  active: true,
  createdAt: true,
} as const;
type UserRow = Prisma.UserGetPayload<{ select: typeof USER_SELECT }>;

type StateRow = { erasureRequestedAt: Date | null; erasedAt: Date | null } | null | undefined;

export function userView(u: UserRow, s?: StateRow): z.input<typeof userSchema> {
  return {
    ...u,
    role: u.role as Role,
    language: (u.language === 'ru' ? 'ru' : 'en') as Language,
    createdAt: u.createdAt.toISOString(),
    erasureRequestedAt: s?.erasureRequestedAt?.toISOString() ?? null,
    erasedAt: s?.erasedAt?.toISOString() ?? null,
  };
}

export async function userViews(prisma: ApiContext['prisma'], rows: UserRow[]): Promise<z.input<typeof userSchema>[]> {
  const states = new Map(
    (
      await prisma.accountState.findMany({
        where: { userId: { in: rows.map((r) => r.id) } },
        select: { userId: true, erasureRequestedAt: true, erasedAt: true },
      })
    ).map((s) => [s.userId, s]),
  );
  return rows.map((r) => userView(r, states.get(r.id)));
}

// The example names nobody: a client (or a fuzzer) trying it changes no demo account.
const USER_ID = { description: 'The user id', example: 'u-example-nobody' };

/** Administrators manage people: list them, change a role or a country, deactivate. Every change is audited. */
export function userRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  router.add(
    {
      method: 'get',
      path: '/users',
      operationId: 'listUsers',
      cached: true,
      tag: 'People',
      summary: 'People with an account',
      roles: ['admin'],
      query: userListQuerySchema,
      success: { status: 200, description: 'A page of people, by name', schema: userPageSchema },
    },
    async ({ query }) => {
      const where: Prisma.UserWhereInput = {
        ...(query.role ? { role: query.role } : {}),
        ...(query.active ? { active: query.active === 'true' } : {}),
        ...(query.erasureRequested
          ? {
              id: {
                in: (
                  await prisma.accountState.findMany({
                    where: { erasureRequestedAt: { not: null }, erasedAt: null },
                    select: { userId: true },
                  })
                ).map((s) => s.userId),
              },
            }
          : {}),
        ...(query.q
          ? {
              OR: [
                { name: { contains: query.q, mode: 'insensitive' } },
                { email: { contains: query.q, mode: 'insensitive' } },
              ],
            }
          : {}),
      };
      const [total, rows] = await Promise.all([
        prisma.user.count({ where }),
        prisma.user.findMany({
          where,
          select: USER_SELECT,
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
          skip: (query.page - 1) * query.pageSize,
          take: query.pageSize,
        }),
      ]);
      return { body: paged(await userViews(prisma, rows), total, query.page, query.pageSize) };
    },
  );

  router.add(
    {
      method: 'patch',
      path: '/users/:id',
      operationId: 'updateUser',
      tag: 'People',
      summary: 'Change a role or country, deactivate or reactivate',
      description:
        'A deactivated account, or one whose role changed, is refused on its very next request on every API instance; its sessions and tokens are revoked (a reactivated account signs in again). ' +
        'A co_approver needs a country. Administrators cannot change or deactivate themselves.',
      roles: ['admin'],
      params: { id: USER_ID },
      body: userPatchSchema,
      success: { status: 200, description: 'The person, changed', schema: userSchema },
      errors: [404, 409],
    },
    async ({ user, params, body, req }) => {
      const before = await prisma.user.findUnique({ where: { id: params.id }, select: USER_SELECT });
      if (!before) throw notFound('user');
      if (before.id === user.id)
        throw conflict('you cannot change your own account; ask another administrator', 'own_account');
      const role = body.role ?? before.role;
      const countryCode =
        body.countryCode !== undefined ? body.countryCode : role === 'co_approver' ? before.countryCode : null;
      if (role === 'co_approver') {
        if (!countryCode)
          throw validationFailed([
            { path: 'countryCode', message: 'a co_approver acts for one country: give its code' },
          ]);
        if (!(await prisma.country.findUnique({ where: { code: countryCode }, select: { code: true } })))
          throw validationFailed([{ path: 'countryCode', message: 'no such country' }]);
      } else if (body.countryCode) {
        throw validationFailed([{ path: 'countryCode', message: 'only a co_approver has a country' }]);
      }
      const active = body.active ?? before.active;
      const after = await prisma.user.update({
        where: { id: before.id },
        data: { role, countryCode: role === 'co_approver' ? countryCode : null, active },
        select: USER_SELECT,
      });
      const changed = Object.fromEntries(
        (['role', 'countryCode', 'active'] as const)
          .filter((k) => before[k] !== after[k])
          .map((k) => [k, { from: before[k], to: after[k] }]),
      );
      // Access changed: whatever was signed in before ends now (the checks refuse it anyway; this makes it final).
      if (changed.role || changed.countryCode || (changed.active && !active)) await revokeEverything(prisma, before.id);
      if (Object.keys(changed).length) {
        const action = changed.active
          ? active
            ? 'account_reactivated'
            : 'account_deactivated'
          : 'account_role_changed';
        await auditAccount(prisma, {
          actor: user,
          subjectId: before.id,
          action,
          comment: body.reason,
          data: changed as Prisma.InputJsonValue,
          requestId: req.requestId,
        });
      }
      return { body: (await userViews(prisma, [after]))[0] };
    },
  );
}
