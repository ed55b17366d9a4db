import request from 'supertest';
import { DEMO_USERS } from '../../domain/demo';
import { expertRequestPayload, proposalPayload } from '../fixtures/payloads';
import { signatureData } from '../helpers/signature';
import { eventually } from '../helpers/wait';
import { TEST_MALWARE_MARKER } from '../../lib/clamd-process';
import { startTestClamd } from '../helpers/clamd';
import { as, startApiHarness, testDocuments, type ApiHarness, type DemoKey } from './harness';

/**
 * Both programmes driven end to end through HTTP only, each step by the user whose role it is,
 * against a real Temporal dev server, a worker and a seeded PostgreSQL read model.
 */
let h: ApiHarness;
let clamd: Awaited<ReturnType<typeof startTestClamd>>;

beforeAll(async () => {
  // Reports and deliverables carry files: scanned by a real clamd (the repository's test signature).
  clamd = await startTestClamd();
  h = await startApiHarness('lifecycle', {
    documents: testDocuments({ scanner: { mode: 'clamd', address: clamd.address, timeoutMs: 20_000 } }),
    // The seeded calls run their workflows, as on a demo stack: their proposals still go to review one by one.
    callWorkflows: true,
  });
});

afterAll(async () => {
  await h?.stop();
  await clamd?.stop();
});

const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);

/** Uploads one file to a subject's documents (for a task, when named) and answers the document. */
async function uploadFile(
  who: DemoKey | { email: string },
  url: string,
  documentType: string,
  name: string,
  bytes: Buffer,
  taskId?: string,
): Promise<{ id: string }> {
  let r = request(h.app)
    .post(url)
    .set('Authorization', `Bearer ${await tokenFor(who)}`)
    .field('documentType', documentType);
  if (taskId) r = r.field('taskId', taskId);
  const res = await r.attach('file', bytes, name);
  expect(res.status).toBe(201);
  return res.body.items[0];
}

/** Waits for a document's malware scan to end in `state`. */
const scanned = (id: string, state: string) =>
  eventually(async () => (await h.db.prisma.document.findUniqueOrThrow({ where: { id } })).scanState === state, 30_000);

interface TaskItem {
  id: string;
  kind: string;
  subject: { id: string; type: string };
  allowedDecisions: { decision: string; commentRequired: boolean; dataSchema: Record<string, unknown> }[];
  context: Record<string, unknown> | null;
  dueAt: string | null;
  overdue: boolean;
}

async function tokenFor(who: DemoKey | { email: string }): Promise<string> {
  if (typeof who === 'string') return h.token(who);
  const res = await request(h.app).post('/auth/dev-token').send({ email: who.email });
  expect(res.status).toBe(200);
  return res.body.token;
}

/**
 * The caller's open task of `kind` on `subjectId`, as GET /tasks lists it. Waited for: a decision
 * answers once it is recorded, and automatic steps (screening, alignment check) may come before
 * the next task opens.
 */
async function taskOf(who: DemoKey | { email: string }, subjectId: string, kind: string): Promise<TaskItem> {
  const token = await tokenFor(who);
  let listed: TaskItem[] = [];
  try {
    return await eventually(async () => {
      const res = await as(h.app, token).get('/tasks?pageSize=100');
      expect(res.status).toBe(200);
      listed = res.body.items as TaskItem[];
      return listed.find((t) => t.subject.id === subjectId && t.kind === kind);
    });
  } catch {
    throw new Error(
      `${JSON.stringify(who)} has no open ${kind} task on ${subjectId}: ${listed.map((t) => `${t.kind}@${t.subject.id}`).join(', ')}`,
    );
  }
}

/** The subject's stage once it is `expected`, or the last stage read: automatic steps run after a decision answers. */
async function settledStage(path: string, expected: string): Promise<string> {
  let stage = '';
  await eventually(async () => {
    stage = (await as(h.app, await h.token('fundManager')).get(path)).body.stage as string;
    return stage === expected;
  }).catch(() => undefined);
  return stage;
}

