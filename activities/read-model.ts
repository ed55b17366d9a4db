import { Prisma } from '../generated/prisma/client';
import { messageSideOf } from '../domain/messages';
import { isTerminal } from '../domain/stages';
import type { StepCommit, StepResult, SubjectPatch, SubjectRowInit } from '../domain/steps';
import { subjectTable } from '../lib/subject-table';
import { insertOutboxRows, outboxRowsOf, type OutboxRow } from './notifications/outbox';
import { inTransaction } from '../lib/db';
import type { ActivityDeps } from './deps';
import { recordDecision } from './provenance';

type Tx = Prisma.TransactionClient;

const json = (v: unknown): Prisma.InputJsonValue => (v ?? null) as Prisma.InputJsonValue;
/** A jsonb column's value for plain SQL: its JSON text (PostgreSQL takes the column's type); null and undefined are NULL. */
const jsonText = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
const optionalJson = (v: unknown) =>
  v === undefined ? undefined : v === null ? (null as unknown as Prisma.InputJsonValue) : json(v);

/** A subject row's columns as Prisma takes them: JSON columns get objects and arrays as they are; undefined is left out. */
function subjectData(columns: SubjectPatch | SubjectRowInit): Record<string, unknown> {
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
}

/** An audit event of a commit, as its row. */
interface AuditRow {
  key: string;
  workflowId: string;
  subjectType: string;
  subjectId: string;
  actorId?: string | null;
  actorRole?: string | null;
  action: string;
  fromStage?: string | null;
  toStage?: string | null;
  comment?: string | null;
  /** Stored as JSON, a missing one as JSON null (as Prisma's createMany did). */
  data?: unknown;
  requestId?: string | null;
  at: Date;
}

/**
 * The audit events of a commit in one plain SQL statement (every commit writes some, and Prisma 6
 * compiles each ORM query anew, the larger the data the longer). A key written before fails the
 * statement, as with createMany: a step's events are written once, with the step.
 */
export async function insertAuditEvents(tx: Tx, rows: AuditRow[]): Promise<void> {
  if (!rows.length) return;
  const values = rows.map(
    (a) =>
      Prisma.sql`(${a.key}, ${a.workflowId}, ${a.subjectType}, ${a.subjectId}, ${a.actorId ?? null}, ${a.actorRole ?? null}, ${a.action},
        ${a.fromStage ?? null}, ${a.toStage ?? null}, ${a.comment ?? null}, ${JSON.stringify(a.data ?? null)}::jsonb, ${a.requestId ?? null}, ${a.at})`,
  );
  await tx.$executeRaw`INSERT INTO "AuditEvent" ("key", "workflowId", "subjectType", "subjectId", "actorId", "actorRole", "action",
      "fromStage", "toStage", "comment", "data", "requestId", "at")
    VALUES ${Prisma.join(values)}`;
}

/**
 * Applies one workflow step to the read model in one transaction. The StepLog row makes a
 * second run of the same step (activity retry, worker crash) a no-op that returns the same
 * outbox keys, so tasks, audit events, payments and mails are never duplicated.
 */
