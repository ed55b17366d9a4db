import type { WorkflowHandle } from '@temporalio/client';
import { addDays } from '../../domain/calendar';
import { DEMO_USERS } from '../../domain/demo';
import type { EventTravelApplication } from '../../domain/event-travel';
import { travelRulesInForce, DSA_RATES, dsaRateOn } from '../../domain/policy/travel';
import type { Actor } from '../../domain/roles';
import type { Stage } from '../../domain/stages';
import { eventTravelWorkflow } from '../../workflows/event-travel';
import { stateQuery, withdrawUpdate } from '../../workflows/messages';
import { recordHistory } from '../helpers/histories';
import { decide, openTask } from '../helpers/lifecycle';
import { compressedClock } from '../helpers/sla';
import type { Clock } from '../../lib/clock';
import { eventually } from '../helpers/wait';
import { startWorkflowTestContext, type WorkflowTestContext } from '../helpers/workflow-context';

/**
 * SDG event travel through the real Temporal dev server, PostgreSQL and SMTP, on a compressed Clock
 * (a calendar day lasts DAY_MS): departure, return and the report's due date arrive within seconds.
 * Scenarios run side by side on one worker to keep the suite short.
 */
const DAY_MS = 300;
let ctx: WorkflowTestContext;
let counter = 0;
/** The calendar's today when the test starts (the programme office has no CountryOffice row here: UTC). */
let today: string;
/** The Clock of the running worker: applications are dated from its today (it runs fast from the worker's start). */
let clock: Clock | undefined;
const calendarToday = () => (clock ? clock.today({ countryCode: 'RU', timeZone: 'UTC' }) : today);
let rosterWithoutAccounts: { id: string; name: string }[];
let travellers = 0;

beforeAll(async () => {
  ctx = await startWorkflowTestContext('event-travel');
  today = new Date().toISOString().slice(0, 10);
  rosterWithoutAccounts = await ctx.db.prisma.expert.findMany({
    where: { user: null },
    orderBy: { id: 'asc' },
    select: { id: true, name: true },
  });
});
afterAll(async () => {
  await ctx?.stop();
});

type Handle = WorkflowHandle<typeof eventTravelWorkflow>;
interface Traveller {
  expertId: string;
  userId: string;
  actor: Actor;
}

/** A roster expert with an account of their own (each scenario its own, so the annual limit is not shared). */
async function traveller(active = true): Promise<Traveller> {
  const expert = rosterWithoutAccounts[travellers++];
  const expertId = expert.id;
  const userId = `u-et-${expertId}`;
  await ctx.db.prisma.user.create({
    data: { id: userId, email: `et-${expertId}@example.org`, name: expert.name, role: 'expert', expertId, active },
  });
  return { expertId, userId, actor: { userId, role: 'expert', expertId } };
}

/** An application for Geneva, departing `inDays` from today for `nights` nights. */
function application(inDays: number, nights = 4, over: Partial<EventTravelApplication> = {}): EventTravelApplication {
  const departureDate = addDays(calendarToday(), inDays);
  const returnDate = addDays(departureDate, nights);
  return {
    event: {
      name: `HLPF side event ${++counter}`,
      organiser: 'UN DESA',
      city: 'Geneva',
      countryCode: 'CH',
      startDate: addDays(departureDate, 1),
      endDate: addDays(returnDate, -1),
      website: 'https://hlpf.un.org',
      sdgs: [7, 13],
      expectedAudience: 'Delegations of Central Asian partner countries, UN agencies; about 300 participants',
    },
    role: 'speaker',
    sideEvent: true,
    invitation: { from: 'UN DESA', date: today, reference: 'DESA/2027/17' },
    contribution: { title: 'Small hydropower for remote communities', abstract: 'Lessons from Russian deployments.' },
    itinerary: { departureCity: 'Moscow', departureDate, returnDate },
    costs: { airfareUsd: 800, registrationFeeUsd: 0, visaUsd: 90 },
    ...over,
  };
}

