import type { Page } from 'playwright-core';
import { DEMO_USERS } from '../../domain/demo';
import { proposalPayload } from '../fixtures/payloads';
import { axeViolations, check, eventually, startWebHarness, type WebHarness } from './harness';

/**
 * In Chromium against the real stack: an administrator's erasure is refused because a review
 * waits for the person; the refusal page lists the task with a link to reassign it; the
 * reassignment page (axe-clean in English and Russian, on a phone) hands it to the one eligible
 * reviewer; the erasure then succeeds.
 */
let h: WebHarness;
beforeAll(async () => {
  h = await startWebHarness('reassignment');
}, 180_000);
afterAll(async () => {
  await h?.stop();
});

async function noAxeViolations(page: Page, name: string): Promise<void> {
  const violations = await axeViolations(page);
  if (violations.length) throw new Error(`${name}: ${JSON.stringify(violations, null, 1)}`);
}

async function decide(who: 'coKg' | 'fundManager', subjectId: string, kind: string, body: Record<string, unknown>) {
  const task = await eventually(async () => {
    const res = await h.api<{ items: { id: string }[] }>(who, 'GET', `/tasks?subject=${subjectId}&kind=${kind}`);
    return res.body.items[0];
  }, 60_000);
  const res = await h.api(who, 'POST', `/tasks/${encodeURIComponent(task.id)}/decision`, body);
  if (res.status !== 200) throw new Error(`${kind}: ${res.status} ${JSON.stringify(res.body)}`);
}

test('an erasure blocked by an open review: the refusal links to reassigning it, then the erasure succeeds', async () => {
  const created = await h.api<{ id: string }>('applicant2', 'POST', '/proposals', proposalPayload());
  expect(created.status).toBe(201);
  const proposalId = created.body.id;
  await decide('coKg', proposalId, 'co_endorsement', { decision: 'endorse' });
  await decide('fundManager', proposalId, 'assign_reviewers', {
    decision: 'assign',
    data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] },
  });
  await eventually(async () => {
    const res = await h.api<{ items: unknown[] }>('reviewer2', 'GET', `/tasks?subject=${proposalId}`);
    return res.body.items.length > 0;
  }, 60_000);
  expect((await h.api('reviewer2', 'POST', '/me/erasure-request', { reason: 'Leaving' })).status).toBe(202);

  const admin = await h.as('admin', { lang: 'en' });
  await admin.goto('/app/people');
  await admin.getByRole('button', { name: `Erase personal data ${DEMO_USERS.reviewer2.name}` }).click();
  await check(admin.locator('h1')).toHaveText('Erasure refused');
  await check(admin.locator('.error-summary')).toContainText('Declare any conflict of interest');
  await noAxeViolations(admin, 'erasure refused en');
  const link = admin.getByRole('link', { name: /^Reassign/ });
  const href = (await link.getAttribute('href'))!;
  expect(href).toMatch(/^\/app\/tasks\/.+\/reassign\?back=%2Fapp%2Fpeople$/);

  // The same page in Russian, on a phone.
  const ru = await h.as('admin', { lang: 'ru', viewport: { width: 375, height: 740 } });
  await ru.goto(href);
  await check(ru.locator('h1')).toHaveText('Переназначить задачу');
  await noAxeViolations(ru, 'reassign ru phone');
  const overflow = (await ru.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  )) as number;
  expect(overflow).toBeLessThanOrEqual(0);

  // The task's own page offers the same link to an administrator.
  const taskPage = await h.as('admin', { lang: 'en' });
  await taskPage.goto(href.replace(/\/reassign\?.*$/, ''));
  await check(taskPage.getByRole('link', { name: 'Reassign' })).toBeVisible();
  await noAxeViolations(taskPage, 'task page with reassign link');

  await link.click();
  await check(admin.locator('h1')).toHaveText('Reassign a task');
  await noAxeViolations(admin, 'reassign en');
  // Choosing nobody is refused next to the field.
  await admin.getByRole('button', { name: 'Reassign the task' }).click();
  await check(admin.locator('.error-summary')).toContainText('Choose a person');
  await noAxeViolations(admin, 'reassign error en');
  const options = await admin.locator('#f-toUserId option').allTextContents();
  expect(options.slice(1)).toEqual([`${DEMO_USERS.reviewer3.name} (${DEMO_USERS.reviewer3.email})`]);
  await admin.selectOption('#f-toUserId', DEMO_USERS.reviewer3.id);
  await admin.fill('#f-reason', 'Olga asked for erasure');
  await admin.getByRole('button', { name: 'Reassign the task' }).click();
  await check(admin.locator('.notice')).toContainText('The task was reassigned.');
  expect(new URL(admin.url()).pathname).toBe('/app/people');

  await admin.getByRole('button', { name: `Erase personal data ${DEMO_USERS.reviewer2.name}` }).click();
  await check(admin.locator('.notice')).toContainText('Saved.');
  const erased = await h.db.prisma.accountState.findUniqueOrThrow({ where: { userId: DEMO_USERS.reviewer2.id } });
  expect(erased.erasedAt).not.toBeNull();
  const task = await h.db.prisma.task.findFirstOrThrow({
    where: { subjectId: proposalId, kind: 'conflict_declaration', assigneeUserId: DEMO_USERS.reviewer3.id },
  });
  expect(task.status).toBe('open');
}, 300_000);
