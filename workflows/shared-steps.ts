/**
 * Steps the programme workflows share, written once: endorsement with revisions, the alignment
 * check with manual review, the two-party signature and the paid deliverable (milestone) loop.
 * Each takes the programme's Lifecycle and what differs between programmes as options, so a
 * programme workflow reads as its sequence of steps. (Read-model commits: domain/steps.ts.)
 */
import { failedReasons, type PolicyResult, type Reason } from '../domain/policy/findings';
import type { AlignmentCheck } from '../domain/policy/alignment';
import type { AuditEntry, ContractRow, DeliverableRow, StepCommit } from '../domain/steps';
import type { NotificationRequest } from '../domain/notifications';
import type { TaskDeadline } from '../domain/deadline-rules';
import type { ActivityOptions } from '@temporalio/workflow';
import type { Decision, Lifecycle, TaskSpec } from './lifecycle';

/** The options of a programme workflow's own activities: a policy or validation failure is final, anything else is retried. */
export const PROGRAMME_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '500 ms',
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: ['PolicyViolation', 'ValidationError'],
  },
};

type Actor = Decision['actor'];

/**
 * Rejected by a person (with their comment) or by the rules (with the failed rules as reasons):
 * the `rejected` stage, the findings and the outcome on the subject, a mail to the owner.
 */
export function rejectWith(lc: Lifecycle) {
  return (
    action: string,
    findings: PolicyResult | unknown,
    comment?: string,
    actor?: Actor,
    reasons?: Reason[],
  ): Promise<void> =>
    lc.transition('rejected', {
      action,
      actor,
      comment,
      reasons,
      notifyOwner: true,
      extra: { patch: { findings, outcome: action } },
    });
}

export interface EndorsementOptions {
  /** The Country Office's endorsement task. */
  endorsement: () => TaskSpec;
  /** The owner's revision task, given the changes asked for. */
  revision: (requestedChanges: string) => TaskSpec;
  /** Applies a resubmission (subject, title, read-model patch and audit). */
  applyRevision: (revision: Decision) => Promise<void>;
  /** Screens the subject again after a resubmission; false when it was rejected. */
  screen: () => Promise<boolean>;
  reject: ReturnType<typeof rejectWith>;
}

/** CO endorsement: endorse, reject, or ask for changes (the owner revises, the subject is screened and endorsed again). */
export async function endorsementWithRevisions(lc: Lifecycle, o: EndorsementOptions): Promise<void> {
  for (;;) {
    const d = await lc.ask(o.endorsement());
    if (d.decision === 'endorse')
      return lc.transition('alignment_check', { action: 'endorsed', actor: d.actor, comment: d.comment });
    if (d.decision === 'reject') return o.reject('co_rejected', null, d.comment, d.actor);
    // The request for changes opens the subject's message thread with the Country Office's words.
    const revision = await lc.ask(
      o.revision(d.comment ?? ''),
      undefined,
      d.comment ? { messages: [{ authorId: d.actor.userId, authorRole: d.actor.role, body: d.comment }] } : undefined,
    );
    await o.applyRevision(revision);
    if (!(await o.screen())) return;
  }
}

/** Alignment with the Cooperation Framework: aligned goes on, not aligned is rejected, a partial match goes to the fund manager. */
export async function alignmentWithReview(
  lc: Lifecycle,
  check: AlignmentCheck,
  reject: ReturnType<typeof rejectWith>,
): Promise<void> {
  await lc.commit({
    patch: { findings: check },
    audit: [
      {
        action: 'alignment_checked',
        actorRole: 'system',
        data: { result: check.result, matchedOutcomes: check.matchedOutcomes },
      },
    ],
  });
  if (check.result === 'not_aligned')
    return reject('not_aligned', check, undefined, undefined, failedReasons(check.reasons));
  if (check.result === 'needs_review') {
    const d = await lc.ask({
      kind: 'alignment_review',
      role: 'fund_manager',
      context: { reasons: check.reasons, matchedOutcomes: check.matchedOutcomes },
    });
    if (d.decision === 'reject') return reject('not_aligned', check, d.comment, d.actor);
  }
  await lc.transition('selection', { action: 'aligned' });
}

export type DraftContract = Omit<ContractRow, 'status'>;

/**
 * A contract paid in instalments, one per item (a milestone, a deliverable) of `amounts[i]` cents
 * out of `valueCents`: its tranches, the deliverable rows it opens and the draft to sign.
 */
export function instalmentContract(o: {
  kind: DraftContract['kind'];
  partyName: string;
  valueCents: number;
  items: readonly { title: string; dueDate: string }[];
  amounts: readonly number[];
  policyFindings: unknown;
  exceptionNote: string | null;
}) {
  const tranches = o.items.map((item, i) => ({
    seq: i + 1,
    pct: Math.round((o.amounts[i] / o.valueCents) * 100),
    amountCents: o.amounts[i],
    milestone: item.title,
  }));
  const deliverables: DeliverableRow[] = o.items.map((item, i) => ({
    seq: i + 1,
    title: item.title,
    dueDate: item.dueDate,
    amountCents: o.amounts[i],
    status: 'pending',
  }));
  const contract: DraftContract = {
    kind: o.kind,
    partyName: o.partyName,
    valueCents: o.valueCents,
    tranches,
    policyFindings: o.policyFindings,
    exceptionNote: o.exceptionNote,
    signatures: {},
  };
  return { tranches, deliverables, contract };
}

