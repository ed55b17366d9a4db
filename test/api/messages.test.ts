import { DEMO_USERS } from '../../domain/demo';
import { expertRequestPayload, proposalPayload } from '../fixtures/payloads';
import { checkDeliveryRule } from '../helpers/delivery-rule';
import { eventually } from '../helpers/wait';
import { as, startApiHarness, type ApiHarness, type DemoKey } from './harness';

/**
 * Messages, internal notes and cancellation over HTTP, against a real Temporal dev server, a
 * worker, PostgreSQL and an SMTP server on loopback: every mail is counted where it arrives.
 */
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness('messages');
  // The Country Office head reads Russian: mails come in each recipient's language.
  await h.db.prisma.user.update({ where: { id: DEMO_USERS.coKg2.id }, data: { language: 'ru' } });
});

afterAll(async () => {
  await h?.stop();
});

const client = async (who: DemoKey) => as(h.app, await h.token(who));

/** Waits until every outbox row is sent, then the mails that arrived for `email` whose text contains `needle`. */
async function mailsTo(email: string, needle: string) {
  await eventually(async () => (await h.db.prisma.outbox.count({ where: { status: 'pending' } })) === 0);
  return h.smtp.mails.filter((m) => m.to === email && m.text.includes(needle));
}

async function openTask(subjectId: string, kind: string) {
  return eventually(() =>
    h.db.prisma.task.findFirst({ where: { subjectId, kind, status: 'open' }, select: { id: true } }),
  );
}

async function newProposal(key: string): Promise<string> {
  const res = await (await client('applicant')).post('/proposals', proposalPayload()).set('Idempotency-Key', key);
  expect(res.status).toBe(201);
  return res.body.id as string;
}

test('a proposal thread: the request for changes opens it, each message reaches the other side by mail exactly once', async () => {
  const id = await newProposal('messages-proposal-1');
  const endorsement = await openTask(id, 'co_endorsement');
  const co = await client('coKg');
  const asked = await co.post(`/tasks/${encodeURIComponent(endorsement.id)}/decision`, {
    decision: 'request_changes',
    comment: 'Please attach the signed letter of intent from the Ministry.',
  });
  expect(asked.status).toBe(200);

  // The thread opens with the Country Office's request.
  const applicant = await client('applicant');
  const opened = await eventually(async () => {
    const res = await applicant.get(`/proposals/${id}/messages`);
    return res.status === 200 && res.body.items.length === 1 ? res.body : undefined;
  });
  expect(opened.mySide).toBe('applicant');
  expect(opened.items[0]).toMatchObject({
    side: 'fund',
    author: { id: DEMO_USERS.coKg.id, name: DEMO_USERS.coKg.name, role: 'co_approver' },
    body: 'Please attach the signed letter of intent from the Ministry.',
  });

  // The applicant answers: recorded, audited, mailed to the Country Office and the fund managers.
  const question = 'The Ministry signs on Friday. May we resubmit on Monday?';
  const posted = await applicant.post(`/proposals/${id}/messages`, { body: `  ${question}  ` });
  expect(posted.status).toBe(201);
  expect(posted.body).toMatchObject({ side: 'applicant', body: question, author: { id: DEMO_USERS.applicant.id } });
  expect(
    await h.db.prisma.auditEvent.count({
      where: { subjectId: id, action: 'message_posted', actorId: DEMO_USERS.applicant.id },
    }),
  ).toBe(1);
  for (const who of ['coKg', 'fundManager'] as const) {
    const mails = await mailsTo(DEMO_USERS[who].email, question);
    expect({ who, n: mails.length }).toEqual({ who, n: 1 });
    expect(mails[0].subject).toContain('New message');
    expect(mails[0].text).toContain(`/proposals/${id}#messages`);
    expect(mails[0].text).toContain(DEMO_USERS.applicant.name);
  }
  const russian = await mailsTo(DEMO_USERS.coKg2.email, question);
  expect(russian).toHaveLength(1);
  expect(russian[0].subject).toContain('Новое сообщение');
  expect(await mailsTo(DEMO_USERS.applicant.email, question)).toEqual([]); // not to its author's side
  expect(await mailsTo(DEMO_USERS.coTj.email, question)).toEqual([]); // nor another country's office

  // The Country Office replies, with an Idempotency-Key, twice: one message, one mail to the applicant.
  const reply = 'Yes, Monday is fine.';
  const first = await co.post(`/proposals/${id}/messages`, { body: reply }).set('Idempotency-Key', 'reply-1');
  const again = await co.post(`/proposals/${id}/messages`, { body: reply }).set('Idempotency-Key', 'reply-1');
  expect([first.status, again.status]).toEqual([201, 201]);
  expect(again.body.id).toBe(first.body.id);
  expect(await mailsTo(DEMO_USERS.applicant.email, reply)).toHaveLength(1);
  expect(await mailsTo(DEMO_USERS.fundManager.email, reply)).toEqual([]); // same side as the author

  const thread = await applicant.get(`/proposals/${id}/messages`);
  expect(thread.body.items.map((m: { body: string }) => m.body)).toEqual([
    'Please attach the signed letter of intent from the Ministry.',
    question,
    reply,
  ]);
  // Visible in the subject's history too.
  const proposal = await applicant.get(`/proposals/${id}`);
  expect(proposal.body.timeline.filter((e: { action: string }) => e.action === 'message_posted')).toHaveLength(3);

  const rule = await checkDeliveryRule(h.db.prisma, h.smtp.mails);
  expect(rule).toMatchObject({ missing: [], foreign: [], repeated: 0, pending: 0 });
});

