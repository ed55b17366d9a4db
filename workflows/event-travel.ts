/**
 * SDG event travel: one execution per application (`event-travel-<id>`), from the application to
 * closed. Built on the Lifecycle kernel and the shared steps (the two-party signature of the travel
 * authorisation); every date comes from the Clock, in the calendar of the office that runs the
 * programme (EVENT_TRAVEL_SETTINGS), every figure from the dated travel rules and DSA table.
 *
 * Decisions recorded here:
 * - Eligibility is automatic; a failed rule rejects with its findings. A revision is screened again.
 * - Review: approval fixes the cost breakdown (the reviewer's figures; DSA and terminal from the
 *   rules in force that day) and is refused when it would exceed what is left of the year's
 *   envelope (checked against the read model at decision time).
 * - The signed travel authorisation releases the advance (the rule set's share of DSA and terminal
 *   expenses). Until departure the expert may change the dates (costs recomputed; the advance
 *   stays, the settlement balances it) or cancel (the advance is recovered).
 * - Settlement: DSA on the actual dates at the rate in force on the travel dates, minus the advance:
 *   a reimbursement or a recovery, paid once the fund manager verifies the report.
 */
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { TravelScreening } from '../activities/event-travel';
import type { TaskDeadline } from '../domain/deadline-rules';
import {
  applyTravelChanges,
  eventTravelChangesSchema,
  eventTravelRowInit,
  travelApplicationPatch,
  travelDecisionProblems,
  travelRevisionProblems,
  type EventTravelApplication,
} from '../domain/event-travel';
import { failedReasons } from '../domain/policy/findings';
import type { Settlement, TravelCosts } from '../domain/policy/travel';
import type { Role } from '../domain/roles';
import type { Stage } from '../domain/stages';
import { TASK_KINDS, type DecisionProblem } from '../domain/tasks';
import { Lifecycle, type Decision, type LifecycleState, type TaskSpec } from './lifecycle';
import type { DecideInput } from './messages';
import { PROGRAMME_ACTIVITY_OPTIONS, rejectWith, twoPartySignature, type DraftContract } from './shared-steps';

const travelActivities = proxyActivities<Activities>(PROGRAMME_ACTIVITY_OPTIONS);

export interface EventTravelWorkflowInput {
  travelId: string;
  /** The roster expert who travels (and owns the application). */
  expert: { expertId: string; userId: string };
  /** The expert, or the fund manager who applied on their behalf. */
  appliedBy: { userId: string; role: Role };
  application: EventTravelApplication;
  submittedAt: string;
  /** Tests: continue as new after this many steps in one run. */
  continueAsNewAfterSteps?: number;
  resume?: { lifecycle: LifecycleState; progress: EventTravelProgress };
}

export interface EventTravelProgress {
  application: EventTravelApplication;
  expertName: string;
  estimate: TravelCosts | null;
  /** The approved breakdown (recomputed when the dates change) and the reviewer's figures it came from. */
  approved: { costs: TravelCosts; figures: Record<string, number> } | null;
  advanceCents: number;
  settlement: Settlement | null;
}

// Payment rows of the subject (keyed by seq): the advance, its recovery, the settlement.
const PAYMENT = { advance: 1, recovery: 2, settlement: 3 } as const;

