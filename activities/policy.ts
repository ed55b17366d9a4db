import { checkAlignment as alignmentOf, type AlignmentCheck } from '../domain/policy/alignment';
import { policyRuleSetFromRow, RULE_SETS, type PolicyRuleSetRecord } from '../domain/policy/rules';
import type { PrismaClient } from '../lib/db';
import type { ActivityDeps } from './deps';

/** Rule sets from the database (admin-managed), else the built-in ones. */
export async function loadRuleSets(prisma: PrismaClient): Promise<readonly PolicyRuleSetRecord[]> {
  const rows = await prisma.policyRuleSet.findMany({ orderBy: { effectiveFrom: 'asc' } });
  return rows.length ? rows.map(policyRuleSetFromRow) : RULE_SETS;
}

/** Policy checks every programme runs. */
export function createPolicyActivities(deps: ActivityDeps) {
  const { prisma } = deps;
  return {
    /** UNDAF / Cooperation Framework alignment against the country's framework in force. */
    async checkAlignment(input: {
      countryCode: string;
      sdgs: number[];
      thematicAreaId: string;
      startDate: string;
      endDate: string;
    }): Promise<AlignmentCheck> {
      const country = await prisma.country.findUnique({ where: { code: input.countryCode } });
      const frameworks = await prisma.cooperationFramework.findMany({
        where: { countryCode: input.countryCode },
        include: { outcomes: true },
        orderBy: { periodStart: 'desc' },
      });
      const start = Date.parse(input.startDate);
      const framework =
        frameworks.find((f) => f.periodStart.getTime() <= start && f.periodEnd.getTime() >= start) ??
        frameworks[0] ??
        null;
      return alignmentOf({
        countryEligible: Boolean(country),
        framework: framework && {
          periodStart: framework.periodStart.toISOString().slice(0, 10),
          periodEnd: framework.periodEnd.toISOString().slice(0, 10),
          outcomes: framework.outcomes.map((o) => ({
            code: o.code,
            sdgs: o.sdgs as number[],
            thematicAreaIds: o.thematicAreaIds as string[],
          })),
        },
        startDate: input.startDate,
        endDate: input.endDate,
        sdgs: input.sdgs,
        thematicAreaId: input.thematicAreaId,
      });
    },
  };
}

/** A programme's envelope for the calendar year of a day: its rule set's ceiling and what other subjects hold of it. */
export interface AnnualEnvelope {
  envelopeCents: number;
  /** Held by the programme's other subjects of the same year. */
  committedCents: number;
  year: number;
  ruleSetId: string;
}

/** The year's envelope; `committed` sums the other subjects whose date falls in the year's range. */
export async function annualEnvelope(
  day: string,
  ruleSet: { id: string; envelopeCents: number },
  committed: (inYear: { gte: Date; lt: Date }) => Promise<number | null>,
): Promise<AnnualEnvelope> {
  const year = Number(day.slice(0, 4));
  const inYear = { gte: new Date(`${year}-01-01T00:00:00Z`), lt: new Date(`${year + 1}-01-01T00:00:00Z`) };
  return {
    envelopeCents: ruleSet.envelopeCents,
    committedCents: (await committed(inYear)) ?? 0,
    year,
    ruleSetId: ruleSet.id,
  };
}
