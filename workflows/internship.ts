/**
 * An internship application (`internship-<id>`), one per student and posting, which becomes the
 * placement when the student is selected. Built on the Lifecycle kernel; every date comes from the
 * Clock in the calendar of the posting's Country Office, every figure from the dated internship
 * rules and the duty station's stipend.
 *
 * Decisions recorded here:
 * - Eligibility is automatic (rule set in force on the day screened); a failed rule rejects it.
 * - The student's university verifies the enrolment and declares the share of the stipend it pays
 *   as a parallel funder (MGIMO); a university that declines ends it (rejected, not verified).
 * - Selection: the Country Office shortlists, interviews and selects. A selection takes one of the
 *   posting's places (claimed in the database under a lock, in the order of selection) and is
 *   refused when none is left. When the posting fills or is withdrawn, applications still waiting
 *   end not selected and their students are told.
 * - Agreement: signed by the student, the Country Office and, where there is one, the parallel
 *   funder; then onboarding (insurance proof, visa) due on the start date: incomplete by then, the
 *   placement is cancelled.
 * - Placement: at the end of each month the fund pays its share (a payment record); the funder's
 *   share is recorded when its university confirms it paid. The supervisor reviews at mid-term.
 *   A fund manager's cancellation stops future payments.
 * - Evaluation: the supervisor's final evaluation and the intern's final report, then closed.
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
import type { InternshipScreening, PlaceClaim } from '../activities/internship';
import type { TaskDeadline } from '../domain/deadline-rules';
import {
  internshipRowInit,
  terminationRefusal,
  type InternshipApplication,
  type PostingTerms,
} from '../domain/internship';
import { failedReasons } from '../domain/policy/findings';
import type { StipendSplit } from '../domain/policy/internship';
import type { Actor } from '../domain/roles';
import { isTerminal, type Stage } from '../domain/stages';
import type { PaymentRow } from '../domain/steps';
import type { DecisionProblem } from '../domain/tasks';
import { prepareInternshipDocument } from './agreement-steps';
import { placeTakenSignal, postingEndedSignal, terminateInternshipUpdate } from './internship-messages';
import { Lifecycle, type Decision, type LifecycleState, type TaskSpec } from './lifecycle';
import { FAILURE } from './messages';
import { PROGRAMME_ACTIVITY_OPTIONS, rejectWith, type DraftContract } from './shared-steps';

// The posting's workflow lives beside it (one line in workflows/index.ts exports both).
export { internshipPostingWorkflow } from './internship-posting';

const internshipActivities = proxyActivities<Activities>(PROGRAMME_ACTIVITY_OPTIONS);

export interface InternshipWorkflowInput {
  internshipId: string;
  /** The student (an applicant account of their university) who applies and owns the application. */
  student: { userId: string; name: string; institutionId: string };
  application: InternshipApplication;
  terms: PostingTerms;
  postingWorkflowId: string;
  submittedAt: string;
  /** Tests: continue as new after this many steps in one run. */
  continueAsNewAfterSteps?: number;
  resume?: { lifecycle: LifecycleState; progress: InternshipProgress };
}

export interface InternshipProgress {
  funderSharePct: number;
  funderName: string | null;
  placeSeq: number | null;
  stipend: StipendSplit | null;
  monthsServed: number;
  /** The posting filled or was withdrawn while this application waited for a place. */
  postingEnded: { status: 'filled' | 'withdrawn'; reason?: string } | null;
  /** An early termination accepted while the placement ran: no further month is paid. */
  termination?: { actor: Actor; reason: string; requestId?: string } | null;
}

/** Payment rows of the subject (keyed by seq): the fund's share of month i, the funder's share of month i. */
export const STIPEND_PAYMENT = { fund: (month: number) => month, funder: (month: number) => 100 + month } as const;

