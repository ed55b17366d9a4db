/**
 * Challenge Fund proposal lifecycle: one execution per proposal (`proposal-<id>`), from
 * intake to closed. Stages are entered through the shared Lifecycle kernel; each stage
 * function is re-entrant from `progress`, so the workflow can continue as new between steps.
 */
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { failedReasons } from '../domain/policy/findings';
import { validateScores, weightedScore, type RubricCriterion } from '../domain/policy/scoring';
import { trancheSchedule } from '../domain/policy/tranches';
import { addDays } from '../domain/calendar';
import { deadlineRulesInForce, type DeadlineSpec, type TaskDeadline } from '../domain/deadline-rules';
import {
  extensionRequestSchema,
  proposalChangesSchema,
  usdToCents,
  withBudgetTotals,
  type ProposalCreate,
  type ProposalData,
} from '../domain/schemas';
import { isTerminal, type Stage } from '../domain/stages';
import type { DeliverableRow } from '../domain/steps';
import type { DecisionProblem } from '../domain/tasks';
import {
  prepareAgreement as prepareAgreementStep,
  signatureProblems,
  stampSignedAgreement as stampSignedAgreementStep,
} from './agreement-steps';
import { Lifecycle, type Decision, type LifecycleState } from './lifecycle';
import {
  alignmentWithReview,
  endorsementWithRevisions,
  paidItems,
  PROGRAMME_ACTIVITY_OPTIONS,
  rejectWith,
  twoPartySignature,
  instalmentContract,
  type DraftContract,
} from './shared-steps';
import { FAILURE, requestExtensionUpdate, type DecideInput, type ExtensionRequestInput } from './messages';
import {
  callReviewersUpdate,
  callSelectionUpdate,
  proposalChangedSignal,
  PROPOSAL_CLOSED,
  type CallDeliveryResult,
  type CallSelectionInput,
} from './call-messages';

const proposalActivities = proxyActivities<Activities>(PROGRAMME_ACTIVITY_OPTIONS);

export interface ProposalWorkflowInput {
  proposalId: string;
  applicant: { userId: string; institutionId: string; institutionName: string };
  /** The proposal as submitted, its totals computed from its budget lines (domain/schemas.ts withBudgetTotals). */
  proposal: ProposalData;
  submittedAt: string;
  /** Tests: continue as new after this many steps in one run (production waits for Temporal's suggestion). */
  continueAsNewAfterSteps?: number;
  resume?: { lifecycle: LifecycleState; progress: ProposalProgress };
}

export interface ProposalProgress {
  proposal: ProposalData;
  rubric: RubricCriterion[];
  passMark: number;
  reviewers: string[];
  scores: Record<string, Record<string, number>>;
  weightedScore: number | null;
  passMarkMet: boolean | null;
  milestoneIndex: number;
  waitlisted: boolean;
  /** The workflow of the proposal's call when the call has a closing date: it assigns reviewers and selects. */
  callWorkflowId?: string | null;
  callReviewers?: string[];
  callDecision?: CallSelectionInput;
  callWaitlistDecision?: CallSelectionInput;
  /**
   * Call Updates applied, by update id, with their result: the server deduplicates an update id
   * within one run only, and this state survives continue-as-new, so a repeat gets the first answer.
   */
  appliedCallUpdates?: Record<string, CallDeliveryResult>;
  /** No-cost extensions asked for (absent in workflows started before them). */
  extensions?: ExtensionRecord[];
  /** Bumped when a milestone's date moves: a wait for a report to open starts over. */
  datesVersion?: number;
}

export interface ExtensionRecord {
  taskId: string;
  milestone: number;
  fromDate: string;
  newDueDate: string;
  reason: string;
  requestedBy: string;
  status: 'open' | 'approved' | 'rejected' | 'cancelled';
}

