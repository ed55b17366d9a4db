/**
 * Challenge Fund proposal lifecycle: one execution per proposal (`proposal-<id>`), from
 * intake to closed. Stages are entered through the shared Lifecycle kernel; each stage
 * function is re-entrant from `progress`, so the workflow can continue as new between steps.
 */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { failedReasons } from '../domain/policy/findings';
import { validateScores, weightedScore, type RubricCriterion } from '../domain/policy/scoring';
import { trancheSchedule } from '../domain/policy/tranches';
import { proposalChangesSchema, usdToCents, type ProposalCreate } from '../domain/schemas';
import type { Stage } from '../domain/stages';
import type { DeliverableRow } from '../domain/steps';
import type { DecisionProblem, SlaSettings } from '../domain/tasks';
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
  type DraftContract,
} from './shared-steps';
import type { DecideInput } from './messages';

const proposalActivities = proxyActivities<Activities>(PROGRAMME_ACTIVITY_OPTIONS);

export interface ProposalWorkflowInput {
  proposalId: string;
  applicant: { userId: string; institutionId: string; institutionName: string };
  proposal: ProposalCreate;
  submittedAt: string;
  sla: SlaSettings;
  /** Tests: continue as new after this many steps in one run (production waits for Temporal's suggestion). */
  continueAsNewAfterSteps?: number;
  resume?: { lifecycle: LifecycleState; progress: ProposalProgress };
}

export interface ProposalProgress {
  proposal: ProposalCreate;
  rubric: RubricCriterion[];
  passMark: number;
  reviewers: string[];
  scores: Record<string, Record<string, number>>;
  weightedScore: number | null;
  passMarkMet: boolean | null;
  milestoneIndex: number;
  waitlisted: boolean;
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

  const lc = new Lifecycle({
    programme: 'challenge_fund',
    subjectType: 'proposal',
    subjectId: input.proposalId,
    countryCode: input.proposal.countryCode,
    title: input.proposal.title,
    sla: input.sla,
    owner: { userId: applicant.userId },
    resume: input.resume?.lifecycle,
    validateDecision: (task, d) => validateProposalDecision(task.kind, task.context ?? {}, d, progress),
    ownerInstitutionId: applicant.institutionId,
  });
  lc.install();
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
  });
  const reject = rejectWith(lc);

  /** Eligibility screening; true when the proposal may go on. */
  async function screen(): Promise<boolean> {
    const screening = await screenProposal(screeningInput());
    if (screening.call) {
      progress.rubric = screening.call.rubric;
      progress.passMark = screening.call.passMark;
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
        assigneeUserId: applicant.userId,
        context: { requestedChanges },
      }),
      applyRevision: async (revision) => {
        const changes = proposalChangesSchema.parse(revision.data);
        progress.proposal = { ...progress.proposal, ...changes };
        if (changes.title) lc.setTitle(changes.title);
        const { requestedAmountUsd, coFinancingUsd, ...sameFields } = changes;
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

  async function selection(): Promise<void> {
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
        const reviewers = assign.data.reviewerIds as string[];
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
    const tranches = p().milestones.map((m, i) => ({
      seq: i + 1,
      pct: Math.round((amounts[i] / total) * 100),
      amountCents: amounts[i],
      milestone: m.title,
    }));
    const deliverables: DeliverableRow[] = p().milestones.map((m, i) => ({
      seq: i + 1,
      title: m.title,
      dueDate: m.dueDate,
      amountCents: amounts[i],
      status: 'pending',
    }));
    const contract: DraftContract = {
      kind: 'grant',
      partyName: applicant.institutionName,
      valueCents: total,
      tranches,
      policyFindings: policy,
      exceptionNote,
      signatures: {},
    };
    // The agreement as documents (EN, RU), shown to the signers: a signature names the bytes it signs.
    const agreementInput = {
      proposalId: input.proposalId,
      workflowId: workflowInfo().workflowId,
      date: new Date().toISOString(),
      tranches: p().milestones.map((m, i) => ({
        seq: i + 1,
        amountCents: amounts[i],
        milestone: m.title,
        dueDate: m.dueDate,
      })),
    };
    const agreement = await prepareAgreement(agreementInput);
    const signContext = { valueUsd: total / 100, tranches, agreement };
    const signature = await twoPartySignature(
      lc,
      contract,
      [
        {
          kind: 'contract_signature',
          assigneeUserId: applicant.userId,
          role: 'applicant',
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
    const signatures = signature.signatures.map((d) => ({
      userId: d.actor.userId,
      role: d.actor.role,
      at: new Date().toISOString(),
      documentSha256: String(d.data.documentSha256),
      statement: String(d.data.statement),
    }));
    await stampSignedAgreement({ ...agreementInput, signatures });
    await lc.transition('mission', {
      action: 'contract_signed',
      notifyOwner: true,
      extra: { contract: signature.signed },
    });
  }

  async function mission(): Promise<void> {
    const amounts = trancheSchedule(usdToCents(p().requestedAmountUsd), p().milestones.length);
    const done = await paidItems(lc, {
      count: p().milestones.length,
      next: () => progress.milestoneIndex,
      advance: () => progress.milestoneIndex++,
      item: (i) => {
        const m = p().milestones[i];
        return {
          row: { seq: i + 1, title: m.title, dueDate: m.dueDate, amountCents: amounts[i], status: 'pending' },
          submission: {
            kind: 'progress_report',
            assigneeUserId: applicant.userId,
            role: 'applicant',
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
    if (done) await lc.transition('evaluation', { action: 'implementation_completed' });
  }

  async function evaluation(): Promise<void> {
    const final = await lc.ask({ kind: 'final_report', assigneeUserId: applicant.userId, role: 'applicant' });
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

  return lc.runStages(
    { intake, co_endorsement: endorsement, alignment_check: alignment, selection, contracting, mission, evaluation },
    input.continueAsNewAfterSteps,
    () => continueAsNew<typeof proposalWorkflow>({ ...input, resume: { lifecycle: lc.state, progress } }),
  );
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
    return parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ path: ['data', ...i.path].join('.'), message: i.message }));
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