async function decideVia(
  who: DemoKey | { email: string },
  subjectId: string,
  kind: string,
  decision: string,
  extra: { comment?: string; data?: Record<string, unknown> } = {},
) {
  const task = await taskOf(who, subjectId, kind);
  expect(task.allowedDecisions.map((d) => d.decision)).toContain(decision);
  const signed =
    kind === 'contract_signature' && decision === 'sign' && !extra.data
      ? signatureData((await as(h.app, await tokenFor(who)).get(`/tasks/${encodeURIComponent(task.id)}`)).body.context)
      : undefined;
  const res = await as(h.app, await tokenFor(who)).post(`/tasks/${encodeURIComponent(task.id)}/decision`, {
    decision,
    ...extra,
    ...(signed ? { data: signed } : {}),
  });
  if (res.status !== 200)
    throw new Error(`${kind}/${decision} by ${JSON.stringify(who)}: ${res.status} ${JSON.stringify(res.body)}`);
  expect(res.body).toMatchObject({ taskId: task.id, decision });
  return res.body as { taskId: string; decision: string; stage: string };
}

test('Challenge Fund: submit, request changes, resubmit, review, select, contract, report, evaluate → closed', async () => {
  const applicant = as(h.app, await h.token('applicant'));
  const created = await applicant.post('/proposals', proposalPayload()).set('Idempotency-Key', 'lifecycle-proposal-1');
  expect(created.status).toBe(201);
  const { id, workflowId, stage } = created.body;
  expect(workflowId).toBe(`proposal-${id}`);
  expect(id).toMatch(/^p-[0-9a-z]{16}$/);
  expect(stage).toBe('co_endorsement');
  // The read-model row exists when 201 returns.
  expect(await h.db.prisma.proposal.findUnique({ where: { id }, select: { stage: true } })).toEqual({
    stage: 'co_endorsement',
  });

  // CO asks for changes; the applicant resubmits through the dedicated route.
  const changes = await decideVia('coKg', id, 'co_endorsement', 'request_changes', {
    comment: 'Name the ministry contact person',
  });
  expect(changes.stage).toBe('co_endorsement');
  const revise = await taskOf('applicant', id, 'revise');
  expect(revise.context).toMatchObject({ requestedChanges: 'Name the ministry contact person' });
  const badResubmit = await applicant.post(`/proposals/${id}/resubmit`, { callId: 'call-tj' });
  expect(badResubmit.status).toBe(400);
  expect(badResubmit.body.error.details).toContainEqual({ path: 'callId', message: 'unknown field' });
  const resubmitted = await applicant.post(`/proposals/${id}/resubmit`, {
    nationalPartner: {
      name: 'Ministry of Emergency Situations',
      contact: 'Mr. A. Usenov, mes@example.kg',
      demandEvidence: 'Letter of intent No. 14-2/2026 of 12 March 2026',
    },
  });
  expect(resubmitted.status).toBe(200);
  expect(resubmitted.body).toMatchObject({ decision: 'resubmit', stage: 'co_endorsement' });
  expect((await applicant.post(`/proposals/${id}/resubmit`, { title: 'Again' })).status).toBe(409);

  // Endorsement (with a caller-chosen request id that ends up in the audit trail).
  const endorseTask = await taskOf('coKg', id, 'co_endorsement');
  const endorsed = await as(h.app, await h.token('coKg'))
    .post(`/tasks/${encodeURIComponent(endorseTask.id)}/decision`, {
      decision: 'endorse',
      comment: 'Matches our CPD outcome 2',
    })
    .set('X-Request-Id', 'req-endorse-0001');
  expect(endorsed.status).toBe(200);
  expect(endorsed.headers['x-request-id']).toBe('req-endorse-0001');
  expect(await settledStage(`/proposals/${id}`, 'selection')).toBe('selection');
  expect(await h.db.prisma.auditEvent.count({ where: { subjectId: id, requestId: 'req-endorse-0001' } })).toBe(1);

  // GET /tasks filters: by subject, kind, status, country, overdue and due day.
  const fm = as(h.app, await h.token('fundManager'));
  const ids = async (query: string, who = fm) => {
    const res = await who.get(`/tasks?${query}`);
    expect({ query, status: res.status }).toEqual({ query, status: 200 });
    return (res.body.items as TaskItem[]).map((t) => t.id);
  };
  const assignTask = await taskOf('fundManager', id, 'assign_reviewers');
  expect(await ids(`subject=${id}`)).toEqual([assignTask.id]);
  expect(await ids(`subject=${id}&kind=assign_reviewers&country=KG`)).toEqual([assignTask.id]);
  expect(await ids(`subject=${id}&kind=selection_decision`)).toEqual([]);
  expect(await ids(`subject=${id}&country=TJ`)).toEqual([]);
  expect(await ids(`subject=${id}&overdue=false`)).toEqual([assignTask.id]);
  expect(await ids(`subject=${id}&overdue=true`)).toEqual([]);
  const due = assignTask.dueAt!.slice(0, 10);
  expect(await ids(`subject=${id}&dueBefore=${due}&dueAfter=${due}`)).toEqual([assignTask.id]);
  expect(await ids(`subject=${id}&dueAfter=2999-01-01`)).toEqual([]);
  const coDone = await ids(`subject=${id}&status=done&kind=co_endorsement`, as(h.app, await h.token('coKg')));
  expect(coDone).toHaveLength(2); // changes requested, then endorsed
  expect(await ids(`subject=${id}&status=done&kind=co_endorsement`, as(h.app, await h.token('coTj')))).toEqual([]);
  await h.db.prisma.task.update({ where: { id: assignTask.id }, data: { dueAt: new Date(Date.now() - 3_600_000) } });
  expect(await ids(`subject=${id}&overdue=true`)).toEqual([assignTask.id]);
  expect(await ids(`subject=${id}&overdue=false`)).toEqual([]);
  for (const bad of ['kind=no_such_kind', 'overdue=maybe', 'status=waiting', 'dueBefore=tomorrow', 'country=kg'])
    expect({ bad, status: (await fm.get(`/tasks?${bad}`)).status }).toEqual({ bad, status: 400 });

  // The reviewers to choose from come with the task: institution, workload, and a conflict flag
  // for the applicant's own institution (Tomsk Polytechnic University: reviewer 3), refused if chosen.
  const choices = (await taskOf('fundManager', id, 'assign_reviewers')).context?.reviewers as {
    userId: string;
    institution: { id: string } | null;
    openReviews: number;
    conflict: string | null;
    alreadyAssigned: boolean;
  }[];
  expect(choices.map((c) => c.userId).sort()).toEqual(
    [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id, DEMO_USERS.reviewer3.id].sort(),
  );
  expect(choices.find((c) => c.userId === DEMO_USERS.reviewer3.id)).toMatchObject({
    institution: { id: 'inst-tpu' },
    conflict: 'same_institution',
    alreadyAssigned: false,
  });
  expect(choices.find((c) => c.userId === DEMO_USERS.reviewer1.id)).toMatchObject({
    institution: { id: 'inst-msu' },
    conflict: null,
    openReviews: expect.any(Number),
  });
  expect(choices[choices.length - 1].userId).toBe(DEMO_USERS.reviewer3.id); // the eligible ones first
  const conflicted = await fm.post(`/tasks/${encodeURIComponent(assignTask.id)}/decision`, {
    decision: 'assign',
    data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer3.id] },
  });
  expect(conflicted.status).toBe(400);
  expect(conflicted.body.error.details).toContainEqual({
    path: 'data.reviewerIds.1',
    message: `${DEMO_USERS.reviewer3.id} belongs to the applicant's institution`,
  });

  // Reviewers: named by the fund manager; each sees a limited view until it declares no conflict.
  await decideVia('fundManager', id, 'assign_reviewers', 'assign', {
    data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] },
  });
  const busy = await as(h.app, await h.token('fundManager')).get(`/tasks/${encodeURIComponent(assignTask.id)}`);
  expect(busy.body.context?.reviewers).toBeUndefined(); // decided: nothing to choose any more
  const r1 = as(h.app, await h.token('reviewer1'));
  const limited = await r1.get(`/proposals/${id}`);
  expect(limited.status).toBe(200);
  expect(limited.body.view).toBe('limited');
  expect(limited.body.summary).toBeUndefined();
  expect(limited.body.innovation).toBeUndefined();
  await decideVia('reviewer1', id, 'conflict_declaration', 'declare_no_conflict', {
    data: { noConflictDeclared: true },
  });
  const reviewTask = await taskOf('reviewer1', id, 'review_score');
  const scoreOption = reviewTask.allowedDecisions.find((d) => d.decision === 'submit_score')!;
  expect((scoreOption.dataSchema.properties as Record<string, { required?: string[] }>).scores.required).toEqual([
    'innovation',
    'feasibility_sustainability',
    'social_benefit',
  ]);
  const scores = { innovation: 80, feasibility_sustainability: 70, social_benefit: 75 };
  const opened = await r1.get(`/proposals/${id}`);
  expect(opened.body.view).toBe('full');
  expect(opened.body.summary).toBeDefined();
  await decideVia('reviewer1', id, 'review_score', 'submit_score', { data: { scores } });
  const full = await r1.get(`/proposals/${id}`);
  expect(full.body.view).toBe('full');
  expect(full.body.myReview).toMatchObject({ coi: 'none', scores });
  expect(full.body.weightedScore).toBeUndefined();
  expect(full.body.reviews).toBeUndefined();
  // Reviewer 3 was never assigned: the proposal does not exist for it.
  expect((await as(h.app, await h.token('reviewer3')).get(`/proposals/${id}`)).status).toBe(404);
  await decideVia('reviewer2', id, 'conflict_declaration', 'declare_no_conflict', {
    data: { noConflictDeclared: true },
  });
  await decideVia('reviewer2', id, 'review_score', 'submit_score', { data: { scores } });

  // Selection: the fund manager sees the scores, the applicant never does.
  const fmView = await fm.get(`/proposals/${id}`);
  expect(fmView.body.weightedScore).toBeCloseTo(74.75, 1);
  expect(fmView.body.reviews).toHaveLength(2);
  expect((await decideVia('fundManager', id, 'selection_decision', 'select')).stage).toBe('contracting');
  const applicantView = await applicant.get(`/proposals/${id}`);
  expect(applicantView.status).toBe(200);
  expect(applicantView.body.weightedScore).toBeUndefined();
  expect(applicantView.body.passMarkMet).toBeUndefined();
  expect(applicantView.body.reviews).toBeUndefined();
  expect(JSON.stringify(applicantView.body)).not.toMatch(/feasibility_sustainability|74\.75|reviewer/);
  expect(applicantView.body.timeline.map((e: { action: string }) => e.action)).toEqual(
    expect.arrayContaining(['submitted', 'endorsed', 'selected']),
  );

  // Contract, implementation, evaluation. The agreement, its signatures and each tranche are on
  // the proposal for everyone who may read it: applicant, Country Office, fund manager, reviewers.
  type Agreement = {
    kind: string;
    valueUsd: number;
    status: string;
    signatures: { party: string; signedBy: { id: string; name: string | null }; at: string }[];
    tranches: {
      seq: number;
      milestone: string;
      amountUsd: number;
      pct: number;
      status: string;
      releasedAt: string | null;
      dueDate: string | null;
    }[];
    paidUsd: number;
  };
  const agreementOf = async (who: DemoKey) =>
    (await as(h.app, await h.token(who)).get(`/proposals/${id}`)).body.agreement as Agreement;
  await taskOf('applicant', id, 'contract_signature'); // the grant policy check runs after the selection answers
  const drafted = await agreementOf('applicant');
  expect(drafted).toMatchObject({
    kind: 'grant',
    valueUsd: 30_000,
    status: 'awaiting_signatures',
    signatures: [],
    paidUsd: 0,
  });
  expect(drafted.tranches).toEqual([
    {
      seq: 1,
      milestone: 'Sensors installed',
      pct: 40,
      amountUsd: 12_000,
      dueDate: proposalPayload().milestones[0].dueDate,
      status: 'scheduled',
      releasedAt: null,
    },
    {
      seq: 2,
      milestone: 'Alerting live',
      pct: 40,
      amountUsd: 12_000,
      dueDate: proposalPayload().milestones[1].dueDate,
      status: 'scheduled',
      releasedAt: null,
    },
    {
      seq: 3,
      milestone: 'Handover to the ministry',
      pct: 20,
      amountUsd: 6_000,
      dueDate: proposalPayload().milestones[2].dueDate,
      status: 'scheduled',
      releasedAt: null,
    },
  ]);
  await decideVia('applicant', id, 'contract_signature', 'sign');
  expect((await agreementOf('coKg')).signatures).toEqual([
    {
      party: 'applicant',
      signedBy: { id: DEMO_USERS.applicant.id, name: DEMO_USERS.applicant.name },
      at: expect.any(String),
    },
  ]);
  await decideVia('coKg', id, 'contract_signature', 'sign');
  expect(await settledStage(`/proposals/${id}`, 'mission')).toBe('mission');
  const signed = await agreementOf('reviewer1');
  expect(signed.status).toBe('signed');
  expect(signed.signatures.map((x) => [x.party, x.signedBy.id])).toEqual([
    ['applicant', DEMO_USERS.applicant.id],
    ['co', DEMO_USERS.coKg.id],
  ]);
  for (let i = 0; i < 3; i++) {
    if (i === 0) {
      // The first report goes with a file: only the submitter's own uploads to this proposal may be named.
      const reportTask = await taskOf('applicant', id, 'progress_report');
      const coNote = await uploadFile('coKg', `/proposals/${id}/documents`, 'other', 'co note.pdf', pdf('co note'));
      const refused = await applicant.post(`/tasks/${encodeURIComponent(reportTask.id)}/decision`, {
        decision: 'submit_report',
        data: { report: 'Milestone 1 done', documentIds: [coNote.id] },
      });
      expect([refused.status, refused.body.error?.details?.[0]?.path]).toEqual([400, 'data.documentIds.0']);
      const file = await uploadFile(
        'applicant',
        `/proposals/${id}/documents`,
        'progress_report',
        'Progress report 1.pdf',
        pdf('progress report one'),
        reportTask.id,
      );
      await decideVia('applicant', id, 'progress_report', 'submit_report', {
        data: { report: 'Milestone 1 done', documentIds: [file.id] },
      });
      expect((await h.db.prisma.document.findUniqueOrThrow({ where: { id: file.id } })).taskId).toBe(reportTask.id);
      // The Country Office verifying the report downloads the file once it is scanned clean.
      await scanned(file.id, 'clean');
      const got = await as(h.app, await h.token('coKg')).get(`/documents/${file.id}/content`);
      expect(got.status).toBe(200);
      const verification = await taskOf('coKg', id, 'report_verification');
      const listed = await as(h.app, await h.token('coKg')).get(`/proposals/${id}/documents`);
      expect(listed.body.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: file.id, taskId: reportTask.id, scanState: 'clean' })]),
      );
      expect(verification.kind).toBe('report_verification');
    } else
      await decideVia('applicant', id, 'progress_report', 'submit_report', {
        data: { report: `Milestone ${i + 1} done` },
      });
    if (i === 0) expect((await agreementOf('applicant')).tranches[0].status).toBe('under_review');
    await decideVia('coKg', id, 'report_verification', 'accept');
    if (i === 0) {
      const paid = await agreementOf('applicant');
      expect(paid.tranches.map((x) => x.status)).toEqual(['released', 'scheduled', 'scheduled']);
      expect(paid.tranches[0].releasedAt).toEqual(expect.any(String));
      expect(paid.paidUsd).toBe(12_000);
      // The applicant's timeline carries the amount and milestone of each payment.
      const events = (await applicant.get(`/proposals/${id}`)).body.timeline as {
        action: string;
        data: Record<string, unknown> | null;
      }[];
      expect(events.find((e) => e.action === 'tranche_released')?.data).toMatchObject({
        amountCents: 1_200_000,
        milestone: 1,
        milestoneTitle: 'Sensors installed',
      });
    }
  }
  expect((await agreementOf('applicant')).paidUsd).toBe(30_000);
  // Two tranches of USD 12,000: two different mails, each naming its milestone.
  const paymentMails = await h.db.prisma.outbox.findMany({
    where: { workflowId, template: 'payment_released' },
    orderBy: { createdAt: 'asc' },
    select: { subject: true, text: true },
  });
  expect(paymentMails.map((m) => m.subject)).toEqual([
    expect.stringContaining('USD 12,000 for milestone 1 “Sensors installed”'),
    expect.stringContaining('USD 12,000 for milestone 2 “Alerting live”'),
    expect.stringContaining('USD 6,000 for milestone 3 “Handover to the ministry”'),
  ]);
  expect(new Set(paymentMails.map((m) => m.text)).size).toBe(3);
  const finalReportMail = await h.db.prisma.outbox.findFirst({
    where: { workflowId, recipientId: DEMO_USERS.applicant.id, subject: { contains: 'Submit the final report' } },
  });
  expect(finalReportMail?.template).toBe('task_assigned');
  expect(finalReportMail?.text).not.toMatch(/Evaluation requested|expert roster/);
  expect(
    (
      await decideVia('applicant', id, 'final_report', 'submit_report', {
        data: { report: 'All done', beneficiariesReached: 5400 },
      })
    ).stage,
  ).toBe('evaluation');
  const evaluation = { ratings: { relevance: 5, effectiveness: 4 }, narrative: 'Works well', beneficiaries: 5400 };
  await decideVia('coKg', id, 'evaluation', 'submit_evaluation', { data: evaluation });
  expect((await decideVia('fundManager', id, 'evaluation', 'submit_evaluation', { data: evaluation })).stage).toBe(
    'closed',
  );

  const closed = await fm.get(`/proposals/${id}`);
  expect(closed.body.stage).toBe('closed');
  expect(closed.body.openTasks).toEqual([]);
  const stages = (closed.body.timeline as { fromStage: string | null; toStage: string | null }[])
    .filter((e) => e.toStage && e.toStage !== e.fromStage)
    .map((e) => e.toStage);
  expect(stages).toEqual([
    'intake',
    'co_endorsement',
    'alignment_check',
    'selection',
    'contracting',
    'mission',
    'evaluation',
    'closed',
  ]);
  const audit = await fm.get(`/audit?subject=${id}&pageSize=100`);
  expect(audit.status).toBe(200);
  expect(audit.body.total).toBeGreaterThan(20);
  // Withdrawing a closed proposal is refused without touching the workflow.
  expect((await applicant.post(`/proposals/${id}/withdraw`, {})).status).toBe(409);

  const pipeline = await fm.get('/pipeline?programme=challenge_fund&country=KG');
  expect(pipeline.status).toBe(200);
  expect(pipeline.body.countsByStage.challenge_fund.closed).toBeGreaterThanOrEqual(1);
});

