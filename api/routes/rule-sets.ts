import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { contractingGrantFacts } from '../../activities/proposal';
import { expertContractFacts, missionDsaRateCents } from '../../activities/expert-request';
import { loadRuleSets } from '../../activities/policy';
import { checkGrant } from '../../domain/policy/grant';
import { impactOf } from '../../domain/policy/impact';
import { checkIndividualContract } from '../../domain/policy/individual-contract';
import {
  parsePolicyRules,
  ruleSetInForce,
  RULE_SETS,
  type PolicyRules,
  type PolicyRuleSetRecord,
} from '../../domain/policy/rules';
import type { BudgetLine } from '../../domain/budget';
import { stagesInPhase, type Programme } from '../../domain/registry';
import type { Modality, Phase } from '../../domain/stages';
import type { ApiContext } from '../context';
import { conflict, notFound, validationFailed } from '../errors';
import { created, type ApiRouter } from '../router';
import {
  ruleSetDraftCreateBody,
  ruleSetDraftPatchBody,
  ruleSetImpactSchema,
  ruleSetListSchema,
  ruleSetSchema,
} from '../rule-set-schemas';

/**
 * UNDP's policy rule sets as the system records them: the published versions (dated, with their
 * source), the drafts an administrator enters from a new UNDP publication before publishing it, and
 * the impact preview fund managers read before a new version takes effect: which open proposals and
 * requests would get another outcome at their next policy check, and why. The preview runs the same
 * pure checks over the same facts as the workflows' contracting checks (activities/proposal.ts
 * `contractingGrantFacts`, activities/expert-request.ts `expertContractFacts`) under the rule set
 * those checks would use on the new version's first day without it, and under the new version.
 * Nothing is decided by it; items whose check has run are not listed.
 */

const READ_ROLES = ['admin', 'fund_manager', 'auditor'] as const;
/** Phases whose items still have their contracting check (grant or individual contract) ahead. */
const BEFORE_CONTRACTING: readonly Phase[] = ['intake', 'co_endorsement', 'alignment_check', 'selection'];

type RuleSetView = z.input<typeof ruleSetSchema>;
type ImpactItem = z.input<typeof ruleSetImpactSchema>['items'][number];

const day = (d: Date) => d.toISOString().slice(0, 10);

function changesOf(base: PolicyRules | null, rules: PolicyRules) {
  if (!base) return [];
  return (Object.keys(rules) as (keyof PolicyRules)[])
    .filter((k) => base[k] !== rules[k])
    .map((k) => ({ rule: k, before: base[k], after: rules[k] }));
}

