import { addDays } from '../../domain/calendar';
import { DEMO_USERS } from '../../domain/demo';
import { addMonths, assignmentCosts, monthsServed } from '../../domain/policy/unv';
import type { Actor } from '../../domain/roles';
import { recordHistory } from '../helpers/histories';
import { decide, openTask } from '../helpers/lifecycle';
import { unvCandidate, unvWorkflowKit } from '../helpers/unv';
import { eventually } from '../helpers/wait';

/**
 * UN Volunteers: the selected volunteer's own account and tasks (pre-deployment steps, end report),
 * and UNV's interim statements during the assignment, each reconciled against the commitment, the
 * transfers and the spending expected to its period end. Real Temporal, PostgreSQL and SMTP on a
 * compressed Clock (a calendar day lasts 600 ms).
 */
const unv = unvWorkflowKit('un-volunteers-volunteer', {
  dayMs: 600,
  idPrefix: 'unv-vol',
  base: {
    title: 'Youth volunteer, SDG data',
    hostEntity: 'UNDP Country Office in Kyrgyzstan',
    dutyStation: { city: 'Osh', countryCode: 'KG' },
    category: 'specialist',
    months: 6,
    tasks: 'Support the SDG data portal of the Country Office.',
    qualifications: 'Degree in statistics; two years of experience.',
    languages: ['Russian', 'English'],
    sdgs: [17],
  },
});
const { today, request, start, idOf, row, ledgerOf, auditActions, rate, set: SET } = unv;

