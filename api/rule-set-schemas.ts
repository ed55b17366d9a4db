import { z } from 'zod';
import { POLICY_RULE_TYPES, type PolicyRules } from '../domain/policy/rules';
import { POLICY_OUTCOMES } from '../domain/policy/findings';
import { isoDateSchema, text } from '../domain/schemas';
import { PROGRAMMES, SUBJECT_TYPES } from '../domain/stages';
import { requestBody, responseBody } from './contract';

/** Schemas of the policy rule-set routes (api/routes/rule-sets.ts): versions, drafts and their impact preview. */

const ruleValue = (type: 'number' | 'boolean') =>
  type === 'boolean' ? z.boolean() : z.number().int().min(0).max(100_000_000_000);

/** Every rule, optional: a draft's changes to the rule set it is based on. Money in USD cents, shares in whole percent. */
const ruleChanges = z
  .strictObject(
    Object.fromEntries(Object.entries(POLICY_RULE_TYPES).map(([k, type]) => [k, ruleValue(type).optional()])) as Record<
      keyof PolicyRules,
      z.ZodOptional<z.ZodNumber | z.ZodBoolean>
    >,
  )
  .describe('Rules that differ from the rule set it is based on (money in USD cents, shares in whole percent)');
const rules = z
  .strictObject(
    Object.fromEntries(Object.entries(POLICY_RULE_TYPES).map(([k, type]) => [k, ruleValue(type)])) as Record<
      keyof PolicyRules,
      z.ZodNumber | z.ZodBoolean
    >,
  )
  .describe('Every rule of the set (money in USD cents, shares in whole percent)');

const ruleSetId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{2,79}$/, 'lower-case letters, digits and hyphens, 3 to 80 characters')
  .describe('A stable id, e.g. popp-2027-01-01');

export const ruleSetDraftCreateBody = requestBody(
  'RuleSetDraftCreate',
  z.strictObject({
    id: ruleSetId,
    name: text(200).describe('How people name it'),
    source: text(2000).describe('Where UNDP published it: the POPP revision, its circular or page'),
    effectiveFrom: isoDateSchema.describe('First day in force: after today'),
    basedOnId: ruleSetId.optional().describe('The rule set it amends; by default the one in force on its first day'),
    rules: ruleChanges.default({}),
  }),
  {
    id: 'popp-2027-01-01',
    name: 'UNDP POPP (revision effective 1 Jan 2027)',
    source: 'UNDP POPP, Contracts and Procurement, revision of 1 Dec 2026',
    effectiveFrom: '2027-01-01',
    rules: { innovationDirectAwardLimitCents: 3_500_000 },
  },
);

export const ruleSetDraftPatchBody = requestBody(
  'RuleSetDraftPatch',
  z
    .strictObject({
      name: text(200).optional(),
      source: text(2000).optional(),
      effectiveFrom: isoDateSchema.optional(),
      rules: ruleChanges.optional().describe('Rules to change on top of the draft (merged into it)'),
    })
    .refine((b) => Object.keys(b).length > 0, 'change at least one field'),
  { rules: { icDailyFeeApprovalThresholdCents: 200_000 } },
);

const ruleSetView = z.strictObject({
  id: z.string(),
  name: z.string(),
  source: z.string().nullable(),
  effectiveFrom: isoDateSchema,
  effectiveTo: isoDateSchema.nullable(),
  status: z.enum(['draft', 'published']),
  inForce: z.boolean().describe('In force today'),
  basedOnId: z.string().nullable(),
  rules,
  changes: z
    .array(
      z.strictObject({
        rule: z.string(),
        before: z.union([z.number(), z.boolean()]),
        after: z.union([z.number(), z.boolean()]),
      }),
    )
    .describe('What it changes against the rule set it amends'),
});
export const ruleSetSchema = responseBody('RuleSet', ruleSetView);
export const ruleSetListSchema = responseBody(
  'RuleSetList',
  z.strictObject({ today: isoDateSchema, items: z.array(ruleSetView).describe('Newest first; drafts included') }),
);

const outcome = z.enum(POLICY_OUTCOMES);
export const ruleSetImpactSchema = responseBody(
  'RuleSetImpact',
  z.strictObject({
    ruleSet: ruleSetView,
    baseline: z
      .strictObject({ id: z.string(), name: z.string() })
      .describe('The rule set the items would be checked under on that day without the new version'),
    checked: z.number().int().describe('Open items whose next policy check is still ahead'),
    items: z.array(
      z.strictObject({
        type: z.enum(SUBJECT_TYPES),
        programme: z.enum(PROGRAMMES),
        id: z.string(),
        title: z.string(),
        countryCode: z.string(),
        stage: z.string(),
        check: z.enum(['grant_contracting', 'individual_contract']).describe('The policy check still ahead'),
        outcomeBefore: outcome,
        outcomeAfter: outcome,
        changes: z.array(
          z.strictObject({
            rule: z.string(),
            before: outcome.nullable(),
            after: outcome.nullable(),
            beforeFigures: z.record(z.string(), z.unknown()).nullable(),
            afterFigures: z.record(z.string(), z.unknown()).nullable(),
            message: z.string(),
          }),
        ),
        assumptions: z
          .array(z.string())
          .describe('Facts not recorded yet that the preview had to assume (e.g. the daily fee before selection)'),
      }),
    ),
  }),
);