/**
 * The contract drafted and both parties asked to sign, in parallel; a decline cancels the other
 * signature. With `voidOnWithdrawal`, a withdrawal meanwhile voids the draft. Answers the decline,
 * or the contract with both signatures (keyed by each party's task key).
 */
export async function twoPartySignature(
  lc: Lifecycle,
  contract: DraftContract,
  parties: [TaskSpec & { key: string }, TaskSpec & { key: string }],
  opts: {
    extra?: Omit<StepCommit, 'workflowId' | 'seq' | 'at' | 'subject' | 'openTasks' | 'contract'>;
    voidOnWithdrawal?: string;
  } = {},
): Promise<{ declined: Decision } | { declined?: undefined; signed: ContractRow; signatures: Decision[] }> {
  const ids = await lc.openTasks(parties, { ...opts.extra, contract: { ...contract, status: 'awaiting_signatures' } });
  let results: (Decision | null)[];
  try {
    results = await Promise.all(
      ids.map(async (id) => {
        const d = await lc.awaitTask(id);
        if (d?.decision === 'decline')
          await lc.cancelTasks(
            ids.filter((x) => x !== id),
            'the other party declined to sign',
          );
        return d;
      }),
    );
  } catch (err) {
    // Withdrawn while awaiting signatures: the draft is void (the kernel then cancels the tasks).
    if (opts.voidOnWithdrawal && lc.withdrawing) {
      await lc.commit({
        contract: { ...contract, status: 'declined' },
        audit: [{ action: 'contract_voided', actorRole: 'system', comment: opts.voidOnWithdrawal }],
      });
    }
    throw err;
  }
  const declined = results.find((d) => d?.decision === 'decline');
  if (declined) return { declined };
  const signatures = { ...contract.signatures };
  results.forEach((d, i) => {
    if (d) signatures[parties[i].key] = { by: d.actor.userId, at: new Date().toISOString() };
  });
  return {
    signed: { ...contract, signatures, status: 'signed' },
    signatures: results.filter((d): d is Decision => d !== null),
  };
}

export interface PaidItem {
  row: DeliverableRow;
  /** Submission and verification tasks of this item. */
  submission: TaskSpec;
  verification: (submitted: Decision) => TaskSpec;
}

export interface PaidItemsOptions {
  count: number;
  /** Index of the next item (progress survives continue-as-new). */
  next: () => number;
  advance: () => void;
  item: (i: number) => PaidItem;
  /** The payment of an accepted item: who is paid, and the audit entry and mail that go with it. */
  payment: (
    i: number,
    row: DeliverableRow,
    verifier: Decision,
  ) => { payee: string; audit: AuditEntry; notification: NotificationRequest };
  /**
   * The first submission task's dates (it may wait until they open): e.g. a milestone report opens
   * some days before the milestone's date. Without it the task opens at once on its SLA.
   */
  submissionDeadline?: (i: number) => Promise<TaskDeadline>;
  /** Keep the report on the row when a revision is asked for. */
  keepReportOnRevision?: boolean;
  /** Continue as new between items when this says so. */
  shouldContinueAsNew: () => boolean;
}

/**
 * Deliverables (milestones) in order: the owner submits, the verifier accepts (and the item's
 * amount is paid) or asks for a revision. Answers true when every item is accepted, false when
 * the workflow should continue as new first.
 */
export async function paidItems(lc: Lifecycle, o: PaidItemsOptions): Promise<boolean> {
  while (o.next() < o.count) {
    const i = o.next();
    const { row, submission, verification } = o.item(i);
    let deadline = o.submissionDeadline ? await o.submissionDeadline(i) : undefined;
    for (;;) {
      // A resubmission after a revision request is due on the SLA, from the request.
      const sub = await lc.ask(deadline ? { ...o.item(i).submission, deadline } : submission);
      deadline = undefined;
      const report = String(sub.data.report);
      await lc.commit({ deliverables: [{ ...row, status: 'submitted', report }] });
      const v = await lc.ask(verification(sub));
      if (v.decision === 'accept') {
        const pay = o.payment(i, row, v);
        await lc.commit({
          deliverables: [{ ...row, status: 'accepted', report }],
          payments: [{ seq: i + 1, deliverableSeq: i + 1, payee: pay.payee, amountCents: row.amountCents }],
          audit: [pay.audit],
          notifications: [pay.notification],
        });
        break;
      }
      await lc.commit({
        deliverables: [{ ...row, status: 'revision_requested', ...(o.keepReportOnRevision ? { report } : {}) }],
      });
    }
    o.advance();
    if (o.shouldContinueAsNew()) return false;
  }
  return true;
}
