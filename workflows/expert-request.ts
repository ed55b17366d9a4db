/**
 * Experts-on-Demand request lifecycle: one execution per request (`expert-request-<id>`), from
 * the CO's registration to closed. Built on the shared Lifecycle kernel like the proposal
 * workflow; each stage function is re-entrant from `progress`, so the workflow can continue as
 * new at stage boundaries (and between deliverables).
 *
 * Decisions recorded here (see also domain/matching.ts):
 * - Endorsement: any co_approver of the country except the requester (kernel excludeUserIds).
 *   Request changes sends a `revise` task to the requester; a resubmission must pass the full
 *   create schema once merged, and is screened again before the next endorsement.
 * - Selection: an empty shortlist confirmed by the fund manager, no acceptance, or the CO
 *   rejecting every candidate ends in `cancelled` (the request was sound but cannot be staffed),
 *   with outcome no_candidate / candidates_rejected. The selection rules of the rule set in force
 *   when the candidate_selection task opens are pinned in its context and checked synchronously
 *   by the Update validator; contracting re-checks the contract with the rule set in force then.
 *   An expert may accept several invitations: selecting one who has meanwhile been contracted for
 *   overlapping dates is refused (a check against the read model at decision time).
 * - Contracting: every needs_approval finding (in practice the daily fee above the threshold)
 *   goes to the fund manager's `fee_approval` task; its justification is the contract's
 *   exception note. The individual contract is generated (EN, RU) and each signer names the
 *   SHA-256 of the version read and confirms its statement (the validator refuses anything else);
 *   once both signed, a stamped version is stored, as for the grant agreement (agreement-steps.ts).
 * - Withdrawal: any co_approver of the request's country (the request belongs to the Country
 *   Office, not to one person), up to and including contracting; a draft contract is voided.
 */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ShortlistEntry } from '../activities/expert-request';
import { candidateSelectionProblems, dailyBudgetCents, type SelectionPolicy } from '../domain/matching';
import {
  applyRequestChanges,
  expertRequestChangesSchema,
  expertRequestRowInit,
  requestChangesPatch,
  requestFindings,
  resubmissionProblems,
} from '../domain/expert-request';
import { failedReasons } from '../domain/policy/findings';
import { usdToCents, type ExpertRequestCreate } from '../domain/schemas';
import type { Stage } from '../domain/stages';
import type { DeliverableRow } from '../domain/steps';
import type { DecisionProblem } from '../domain/tasks';
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
import type { DecideInput } from './messages';
import {
  prepareIndividualContract as prepareIndividualContractStep,
  signatureProblems,
  stampSignedAgreement as stampSignedAgreementStep,
} from './agreement-steps';

const expertActivities = proxyActivities<Activities>(PROGRAMME_ACTIVITY_OPTIONS);

export interface ExpertRequestWorkflowInput {
  requestId: string;
  /** The CO user who registered the request. */
  requester: { userId: string; countryCode: string };
  request: ExpertRequestCreate;
  submittedAt: string;
  /** Tests: continue as new after this many steps in one run (production waits for Temporal's suggestion). */
  continueAsNewAfterSteps?: number;
  resume?: { lifecycle: LifecycleState; progress: ExpertRequestProgress };
}

export interface SelectedExpert extends ShortlistEntry {
  candidatesCompared: number;
  justification: string | null;
}

export interface ExpertRequestProgress {
  request: ExpertRequestCreate;
  dsaRateCents: number | null;
  shortlist: ShortlistEntry[];
  /** Pinned when the candidate_selection task opens; read by the Update validator. */
  selection: { policy: SelectionPolicy; accepted: string[] } | null;
  selected: SelectedExpert | null;
  deliverableIndex: number;
}

const SHORTLIST_SIZE = 5;

// ---------- the workflow ----------