export async function internshipWorkflow(input: InternshipWorkflowInput): Promise<Stage> {
  const { student, terms } = input;
  const progress: InternshipProgress = input.resume?.progress ?? {
    funderSharePct: 0,
    funderName: null,
    placeSeq: null,
    stipend: null,
    monthsServed: 0,
    postingEnded: null,
  };

  const lc = new Lifecycle({
    programme: 'internships',
    subjectType: 'internship',
    subjectId: input.internshipId,
    countryCode: terms.countryCode,
    title: terms.title,
    owner: { userId: student.userId },
    ownerInstitutionId: student.institutionId,
    // A fund manager's cancellation is told to the posting's supervisor (not every approver of the country)
    // and to the student's university, besides the student and whoever had an open task.
    concerned: [
      terms.supervisorUserId
        ? { userId: terms.supervisorUserId }
        : { role: 'co_approver', countryCode: terms.countryCode },
      { role: 'university_contact', institutionId: student.institutionId },
    ],
    resume: input.resume?.lifecycle,
  });
  lc.install();
  // Once it holds a place, the posting's end is no longer its business.
  setHandler(postingEndedSignal, (ended) => {
    if (progress.placeSeq === null) progress.postingEnded = ended;
  });
  const acts = lc.track({
    screenInternship: internshipActivities.screenInternship,
    claimInternshipPlace: internshipActivities.claimInternshipPlace,
    internshipStipend: internshipActivities.internshipStipend,
    internshipDates: internshipActivities.internshipDates,
  });
  const reject = rejectWith(lc);

  // Early termination (either side, with a reason): the placement loop stops at its next wait.
  let awaitingFunder = false;
  setHandler(
    terminateInternshipUpdate,
    async (t) => {
      lc.updateAccepted();
      progress.termination = { ...t, reason: t.reason.trim() };
      await lc.commit({
        audit: [
          {
            action: 'termination_requested',
            actorId: t.actor.userId,
            actorRole: t.actor.role,
            comment: t.reason.trim(),
            requestId: t.requestId ?? null,
          },
        ],
      });
      await lc.flush();
      // Answer once it ended, or while it waits for the funder to confirm the shares of the months served.
      await condition(() => isTerminal(lc.stage) || awaitingFunder);
      await lc.flush();
      return { stage: lc.stage };
    },
    {
      validator: (t) => {
        const refusal = terminationRefusal(
          t.actor,
          {
            stage: lc.stage,
            countryCode: terms.countryCode,
            studentUserId: student.userId,
            supervisorUserId: terms.supervisorUserId,
            monthsServed: progress.monthsServed,
            months: terms.months,
            ending: !!progress.termination || lc.withdrawing,
          },
          t.reason,
        );
        if (refusal)
          throw ApplicationFailure.create({
            type: {
              forbidden: FAILURE.forbidden,
              not_allowed_now: FAILURE.notAllowedNow,
              invalid: FAILURE.invalidInput,
            }[refusal.code],
            message: refusal.message,
            nonRetryable: true,
            details: refusal.code === 'invalid' ? [[{ path: 'reason', message: refusal.message }]] : undefined,
          });
      },
    },
  );

  const studentTask = { assigneeUserId: student.userId, role: 'applicant' as const };
  // The Country Office's tasks go to the posting's supervisor, who alone of the office sees the application.
  const countryOffice = {
    role: 'co_approver' as const,
    countryCode: terms.countryCode,
    ...(terms.supervisorUserId ? { assigneeUserId: terms.supervisorUserId } : {}),
  };
  const university = { role: 'university_contact' as const, institutionId: student.institutionId };
  const context = () => ({
    application: input.application,
    posting: terms,
    funderSharePct: progress.funderSharePct,
    stipend: progress.stipend,
  });

  /**
   * A task while the application waits for a place: answered, or the posting ended (filled or
   * withdrawn) first, which ends the application not selected.
   */
  async function askWhileWaiting(
    spec: TaskSpec,
    check?: (d: Decision) => Promise<DecisionProblem[]>,
  ): Promise<Decision | null> {
    const [id] = await lc.openTasks([spec]);
    let decided: Decision | null | undefined;
    void lc.awaitTask(id, check).then(
      (d) => (decided = d),
      () => (decided = null),
    );
    await condition(() => decided !== undefined || (progress.postingEnded !== null && progress.placeSeq === null));
    if (decided) return decided;
    lc.throwIfWithdrawing();
    const ended = progress.postingEnded!;
    await lc.cancelTasks([id], `the posting was ${ended.status}`);
    await lc.transition('not_selected', {
      action: ended.status === 'filled' ? 'posting_filled' : 'posting_withdrawn',
      comment: ended.reason,
      notifyOwner: true,
      extra: { patch: { outcome: ended.status === 'filled' ? 'posting_filled' : 'posting_withdrawn' } },
    });
    return null;
  }

  async function intake(): Promise<void> {
    if (lc.state.seq === 0) {
      await lc.commit({
        stage: { from: null, to: 'intake' },
        create: internshipRowInit(input.application, terms, {
          studentUserId: student.userId,
          institutionId: student.institutionId,
        }),
        audit: [{ action: 'applied', actorId: student.userId, actorRole: 'applicant', toStage: 'intake' }],
      });
    }
    const screening: InternshipScreening = await acts.screenInternship({
      internshipId: input.internshipId,
      studentUserId: student.userId,
      application: input.application,
      terms,
    });
    const findings = { outcome: screening.outcome, findings: screening.findings, ruleSetId: screening.ruleSetId };
    if (screening.outcome === 'fail')
      return reject('ineligible', findings, undefined, undefined, failedReasons(screening.findings));
    await lc.transition('university_verification', {
      action: 'eligible',
      data: { ruleSetId: screening.ruleSetId },
      extra: { patch: { findings } },
    });
  }

  async function universityVerification(): Promise<void> {
    const d = await askWhileWaiting({ kind: 'internship_university_verification', ...university, context: context() });
    if (!d) return;
    if (d.decision === 'decline')
      return lc.transition('rejected', {
        action: 'not_verified',
        actor: d.actor,
        comment: d.comment,
        notifyOwner: true,
        extra: { patch: { outcome: 'not_verified' } },
      });
    const data = d.data as { funderSharePct?: number; funderName?: string };
    progress.funderSharePct = data.funderSharePct ?? 0;
    progress.funderName = progress.funderSharePct > 0 ? (data.funderName ?? null) : null;
    await lc.transition('selection', {
      action: 'enrolment_verified',
      actor: d.actor,
      data: { funderSharePct: progress.funderSharePct },
      extra: { patch: { funderSharePct: progress.funderSharePct, funderName: progress.funderName } },
    });
  }

  async function selection(): Promise<void> {
    const shortlist = await askWhileWaiting({ kind: 'internship_shortlist', ...countryOffice, context: context() });
    if (!shortlist) return;
    const notSelected = (d: Decision) =>
      lc.transition('not_selected', {
        action: 'not_selected',
        actor: d.actor,
        comment: d.comment,
        notifyOwner: true,
        extra: { patch: { outcome: 'not_selected', ...(d.data.interviewDate ? { interview: d.data } : {}) } },
      });
    if (shortlist.decision === 'not_select') return notSelected(shortlist);
    await lc.commit({
      audit: [{ action: 'shortlisted', actorId: shortlist.actor.userId, actorRole: shortlist.actor.role }],
    });
    let claim: PlaceClaim | undefined;
    const interview = await askWhileWaiting(
      { kind: 'internship_interview', ...countryOffice, context: context() },
      async (d) => {
        if (d.decision !== 'select') return [];
        claim = await acts.claimInternshipPlace({ postingId: terms.postingId, internshipId: input.internshipId });
        if ('full' in claim) return [{ path: 'decision', message: 'the posting has no place left' }];
        progress.placeSeq = claim.placeSeq;
        return [];
      },
    );
    if (!interview) return;
    if (interview.decision === 'not_select') return notSelected(interview);
    const taken = claim as { placeSeq: number; filled: boolean };
    try {
      await getExternalWorkflowHandle(input.postingWorkflowId).signal(placeTakenSignal, taken);
    } catch {
      // The posting's workflow has ended (its start window passed): the place is in the database.
    }
    await lc.transition('agreement', {
      action: 'selected',
      actor: interview.actor,
      data: { placeSeq: taken.placeSeq },
      notifyOwner: true,
      extra: { patch: { interview: interview.data } },
    });
  }

  async function agreement(): Promise<void> {
    const stipend = await acts.internshipStipend({
      countryCode: terms.countryCode,
      startDate: terms.startDate,
      funderSharePct: progress.funderSharePct,
    });
    progress.stipend = stipend;
    const months = terms.months;
    const contract: DraftContract = {
      kind: 'internship_agreement',
      partyName: student.name,
      valueCents: stipend.monthlyCents * months,
      tranches: Array.from({ length: months }, (_, i) => ({
        seq: i + 1,
        pct: Math.round(100 / months),
        amountCents: stipend.fundCents,
        milestone: `month ${i + 1}`,
      })),
      policyFindings: { stipend, funderName: progress.funderName },
      exceptionNote: null,
      signatures: {},
    };
    // The agreement (EN, RU) is generated before it goes to the signers.
    await prepareInternshipDocument({
      internshipId: input.internshipId,
      workflowId: workflowInfo().workflowId,
      kind: 'internship_agreement',
      stipend,
      funderName: progress.funderName,
    });
    const parties: (TaskSpec & { key: string })[] = [
      { kind: 'contract_signature', ...studentTask, key: 'student', context: context() },
      { kind: 'contract_signature', ...countryOffice, key: 'country_office', context: context() },
      ...(stipend.funderCents > 0
        ? [{ kind: 'contract_signature' as const, ...university, key: 'funder', context: context() }]
        : []),
    ];
    const ids = await lc.openTasks(parties, {
      contract: { ...contract, status: 'awaiting_signatures' },
      patch: { stipend },
    });
    const results = await Promise.all(
      ids.map(async (id) => {
        const d = await lc.awaitTask(id);
        if (d?.decision === 'decline')
          await lc.cancelTasks(
            ids.filter((x) => x !== id),
            'another party declined to sign',
          );
        return d;
      }),
    );
    const declined = results.find((d) => d?.decision === 'decline');
    if (declined)
      return lc.transition('cancelled', {
        action: 'agreement_declined',
        actor: declined.actor,
        comment: declined.comment,
        notifyOwner: true,
        extra: { contract: { ...contract, status: 'declined' }, patch: { outcome: 'agreement_declined' } },
      });
    const signatures: DraftContract['signatures'] = {};
    results.forEach((d, i) => {
      if (d) signatures[parties[i].key] = { by: d.actor.userId, at: new Date().toISOString() };
    });
    await lc.commit({
      contract: { ...contract, signatures, status: 'signed' },
      audit: [{ action: 'agreement_signed', actorRole: 'system', data: { parties: Object.keys(signatures) } }],
    });
    // Onboarding: due at the start of the start day; incomplete by then, the placement does not start.
    const dates = await acts.internshipDates({ countryCode: terms.countryCode, startDate: terms.startDate, months });
    const onboarding = await lc.ask({
      kind: 'internship_onboarding',
      ...studentTask,
      deadline: dates.start,
      context: { ...context(), startDate: terms.startDate, needsVisa: input.application.needsVisa },
    });
    if (onboarding.expired)
      return lc.transition('cancelled', {
        action: 'onboarding_incomplete',
        notifyOwner: true,
        data: { startDate: terms.startDate },
        extra: { patch: { outcome: 'onboarding_incomplete' } },
      });
    await lc.commit({
      audit: [
        {
          action: 'onboarded',
          actorId: onboarding.actor.userId,
          actorRole: onboarding.actor.role,
          data: { insuranceValidTo: String(onboarding.data.insuranceValidTo) },
        },
      ],
    });
    await lc.sleepUntil(dates.start.timers.dueAt, () => lc.withdrawing);
    lc.throwIfWithdrawing();
    await lc.transition('placement', { action: 'started', data: { startDate: terms.startDate } });
  }

  async function placement(): Promise<void> {
    const stipend = progress.stipend!;
    const months = terms.months;
    const { monthEnds } = await acts.internshipDates({
      countryCode: terms.countryCode,
      startDate: terms.startDate,
      months,
    });
    const funderConfirmations: Promise<unknown>[] = [];
    const midterm = Math.ceil(months / 2);
    const midtermTasks: string[] = [];
    for (let month = progress.monthsServed + 1; month <= months && !progress.termination; month++) {
      const end: TaskDeadline = monthEnds[month - 1];
      await lc.sleepUntil(end.timers.dueAt, () => lc.withdrawing || !!progress.termination);
      lc.throwIfWithdrawing();
      if (progress.termination) break;
      progress.monthsServed = month;
      const payments: PaymentRow[] = stipend.fundCents
        ? [{ seq: STIPEND_PAYMENT.fund(month), payee: student.name, amountCents: stipend.fundCents }]
        : [];
      const tasks: TaskSpec[] = [];
      if (stipend.funderCents > 0)
        tasks.push({
          kind: 'internship_funder_payment',
          ...university,
          key: `m${month}`,
          context: { month, amountCents: stipend.funderCents, intern: student.name },
        });
      if (month === midterm && months > 1)
        tasks.push({ kind: 'internship_midterm_review', ...countryOffice, context: { month, intern: student.name } });
      const extra = {
        payments,
        patch: { monthsServed: month },
        audit: [{ action: 'stipend_month', actorRole: 'system', data: { month, fundCents: stipend.fundCents } }],
      };
      let ids: string[] = [];
      if (tasks.length) ids = await lc.openTasks(tasks, extra);
      else await lc.commit(extra);
      for (const [i, id] of ids.entries()) {
        if (tasks[i].kind !== 'internship_funder_payment') {
          midtermTasks.push(id);
          funderConfirmations.push(lc.awaitTask(id));
          continue;
        }
        funderConfirmations.push(
          lc.awaitTask(id).then((d) =>
            d
              ? lc.commit({
                  payments: [
                    {
                      seq: STIPEND_PAYMENT.funder(month),
                      payee: `${progress.funderName ?? 'University'} (parallel funding)`,
                      amountCents: stipend.funderCents,
                    },
                  ],
                  audit: [
                    {
                      action: 'funder_share_paid',
                      actorId: d.actor.userId,
                      actorRole: d.actor.role,
                      data: { month, amountCents: stipend.funderCents, paidOn: String(d.data.paidOn) },
                    },
                  ],
                })
              : undefined,
          ),
        );
      }
    }
    if (progress.termination) return terminate(midtermTasks, funderConfirmations);
    await Promise.all(funderConfirmations);
    await lc.transition('evaluation', { action: 'placement_completed', data: { monthsServed: progress.monthsServed } });
  }

  /**
   * The placement ends early: no review of it is asked any more, the funder still confirms its shares
   * of the months served (payments add up for them), then `terminated`; the intern, the supervisor and
   * the university are told with the reason.
   */
  async function terminate(reviews: string[], funderConfirmations: Promise<unknown>[]): Promise<void> {
    const t = progress.termination!;
    const open = reviews.filter((id) => lc.openTaskIds().includes(id));
    if (open.length) await lc.cancelTasks(open, 'the internship ended early');
    awaitingFunder = true;
    await Promise.all(funderConfirmations);
    await lc.transition('terminated', {
      action: 'terminated',
      actor: t.actor,
      comment: t.reason,
      notifyOwner: true,
      data: { monthsServed: progress.monthsServed },
      extra: {
        patch: { outcome: 'terminated' },
        notifications: [countryOffice, university].map((to) => ({
          template: 'decision_outcome' as const,
          to: 'assigneeUserId' in to && to.assigneeUserId ? { userId: to.assigneeUserId } : to,
          data: lc.noticeData({ stage: 'terminated', outcome: 'terminated', comment: t.reason }),
        })),
      },
    });
  }

  async function evaluation(): Promise<void> {
    const ids = await lc.openTasks([
      { kind: 'internship_final_evaluation', ...countryOffice, context: { intern: student.name, posting: terms } },
      { kind: 'internship_final_report', ...studentTask, context: { posting: terms } },
    ]);
    const [evaluationDecision, report] = await Promise.all(ids.map((id) => lc.awaitTask(id)));
    const rating = evaluationDecision ? Number(evaluationDecision.data.rating) : null;
    // The certificate of completion (EN, RU) on the supervisor's evaluation.
    if (progress.stipend)
      await prepareInternshipDocument({
        internshipId: input.internshipId,
        workflowId: workflowInfo().workflowId,
        kind: 'internship_certificate',
        stipend: progress.stipend,
        funderName: progress.funderName,
        monthsServed: progress.monthsServed,
        rating,
      });
    await lc.transition('closed', {
      action: 'certificate_issued',
      notifyOwner: true,
      data: {
        monthsServed: progress.monthsServed,
        rating,
        reportSubmitted: report !== null,
      },
    });
  }

  return lc.runStages(
    { intake, university_verification: universityVerification, selection, agreement, placement, evaluation },
    input.continueAsNewAfterSteps,
    () => continueAsNew<typeof internshipWorkflow>({ ...input, resume: { lifecycle: lc.state, progress } }),
  );
}