/** The invitation letter as the API attaches it with the application: an uploaded document, scanned as given. */
async function attachInvitationLetter(travelId: string, scanState = 'clean'): Promise<void> {
  await ctx.db.prisma.document.create({
    data: {
      id: `doc-${Date.now().toString(16).padStart(12, '0')}${(++counter).toString(16).padStart(8, '0')}`,
      subjectType: 'event_travel',
      subjectId: travelId,
      documentType: 'invitation_letter',
      name: 'invitation.pdf',
      size: 1000,
      sha256: travelId,
      storageKey: `test/${travelId}`,
      contentType: 'application/pdf',
      scanState,
    },
  });
}

async function start(
  tq: string,
  who: Traveller,
  app: EventTravelApplication,
  appliedBy?: Actor,
  letter: string | null = app.invitation === null ? null : 'clean',
): Promise<Handle> {
  const id = `et-test-${Date.now()}-${++counter}`;
  // The speaking-role rule counts a clean uploaded letter (`letter`: its scan state; null: none uploaded).
  if (letter) await attachInvitationLetter(id, letter);
  return ctx.env.client.workflow.start(eventTravelWorkflow, {
    taskQueue: tq,
    workflowId: `event-travel-${id}`,
    args: [
      {
        travelId: id,
        expert: { expertId: who.expertId, userId: who.userId },
        appliedBy: appliedBy
          ? { userId: appliedBy.userId, role: appliedBy.role }
          : { userId: who.userId, role: 'expert' },
        application: app,
        submittedAt: new Date().toISOString(),
      },
    ],
  });
}

const idOf = (h: Handle) => h.workflowId.replace('event-travel-', '');
const SCORES = { sdgRelevance: 5, visibility: 4, partnerCountryAudience: 4, undpProgrammeLink: 3 };
const row = (h: Handle) => ctx.db.prisma.eventTravel.findUniqueOrThrow({ where: { id: idOf(h) } });
const payments = async (h: Handle) =>
  (await ctx.db.prisma.payment.findMany({ where: { subjectId: idOf(h) }, orderBy: { id: 'asc' } })).map(
    (p) => p.amountCents,
  );
const dsaCents = (day: string) => dsaRateOn(DSA_RATES, 'CH', 'Geneva', day)!.usdPerNight * 100;
const TERMINAL = 2 * travelRulesInForce('2027-01-01').rules.terminalExpenseCentsPerJourney;

async function approve(h: Handle, data: Record<string, unknown> = {}) {
  return decide(h, 'travel_review', 'fundManager', 'approve', { data: { scores: SCORES, ...data } });
}
async function sign(h: Handle, who: Traveller) {
  await decide(h, 'contract_signature', who.actor, 'sign', { match: (t) => t.assigneeUserId === who.userId });
  await decide(h, 'contract_signature', 'fundManager', 'sign', { match: (t) => t.assigneeRole === 'fund_manager' });
}
async function finalStage(h: Handle): Promise<Stage> {
  return (await h.result()) as Stage;
}
/** The application passed eligibility and waits for the fund manager (else: its findings, to read why). */
async function inReview(h: Handle): Promise<void> {
  await eventually(async () => {
    const r = await ctx.db.prisma.eventTravel.findUnique({ where: { id: idOf(h) } });
    if (r?.stage === 'rejected') throw new Error(`rejected at intake: ${JSON.stringify(r.findings)}`);
    return r?.stage === 'review';
  }, 30_000);
}

