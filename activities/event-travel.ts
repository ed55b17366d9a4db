/**
 * Activities of SDG event travel: eligibility facts from the read model, the annual budget, costs
 * under the dated travel rules and the DSA table, and the dates of its tasks in the calendar of the
 * office that runs the programme. Reads only, hence idempotent.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { DeadlineSpec, TaskDeadline } from '../domain/deadline-rules';
import { documentCounts } from '../domain/documents';
import type { EventTravelApplication } from '../domain/event-travel';
import { EVENT_TRAVEL_SETTINGS } from '../domain/programmes/event-travel';
import { worstOutcome, type Finding, type PolicyOutcome } from '../domain/policy/findings';
import {
  DSA_RATES,
  dsaRateOn,
  settleTravel,
  travelCosts,
  travelEligibility,
  travelRulesInForce,
  type Settlement,
  type TravelCosts,
} from '../domain/policy/travel';
import type { DecisionProblem } from '../domain/tasks';
import { usdToCents } from '../domain/schemas';
import type { Clock } from '../lib/clock';
import { createCalendarActivities } from './calendar';
import type { ActivityDeps } from './deps';
import { annualEnvelope, type AnnualEnvelope } from './policy';

/** Stages in which a trip counts as funded (approved or further), for the annual limit and the budget. */
const FUNDED_STAGES = ['travel_authorisation', 'trip', 'settlement', 'closed'];

export interface TravelScreening {
  outcome: PolicyOutcome;
  findings: Finding[];
  ruleSetId: string;
  /** The day it was screened (the office's today). */
  day: string;
  expertName: string;
  /** The expert's lines with DSA and terminal expenses computed at the rate in force now. */
  estimate: TravelCosts;
}

/** The year's travel budget; committed: approved for other trips departing that year. */
export type TravelBudget = AnnualEnvelope;

export interface ApprovedFigures {
  airfareUsd?: number;
  registrationFeeUsd?: number;
  visaUsd?: number;
}