export async function proposalWorkflow(input: ProposalWorkflowInput): Promise<Stage> {
  const { applicant } = input;
  const progress: ProposalProgress = input.resume?.progress ?? {
    proposal: input.proposal,
    rubric: [],
    passMark: 60,
    reviewers: [],
    scores: {},
    weightedScore: null,
    passMarkMet: null,
    milestoneIndex: 0,
    waitlisted: false,
  };
  const p = () => progress.proposal;
  // The applicant side is the institution: any of its members works on these tasks and hears of the outcome.
  const applicantSide = { role: 'applicant', institutionId: applicant.institutionId } as const;

  const lc = new Lifecycle({
    programme: 'challenge_fund',
    subjectType: 'proposal',
    subjectId: input.proposalId,
    countryCode: input.proposal.countryCode,
    title: input.proposal.title,
    owner: applicantSide,
    resume: input.resume?.lifecycle,
    validateDecision: (task, d) => validateProposalDecision(task.kind, task.context ?? {}, d, progress),
    ownerInstitutionId: applicant.institutionId,
    // A reviewer's slot handed to another reviewer: the replacement counts as assigned.
    onReassign: (_task, from, to) => {
      progress.reviewers = progress.reviewers.map((r) => (r === from ? to : r));
    },
  });
  lc.install();
  installExtensions();
  installCallHandlers(progress, () => lc.stage);
  const { screenProposal, checkAlignment, validateReviewers, checkGrantPolicy } = lc.track({
    screenProposal: proposalActivities.screenProposal,
    checkAlignment: proposalActivities.checkAlignment,
    validateReviewers: proposalActivities.validateReviewers,
    checkGrantPolicy: proposalActivities.checkGrantPolicy,
  });
  // Tracked: a decision's answer comes once the workflow waits again (the drafted contract, the next task).
  const { prepareAgreement, stampSignedAgreement } = lc.track({
    prepareAgreement: prepareAgreementStep,
    stampSignedAgreement: stampSignedAgreementStep,
  });

  const screeningInput = () => ({
    proposalId: input.proposalId,
    callId: p().callId,
    institutionId: applicant.institutionId,
    countryCode: p().countryCode,
    requestedCents: usdToCents(p().requestedAmountUsd),
    coFinancingCents: usdToCents(p().coFinancingUsd),
    durationMonths: p().durationMonths,
    localPartnerEvidence: p().nationalPartner.demandEvidence,
    submittedAt: input.submittedAt,
    budget: p().budget,
    milestoneDueDates: p().milestones.map((m) => m.dueDate),
  });
  const reject = rejectWith(lc);

  /** Eligibility screening; true when the proposal may go on. */
  async function screen(): Promise<boolean> {
    const screening = await screenProposal(screeningInput());
    if (screening.call) {
      progress.rubric = screening.call.rubric;
      progress.passMark = screening.call.passMark;
      if (screening.call.callWorkflowId) progress.callWorkflowId = screening.call.callWorkflowId;
    }
    if (screening.policy.outcome === 'fail') {
      await reject('ineligible', screening.policy, undefined, undefined, failedReasons(screening.policy.findings));
      return false;
    }
    await lc.commit({
      patch: { findings: screening.policy },
      audit: [{ action: 'eligibility_screened', actorRole: 'system', data: { outcome: screening.policy.outcome } }],
    });
    return true;
  }

  async function intake(): Promise<void> {
    if (lc.state.seq === 0) {
      await lc.commit({
        stage: { from: null, to: 'intake' },
        create: {
          callId: p().callId,
          institutionId: applicant.institutionId,
          applicantId: applicant.userId,
          summary: p().summary,
          nationalPartner: p().nationalPartner,
          sdgs: p().sdgs,
          thematicAreaId: p().thematicAreaId,
          budget: p().budget,
          requestedAmountCents: usdToCents(p().requestedAmountUsd),
          coFinancingCents: usdToCents(p().coFinancingUsd),
          durationMonths: p().durationMonths,
          innovation: p().innovation,
          expectedResults: p().expectedResults,
          milestones: p().milestones,
        },
        audit: [{ action: 'submitted', actorId: applicant.userId, actorRole: 'applicant', toStage: 'intake' }],
      });
    }
    if (await screen()) await lc.transition('co_endorsement', { action: 'eligible' });
  }

  const endorsement = () =>
    endorsementWithRevisions(lc, {
      endorsement: () => ({ kind: 'co_endorsement', role: 'co_approver', countryCode: p().countryCode }),
      revision: (requestedChanges) => ({
        kind: 'revise',
        ...applicantSide,
        context: { requestedChanges },
      }),
      applyRevision: async (revision) => {
        const changes = proposalChangesSchema.parse(revision.data);
        // New budget lines bring their own totals (computed, never typed).
        const amounts = changes.budget ? withBudgetTotals({ budget: changes.budget }) : changes;
        progress.proposal = { ...progress.proposal, ...changes, ...pickTotals(amounts) };
        if (changes.title) lc.setTitle(changes.title);
        const { requestedAmountUsd, coFinancingUsd, ...sameFields } = { ...changes, ...pickTotals(amounts) };
        await lc.commit({
          patch: {
            ...sameFields,
            requestedAmountCents: requestedAmountUsd === undefined ? undefined : usdToCents(requestedAmountUsd),
            coFinancingCents: coFinancingUsd === undefined ? undefined : usdToCents(coFinancingUsd),
          },
          audit: [
            {
              action: 'resubmitted',
              actorId: revision.actor.userId,
              actorRole: 'applicant',
              data: { fields: Object.keys(changes) },
            },
          ],
        });
      },
      screen,
      reject,
    });

  async function alignment(): Promise<void> {
    const milestoneDates = p()
      .milestones.map((m) => m.dueDate)
      .sort();
    const check = await checkAlignment({
      countryCode: p().countryCode,
      sdgs: p().sdgs,
      thematicAreaId: p().thematicAreaId,
      startDate: input.submittedAt.slice(0, 10),
      endDate: milestoneDates[milestoneDates.length - 1],
    });
    await alignmentWithReview(lc, check, reject);
  }

  /**
   * One reviewer slot: a conflict-of-interest declaration (the proposal opens to the reviewer
   * only after "no conflict"), then the score; a conflict at either point asks the fund
   * manager for a replacement, who starts the slot over.
   */
  async function reviewSlot(initialReviewer: string): Promise<void> {
    let reviewer = initialReviewer;
    for (;;) {
      const coi = await lc.ask({
        kind: 'conflict_declaration',
        assigneeUserId: reviewer,
        role: 'reviewer',
        key: reviewer,
      });
      // Whoever decided holds the slot (the task may have been reassigned while open).
      reviewer = coi.actor.userId;
      let conflict: Decision | null = coi.decision === 'declare_conflict' ? coi : null;
      if (!conflict) {
        await lc.commit({ reviews: [{ reviewerId: reviewer, taskId: coi.taskId, coi: 'none' }] });
        const d = await lc.ask({
          kind: 'review_score',
          assigneeUserId: reviewer,
          role: 'reviewer',
          key: reviewer,
          context: { rubric: progress.rubric },
        });
        reviewer = d.actor.userId;
        if (d.decision === 'submit_score') {
          const scores = d.data.scores as Record<string, number>;
          progress.scores[reviewer] = scores;
          const total = weightedScore(progress.rubric, [scores]).total;
          await lc.commit({
            reviews: [{ reviewerId: reviewer, taskId: d.taskId, coi: 'none', scores, total, comment: d.comment }],
          });
          return;
        }
        conflict = d;
      }
      await lc.commit({
        reviews: [
          {
            reviewerId: reviewer,
            taskId: conflict.taskId,
            coi: 'conflict',
            comment: String(conflict.data.reason ?? ''),
          },
        ],
      });
      const replacement = await lc.ask(
        {
          kind: 'assign_reviewers',
          role: 'fund_manager',
          key: `replace-${reviewer}`,
          context: { replacing: reviewer, assigned: progress.reviewers },
        },
        (r) =>
          validateReviewers({
            institutionId: applicant.institutionId,
            reviewerIds: r.data.reviewerIds as string[],
            alreadyAssigned: progress.reviewers,
            expected: 1,
          }),
      );
      reviewer = (replacement.data.reviewerIds as string[])[0];
      progress.reviewers.push(reviewer);
    }
  }

  /** The reviewers score (each slot after its conflict declaration), then the weighted score is recorded. */
  async function review(reviewers: string[]): Promise<void> {
    progress.reviewers = [...reviewers];
    await Promise.all(reviewers.map((r) => reviewSlot(r)));
    const score = weightedScore(progress.rubric, Object.values(progress.scores));
    progress.weightedScore = score.total;
    progress.passMarkMet = score.total >= progress.passMark;
    await lc.commit({
      patch: { weightedScore: score.total, passMarkMet: progress.passMarkMet },
      audit: [
        {
          action: 'scored',
          actorRole: 'system',
          data: { weightedScore: score.total, passMark: progress.passMark, reviewers: score.reviewers },
        },
      ],
    });
  }

  /** Tells the call workflow that this proposal changed (it re-reads its proposals from the read model). */
  async function tellCall(): Promise<void> {
    if (!progress.callWorkflowId) return;
    await lc.flush();
    try {
      await getExternalWorkflowHandle(progress.callWorkflowId).signal(proposalChangedSignal, {
        proposalId: input.proposalId,
      });
    } catch {
      // The call has finished: nobody to tell.
    }
  }

  /** Waits for the call (or a withdrawal, which ends the proposal). */
  async function untilCall(ready: () => boolean): Promise<void> {
    await condition(() => ready() || lc.withdrawing);
    lc.throwIfWithdrawing();
  }

  /**
   * Selection in a call with a closing date: the call assigns the reviewers and, once every
   * proposal of the call is scored, issues one ranked selection; a waitlisted proposal then waits
   * for the call's later decision (selected when money frees up, or rejected when the call is archived).
   */
  async function callSelection(): Promise<void> {
    await tellCall();
    if (!progress.waitlisted) {
      if (progress.weightedScore === null) {
        await untilCall(() => progress.callReviewers !== undefined);
        await review(progress.callReviewers!);
        await tellCall();
      }
      await untilCall(() => progress.callDecision !== undefined);
      const d = progress.callDecision!;
      if (d.decision === 'reject') return reject('not_selected', null, d.justification, d.actor);
      if (d.decision === 'select')
        return lc.transition('contracting', {
          action: 'selected',
          actor: d.actor,
          comment: d.justification,
          data: { rank: d.rank },
          notifyOwner: true,
        });
      progress.waitlisted = true;
      await lc.commit({
        audit: [
          {
            action: 'waitlisted',
            actorId: d.actor.userId,
            actorRole: d.actor.role,
            comment: d.justification,
            data: { rank: d.rank },
          },
        ],
        notifications: [lc.ownerNotice('decision_outcome', { outcome: 'waitlisted', comment: d.justification })],
      });
    }
    await untilCall(() => progress.callWaitlistDecision !== undefined);
    const later = progress.callWaitlistDecision!;
    if (later.decision !== 'select') return reject('not_selected', null, later.justification, later.actor);
    await lc.transition('contracting', {
      action: 'selected_from_waitlist',
      actor: later.actor,
      comment: later.justification,
      notifyOwner: true,
    });
  }

  async function selection(): Promise<void> {
    if (progress.callWorkflowId) return callSelection();
    if (!progress.waitlisted) {
      if (progress.weightedScore === null) {
        const assign = await lc.ask({ kind: 'assign_reviewers', role: 'fund_manager' }, (d) =>
          validateReviewers({
            institutionId: applicant.institutionId,
            reviewerIds: d.data.reviewerIds as string[],
            alreadyAssigned: [],
            expected: 'at_least_2',
          }),
        );
        await review(assign.data.reviewerIds as string[]);
      }
      const context = {
        weightedScore: progress.weightedScore,
        passMark: progress.passMark,
        passMarkMet: progress.passMarkMet,
        scores: progress.scores,
      };
      const d = await lc.ask({ kind: 'selection_decision', role: 'fund_manager', context });
      if (d.decision === 'reject') return reject('not_selected', null, d.comment, d.actor);
      if (d.decision === 'select')
        return lc.transition('contracting', {
          action: 'selected',
          actor: d.actor,
          comment: justification(d),
          notifyOwner: true,
        });
      progress.waitlisted = true;
      await lc.commit({
        audit: [{ action: 'waitlisted', actorId: d.actor.userId, actorRole: d.actor.role, comment: d.comment }],
        notifications: [lc.ownerNotice('decision_outcome', { outcome: 'waitlisted', comment: d.comment })],
      });
    }
    const context = {
      weightedScore: progress.weightedScore,
      passMark: progress.passMark,
      passMarkMet: progress.passMarkMet,
      scores: progress.scores,
    };
    const later = await lc.ask({ kind: 'waitlist_review', role: 'fund_manager', context });
    if (later.decision === 'reject') return reject('not_selected', null, later.comment, later.actor);
    await lc.transition('contracting', {
      action: 'selected_from_waitlist',
      actor: later.actor,
      comment: justification(later),
      notifyOwner: true,
    });
  }

  async function contracting(): Promise<void> {
    const policy = await checkGrantPolicy({ ...screeningInput(), decisionDate: new Date().toISOString() });
    if (policy.outcome === 'fail')
      return reject('policy_failed', policy, undefined, undefined, failedReasons(policy.findings));
    let exceptionNote: string | null = null;
    if (policy.outcome === 'needs_approval') {
      const d = await lc.ask({
        kind: 'policy_exception',
        role: 'fund_manager',
        context: { findings: policy.findings.filter((f) => f.outcome !== 'pass') },
      });
      if (d.decision === 'reject') return reject('policy_exception_refused', policy, d.comment, d.actor);
      exceptionNote = String(d.data.justification);
    }
    const total = usdToCents(p().requestedAmountUsd);
    const amounts = trancheSchedule(total, p().milestones.length);
    const { tranches, deliverables, contract } = instalmentContract({
      kind: 'grant',
      partyName: applicant.institutionName,
      valueCents: total,
      items: p().milestones,
      amounts,
      policyFindings: policy,
      exceptionNote,
    });
    // The agreement as documents (EN, RU), shown to the signers: a signature names the bytes it signs.
    const agreementInput = {
      proposalId: input.proposalId,
      workflowId: workflowInfo().workflowId,
      tranches: p().milestones.map((m, i) => ({
        seq: i + 1,
        amountCents: amounts[i],
        milestone: m.title,
        dueDate: m.dueDate,
      })),
    };
    const prepared = await prepareAgreement(agreementInput);
    const agreement = { documents: prepared.documents };
    const signContext = { valueUsd: total / 100, tranches, agreement };
    const signature = await twoPartySignature(
      lc,
      contract,
      [
        {
          kind: 'contract_signature',
          ...applicantSide,
          key: 'applicant',
          context: signContext,
        },
        {
          kind: 'contract_signature',
          role: 'co_approver',
          countryCode: p().countryCode,
          key: 'co',
          context: signContext,
        },
      ],
      { extra: { deliverables } },
    );
    if (signature.declined) {
      const { declined } = signature;
      return lc.transition('cancelled', {
        action: 'signature_declined',
        actor: declined.actor,
        comment: declined.comment,
        notifyOwner: true,
        extra: { contract: { ...contract, status: 'declined' } },
      });
    }
    await stampSignedAgreement(
      { documentType: 'grant_agreement', ...agreementInput, date: prepared.date },
      signature.signatures,
    );
    await lc.transition('mission', {
      action: 'contract_signed',
      notifyOwner: true,
      extra: { contract: signature.signed },
    });
  }

  async function mission(): Promise<void> {
    const amounts = trancheSchedule(usdToCents(p().requestedAmountUsd), p().milestones.length);
    // Extensions asked before a continue-as-new are awaited again.
    for (const ext of progress.extensions ?? []) if (ext.status === 'open') extensionRuns.push(decideExtension(ext));
    const done = await paidItems(lc, {
      submissionDeadline: (i) => datedTask(() => ({ kind: 'milestone_report', dueDate: p().milestones[i].dueDate })),
      count: p().milestones.length,
      next: () => progress.milestoneIndex,
      advance: () => progress.milestoneIndex++,
      item: (i) => {
        const m = p().milestones[i];
        return {
          row: { seq: i + 1, title: m.title, dueDate: m.dueDate, amountCents: amounts[i], status: 'pending' },
          submission: {
            kind: 'progress_report',
            ...applicantSide,
            key: `m${i + 1}`,
            context: { milestone: m },
          },
          verification: (report) => ({
            kind: 'report_verification',
            role: 'co_approver',
            countryCode: p().countryCode,
            key: `m${i + 1}`,
            context: { milestone: m, report: report.data.report },
          }),
        };
      },
      payment: (i, row, v) => ({
        payee: applicant.institutionName,
        audit: {
          action: 'tranche_released',
          actorId: v.actor.userId,
          actorRole: v.actor.role,
          data: { milestone: i + 1, milestoneTitle: row.title, amountCents: row.amountCents },
        },
        notification: lc.ownerNotice('payment_released', {
          amountUsd: row.amountCents / 100,
          milestoneSeq: i + 1,
          milestoneTitle: row.title,
        }),
      }),
      shouldContinueAsNew: () => lc.shouldContinueAsNew(input.continueAsNewAfterSteps),
    });
    if (!done) return;
    const pending = (progress.extensions ?? []).filter((e) => e.status === 'open').map((e) => e.taskId);
    await lc.cancelTasks(pending, 'every milestone is accepted');
    await Promise.all(extensionRuns.splice(0));
    await lc.transition('evaluation', { action: 'implementation_completed' });
  }

  /**
   * The dates of a task that opens later (a report before its milestone's date): asked of the Clock,
   * then slept until it opens; asked again when a date moves meanwhile (a no-cost extension).
   */
  async function datedTask(spec: () => DeadlineSpec): Promise<TaskDeadline> {
    for (;;) {
      const version = progress.datesVersion ?? 0;
      const [deadline] = await lc.schedule([spec()]);
      const moved = () => (progress.datesVersion ?? 0) !== version;
      if (!moved() && (await lc.sleepUntil(deadline.timers.opensAt, moved))) return deadline;
    }
  }

  /** The proposal's end date: its last milestone's (contract end and final report follow it). */
  function endDate(): string {
    return p()
      .milestones.map((m) => m.dueDate)
      .sort()
      .at(-1)!;
  }

  // ---------- no-cost extensions ----------

  const extensionRuns: Promise<void>[] = [];

  function installExtensions(): void {
    setHandler(
      requestExtensionUpdate,
      async (req) => {
        lc.updateAccepted();
        const i = req.milestone - 1;
        const m = p().milestones[i];
        const ext: ExtensionRecord = {
          taskId: '',
          milestone: req.milestone,
          fromDate: m.dueDate,
          newDueDate: req.newDueDate,
          reason: req.reason.trim(),
          requestedBy: req.actor.userId,
          status: 'open',
        };
        (progress.extensions ??= []).push(ext);
        const [taskId] = await lc.openTasks(
          [
            {
              kind: 'extension_decision',
              role: 'co_approver',
              countryCode: p().countryCode,
              key: `m${req.milestone}`,
              context: { milestone: { ...m, seq: req.milestone }, newDueDate: req.newDueDate, reason: ext.reason },
            },
          ],
          {
            audit: [
              {
                action: 'extension_requested',
                actorId: req.actor.userId,
                actorRole: req.actor.role,
                comment: ext.reason,
                data: { milestone: req.milestone, fromDate: m.dueDate, toDate: req.newDueDate },
                requestId: req.requestId ?? null,
              },
            ],
          },
        );
        ext.taskId = taskId;
        extensionRuns.push(decideExtension(ext));
        await lc.flush();
        return { taskId };
      },
      { validator: (req) => validateExtension(req) },
    );
  }

  function validateExtension(req: ExtensionRequestInput): void {
    const refuse = (type: string, message: string, details?: unknown) => {
      throw ApplicationFailure.create({ type, message, nonRetryable: true, details: details ? [details] : undefined });
    };
    if (req.actor.role !== 'applicant' || req.actor.institutionId !== applicant.institutionId)
      refuse(FAILURE.forbidden, 'only the applicant institution may ask for a no-cost extension');
    if (lc.stage !== 'mission')
      refuse(FAILURE.notAllowedNow, `no extension in stage ${lc.stage}: only during implementation`);
    const parsed = extensionRequestSchema.safeParse({
      milestone: req.milestone,
      newDueDate: req.newDueDate,
      reason: req.reason,
    });
    if (!parsed.success) {
      const problems = parsed.error.issues.map((x) => ({ path: x.path.join('.'), message: x.message }));
      refuse(FAILURE.invalidDecision, problems.map((x) => `${x.path}: ${x.message}`).join('; '), problems);
    }
    const i = req.milestone - 1;
    const milestones = p().milestones;
    if (i >= milestones.length)
      refuse(FAILURE.invalidDecision, `milestone: the proposal has ${milestones.length} milestones`, [
        { path: 'milestone', message: `at most ${milestones.length}` },
      ]);
    if (i < progress.milestoneIndex) refuse(FAILURE.notAllowedNow, `milestone ${req.milestone} is already accepted`);
    if ((progress.extensions ?? []).some((e) => e.milestone === req.milestone && e.status === 'open'))
      refuse(FAILURE.notAllowedNow, `an extension of milestone ${req.milestone} awaits the Country Office's decision`);
    const current = milestones[i].dueDate;
    const today = new Date().toISOString().slice(0, 10);
    const max = addDays(current, deadlineRulesInForce(today).rules.maxExtensionDays);
    const next = milestones[i + 1]?.dueDate;
    const problem =
      req.newDueDate <= current
        ? `must be after the milestone's current date ${current}`
        : req.newDueDate > max
          ? `at most ${max} (${deadlineRulesInForce(today).rules.maxExtensionDays} days after ${current})`
          : next !== undefined && req.newDueDate > next
            ? `must not be after the next milestone's date ${next}`
            : null;
    if (problem) refuse(FAILURE.invalidDecision, `newDueDate: ${problem}`, [{ path: 'newDueDate', message: problem }]);
  }

  /** The Country Office decides; an approval moves the milestone, its report task's dates and timers. */
  async function decideExtension(ext: ExtensionRecord): Promise<void> {
    const d = await lc.awaitTask(ext.taskId);
    if (!d) {
      ext.status = 'cancelled';
      return;
    }
    const outcome = { milestone: ext.milestone, fromDate: ext.fromDate, toDate: ext.newDueDate };
    if (d.decision !== 'approve') {
      ext.status = 'rejected';
      await lc.commit({
        audit: [
          {
            action: 'extension_refused',
            actorId: d.actor.userId,
            actorRole: d.actor.role,
            comment: d.comment,
            data: outcome,
          },
        ],
        notifications: [lc.ownerNotice('decision_outcome', { outcome: 'extension_refused', comment: d.comment })],
      });
      return;
    }
    ext.status = 'approved';
    const i = ext.milestone - 1;
    progress.proposal = {
      ...progress.proposal,
      milestones: p().milestones.map((m, j) => (j === i ? { ...m, dueDate: ext.newDueDate } : m)),
    };
    progress.datesVersion = (progress.datesVersion ?? 0) + 1;
    await lc.commit({
      patch: { milestones: p().milestones },
      deliverableDates: [{ seq: ext.milestone, dueDate: ext.newDueDate }],
      audit: [
        {
          action: 'extension_approved',
          actorId: d.actor.userId,
          actorRole: d.actor.role,
          comment: d.comment,
          data: outcome,
        },
      ],
      notifications: [lc.ownerNotice('decision_outcome', { outcome: 'extension_approved', comment: d.comment })],
    });
    const open = lc.openTaskIds().find((id) => id.includes(`:progress_report:m${ext.milestone}:`));
    if (open) {
      const [deadline] = await lc.schedule([{ kind: 'milestone_report', dueDate: ext.newDueDate }]);
      await lc.retimeTask(open, deadline);
    }
  }

  async function evaluation(): Promise<void> {
    const finalReport = { kind: 'final_report', ...applicantSide } as const;
    const final = await lc.ask({
      ...finalReport,
      deadline: await datedTask(() => ({ kind: 'final_report', endDate: endDate() })),
    });
    const ids = await lc.openTasks([
      {
        kind: 'evaluation',
        role: 'co_approver',
        countryCode: p().countryCode,
        key: 'co',
        context: { finalReport: final.data.report },
      },
      { kind: 'evaluation', role: 'fund_manager', key: 'fm', context: { finalReport: final.data.report } },
    ]);
    const evaluations = await Promise.all(ids.map((id) => lc.awaitTask(id)));
    await lc.transition('closed', {
      action: 'evaluated',
      notifyOwner: true,
      extra: {
        evaluations: evaluations
          .filter((e): e is Decision => e !== null)
          .map((e) => ({
            evaluatorId: e.actor.userId,
            kind: `evaluation_${e.actor.role}`,
            ratings: e.data.ratings as Record<string, number>,
            narrative: String(e.data.narrative),
            beneficiaries:
              (e.data.beneficiaries as number | undefined) ??
              (final.data.beneficiariesReached as number | undefined) ??
              null,
          })),
      },
    });
  }

  const stage = await lc.runStages(
    { intake, co_endorsement: endorsement, alignment_check: alignment, selection, contracting, mission, evaluation },
    input.continueAsNewAfterSteps,
    () => continueAsNew<typeof proposalWorkflow>({ ...input, resume: { lifecycle: lc.state, progress } }),
  );
  await tellCall();
  return stage;
}