test('ineligible at intake: each rule of the dated rule set rejects with its figures', async () => {
  await ctx.withWorker(
    async (tq) => {
      const inactive = await traveller(false);
      const busy = await traveller();
      // Two funded trips already in the departure's year: the limit (2) is reached.
      const year = addDays(today, 60).slice(0, 4);
      for (const i of [1, 2]) {
        const a = application(60);
        await ctx.db.prisma.eventTravel.create({
          data: {
            id: `et-funded-${counter}-${i}`,
            workflowId: `event-travel-funded-${counter}-${i}`,
            countryCode: 'CH',
            title: 'Earlier event',
            expertId: busy.expertId,
            expertUserId: busy.userId,
            appliedById: busy.userId,
            eventName: 'Earlier event',
            eventCity: 'Geneva',
            eventStartDate: new Date(`${year}-01-15`),
            eventEndDate: new Date(`${year}-01-16`),
            sdgs: [1],
            role: 'speaker',
            departureDate: new Date(`${year}-01-14`),
            returnDate: new Date(`${year}-01-17`),
            application: a as object,
            estimateCents: 0,
            approvedCents: 100_000,
            stage: 'closed',
            stageEnteredAt: new Date(),
          },
        });
      }
      const base = application(60);
      const cases: [string, Traveller, EventTravelApplication][] = [
        [
          'event_outside_russia',
          await traveller(),
          { ...base, event: { ...base.event, city: 'Kazan', countryCode: 'RU' } },
        ],
        ['sdg_related', await traveller(), { ...base, event: { ...base.event, sdgs: [] } }],
        ['roster_profile_active', inactive, base],
        ['applied_in_advance', await traveller(), application(10)],
        ['annual_event_limit', busy, base],
        ['speaking_role_invited', await traveller(), { ...base, invitation: null }],
      ];
      const handles = await Promise.all(cases.map(([, who, app]) => start(tq, who, app)));
      // Each ends rejected (the row says which stage any other reached, to read why).
      const stages = await Promise.all(
        handles.map(async (h) => {
          try {
            return await eventually(
              async () => (await row(h).catch(() => null))?.stage === 'rejected' && 'rejected',
              60_000,
            );
          } catch {
            return (await row(h).catch(() => null))?.stage ?? 'no row';
          }
        }),
      );
      expect(stages).toEqual(cases.map(() => 'rejected'));
      for (const [i, [rule]] of cases.entries()) {
        const r = await row(handles[i]);
        const findings = (r.findings as { findings: { rule: string; outcome: string; data: object }[] }).findings;
        expect(findings.filter((f) => f.outcome === 'fail').map((f) => f.rule)).toEqual([rule]);
        expect(r.outcome).toBe('ineligible');
      }
      const late = (await row(handles[3])).findings as { findings: { rule: string; data: Record<string, unknown> }[] };
      expect(late.findings.find((f) => f.rule === 'applied_in_advance')!.data).toMatchObject({ minWeeks: 4 });
      // The owner is told, with the failed rule (worded in the mail).
      const told = cases[1][1].userId;
      await eventually(() =>
        ctx.db.prisma.outbox.findFirst({ where: { template: 'decision_outcome', recipientId: told } }),
      );
    },
    { clock: (clock = compressedClock(ctx.db.prisma, DAY_MS)) },
  );
}, 300_000);

