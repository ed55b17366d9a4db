/**
 * UN Volunteers fully funded (issue 33): the host's description of assignment, the decision payloads
 * of the programme's tasks, the read-model row and its patch. Pure: the workflow's validators and
 * steps, the API and the tests use it. Rules and figures: domain/policy/unv.ts.
 */
import { z } from 'zod';
import { countryCodeSchema, isoDateSchema, text, type FieldProblem } from './schemas';
import {
  DEGREE_LEVELS,
  dutyStationRate,
  expectedSpendCents,
  reconcileInterim,
  unvMoney,
  UNV_CATEGORIES,
  unvRulesInForce,
  UNV_RULE_SETS,
  type UnvLedger,
} from './policy/unv';

export const unvRequestSchema = z
  .object({
    title: text(300).describe('The assignment title, e.g. "Climate finance associate"'),
    hostEntity: text(300).describe('The host: a UNDP Country Office or another UN entity in the country'),
    dutyStation: z.object({ city: text(120), countryCode: countryCodeSchema }).strict(),
    category: z.enum(UNV_CATEGORIES),
    months: z.number().int().min(1).max(48).describe('Duration of the initial assignment, in months'),
    tasks: text(10000).describe('What the volunteer will do'),
    qualifications: text(5000),
    languages: z.array(text(60)).min(1).max(10),
    startDate: isoDateSchema.describe('Start date wished'),
    sdgs: z.array(z.number().int().min(1).max(17)).max(17).default([]).describe('The SDGs the assignment serves'),
  })
  .strict();
export type UnvRequest = z.output<typeof unvRequestSchema>;

export const unvCandidateSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/, 'letters, digits, - and _ (1–60)'),
    name: text(200),
    citizenship: countryCodeSchema,
    birthDate: isoDateSchema,
    degree: z.enum(DEGREE_LEVELS),
    yearsExperience: z.number().int().min(0).max(60),
    email: z.email().max(320).optional(),
    languages: z.array(text(60)).max(10).optional(),
  })
  .strict();

// ---------- decisions of the programme's tasks ----------

export const unvShortlistSchema = z.object({ candidates: z.array(unvCandidateSchema).min(1).max(10) }).strict();
export const unvHostSelectionSchema = z
  .object({ ranking: z.array(z.string().min(1).max(60)).min(1).max(10), justification: text(5000).optional() })
  .strict();
export const unvOfferDeclineSchema = z.object({ reason: text(2000) }).strict();
export const unvClearancesSchema = z.object({ medical: z.literal(true), security: z.literal(true) }).strict();
/** The volunteer's own pre-deployment steps: the medical examination and UN security training, done on these days. */
export const unvVolunteerClearancesSchema = z
  .object({
    medicalExamOn: isoDateSchema.describe('Day of the medical examination'),
    securityTrainingOn: isoDateSchema.describe('Day the UN security training (BSAFE) was completed'),
  })
  .strict();
export const unvNotClearedSchema = z.object({ reason: text(2000) }).strict();
export const unvDeploymentSchema = z.object({ startDate: isoDateSchema }).strict();
export const unvExtensionRequestSchema = z
  .object({ months: z.number().int().min(1).max(48), justification: text(5000) })
  .strict();
export const unvSeparationSchema = z.object({ date: isoDateSchema, reason: text(2000) }).strict();
export const unvEndReportSchema = z.object({ report: text(20000), rating: z.number().int().min(1).max(5) }).strict();
export const unvStatementSchema = z
  .object({
    periodEnd: isoDateSchema,
    spentUsd: z.number().min(0).max(10_000_000),
    varianceExplanation: text(5000).optional(),
  })
  .strict();

/** What the workflow knows when it validates a decision (pure: runs in the Update validator). */
export interface UnvValidationState {
  shortlistIds: string[];
  deployedOn: string | null;
  plannedEndDate: string | null;
  category: z.infer<typeof unvRequestSchema>['category'];
  monthsSoFar: number;
  ruleSetId: string;
  ledger: UnvLedger;
  /** The duty station's country (its rates price the spending expected to an interim statement's period end). */
  countryCode: string;
}

function ruleSet(id: string) {
  return UNV_RULE_SETS.find((s) => s.id === id) ?? unvRulesInForce(new Date().toISOString());
}