export function createEventTravelActivities(deps: ActivityDeps & { clock: Clock }) {
  const { prisma, clock } = deps;
  const calendar = createCalendarActivities(deps);
  const officeCode = EVENT_TRAVEL_SETTINGS.officeCountryCode;

  const today = async () => clock.today(await clock.office(officeCode));

  function costsOf(app: EventTravelApplication, day: string, approved: ApprovedFigures = {}): TravelCosts {
    const set = travelRulesInForce(day);
    const rate = dsaRateOn(DSA_RATES, app.event.countryCode, app.event.city, day);
    return travelCosts(
      {
        airfareCents: usdToCents(approved.airfareUsd ?? app.costs.airfareUsd),
        registrationCents: usdToCents(approved.registrationFeeUsd ?? app.costs.registrationFeeUsd),
        visaCents: usdToCents(approved.visaUsd ?? app.costs.visaUsd),
      },
      app.itinerary,
      rate,
      set,
    );
  }

  async function budget(travelId: string, day: string): Promise<TravelBudget> {
    const set = travelRulesInForce(day);
    return annualEnvelope(day, { id: set.id, envelopeCents: set.rules.annualBudgetCents }, async (departureDate) => {
      const sum = await prisma.eventTravel.aggregate({
        _sum: { approvedCents: true },
        where: { id: { not: travelId }, stage: { in: FUNDED_STAGES }, departureDate },
      });
      return sum._sum.approvedCents;
    });
  }

  /**
   * Whether the application carries a clean invitation letter (an uploaded document of type
   * invitation_letter: scanned clean, released by a fund manager after a failed scan, or stored
   * while scanning is off). A letter still awaiting its scan makes the activity retry (the
   * workflow's retry policy) until the scanner has judged it.
   */
  async function invitationLetter(travelId: string): Promise<boolean> {
    const letters = await prisma.document.findMany({
      where: { subjectType: 'event_travel', subjectId: travelId, documentType: 'invitation_letter', deleted: false },
      select: { scanState: true, releasedAt: true },
    });
    const usable = letters.some(documentCounts);
    if (!usable && letters.some((d) => d.scanState === 'pending'))
      throw ApplicationFailure.retryable('the invitation letter awaits its malware scan', 'DocumentAwaitingScan');
    return usable;
  }

  return {
    /** Eligibility of an application under the rule set in force today, with the cost estimate. */
    async screenEventTravel(input: {
      travelId: string;
      expertId: string;
      application: EventTravelApplication;
      /** The day it was submitted (UTC): the advance rule judges the application, not a later revision or a slow screening. */
      appliedOn?: string;
    }): Promise<TravelScreening> {
      const app = input.application;
      const day = await today();
      const set = travelRulesInForce(day);
      const [expert, account] = await Promise.all([
        prisma.expert.findUnique({ where: { id: input.expertId }, select: { name: true } }),
        prisma.user.findFirst({ where: { expertId: input.expertId }, select: { active: true } }),
      ]);
      const year = Number(app.itinerary.departureDate.slice(0, 4));
      const funded = await prisma.eventTravel.count({
        where: {
          expertId: input.expertId,
          id: { not: input.travelId },
          stage: { in: FUNDED_STAGES },
          departureDate: { gte: new Date(`${year}-01-01T00:00:00Z`), lt: new Date(`${year + 1}-01-01T00:00:00Z`) },
        },
      });
      const invitation = await invitationLetter(input.travelId);
      const findings = travelEligibility(
        {
          today: input.appliedOn ?? day,
          eventCountryCode: app.event.countryCode,
          sdgs: app.event.sdgs,
          departureDate: app.itinerary.departureDate,
          role: app.role,
          invitationReceived: invitation,
          expert: { profileFound: expert !== null, accountActive: account?.active === true },
          fundedEventsThisYear: funded,
        },
        set,
      );
      return {
        outcome: worstOutcome(findings),
        findings,
        ruleSetId: set.id,
        day,
        expertName: expert?.name ?? input.expertId,
        estimate: costsOf(app, day),
      };
    },

    /** The annual envelope and what other approved trips of the year commit of it. */
    async eventTravelBudget(input: { travelId: string }): Promise<TravelBudget> {
      return budget(input.travelId, await today());
    },

    /**
     * The approved breakdown (the reviewer's figures, DSA and terminal from the rules in force today),
     * or why it cannot be approved: it would exceed the annual envelope.
     */
    async approveTravelCosts(input: {
      travelId: string;
      application: EventTravelApplication;
      approved: ApprovedFigures;
    }): Promise<{ costs: TravelCosts; problems: DecisionProblem[] }> {
      const day = await today();
      const costs = costsOf(input.application, day, input.approved);
      const b = await budget(input.travelId, day);
      const left = b.envelopeCents - b.committedCents;
      const problems =
        costs.totalCents > left
          ? [
              {
                path: 'data',
                message: `the approved USD ${costs.totalCents / 100} exceeds what is left of the ${b.year} travel budget (USD ${left / 100} of USD ${b.envelopeCents / 100})`,
              },
            ]
          : [];
      return { costs, problems };
    },

    /** Costs recomputed for new travel dates (a change before departure): the approved figures, the rates in force today. */
    async recomputeTravelCosts(input: {
      application: EventTravelApplication;
      approved: ApprovedFigures;
    }): Promise<TravelCosts> {
      return costsOf(input.application, await today(), input.approved);
    },

    /** DSA on the actual dates at the rate in force on the departure day (the rules in force then), minus the advance. */
    async settleEventTravel(input: {
      countryCode: string;
      city: string;
      actualDepartureDate: string;
      actualReturnDate: string;
      advanceCents: number;
    }): Promise<Settlement> {
      const day = input.actualDepartureDate;
      return settleTravel(
        { departureDate: input.actualDepartureDate, returnDate: input.actualReturnDate },
        input.advanceCents,
        dsaRateOn(DSA_RATES, input.countryCode, input.city, day),
        travelRulesInForce(day),
      );
    },

    /** Dates of the programme's tasks in its office's calendar (SLAs in its working days). */
    async eventTravelDeadlines(input: { items: DeadlineSpec[] }): Promise<TaskDeadline[]> {
      return calendar.scheduleDeadlines({ countryCode: officeCode, items: input.items });
    },

    /** The trip's instants: departure (the start of the departure day) and return (the end of the return day), office time zone. */
    async eventTravelTripDates(input: {
      departureDate: string;
      returnDate: string;
    }): Promise<{ departure: TaskDeadline; returned: TaskDeadline }> {
      const office = await clock.office(officeCode);
      const [departure, returned] = await calendar.scheduleDeadlines({
        countryCode: officeCode,
        items: [
          { kind: 'at', at: clock.instantOf(input.departureDate, office).toISOString() },
          { kind: 'at', at: clock.endOf(input.returnDate, office).toISOString() },
        ],
      });
      return { departure, returned };
    },

    /** The back-to-office report: due the rule set's working days after the return day (office calendar), reminded before. */
    async eventTravelReportDeadline(input: { returnDate: string }): Promise<TaskDeadline> {
      const office = await clock.office(officeCode);
      const set = travelRulesInForce(input.returnDate);
      const due = await clock.addWorkingDays(input.returnDate, set.rules.reportDueWorkingDays, office);
      const [report] = await calendar.scheduleDeadlines({
        countryCode: officeCode,
        items: [{ kind: 'deliverable', dueDate: due }],
      });
      return report;
    },
  };
}
