import { budgetTotals, type BudgetLine } from '../domain/budget';
import { callSelectionMode, type SelectionMode } from '../domain/calls';
import { checkGrant, type GrantFacts } from '../domain/policy/grant';
import type { PolicyResult } from '../domain/policy/findings';
import type { RubricCriterion } from '../domain/policy/scoring';
import { ruleSetInForce } from '../domain/policy/rules';
import { reviewerConflict } from '../domain/reviewers';
import type { DecisionProblem } from '../domain/tasks';
import type { PrismaClient } from '../lib/db';
import type { ActivityDeps } from './deps';
import { loadRuleSets } from './policy';

export interface ScreeningInput {
  proposalId: string;
  callId: string;
  institutionId: string;
  countryCode: string;
  requestedCents: number;
  coFinancingCents: number;
  durationMonths: number;
  localPartnerEvidence: string | null;
  submittedAt: string;
  /** The budget lines, when the proposal has them (the indirect-cost cap is checked on them). */
  budget?: BudgetLine[];
  /** Checked at intake only (contracting comes after some may have fallen due). */
  milestoneDueDates?: string[];
  /**
   * The types of the documents the proposal carries, when the API checks before the proposal exists
   * (its staged uploads); absent: the proposal's own live documents are read.
   */
  documentTypes?: string[];
}

export interface ScreeningResult {
  policy: PolicyResult;
  call: {
    title: string;
    rubric: RubricCriterion[];
    passMark: number;
    /** The call's workflow when the call has a closing date: its proposals wait for its ranked selection. */
    callWorkflowId?: string | null;
  } | null;
}

/** Grants already awarded (contract signed) to an institution, this proposal excluded. */
async function awardedToInstitutionCents(
  prisma: PrismaClient,
  institutionId: string,
  excludeProposalId: string,
): Promise<number> {
  const proposals = await prisma.proposal.findMany({
    where: { institutionId, id: { not: excludeProposalId }, stage: { in: ['mission', 'evaluation', 'closed'] } },
    select: { requestedAmountCents: true },
  });
  return proposals.reduce((sum, p) => sum + p.requestedAmountCents, 0);
}

/** The types of a proposal's documents that count towards its call's required ones (not deleted, not infected). */
export async function proposalDocumentTypes(prisma: PrismaClient, proposalId: string): Promise<string[]> {
  const docs = await prisma.document.findMany({
    where: { subjectType: 'proposal', subjectId: proposalId, deleted: false, scanState: { not: 'infected' } },
    select: { documentType: true },
  });
  return [...new Set(docs.map((d) => d.documentType))];
}

/** What the required-documents rule is given: the call's required types and the proposal's (none required: nothing). */
export async function documentFacts(
  prisma: PrismaClient,
  required: string[],
  proposalId: string,
  given?: string[],
): Promise<{ documents?: { required: string[]; provided: string[] } }> {
  if (!required.length) return {};
  return { documents: { required, provided: given ?? (await proposalDocumentTypes(prisma, proposalId)) } };
}

async function grantFacts(prisma: PrismaClient, input: ScreeningInput) {
  const call = await prisma.call.findUnique({ where: { id: input.callId } });
  const country = await prisma.country.findUnique({ where: { code: input.countryCode } });
  const totals = input.budget ? budgetTotals(input.budget) : null;
  const documents = await documentFacts(
    prisma,
    (call?.requiredDocumentTypes as string[] | undefined) ?? [],
    input.proposalId,
    input.documentTypes,
  );
  return {
    call,
    facts: {
      requestedCents: input.requestedCents,
      coFinancingCents: input.coFinancingCents,
      callMinCents: call?.minGrantCents ?? 0,
      callMaxCents: call?.maxGrantCents ?? 0,
      callCoFinancingMinPct: call?.coFinancingMinPct ?? 20,
      callOpensAt: (call?.opensAt ?? new Date(0)).toISOString(),
      // A rolling call (no closing date) is open for as long as it is published.
      callClosesAt: (call ? (call.closesAt ?? new Date('9999-12-31T23:59:59.999Z')) : new Date(0)).toISOString(),
      submittedAt: input.submittedAt,
      countryEligible: Boolean(country?.eligibleChallengeFund) && call?.countryCode === input.countryCode,
      localPartnerEvidence: input.localPartnerEvidence,
      cumulativeAwardedToInstitutionCents: await awardedToInstitutionCents(
        prisma,
        input.institutionId,
        input.proposalId,
      ),
      durationMonths: input.durationMonths,
      callMaxDurationMonths: call?.maxDurationMonths ?? 12,
      ...(totals ? { budget: { indirectCents: totals.indirectCents, directCents: totals.directCents } } : {}),
      ...(input.milestoneDueDates ? { milestoneDueDates: input.milestoneDueDates } : {}),
      ...documents,
    },
  };
}