/** Cross-field and state rules of the programme's decisions. */
export function unvDecisionProblems(
  kind: string,
  decision: string,
  data: Record<string, unknown>,
  s: UnvValidationState,
): FieldProblem[] {
  if (kind === 'unv_shortlist') {
    const p = unvShortlistSchema.safeParse(data);
    if (p.success) {
      const ids = p.data.candidates.map((c) => c.id);
      if (new Set(ids).size !== ids.length) return [{ path: 'data.candidates', message: 'candidate ids must differ' }];
    }
  }
  if (kind === 'unv_host_selection' && decision === 'select') {
    const p = unvHostSelectionSchema.safeParse(data);
    if (p.success) {
      const unknown = p.data.ranking.filter((id) => !s.shortlistIds.includes(id));
      if (unknown.length) return [{ path: 'data.ranking', message: `not on the shortlist: ${unknown.join(', ')}` }];
      if (new Set(p.data.ranking).size !== p.data.ranking.length)
        return [{ path: 'data.ranking', message: 'a candidate is ranked once' }];
    }
  }
  if (kind === 'unv_assignment' && decision === 'request_extension') {
    const p = unvExtensionRequestSchema.safeParse(data);
    const max = ruleSet(s.ruleSetId).rules.categories[s.category].maxTotalMonths;
    if (p.success && s.monthsSoFar + p.data.months > max)
      return [
        {
          path: 'data.months',
          message: `${s.monthsSoFar} + ${p.data.months} months exceeds the ${s.category} category’s maximum of ${max}`,
        },
      ];
  }
  if (kind === 'unv_assignment' && decision === 'separation') {
    const p = unvSeparationSchema.safeParse(data);
    if (
      p.success &&
      s.deployedOn &&
      (p.data.date < s.deployedOn || (s.plannedEndDate && p.data.date > s.plannedEndDate))
    )
      return [{ path: 'data.date', message: `must be within the assignment (${s.deployedOn} to ${s.plannedEndDate})` }];
  }
  if (kind === 'unv_interim_statement') return interimStatementProblems(data, s);
  return [];
}

/** An interim statement's period ends within the assignment, after the last one; a variance beyond the tolerance is explained. */
function interimStatementProblems(data: Record<string, unknown>, s: UnvValidationState): FieldProblem[] {
  const p = unvStatementSchema.safeParse(data);
  if (!p.success || !s.deployedOn) return [];
  const last = s.ledger.statements[s.ledger.statements.length - 1];
  if (p.data.periodEnd < s.deployedOn || (s.plannedEndDate && p.data.periodEnd > s.plannedEndDate))
    return [
      { path: 'data.periodEnd', message: `must be within the assignment (${s.deployedOn} to ${s.plannedEndDate})` },
    ];
  if (last && p.data.periodEnd <= last.periodEnd)
    return [{ path: 'data.periodEnd', message: `must be after the last statement’s period end (${last.periodEnd})` }];
  const rec = interimReconciliation(s, p.data.periodEnd, Math.round(p.data.spentUsd * 100));
  if (rec && (rec.explanationRequired || rec.overspent) && !p.data.varianceExplanation)
    return [
      {
        path: 'data.varianceExplanation',
        message: `a variance of ${rec.variancePct}% against the spending expected to ${p.data.periodEnd} (tolerance ${ruleSet(s.ruleSetId).rules.varianceTolerancePct}%)${rec.overspent ? ', spent more than transferred,' : ''} needs an explanation`,
      },
    ];
  return [];
}

/** An interim statement reconciled against the commitment, the transfers and the spending expected to its period end. */
export function interimReconciliation(
  s: Pick<UnvValidationState, 'ruleSetId' | 'countryCode' | 'deployedOn' | 'ledger'>,
  periodEnd: string,
  spentCents: number,
) {
  const set = ruleSet(s.ruleSetId);
  const rate = dutyStationRate(set, s.countryCode);
  if (!rate || !s.deployedOn) return null;
  const expected = expectedSpendCents(rate, s.deployedOn, periodEnd, unvMoney(s.ledger).committedCents, set);
  return reconcileInterim(s.ledger, spentCents, expected, set);
}

// ---------- read model ----------

export interface UnvAssignmentRowInit {
  requesterId: string;
  hostEntity: string;
  dutyStationCity: string;
  unvCategory: string;
  plannedMonths: number;
  wishedStartDate: string;
  sdgs: number[];
  request: unknown;
}

export function unvRowInit(req: UnvRequest, requesterId: string): UnvAssignmentRowInit {
  return {
    requesterId,
    hostEntity: req.hostEntity,
    dutyStationCity: req.dutyStation.city,
    unvCategory: req.category,
    plannedMonths: req.months,
    wishedStartDate: `${req.startDate}T00:00:00.000Z`,
    sdgs: req.sdgs,
    request: req,
  };
}