test('lifecycles: changes requested then approved and settled with a reimbursement; rejected; withdrawn; over the budget refused; cancelled before departure (advance recovered); dates changed, report late, settled with a recovery', async () => {
  await ctx.withWorker(
    async (tq) => {
      // --- changes requested, then approved, trip, report, reimbursement ---
      const happy = async () => {
        const who = await traveller();
        const app = application(45, 4);
        const h = await start(tq, who, app, { userId: DEMO_USERS.fundManager.id, role: 'fund_manager' });
        await inReview(h);
        await decide(h, 'travel_review', 'fundManager', 'request_changes', { comment: 'Lower the airfare: economy.' });
        const revision = await openTask(h, 'travel_revision');
        expect(revision.assigneeUserId).toBe(who.userId);
        // A revision is validated against the whole application.
        await expect(
          decide(h, 'travel_revision', who.actor, 'resubmit', {
            data: { itinerary: { ...app.itinerary, returnDate: addDays(app.itinerary.departureDate, -1) } },
          }),
        ).rejects.toThrow(/InvalidDecision: .*returnDate/);
        await decide(h, 'travel_revision', who.actor, 'resubmit', {
          data: { costs: { ...app.costs, airfareUsd: 650 } },
        });
        // Over what is left of the year's envelope: refused, the task stays open.
        await expect(approve(h, { airfareUsd: 70_000 })).rejects.toThrow(/InvalidDecision: .*travel budget/);
        await approve(h);
        const approved = await row(h);
        const nights = 4;
        const expectedDsa = nights * dsaCents(app.itinerary.departureDate);
        expect(approved.approvedCents).toBe(65_000 + 9_000 + expectedDsa + TERMINAL);
        expect(approved.advanceCents).toBe(Math.round((expectedDsa + TERMINAL) * 0.8));
        await sign(h, who);
        // Report on the actual dates: one night more than planned, reimbursed.
        await decide(h, 'travel_report', who.actor, 'submit_report', {
          data: {
            presented: 'Presented the Russian small hydropower solution at the side event.',
            contacts: 'Energy ministry of Kyrgyzstan; UNDP Tajikistan',
            followUp: 'Feasibility study for Kyrgyzstan',
            link: 'https://hlpf.un.org/side-events',
            actualDepartureDate: app.itinerary.departureDate,
            actualReturnDate: addDays(app.itinerary.returnDate, 1),
            attendanceProof: 'Boarding passes and the certificate of attendance',
          },
          match: () => true,
        });
        await decide(h, 'settlement_verification', 'fundManager', 'verify', {});
        expect(await finalStage(h)).toBe('closed');
        const r = await row(h);
        const settlement = r.settlement as { balanceCents: number; basis: string; nights: number };
        expect(settlement.nights).toBe(5);
        expect(settlement.balanceCents).toBe(5 * dsaCents(app.itinerary.departureDate) + TERMINAL - r.advanceCents!);
        expect(settlement.balanceCents).toBeGreaterThan(0);
        expect(settlement.basis).toMatch(/in force on the travel dates/);
        expect(await payments(h)).toEqual([r.advanceCents, settlement.balanceCents]);
        // The roster profile records the event (its closed trips).
        expect(await ctx.db.prisma.eventTravel.count({ where: { expertId: who.expertId, stage: 'closed' } })).toBe(1);
        await recordHistory(h, 'event-travel-changes-then-settled');
      };

      const rejected = async () => {
        const who = await traveller();
        const h = await start(tq, who, application(50));
        await inReview(h);
        await decide(h, 'travel_review', 'fundManager', 'reject', { comment: 'Not an SDG forum of the partnership.' });
        expect(await finalStage(h)).toBe('rejected');
        expect((await row(h)).outcome).toBe('rejected_on_review');
      };

      const withdrawn = async () => {
        const who = await traveller();
        const other = await traveller();
        const h = await start(tq, who, application(50));
        await openTask(h, 'travel_review');
        // Only the expert who applied may withdraw.
        await expect(h.executeUpdate(withdrawUpdate, { args: [{ actor: other.actor }] })).rejects.toThrow();
        await h.executeUpdate(withdrawUpdate, { args: [{ actor: who.actor, reason: 'The panel was cancelled' }] });
        expect(await finalStage(h)).toBe('withdrawn');
      };

      const cancelledBeforeDeparture = async () => {
        const who = await traveller();
        const h = await start(tq, who, application(60));
        await inReview(h);
        await approve(h);
        await sign(h, who);
        await decide(h, 'trip_confirmation', who.actor, 'cancel_trip', { data: { reason: 'Visa refused' } });
        expect(await finalStage(h)).toBe('cancelled');
        const r = await row(h);
        expect(r.outcome).toBe('trip_cancelled');
        expect(await payments(h)).toEqual([r.advanceCents, -r.advanceCents!]);
        await recordHistory(h, 'event-travel-cancelled-before-departure');
      };

      const datesChangedReportLate = async () => {
        const who = await traveller();
        const app = application(60, 4);
        const h = await start(tq, who, app);
        await inReview(h);
        await approve(h);
        await sign(h, who);
        // The new dates must still cover the event.
        await expect(
          decide(h, 'trip_confirmation', who.actor, 'change_dates', {
            data: {
              departureDate: app.event.endDate,
              returnDate: addDays(app.event.endDate, 2),
              reason: 'Later flight',
            },
          }),
        ).rejects.toThrow(/InvalidDecision: data.departureDate/);
        const departureDate = addDays(app.itinerary.departureDate, -1);
        const returnDate = addDays(app.itinerary.returnDate, 1);
        await decide(h, 'trip_confirmation', who.actor, 'change_dates', {
          data: { departureDate, returnDate, reason: 'The organiser moved the panel to the first morning' },
        });
        // Applied right after the decision is recorded, with the recomputed costs.
        const changed = await eventually(async () => {
          const r = await row(h);
          return r.departureDate.toISOString().slice(0, 10) === departureDate ? r : null;
        });
        expect(changed.approvedCents).toBe(80_000 + 9_000 + 6 * dsaCents(departureDate) + TERMINAL);
        // The report is not sent: reminder, then escalation to the fund managers.
        const report = await openTask(h, 'travel_report', () => true, 60_000);
        const late = await eventually(
          async () => {
            const t = await ctx.db.prisma.task.findUniqueOrThrow({ where: { id: report.id } });
            return t.overdue && t.remindedAt ? t : null;
          },
          60_000,
          200,
        );
        expect(late.escalatedAt).not.toBeNull();
        expect(
          await ctx.db.prisma.outbox.count({ where: { template: 'overdue_escalation', workflowId: h.workflowId } }),
        ).toBeGreaterThan(0);
        // Came back a day early, after two nights: the advance exceeds the DSA due, recovered.
        await decide(h, 'travel_report', who.actor, 'submit_report', {
          data: {
            presented: 'Panel contribution',
            contacts: 'UNDP Istanbul Regional Hub',
            followUp: 'Webinar for partner countries',
            actualDepartureDate: departureDate,
            actualReturnDate: addDays(departureDate, 2),
            attendanceProof: 'Certificate of attendance',
          },
        });
        await decide(h, 'settlement_verification', 'fundManager', 'verify', {});
        expect(await finalStage(h)).toBe('closed');
        const r = await row(h);
        const settlement = r.settlement as { balanceCents: number };
        expect(settlement.balanceCents).toBe(2 * dsaCents(departureDate) + TERMINAL - r.advanceCents!);
        expect(settlement.balanceCents).toBeLessThan(0);
        expect(await payments(h)).toEqual([r.advanceCents, settlement.balanceCents]);
        await recordHistory(h, 'event-travel-dates-changed-report-late');
      };

      await Promise.all([happy(), rejected(), withdrawn(), cancelledBeforeDeparture(), datesChangedReportLate()]);
    },
    { clock: (clock = compressedClock(ctx.db.prisma, DAY_MS)) },
  );
}, 300_000);

