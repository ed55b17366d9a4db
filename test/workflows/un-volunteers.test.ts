import { addDays } from '../../domain/calendar';
import {
  addMonths,
  assignmentCosts,
  emptyLedger,
  extensionCosts,
  monthsServed,
  type UnvLedger,
} from '../../domain/policy/unv';
import type { Stage } from '../../domain/stages';
import { recordHistory } from '../helpers/histories';
import { decide, openTask } from '../helpers/lifecycle';
import { unvCandidate as candidate, unvWorkflowKit, type UnvHandle as Handle } from '../helpers/unv';
import { eventually } from '../helpers/wait';

/**
 * UN Volunteers fully funded through the real Temporal dev server, PostgreSQL and SMTP, on a
 * compressed Clock (a calendar day lasts 600 ms): the offer's deadline and the assignment's planned
 * end arrive within seconds. Scenarios run side by side on one worker; each checks that the money
 * adds up (commitment = approved estimates − released; transfers within the commitment; spent
 * against transferred).
 */
const unv = unvWorkflowKit('un-volunteers', {
  dayMs: 600,
  idPrefix: 'unv-test',
  base: {
    title: 'Climate finance associate',
    hostEntity: 'UNDP Country Office in Kyrgyzstan',
    dutyStation: { city: 'Bishkek', countryCode: 'KG' },
    category: 'specialist',
    months: 6,
    tasks: 'Support the climate finance portfolio of the Country Office.',
    qualifications: 'Master’s degree; experience in climate finance.',
    languages: ['English', 'Russian'],
    sdgs: [13],
  },
});
const { today, request, start, idOf, row, auditActions, rate, set: SET } = unv;

const payments = async (h: Handle) =>
  (await unv.ctx.db.prisma.payment.findMany({ where: { subjectId: idOf(h) }, orderBy: { releasedAt: 'asc' } })).map(
    (p) => p.amountCents,
  );
const taskContext = async (id: string) =>
  (await eventually(() => unv.ctx.db.prisma.task.findUnique({ where: { id } })))!.context as unknown;

/** The money of a row adds up: its columns agree with its ledger and the payments, transfers stay within the commitment. */
async function moneyAddsUp(h: Handle): Promise<{ committed: number; transferred: number; spent: number }> {
  const r = await row(h);
  const ledger = (r.ledger as unknown as UnvLedger | null) ?? emptyLedger();
  const committed = ledger.estimates.reduce((s, e) => s + e.cents, 0) - ledger.releasedCents;
  const transferred = ledger.transfers.reduce((s, t) => s + t.cents, 0);
  expect(r.committedCents).toBe(committed);
  expect(r.releasedCents).toBe(ledger.releasedCents);
  expect(r.transferredCents).toBe(transferred);
  expect((await payments(h)).reduce((s, c) => s + c, 0)).toBe(transferred);
  // Every running total of transfers stays within the commitment.
  let running = 0;
  for (const t of ledger.transfers) {
    running += t.cents;
    expect(running).toBeLessThanOrEqual(committed + ledger.releasedCents);
  }
  expect(transferred).toBeLessThanOrEqual(committed);
  return { committed, transferred, spent: r.spentCents };
}

async function funded(h: Handle): Promise<void> {
  await decide(h, 'unv_funding_decision', 'fundManager', 'approve', {});
  await openTask(h, 'unv_shortlist');
}

/** The start date that puts the planned end `daysLeft` days from today (the host records a deployment under way). */
function startFor(months: number, daysLeft: number): string {
  return addMonths(addDays(today(), daysLeft + 1), -months);
}

async function stageOf(h: Handle, stage: Stage): Promise<void> {
  await eventually(async () => (await row(h).catch(() => null))?.stage === stage, 60_000);
}

test('not funded: a request outside the category’s bounds ends with its findings; the fund manager declines another', async () => {
  await unv.withWorker(async (tq) => {
    const short = await start(tq, request({ months: 3 }));
    expect(await short.result()).toBe('not_funded');
    const r = await row(short);
    const findings = (r.findings as { findings: { rule: string; outcome: string }[] }).findings;
    expect(findings.find((f) => f.rule === 'duration')?.outcome).toBe('fail');
    expect(r.committedCents).toBe(0);

    const declined = await start(tq, request());
    const task = await openTask(declined, 'unv_funding_decision');
    // The estimate comes from the rule set: living allowance × months, settling-in, insurance, travel, resettlement, support.
    const estimate = ((await taskContext(task.id)) as { estimate: { totalCents: number } }).estimate;
    expect(estimate.totalCents).toBe(assignmentCosts(rate, 6, SET).totalCents);
    await expect(decide(declined, 'unv_funding_decision', 'fundManager', 'reject', {})).rejects.toThrow(
      /InvalidDecision: .*comment/,
    );
    await decide(declined, 'unv_funding_decision', 'fundManager', 'reject', {
      comment: 'Envelope reserved for youth',
    });
    expect(await declined.result()).toBe('not_funded');
    expect((await row(declined)).outcome).toBe('not_funded');
    expect(await payments(declined)).toEqual([]);
    await moneyAddsUp(declined);
  });
}, 300_000);

