import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { Prisma } from '../generated/prisma/client';
import { callSelectionMode, type CallProposal } from '../domain/calls';
import type { PoolReviewer } from '../domain/reviewer-assignment';
import { usdToCents } from '../domain/schemas';
import { inTransaction } from '../lib/db';
import {
  callReviewersUpdate,
  callSelectionUpdate,
  PROPOSAL_CLOSED,
  type CallDeliveryResult,
  type CallSelectionInput,
  type CallView,
} from '../workflows/call-messages';
import type { Clock } from '../lib/clock';
import type { ActivityDeps } from './deps';
import { deliverOutbox, insertOutboxRows, outboxRowsOf } from './notifications/outbox';

const json = (v: unknown) => v as Prisma.InputJsonValue;

/** Activities of the call workflow: its read model, its calendar, its proposals and the delivery of its decisions. */
export function createCallActivities(deps: ActivityDeps & { clock: Clock }) {
  const { prisma, clock } = deps;

  /** The calendar instant a call closes at: its closing day and time in its own time zone, by the Clock. */
  const closingInstant = (f: { countryCode: string; closesAt: string; closingTime: string; timeZone: string }) =>
    clock.instantOf(f.closesAt, { countryCode: f.countryCode, timeZone: f.timeZone }, f.closingTime);

  return {
    /**
     * Writes the call's row (fields, status, closing instant, progress) and its new history events
     * to the audit trail. Idempotent: the row is overwritten with the workflow's state, events are keyed by position.
     */
    async saveCall(input: { workflowId: string; createdById: string | null; view: CallView }): Promise<void> {
      const { view, workflowId } = input;
      const f = view.fields;
      const data = {
        workflowId,
        status: view.status,
        countryCode: f.countryCode,
        title: f.title,
        titleRu: f.titleRu ?? null,
        challengeStatement: f.challengeStatement,
        challengeStatementRu: f.challengeStatementRu ?? null,
        thematicAreaIds: json(f.thematicAreaIds),
        sdgs: json(f.sdgs),
        budgetEnvelopeCents: f.budgetEnvelopeUsd === undefined ? null : usdToCents(f.budgetEnvelopeUsd),
        minGrantCents: usdToCents(f.minGrantUsd),
        maxGrantCents: usdToCents(f.maxGrantUsd),
        coFinancingMinPct: f.coFinancingMinPct,
        maxDurationMonths: f.maxDurationMonths,
        requiredDocumentTypes: json(f.requiredDocumentTypes),
        rubric: json(f.rubric),
        passMark: f.passMark,
        reviewerPoolIds: json(f.reviewerPool),
        reviewersPerProposal: f.reviewersPerProposal,
        opensAt: new Date(`${f.opensAt}T00:00:00.000Z`),
        // A draft shows the instant it would close at; published, the one its timer runs to.
        closesAt: view.closesAt
          ? new Date(view.closesAt)
          : f.closesAt
            ? closingInstant({ ...f, closesAt: f.closesAt })
            : null,
        closesLocal: f.closesAt ? `${f.closesAt}T${f.closingTime}` : null,
        timeZone: f.timeZone,
        selectionMode: callSelectionMode(f),
        progress: json(view),
      };
      await inTransaction(prisma, async (tx) => {
        await tx.call.upsert({
          where: { id: view.callId },
          create: { id: view.callId, createdById: input.createdById, ...data },
          update: data,
        });
        await tx.auditEvent.createMany({
          data: view.history.map((e, i) => ({
            key: `${workflowId}:${i + 1}`,
            workflowId,
            subjectType: 'call',
            subjectId: view.callId,
            actorId: e.actorId,
            actorRole: e.actorId ? 'fund_manager' : 'system',
            action: e.action,
            data: e.data ? json(e.data) : undefined,
            at: new Date(e.at),
          })),
          skipDuplicates: true,
        });
      });
    },

    /** When a closed call's review starts by itself: 09:00 of the office's next working day. */
    async reviewAutoStartInstant(input: { countryCode: string }): Promise<string> {
      const office = await clock.office(input.countryCode);
      const day = await clock.addWorkingDays(clock.today(office), 1, office);
      return clock.instantOf(day, office, '09:00').toISOString();
    },

    /**
     * The calendar instant a call closes at (null: a rolling call). Its workflow's timer instant comes,
     * like every deadline's, from scheduleDeadlines (an `at` item).
     */
    async callClosingInstant(input: {
      countryCode: string;
      closesAt: string | null;
      closingTime: string;
      timeZone: string;
    }): Promise<string | null> {
      return input.closesAt === null ? null : closingInstant({ ...input, closesAt: input.closesAt }).toISOString();
    },

    /** The proposals submitted to a call, as the read model has them now. */
    async callProposals(input: { callId: string }): Promise<CallProposal[]> {
      const rows = await prisma.proposal.findMany({
        where: { callId: input.callId },
        select: {
          id: true,
          title: true,
          institutionId: true,
          stage: true,
          requestedAmountCents: true,
          weightedScore: true,
        },
        orderBy: { id: 'asc' },
      });
      return rows.map((r) => ({
        proposalId: r.id,
        title: r.title,
        institutionId: r.institutionId,
        stage: r.stage,
        requestedCents: r.requestedAmountCents,
        weightedScore: r.weightedScore,
      }));
    },

    /** The call's pool as active reviewer accounts with their institutions (others are left out). */
    async reviewerPool(input: { reviewerIds: string[] }): Promise<PoolReviewer[]> {
      const users = await prisma.user.findMany({
        where: { id: { in: input.reviewerIds }, role: 'reviewer', active: true },
        select: { id: true, institutionId: true },
      });
      return input.reviewerIds
        .map((id) => users.find((u) => u.id === id))
        .filter((u) => u !== undefined)
        .map((u) => ({ reviewerId: u.id, institutionId: u.institutionId }));
    },

    /**
     * Tells every applicant who holds a draft for the call that its deadline moved (one mail per
     * person and extension: the outbox key makes a retry send nothing twice).
     */
    async notifyCallExtended(input: {
      workflowId: string;
      step: string;
      callId: string;
      title: string;
      countryCode: string;
      closesAt: string;
    }): Promise<{ sent: number }> {
      const holders = await prisma.$queryRaw<{ userId: string }[]>`
        SELECT DISTINCT "userId" FROM "ProposalDraft" WHERE "callId" = ${input.callId}`;
      if (!holders.length) return { sent: 0 };
      const keys = await inTransaction(prisma, async (tx) => {
        const rows = await outboxRowsOf(tx, {
          workflowId: input.workflowId,
          step: input.step,
          baseUrl: deps.baseUrl,
          notifications: holders.map((h) => ({
            template: 'call_deadline_extended' as const,
            to: { userId: h.userId },
            data: {
              subjectType: 'proposal' as const,
              subjectId: input.callId,
              subjectTitle: input.title,
              countryCode: input.countryCode,
              dueAt: input.closesAt,
              url: `${deps.baseUrl.replace(/\/+$/, '')}/app/calls/${encodeURIComponent(input.callId)}`,
            },
          })),
        });
        await insertOutboxRows(tx, rows);
        return rows.map((r) => r.key);
      });
      const result = await deliverOutbox(
        prisma,
        deps.mailer,
        { keys },
        deps.logger.child({ activity: 'notifyCallExtended' }),
      );
      if (result.failed) throw new Error(`${result.failed} deadline mails not sent yet`);
      return { sent: result.sent };
    },

    /**
     * Delivers one call decision to a proposal workflow as an Update with a stable id: retried
     * until it answers; a repeat (this activity retried, the proposal continued as new) is answered
     * with the first result. A proposal that has closed refuses it: non-retryable `ProposalClosed`.
     */
    async deliverToProposal(
      input:
        | { proposalId: string; updateId: string; kind: 'reviewers'; reviewerIds: string[] }
        | { proposalId: string; updateId: string; kind: 'selection'; selection: Omit<CallSelectionInput, 'updateId'> },
    ): Promise<CallDeliveryResult> {
      const handle = Context.current().client.workflow.getHandle(`proposal-${input.proposalId}`);
      try {
        if (input.kind === 'reviewers')
          return await handle.executeUpdate(callReviewersUpdate, {
            args: [{ updateId: input.updateId, reviewerIds: input.reviewerIds }],
            updateId: input.updateId,
          });
        return await handle.executeUpdate(callSelectionUpdate, {
          args: [{ ...input.selection, updateId: input.updateId }],
          updateId: input.updateId,
        });
      } catch (err) {
        const closed =
          err instanceof WorkflowNotFoundError ||
          (err instanceof WorkflowUpdateFailedError &&
            err.cause instanceof ApplicationFailure &&
            err.cause.type === PROPOSAL_CLOSED) ||
          /workflow execution already completed/i.test(String((err as Error)?.message));
        if (closed) throw ApplicationFailure.nonRetryable(`proposal ${input.proposalId} has closed`, PROPOSAL_CLOSED);
        throw err;
      }
    },
  };
}
