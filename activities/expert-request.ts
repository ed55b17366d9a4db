import { ApplicationFailure } from '@temporalio/activity';
import {
  rankExperts,
  toCandidate,
  exclusionReasons,
  type ConfirmedAssignment,
  type MatchCriteria,
  type RosterExpert,
  type ScoreBreakdown,
  type ExclusionReason,
  type SelectionPolicy,
} from '../domain/matching';
import { checkIndividualContract, type IndividualContractFacts } from '../domain/policy/individual-contract';
import { finding, worstOutcome, type Finding, type PolicyOutcome, type PolicyResult } from '../domain/policy/findings';
import { ruleSetInForce, type PolicyRuleSetRecord } from '../domain/policy/rules';
import { DSA_RATES, dsaRateOn } from '../domain/policy/travel';
import type { Modality } from '../domain/stages';
import type { DecisionProblem } from '../domain/tasks';
import type { PrismaClient } from '../lib/db';
import type { ActivityDeps } from './deps';
import { loadRuleSets } from './policy';

/** One shortlisted expert as the workflow, the tasks' context and the ExpertRequest.shortlist column see it. */
export interface ShortlistEntry {
  expertId: string;
  name: string;
  /** The expert's user account: invitations, signatures and deliverables are assigned to it. */
  userId: string;
  dailyFeeCents: number;
  rating: number;
  score: number;
  breakdown: ScoreBreakdown;
  /** Hard filters the expert fails (only for experts the fund manager added by hand). */
  warnings?: ExclusionReason[];
}

export interface MatchExpertsInput extends MatchCriteria {
  requestId: string;
}

export interface ExpertScreening {
  outcome: PolicyOutcome;
  findings: Finding[];
  /** UN DSA rate of the place of the mission, per day; null for desk / online work or when unknown. */
  dsaRateCents: number | null;
}

export interface ExpertContractInput {
  requestId: string;
  countryCode: string;
  /** ISO timestamp of the decision: the rule set in force on that day applies. */
  decisionDate: string;
  contractValueCents: number;
  deliverableAmountsCents: number[];
  candidatesCompared: number;
  dailyFeeCents: number;
  workingDays: number;
  modality: Modality;
  perDiemUsd: number | null;
}

export interface ExpertContractCheck {
  policy: PolicyResult;
  competitive: boolean;
  dsaRateCents: number | null;
}

/**
 * What the contracting check gives the individual-contract rules (the rule-change preview gives them
 * the same): competitive when the candidates compared reach the rule set's minimum.
 */
export function expertContractFacts(
  ruleSet: PolicyRuleSetRecord,
  input: Omit<ExpertContractInput, 'requestId' | 'countryCode' | 'decisionDate'>,
  dsaRateCents: number | null,
): IndividualContractFacts {
  return {
    contractValueCents: input.contractValueCents,
    deliverables: input.deliverableAmountsCents.map((amountCents) => ({ amountCents })),
    paymentBasis: 'lump_sum',
    candidatesCompared: input.candidatesCompared,
    competitive: input.candidatesCompared >= ruleSet.rules.icMinCandidatesCompeting,
    dailyFeeCents: input.dailyFeeCents,
    workingDays: input.workingDays,
    modality: input.modality,
    perDiemCents: input.perDiemUsd == null ? null : input.perDiemUsd * 100,
    dsaRateCents,
  };
}

const asArray = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

type ExpertRecord = Awaited<ReturnType<PrismaClient['expert']['findMany']>>[number];

function rosterExpert(row: ExpertRecord): RosterExpert {
  return {
    id: row.id,
    name: row.name,
    thematicAreaIds: asArray<string>(row.thematicAreaIds),
    sdgs: asArray<number>(row.sdgs),
    languages: asArray<string>(row.languages),
    countriesOfExperience: asArray<string>(row.countriesOfExperience),
    dailyFeeCents: row.dailyFeeCents,
    availability: asArray<{ from: string; to: string }>(row.availability),
    rating: row.rating,
    ratingCount: row.ratingCount,
  };
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The DSA rate of the mission's country: the one recorded on the request (an admin's override, or
 * the rate recorded at intake) wins; else the rate of the shared dated DSA table
 * (domain/policy/travel.ts) in force on the mission's first day.
 */
export async function missionDsaRateCents(
  prisma: PrismaClient,
  requestId: string | null,
  countryCode: string,
): Promise<number | null> {
  const row = requestId
    ? await prisma.expertRequest.findUnique({
        where: { id: requestId },
        select: { dailySubsistenceUsd: true, startDate: true },
      })
    : null;
  if (row?.dailySubsistenceUsd != null) return row.dailySubsistenceUsd * 100;
  const day = iso(row?.startDate ?? new Date());
  const rate = dsaRateOn(DSA_RATES, countryCode, null, day);
  return rate === null ? null : Math.round(rate.usdPerNight * 100);
}