test('closed: ineligible candidate left out, offer declined then the next, extension refused then granted, completed, reconciled with a variance explained', async () => {
  await unv.withWorker(async (tq) => {
    const h = await start(tq, request());
    await funded(h);
    const initial = assignmentCosts(rate, 6, SET).totalCents;
    expect((await row(h)).committedCents).toBe(initial);

    // UNV proposes three: one is not a Russian citizen, one too young for a specialist.
    await decide(h, 'unv_shortlist', 'unvOfficer', 'propose', {
      data: {
        candidates: [
          candidate('c-kz', { citizenship: 'KZ' }),
          candidate('c-young', { birthDate: addDays(today(), -365 * 22) }),
          candidate('c-a'),
          candidate('c-b', { birthDate: '1985-02-10', yearsExperience: 12 }),
        ],
      },
    });
    const selection = await openTask(h, 'unv_host_selection');
    expect(selection.assigneeRole).toBe('co_approver');
    const shortlist = (await row(h)).shortlist as { candidate: { id: string }; eligible: boolean }[];
    expect(shortlist.filter((c) => c.eligible).map((c) => c.candidate.id)).toEqual(['c-a', 'c-b']);
    // An ineligible candidate cannot be ranked.
    await expect(
      decide(h, 'unv_host_selection', 'coKg', 'select', { data: { ranking: ['c-kz', 'c-a'] } }),
    ).rejects.toThrow(/InvalidDecision: .*not on the shortlist: c-kz/);
    // Another country's Country Office is not the host.
    await expect(decide(h, 'unv_host_selection', 'coTj', 'select', { data: { ranking: ['c-a'] } })).rejects.toThrow(
      /Forbidden/,
    );
    await decide(h, 'unv_host_selection', 'coKg', 'select', { data: { ranking: ['c-a', 'c-b'] } });

    // The first declines; the next one is offered.
    await decide(h, 'unv_offer', 'unvOfficer', 'declined', {
      data: { reason: 'Accepted another post' },
      match: (t) => t.id.includes(':c-a:'),
    });
    await decide(h, 'unv_offer', 'unvOfficer', 'accepted', { data: {}, match: (t) => t.id.includes(':c-b:') });
    await decide(h, 'unv_clearances', 'unvOfficer', 'cleared', { data: { medical: true, security: true } });
    await decide(h, 'unv_deployment', 'coKg', 'confirm', { data: { startDate: startFor(6, 20) } });
    await stageOf(h, 'assignment');
    let r = await row(h);
    expect(r.volunteerName).toBe('Candidate c-b');
    // Six months ≤ the advance's twelve: the whole commitment goes to UNV on deployment.
    expect(await payments(h)).toEqual([initial]);

    // Beyond the category's maximum total duration: refused by the validator.
    await expect(
      decide(h, 'unv_assignment', 'coKg', 'request_extension', { data: { months: 43, justification: 'Long' } }),
    ).rejects.toThrow(/InvalidDecision: .*maximum of 48/);
    await decide(h, 'unv_assignment', 'coKg', 'request_extension', {
      data: { months: 2, justification: 'Second GCF proposal' },
    });
    await decide(h, 'unv_extension_decision', 'fundManager', 'refuse', { comment: 'Not this year' });
    await decide(h, 'unv_assignment', 'coKg', 'request_extension', {
      data: { months: 1, justification: 'Hand-over of the portfolio' },
    });
    await decide(h, 'unv_extension_decision', 'fundManager', 'grant', {});
    const extension = extensionCosts(rate, 1, SET).totalCents;
    await eventually(async () => (await row(h)).plannedMonths === 7);
    r = await row(h);
    expect(r.committedCents).toBe(initial + extension);
    expect(await payments(h)).toEqual([initial, extension]);
    await moneyAddsUp(h);

    // The planned end passes: the assignment is complete; the host reports, UNV's statement is reconciled.
    await decide(h, 'unv_end_report', 'coKg', 'submit_report', {
      data: { report: 'Two GCF concept notes submitted.', rating: 5 },
      waitMs: 120_000,
    });
    const transferred = initial + extension;
    const spentUsd = (transferred - 300_000) / 100;
    await expect(
      decide(h, 'unv_statement', 'unvOfficer', 'submit_statement', {
        data: { periodEnd: today(), spentUsd },
      }),
    ).rejects.toThrow(/InvalidDecision: .*varianceExplanation/);
    await decide(h, 'unv_statement', 'unvOfficer', 'submit_statement', {
      data: { periodEnd: today(), spentUsd, varianceExplanation: 'Travel booked at a lower fare; no home visit' },
    });
    const verify = await openTask(h, 'unv_reconciliation');
    const rec = (
      (await taskContext(verify.id)) as {
        reconciliation: { varianceCents: number; overspent: boolean; refundCents: number };
      }
    ).reconciliation;
    expect(rec).toMatchObject({ varianceCents: 300_000, overspent: false, refundCents: 300_000 });
    await decide(h, 'unv_reconciliation', 'fundManager', 'verify', {});
    expect(await h.result()).toBe('closed');
    // UNV refunds the unspent funds; the commitment closes at what was spent.
    expect(await payments(h)).toEqual([initial, extension, -300_000]);
    const money = await moneyAddsUp(h);
    expect(money).toEqual({
      committed: transferred - 300_000,
      transferred: transferred - 300_000,
      spent: transferred - 300_000,
    });
    const actions = await auditActions(h);
    for (const a of [
      'candidates_screened',
      'offer_declined',
      'extension_refused',
      'extension_granted',
      'assignment_completed',
      'refunded_by_unv',
    ])
      expect(actions).toContain(a);
    await recordHistory(h, 'unv-assignment-closed');
  });
}, 400_000);

