/**
 * Activities of UN Volunteers fully funded: the rule set in force today (the Clock, in the duty
 * station's calendar), the request's checks and its cost estimate, the annual envelope read from
 * the read model, candidates' eligibility, the money of extensions and early separations, and the
 * instants of the offer deadline and of the assignment's end. Reads only, hence idempotent.
 */
import type { TaskDeadline } from '../domain/deadline-rules';
import { worstOutcome, type Finding, type PolicyOutcome } from '../domain/policy/findings';
import {
  addMonths,
  assignmentCosts,
  advanceTransferCents,
  candidateEligibility,
  dutyStationRate,
  extensionCosts,
  monthsServed,
  requestFindings,
  unvRulesInForce,
  UNV_RULE_SETS,
  type UnvCandidate,
  type UnvCategory,
  type UnvCosts,
} from '../domain/policy/unv';
import type { DecisionProblem } from '../domain/tasks';
import type { UnvRequest } from '../domain/unv';
import type { Clock } from '../lib/clock';
import { createCalendarActivities } from './calendar';
import type { ActivityDeps } from './deps';
import { annualEnvelope, type AnnualEnvelope } from './policy';

/** Stages in which an assignment's commitment counts against the year's envelope. */
const COMMITTED_STAGES = ['recruitment', 'deployment', 'assignment', 'reconciliation', 'closed', 'separated_early'];

export interface UnvScreening {
  outcome: PolicyOutcome;
  findings: Finding[];
  ruleSetId: string;
  day: string;
  /** The full cost of the assignment as requested (null when the duty station has no rates). */
  estimate: UnvCosts | null;
}

/** The year's UNV envelope; committed: to other assignments funded this calendar year. */
export type UnvEnvelope = AnnualEnvelope;

export interface ScreenedCandidate {
  candidate: UnvCandidate;
  eligible: boolean;
  findings: Finding[];
}

function ruleSetById(id: string) {
  return UNV_RULE_SETS.find((s) => s.id === id) ?? null;
}