test('bad messages are 400 with the field, others’ subjects 404, roles without a side 403', async () => {
  const id = await newProposal('messages-proposal-2');
  const applicant = await client('applicant');
  for (const [body, path] of [
    [{}, 'body'],
    [{ body: '   ' }, 'body'],
    [{ body: 'x'.repeat(5001) }, 'body'],
    [{ body: 'hi', extra: 1 }, 'extra'],
  ] as const) {
    const res = await applicant.post(`/proposals/${id}/messages`, body);
    expect({ body, status: res.status }).toEqual({ body, status: 400 });
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  }
  expect((await (await client('applicant2')).get(`/proposals/${id}/messages`)).status).toBe(404);
  expect((await (await client('applicant2')).post(`/proposals/${id}/messages`, { body: 'hello' })).status).toBe(404);
  expect((await (await client('coTj')).get(`/proposals/${id}/messages`)).status).toBe(404);
  expect((await applicant.get('/proposals/p-0000000000000000/messages')).status).toBe(404);
  expect((await (await client('reviewer1')).get(`/proposals/${id}/messages`)).status).toBe(403);
  // Administrators read the thread but have no side on it.
  const admin = await client('admin');
  expect((await admin.get(`/proposals/${id}/messages`)).body.mySide).toBeNull();
  expect((await admin.post(`/proposals/${id}/messages`, { body: 'hello' })).status).toBe(403);
  expect(await h.db.prisma.message.count({ where: { subjectId: id } })).toBe(0);
});

test('internal notes never reach an applicant: not through the notes, the thread, the timeline or a mail', async () => {
  const id = await newProposal('messages-proposal-3');
  const secret = 'Internal: the institution had an audit finding in 2025, check the budget line 4.';
  const fm = await client('fundManager');
  const noted = await fm.post(`/proposals/${id}/notes`, { body: secret });
  expect(noted.status).toBe(201);
  expect(noted.body).toMatchObject({ body: secret, author: { id: DEMO_USERS.fundManager.id, role: 'fund_manager' } });
  expect((await (await client('coKg')).post(`/proposals/${id}/notes`, { body: 'CO agrees.' })).status).toBe(201);

  // Staff of the subject read them; another country's office does not see the subject at all.
  expect((await (await client('coKg')).get(`/proposals/${id}/notes`)).body.items).toHaveLength(2);
  expect((await (await client('admin')).get(`/proposals/${id}/notes`)).body.items).toHaveLength(2);
  expect((await (await client('coTj')).get(`/proposals/${id}/notes`)).status).toBe(404);
  expect((await fm.post(`/proposals/${id}/notes`, { body: '' })).status).toBe(400);

  const applicant = await client('applicant');
  expect((await applicant.get(`/proposals/${id}/notes`)).status).toBe(403);
  expect((await applicant.post(`/proposals/${id}/notes`, { body: 'let me in' })).status).toBe(403);
  expect((await (await client('reviewer1')).get(`/proposals/${id}/notes`)).status).toBe(403);
  for (const path of [`/proposals/${id}`, `/proposals/${id}/messages`, '/proposals', '/tasks']) {
    const res = await applicant.get(path);
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    expect(JSON.stringify(res.body)).not.toContain('audit finding');
    expect(JSON.stringify(res.body)).not.toContain('internal_note');
  }
  // Staff see that a note was added in the history (without its text); nobody is mailed about it.
  const staffView = await fm.get(`/proposals/${id}`);
  expect(staffView.body.timeline.filter((e: { action: string }) => e.action === 'internal_note')).toHaveLength(2);
  expect(JSON.stringify(staffView.body.timeline)).not.toContain('audit finding');
  await eventually(async () => (await h.db.prisma.outbox.count({ where: { status: 'pending' } })) === 0);
  expect(h.smtp.mails.filter((m) => m.text.includes('audit finding'))).toEqual([]);
  expect(await h.db.prisma.outbox.count({ where: { text: { contains: 'audit finding' } } })).toBe(0);
});

