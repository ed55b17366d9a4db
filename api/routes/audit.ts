import type { Prisma } from '../../generated/prisma/client';
import type { ApiContext } from '../context';
import { paged } from '../ids';
import type { ApiRouter } from '../router';
import { auditQuerySchema, genericObjectSchema, pageOf } from '../schemas';
import { AUDIT_SELECT } from '../views';

export function auditRoutes(router: ApiRouter, ctx: ApiContext): void {
  router.add(
    {
      method: 'get', path: '/audit', cached: true, tag: 'Audit', summary: 'The audit trail, newest first',
      description: '`subject` is a proposal or expert request id; `actor` a user id.',
      roles: ['fund_manager', 'admin'], query: auditQuerySchema,
      success: { status: 200, description: 'A page of audit events', schema: pageOf(genericObjectSchema) },
    },
    async ({ query }) => {
      const where: Prisma.AuditEventWhereInput = { ...(query.subject ? { subjectId: query.subject } : {}), ...(query.actor ? { actorId: query.actor } : {}) };
      const [total, rows] = await Promise.all([
        ctx.prisma.auditEvent.count({ where }),
        ctx.prisma.auditEvent.findMany({
          where,
          select: { ...AUDIT_SELECT, subjectType: true, subjectId: true, workflowId: true, requestId: true },
          orderBy: { id: 'desc' },
          skip: (query.page - 1) * query.pageSize,
          take: query.pageSize,
        }),
      ]);
      const items = rows.map((r) => ({ ...r, at: r.at.toISOString() }));
      return { body: paged(items, total, query.page, query.pageSize) };
    },
  );
}
