import pino from 'pino';
import { enqueueNotifications, outboxKey } from '../../activities/notifications/outbox';
import type { NotificationRequest } from '../../domain/notifications';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { BASE_URL, PEOPLE, PROPOSAL_DATA, seedPeople } from './fixtures';

const quiet = pino({ level: 'silent' });
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('notify-enqueue');
  await seedPeople(db.prisma);
});
afterAll(async () => {
  await db?.close();
});

const WF = 'proposal-p-42';

function enqueue(step: number, notifications: NotificationRequest[]) {
  return db.prisma.$transaction((tx) =>
    enqueueNotifications(tx, { workflowId: WF, step, notifications, baseUrl: BASE_URL }, quiet),
  );
}

async function rowsOf(step: number) {
  return db.prisma.outbox.findMany({ where: { key: { startsWith: `${WF}:${step}:` } }, orderBy: { id: 'asc' } });
}

test('enqueueing the same step twice writes one row per recipient', async () => {
  const notifications: NotificationRequest[] = [
    {
      template: 'task_assigned',
      to: { role: 'co_approver', countryCode: 'KG' },
      data: { ...PROPOSAL_DATA, taskId: `${WF}:co_endorsement:1`, taskKind: 'co_endorsement' },
    },
    // The same person twice in one step (by id and by role) still gets one mail.
    {
      template: 'task_assigned',
      to: { userId: PEOPLE.coKg.id },
      data: { ...PROPOSAL_DATA, taskId: `${WF}:co_endorsement:1`, taskKind: 'co_endorsement' },
    },
  ];
  const first = await enqueue(1, notifications);
  const second = await enqueue(1, notifications);

  expect(first).toEqual([
    outboxKey(WF, 1, PEOPLE.coKg.id, 'task_assigned'),
    outboxKey(WF, 1, PEOPLE.coKgHead.id, 'task_assigned'),
  ]);
  expect(second).toEqual(first);
  const rows = await rowsOf(1);
  expect(rows.map((r) => r.toEmail)).toEqual([PEOPLE.coKg.email, PEOPLE.coKgHead.email]);
  expect(rows.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true);
  // Each in the recipient's language.
  expect(rows.map((r) => r.language)).toEqual(['en', 'ru']);
  expect(rows[1].subject).toContain('Новая задача');
  expect(rows[0].text).toContain(`${BASE_URL}/tasks/${WF}:co_endorsement:1`);
});

test('role recipients are resolved by country, skipping inactive users; no country means everyone with the role', async () => {
  await enqueue(2, [
    { template: 'evaluation_requested', to: { role: 'co_approver', countryCode: 'TJ' }, data: PROPOSAL_DATA },
  ]);
  expect((await rowsOf(2)).map((r) => r.recipientId)).toEqual([PEOPLE.coTj.id]);

  await enqueue(3, [{ template: 'evaluation_requested', to: { role: 'co_approver' }, data: PROPOSAL_DATA }]);
  const all = (await rowsOf(3)).map((r) => r.recipientId).sort();
  expect(all).toEqual([PEOPLE.coKg.id, PEOPLE.coKgHead.id, PEOPLE.coTj.id].sort());
  expect(all).not.toContain(PEOPLE.coKgRetired.id);
});

test('users excluded from a task (its requester) are not told about it', async () => {
  await enqueue(12, [
    {
      template: 'task_assigned',
      to: { role: 'co_approver', countryCode: 'KG', excludeUserIds: [PEOPLE.coKg.id] },
      data: { ...PROPOSAL_DATA, taskKind: 'co_endorsement' },
    },
  ]);
  expect((await rowsOf(12)).map((r) => r.recipientId)).toEqual([PEOPLE.coKgHead.id]);
  await enqueue(13, [
    {
      template: 'reminder',
      to: { role: 'co_approver', excludeUserIds: [PEOPLE.coKg.id, PEOPLE.coTj.id] },
      data: PROPOSAL_DATA,
    },
  ]);
  expect((await rowsOf(13)).map((r) => r.recipientId)).toEqual([PEOPLE.coKgHead.id]);
});

