import type { Page } from 'playwright-core';
import { DEMO_USERS } from '../../domain/demo';
import { proposalPayload } from '../fixtures/payloads';
import { signatureData } from '../helpers/signature';
import { axeViolations, check, eventually, screenshot, startWebHarness, type WebHarness } from './harness';

/**
 * Messages, internal notes and cancellation in a real browser, on a phone-sized screen: the fund
 * manager writes a note and a message, the applicant (in Russian) reads and answers the thread and
 * never sees the note, then the fund manager cancels and the applicant is told by mail.
 */
let h: WebHarness;

beforeAll(async () => {
  h = await startWebHarness('messages');
});

afterAll(async () => {
  await h?.stop();
});

const PHONE = { width: 390, height: 844 };
const NOTE = 'Staff only: the co-financing letter looks backdated, verify with the Ministry.';
const QUESTION = 'Please confirm the number of sensors per village.';
const ANSWER = 'Двенадцать датчиков на каждое село.';

/** Decides the caller's open task of `kind` on the subject through the API (setting up, not what the test is about). */
async function decideVia(
  who: Parameters<WebHarness['api']>[0],
  subjectId: string,
  kind: string,
  decision: string,
  data?: Record<string, unknown>,
): Promise<void> {
  const task = await eventually(async () => {
    const res = await h.api<{ items: { id: string; kind: string; subject: { id: string } }[] }>(
      who,
      'GET',
      `/tasks?pageSize=100&subject=${subjectId}&kind=${kind}`,
    );
    return res.body.items[0];
  });
  // A signature names the agreement version it signs and confirms its statement.
  const signed =
    !data && kind === 'contract_signature' && decision === 'sign'
      ? signatureData(
          (
            await h.api<{ context: Record<string, unknown> | null }>(
              who,
              'GET',
              `/tasks/${encodeURIComponent(task.id)}`,
            )
          ).body.context,
        )
      : data;
  const res = await h.api(who, 'POST', `/tasks/${encodeURIComponent(task.id)}/decision`, { decision, data: signed });
  expect({ kind, status: res.status }).toEqual({ kind, status: 200 });
}

async function fitsThePhone(page: Page): Promise<void> {
  const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow).toBeLessThanOrEqual(0);
}