test('Experts on Demand: register, endorse, shortlist, invitations, selection, contract, deliverables, ratings → closed', async () => {
  const co = as(h.app, await h.token('coKg'));
  const created = await co.post('/expert-requests', expertRequestPayload()).set('Idempotency-Key', 'lifecycle-eod-1');
  expect(created.status).toBe(201);
  const { id, workflowId } = created.body;
  expect(workflowId).toBe(`expert-request-${id}`);
  expect(created.body.stage).toBe('co_endorsement');

  // The requester may not endorse its own request: it is not offered to it (not in its tasks,
  // no decisions, no "New task" mail), and a decision is refused (403).
  const endorseTask = await taskOf('coKg2', id, 'co_endorsement');
  expect(((await co.get('/tasks?pageSize=100')).body.items as TaskItem[]).filter((t) => t.subject.id === id)).toEqual(
    [],
  );
  expect((await co.get(`/tasks?subject=${id}`)).body.items as TaskItem[]).toEqual([]);
  const ownView = await co.get(`/tasks/${encodeURIComponent(endorseTask.id)}`);
  expect(ownView.status).toBe(200);
  expect(ownView.body).toMatchObject({ assignedToMe: false, allowedDecisions: [] });
  expect((await co.get(`/expert-requests/${id}`)).body.openTasks).toEqual([
    expect.objectContaining({ kind: 'co_endorsement', assignedToMe: false }),
  ]);
  expect((await as(h.app, await h.token('coKg2')).get(`/expert-requests/${id}`)).body.openTasks).toEqual([
    expect.objectContaining({ kind: 'co_endorsement', assignedToMe: true }),
  ]);
  const own = await co.post(`/tasks/${encodeURIComponent(endorseTask.id)}/decision`, { decision: 'endorse' });
  expect(own.status).toBe(403);
  const told = await h.db.prisma.outbox.findMany({
    where: { workflowId, template: 'task_assigned' },
    select: { recipientId: true },
  });
  expect(told.map((m) => m.recipientId)).toEqual([DEMO_USERS.coKg2.id]);
  await decideVia('coKg2', id, 'co_endorsement', 'endorse', { comment: 'Endorsed by the head of office' });
  expect(await settledStage(`/expert-requests/${id}`, 'selection')).toBe('selection');
  await taskOf('fundManager', id, 'shortlist_review');

  const fmReq = await as(h.app, await h.token('fundManager')).get(`/expert-requests/${id}`);
  const shortlist = fmReq.body.shortlist as { expertId: string; userId: string }[];
  expect(shortlist.length).toBeGreaterThanOrEqual(3);
  await decideVia('fundManager', id, 'shortlist_review', 'confirm');
  // The invitations open in the step after the confirmation (their dates come from the Clock).
  await eventually(
    async () =>
      (await h.db.prisma.task.count({ where: { subjectId: id, kind: 'invitation_response', status: 'open' } })) >= 3,
  );

  // Invited experts answer; each sees the request but never the shortlist or fees.
  const emails = new Map(
    (
      await h.db.prisma.user.findMany({
        where: { id: { in: shortlist.map((e) => e.userId) } },
        select: { id: true, email: true },
      })
    ).map((u) => [u.id, u.email]),
  );
  const accepting = shortlist.slice(0, 3);
  for (const e of accepting) {
    const who = { email: emails.get(e.userId)! };
    const view = await as(h.app, await tokenFor(who)).get(`/expert-requests/${id}`);
    expect(view.status).toBe(200);
    expect(view.body.shortlist).toBeUndefined();
    expect(JSON.stringify(view.body)).not.toMatch(/dailyFee/);
    await decideVia(who, id, 'invitation_response', 'accept', {
      data: { availabilityConfirmed: true, noConflictDeclared: true },
    });
  }
  for (const e of shortlist.slice(3)) {
    await decideVia({ email: emails.get(e.userId)! }, id, 'invitation_response', 'decline', {
      data: { reason: 'Not available' },
    });
  }
  // An expert who was never invited does not see the request.
  const invited = new Set(shortlist.map((e) => e.userId));
  if (!invited.has(DEMO_USERS.expert2.id))
    expect((await as(h.app, await h.token('expert2')).get(`/expert-requests/${id}`)).status).toBe(404);

  const selection = await taskOf('coKg', id, 'candidate_selection');
  const candidates = (selection.context?.candidates ?? []) as { expertId: string }[];
  expect(candidates.map((c) => c.expertId).sort()).toEqual(accepting.map((e) => e.expertId).sort());
  const chosen = accepting[0];
  const chosenWho = { email: emails.get(chosen.userId)! };
  const selected = await decideVia('coKg', id, 'candidate_selection', 'select', {
    data: { expertIds: [chosen.expertId] },
  });
  if (selected.stage === 'contracting') {
    const fee = await as(h.app, await h.token('fundManager')).get('/tasks?pageSize=100');
    const feeTask = (fee.body.items as TaskItem[]).find((t) => t.subject.id === id && t.kind === 'fee_approval');
    if (feeTask)
      await decideVia('fundManager', id, 'fee_approval', 'approve', {
        data: { justification: 'Bureau Director approved' },
      });
  }
  await decideVia(chosenWho, id, 'contract_signature', 'sign');
  await decideVia('coKg', id, 'contract_signature', 'sign');
  expect(await settledStage(`/expert-requests/${id}`, 'mission')).toBe('mission');
  const deliverables = expertRequestPayload().deliverables;
  let last = '';
  for (let i = 0; i < deliverables.length; i++) {
    if (i === 0) {
      // The first deliverable is a file instead of a link: a quarantined upload is refused, a clean one goes.
      const submission = await taskOf(chosenWho, id, 'deliverable_submission');
      const expert = as(h.app, await tokenFor(chosenWho));
      const infected = await uploadFile(
        chosenWho,
        `/expert-requests/${id}/documents`,
        'deliverable',
        'inception.pdf',
        Buffer.concat([pdf('inception'), Buffer.from(TEST_MALWARE_MARKER)]),
        submission.id,
      );
      await scanned(infected.id, 'infected');
      const refused = await expert.post(`/tasks/${encodeURIComponent(submission.id)}/decision`, {
        decision: 'submit_deliverable',
        data: { report: 'Deliverable 1', documentIds: [infected.id] },
      });
      expect([refused.status, refused.body.error?.details?.[0]]).toEqual([
        400,
        { path: 'data.documentIds.0', message: 'malware was found in this file: it is quarantined' },
      ]);
      const file = await uploadFile(
        chosenWho,
        `/expert-requests/${id}/documents`,
        'deliverable',
        'Inception report.pdf',
        pdf('inception report'),
        submission.id,
      );
      await decideVia(chosenWho, id, 'deliverable_submission', 'submit_deliverable', {
        data: { report: 'Deliverable 1', documentIds: [file.id] },
      });
      await scanned(file.id, 'clean');
      const got = await as(h.app, await h.token('coKg')).get(`/documents/${file.id}/content`);
      expect([got.status, got.headers['content-disposition']]).toEqual([200, expect.stringMatching(/^attachment;/)]);
    } else
      await decideVia(chosenWho, id, 'deliverable_submission', 'submit_deliverable', {
        data: { report: `Deliverable ${i + 1}` },
      });
    last = (await decideVia('coKg', id, 'deliverable_acceptance', 'accept')).stage;
  }
  expect(last).toBe('evaluation');
  // The selected expert sees its contract and each payment (amount, deliverable, date), and the
  // payments in its timeline; an expert who was invited but not selected sees neither.
  const expertView = (await as(h.app, await tokenFor(chosenWho)).get(`/expert-requests/${id}`)).body;
  expect(expertView.agreement).toMatchObject({
    kind: 'individual_contract',
    valueUsd: 6_000,
    status: 'signed',
    paidUsd: 6_000,
  });
  expect(expertView.agreement.signatures.map((x: { party: string }) => x.party)).toEqual(['expert', 'co']);
  expect(expertView.agreement.tranches).toEqual([
    expect.objectContaining({
      seq: 1,
      milestone: 'Inception report',
      amountUsd: 2_000,
      status: 'released',
      releasedAt: expect.any(String),
    }),
    expect.objectContaining({
      seq: 2,
      milestone: 'Hazard maps and recommendations',
      amountUsd: 4_000,
      status: 'released',
      releasedAt: expect.any(String),
    }),
  ]);
  const paidEvents = (expertView.timeline as { action: string; data: Record<string, unknown> | null }[]).filter(
    (e) => e.action === 'payment_released',
  );
  expect(paidEvents.map((e) => e.data)).toEqual([
    expect.objectContaining({ amountCents: 200_000, deliverable: 1, deliverableTitle: 'Inception report' }),
    expect.objectContaining({
      amountCents: 400_000,
      deliverable: 2,
      deliverableTitle: 'Hazard maps and recommendations',
    }),
  ]);
  expect(JSON.stringify(paidEvents)).not.toMatch(/expertId|dsaRate|perDiem/);
  const other = accepting[1];
  const otherView = (
    await as(h.app, await tokenFor({ email: emails.get(other.userId)! })).get(`/expert-requests/${id}`)
  ).body;
  expect(otherView.agreement).toBeNull();
  expect((await co.get(`/expert-requests/${id}`)).body.agreement.paidUsd).toBe(6_000);
  const expertMails = await h.db.prisma.outbox.findMany({
    where: { workflowId, template: 'payment_released' },
    orderBy: { createdAt: 'asc' },
    select: { subject: true },
  });
  expect(expertMails.map((m) => m.subject)).toEqual([
    expect.stringContaining('for deliverable 1 “Inception report”'),
    expect.stringContaining('for deliverable 2 “Hazard maps and recommendations”'),
  ]);
  await decideVia('coKg', id, 'expert_evaluation', 'submit_evaluation', {
    data: { rating: 5, narrative: 'Excellent maps' },
  });
  expect(
    (
      await decideVia(chosenWho, id, 'assignment_feedback', 'submit_feedback', {
        data: { rating: 4, narrative: 'Well prepared' },
      })
    ).stage,
  ).toBe('closed');

  const final = await co.get(`/expert-requests/${id}`);
  expect(final.body.stage).toBe('closed');
  expect(final.body.selectedExpertId).toBe(chosen.expertId);
  const mine = await as(h.app, await tokenFor(chosenWho)).get(`/expert-requests/${id}`);
  expect(mine.body.selectedForMe).toBe(true);
  const list = await co.get('/expert-requests?stage=closed');
  expect(list.body.items.map((r: { id: string }) => r.id)).toContain(id);
});