test('a reminder to someone who switched reminders off is recorded as skipped; essential mails still go', async () => {
  const keys = await enqueue(4, [
    { template: 'reminder', to: { userId: PEOPLE.applicant.id }, data: PROPOSAL_DATA },
    {
      template: 'changes_requested',
      to: { userId: PEOPLE.applicant.id },
      data: { ...PROPOSAL_DATA, comment: 'Add the MoU.' },
    },
  ]);
  expect(keys).toHaveLength(2);
  const byTemplate = Object.fromEntries((await rowsOf(4)).map((r) => [r.template, r.status]));
  expect(byTemplate).toEqual({ reminder: 'skipped', changes_requested: 'pending' });
});

test('fund managers on the daily digest get informational mails held for it, action mails at once', async () => {
  await enqueue(5, [
    { template: 'decision_outcome', to: { role: 'fund_manager' }, data: { ...PROPOSAL_DATA, decision: 'endorse' } },
    {
      template: 'task_assigned',
      to: { role: 'fund_manager' },
      data: { ...PROPOSAL_DATA, taskId: `${WF}:alignment:5`, taskKind: 'alignment_review' },
    },
    {
      template: 'overdue_escalation',
      to: { role: 'fund_manager' },
      data: { ...PROPOSAL_DATA, taskId: `${WF}:co_endorsement:1`, taskKind: 'co_endorsement' },
    },
  ]);
  const status = Object.fromEntries((await rowsOf(5)).map((r) => [`${r.recipientId}/${r.template}`, r.status]));
  expect(status).toEqual({
    [`${PEOPLE.fundManager.id}/decision_outcome`]: 'pending',
    [`${PEOPLE.fundManager.id}/task_assigned`]: 'pending',
    [`${PEOPLE.fundManager.id}/overdue_escalation`]: 'pending',
    [`${PEOPLE.fundManagerDigest.id}/decision_outcome`]: 'digest',
    [`${PEOPLE.fundManagerDigest.id}/task_assigned`]: 'pending',
    [`${PEOPLE.fundManagerDigest.id}/overdue_escalation`]: 'pending',
  });
});

test('experts are reached through their account, or at the roster e-mail when they have none', async () => {
  const data = { ...PROPOSAL_DATA, subjectType: 'expert_request' as const, subjectId: 'er-7' };
  const keys = await enqueue(6, [
    { template: 'expert_invitation', to: { expertId: 'exp-001' }, data },
    { template: 'expert_invitation', to: { expertId: 'exp-002' }, data },
  ]);
  expect(keys).toEqual([
    outboxKey(WF, 6, PEOPLE.expertUser.id, 'expert_invitation'),
    outboxKey(WF, 6, 'expert2.roster@example.org', 'expert_invitation'),
  ]);
  const rows = await rowsOf(6);
  const rosterOnly = rows.find((r) => r.recipientId === null)!;
  expect(rosterOnly.toEmail).toBe('expert2.roster@example.org');
  expect(rosterOnly.language).toBe('ru');
  expect(rows.find((r) => r.recipientId === PEOPLE.expertUser.id)!.toEmail).toBe(PEOPLE.expertUser.email);
});

test('unknown or inactive recipients are skipped without failing the step', async () => {
  const keys = await enqueue(7, [
    { template: 'task_assigned', to: { userId: 'no-such-user' }, data: PROPOSAL_DATA },
    { template: 'task_assigned', to: { userId: PEOPLE.coKgRetired.id }, data: PROPOSAL_DATA },
    { template: 'task_assigned', to: { expertId: 'no-such-expert' }, data: PROPOSAL_DATA },
    { template: 'task_assigned', to: { role: 'reviewer' }, data: PROPOSAL_DATA },
    { template: 'task_assigned', to: { userId: PEOPLE.fundManager.id }, data: PROPOSAL_DATA },
  ]);
  expect(keys).toEqual([outboxKey(WF, 7, PEOPLE.fundManager.id, 'task_assigned')]);
});

test('rows roll back with the step transaction', async () => {
  await expect(
    db.prisma.$transaction(async (tx) => {
      await enqueueNotifications(
        tx,
        {
          workflowId: WF,
          step: 8,
          notifications: [{ template: 'task_assigned', to: { userId: PEOPLE.fundManager.id }, data: PROPOSAL_DATA }],
          baseUrl: BASE_URL,
        },
        quiet,
      );
      throw new Error('step failed');
    }),
  ).rejects.toThrow('step failed');
  expect(await rowsOf(8)).toEqual([]);
});
