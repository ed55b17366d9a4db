import { DEMO_USERS } from '../../domain/demo';
import { proposalPayload } from '../fixtures/payloads';
import { eventually } from '../helpers/wait';
import { as, startApiHarness, type ApiHarness } from './harness';

/**
 * Decisions an auditor can retrace: a proposal runs on the real worker through its automatic
 * eligibility screening, the Country Office's endorsement and the alignment check, then a fund
 * manager cancels it. Its workflow history is deleted from Temporal (as the retention period
 * would), and the provenance still names the rule set with its effective date, each rule's
 * finding with its figures, who decided, and the workflow and run.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('provenance');
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

type Decision = {
  kind: string;
  actions: string[];
  decidedBy: { id: string | null; role: string | null };
  ruleSet: { id: string; name: string | null; effectiveFrom: string | null } | null;
  findings: { rule: string; outcome: string; figures: Record<string, unknown> | null }[];
  decisions: { kind: string; decision: string }[];
  stage: { from: string | null; to: string } | null;
  workflow: { workflowId: string; runId: string | null; activityId: string | null };
};

test('the provenance of automatic and human decisions answers after the workflow history is deleted', async () => {
  const applicant = as(h.app, await h.token('applicant'));
  const co = as(h.app, await h.token('coKg'));
  const fm = as(h.app, await h.token('fundManager'));
  const created = await applicant.post('/proposals', proposalPayload({ title: 'Provenance' }));
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const endorse = await eventually(() =>
    h.db.prisma.task.findFirst({ where: { subjectId: id, kind: 'co_endorsement', status: 'open' } }),
  );
  expect((await co.post(`/tasks/${encodeURIComponent(endorse.id)}/decision`, { decision: 'endorse' })).status).toBe(
    200,
  );
  await eventually(
    async () => (await h.db.prisma.proposal.findUnique({ where: { id } }))?.stage === 'selection' || null,
  );
  expect((await fm.post(`/proposals/${id}/cancel`, { reason: 'Audit test' })).status).toBe(200);
  await eventually(
    async () => (await h.db.prisma.proposal.findUnique({ where: { id } }))?.stage === 'cancelled' || null,
  );

  const workflowId = `proposal-${id}`;
  const before = await fm.get(`/proposals/${id}/provenance`);
  expect(before.status).toBe(200);
  expect(before.body.historyAvailable).toBe(true);
  const { runId } = await h.env.client.workflow.getHandle(workflowId).describe();

  // Delete the history, as Temporal does after the namespace's retention period.
  await h.env.client.workflowService.deleteWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId },
  });
  await eventually(() =>
    h.env.client.workflow
      .getHandle(workflowId)
      .describe()
      .then(
        () => false,
        () => true,
      ),
  );

  const res = await fm.get(`/proposals/${id}/provenance`);
  expect(res.status).toBe(200);
  expect(res.body.historyAvailable).toBe(false);
  const decisions = res.body.decisions as Decision[];
  const rules = await h.db.prisma.policyRuleSet.findMany();

  // Eligibility screening: automatic, the rule set in force with its effective date, each rule with its figures.
  const screening = decisions.find((d) => d.actions.includes('eligibility_screened'))!;
  expect(screening).toMatchObject({ kind: 'automatic', decidedBy: { role: 'system' } });
  const ruleSet = rules.find((r) => r.id === screening.ruleSet?.id)!;
  expect(ruleSet).toBeDefined();
  expect(screening.ruleSet).toEqual({
    id: ruleSet.id,
    name: ruleSet.name,
    effectiveFrom: ruleSet.effectiveFrom.toISOString().slice(0, 10),
  });
  expect(screening.findings.length).toBeGreaterThan(2);
  for (const f of screening.findings)
    expect(f).toMatchObject({ rule: expect.any(String), outcome: expect.any(String) });
  expect(screening.findings.some((f) => f.figures && Object.keys(f.figures).length > 0)).toBe(true);
  expect(screening.workflow).toEqual({ workflowId, runId, activityId: expect.any(String) });

  // The Country Office's endorsement: a human decision with who decided.
  const endorsement = decisions.find((d) => d.decisions.some((x) => x.kind === 'co_endorsement'))!;
  expect(endorsement).toMatchObject({
    kind: 'human',
    decidedBy: { id: DEMO_USERS.coKg.id },
    decisions: [expect.objectContaining({ decision: 'endorse' })],
  });
  // The alignment check: automatic, its findings.
  const alignment = decisions.find((d) => d.actions.includes('alignment_checked'))!;
  expect(alignment.kind).toBe('automatic');
  expect(alignment.findings.length).toBeGreaterThan(0);
  // The cancellation that ended it.
  expect(decisions.at(-1)?.stage?.to).toBe('cancelled');

  // Only staff who see the subject: the applicant and another country's office do not.
  expect((await applicant.get(`/proposals/${id}/provenance`)).status).toBe(403);
  expect((await as(h.app, await h.token('coTj')).get(`/proposals/${id}/provenance`)).status).toBe(404);
});