export function createReadModelActivities(deps: ActivityDeps) {
  const { prisma } = deps;

  /** Rows written once for all the steps of a commit (one statement each instead of one per step). */
  interface Batch {
    audit: AuditRow[];
    outbox: OutboxRow[];
  }

  async function applyStep(tx: Tx, step: StepCommit, batch: Batch): Promise<void> {
    const { subject, workflowId, at: atIso } = step;
    const at = new Date(atIso);
    const base = { workflowId, subjectType: subject.type, subjectId: subject.id };

    if (step.create) {
      await subjectTable(tx, subject.type).upsert({
        where: { id: subject.id },
        update: {},
        create: {
          id: subject.id,
          workflowId,
          countryCode: subject.countryCode,
          title: subject.title,
          ...subjectData(step.create),
          stage: step.stage?.to ?? 'intake',
          stageEnteredAt: at,
          createdAt: at,
        },
      });
    }

    const subjectUpdate: Record<string, unknown> = step.patch ? subjectData(step.patch) : {};
    if (step.stage && !step.create) {
      subjectUpdate.stage = step.stage.to;
      subjectUpdate.stageEnteredAt = at;
      if (isTerminal(step.stage.to)) subjectUpdate.closedAt = at;
    }
    if (Object.keys(subjectUpdate).length)
      await subjectTable(tx, subject.type).update({ where: { id: subject.id }, data: subjectUpdate });

    // Tasks change on nearly every step: plain SQL, as Prisma 6 compiles each ORM query anew
    // (about 0.3-1 ms of CPU each, the largest cost of a commit; see bench/README.md).
    const now = new Date();
    for (const t of step.openTasks ?? []) {
      await tx.$executeRaw`INSERT INTO "Task" ("id", "workflowId", "programme", "subjectType", "subjectId", "kind", "stage", "status",
          "assigneeUserId", "assigneeRole", "assigneeCountryCode", "assigneeInstitutionId", "countryCode", "title", "dueAt", "remindAt", "overdue", "context", "createdAt", "updatedAt")
        VALUES (${t.id}, ${workflowId}, ${subject.programme}, ${subject.type}, ${subject.id}, ${t.kind}, ${t.stage}, 'open',
          ${t.assigneeUserId ?? null}, ${t.assigneeRole}, ${t.assigneeCountryCode ?? null}, ${t.assigneeInstitutionId ?? null}, ${subject.countryCode}, ${t.title},
          ${t.dueAt ? new Date(t.dueAt) : null}, ${t.remindAt ? new Date(t.remindAt) : null}, false, ${jsonText(t.context)}, ${at}, ${now})
        ON CONFLICT ("id") DO NOTHING`;
      for (const userId of t.excludeUserIds ?? []) {
        await tx.taskExclusion.upsert({
          where: { taskId_userId: { taskId: t.id, userId } },
          update: {},
          create: { taskId: t.id, userId },
        });
      }
    }
    for (const c of step.closeTasks ?? []) {
      const changed =
        await tx.$executeRaw`UPDATE "Task" SET "status" = ${c.status}, "decision" = ${c.decision ?? null}, "comment" = ${c.comment ?? null},
          "data" = ${jsonText(c.data)}, "decidedById" = ${c.decidedById ?? null}, "decidedAt" = ${at}, "updatedAt" = ${now}
        WHERE "id" = ${c.id}`;
      if (changed !== 1) throw new Error(`task ${c.id} to close is not in the read model`);
    }
    for (const r of step.reassignTasks ?? []) {
      await tx.$executeRaw`UPDATE "Task" SET "assigneeUserId" = ${r.assigneeUserId}, "updatedAt" = ${now} WHERE "id" = ${r.id} AND "status" = 'open'`;
    }
    for (const f of step.flagTasks ?? []) {
      if (f.reminded)
        await tx.$executeRaw`UPDATE "Task" SET "remindedAt" = ${at}, "updatedAt" = ${now} WHERE "id" = ${f.id}`;
      if (f.overdue)
        await tx.$executeRaw`UPDATE "Task" SET "overdue" = true, "escalatedAt" = ${at}, "updatedAt" = ${now} WHERE "id" = ${f.id}`;
    }
    for (const r of step.retimeTasks ?? []) {
      await tx.$executeRaw`UPDATE "Task" SET "dueAt" = ${r.dueAt ? new Date(r.dueAt) : null}, "remindAt" = ${r.remindAt ? new Date(r.remindAt) : null},
          "overdue" = false, "remindedAt" = NULL, "escalatedAt" = NULL, "updatedAt" = ${now} WHERE "id" = ${r.id}`;
    }
    const stepKey = `${workflowId}:${step.seq}`;
    await recordDecision(tx, step, stepKey);
    for (const [i, a] of (step.audit ?? []).entries()) {
      batch.audit.push({
        key: `${stepKey}:${i}`,
        workflowId,
        subjectType: subject.type,
        subjectId: subject.id,
        actorId: a.actorId ?? null,
        actorRole: a.actorRole ?? null,
        action: a.action,
        fromStage: a.fromStage ?? null,
        toStage: a.toStage ?? null,
        comment: a.comment ?? null,
        data: a.data ?? null,
        requestId: a.requestId ?? null,
        at,
      });
    }
    for (const r of step.reviews ?? []) {
      const data = {
        taskId: r.taskId,
        coi: r.coi,
        scores: optionalJson(r.scores ?? null),
        total: r.total ?? null,
        comment: r.comment ?? null,
        submittedAt: at,
      };
      await tx.review.upsert({
        where: { proposalId_reviewerId: { proposalId: subject.id, reviewerId: r.reviewerId } },
        update: data,
        create: {
          id: `${workflowId}:${r.reviewerId}`,
          workflowId,
          proposalId: subject.id,
          reviewerId: r.reviewerId,
          ...data,
          createdAt: at,
        },
      });
    }
    if (step.contract) {
      const c = step.contract;
      const data = {
        kind: c.kind,
        partyName: c.partyName,
        valueCents: c.valueCents,
        tranches: json(c.tranches),
        status: c.status,
        policyFindings: optionalJson(c.policyFindings ?? null),
        exceptionNote: c.exceptionNote ?? null,
        signatures: json(c.signatures),
        signedAt: c.status === 'signed' ? at : null,
      };
      await tx.contract.upsert({
        where: { workflowId },
        update: data,
        create: {
          id: `${workflowId}:contract`,
          workflowId,
          subjectType: subject.type,
          subjectId: subject.id,
          ...data,
          createdAt: at,
        },
      });
    }
    for (const d of step.deliverables ?? []) {
      const data = {
        title: d.title,
        dueDate: new Date(d.dueDate),
        amountCents: d.amountCents,
        status: d.status,
        report: d.report ?? undefined,
        ...(d.status === 'submitted' ? { submittedAt: at } : {}),
        ...(d.status === 'accepted' ? { acceptedAt: at } : {}),
      };
      await tx.deliverable.upsert({
        where: { workflowId_seq: { workflowId, seq: d.seq } },
        update: data,
        create: { id: `${workflowId}:d${d.seq}`, ...base, seq: d.seq, ...data },
      });
    }
    for (const d of step.deliverableDates ?? []) {
      await tx.deliverable.updateMany({
        where: { workflowId, seq: d.seq },
        data: { dueDate: new Date(d.dueDate) },
      });
    }
    for (const p of step.payments ?? []) {
      await tx.payment.upsert({
        where: { id: `${workflowId}:p${p.seq}` },
        update: {},
        create: {
          id: `${workflowId}:p${p.seq}`,
          ...base,
          payee: p.payee,
          amountCents: p.amountCents,
          status: 'released',
          releasedAt: at,
          deliverableId: p.deliverableSeq == null ? null : `${workflowId}:d${p.deliverableSeq}`,
        },
      });
    }
    for (const e of step.evaluations ?? []) {
      const id = `${workflowId}:${e.kind}:${e.evaluatorId}`;
      await tx.evaluation.upsert({
        where: { id },
        update: {},
        create: {
          id,
          ...base,
          evaluatorId: e.evaluatorId,
          kind: e.kind,
          ratings: json(e.ratings),
          narrative: e.narrative,
          beneficiaries: e.beneficiaries ?? null,
          createdAt: at,
        },
      });
    }
    for (const [i, m] of (step.messages ?? []).entries()) {
      const id = `${workflowId}:${step.seq}:m${i}`;
      const side = messageSideOf(subject.programme, { role: m.authorRole }, {})?.key ?? m.authorRole;
      await tx.$executeRaw`INSERT INTO "Message" ("id", "workflowId", "subjectType", "subjectId", "authorId", "authorRole", "side", "body", "createdAt")
        VALUES (${id}, ${workflowId}, ${subject.type}, ${subject.id}, ${m.authorId}, ${m.authorRole}, ${side}, ${m.body}, ${at})
        ON CONFLICT ("id") DO NOTHING`;
      batch.audit.push({
        key: `${workflowId}:${step.seq}:message:${i}`,
        workflowId,
        subjectType: subject.type,
        subjectId: subject.id,
        actorId: m.authorId,
        actorRole: m.authorRole,
        action: 'message_posted',
        data: { messageId: id, side },
        at,
      });
    }
    if (step.expertRating) {
      // One statement: two workflows rating the same expert at once both count (a read, then a
      // write of values computed from it, would lose one of them at READ COMMITTED).
      const { expertId, rating } = step.expertRating;
      await tx.$executeRaw`UPDATE "Expert" SET
          "rating" = round(((("rating" * "ratingCount") + ${rating}::float8) / ("ratingCount" + 1))::numeric, 2)::float8,
          "ratingCount" = "ratingCount" + 1, "assignmentsCount" = "assignmentsCount" + 1, "updatedAt" = ${now}
        WHERE "id" = ${expertId}`;
    }
  }

  /**
   * The steps, in order, each at most once: the StepLog rows of `<workflowId>:<seq>` (one
   * statement for all) say which were applied already. Recorded first, in the same transaction:
   * all of a step or none of it. Audit events and mails of the new steps are written together at
   * the end (nothing in a step reads them).
   */
  async function applyOnce(tx: Tx, steps: StepCommit[]): Promise<StepResult> {
    const out: StepResult = { applied: false, outboxKeys: [] };
    if (!steps.length) return out;
    const keyOf = (step: StepCommit) => `${step.workflowId}:${step.seq}`;
    const recorded = await tx.$queryRaw<{ key: string }[]>`INSERT INTO "StepLog" ("key", "workflowId", "appliedAt")
      VALUES ${Prisma.join(steps.map((step) => Prisma.sql`(${keyOf(step)}, ${step.workflowId}, ${new Date(step.at)})`))}
      ON CONFLICT ("key") DO NOTHING RETURNING "key"`;
    const fresh = new Set(recorded.map((r) => r.key));
    const batch: Batch = { audit: [], outbox: [] };
    for (const step of steps) {
      const key = keyOf(step);
      if (!fresh.has(key)) {
        const pending = await tx.outbox.findMany({
          where: { key: { startsWith: `${key}:` }, status: 'pending' },
          select: { key: true },
        });
        out.outboxKeys.push(...pending.map((o) => o.key));
        continue;
      }
      out.applied = true;
      await applyStep(tx, step, batch);
      if (step.notifications?.length) {
        const rows = await outboxRowsOf(tx, {
          workflowId: step.workflowId,
          step: step.seq,
          notifications: step.notifications,
          baseUrl: deps.baseUrl,
        });
        batch.outbox.push(...rows);
        out.outboxKeys.push(...rows.map((r) => r.key));
      }
    }
    await insertAuditEvents(tx, batch.audit);
    await insertOutboxRows(tx, batch.outbox);
    return out;
  }

  return {
    /**
     * The steps a workflow took between two waits, in order, in one transaction (the kernel runs
     * this as a local activity, or an ordinary one right after an Update was accepted). Each step is still applied at most once; `applied` is true when
     * any of them was new.
     */
    async commitSteps(input: { steps: StepCommit[] }): Promise<StepResult> {
      const result = await inTransaction(prisma, (tx) => applyOnce(tx, input.steps));
      const first = input.steps[0];
      deps.logger.debug(
        { workflowId: first?.workflowId, seqs: input.steps.map((s) => s.seq), applied: result.applied },
        'steps committed',
      );
      return result;
    },
  };
}