/**
 * The Updates a call workflow delivers (reviewers, selection): applied once per update id, a repeat
 * answered with the first result, "already decided" when another decision came first; a proposal
 * that has closed refuses them (ProposalClosed: the call stops delivering).
 */
function installCallHandlers(progress: ProposalProgress, stage: () => Stage): void {
  const applied = () => (progress.appliedCallUpdates ??= {});
  const refuseUnlessCallDriven = (updateId: string) => {
    if (applied()[updateId]) return;
    if (isTerminal(stage()))
      throw ApplicationFailure.create({
        type: PROPOSAL_CLOSED,
        message: `the proposal is ${stage()}`,
        nonRetryable: true,
      });
    if (!progress.callWorkflowId)
      throw ApplicationFailure.create({
        type: FAILURE.notAllowedNow,
        message: 'the proposal is selected on its own (its call has no closing date or no workflow)',
        nonRetryable: true,
      });
  };
  const once = (updateId: string, apply: () => boolean): CallDeliveryResult => {
    const prior = applied()[updateId];
    if (prior) return prior;
    const result: CallDeliveryResult = { outcome: apply() ? 'applied' : 'already_decided' };
    applied()[updateId] = result;
    return result;
  };
  setHandler(
    callReviewersUpdate,
    ({ updateId, reviewerIds }) =>
      once(updateId, () => {
        if (progress.callReviewers || progress.weightedScore !== null) return false;
        progress.callReviewers = reviewerIds;
        return true;
      }),
    { validator: ({ updateId }) => refuseUnlessCallDriven(updateId) },
  );
  setHandler(
    callSelectionUpdate,
    (selection) =>
      once(selection.updateId, () => {
        if (stage() !== 'selection') return false;
        if (selection.phase === 'waitlist') {
          if (progress.callDecision?.decision !== 'waitlist' || progress.callWaitlistDecision) return false;
          progress.callWaitlistDecision = selection;
        } else {
          if (progress.callDecision) return false;
          progress.callDecision = selection;
        }
        return true;
      }),
    { validator: ({ updateId }) => refuseUnlessCallDriven(updateId) },
  );
}