export function createUnVolunteersActivities(deps: ActivityDeps & { clock: Clock }) {
  const { prisma, clock } = deps;
  const calendar = createCalendarActivities(deps);
  const today = async (countryCode: string) => clock.today(await clock.office(countryCode));

  async function envelope(assignmentId: string, day: string): Promise<UnvEnvelope> {
    const set = unvRulesInForce(day);
    return annualEnvelope(day, { id: set.id, envelopeCents: set.rules.annualEnvelopeCents }, async (createdAt) => {
      const sum = await prisma.unvAssignment.aggregate({
        _sum: { committedCents: true },
        where: { id: { not: assignmentId }, stage: { in: COMMITTED_STAGES }, createdAt },
      });
      return sum._sum.committedCents;
    });
  }

  return {
    /** The request under the rule set in force today: duty station rates, duration bounds, the cost estimate. */
    async unvScreenRequest(input: { request: UnvRequest }): Promise<UnvScreening> {
      const req = input.request;
      const day = await today(req.dutyStation.countryCode);
      const set = unvRulesInForce(day);
      const findings = requestFindings(
        { category: req.category, dutyStationCountryCode: req.dutyStation.countryCode, months: req.months },
        set,
      );
      const rate = dutyStationRate(set, req.dutyStation.countryCode);
      return {
        outcome: worstOutcome(findings),
        findings,
        ruleSetId: set.id,
        day,
        estimate: rate ? assignmentCosts(rate, req.months, set) : null,
      };
    },

    /** The annual envelope and what other funded assignments of the year commit of it. */
    async unvEnvelope(input: { assignmentId: string; countryCode: string }): Promise<UnvEnvelope> {
      return envelope(input.assignmentId, await today(input.countryCode));
    },

    /** Whether the estimate still fits what is left of the envelope (checked at decision time). */
    async unvFundingProblems(input: {
      assignmentId: string;
      countryCode: string;
      cents: number;
    }): Promise<DecisionProblem[]> {
      const e = await envelope(input.assignmentId, await today(input.countryCode));
      const left = e.envelopeCents - e.committedCents;
      return input.cents > left
        ? [
            {
              path: 'decision',
              message: `the estimate of USD ${input.cents / 100} exceeds what is left of the ${e.year} envelope (USD ${left / 100} of USD ${e.envelopeCents / 100})`,
            },
          ]
        : [];
    },

    /** Each candidate's eligibility for the category under the assignment's rule set. */
    async unvScreenCandidates(input: {
      candidates: UnvCandidate[];
      category: UnvCategory;
      dutyStationCountryCode: string;
      startDate: string;
      months: number;
      ruleSetId: string;
    }): Promise<ScreenedCandidate[]> {
      const set = ruleSetById(input.ruleSetId) ?? unvRulesInForce(input.startDate);
      const endDate = addMonths(input.startDate, input.months);
      return input.candidates.map((candidate) => {
        const findings = candidateEligibility(
          candidate,
          {
            category: input.category,
            dutyStationCountryCode: input.dutyStationCountryCode,
            startDate: input.startDate,
            endDate,
          },
          set,
        );
        return { candidate, eligible: worstOutcome(findings) === 'pass', findings };
      });
    },

    /** The day in the duty station's calendar, and the offer's deadline (the rule set's days from today). */
    async unvOfferDeadline(input: { countryCode: string; ruleSetId: string }): Promise<TaskDeadline> {
      const day = await today(input.countryCode);
      const set = ruleSetById(input.ruleSetId) ?? unvRulesInForce(day);
      const office = await clock.office(input.countryCode);
      const [deadline] = await calendar.scheduleDeadlines({
        countryCode: input.countryCode,
        items: [{ kind: 'at', at: clock.endOf(clock.addDays(day, set.rules.offerResponseDays), office).toISOString() }],
      });
      return deadline;
    },

    /** The assignment's planned end (end of its last day, duty station time) as a task deadline. */
    async unvAssignmentEnd(input: { countryCode: string; endDate: string }): Promise<TaskDeadline> {
      const office = await clock.office(input.countryCode);
      const [deadline] = await calendar.scheduleDeadlines({
        countryCode: input.countryCode,
        items: [{ kind: 'at', at: clock.endOf(input.endDate, office).toISOString() }],
      });
      return deadline;
    },

    /** Today in the duty station's calendar. */
    async unvToday(input: { countryCode: string }): Promise<string> {
      return today(input.countryCode);
    },

    /** The money of a funded assignment: its advance transfer under the rule set of the approval. */
    async unvAdvance(input: {
      countryCode: string;
      months: number;
      committedCents: number;
      ruleSetId: string;
    }): Promise<number> {
      const set = ruleSetById(input.ruleSetId) ?? unvRulesInForce(await today(input.countryCode));
      const rate = dutyStationRate(set, input.countryCode);
      return rate ? advanceTransferCents(rate, input.months, input.committedCents, set) : input.committedCents;
    },

    /** What an extension adds, under the rule set in force today. */
    async unvExtensionCosts(input: { countryCode: string; months: number }): Promise<UnvCosts | null> {
      const set = unvRulesInForce(await today(input.countryCode));
      const rate = dutyStationRate(set, input.countryCode);
      return rate ? extensionCosts(rate, input.months, set) : null;
    },

    /** The full cost of the months actually served (early separation), under the rule set of the approval. */
    async unvServedCosts(input: {
      countryCode: string;
      startDate: string;
      endDate: string;
      ruleSetId: string;
    }): Promise<UnvCosts | null> {
      const set = ruleSetById(input.ruleSetId) ?? unvRulesInForce(input.endDate);
      const rate = dutyStationRate(set, input.countryCode);
      return rate ? assignmentCosts(rate, monthsServed(input.startDate, input.endDate), set) : null;
    },
  };
}
