import { Context } from '@temporalio/activity';
import { Prisma } from '../generated/prisma/client';
import type { StepCommit } from '../domain/steps';
import { isTerminal } from '../domain/stages';

/**
 * The provenance of decisions: a DecisionRecord for each applied workflow step that decides
 * something (an automatic check with its findings, a human decision on a task, a contract's policy
 * check, a payment, an ending), written in the read model's transaction. It names the rule set in
 * force by id, name and effective date, every rule's finding with its figures, and the workflow run
 * and activity that committed it, so the decision can be retraced after Temporal has deleted the
 * history.
 */

interface FindingLike {
  rule: string;
  outcome: string;
  message?: string;
  data?: unknown;
}

function asObject(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function findingsOf(v: unknown): FindingLike[] | null {
  if (!Array.isArray(v)) return null;
  return v.filter((f): f is FindingLike => !!asObject(f) && typeof (f as FindingLike).rule === 'string');
}

/** The rule set, outcome and findings of a policy result ({outcome, findings, ruleSetId}) or an alignment check ({result, reasons}). */
function checkOf(v: unknown): { ruleSetId?: string; outcome?: string; findings: FindingLike[] } | null {
  const o = asObject(v);
  if (!o) return null;
  const findings = findingsOf(o.findings) ?? findingsOf(o.reasons);
  if (!findings) return null;
  return {
    ruleSetId: typeof o.ruleSetId === 'string' ? o.ruleSetId : undefined,
    outcome: typeof o.outcome === 'string' ? o.outcome : typeof o.result === 'string' ? o.result : undefined,
    findings,
  };
}

/** Where the step runs: the workflow run and the commit activity's id (none outside an activity, e.g. a script). */
function runOf(): { runId: string | null; activityId: string | null } {
  try {
    const info = Context.current().info;
    return { runId: info.workflowExecution?.runId ?? null, activityId: info.activityId };
  } catch {
    return { runId: null, activityId: null };
  }
}

export async function recordDecision(tx: Prisma.TransactionClient, step: StepCommit, key: string): Promise<void> {
  const checks = [checkOf(step.patch?.findings), checkOf(step.contract?.policyFindings)].filter(
    (c): c is NonNullable<typeof c> => !!c,
  );
  const decisions = (step.closeTasks ?? [])
    .filter((c) => c.decision)
    .map((c) => ({
      taskId: c.id,
      kind: c.id.slice(step.workflowId.length + 1).split(':')[0],
      decision: c.decision,
      comment: c.comment ?? null,
      data: c.data ?? null,
      decidedById: c.decidedById ?? null,
    }));
  const ends = !!step.stage && isTerminal(step.stage.to);
  if (!checks.length && !decisions.length && !step.payments?.length && !ends) return;

  const audit = step.audit ?? [];
  const auditRuleSet = audit.map((a) => a.data?.ruleSetId).find((id): id is string => typeof id === 'string');
  const ruleSetId = checks.find((c) => c.ruleSetId)?.ruleSetId ?? auditRuleSet;
  const human = decisions.find((d) => d.decidedById);
  const actor = audit.find((a) => a.actorId) ?? audit[0];
  const { runId, activityId } = runOf();
  const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
  // One plain SQL statement, the rule set's name and date read by it (Prisma 6 compiles each ORM query
  // anew; half of all commits record a decision). A step recorded before stays as it was.
  const ruleSetName = ruleSetId
    ? Prisma.sql`(SELECT "name" FROM "PolicyRuleSet" WHERE "id" = ${ruleSetId})`
    : Prisma.sql`NULL`;
  const ruleSetFrom = ruleSetId
    ? Prisma.sql`(SELECT ("effectiveFrom" AT TIME ZONE 'UTC')::date FROM "PolicyRuleSet" WHERE "id" = ${ruleSetId})`
    : Prisma.sql`NULL`;
  await tx.$executeRaw`INSERT INTO "DecisionRecord" ("key", "workflowId", "runId", "activityId", "subjectType", "subjectId", "at", "kind",
      "actions", "actorId", "actorRole", "outcome", "ruleSetId", "ruleSetName", "ruleSetEffectiveFrom", "findings", "decisions", "payments", "stage")
    VALUES (${key}, ${step.workflowId}, ${runId}, ${activityId}, ${step.subject.type}, ${step.subject.id}, ${new Date(step.at)},
      ${human ? 'human' : 'automatic'}, ${JSON.stringify(audit.map((a) => a.action))}::jsonb,
      ${human?.decidedById ?? actor?.actorId ?? null}, ${actor?.actorRole ?? (human ? null : 'system')},
      ${checks[0]?.outcome ?? decisions[0]?.decision ?? null}, ${ruleSetId ?? null}, ${ruleSetName}, ${ruleSetFrom},
      ${json(checks.length ? checks.flatMap((c) => c.findings) : null)}::jsonb, ${json(decisions.length ? decisions : null)}::jsonb,
      ${json(step.payments?.length ? step.payments : null)}::jsonb, ${json(step.stage ?? null)}::jsonb)
    ON CONFLICT DO NOTHING`;
}