test('the volunteer’s own steps and report; interim statements reconciled, a variance explained; money adds up', async () => {
  await unv.withWorker(async (tq) => {
    const h = await start(tq, request());
    await decide(h, 'unv_funding_decision', 'fundManager', 'approve', {});
    const committed = assignmentCosts(rate, 6, SET).totalCents;
    const email = `volunteer-${Date.now()}@example.org`;
    await decide(h, 'unv_shortlist', 'unvOfficer', 'propose', {
      data: {
        candidates: [
          {
            id: 'c-w',
            name: 'Daria Withdraws',
            citizenship: 'RU',
            birthDate: '1992-01-15',
            degree: 'master',
            yearsExperience: 5,
            email: DEMO_USERS.expert1.email,
          },
          {
            id: 'c-v',
            name: 'Ivan Volunteer',
            citizenship: 'RU',
            birthDate: '1993-03-03',
            degree: 'bachelor',
            yearsExperience: 4,
            email,
          },
        ],
      },
    });
    await decide(h, 'unv_host_selection', 'coKg', 'select', { data: { ranking: ['c-w', 'c-v'] } });

    // The first candidate's address belongs to an expert's account: UNV handles the steps itself
    // (no volunteer task); the officer records that the clearances were not granted.
    await decide(h, 'unv_offer', 'unvOfficer', 'accepted', { data: {}, match: (t) => t.id.includes(':c-w:') });
    await decide(h, 'unv_clearances', 'unvOfficer', 'not_cleared', {
      data: { reason: 'Medical clearance not granted' },
      match: (t) => t.id.includes(':c-w:'),
    });
    await decide(h, 'unv_offer', 'unvOfficer', 'accepted', { data: {}, match: (t) => t.id.includes(':c-v:') });

    // The second gets an account of their own as a UN Volunteer, and their own task.
    const user = await eventually(() => unv.ctx.db.prisma.user.findUnique({ where: { email } }));
    expect(user).toMatchObject({ role: 'unv_volunteer', name: 'Ivan Volunteer' });
    const volunteer: Actor = { userId: user!.id, role: 'unv_volunteer' };
    const own = await openTask(h, 'unv_volunteer_clearances');
    expect(own.assigneeUserId).toBe(user!.id);
    // Nobody else decides it, not even the UNV officer.
    await expect(
      decide(h, 'unv_volunteer_clearances', 'unvOfficer', 'completed', {
        data: { medicalExamOn: today(), securityTrainingOn: today() },
      }),
    ).rejects.toThrow(/Forbidden/);
    await expect(
      decide(h, 'unv_volunteer_clearances', volunteer, 'completed', { data: { medicalExamOn: 'soon' } }),
    ).rejects.toThrow(/InvalidDecision/);
    const steps = { medicalExamOn: addDays(today(), -3), securityTrainingOn: addDays(today(), -2) };
    await decide(h, 'unv_volunteer_clearances', volunteer, 'completed', { data: steps });
    const clearances = await openTask(h, 'unv_clearances', (t) => t.id.includes(':c-v:'));
    const task = await eventually(() => unv.ctx.db.prisma.task.findUnique({ where: { id: clearances.id } }));
    expect((task!.context as { volunteerSteps: unknown }).volunteerSteps).toEqual(steps);
    await decide(h, 'unv_clearances', 'unvOfficer', 'cleared', { data: { medical: true, security: true } });

    // Deployed five and a half months ago: the planned end is 40 days ahead.
    const startDate = addMonths(addDays(today(), 41), -6);
    await decide(h, 'unv_deployment', 'coKg', 'confirm', { data: { startDate } });
    await eventually(async () => (await row(h)).stage === 'assignment', 60_000);
    expect((await row(h)).transferredCents).toBe(committed);

    // An interim statement: its period ends within the assignment, after the last one.
    await openTask(h, 'unv_interim_statement');
    await expect(
      decide(h, 'unv_interim_statement', 'unvOfficer', 'submit_statement', {
        data: { periodEnd: addDays(startDate, -1), spentUsd: 1000 },
      }),
    ).rejects.toThrow(/InvalidDecision: .*within the assignment/);
    const firstEnd = addDays(startDate, 60);
    const expected1 = Math.min(committed, assignmentCosts(rate, monthsServed(startDate, firstEnd), SET).totalCents);
    // Spent as expected: no explanation needed.
    await decide(h, 'unv_interim_statement', 'unvOfficer', 'submit_statement', {
      data: { periodEnd: firstEnd, spentUsd: expected1 / 100 },
    });
    await eventually(async () => (await ledgerOf(h)).statements.length === 1);
    expect((await ledgerOf(h)).statements[0]).toMatchObject({
      periodEnd: firstEnd,
      spentCents: expected1,
      final: false,
      expectedCents: expected1,
      varianceCents: 0,
      overspent: false,
    });
    expect((await row(h)).spentCents).toBe(expected1);

    // The next one opens; a period end not after the last is refused, and a variance beyond the tolerance needs words.
    await openTask(h, 'unv_interim_statement');
    await expect(
      decide(h, 'unv_interim_statement', 'unvOfficer', 'submit_statement', {
        data: { periodEnd: firstEnd, spentUsd: expected1 / 100 },
      }),
    ).rejects.toThrow(/InvalidDecision: .*after the last statement/);
    const secondEnd = addDays(startDate, 120);
    const expected2 = Math.min(committed, assignmentCosts(rate, monthsServed(startDate, secondEnd), SET).totalCents);
    const spent2 = expected2 - 200_000;
    await expect(
      decide(h, 'unv_interim_statement', 'unvOfficer', 'submit_statement', {
        data: { periodEnd: secondEnd, spentUsd: spent2 / 100 },
      }),
    ).rejects.toThrow(/InvalidDecision: .*varianceExplanation/);
    await decide(h, 'unv_interim_statement', 'unvOfficer', 'submit_statement', {
      data: { periodEnd: secondEnd, spentUsd: spent2 / 100, varianceExplanation: 'Home leave not taken' },
    });
    await eventually(async () => (await ledgerOf(h)).statements.length === 2);
    expect((await ledgerOf(h)).statements[1]).toMatchObject({
      expectedCents: expected2,
      varianceCents: 200_000,
      varianceExplanation: 'Home leave not taken',
    });

    // The planned end: the open interim statement closes by itself, the host and the volunteer report.
    const hostReport = await openTask(h, 'unv_end_report', () => true, 120_000);
    expect(hostReport.assigneeRole).toBe('co_approver');
    const ownReport = await openTask(h, 'unv_volunteer_end_report');
    expect(ownReport.assigneeUserId).toBe(user!.id);
    await decide(h, 'unv_volunteer_end_report', volunteer, 'submit_report', {
      data: { report: 'The SDG data portal is live; I trained four colleagues.', rating: 5 },
    });
    await decide(h, 'unv_end_report', 'coKg', 'submit_report', {
      data: { report: 'The portal is live.', rating: 5 },
    });
    await decide(h, 'unv_statement', 'unvOfficer', 'submit_statement', {
      data: { periodEnd: today(), spentUsd: committed / 100 },
    });
    await decide(h, 'unv_reconciliation', 'fundManager', 'verify', {});
    expect(await h.result()).toBe('closed');

    const r = await row(h);
    expect((r.endReport as { volunteer: { rating: number } }).volunteer.rating).toBe(5);
    const ledger = await ledgerOf(h);
    expect(ledger.statements.map((s) => s.final)).toEqual([false, false, true]);
    // Money adds up: commitment = estimates − released, transfers within it, spent = transferred at the close.
    const commitment = ledger.estimates.reduce((s, e) => s + e.cents, 0) - ledger.releasedCents;
    const transferred = ledger.transfers.reduce((s, t) => s + t.cents, 0);
    expect([r.committedCents, r.transferredCents, r.spentCents]).toEqual([commitment, transferred, committed]);
    expect(transferred).toBeLessThanOrEqual(commitment);
    const actions = await auditActions(h);
    for (const a of [
      'not_cleared',
      'interim_statement_reconciled',
      'volunteer_report_submitted',
      'end_report_submitted',
      'reconciled',
    ])
      expect(actions).toContain(a);
    // The interim statement task open at the planned end was closed by it, not left open.
    expect(
      await unv.ctx.db.prisma.task.count({
        where: { subjectId: idOf(h), kind: 'unv_interim_statement', status: 'open' },
      }),
    ).toBe(0);
    await recordHistory(h, 'unv-assignment-volunteer-interim-statements');
  });
}, 400_000);

test('the volunteer withdraws before deployment: the next candidate is offered', async () => {
  await unv.withWorker(async (tq) => {
    const h = await start(tq, request());
    await decide(h, 'unv_funding_decision', 'fundManager', 'approve', {});
    await decide(h, 'unv_shortlist', 'unvOfficer', 'propose', {
      data: {
        candidates: [
          unvCandidate('c-1', { email: DEMO_USERS.unvVolunteer.email }),
          unvCandidate('c-2', { email: `c2-${Date.now()}@example.org` }),
        ],
      },
    });
    await decide(h, 'unv_host_selection', 'coKg', 'select', { data: { ranking: ['c-1', 'c-2'] } });
    await decide(h, 'unv_offer', 'unvOfficer', 'accepted', { data: {}, match: (t) => t.id.includes(':c-1:') });
    // An existing volunteer account (the demo volunteer) is reused.
    const own = await openTask(h, 'unv_volunteer_clearances');
    expect(own.assigneeUserId).toBe(DEMO_USERS.unvVolunteer.id);
    await decide(h, 'unv_volunteer_clearances', 'unvVolunteer', 'withdraw', {
      data: { reason: 'Family circumstances' },
    });
    await openTask(h, 'unv_offer', (t) => t.id.includes(':c-2:'));
    expect(await auditActions(h)).toContain('volunteer_withdrew');
    await unv.ctx.env.client.workflow.getHandle(h.workflowId).terminate('test done');
  });
}, 300_000);