export function ruleSetRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;
  const { clock } = ctx;
  const today = () => day(clock.now());

  interface Known {
    record: PolicyRuleSetRecord;
    status: 'draft' | 'published';
    source: string | null;
    basedOnId: string | null;
  }

  /** Published rule sets (the database's, else the built-in ones) and unpublished drafts. */
  async function known(): Promise<{ published: Known[]; drafts: Known[] }> {
    const [sets, sources, drafts] = await Promise.all([
      loadRuleSets(prisma),
      prisma.policyRuleSet.findMany({ select: { id: true, source: true } }),
      prisma.policyRuleSetDraft.findMany({ where: { publishedAt: null } }),
    ]);
    const sorted = [...sets].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    return {
      published: sorted.map((record, i) => ({
        record,
        status: 'published',
        source: sources.find((s) => s.id === record.id)?.source ?? null,
        basedOnId: i > 0 ? sorted[i - 1].id : null,
      })),
      drafts: drafts.map((d) => ({
        record: {
          id: d.id,
          name: d.name,
          effectiveFrom: day(d.effectiveFrom),
          effectiveTo: null,
          rules: parsePolicyRules(d.rules, `draft ${d.id}`),
        },
        status: 'draft',
        source: d.source,
        basedOnId: d.basedOnId,
      })),
    };
  }

  function view(k: Known, all: Known[]): RuleSetView {
    const base = all.find((o) => o.record.id === k.basedOnId)?.record.rules ?? null;
    const t = today();
    return {
      id: k.record.id,
      name: k.record.name,
      source: k.source,
      effectiveFrom: k.record.effectiveFrom,
      effectiveTo: k.record.effectiveTo,
      status: k.status,
      inForce:
        k.status === 'published' &&
        ruleSetInForce(
          all.filter((o) => o.status === 'published').map((o) => o.record),
          t,
        ).id === k.record.id,
      basedOnId: k.basedOnId,
      rules: k.record.rules,
      changes: changesOf(base, k.record.rules),
    };
  }

  /** The open items whose next policy check is still ahead, each with the check it would run under a rule set. */
  async function pendingChecks() {
    const phaseStages = (programme: Programme) => BEFORE_CONTRACTING.flatMap((p) => stagesInPhase(programme, p));
    const [proposals, requests] = await Promise.all([
      prisma.proposal.findMany({
        where: { stage: { in: phaseStages('challenge_fund') } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
      prisma.expertRequest.findMany({
        where: { stage: { in: phaseStages('experts_on_demand') } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    ]);
    const out: {
      item: Omit<ImpactItem, 'outcomeBefore' | 'outcomeAfter' | 'changes'>;
      run: (rs: PolicyRuleSetRecord) => ReturnType<typeof checkGrant>;
    }[] = [];
    for (const p of proposals) {
      const facts = await contractingGrantFacts(prisma, {
        proposalId: p.id,
        callId: p.callId,
        institutionId: p.institutionId,
        countryCode: p.countryCode,
        requestedCents: p.requestedAmountCents,
        coFinancingCents: p.coFinancingCents,
        durationMonths: p.durationMonths,
        localPartnerEvidence: (p.nationalPartner as { demandEvidence?: string | null }).demandEvidence ?? null,
        submittedAt: p.createdAt.toISOString(),
        budget: Array.isArray(p.budget) ? (p.budget as unknown as BudgetLine[]) : undefined,
      });
      out.push({
        item: {
          type: 'proposal',
          programme: 'challenge_fund',
          id: p.id,
          title: p.title,
          countryCode: p.countryCode,
          stage: p.stage,
          check: 'grant_contracting',
          assumptions: [],
        },
        run: (rs) => checkGrant(rs, facts),
      });
    }
    // Experts on Demand: before selection the expert's daily fee and the candidates compared are not
    // recorded yet: the selected or costliest shortlisted expert's fee, else the contract value per
    // working day; a competitive selection with the rule set's minimum of candidates.
    const shortlisted = requests.flatMap((r) =>
      Array.isArray(r.shortlist) ? (r.shortlist as { expertId?: string }[]).map((s) => String(s.expertId)) : [],
    );
    const experts = await prisma.expert.findMany({
      where: { id: { in: [...new Set([...shortlisted, ...requests.map((r) => r.selectedExpertId ?? '')])] } },
      select: { id: true, dailyFeeCents: true },
    });
    const feeOf = new Map(experts.map((e) => [e.id, e.dailyFeeCents]));
    for (const r of requests) {
      const assumptions = ['candidates_at_minimum'];
      const shortFees = Array.isArray(r.shortlist)
        ? (r.shortlist as { expertId?: string }[]).map((s) => feeOf.get(String(s.expertId))).filter((f) => f != null)
        : [];
      let dailyFeeCents: number;
      if (r.selectedExpertId && feeOf.has(r.selectedExpertId)) dailyFeeCents = feeOf.get(r.selectedExpertId)!;
      else if (shortFees.length) {
        dailyFeeCents = Math.max(...shortFees);
        assumptions.push('daily_fee_from_shortlist');
      } else {
        dailyFeeCents = Math.round(r.contractValueCents / Math.max(1, r.workingDays));
        assumptions.push('daily_fee_from_contract_value');
      }
      const modality = r.modality as Modality;
      const dsa = modality === 'mission' ? await missionDsaRateCents(prisma, r.id, r.countryCode) : null;
      const deliverables = Array.isArray(r.deliverables) ? (r.deliverables as { amountUsd?: number }[]) : [];
      const input = {
        contractValueCents: r.contractValueCents,
        deliverableAmountsCents: deliverables.map((d) => Math.round(Number(d.amountUsd ?? 0) * 100)),
        dailyFeeCents,
        workingDays: r.workingDays,
        modality,
        perDiemUsd: r.perDiemUsd,
      };
      out.push({
        item: {
          type: 'expert_request',
          programme: 'experts_on_demand',
          id: r.id,
          title: r.title,
          countryCode: r.countryCode,
          stage: r.stage,
          check: 'individual_contract',
          assumptions,
        },
        run: (rs) =>
          checkIndividualContract(
            rs,
            expertContractFacts(rs, { ...input, candidatesCompared: rs.rules.icMinCandidatesCompeting }, dsa),
          ),
      });
    }
    return out;
  }

  async function draftOr404(id: string) {
    const draft = await prisma.policyRuleSetDraft.findUnique({ where: { id } });
    if (!draft) throw notFound('rule set draft');
    if (draft.publishedAt) throw conflict('the draft is published: it can no longer change', 'published');
    return draft;
  }

  function refuseUnlessFuture(effectiveFrom: string): void {
    if (effectiveFrom <= today())
      throw validationFailed([
        {
          path: 'effectiveFrom',
          message: `must be after today (${today()}): a rule set is entered before it takes effect`,
        },
      ]);
  }

  async function viewOf(id: string): Promise<RuleSetView> {
    const k = await known();
    const all = [...k.published, ...k.drafts];
    const found = all.find((o) => o.record.id === id);
    if (!found) throw notFound('rule set');
    return view(found, all);
  }

  router.add(
    {
      method: 'get',
      path: '/policy/rule-sets',
      operationId: 'listPolicyRuleSets',
      tag: 'Policy',
      summary: 'UNDP policy rule sets: published versions and drafts, newest first',
      description:
        'Each version with its first day, source and rules (money in USD cents), what it changes against the version it ' +
        'amends, and whether it is in force today.',
      roles: READ_ROLES,
      success: { status: 200, description: 'The rule sets', schema: ruleSetListSchema },
    },
    async () => {
      const k = await known();
      const all = [...k.published, ...k.drafts];
      const items = all
        .map((o) => view(o, all))
        .sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom) || a.status.localeCompare(b.status));
      return { body: { today: today(), items } };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/policy/rule-sets/drafts',
      operationId: 'createPolicyRuleSetDraft',
      tag: 'Policy',
      summary: 'Enter a new rule-set version UNDP published, as a draft',
      description:
        'An administrator records a change UNDP published (a threshold, a rate): its source, a first day after today, and ' +
        'the rules that differ from the version it amends (by default the one in force on that day). Fund managers preview ' +
        'its impact before it is published and takes effect.',
      roles: ['admin'],
      body: ruleSetDraftCreateBody,
      success: created(ruleSetSchema, 'getPolicyRuleSetImpact'),
      errors: [409],
    },
    async ({ user, body }) => {
      refuseUnlessFuture(body.effectiveFrom);
      const k = await known();
      if ([...k.published, ...k.drafts].some((o) => o.record.id === body.id))
        throw conflict(`a rule set ${body.id} exists already`, 'rule_set_exists');
      const published = k.published.map((o) => o.record);
      let base: PolicyRuleSetRecord;
      if (body.basedOnId) {
        const found = published.find((r) => r.id === body.basedOnId);
        if (!found) throw validationFailed([{ path: 'basedOnId', message: 'is not a published rule set' }]);
        base = found;
      } else base = ruleSetInForce(published, body.effectiveFrom);
      await prisma.policyRuleSetDraft.create({
        data: {
          id: body.id,
          name: body.name,
          source: body.source,
          effectiveFrom: new Date(`${body.effectiveFrom}T00:00:00Z`),
          rules: { ...base.rules, ...(body.rules as Partial<PolicyRules>) },
          basedOnId: base.id,
          createdById: user.id,
        },
      });
      return { status: 201, body: await viewOf(body.id) };
    },
  );

  router.add(
    {
      method: 'patch',
      path: '/policy/rule-sets/drafts/:id',
      operationId: 'updatePolicyRuleSetDraft',
      tag: 'Policy',
      summary: 'Change a draft rule set (its rules, name, source, first day)',
      roles: ['admin'],
      params: { id: { description: 'The rule set id', example: 'popp-2027-01-01' } },
      body: ruleSetDraftPatchBody,
      success: { status: 200, description: 'The draft after the change', schema: ruleSetSchema },
      errors: [404, 409],
    },
    async ({ params, body }) => {
      const draft = await draftOr404(params.id);
      if (body.effectiveFrom) refuseUnlessFuture(body.effectiveFrom);
      await prisma.policyRuleSetDraft.update({
        where: { id: draft.id },
        data: {
          ...(body.name ? { name: body.name } : {}),
          ...(body.source ? { source: body.source } : {}),
          ...(body.effectiveFrom ? { effectiveFrom: new Date(`${body.effectiveFrom}T00:00:00Z`) } : {}),
          ...(body.rules
            ? { rules: { ...parsePolicyRules(draft.rules), ...(body.rules as Partial<PolicyRules>) } }
            : {}),
        },
      });
      return { body: await viewOf(draft.id) };
    },
  );

  router.add(
    {
      method: 'post',
      path: '/policy/rule-sets/drafts/:id/publish',
      operationId: 'createPolicyRuleSetPublication',
      tag: 'Policy',
      summary: 'Publish a draft: checks use it from its first day on',
      description:
        'Its first day must still be after today. Audited (who, when, the source and what changed). Items already ' +
        'decided are not decided again; checks still ahead use it from its first day.',
      roles: ['admin'],
      params: { id: { description: 'The rule set id', example: 'popp-2027-01-01' } },
      success: { status: 200, description: 'The published rule set', schema: ruleSetSchema },
      errors: [404, 409],
    },
    async ({ user, params, req }) => {
      const draft = await draftOr404(params.id);
      const effectiveFrom = day(draft.effectiveFrom);
      if (effectiveFrom <= today())
        throw conflict(`its first day ${effectiveFrom} is not after today: change it before publishing`, 'not_future');
      const before = await viewOf(draft.id);
      await prisma.$transaction(async (tx) => {
        // The built-in sets are what checks used while the table was empty: keep them in force for earlier days.
        if ((await tx.policyRuleSet.count()) === 0)
          await tx.policyRuleSet.createMany({
            data: RULE_SETS.map((r) => ({
              id: r.id,
              name: r.name,
              effectiveFrom: new Date(`${r.effectiveFrom}T00:00:00Z`),
              effectiveTo: r.effectiveTo ? new Date(`${r.effectiveTo}T00:00:00Z`) : null,
              rules: { ...r.rules },
            })),
          });
        await tx.policyRuleSet.create({
          data: {
            id: draft.id,
            name: draft.name,
            effectiveFrom: draft.effectiveFrom,
            rules: draft.rules as object,
            source: draft.source,
            publishedById: user.id,
          },
        });
        await tx.policyRuleSetDraft.update({ where: { id: draft.id }, data: { publishedAt: clock.now() } });
        await tx.auditEvent.create({
          data: {
            key: `policy:${randomUUID()}`,
            subjectType: 'policy_rule_set',
            subjectId: draft.id,
            actorId: user.id,
            actorRole: user.role,
            action: 'policy_rule_set_published',
            data: {
              name: draft.name,
              source: draft.source,
              effectiveFrom,
              basedOnId: draft.basedOnId,
              changes: before.changes,
            },
            requestId: req.requestId ?? null,
          },
        });
      });
      return { body: await viewOf(draft.id) };
    },
  );

  router.add(
    {
      method: 'get',
      path: '/policy/rule-sets/:id/impact',
      operationId: 'getPolicyRuleSetImpact',
      tag: 'Policy',
      summary: 'Which open items a new rule-set version would give another outcome, and why',
      description:
        'For a draft or a published version not yet in force: every open proposal and expert request whose contracting ' +
        'check is still ahead, checked with the same rules over its recorded facts under the version it would be checked ' +
        'under on the new first day without it (the baseline) and under the new one. Lists the items whose outcome ' +
        '(pass, needs approval, fail) differs, with each rule that changed and the figures it saw. Decides nothing.',
      roles: READ_ROLES,
      params: { id: { description: 'The rule set id', example: 'popp-2027-01-01' } },
      success: { status: 200, description: 'The items whose outcome would change', schema: ruleSetImpactSchema },
      errors: [404, 409],
    },
    async ({ params }) => {
      const k = await known();
      const all = [...k.published, ...k.drafts];
      const target = all.find((o) => o.record.id === params.id);
      if (!target) throw notFound('rule set');
      if (target.record.effectiveFrom <= today())
        throw conflict('the rule set is in force already: the preview is for versions still to come', 'in_force');
      const others = k.published.map((o) => o.record).filter((r) => r.id !== target.record.id);
      const baseline = ruleSetInForce(others, target.record.effectiveFrom);
      const pending = await pendingChecks();
      const items: ImpactItem[] = [];
      for (const p of pending) {
        const impact = impactOf(p.run(baseline), p.run(target.record));
        if (impact) items.push({ ...p.item, ...impact });
      }
      return {
        body: {
          ruleSet: view(target, all),
          baseline: { id: baseline.id, name: baseline.name },
          checked: pending.length,
          items,
        },
      };
    },
  );
}