export async function expertRequestWorkflow(input: ExpertRequestWorkflowInput): Promise<Stage> {
  const { requester } = input;
  const progress: ExpertRequestProgress = input.resume?.progress ?? {
    request: input.request,
    dsaRateCents: null,
    shortlist: [],
    selection: null,
    selected: null,
    deliverableIndex: 0,
  };
  const req = () => progress.request;
  const countryCode = String(input.request.countryCode ?? requester.countryCode);

  const lc = new Lifecycle({
    programme: 'experts_on_demand',
    subjectType: 'expert_request',
    subjectId: input.requestId,
    countryCode,
    title: String(input.request.title ?? 'Expert request'),
    owner: { userId: requester.userId },
    resume: input.resume?.lifecycle,
    validateDecision: (task, d) => validateExpertRequestDecision(task.kind, task.context ?? {}, d, progress),
  });
  lc.install();
  const {
    screenExpertRequest,
    checkAlignment,
    matchExperts,
    scoreShortlist,
    selectionPolicy,
    expertBookingProblems,
    checkExpertContract,
  } = lc.track({
    screenExpertRequest: expertActivities.screenExpertRequest,
    checkAlignment: expertActivities.checkAlignment,
    matchExperts: expertActivities.matchExperts,
    scoreShortlist: expertActivities.scoreShortlist,
    selectionPolicy: expertActivities.selectionPolicy,
    expertBookingProblems: expertActivities.expertBookingProblems,
    checkExpertContract: expertActivities.checkExpertContract,
  });
  const { prepareIndividualContract, stampSignedAgreement } = lc.track({
    prepareIndividualContract: prepareIndividualContractStep,
    stampSignedAgreement: stampSignedAgreementStep,
  });

  const reject = rejectWith(lc);
  const cancelWith = (
    action: string,
    comment?: string,
    actor?: Decision['actor'],
    data?: Record<string, unknown>,
    extra: Parameters<typeof lc.transition>[1]['extra'] = {},
  ) =>
    lc.transition('cancelled', {
      action,
      actor,
      comment,
      data,
      notifyOwner: true,
      extra: { ...extra, patch: { ...extra.patch, outcome: action } },
    });

  const contractValueCents = () => usdToCents(req().contractValueUsd);
  const summary = () => ({
    title: req().title,
    objectives: req().objectives,
    modality: req().modality,
    workingDays: req().workingDays,
    startDate: req().startDate,
    endDate: req().endDate,
    languages: req().languages,
    thematicAreaId: req().thematicAreaId,
    sdgs: req().sdgs,
    contractValueUsd: req().contractValueUsd,
    deliverables: req().deliverables,
    destination: req().destination ?? null,
    travelDays: req().travelDays ?? null,
  });
  const travel = () => ({
    modality: req().modality,
    destination: req().destination ?? null,
    travelDays: req().travelDays ?? null,
    perDiemUsd: req().perDiemUsd ?? null,
    dsaRateCents: progress.dsaRateCents,
  });

  /** Country open to the programme, thematic area known; records the DSA rate. True when the request may go on. */
  async function screen(): Promise<boolean> {
    const screening = await screenExpertRequest({
      requestId: input.requestId,
      countryCode,
      thematicAreaId: req().thematicAreaId,
      modality: req().modality,
    });
    progress.dsaRateCents = screening.dsaRateCents;
    if (screening.outcome === 'fail') {
      await reject('ineligible', screening, undefined, undefined, failedReasons(screening.findings));
      return false;
    }
    const dsaPatch = screening.dsaRateCents === null ? {} : { dailySubsistenceUsd: screening.dsaRateCents / 100 };
    await lc.commit({
      patch: { findings: screening, ...dsaPatch },
      audit: [
        {
          action: 'request_screened',
          actorRole: 'system',
          data: { outcome: screening.outcome, dsaRateCents: screening.dsaRateCents },
        },
      ],
    });
    return true;
  }

  async function intake(): Promise<void> {
    if (lc.state.seq === 0) {
      await lc.commit({
        stage: { from: null, to: 'intake' },
        create: expertRequestRowInit(input.request, requester.userId, input.submittedAt),
        audit: [{ action: 'registered', actorId: requester.userId, actorRole: 'co_approver', toStage: 'intake' }],
      });
    }
    const findings = requestFindings(input.request, requester.countryCode);
    if (findings.some((f) => f.outcome === 'fail')) {
      return reject(
        'invalid_request',
        { outcome: 'fail', findings, ruleSetId: null },
        undefined,
        undefined,
        failedReasons(findings),
      );
    }
    if (await screen()) await lc.transition('co_endorsement', { action: 'validated' });
  }

  const endorsement = () =>
    endorsementWithRevisions(lc, {
      endorsement: () => ({
        kind: 'co_endorsement',
        role: 'co_approver',
        countryCode,
        excludeUserIds: [requester.userId],
        context: { request: summary(), requesterId: requester.userId },
      }),
      revision: (requestedChanges) => ({
        kind: 'revise',
        assigneeUserId: requester.userId,
        role: 'co_approver',
        context: { requestedChanges, request: summary() },
      }),
      applyRevision: async (revision) => {
        const changes = expertRequestChangesSchema.parse(revision.data);
        progress.request = applyRequestChanges(progress.request, changes);
        if (changes.title) lc.setTitle(changes.title);
        await lc.commit({
          patch: requestChangesPatch(changes),
          audit: [
            {
              action: 'resubmitted',
              actorId: revision.actor.userId,
              actorRole: revision.actor.role,
              data: { fields: Object.keys(changes) },
            },
          ],
        });
      },
      screen,
      reject,
    });

  async function alignment(): Promise<void> {
    const check = await checkAlignment({
      countryCode,
      sdgs: req().sdgs,
      thematicAreaId: req().thematicAreaId,
      startDate: req().startDate,
      endDate: req().endDate,
    });
    await alignmentWithReview(lc, check, reject);
  }

  const criteria = () => ({
    requestId: input.requestId,
    thematicAreaId: req().thematicAreaId,
    sdgs: req().sdgs,
    languages: req().languages,
    startDate: req().startDate,
    endDate: req().endDate,
    countryCode,
    maxDailyFeeCents: dailyBudgetCents(contractValueCents(), req().workingDays),
    limit: SHORTLIST_SIZE,
  });

  async function selection(): Promise<void> {
    // 1. Roster matching proposes; the fund manager confirms or writes the shortlist.
    const match = await matchExperts(criteria());
    progress.shortlist = match.shortlist;
    await lc.commit({
      patch: { shortlist: progress.shortlist },
      audit: [
        {
          action: 'shortlist_proposed',
          actorRole: 'system',
          data: {
            expertIds: progress.shortlist.map((e) => e.expertId),
            eligibleCount: match.eligibleCount,
            skipped: match.skipped,
          },
        },
      ],
    });
    const edited: { shortlist?: ShortlistEntry[] } = {};
    const review = await lc.ask(
      {
        kind: 'shortlist_review',
        role: 'fund_manager',
        context: { shortlist: progress.shortlist, criteria: criteria(), eligibleCount: match.eligibleCount },
      },
      async (d) => {
        if (d.decision !== 'edit') return [];
        const scored = await scoreShortlist({ ...criteria(), expertIds: d.data.expertIds as string[] });
        if (!scored.problems.length) edited.shortlist = scored.shortlist;
        return scored.problems;
      },
    );
    if (review.decision === 'edit' && edited.shortlist) {
      progress.shortlist = edited.shortlist;
      await lc.commit({
        patch: { shortlist: progress.shortlist },
        audit: [
          {
            action: 'shortlist_edited',
            actorId: review.actor.userId,
            actorRole: review.actor.role,
            comment: review.comment ?? null,
            data: { expertIds: progress.shortlist.map((e) => e.expertId) },
          },
        ],
      });
    }
    if (!progress.shortlist.length) return cancelWith('no_candidate', 'no expert on the shortlist', review.actor);

    // 2. Invitations, in parallel; each expires on its SLA.
    const ids = await lc.openTasks(
      progress.shortlist.map((e) => ({
        kind: 'invitation_response' as const,
        assigneeUserId: e.userId,
        role: 'expert' as const,
        key: e.expertId,
        context: { request: summary(), countryCode, score: e.score, breakdown: e.breakdown },
      })),
    );
    const answers = await Promise.all(ids.map((id) => lc.awaitTask(id)));
    const answered = (decision: string) => progress.shortlist.filter((_, i) => answers[i]?.decision === decision);
    const accepted = answered('accept');
    const outcome = {
      accepted: accepted.map((e) => e.expertId),
      declined: answered('decline').map((e) => e.expertId),
      expired: answered('expired').map((e) => e.expertId),
    };
    if (!accepted.length) return cancelWith('no_candidate', 'no invited expert accepted', undefined, outcome);
    await lc.commit({ audit: [{ action: 'invitations_closed', actorRole: 'system', data: outcome }] });

    // 3. The CO compares the candidates and selects one (policy pinned in the task context).
    const policy = await selectionPolicy({ decisionDate: new Date().toISOString() });
    progress.selection = { policy, accepted: outcome.accepted };
    const competitive = accepted.length >= policy.minCandidatesCompeting;
    // An expert may have accepted several invitations: refuse one contracted elsewhere meanwhile.
    const notDoubleBooked = (c: Decision) =>
      c.decision === 'select'
        ? expertBookingProblems({
            requestId: input.requestId,
            expertId: (c.data.expertIds as string[])[0],
            startDate: req().startDate,
            endDate: req().endDate,
          })
        : Promise.resolve([]);
    const d = await lc.ask(
      {
        kind: 'candidate_selection',
        role: 'co_approver',
        countryCode,
        context: {
          candidates: accepted.map(({ expertId, name, dailyFeeCents, rating, score, breakdown, warnings }) => ({
            expertId,
            name,
            dailyFeeCents,
            rating,
            score,
            breakdown,
            warnings: warnings ?? [],
          })),
          declined: outcome.declined,
          expired: outcome.expired,
          contractValueCents: contractValueCents(),
          policy,
          competitive,
          selectable: competitive || contractValueCents() <= policy.directContractingLimitCents,
          justificationRequired: !competitive,
        },
      },
      notDoubleBooked,
    );
    if (d.decision === 'reject') return cancelWith('candidates_rejected', d.comment, d.actor, outcome);
    const chosen = accepted.find((e) => e.expertId === (d.data.expertIds as string[])[0])!;
    const justification = (d.data.justification as string | undefined) ?? null;
    progress.selected = { ...chosen, candidatesCompared: accepted.length, justification };
    await lc.transition('contracting', {
      action: 'expert_selected',
      actor: d.actor,
      comment: justification ?? d.comment,
      data: {
        expertId: chosen.expertId,
        candidatesCompared: accepted.length,
        competitive,
        ruleSetId: policy.ruleSetId,
        justification,
      },
      notifyOwner: true,
      extra: { patch: { selectedExpertId: chosen.expertId } },
    });
  }

  async function contracting(): Promise<void> {
    const expert = progress.selected!;
    const r = req();
    const value = contractValueCents();
    const amounts = r.deliverables.map((d) => usdToCents(d.amountUsd));
    const check = await checkExpertContract({
      requestId: input.requestId,
      countryCode,
      decisionDate: new Date().toISOString(),
      contractValueCents: value,
      deliverableAmountsCents: amounts,
      candidatesCompared: expert.candidatesCompared,
      dailyFeeCents: expert.dailyFeeCents,
      workingDays: r.workingDays,
      modality: r.modality,
      perDiemUsd: r.perDiemUsd ?? null,
    });
    const policy = check.policy;
    if (check.dsaRateCents !== null) progress.dsaRateCents = check.dsaRateCents;
    if (policy.outcome === 'fail')
      return reject('policy_failed', policy, undefined, undefined, failedReasons(policy.findings));
    let exceptionNote: string | null = null;
    if (policy.outcome === 'needs_approval') {
      const approvals = policy.findings.filter((f) => f.outcome === 'needs_approval');
      const feeOnly = approvals.every((f) => f.rule === 'daily_fee_threshold');
      const d = await lc.ask({
        kind: 'fee_approval',
        role: 'fund_manager',
        title: feeOnly ? undefined : `Approve the individual contract: ${lc.state.title}`,
        context: {
          expertId: expert.expertId,
          expertName: expert.name,
          dailyFeeCents: expert.dailyFeeCents,
          workingDays: r.workingDays,
          contractValueCents: value,
          findings: approvals,
          ruleSetId: policy.ruleSetId,
        },
      });
      if (d.decision === 'reject') return reject('fee_not_approved', policy, d.comment, d.actor);
      exceptionNote = String(d.data.justification);
    }

    const { tranches, deliverables, contract } = instalmentContract({
      kind: 'individual_contract',
      partyName: expert.name,
      valueCents: value,
      items: r.deliverables,
      amounts,
      policyFindings: policy,
      exceptionNote,
    });
    // The contract as documents of the request, on the signers' task pages and the request's page:
    // a signature names the bytes it signs.
    const contractInput = {
      requestId: input.requestId,
      workflowId: workflowInfo().workflowId,
      expert: { expertId: expert.expertId, name: expert.name },
      dailyFeeCents: expert.dailyFeeCents,
      contractValueCents: value,
      deliverables: r.deliverables.map((d, i) => ({
        seq: i + 1,
        title: d.title,
        amountCents: amounts[i],
        dueDate: d.dueDate,
      })),
      dsaRateCents: progress.dsaRateCents,
      exceptionNote,
    };
    const prepared = await prepareIndividualContract(contractInput);
    const context = {
      expertId: expert.expertId,
      expertName: expert.name,
      valueUsd: value / 100,
      tranches,
      ...travel(),
      agreement: { documents: prepared.documents },
    };
    const signature = await twoPartySignature(
      lc,
      contract,
      [
        { kind: 'contract_signature', assigneeUserId: expert.userId, role: 'expert', key: 'expert', context },
        { kind: 'contract_signature', role: 'co_approver', countryCode, key: 'co', context },
      ],
      {
        extra: {
          deliverables,
          audit: [
            {
              action: 'contract_drafted',
              actorRole: 'system',
              data: {
                ruleSetId: policy.ruleSetId,
                outcome: policy.outcome,
                competitive: check.competitive,
                candidatesCompared: expert.candidatesCompared,
                exceptionNote,
              },
            },
          ],
        },
        voidOnWithdrawal: 'request withdrawn before signature',
      },
    );
    if (signature.declined) {
      const { declined } = signature;
      return cancelWith(
        'signature_declined',
        declined.comment,
        declined.actor,
        { by: declined.actor.userId },
        { contract: { ...contract, status: 'declined' } },
      );
    }
    await lc.transition('mission', {
      action: 'contract_signed',
      data: { expertId: expert.expertId, ...travel() },
      notifyOwner: true,
      extra: { contract: signature.signed },
    });
    // After the move to the mission, which the last signer's answer reports: the stamped copy follows.
    await stampSignedAgreement(
      { documentType: 'individual_contract', ...contractInput, date: prepared.date },
      signature.signatures,
    );
  }

  async function mission(): Promise<void> {
    const expert = progress.selected!;
    const r = req();
    const done = await paidItems(lc, {
      // Each deliverable is due on its date (reminded before it), in the Country Office's calendar.
      submissionDeadline: async (i) =>
        (await lc.schedule([{ kind: 'deliverable', dueDate: r.deliverables[i].dueDate }]))[0],
      count: r.deliverables.length,
      next: () => progress.deliverableIndex,
      advance: () => progress.deliverableIndex++,
      item: (i) => {
        const spec = r.deliverables[i];
        return {
          row: {
            seq: i + 1,
            title: spec.title,
            dueDate: spec.dueDate,
            amountCents: usdToCents(spec.amountUsd),
            status: 'pending',
          },
          submission: {
            kind: 'deliverable_submission',
            assigneeUserId: expert.userId,
            role: 'expert',
            key: `d${i + 1}`,
            context: { deliverable: spec, seq: i + 1 },
          },
          verification: (sub) => ({
            kind: 'deliverable_acceptance',
            role: 'co_approver',
            countryCode,
            key: `d${i + 1}`,
            context: { deliverable: spec, seq: i + 1, report: String(sub.data.report), link: sub.data.link ?? null },
          }),
        };
      },
      payment: (i, row, v) => ({
        payee: expert.name,
        audit: {
          action: 'payment_released',
          actorId: v.actor.userId,
          actorRole: v.actor.role,
          data: {
            deliverable: i + 1,
            deliverableTitle: row.title,
            amountCents: row.amountCents,
            expertId: expert.expertId,
            ...travel(),
          },
        },
        notification: {
          template: 'payment_released',
          to: { userId: expert.userId },
          data: lc.noticeData({ amountUsd: row.amountCents / 100, milestoneSeq: i + 1, milestoneTitle: row.title }),
        },
      }),
      keepReportOnRevision: true,
      shouldContinueAsNew: () => lc.shouldContinueAsNew(input.continueAsNewAfterSteps),
    });
    if (done)
      await lc.transition('evaluation', {
        action: 'mission_completed',
        data: { deliverables: r.deliverables.length, ...travel() },
      });
  }

  async function evaluation(): Promise<void> {
    const expert = progress.selected!;
    const ids = await lc.openTasks([
      {
        kind: 'expert_evaluation',
        role: 'co_approver',
        countryCode,
        key: 'co',
        context: { expertId: expert.expertId, expertName: expert.name },
      },
      {
        kind: 'assignment_feedback',
        assigneeUserId: expert.userId,
        role: 'expert',
        key: 'expert',
        context: { request: summary() },
      },
    ]);
    const [co, fb] = await Promise.all(ids.map((id) => lc.awaitTask(id)));
    const evaluations = [co && { e: co, kind: 'expert_evaluation' }, fb && { e: fb, kind: 'assignment_feedback' }]
      .filter((x): x is { e: Decision; kind: string } => Boolean(x))
      .map(({ e, kind }) => ({
        evaluatorId: e.actor.userId,
        kind,
        ratings: { overall: e.data.rating as number },
        narrative: String(e.data.narrative),
      }));
    await lc.transition('closed', {
      action: 'evaluated',
      notifyOwner: true,
      data: {
        expertId: expert.expertId,
        expertRating: co?.data.rating ?? null,
        assignmentRating: fb?.data.rating ?? null,
      },
      extra: {
        evaluations,
        ...(co ? { expertRating: { expertId: expert.expertId, rating: co.data.rating as number } } : {}),
      },
    });
  }

  return lc.runStages(
    { intake, co_endorsement: endorsement, alignment_check: alignment, selection, contracting, mission, evaluation },
    input.continueAsNewAfterSteps,
    () => continueAsNew<typeof expertRequestWorkflow>({ ...input, resume: { lifecycle: lc.state, progress } }),
  );
}

/** Experts-on-Demand rules a decision must meet beyond its shape (pure: runs in the Update validator). */
function validateExpertRequestDecision(
  kind: string,
  context: Record<string, unknown>,
  d: DecideInput,
  progress: ExpertRequestProgress,
): DecisionProblem[] {
  const data = d.data ?? {};
  if (kind === 'revise') return resubmissionProblems(progress.request, data);
  if (kind === 'contract_signature' && d.decision === 'sign') return signatureProblems(context, data);
  if (kind === 'shortlist_review' && d.decision === 'edit') {
    const ids = (data.expertIds ?? []) as string[];
    if (new Set(ids).size !== ids.length) return [{ path: 'data.expertIds', message: 'experts must be distinct' }];
  }
  if (kind === 'candidate_selection' && d.decision === 'select') {
    if (!progress.selection) return [{ path: 'decision', message: 'no candidates to select from' }];
    return candidateSelectionProblems(progress.selection.policy, {
      contractValueCents: usdToCents(progress.request.contractValueUsd),
      acceptedExpertIds: progress.selection.accepted,
      selectedExpertIds: (data.expertIds ?? []) as string[],
      justification: (data.justification as string | undefined) ?? null,
    });
  }
  return [];
}
