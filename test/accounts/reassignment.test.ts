import { DEMO_USERS } from '../../domain/demo';
import { proposalPayload } from '../fixtures/payloads';
import { as, startApiHarness, type ApiHarness } from '../api/harness';
import { eventually } from '../helpers/wait';

/**
 * Reassigning the open tasks that block an erasure, over HTTP against the real stack: the refusal
 * names the tasks, the person's open tasks list says which the caller may hand over, only eligible
 * people (same role and scope) receive them, the audit trail records it, the new assignee is mailed
 * and decides, the workflow carries on with them; then the erasure goes through.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('reassignment');
});
afterAll(async () => {
  await h?.stop();
});

interface TaskItem {
  id: string;
  kind: string;
  assigneeUserId: string | null;
}
const path = (id: string) => encodeURIComponent(id);

async function openTaskOf(token: string, subjectId: string, kind: string): Promise<TaskItem> {
  return eventually(async () => {
    const res = await as(h.app, token).get(`/tasks?subject=${subjectId}&kind=${kind}`);
    return (res.body.items as TaskItem[] | undefined)?.[0];
  }, 60_000);
}

async function decideOk(token: string, subjectId: string, kind: string, body: Record<string, unknown>) {
  const task = await openTaskOf(token, subjectId, kind);
  const res = await as(h.app, token).post(`/tasks/${path(task.id)}/decision`, body);
  if (res.status !== 200) throw new Error(`${kind}: ${res.status} ${JSON.stringify(res.body)}`);
}

test('the tasks blocking an erasure are reassigned to eligible people, audited and mailed; then the erasure succeeds', async () => {
  const [admin, fm, coKg] = [await h.token('admin'), await h.token('fundManager'), await h.token('coKg')];
  const leaving = DEMO_USERS.reviewer2;
  // HSE's proposal: reviewer3 (Tomsk Polytechnic) has no conflict with it.
  const created = await as(h.app, await h.token('applicant2')).post('/proposals', proposalPayload());
  expect(created.status).toBe(201);
  const proposalId = created.body.id as string;
  await decideOk(coKg, proposalId, 'co_endorsement', { decision: 'endorse' });
  await decideOk(fm, proposalId, 'assign_reviewers', {
    decision: 'assign',
    data: { reviewerIds: [DEMO_USERS.reviewer1.id, leaving.id] },
  });
  const blocking = await openTaskOf(await h.token('reviewer2'), proposalId, 'conflict_declaration');

  // The erasure is refused, naming the task; the person's open tasks say who may reassign them.
  const refused = await as(h.app, admin).post(`/users/${leaving.id}/erase`);
  expect(refused.status).toBe(409);
  expect(refused.body.error.code).toBe('open_tasks');
  expect(refused.body.error.details).toEqual([
    { path: 'tasks.0', message: expect.stringContaining(`conflict_declaration: `) },
  ]);
  expect(refused.body.error.details[0].message).toContain(blocking.id);
  const listed = await as(h.app, admin).get(`/users/${leaving.id}/open-tasks`);
  expect(listed.status).toBe(200);
  expect(listed.body.items).toEqual([
    expect.objectContaining({ id: blocking.id, kind: 'conflict_declaration', reassignable: true, whyNot: null }),
  ]);
  const asFm = await as(h.app, fm).get(`/users/${leaving.id}/open-tasks`);
  expect(asFm.body.items).toEqual([expect.objectContaining({ id: blocking.id, reassignable: false })]);
  expect((await as(h.app, await h.token('reviewer1')).get(`/users/${leaving.id}/open-tasks`)).status).toBe(403);

  // Eligible: an active reviewer without this task already (reviewer1 has one) and not from the applicant's institution.
  const candidates = await as(h.app, admin).get(`/tasks/${path(blocking.id)}/candidates`);
  expect(candidates.status).toBe(200);
  expect(candidates.body.items.map((c: { id: string }) => c.id)).toEqual([DEMO_USERS.reviewer3.id]);

  const reassign = (token: string, toUserId: string) =>
    as(h.app, token).post(`/tasks/${path(blocking.id)}/reassign`, { toUserId, reason: 'Asked for erasure' });
  expect((await reassign(fm, DEMO_USERS.reviewer3.id)).status).toBe(403);
  const taken = await reassign(admin, DEMO_USERS.reviewer1.id);
  expect(taken.status).toBe(400);
  expect(taken.body.error.details).toEqual([{ path: 'toUserId', message: expect.stringContaining('already has') }]);
  const wrongRole = await reassign(admin, DEMO_USERS.coKg.id);
  expect(wrongRole.status).toBe(400);
  expect(wrongRole.body.error.details).toEqual([{ path: 'toUserId', message: 'must be a reviewer, as the task asks' }]);
  expect((await reassign(admin, 'u-nobody')).status).toBe(400);
  expect((await as(h.app, admin).post(`/tasks/${path(blocking.id)}/reassign`, { reason: 'x' })).status).toBe(400);
  expect(
    (await as(h.app, admin).post(`/tasks/${path('proposal-p-none:review:1')}/reassign`, { toUserId: 'x' })).status,
  ).toBe(404);

  const done = await reassign(admin, DEMO_USERS.reviewer3.id);
  expect(done.status).toBe(200);
  expect(done.body).toEqual({ taskId: blocking.id, assigneeUserId: DEMO_USERS.reviewer3.id, stage: 'selection' });
  // Once is enough: the same request again is refused (the task is theirs already).
  expect((await reassign(admin, DEMO_USERS.reviewer3.id)).status).toBe(400);

  // Audited, mailed, and the task is the new reviewer's, no longer the old one's.
  const workflowId = `proposal-${proposalId}`;
  const event = await h.db.prisma.auditEvent.findFirstOrThrow({ where: { workflowId, action: 'task_reassigned' } });
  expect(event).toMatchObject({
    actorId: DEMO_USERS.admin.id,
    actorRole: 'admin',
    comment: 'Asked for erasure',
    data: { taskId: blocking.id, kind: 'conflict_declaration', from: leaving.id, to: DEMO_USERS.reviewer3.id },
  });
  await eventually(
    async () => h.smtp.mails.find((m) => m.to === DEMO_USERS.reviewer3.email && m.text.includes(blocking.id)),
    30_000,
  );
  expect((await as(h.app, await h.token('reviewer2')).get(`/tasks/${path(blocking.id)}`)).status).toBe(404);
  const reviewer3 = await h.token('reviewer3');
  expect((await openTaskOf(reviewer3, proposalId, 'conflict_declaration')).id).toBe(blocking.id);

  // The erasure goes through now.
  expect((await as(h.app, admin).post(`/users/${leaving.id}/erase`)).status).toBe(200);

  // The new reviewer holds the slot: declares, scores, and selection follows.
  const scores = { innovation: 80, feasibility_sustainability: 70, social_benefit: 75 };
  for (const token of [reviewer3, await h.token('reviewer1')]) {
    await decideOk(token, proposalId, 'conflict_declaration', {
      decision: 'declare_no_conflict',
      data: { noConflictDeclared: true },
    });
    await decideOk(token, proposalId, 'review_score', { decision: 'submit_score', data: { scores } });
  }
  await openTaskOf(fm, proposalId, 'selection_decision');
  const reviews = await h.db.prisma.review.findMany({ where: { proposalId }, orderBy: { reviewerId: 'asc' } });
  expect(reviews.map((r) => [r.reviewerId, r.total !== null])).toEqual([
    [DEMO_USERS.reviewer1.id, true],
    [DEMO_USERS.reviewer3.id, true],
  ]);
}, 300_000);