test('separated early: an offer expires, a new shortlist, early separation releases the unspent commitment, reconciled', async () => {
  await unv.withWorker(async (tq) => {
    const h = await start(tq, request({ months: 12 }));
    await funded(h);
    const initial = assignmentCosts(rate, 12, SET).totalCents;
    await decide(h, 'unv_shortlist', 'unvOfficer', 'propose', { data: { candidates: [candidate('c-1')] } });
    await decide(h, 'unv_host_selection', 'coKg', 'select', { data: { ranking: ['c-1'] } });
    // Nobody answers the offer: it expires at its deadline, and the ranking is exhausted.
    await openTask(h, 'unv_offer');
    await decide(h, 'unv_shortlist', 'unvOfficer', 'propose', {
      data: { candidates: [candidate('c-2')] },
      waitMs: 120_000,
    });
    await decide(h, 'unv_host_selection', 'coKg', 'select', { data: { ranking: ['c-2'] } });
    await decide(h, 'unv_offer', 'unvOfficer', 'accepted', { data: {} });
    // Clearances not granted for a candidate would offer the next; here they are granted.
    await decide(h, 'unv_clearances', 'unvOfficer', 'cleared', { data: { medical: true, security: true } });
    const startDate = startFor(12, 300);
    await decide(h, 'unv_deployment', 'coKg', 'confirm', { data: { startDate } });
    await stageOf(h, 'assignment');
    expect(await payments(h)).toEqual([initial]);

    const date = today();
    // Outside the assignment: refused.
    await expect(
      decide(h, 'unv_assignment', 'coKg', 'separation', { data: { date: addDays(startDate, -1), reason: 'x' } }),
    ).rejects.toThrow(/InvalidDecision: .*within the assignment/);
    await decide(h, 'unv_assignment', 'coKg', 'separation', { data: { date, reason: 'Medical evacuation' } });
    await stageOf(h, 'reconciliation');
    // The months served cost less than what UNV already holds: nothing more to release yet, the rest comes back.
    const served = assignmentCosts(rate, monthsServed(startDate, date), SET).totalCents;
    expect(served).toBeLessThan(initial);
    let money = await moneyAddsUp(h);
    expect(money.committed).toBe(initial);

    await decide(h, 'unv_end_report', 'coKg', 'submit_report', { data: { report: 'Ended early.', rating: 4 } });
    await decide(h, 'unv_statement', 'unvOfficer', 'submit_statement', {
      data: { periodEnd: date, spentUsd: served / 100, varianceExplanation: 'Separated after two months' },
    });
    await decide(h, 'unv_reconciliation', 'fundManager', 'request_revision', { comment: 'Include the resettlement' });
    await decide(h, 'unv_statement', 'unvOfficer', 'submit_statement', {
      data: {
        periodEnd: date,
        spentUsd: served / 100,
        varianceExplanation: 'Separated after two months; resettlement included',
      },
    });
    await decide(h, 'unv_reconciliation', 'fundManager', 'verify', {});
    expect(await h.result()).toBe('separated_early');
    expect(await payments(h)).toEqual([initial, served - initial]);
    money = await moneyAddsUp(h);
    expect(money).toEqual({ committed: served, transferred: served, spent: served });
    const r = await row(h);
    expect(r.releasedCents).toBe(initial - served);
    const actions = await auditActions(h);
    for (const a of ['offer_expired', 'shortlist_exhausted', 'separated', 'commitment_released', 'refunded_by_unv'])
      expect(actions).toContain(a);
    await recordHistory(h, 'unv-assignment-separated-early');
  });
}, 400_000);
