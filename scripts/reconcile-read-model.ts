import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Prisma } from '../generated/prisma/client';
import { PROGRAMME_LIST, type Programme, type SubjectType } from '../domain/registry';
import { IMPORTED_WORKFLOW_PREFIX } from '../domain/results';
import { isTerminal } from '../domain/stages';
import type { PrismaClient } from '../lib/db';
import { stateQuery, type LifecycleView } from '../workflows/messages';

export interface ReconcileChange {
  workflowId: string;
  what: string;
}

export interface ReconcileReport {
  checked: number;
  changes: ReconcileChange[];
  unreachable: string[];
}

interface SubjectRow {
  id: string;
  workflowId: string;
  stage: string;
  countryCode: string;
  type: SubjectType;
  programme: Programme;
  table: string;
}

/**
 * Compares every subject's read model with its workflow (the source of truth, via the `state`
 * query) and repairs drift: the stage, open tasks missing or closed in the database, and tasks
 * open in the database that the workflow has closed. Returns what it changed.
 */
export async function reconcileReadModel(
  prisma: PrismaClient,
  client: Client,
  opts: { includeClosed?: boolean; log?: (msg: string) => void } = {},
): Promise<ReconcileReport> {
  const subjects: SubjectRow[] = [];
  for (const p of PROGRAMME_LIST) {
    const rows = await prisma.$queryRaw<{ id: string; workflowId: string; stage: string; countryCode: string }[]>(
      Prisma.sql`SELECT "id", "workflowId", "stage", "countryCode" FROM ${Prisma.raw(`"${p.subjectTable}"`)} ${opts.includeClosed ? Prisma.empty : Prisma.sql`WHERE "closedAt" IS NULL`}`,
    );
    subjects.push(...rows.map((r) => ({ ...r, type: p.subjectType, programme: p.id, table: p.subjectTable })));
  }
  const report: ReconcileReport = { checked: 0, changes: [], unreachable: [] };
  for (const subject of subjects) {
    // Imported past items never had a workflow: nothing to compare.
    if (subject.workflowId.startsWith(IMPORTED_WORKFLOW_PREFIX)) continue;
    let view: LifecycleView;
    try {
      view = await client.workflow.getHandle(subject.workflowId).query(stateQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        report.unreachable.push(subject.workflowId);
        continue;
      }
      throw err;
    }
    report.checked++;
    const changes = await repairSubject(prisma, subject, view);
    report.changes.push(...changes);
    for (const c of changes) opts.log?.(`${c.workflowId}: ${c.what}`);
  }
  return report;
}

async function repairSubject(
  prisma: PrismaClient,
  subject: SubjectRow,
  view: LifecycleView,
): Promise<ReconcileChange[]> {
  const changes: ReconcileChange[] = [];
  const note = (what: string) => changes.push({ workflowId: subject.workflowId, what });

  if (subject.stage !== view.stage) {
    const closedAt = isTerminal(view.stage) ? new Date() : null;
    await prisma.$executeRaw`UPDATE ${Prisma.raw(`"${subject.table}"`)} SET "stage" = ${view.stage}, "closedAt" = ${closedAt}, "updatedAt" = now() WHERE "id" = ${subject.id}`;
    note(`stage ${subject.stage} → ${view.stage}`);
  }

  const rows = await prisma.task.findMany({ where: { workflowId: subject.workflowId } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const openInWorkflow = new Set(view.openTasks.map((t) => t.id));

  for (const t of view.openTasks) {
    const row = byId.get(t.id);
    const fields = {
      kind: t.kind,
      stage: t.stage,
      assigneeUserId: t.assigneeUserId,
      assigneeRole: t.assigneeRole,
      assigneeCountryCode: t.assigneeCountryCode,
      assigneeInstitutionId: t.assigneeInstitutionId ?? null,
      title: t.title,
      dueAt: t.dueAt ? new Date(t.dueAt) : null,
      overdue: t.overdue,
    };
    if (!row) {
      await prisma.task.create({
        data: {
          id: t.id,
          workflowId: subject.workflowId,
          programme: subject.programme,
          subjectType: subject.type,
          subjectId: subject.id,
          countryCode: subject.countryCode,
          status: 'open',
          ...fields,
          ...(t.excludeUserIds?.length
            ? { exclusions: { create: t.excludeUserIds.map((userId) => ({ userId })) } }
            : {}),
        },
      });
      note(`task ${t.id} recreated (open)`);
    } else if (
      row.status !== 'open' ||
      row.assigneeUserId !== t.assigneeUserId ||
      row.assigneeRole !== t.assigneeRole ||
      row.assigneeInstitutionId !== (t.assigneeInstitutionId ?? null) ||
      row.kind !== t.kind
    ) {
      await prisma.task.update({
        where: { id: t.id },
        data: { status: 'open', decision: null, decidedAt: null, decidedById: null, ...fields },
      });
      note(`task ${t.id} reopened / reassigned as in the workflow`);
    }
  }

  const decisions = new Map(view.history.filter((h) => h.taskId && h.action === 'decision').map((h) => [h.taskId!, h]));
  for (const row of rows) {
    if (row.status !== 'open' || openInWorkflow.has(row.id)) continue;
    const decided = decisions.get(row.id);
    const data: Prisma.TaskUpdateInput = decided
      ? {
          status: 'done',
          decision: decided.decision ?? null,
          decidedById: decided.actorId,
          decidedAt: new Date(decided.at),
        }
      : { status: 'cancelled', comment: 'closed by reconciliation: not open in the workflow' };
    await prisma.task.update({ where: { id: row.id }, data });
    note(`task ${row.id} closed (${decided ? `decided ${decided.decision}` : 'cancelled'})`);
  }
  return changes;
}