/**
 * What the contracting check gives the grant rules (the rule-change preview gives them the same):
 * the call window and the required documents matter at submission only; contracting comes later.
 */
export async function contractingGrantFacts(prisma: PrismaClient, input: ScreeningInput): Promise<GrantFacts> {
  const { facts } = await grantFacts(prisma, { ...input, milestoneDueDates: undefined });
  return { ...facts, documents: undefined, submittedAt: facts.callOpensAt };
}

/**
 * Intake eligibility: call open, country eligible, amounts, co-financing, indirect costs, local partner
 * evidence, duration, milestone dates, required documents. The workflow's screening and the API's
 * check before it starts a workflow both run this, on the rule set in force on the submission day.
 */
export async function screenProposalFacts(prisma: PrismaClient, input: ScreeningInput): Promise<ScreeningResult> {
  const { call, facts } = await grantFacts(prisma, input);
  const ruleSet = ruleSetInForce(await loadRuleSets(prisma), input.submittedAt);
  const policy = checkGrant(ruleSet, facts);
  if (!call) {
    policy.outcome = 'fail';
    policy.findings.unshift({
      rule: 'call_exists',
      outcome: 'fail',
      message: `Call ${input.callId} does not exist`,
      data: { callId: input.callId },
    });
  }
  return {
    policy,
    call: call
      ? {
          title: call.title,
          rubric: call.rubric as unknown as RubricCriterion[],
          passMark: call.passMark,
          // Only a ranked call drives its proposals' review and selection; one selecting one by one leaves them alone.
          callWorkflowId:
            call.workflowId &&
            callSelectionMode({ closesAt: call.closesAt, selectionMode: call.selectionMode as SelectionMode }) ===
              'ranked'
              ? call.workflowId
              : null,
        }
      : null,
  };
}

export function createProposalActivities(deps: ActivityDeps) {
  const { prisma } = deps;

  return {
    /** Intake eligibility (screenProposalFacts). */
    async screenProposal(input: ScreeningInput): Promise<ScreeningResult> {
      return screenProposalFacts(prisma, input);
    },

    /** Contracting: the same grant rules on the decision date, with the cumulative amount as of now. */
    async checkGrantPolicy(input: ScreeningInput & { decisionDate: string }): Promise<PolicyResult> {
      const facts = await contractingGrantFacts(prisma, input);
      return checkGrant(ruleSetInForce(await loadRuleSets(prisma), input.decisionDate), facts);
    },

    /** Reviewers must be distinct reviewer accounts from another institution than the applicant's. */
    async validateReviewers(input: {
      institutionId: string;
      reviewerIds: string[];
      alreadyAssigned: string[];
      expected: number | 'at_least_2';
    }): Promise<DecisionProblem[]> {
      const problems: DecisionProblem[] = [];
      const ids = input.reviewerIds;
      if (new Set(ids).size !== ids.length)
        problems.push({ path: 'data.reviewerIds', message: 'reviewers must be distinct' });
      if (input.expected === 'at_least_2' && new Set(ids).size < 2)
        problems.push({ path: 'data.reviewerIds', message: 'assign at least 2 distinct reviewers' });
      if (typeof input.expected === 'number' && ids.length !== input.expected)
        problems.push({ path: 'data.reviewerIds', message: `assign exactly ${input.expected} replacement reviewer` });
      const users = await prisma.user.findMany({ where: { id: { in: ids } } });
      ids.forEach((id, i) => {
        const user = users.find((u) => u.id === id);
        if (!user || user.role !== 'reviewer' || !user.active)
          problems.push({ path: `data.reviewerIds.${i}`, message: `${id} is not an active reviewer` });
        else if (reviewerConflict(user, input.institutionId) === 'same_institution')
          problems.push({ path: `data.reviewerIds.${i}`, message: `${id} belongs to the applicant's institution` });
        if (input.alreadyAssigned.includes(id))
          problems.push({ path: `data.reviewerIds.${i}`, message: `${id} is already assigned or declared a conflict` });
      });
      return problems;
    },
  };
}
