import type { Prisma } from '../generated/prisma/client';
import { isTerminal } from '../domain/stages';
import type { StepCommit, StepResult, SubjectPatch, SubjectRef } from '../domain/steps';
import { enqueueNotifications } from './notifications/outbox';
import type { ActivityDeps } from './deps';

type Tx = Prisma.TransactionClient;

const json = (v: unknown): Prisma.InputJsonValue => (v ?? null) as Prisma.InputJsonValue;
const optionalJson = (v: unknown) => (v === undefined ? undefined : v === null ? (null as unknown as Prisma.InputJsonValue) : json(v));

function subjectData(patch: SubjectPatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = ['nationalPartner', 'sdgs', 'milestones', 'findings', 'shortlist'].includes(k) ? optionalJson(v) : v;
  }
  return out;
}

async function updateSubject(tx: Tx, subject: SubjectRef, data: Record<string, unknown>): Promise<void> {
  if (subject.type === 'proposal') await tx.proposal.update({ where: { id: subject.id }, data });
  else await tx.expertRequest.update({ where: { id: subject.id }, data });
}

/**
 * Applies one workflow step to the read model in one transaction. The StepLog row makes a
 * second run of the same step (activity retry, worker crash) a no-op that returns the same
 * outbox keys, so tasks, audit events, payments and mails are never duplicated.
 */