test('a fund manager cancels a proposal with a reason: its tasks close, the parties are told, the pipeline shows it cancelled', async () => {
  const id = await newProposal('messages-proposal-4');
  await openTask(id, 'co_endorsement');
  const applicant = await client('applicant');
  const fm = await client('fundManager');
  expect((await applicant.post(`/proposals/${id}/cancel`, { reason: 'no' })).status).toBe(403);
  expect((await (await client('coKg')).post(`/proposals/${id}/cancel`, { reason: 'no' })).status).toBe(403);
  const blank = await fm.post(`/proposals/${id}/cancel`, { reason: ' ' });
  expect(blank.status).toBe(400);
  expect(blank.body.error.details.map((d: { path: string }) => d.path)).toEqual(['reason']);
  expect((await fm.post('/proposals/p-0000000000000000/cancel', { reason: 'x' })).status).toBe(404);

  const reason = 'The call was withdrawn by the Country Office after the government reshuffle.';
  const cancelled = await fm.post(`/proposals/${id}/cancel`, { reason }).set('Idempotency-Key', 'cancel-4');
  expect(cancelled.status).toBe(200);
  expect(cancelled.body).toEqual({ id, stage: 'cancelled' });
  // A retry under the same key gets the same answer; without it, the subject is closed.
  const replay = await fm.post(`/proposals/${id}/cancel`, { reason }).set('Idempotency-Key', 'cancel-4');
  expect([replay.status, replay.body.stage]).toEqual([200, 'cancelled']);
  expect((await fm.post(`/proposals/${id}/cancel`, { reason })).status).toBe(409);

  const row = await h.db.prisma.proposal.findUniqueOrThrow({ where: { id }, select: { stage: true, closedAt: true } });
  expect(row.stage).toBe('cancelled');
  expect(row.closedAt).not.toBeNull();
  const tasks = await h.db.prisma.task.findMany({ where: { subjectId: id }, select: { status: true } });
  expect(tasks.length).toBeGreaterThan(0);
  expect(tasks.every((t) => t.status === 'cancelled')).toBe(true);
  const event = await h.db.prisma.auditEvent.findFirstOrThrow({ where: { subjectId: id, action: 'cancel' } });
  expect(event).toMatchObject({ actorId: DEMO_USERS.fundManager.id, toStage: 'cancelled', comment: reason });

  // The applicant, the Country Office (whose endorsement task closed) are told, once each, with the reason.
  for (const who of ['applicant', 'coKg', 'coKg2'] as const)
    expect({ who, n: (await mailsTo(DEMO_USERS[who].email, reason)).length }).toEqual({ who, n: 1 });
  expect((await mailsTo(DEMO_USERS.applicant.email, reason))[0].subject).toContain('cancelled');

  const pipeline = await fm.get('/pipeline?programme=challenge_fund&stage=cancelled');
  expect(pipeline.status).toBe(200);
  expect(pipeline.body.countsByStage.challenge_fund.cancelled).toBeGreaterThanOrEqual(1);
  expect(JSON.stringify(pipeline.body)).toContain(id);
  // The thread stays readable and writable after closing: questions about a cancellation are on the record too.
  expect((await applicant.post(`/proposals/${id}/messages`, { body: 'Why exactly?' })).status).toBe(201);
  expect(await checkDeliveryRule(h.db.prisma, h.smtp.mails)).toMatchObject({ missing: [], foreign: [], repeated: 0 });
});

test('an expert request: the Country Office, the fund managers and (once selected) the expert; cancellation', async () => {
  const co = await client('coKg');
  const created = await co.post('/expert-requests', expertRequestPayload()).set('Idempotency-Key', 'messages-er-1');
  expect(created.status).toBe(201);
  const id = created.body.id as string;

  const fm = await client('fundManager');
  const note = 'Shall we fund this from the 2027 envelope?';
  const posted = await fm.post(`/expert-requests/${id}/messages`, { body: note });
  expect(posted.status).toBe(201);
  expect(posted.body.side).toBe('fund');
  expect(await mailsTo(DEMO_USERS.coKg.email, note)).toHaveLength(1);
  expect(await mailsTo(DEMO_USERS.coKg2.email, note)).toHaveLength(1);
  expect(await mailsTo(DEMO_USERS.fundManager.email, note)).toEqual([]);
  expect((await co.get(`/expert-requests/${id}/messages`)).body.mySide).toBe('country_office');
  // An expert who is not the selected one has no place on the thread.
  expect((await (await client('expert1')).get(`/expert-requests/${id}/messages`)).status).toBe(404);
  expect((await (await client('applicant')).get(`/expert-requests/${id}/messages`)).status).toBe(403);

  const reason = 'The national partner found a local expert.';
  const cancelled = await fm.post(`/expert-requests/${id}/cancel`, { reason });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.stage).toBe('cancelled');
  expect(await h.db.prisma.task.count({ where: { subjectId: id, status: 'open' } })).toBe(0);
  expect(await mailsTo(DEMO_USERS.coKg.email, reason)).toHaveLength(1);
  expect(await checkDeliveryRule(h.db.prisma, h.smtp.mails)).toMatchObject({ missing: [], foreign: [], repeated: 0 });
});