test('the invitation letter: eligibility waits for its malware scan, counts a clean one and refuses an infected one', async () => {
  await ctx.withWorker(async (tq) => {
    const waiting = await start(tq, await traveller(), application(60), undefined, 'pending');
    const infected = await start(tq, await traveller(), application(60), undefined, 'infected');
    // The infected letter does not count: the speaking-role rule fails alone.
    const refused = await eventually(async () => {
      const r = await row(infected).catch(() => null);
      return r?.stage === 'rejected' ? r : undefined;
    }, 30_000);
    const findings = (refused.findings as { findings: { rule: string; outcome: string }[] }).findings;
    expect(findings.filter((f) => f.outcome === 'fail').map((f) => f.rule)).toEqual(['speaking_role_invited']);
    // The pending one holds the application at intake (the screening retries) until the scan says clean.
    expect((await row(waiting).catch(() => null))?.stage ?? 'intake').toBe('intake');
    await ctx.db.prisma.document.updateMany({
      where: { subjectType: 'event_travel', subjectId: idOf(waiting) },
      data: { scanState: 'clean', scannedAt: new Date() },
    });
    await inReview(waiting);
    await waiting.cancel();
  });
});

test('the state query names the programme’s stages', async () => {
  await ctx.withWorker(async (tq) => {
    const who = await traveller();
    const h = await start(tq, who, application(50));
    await openTask(h, 'travel_review');
    expect((await h.query(stateQuery)).stage).toBe('review');
    await decide(h, 'travel_review', 'fundManager', 'reject', { comment: 'Duplicate' });
    expect(await finalStage(h)).toBe('rejected');
  });
});
