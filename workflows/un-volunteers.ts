/**
 * UN Volunteers fully funded: one execution per assignment (`unv-assignment-<id>`), from the host's
 * request to closed. Built on the Lifecycle kernel; every date comes from the Clock in the duty
 * station's calendar, every figure from the dated UNV rule set (domain/policy/unv.ts).
 *
 * Decisions recorded here:
 * - The request is checked automatically (duty station rates, the category's duration bounds); a
 *   failed rule ends it `not_funded` with its findings.
 * - Funding: approval commits the estimate (the rule set in force that day) and is refused when it
 *   would exceed what is left of the year's envelope (read-model sum at decision time).
 * - Recruitment: UNV's officer proposes candidates; each is screened by the category's rules and
 *   the ineligible ones are recorded and left out. The host ranks the eligible ones it accepts.
 * - Offers go down the host's ranking: declined, expired or not cleared → the next; an exhausted
 *   ranking asks UNV for a new shortlist (the stage stays `deployment`).
 * - Money: the commitment is the sum of approved estimates (initial + extensions) minus what is
 *   released; transfers to UNV (the advance on deployment, the balance at the anniversary, the
 *   final settlement) never exceed it. An early separation releases what is neither needed for the
 *   months served nor already transferred; UNV's final statement is reconciled and, once verified,
 *   unspent transfers come back as a refund and the rest of the commitment is released, so a
 *   closed assignment has committed = transferred (net) = spent unless overspending is flagged.
 */
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ScreenedCandidate, UnvEnvelope } from '../activities/un-volunteers';
import { failedReasons } from '../domain/policy/findings';
import {
  addMonths,
  emptyLedger,
  reconcile,
  unvMoney,
  UNV_RULE_SETS,
  type UnvCandidate,
  type UnvCosts,
  type UnvLedger,
} from '../domain/policy/unv';
import { addDays } from '../domain/calendar';
import type { Role } from '../domain/roles';
import type { Stage } from '../domain/stages';
import type { DecisionProblem } from '../domain/tasks';
import { unvDecisionProblems, unvRowInit, unvStatementSchema, type UnvRequest } from '../domain/unv';
import { Lifecycle, type Decision, type LifecycleState, type TaskSpec } from './lifecycle';
import type { DecideInput } from './messages';
import { PROGRAMME_ACTIVITY_OPTIONS } from './shared-steps';

const unvActivities = proxyActivities<Activities>(PROGRAMME_ACTIVITY_OPTIONS);

export interface UnvAssignmentWorkflowInput {
  assignmentId: string;
  /** The host's user who submitted the description of assignment (a co_approver of the duty station's country). */
  requester: { userId: string; role: Role };
  request: UnvRequest;
  submittedAt: string;
  /** Tests: continue as new after this many steps in one run. */
  continueAsNewAfterSteps?: number;
  resume?: { lifecycle: LifecycleState; progress: UnvProgress };
}

export interface UnvProgress {
  request: UnvRequest;
  ruleSetId: string;
  estimate: UnvCosts | null;
  ledger: UnvLedger;
  shortlist: ScreenedCandidate[];
  /** The host's ranking still to be offered, best first. */
  ranking: string[];
  volunteer: UnvCandidate | null;
  deployedOn: string | null;
  plannedEndDate: string | null;
  /** Initial months plus granted extensions. */
  months: number;
  separation: { date: string; reason: string } | null;
  endedOn: string | null;
}

const UNV_PAYEE = 'UNV';

