import type { Prisma } from '../../generated/prisma/client';
import type { ApiContext } from '../context';
import { paged } from '../ids';
import type { ApiRouter } from '../router';
import { auditPageSchema, auditQuerySchema } from '../schemas';
import { AUDIT_SELECT, auditEventView } from '../views';

export function auditRoutes(router: ApiRouter, ctx: ApiContext): void {
  router.add(
    {
      method: 'get',
      path: '/audit',
      operationId: 'listAuditEvents',
      cached: true,
      tag: 'Audit',
      summary: 'The audit trail, newest first',
      roles: ['fund_manager', 'admin', 'auditor'],
      query: auditQuerySchema,
      success: { status: 200, description: 'A page of audit events', schema: auditPageSchema },
    },
    async ({ query }) => {
      const where: Prisma.AuditEventWhereInput = {
        ...(query.subject ? { subjectId: query.subject } : {}),
        ...(query.actor ? { actorId: query.actor } : {}),
      };
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
      const items = rows.map(auditEventView);
      return { body: paged(items, total, query.page, query.pageSize) };
    },
  );
}