export function createReadModelActivities(deps: ActivityDeps) {
  const { prisma } = deps;

  async function applyStep(tx: Tx, step: StepCommit): Promise<void> {
    const { subject, workflowId, at: atIso } = step;
    const at = new Date(atIso);
    const base = { workflowId, subjectType: subject.type, subjectId: subject.id };

    if (step.createProposal) {
      const p = step.createProposal;
      await tx.proposal.upsert({
        where: { id: subject.id },
        update: {},
        create: {
          id: subject.id, workflowId, countryCode: subject.countryCode, title: subject.title,
          callId: p.callId, institutionId: p.institutionId, applicantId: p.applicantId, summary: p.summary,
          nationalPartner: json(p.nationalPartner), sdgs: json(p.sdgs), thematicAreaId: p.thematicAreaId,
          requestedAmountCents: p.requestedAmountCents, coFinancingCents: p.coFinancingCents, durationMonths: p.durationMonths,
          innovation: p.innovation, expectedResults: p.expectedResults, milestones: json(p.milestones),
          stage: step.stage?.to ?? 'intake', stageEnteredAt: at, createdAt: at,
        },
      });
    }
    if (step.createExpertRequest) {
      const r = step.createExpertRequest;
      await tx.expertRequest.upsert({
        where: { id: subject.id },
        update: {},
        create: {
          id: subject.id, workflowId, countryCode: subject.countryCode, title: subject.title,
          requesterId: r.requesterId, nationalPartner: json(r.nationalPartner), objectives: r.objectives,
          deliverables: json(r.deliverables), modality: r.modality, workingDays: r.workingDays,
          startDate: new Date(r.startDate), endDate: new Date(r.endDate), languages: json(r.languages),
          thematicAreaId: r.thematicAreaId, sdgs: json(r.sdgs), destination: r.destination ?? null,
          travelDays: r.travelDays ?? null, perDiemUsd: r.perDiemUsd ?? null, contractValueCents: r.contractValueCents,
          stage: step.stage?.to ?? 'intake', stageEnteredAt: at, createdAt: at,
        },
      });
    }

    const subjectUpdate: Record<string, unknown> = step.patch ? subjectData(step.patch) : {};
    if (step.stage && !(step.createProposal || step.createExpertRequest)) {
      subjectUpdate.stage = step.stage.to;
      subjectUpdate.stageEnteredAt = at;
      if (isTerminal(step.stage.to)) subjectUpdate.closedAt = at;
    }
    if (Object.keys(subjectUpdate).length) await updateSubject(tx, subject, subjectUpdate);

    for (const t of step.openTasks ?? []) {
      const row = {
        ...base, programme: subject.programme, countryCode: subject.countryCode, kind: t.kind, stage: t.stage, status: 'open',
        assigneeUserId: t.assigneeUserId ?? null, assigneeRole: t.assigneeRole, assigneeCountryCode: t.assigneeCountryCode ?? null,
        title: t.title, dueAt: t.dueAt ? new Date(t.dueAt) : null, remindAt: t.remindAt ? new Date(t.remindAt) : null,
        context: optionalJson(t.context ?? null), createdAt: at,
      };
      await tx.task.upsert({ where: { id: t.id }, update: {}, create: { id: t.id, ...row } });
    }
    for (const c of step.closeTasks ?? []) {
      await tx.task.update({
        where: { id: c.id },
        data: { status: c.status, decision: c.decision ?? null, comment: c.comment ?? null, data: optionalJson(c.data ?? null), decidedById: c.decidedById ?? null, decidedAt: at },
      });
    }
    for (const f of step.flagTasks ?? []) {
      await tx.task.update({
        where: { id: f.id },
        data: { ...(f.reminded ? { remindedAt: at } : {}), ...(f.overdue ? { overdue: true, escalatedAt: at } : {}) },
      });
    }
    const stepKey = `${workflowId}:${step.seq}`;
    if (step.audit?.length) {
      await tx.auditEvent.createMany({
        data: step.audit.map((a, i) => ({
          key: `${stepKey}:${i}`, workflowId, subjectType: subject.type, subjectId: subject.id,
          actorId: a.actorId ?? null, actorRole: a.actorRole ?? null, action: a.action,
          fromStage: a.fromStage ?? null, toStage: a.toStage ?? null, comment: a.comment ?? null,
          data: optionalJson(a.data ?? null), requestId: a.requestId ?? null, at,
        })),
      });
    }
    for (const r of step.reviews ?? []) {
      const data = { taskId: r.taskId, coi: r.coi, scores: optionalJson(r.scores ?? null), total: r.total ?? null, comment: r.comment ?? null, submittedAt: at };
      await tx.review.upsert({
        where: { proposalId_reviewerId: { proposalId: subject.id, reviewerId: r.reviewerId } },
        update: data,
        create: { id: `${workflowId}:${r.reviewerId}`, workflowId, proposalId: subject.id, reviewerId: r.reviewerId, ...data, createdAt: at },
      });
    }
    if (step.contract) {
      const c = step.contract;
      const data = {
        kind: c.kind, partyName: c.partyName, valueCents: c.valueCents, tranches: json(c.tranches), status: c.status,
        policyFindings: optionalJson(c.policyFindings ?? null), exceptionNote: c.exceptionNote ?? null,
        signatures: json(c.signatures), signedAt: c.status === 'signed' ? at : null,
      };
      await tx.contract.upsert({
        where: { workflowId },
        update: data,
        create: { id: `${workflowId}:contract`, workflowId, subjectType: subject.type, subjectId: subject.id, ...data, createdAt: at },
      });
    }
    for (const d of step.deliverables ?? []) {
      const data = {
        title: d.title, dueDate: new Date(d.dueDate), amountCents: d.amountCents, status: d.status, report: d.report ?? undefined,
        ...(d.status === 'submitted' ? { submittedAt: at } : {}), ...(d.status === 'accepted' ? { acceptedAt: at } : {}),
      };
      await tx.deliverable.upsert({
        where: { workflowId_seq: { workflowId, seq: d.seq } },
        update: data,
        create: { id: `${workflowId}:d${d.seq}`, ...base, seq: d.seq, ...data },
      });
    }
    for (const p of step.payments ?? []) {
      await tx.payment.upsert({
        where: { id: `${workflowId}:p${p.seq}` },
        update: {},
        create: {
          id: `${workflowId}:p${p.seq}`, ...base, payee: p.payee, amountCents: p.amountCents, status: 'released', releasedAt: at,
          deliverableId: p.deliverableSeq == null ? null : `${workflowId}:d${p.deliverableSeq}`,
        },
      });
    }
    for (const e of step.evaluations ?? []) {
      const id = `${workflowId}:${e.kind}:${e.evaluatorId}`;
      await tx.evaluation.upsert({
        where: { id },
        update: {},
        create: { id, ...base, evaluatorId: e.evaluatorId, kind: e.kind, ratings: json(e.ratings), narrative: e.narrative, beneficiaries: e.beneficiaries ?? null, createdAt: at },
      });
    }
    if (step.expertRating) {
      const expert = await tx.expert.findUnique({ where: { id: step.expertRating.expertId } });
      if (expert) {
        const count = expert.ratingCount + 1;
        await tx.expert.update({
          where: { id: expert.id },
          data: {
            rating: Math.round(((expert.rating * expert.ratingCount + step.expertRating.rating) / count) * 100) / 100,
            ratingCount: count,
            assignmentsCount: expert.assignmentsCount + 1,
          },
        });
      }
    }
  }

  /** One step, once: the StepLog row of `<workflowId>:<seq>` says whether it was applied already. */
  async function applyOnce(tx: Tx, step: StepCommit): Promise<StepResult> {
    const key = `${step.workflowId}:${step.seq}`;
    const already = await tx.stepLog.findUnique({ where: { key } });
    if (already) {
      const pending = await tx.outbox.findMany({ where: { key: { startsWith: `${key}:` }, status: 'pending' }, select: { key: true } });
      return { applied: false, outboxKeys: pending.map((o) => o.key) };
    }
    await applyStep(tx, step);
    await tx.stepLog.create({ data: { key, workflowId: step.workflowId, appliedAt: new Date(step.at) } });
    const outboxKeys = step.notifications?.length
      ? await enqueueNotifications(tx, { workflowId: step.workflowId, step: step.seq, notifications: step.notifications, baseUrl: deps.baseUrl })
      : [];
    return { applied: true, outboxKeys };
  }

  return {
    async commitStep(step: StepCommit): Promise<StepResult> {
      const result = await prisma.$transaction((tx) => applyOnce(tx, step));
      deps.logger.debug({ workflowId: step.workflowId, seq: step.seq, applied: result.applied, stage: step.stage?.to }, 'step committed');
      return result;
    },

    /**
     * The steps a workflow took between two waits, in order, in one transaction (the kernel runs
     * this as a local activity). Each step is still applied at most once; `applied` is true when
     * any of them was new.
     */
    async commitSteps(input: { steps: StepCommit[] }): Promise<StepResult> {
      const result = await prisma.$transaction(async (tx) => {
        const out: StepResult = { applied: false, outboxKeys: [] };
        for (const step of input.steps) {
          const r = await applyOnce(tx, step);
          out.applied ||= r.applied;
          out.outboxKeys.push(...r.outboxKeys);
        }
        return out;
      });
      const first = input.steps[0];
      deps.logger.debug({ workflowId: first?.workflowId, seqs: input.steps.map((s) => s.seq), applied: result.applied }, 'steps committed');
      return result;
    },
  };
}