function pickTotals(o: { requestedAmountUsd?: number; coFinancingUsd?: number }) {
  return {
    ...(o.requestedAmountUsd === undefined ? {} : { requestedAmountUsd: o.requestedAmountUsd }),
    ...(o.coFinancingUsd === undefined ? {} : { coFinancingUsd: o.coFinancingUsd }),
  };
}

function justification(d: Decision): string | undefined {
  return (d.data.justification as string | undefined) ?? d.comment;
}

/** Proposal rules a decision must meet beyond its shape (pure: runs in the Update validator). */
function validateProposalDecision(
  kind: string,
  context: Record<string, unknown>,
  d: DecideInput,
  progress: ProposalProgress,
): DecisionProblem[] {
  const data = d.data ?? {};
  if (kind === 'revise') {
    const parsed = proposalChangesSchema.safeParse(data);
    if (!parsed.success)
      return parsed.error.issues.map((i) => ({ path: ['data', ...i.path].join('.'), message: i.message }));
    // A proposal with budget lines changes its amounts through its lines, never by typed totals.
    if (progress.proposal.budget && !parsed.data.budget)
      return (['requestedAmountUsd', 'coFinancingUsd'] as const)
        .filter((k) => parsed.data[k] !== undefined)
        .map((k) => ({
          path: `data.${k}`,
          message: 'this proposal has budget lines: change the lines (budget) instead',
        }));
    return [];
  }
  if (kind === 'contract_signature' && d.decision === 'sign') return signatureProblems(context, data);
  if (kind === 'review_score' && d.decision === 'submit_score') {
    return validateScores(progress.rubric, (data.scores ?? {}) as Record<string, unknown>).map((p) => ({
      path: `data.scores.${p.key}`,
      message: p.message,
    }));
  }
  if (
    (kind === 'selection_decision' || kind === 'waitlist_review') &&
    d.decision === 'select' &&
    context.passMarkMet === false &&
    !data.justification
  ) {
    return [
      {
        path: 'data.justification',
        message: `the weighted score ${String(context.weightedScore)} is below the pass mark ${String(context.passMark)}: a justification is required`,
      },
    ];
  }
  return [];
}