test('thread and notes on the proposal page: staff write both, the applicant answers in Russian and never sees a note; the fund manager cancels', async () => {
  const created = await h.api<{ id: string }>('applicant', 'POST', '/proposals', proposalPayload());
  expect(created.status).toBe(201);
  const id = created.body.id;

  // ---- the fund manager: an internal note, then a message to the applicant
  const fm = await h.as('fundManager', { viewport: PHONE, axe: true });
  await fm.goto(`/app/proposals/${id}`);
  await check(fm.locator('#notes')).toContainText('Staff only');
  await fm.locator('#notes textarea[name="body"]').fill(NOTE);
  await fm.getByRole('button', { name: 'Add the note' }).click();
  await check(fm.locator('.notice')).toContainText('The internal note was added.');
  await check(fm.locator('#notes .thread')).toContainText(NOTE);
  await fm.locator('#messages textarea[name="body"]').fill(QUESTION);
  await fm.getByRole('button', { name: 'Send the message' }).click();
  await check(fm.locator('.notice')).toContainText('Your message was sent.');
  await check(fm.locator('#messages .thread')).toContainText(QUESTION);
  // An empty message is refused by the form itself (required); sent anyway, the page says so.
  expect(await fm.locator('#messages textarea[name="body"]').getAttribute('required')).not.toBeNull();
  expect(await axeViolations(fm)).toEqual([]);
  await fitsThePhone(fm);
  await screenshot(fm, 'messages-fund-manager-phone');

  // ---- the applicant, in Russian: the thread, no note anywhere
  const applicant = await h.as('applicant', { lang: 'ru', viewport: PHONE, axe: true });
  await applicant.goto(`/app/proposals/${id}`);
  await check(applicant.locator('#messages h2')).toHaveText('Сообщения');
  await check(applicant.locator('#messages .thread')).toContainText(QUESTION);
  await check(applicant.locator('#messages .thread')).toContainText(DEMO_USERS.fundManager.name);
  expect(await applicant.locator('#notes').count()).toBe(0);
  expect(await applicant.content()).not.toContain('backdated');
  await applicant.locator('#messages textarea[name="body"]').fill(ANSWER);
  await applicant.getByRole('button', { name: 'Отправить сообщение' }).click();
  await check(applicant.locator('.notice')).toContainText('Сообщение отправлено.');
  await check(applicant.locator('#messages .thread')).toContainText(ANSWER);
  expect(await applicant.content()).not.toContain('backdated');
  expect(await axeViolations(applicant)).toEqual([]);
  await fitsThePhone(applicant);
  await screenshot(applicant, 'messages-applicant-ru-phone');

  // The answer reaches the Country Office and the fund manager by mail, once each; the note reaches nobody.
  await eventually(async () => (await h.db.prisma.outbox.count({ where: { status: 'pending' } })) === 0);
  for (const who of ['coKg', 'fundManager'] as const)
    expect(h.smtp.mails.filter((m) => m.to === DEMO_USERS[who].email && m.text.includes(ANSWER))).toHaveLength(1);
  expect(h.smtp.mails.filter((m) => m.text.includes('backdated'))).toEqual([]);
  expect(h.smtp.mails.filter((m) => m.to === DEMO_USERS.applicant.email && m.text.includes(QUESTION))).toHaveLength(1);

  // ---- the fund manager cancels, with a reason
  const reason = 'Duplicate of an earlier proposal from the same institution.';
  await fm.goto(`/app/proposals/${id}`);
  await fm.locator('details.danger-zone summary').click();
  await fm.locator('details.danger-zone textarea[name="reason"]').fill(reason);
  await fm.locator('#cancel-confirm').check();
  await fm.locator('details.danger-zone button[type="submit"]').click();
  await check(fm.locator('.notice')).toContainText('Cancelled.');
  await check(fm.locator('.badge', { hasText: 'Cancelled' }).first()).toBeVisible();
  expect(await fm.locator('details.danger-zone').count()).toBe(0);

  await applicant.goto(`/app/proposals/${id}`);
  await check(applicant.locator('.badge', { hasText: 'Отменено' }).first()).toBeVisible();
  expect(await applicant.locator('form[action$="/withdraw"]').count()).toBe(0);
  await eventually(async () =>
    h.smtp.mails.some((m) => m.to === DEMO_USERS.applicant.email && m.text.includes(reason)),
  );
  await eventually(async () => (await h.db.prisma.outbox.count({ where: { status: 'pending' } })) === 0);
  expect(h.smtp.mails.filter((m) => m.to === DEMO_USERS.applicant.email && m.text.includes(reason))).toHaveLength(1);
});

test('an applicant past the withdrawal stages is pointed to the thread to ask a fund manager to cancel', async () => {
  const created = await h.api<{ id: string }>(
    'applicant',
    'POST',
    '/proposals',
    proposalPayload({ title: 'In mission' }),
  );
  const id = created.body.id;
  await decideVia('coKg', id, 'co_endorsement', 'endorse');
  const reviewers = [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id];
  await decideVia('fundManager', id, 'assign_reviewers', 'assign', { reviewerIds: reviewers });
  for (const r of ['reviewer1', 'reviewer2'] as const) {
    await decideVia(r, id, 'conflict_declaration', 'declare_no_conflict', { noConflictDeclared: true });
    await decideVia(r, id, 'review_score', 'submit_score', {
      scores: { innovation: 80, feasibility_sustainability: 70, social_benefit: 75 },
    });
  }
  await decideVia('fundManager', id, 'selection_decision', 'select');
  await decideVia('applicant', id, 'contract_signature', 'sign');
  await decideVia('coKg', id, 'contract_signature', 'sign');
  await eventually(
    async () => (await h.api<{ stage: string }>('applicant', 'GET', `/proposals/${id}`)).body.stage === 'mission',
  );

  const applicant = await h.as('applicant', { axe: true });
  await applicant.goto(`/app/proposals/${id}`);
  expect(await applicant.locator('form[action$="/withdraw"]').count()).toBe(0);
  const ask = applicant.getByRole('link', { name: 'Messages' });
  await check(ask).toHaveAttribute('href', '#messages');
  await ask.click();
  await check(applicant.locator('#messages textarea[name="body"]')).toBeVisible();
  await applicant.locator('#messages textarea[name="body"]').fill('Our partner withdrew: please cancel the grant.');
  await applicant.getByRole('button', { name: 'Send the message' }).click();
  await check(applicant.locator('.notice')).toContainText('Your message was sent.');
  expect(await axeViolations(applicant)).toEqual([]);
  await eventually(async () =>
    h.smtp.mails.some((m) => m.to === DEMO_USERS.fundManager.email && m.text.includes('please cancel the grant')),
  );
});