export async function eventTravelWorkflow(input: EventTravelWorkflowInput): Promise<Stage> {
  const { expert } = input;
  const progress: EventTravelProgress = input.resume?.progress ?? {
    application: input.application,
    expertName: expert.expertId,
    estimate: null,
    approved: null,
    advanceCents: 0,
    settlement: null,
  };
  const app = () => progress.application;
  const countryCode = input.application.event.countryCode;

  const lc = new Lifecycle({
    programme: 'event_travel',
    subjectType: 'event_travel',
    subjectId: input.travelId,
    countryCode,
    title: input.application.event.name,
    owner: { userId: expert.userId },
    ownerExpertId: expert.expertId,
    resume: input.resume?.lifecycle,
    validateDecision: (task, d) => validateEventTravelDecision(task.kind, d, progress),
  });
  lc.install();
  const acts = lc.trackAll(travelActivities);
  const reject = rejectWith(lc);

  /** A task due on its SLA in the programme office's working days (not the event country's). */
  async function officeTask(spec: TaskSpec): Promise<TaskSpec> {
    if (spec.deadline) return spec;
    const [deadline] = await acts.eventTravelDeadlines({ items: [{ kind: 'sla', sla: TASK_KINDS[spec.kind].sla }] });
    return { ...spec, deadline };
  }
  const ask = async (
    spec: TaskSpec,
    check?: (d: Decision) => Promise<DecisionProblem[]>,
    extra?: Parameters<typeof lc.ask>[2],
  ) => lc.ask(await officeTask(spec), check, extra);

  const expertTask = { assigneeUserId: expert.userId, role: 'expert' as const };
  const summary = () => ({
    event: app().event,
    role: app().role,
    solution: app().solution ?? null,
    sideEvent: app().sideEvent,
    invitation: app().invitation,
    contribution: app().contribution,
    itinerary: app().itinerary,
    costs: app().costs,
  });
  const payment = (seq: number, amountCents: number) => ({ seq, payee: progress.expertName, amountCents });

  /** Eligibility under the rule set in force; true when the application goes on. */
  async function screen(): Promise<boolean> {
    const screening: TravelScreening = await acts.screenEventTravel({
      travelId: input.travelId,
      expertId: expert.expertId,
      application: app(),
      // The advance-application rule judges the day the application was submitted, revisions included.
      appliedOn: input.submittedAt.slice(0, 10),
    });
    progress.expertName = screening.expertName;
    progress.estimate = screening.estimate;
    const findings = { outcome: screening.outcome, findings: screening.findings, ruleSetId: screening.ruleSetId };
    if (screening.outcome === 'fail') {
      await reject('ineligible', findings, undefined, undefined, failedReasons(screening.findings));
      return false;
    }
    await lc.commit({
      patch: { findings, approvedCosts: screening.estimate },
      audit: [
        {
          action: 'eligibility_checked',
          actorRole: 'system',
          data: {
            outcome: screening.outcome,
            ruleSetId: screening.ruleSetId,
            estimateCents: screening.estimate.totalCents,
          },
        },
      ],
    });
    return true;
  }

  async function intake(): Promise<void> {
    if (lc.state.seq === 0) {
      await lc.commit({
        stage: { from: null, to: 'intake' },
        create: eventTravelRowInit(input.application, {
          expertId: expert.expertId,
          expertUserId: expert.userId,
          appliedById: input.appliedBy.userId,
        }),
        audit: [
          {
            action: 'applied',
            actorId: input.appliedBy.userId,
            actorRole: input.appliedBy.role,
            toStage: 'intake',
            data: input.appliedBy.userId === expert.userId ? null : { onBehalfOf: expert.expertId },
          },
        ],
      });
    }
    if (await screen()) await lc.transition('review', { action: 'eligible' });
  }

  async function review(): Promise<void> {
    for (;;) {
      const budget = await acts.eventTravelBudget({ travelId: input.travelId });
      let approved: TravelCosts | undefined;
      const d = await ask(
        {
          kind: 'travel_review',
          role: 'fund_manager',
          context: {
            application: summary(),
            estimate: progress.estimate,
            budget,
            expertId: expert.expertId,
            expertName: progress.expertName,
          },
        },
        async (c) => {
          if (c.decision !== 'approve') return [];
          const { scores: _s, ...figures } = c.data as Record<string, number>;
          const result = await acts.approveTravelCosts({
            travelId: input.travelId,
            application: app(),
            approved: figures,
          });
          approved = result.costs;
          return result.problems;
        },
      );
      if (d.decision === 'reject') return reject('rejected_on_review', null, d.comment, d.actor);
      if (d.decision === 'approve' && approved) {
        const { scores, ...figures } = d.data as { scores: Record<string, number> } & Record<string, number>;
        progress.approved = { costs: approved, figures };
        progress.advanceCents = approved.advanceCents;
        return lc.transition('travel_authorisation', {
          action: 'approved',
          actor: d.actor,
          comment: d.comment,
          data: { scores, approvedCents: approved.totalCents, ruleSetId: approved.ruleSetId },
          notifyOwner: true,
          extra: {
            patch: { approvedCosts: approved, approvedCents: approved.totalCents, advanceCents: approved.advanceCents },
          },
        });
      }
      // Changes asked for: the expert revises, the application is screened and reviewed again.
      const revision = await ask(
        {
          kind: 'travel_revision',
          ...expertTask,
          context: { requestedChanges: d.comment ?? '', application: summary() },
        },
        undefined,
        d.comment ? { messages: [{ authorId: d.actor.userId, authorRole: d.actor.role, body: d.comment }] } : undefined,
      );
      const changes = eventTravelChangesSchema.parse(revision.data);
      progress.application = applyTravelChanges(app(), changes);
      lc.setTitle(app().event.name);
      await lc.commit({
        patch: travelApplicationPatch(app()),
        audit: [
          {
            action: 'resubmitted',
            actorId: revision.actor.userId,
            actorRole: revision.actor.role,
            data: { fields: Object.keys(changes) },
          },
        ],
      });
      if (!(await screen())) return;
    }
  }

  async function travelAuthorisation(): Promise<void> {
    const costs = progress.approved!.costs;
    const advance = progress.advanceCents;
    const contract: DraftContract = {
      kind: 'travel_authorisation',
      partyName: progress.expertName,
      valueCents: costs.totalCents,
      tranches: [
        {
          seq: 1,
          pct: costs.totalCents ? Math.round((advance / costs.totalCents) * 100) : 0,
          amountCents: advance,
          milestone: 'advance',
        },
      ],
      policyFindings: { ruleSetId: costs.ruleSetId, lines: costs.lines, dsaRate: costs.dsaRate, nights: costs.nights },
      exceptionNote: null,
      signatures: {},
    };
    const context = { application: summary(), costs, advanceCents: advance };
    const [expertDeadline, fundDeadline] = await acts.eventTravelDeadlines({
      items: [
        { kind: 'sla', sla: 'signature' },
        { kind: 'sla', sla: 'signature' },
      ],
    });
    const signature = await twoPartySignature(lc, contract, [
      { kind: 'contract_signature', ...expertTask, key: 'expert', context, deadline: expertDeadline },
      { kind: 'contract_signature', role: 'fund_manager', key: 'fund', context, deadline: fundDeadline },
    ]);
    if (signature.declined) {
      const { declined } = signature;
      return lc.transition('cancelled', {
        action: 'authorisation_declined',
        actor: declined.actor,
        comment: declined.comment,
        notifyOwner: true,
        extra: { contract: { ...contract, status: 'declined' }, patch: { outcome: 'authorisation_declined' } },
      });
    }
    await lc.transition('trip', {
      action: 'authorised',
      data: { advanceCents: advance, approvedCents: costs.totalCents },
      extra: {
        contract: signature.signed,
        payments: [payment(PAYMENT.advance, advance)],
        audit: [{ action: 'advance_paid', actorRole: 'system', data: { amountCents: advance } }],
        notifications: [
          {
            template: 'payment_released',
            to: { userId: expert.userId },
            data: lc.noticeData({ amountUsd: advance / 100, milestoneSeq: 1, milestoneTitle: 'Travel advance' }),
          },
        ],
      },
    });
  }

  async function trip(): Promise<void> {
    let dates: { departure: TaskDeadline; returned: TaskDeadline };
    for (;;) {
      dates = await acts.eventTravelTripDates(app().itinerary);
      const d = await lc.ask({
        kind: 'trip_confirmation',
        ...expertTask,
        deadline: dates.departure,
        context: { itinerary: app().itinerary, event: app().event, advanceCents: progress.advanceCents },
      });
      if (d.expired) break;
      if (d.decision === 'cancel_trip') {
        // The advance is recovered in full: a negative payment on the subject.
        return lc.transition('cancelled', {
          action: 'trip_cancelled',
          actor: d.actor,
          comment: String(d.data.reason),
          notifyOwner: true,
          data: { recoveredCents: progress.advanceCents },
          extra: {
            patch: { outcome: 'trip_cancelled' },
            payments: progress.advanceCents ? [payment(PAYMENT.recovery, -progress.advanceCents)] : [],
            audit: [{ action: 'advance_recovered', actorRole: 'system', data: { amountCents: progress.advanceCents } }],
            notifications: [
              {
                template: 'decision_outcome',
                to: { role: 'fund_manager' },
                data: lc.noticeData({ stage: 'cancelled', outcome: 'trip_cancelled', comment: String(d.data.reason) }),
              },
            ],
          },
        });
      }
      // New dates: the itinerary moves, the costs are recomputed (the advance stays; the settlement balances it).
      const from = app().itinerary;
      const to = { ...from, departureDate: String(d.data.departureDate), returnDate: String(d.data.returnDate) };
      progress.application = { ...app(), itinerary: to };
      const costs = await acts.recomputeTravelCosts({ application: app(), approved: progress.approved!.figures });
      progress.approved = { ...progress.approved!, costs };
      await lc.commit({
        patch: {
          departureDate: `${to.departureDate}T00:00:00.000Z`,
          returnDate: `${to.returnDate}T00:00:00.000Z`,
          application: app(),
          approvedCosts: costs,
          approvedCents: costs.totalCents,
        },
        audit: [
          {
            action: 'dates_changed',
            actorId: d.actor.userId,
            actorRole: d.actor.role,
            comment: String(d.data.reason),
            data: {
              from: `${from.departureDate}..${from.returnDate}`,
              to: `${to.departureDate}..${to.returnDate}`,
              approvedCents: costs.totalCents,
            },
          },
        ],
        notifications: [
          {
            template: 'decision_outcome',
            to: { role: 'fund_manager' },
            data: lc.noticeData({ outcome: 'dates_changed', comment: String(d.data.reason) }),
          },
        ],
      });
    }
    // Departed: the trip lasts until the end of the return day (a cancellation by a fund manager wakes it).
    await lc.sleepUntil(dates.returned.timers.dueAt, () => lc.withdrawing);
    await lc.transition('settlement', { action: 'returned', data: { returnDate: app().itinerary.returnDate } });
  }

  async function settlement(): Promise<void> {
    let deadline: TaskDeadline | undefined = await acts.eventTravelReportDeadline({
      returnDate: app().itinerary.returnDate,
    });
    for (;;) {
      const report = await ask({
        kind: 'travel_report',
        ...expertTask,
        deadline,
        context: { itinerary: app().itinerary, event: app().event, advanceCents: progress.advanceCents },
      });
      deadline = undefined; // a revised report is due on the SLA, from the request
      const r = report.data as { actualDepartureDate: string; actualReturnDate: string };
      const s = await acts.settleEventTravel({
        countryCode,
        city: app().event.city,
        actualDepartureDate: r.actualDepartureDate,
        actualReturnDate: r.actualReturnDate,
        advanceCents: progress.advanceCents,
      });
      progress.settlement = s;
      await lc.commit({
        patch: { report: report.data, settlement: s },
        audit: [
          {
            action: 'report_submitted',
            actorId: report.actor.userId,
            actorRole: report.actor.role,
            data: { balanceCents: s.balanceCents },
          },
        ],
      });
      const v = await ask({
        kind: 'settlement_verification',
        role: 'fund_manager',
        context: { report: report.data, settlement: s, approvedCosts: progress.approved?.costs ?? null },
      });
      if (v.decision === 'request_revision') continue;
      const kind = s.balanceCents > 0 ? 'reimbursement' : s.balanceCents < 0 ? 'recovery' : 'balanced';
      return lc.transition('closed', {
        action: 'settled',
        actor: v.actor,
        comment: v.comment,
        notifyOwner: true,
        data: { balanceCents: s.balanceCents, settlement: kind, basis: s.basis },
        extra: {
          payments: s.balanceCents ? [payment(PAYMENT.settlement, s.balanceCents)] : [],
          audit: [{ action: `settlement_${kind}`, actorRole: 'system', data: { amountCents: s.balanceCents } }],
        },
      });
    }
  }

  return lc.runStages(
    { intake, review, travel_authorisation: travelAuthorisation, trip, settlement },
    input.continueAsNewAfterSteps,
    () => continueAsNew<typeof eventTravelWorkflow>({ ...input, resume: { lifecycle: lc.state, progress } }),
  );
}

/** Programme rules a decision must meet beyond its shape (pure: runs in the Update validator). */
function validateEventTravelDecision(kind: string, d: DecideInput, progress: EventTravelProgress): DecisionProblem[] {
  const data = d.data ?? {};
  if (kind === 'travel_revision') return travelRevisionProblems(progress.application, data);
  const problems = travelDecisionProblems(kind, d.decision, data);
  if (kind === 'trip_confirmation' && d.decision === 'change_dates' && !problems.length) {
    const { event } = progress.application;
    if (String(data.departureDate) > event.startDate)
      problems.push({
        path: 'data.departureDate',
        message: `must be on or before the event’s first day (${event.startDate})`,
      });
    if (String(data.returnDate) < event.endDate)
      problems.push({
        path: 'data.returnDate',
        message: `must be on or after the event’s last day (${event.endDate})`,
      });
  }
  return problems;
}