export async function unvAssignmentWorkflow(input: UnvAssignmentWorkflowInput): Promise<Stage> {
  const { requester } = input;
  const countryCode = input.request.dutyStation.countryCode;
  const progress: UnvProgress = input.resume?.progress ?? {
    request: input.request,
    ruleSetId: UNV_RULE_SETS[UNV_RULE_SETS.length - 1].id,
    estimate: null,
    ledger: emptyLedger(),
    shortlist: [],
    ranking: [],
    volunteer: null,
    deployedOn: null,
    plannedEndDate: null,
    months: input.request.months,
    separation: null,
    endedOn: null,
  };
  const req = () => progress.request;

  const lc = new Lifecycle({
    programme: 'un_volunteers',
    subjectType: 'unv_assignment',
    subjectId: input.assignmentId,
    countryCode,
    title: input.request.title,
    owner: { userId: requester.userId },
    validateDecision: (task, d) => validateUnvDecision(task.kind, d, progress),
  });
  lc.install();
  const acts = lc.trackAll(unvActivities);

  const host = { role: 'co_approver' as const, countryCode };
  const money = () => unvMoney(progress.ledger);
  /** The read model's money columns, from the ledger (one source). */
  const moneyPatch = () => {
    const m = money();
    return {
      ledger: progress.ledger,
      committedCents: m.committedCents,
      transferredCents: m.transferredCents,
      spentCents: m.spentCents,
      releasedCents: progress.ledger.releasedCents,
    };
  };
  const summary = () => ({
    request: req(),
    estimate: progress.estimate,
    money: money(),
    volunteer: progress.volunteer,
    deployedOn: progress.deployedOn,
    plannedEndDate: progress.plannedEndDate,
    months: progress.months,
  });
  /** A transfer to UNV (negative: a refund from UNV), recorded in the ledger and as a payment of the subject. */
  const transfer = (cents: number, purpose: string) => {
    const seq = progress.ledger.transfers.length + 1;
    progress.ledger.transfers.push({ seq, cents, purpose });
    return {
      payments: [{ seq, payee: UNV_PAYEE, amountCents: cents }],
      audit: [
        {
          action: cents >= 0 ? 'transferred_to_unv' : 'refunded_by_unv',
          actorRole: 'system',
          data: { seq, amountCents: cents, purpose },
        },
      ],
    };
  };

  async function intake(): Promise<void> {
    if (lc.state.seq === 0) {
      await lc.commit({
        stage: { from: null, to: 'intake' },
        create: unvRowInit(input.request, requester.userId),
        audit: [{ action: 'requested', actorId: requester.userId, actorRole: requester.role, toStage: 'intake' }],
      });
    }
    const s = await acts.unvScreenRequest({ request: req() });
    progress.ruleSetId = s.ruleSetId;
    progress.estimate = s.estimate;
    const findings = { outcome: s.outcome, findings: s.findings, ruleSetId: s.ruleSetId };
    if (s.outcome === 'fail' || !s.estimate)
      return lc.transition('not_funded', {
        action: 'request_ineligible',
        reasons: failedReasons(s.findings),
        notifyOwner: true,
        extra: { patch: { findings, outcome: 'request_ineligible' } },
      });
    await lc.transition('funding_decision', {
      action: 'request_checked',
      data: { ruleSetId: s.ruleSetId, estimateCents: s.estimate.totalCents },
      extra: { patch: { findings, costEstimate: s.estimate } },
    });
  }

  async function fundingDecision(): Promise<void> {
    const estimate = progress.estimate!;
    const envelope: UnvEnvelope = await acts.unvEnvelope({ assignmentId: input.assignmentId, countryCode });
    const d = await lc.ask(
      { kind: 'unv_funding_decision', role: 'fund_manager', context: { ...summary(), envelope } },
      async (c) =>
        c.decision === 'approve'
          ? acts.unvFundingProblems({ assignmentId: input.assignmentId, countryCode, cents: estimate.totalCents })
          : [],
    );
    if (d.decision === 'reject')
      return lc.transition('not_funded', {
        action: 'not_funded',
        actor: d.actor,
        comment: d.comment,
        notifyOwner: true,
        extra: { patch: { outcome: 'not_funded' } },
      });
    progress.ledger.estimates.push({
      kind: 'initial',
      months: req().months,
      cents: estimate.totalCents,
      ruleSetId: estimate.ruleSetId,
    });
    await lc.transition('recruitment', {
      action: 'funded',
      actor: d.actor,
      comment: d.comment,
      notifyOwner: true,
      data: { committedCents: estimate.totalCents, ruleSetId: estimate.ruleSetId },
      extra: {
        patch: moneyPatch(),
        audit: [{ action: 'commitment_created', actorRole: 'system', data: { amountCents: estimate.totalCents } }],
      },
    });
  }

  /** UNV's shortlist screened by the category's rules, then the host's ranking of the eligible candidates. */
  async function recruit(): Promise<void> {
    for (;;) {
      let eligible: ScreenedCandidate[] = [];
      while (!eligible.length) {
        const d = await lc.ask({
          kind: 'unv_shortlist',
          role: 'unv_officer',
          context: { ...summary(), screenedOut: progress.shortlist.filter((c) => !c.eligible) },
        });
        const candidates = (d.data as { candidates: UnvCandidate[] }).candidates;
        const screened = await acts.unvScreenCandidates({
          candidates,
          category: req().category,
          dutyStationCountryCode: countryCode,
          startDate: req().startDate,
          months: req().months,
          ruleSetId: progress.ruleSetId,
        });
        progress.shortlist = screened;
        eligible = screened.filter((c) => c.eligible);
        await lc.commit({
          patch: { shortlist: screened },
          audit: [
            {
              action: 'candidates_screened',
              actorId: d.actor.userId,
              actorRole: d.actor.role,
              data: {
                eligible: eligible.map((c) => c.candidate.id),
                ineligible: screened
                  .filter((c) => !c.eligible)
                  .map((c) => ({
                    id: c.candidate.id,
                    rules: c.findings.filter((f) => f.outcome === 'fail').map((f) => f.rule),
                  })),
              },
            },
          ],
        });
      }
      const s = await lc.ask({
        kind: 'unv_host_selection',
        ...host,
        context: { ...summary(), shortlist: eligible },
      });
      if (s.decision === 'request_more') continue;
      progress.ranking = (s.data as { ranking: string[] }).ranking;
      await lc.commit({
        audit: [
          {
            action: 'host_selected',
            actorId: s.actor.userId,
            actorRole: s.actor.role,
            comment: s.comment ?? null,
            data: { ranking: progress.ranking },
          },
        ],
      });
      return;
    }
  }

  async function recruitment(): Promise<void> {
    await recruit();
    await lc.transition('deployment', { action: 'candidates_ranked', data: { ranking: progress.ranking } });
  }

  async function deployment(): Promise<void> {
    // Offers down the ranking: declined, expired or not cleared → the next candidate.
    while (!progress.volunteer) {
      if (!progress.ranking.length) {
        await lc.commit({ audit: [{ action: 'shortlist_exhausted', actorRole: 'system' }] });
        await recruit();
        continue;
      }
      const id = progress.ranking.shift()!;
      const candidate = progress.shortlist.find((c) => c.candidate.id === id)!.candidate;
      const deadline = await acts.unvOfferDeadline({ countryCode, ruleSetId: progress.ruleSetId });
      const offer = await lc.ask({
        kind: 'unv_offer',
        role: 'unv_officer',
        key: id,
        deadline,
        context: { ...summary(), candidate, offerDeadline: deadline.dueAt },
      });
      if (offer.decision !== 'accepted') {
        await lc.commit({
          audit: [
            {
              action: offer.expired ? 'offer_expired' : 'offer_declined',
              actorRole: offer.expired ? 'system' : offer.actor.role,
              actorId: offer.expired ? null : offer.actor.userId,
              data: { candidateId: id, reason: (offer.data as { reason?: string }).reason ?? null },
            },
          ],
        });
        continue;
      }
      const clearances = await lc.ask({
        kind: 'unv_clearances',
        role: 'unv_officer',
        key: id,
        context: { ...summary(), candidate },
      });
      if (clearances.decision !== 'cleared') {
        await lc.commit({
          audit: [
            {
              action: 'not_cleared',
              actorId: clearances.actor.userId,
              actorRole: clearances.actor.role,
              data: { candidateId: id, reason: String(clearances.data.reason) },
            },
          ],
        });
        continue;
      }
      progress.volunteer = candidate;
      await lc.commit({
        patch: { volunteerName: candidate.name, volunteerCandidateId: candidate.id },
        audit: [
          {
            action: 'volunteer_cleared',
            actorId: clearances.actor.userId,
            actorRole: clearances.actor.role,
            data: { candidateId: id },
          },
        ],
      });
    }
    const d = await lc.ask({ kind: 'unv_deployment', ...host, context: summary() });
    const startDate = String(d.data.startDate);
    progress.deployedOn = startDate;
    progress.plannedEndDate = addDays(addMonths(startDate, progress.months), -1);
    const m = money();
    const advance = await acts.unvAdvance({
      countryCode,
      months: progress.months,
      committedCents: m.committedCents - m.transferredCents,
      ruleSetId: progress.ruleSetId,
    });
    const t = transfer(advance, 'advance');
    await lc.transition('assignment', {
      action: 'deployed',
      actor: d.actor,
      notifyOwner: true,
      data: { startDate, plannedEndDate: progress.plannedEndDate, advanceCents: advance },
      extra: {
        payments: t.payments,
        audit: t.audit,
        patch: {
          deployedOn: `${startDate}T00:00:00.000Z`,
          plannedEndDate: `${progress.plannedEndDate}T00:00:00.000Z`,
          ...moneyPatch(),
        },
      },
    });
  }

  async function assignment(): Promise<void> {
    const set = UNV_RULE_SETS.find((s) => s.id === progress.ruleSetId)!;
    for (;;) {
      const end = await acts.unvAssignmentEnd({ countryCode, endDate: progress.plannedEndDate! });
      const [taskId] = await lc.openTasks([{ kind: 'unv_assignment', ...host, deadline: end, context: summary() }]);
      // The balance of the commitment goes to UNV at the anniversary of the deployment, if the assignment is still running.
      const anniversary = addDays(addMonths(progress.deployedOn!, set.rules.advanceMonths), -1);
      if (money().remainingCents > 0 && anniversary < progress.plannedEndDate!) {
        const at = await acts.unvAssignmentEnd({ countryCode, endDate: anniversary });
        const came = await lc.sleepUntil(at.timers.dueAt, () => lc.task(taskId).status !== 'open');
        if (came && money().remainingCents > 0) {
          const t = transfer(money().remainingCents, 'balance');
          await lc.commit({ payments: t.payments, audit: t.audit, patch: moneyPatch() });
        }
      }
      const d = (await lc.awaitTask(taskId))!;
      if (d.expired) {
        progress.endedOn = progress.plannedEndDate;
        return lc.transition('reconciliation', {
          action: 'assignment_completed',
          data: { endedOn: progress.endedOn },
          extra: { patch: { endedOn: `${progress.endedOn}T00:00:00.000Z` } },
        });
      }
      if (d.decision === 'separation') return separate(d);
      await extension(d);
    }
  }

  async function extension(request: Decision): Promise<void> {
    const months = Number(request.data.months);
    const costs = await acts.unvExtensionCosts({ countryCode, months });
    const d = await lc.ask(
      {
        kind: 'unv_extension_decision',
        role: 'fund_manager',
        context: { ...summary(), extension: { months, justification: request.data.justification, costs } },
      },
      async (c) => {
        if (c.decision !== 'grant') return [];
        if (!costs) return [{ path: 'decision', message: `no rates for ${countryCode} in the rule set in force` }];
        if (progress.months + months > set().rules.categories[req().category].maxTotalMonths)
          return [{ path: 'decision', message: 'the extension exceeds the category’s maximum total duration' }];
        return acts.unvFundingProblems({ assignmentId: input.assignmentId, countryCode, cents: costs.totalCents });
      },
    );
    if (d.decision !== 'grant' || !costs) {
      await lc.commit({
        audit: [
          {
            action: 'extension_refused',
            actorId: d.actor.userId,
            actorRole: d.actor.role,
            comment: d.comment ?? null,
            data: { months },
          },
        ],
        notifications: [lc.ownerNotice('decision_outcome', { outcome: 'extension_refused', comment: d.comment })],
      });
      return;
    }
    progress.ledger.estimates.push({ kind: 'extension', months, cents: costs.totalCents, ruleSetId: costs.ruleSetId });
    // The extension's cost goes to UNV with the decision (the transfers stay within the commitment).
    const t = transfer(costs.totalCents, 'extension');
    progress.months += months;
    progress.plannedEndDate = addDays(addMonths(progress.deployedOn!, progress.months), -1);
    await lc.commit({
      patch: {
        plannedMonths: progress.months,
        plannedEndDate: `${progress.plannedEndDate}T00:00:00.000Z`,
        ...moneyPatch(),
      },
      payments: t.payments,
      audit: [
        ...t.audit,
        {
          action: 'extension_granted',
          actorId: d.actor.userId,
          actorRole: d.actor.role,
          comment: d.comment ?? null,
          data: { months, amountCents: costs.totalCents, plannedEndDate: progress.plannedEndDate },
        },
      ],
      notifications: [lc.ownerNotice('decision_outcome', { outcome: 'extension_granted', comment: d.comment })],
    });
  }

  async function separate(d: Decision): Promise<void> {
    const { date, reason } = d.data as { date: string; reason: string };
    progress.separation = { date, reason };
    progress.endedOn = date;
    const served = await acts.unvServedCosts({
      countryCode,
      startDate: progress.deployedOn!,
      endDate: date,
      ruleSetId: progress.ruleSetId,
    });
    const m = money();
    // Release what is neither needed for the months served nor already with UNV (that comes back at reconciliation).
    const keep = Math.max(served?.totalCents ?? m.committedCents, m.transferredCents);
    const released = Math.max(0, m.committedCents - keep);
    progress.ledger.releasedCents += released;
    await lc.transition('reconciliation', {
      action: 'separated',
      actor: d.actor,
      comment: reason,
      notifyOwner: true,
      data: { date, releasedCents: released, servedCents: served?.totalCents ?? null },
      extra: {
        patch: { endedOn: `${date}T00:00:00.000Z`, outcome: 'separated_early', ...moneyPatch() },
        audit: [{ action: 'commitment_released', actorRole: 'system', data: { amountCents: released } }],
      },
    });
  }

  async function reconciliation(): Promise<void> {
    const report = await lc.ask({ kind: 'unv_end_report', ...host, context: summary() });
    await lc.commit({
      patch: { endReport: report.data },
      audit: [
        {
          action: 'end_report_submitted',
          actorId: report.actor.userId,
          actorRole: report.actor.role,
          data: { rating: Number(report.data.rating) },
        },
      ],
    });
    for (;;) {
      const st = await lc.ask({ kind: 'unv_statement', role: 'unv_officer', context: summary() });
      const data = unvStatementSchema.parse(st.data);
      const spentCents = Math.round(data.spentUsd * 100);
      const rec = reconcile(progress.ledger, spentCents, set());
      progress.ledger.statements.push({ periodEnd: data.periodEnd, spentCents, final: true });
      await lc.commit({
        patch: { reconciliation: { ...rec, varianceExplanation: data.varianceExplanation ?? null }, ...moneyPatch() },
        audit: [
          {
            action: rec.overspent ? 'statement_overspent' : 'statement_reconciled',
            actorId: st.actor.userId,
            actorRole: st.actor.role,
            data: {
              spentCents,
              varianceCents: rec.varianceCents,
              refundCents: rec.refundCents,
              overspent: rec.overspent,
            },
          },
        ],
      });
      const v = await lc.ask({
        kind: 'unv_reconciliation',
        role: 'fund_manager',
        context: { ...summary(), reconciliation: rec, varianceExplanation: data.varianceExplanation ?? null },
      });
      if (v.decision === 'request_revision') continue;
      // Settle: UNV refunds what it holds unspent, or the fund transfers what was spent within the commitment.
      const m = money();
      const settle =
        m.spentCents <= m.transferredCents
          ? m.spentCents - m.transferredCents
          : Math.min(m.spentCents, m.committedCents) - m.transferredCents;
      const t = settle
        ? transfer(settle, settle < 0 ? 'refund of unspent funds' : 'final settlement')
        : { payments: [], audit: [] };
      // The commitment closes at what was transferred, net: the rest is released.
      const after = money();
      const release = Math.max(0, after.committedCents - after.transferredCents);
      progress.ledger.releasedCents += release;
      const to: Stage = progress.separation ? 'separated_early' : 'closed';
      return lc.transition(to, {
        action: 'reconciled',
        actor: v.actor,
        comment: v.comment,
        notifyOwner: true,
        data: { spentCents: m.spentCents, settlementCents: settle, releasedCents: release, overspent: rec.overspent },
        extra: {
          payments: t.payments,
          audit: [
            ...t.audit,
            ...(release
              ? [{ action: 'commitment_released', actorRole: 'system', data: { amountCents: release } }]
              : []),
          ],
          patch: { ...moneyPatch(), ...(progress.separation ? {} : { outcome: 'completed' }) },
        },
      });
    }
  }

  function set() {
    return UNV_RULE_SETS.find((s) => s.id === progress.ruleSetId)!;
  }

  return lc.runStages(
    {
      intake,
      funding_decision: fundingDecision,
      recruitment,
      deployment,
      assignment,
      reconciliation,
    },
    input.continueAsNewAfterSteps,
    () => continueAsNew<typeof unvAssignmentWorkflow>({ ...input, resume: { lifecycle: lc.state, progress } }),
  );
}