export function createExpertRequestActivities(deps: ActivityDeps) {
  const { prisma, logger } = deps;

  const dsaRateCents = (requestId: string | null, countryCode: string) =>
    missionDsaRateCents(prisma, requestId, countryCode);

  /** Assignments that block an expert: requests past selection (contracting, mission, evaluation) overlapping the dates. */
  async function confirmedAssignments(
    requestId: string,
    startDate: string,
    endDate: string,
  ): Promise<ConfirmedAssignment[]> {
    const rows = await prisma.expertRequest.findMany({
      where: {
        id: { not: requestId },
        selectedExpertId: { not: null },
        stage: { in: ['contracting', 'mission', 'evaluation'] },
        startDate: { lte: new Date(`${endDate}T23:59:59.999Z`) },
        endDate: { gte: new Date(`${startDate}T00:00:00.000Z`) },
      },
      select: { id: true, selectedExpertId: true, startDate: true, endDate: true },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => ({
      expertId: r.selectedExpertId!,
      startDate: iso(r.startDate),
      endDate: iso(r.endDate),
      requestId: r.id,
    }));
  }

  /**
   * The expert's user account, created if missing (role expert, id `u-<expertId>`, the roster e-mail)
   * so tasks can be assigned to it. Idempotent: a linked account is reused; an unlinked expert account
   * with the roster e-mail is linked. Returns a problem when the e-mail belongs to someone else or the
   * account is deactivated.
   */
  async function ensureExpertUser(expert: ExpertRecord): Promise<{ userId: string } | { problem: string }> {
    const linked = await prisma.user.findUnique({ where: { expertId: expert.id } });
    if (linked)
      return linked.active
        ? { userId: linked.id }
        : { problem: `the account ${linked.id} of ${expert.id} is deactivated` };
    const byEmail = await prisma.user.findUnique({ where: { email: expert.email } });
    if (byEmail) {
      if (byEmail.role !== 'expert' || byEmail.expertId)
        return { problem: `the roster e-mail of ${expert.id} belongs to another account (${byEmail.id})` };
      await prisma.user.update({ where: { id: byEmail.id }, data: { expertId: expert.id } });
      return byEmail.active
        ? { userId: byEmail.id }
        : { problem: `the account ${byEmail.id} of ${expert.id} is deactivated` };
    }
    const id = `u-${expert.id}`;
    const languages = asArray<string>(expert.languages);
    const user = await prisma.user.upsert({
      where: { id },
      update: {},
      create: {
        id,
        email: expert.email,
        name: expert.name,
        role: 'expert',
        expertId: expert.id,
        language: languages.includes('en') ? 'en' : 'ru',
      },
    });
    if (user.expertId !== expert.id) return { problem: `the account id ${id} is taken by another profile` };
    logger.debug({ expertId: expert.id, userId: id }, 'expert account ensured');
    return { userId: id };
  }

  return {
    /** Intake facts the payload alone cannot tell: country open to Experts on Demand, thematic area known, DSA rate. */
    async screenExpertRequest(input: {
      requestId: string;
      countryCode: string;
      thematicAreaId: string;
      modality: Modality;
    }): Promise<ExpertScreening> {
      const country = await prisma.country.findUnique({ where: { code: input.countryCode } });
      const area = await prisma.thematicArea.findUnique({ where: { id: input.thematicAreaId } });
      const eligible = Boolean(country?.eligibleExperts);
      const findings: Finding[] = [
        finding(
          'country_eligible',
          eligible ? 'pass' : 'fail',
          eligible
            ? `${country!.name} is eligible for Experts on Demand.`
            : `${input.countryCode} is not eligible for Experts on Demand.`,
          { countryCode: input.countryCode, eligible },
        ),
        finding(
          'thematic_area_known',
          area ? 'pass' : 'fail',
          area ? `Thematic area: ${area.name}.` : `Unknown thematic area ${input.thematicAreaId}.`,
          { thematicAreaId: input.thematicAreaId },
        ),
      ];
      const dsa = input.modality === 'mission' ? await dsaRateCents(input.requestId, input.countryCode) : null;
      return { outcome: worstOutcome(findings), findings, dsaRateCents: dsa };
    },

    /**
     * Roster matching: pure ranking (domain/matching.ts) over the Expert rows and the confirmed
     * assignments, then an account for each shortlisted expert. Experts whose account cannot be
     * used are skipped and the next-ranked one is taken.
     */
    async matchExperts(input: MatchExpertsInput): Promise<{
      shortlist: ShortlistEntry[];
      eligibleCount: number;
      skipped: { expertId: string; problem: string }[];
    }> {
      // Suspended experts (ExpertStanding) are left out of matching until a fund manager reinstates them.
      const suspended = (
        await prisma.expertStanding.findMany({ where: { suspended: true }, select: { expertId: true } })
      ).map((s) => s.expertId);
      const rows = await prisma.expert.findMany({
        where: suspended.length ? { id: { notIn: suspended } } : {},
        orderBy: { id: 'asc' },
      });
      const byId = new Map(rows.map((r) => [r.id, r]));
      const assignments = await confirmedAssignments(input.requestId, input.startDate, input.endDate);
      const limit = input.limit ?? 5;
      const ranked = rankExperts(rows.map(rosterExpert), { ...input, limit: rows.length }, assignments);
      const shortlist: ShortlistEntry[] = [];
      const skipped: { expertId: string; problem: string }[] = [];
      for (const c of ranked.candidates) {
        if (shortlist.length >= limit) break;
        const account = await ensureExpertUser(byId.get(c.expertId)!);
        if ('problem' in account) skipped.push({ expertId: c.expertId, problem: account.problem });
        else shortlist.push({ ...c, userId: account.userId });
      }
      if (skipped.length)
        logger.warn(
          { requestId: input.requestId, skipped },
          'shortlisted experts without a usable account were skipped',
        );
      return { shortlist, eligibleCount: ranked.eligibleCount, skipped };
    },

    /**
     * A shortlist the fund manager wrote by hand: every id must be a distinct roster expert with a
     * usable account. Hard filters are not enforced (the fund manager may know better) but reported
     * as warnings; the entries carry the same score breakdown as matched ones.
     */
    async scoreShortlist(
      input: MatchExpertsInput & { expertIds: string[] },
    ): Promise<{ problems: DecisionProblem[]; shortlist: ShortlistEntry[] }> {
      const problems: DecisionProblem[] = [];
      const rows = await prisma.expert.findMany({ where: { id: { in: input.expertIds } } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      const assignments = await confirmedAssignments(input.requestId, input.startDate, input.endDate);
      const shortlist: ShortlistEntry[] = [];
      const seen = new Set<string>();
      for (const [i, id] of input.expertIds.entries()) {
        const row = byId.get(id);
        if (seen.has(id)) {
          problems.push({ path: `data.expertIds.${i}`, message: `${id} is listed twice` });
          continue;
        }
        seen.add(id);
        if (!row) {
          problems.push({ path: `data.expertIds.${i}`, message: `${id} is not in the roster` });
          continue;
        }
        const account = await ensureExpertUser(row);
        if ('problem' in account) {
          problems.push({ path: `data.expertIds.${i}`, message: account.problem });
          continue;
        }
        const expert = rosterExpert(row);
        const warnings = exclusionReasons(expert, input, assignments);
        shortlist.push({
          ...toCandidate(expert, input),
          userId: account.userId,
          ...(warnings.length ? { warnings } : {}),
        });
      }
      return { problems, shortlist: problems.length ? [] : shortlist };
    },

    /** At selection time: is the expert meanwhile booked by another request over overlapping dates? */
    async expertBookingProblems(input: {
      requestId: string;
      expertId: string;
      startDate: string;
      endDate: string;
    }): Promise<DecisionProblem[]> {
      const clashes = (await confirmedAssignments(input.requestId, input.startDate, input.endDate)).filter(
        (a) => a.expertId === input.expertId,
      );
      return clashes.map((a) => ({
        path: 'data.expertIds.0',
        message: `${input.expertId} has meanwhile been contracted for request ${a.requestId} (${a.startDate} to ${a.endDate}), overlapping these dates`,
      }));
    },

    /** Selection limits of the rule set in force on the decision date. */
    async selectionPolicy(input: { decisionDate: string }): Promise<SelectionPolicy> {
      const ruleSet = ruleSetInForce(await loadRuleSets(prisma), input.decisionDate);
      return {
        ruleSetId: ruleSet.id,
        directContractingLimitCents: ruleSet.rules.icDirectContractingLimitCents,
        minCandidatesCompeting: ruleSet.rules.icMinCandidatesCompeting,
      };
    },

    /** POPP individual-contract rules with the rule set in force on the decision date. */
    async checkExpertContract(input: ExpertContractInput): Promise<ExpertContractCheck> {
      const ruleSets = await loadRuleSets(prisma);
      let ruleSet;
      try {
        ruleSet = ruleSetInForce(ruleSets, input.decisionDate);
      } catch (err) {
        throw ApplicationFailure.nonRetryable((err as Error).message, 'PolicyViolation');
      }
      const dsa = input.modality === 'mission' ? await dsaRateCents(input.requestId, input.countryCode) : null;
      const facts = expertContractFacts(ruleSet, input, dsa);
      return { policy: checkIndividualContract(ruleSet, facts), competitive: facts.competitive, dsaRateCents: dsa };
    },
  };
}