/** Programme rules a decision must meet beyond its shape (pure: runs in the Update validator). */
function validateUnvDecision(kind: string, d: DecideInput, p: UnvProgress): DecisionProblem[] {
  const data = d.data ?? {};
  const problems = unvDecisionProblems(kind, d.decision, data, {
    shortlistIds: p.shortlist.filter((c) => c.eligible).map((c) => c.candidate.id),
    deployedOn: p.deployedOn,
    plannedEndDate: p.plannedEndDate,
    category: p.request.category,
    monthsSoFar: p.months,
    ruleSetId: p.ruleSetId,
    ledger: p.ledger,
  });
  if (kind === 'unv_statement' && !problems.length) {
    const s = unvStatementSchema.safeParse(data);
    const set = UNV_RULE_SETS.find((r) => r.id === p.ruleSetId);
    if (s.success && set) {
      const rec = reconcile(p.ledger, Math.round(s.data.spentUsd * 100), set);
      if ((rec.explanationRequired || rec.overspent) && !s.data.varianceExplanation)
        problems.push({
          path: 'data.varianceExplanation',
          message: `a variance of ${rec.variancePct}% (tolerance ${set.rules.varianceTolerancePct}%)${rec.overspent ? ', spent more than transferred,' : ''} needs an explanation`,
        });
    }
  }
  return problems;
}
