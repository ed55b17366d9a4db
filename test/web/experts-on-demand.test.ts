import { check, eventually, screenshot, useWebHarness } from './harness';

/**
 * Experts on Demand in a real browser: the Country Office registers a request (deliverable rows,
 * field errors from the API), another approver of the office endorses it, the fund manager reviews
 * the shortlist with its score breakdown and a roster search, an invited expert accepts the
 * invitation and another declines.
 */
const h = useWebHarness('eod');

const TITLE = 'Mudflow hazard mapping for five Naryn villages';

interface ShortlistEntry {
  expertId: string;
  userId: string;
  name: string;
}

test('registration by the CO → endorsement → shortlist review → an expert accepts the invitation, another declines', async () => {
  // ---- registration, with deliverable rows; amounts that do not add up are refused next to the rows
  const co = await h.as('coKg');
  await co.goto('/app/expert-requests');
  await co.getByRole('link', { name: 'Register a request' }).click();
  await co.waitForURL(/\/app\/expert-requests\/new/);
  await co.locator('#f-title').fill(TITLE);
  await co
    .locator('#f-objectives')
    .fill('Map mudflow hazard zones for 5 mountain villages and recommend protective measures.');
  await co.locator('#f-thematicAreaId').selectOption('disaster-risk-reduction');
  await co.getByLabel('SDG 11', { exact: true }).check();
  await co.getByLabel('SDG 13', { exact: true }).check();
  await co.locator('#f-nationalPartner-name').fill('Ministry of Emergency Situations');
  await co.locator('#f-nationalPartner-contact').fill('mes@example.kg');
  await co.locator('#f-nationalPartner-demandEvidence').fill('Request letter of 2 February 2026');
  await co.getByLabel('Mission to the country').check();
  await co.locator('#f-workingDays').fill('20');
  await co.locator('#f-startDate').fill('2027-02-01');
  await co.locator('#f-endDate').fill('2027-04-15');
  await co.getByLabel('Russian', { exact: true }).check();
  await co.locator('#f-destination').fill('Bishkek and Naryn');
  await co.locator('#f-travelDays').fill('7');
  await co.locator('#f-perDiemUsd').fill('150');
  await co.locator('#f-contractValueUsd').fill('7000');
  await co.locator('#f-deliverables-0-title').fill('Inception report');
  await co.locator('#f-deliverables-0-dueDate').fill('2027-02-15');
  await co.locator('#f-deliverables-0-amountUsd').fill('2000');
  await co.locator('#f-deliverables-1-title').fill('Hazard maps and recommendations');
  await co.locator('#f-deliverables-1-dueDate').fill('2027-03-31');
  await co.locator('#f-deliverables-1-amountUsd').fill('4000');
  await check(co.locator('[data-sum-of]')).toContainText('6,000');
  await co.getByRole('button', { name: 'Register the request' }).click();
  await check(co.locator('.error-summary')).toContainText(
    'The deliverable amounts add up to 6000, but the contract value is 7000',
  );
  await check(co.locator('#f-deliverables')).toContainText('add up to 6000');
  await check(co.locator('#f-deliverables-1-title')).toHaveValue('Hazard maps and recommendations');
  await screenshot(co, 'co-expert-request-form-errors');
  await co.locator('#f-contractValueUsd').fill('6000');
  await co.getByRole('button', { name: 'Register the request' }).click();
  await co.waitForURL(/\/app\/expert-requests\/er-[0-9a-z]+\?notice=registered/);
  const requestId = /\/app\/expert-requests\/(er-[0-9a-z]+)/.exec(co.url())![1];
  await check(co.locator('.step-current')).toContainText('Country Office endorsement');
  await screenshot(co, 'co-expert-request');

  // ---- the requester may not endorse its own request: it is not in its inbox, and the task
  // page (opened from the request) offers no decision and says why
  await co.goto('/app/inbox');
  await check(co.locator('tbody tr', { hasText: TITLE })).toHaveCount(0);
  await co.goto(`/app/expert-requests/${requestId}`);
  await check(co.locator('.status')).toContainText('Waiting for the UNDP Country Office');
  const endorsement = await eventually(
    async () =>
      (
        await h.api<{ items: { id: string; kind: string }[] }>(
          'coKg2',
          'GET',
          `/tasks?subject=${requestId}&kind=co_endorsement`,
        )
      ).body.items[0],
  );
  await co.goto(`/app/tasks/${encodeURIComponent(endorsement.id)}`);
  await check(co.locator('main')).toContainText(
    'You raised this request, so another Country Office approver decides this task.',
  );
  await check(co.getByRole('button', { name: 'Endorse' })).toHaveCount(0);

  // ---- the head of office endorses (in Russian)
  const head = await h.as('coKg2', { lang: 'ru' });
  await head.goto('/app/inbox');
  await head.locator('tbody tr', { hasText: TITLE }).getByRole('link').click();
  await check(head.locator('h1')).toHaveText('Одобрение страновым офисом');
  await head
    .locator('section[aria-labelledby="d-endorse"] textarea[name="comment"]')
    .fill('Одобрено руководителем офиса');
  await head.getByRole('button', { name: 'Одобрить' }).click();
  await head.waitForURL(/\/app\/inbox\?notice=decided/);
  await check(head.locator('.notice')).toContainText('Ваше решение записано');

  // ---- the fund manager reviews the shortlist (score breakdown, roster search) and confirms it
  const fm = await h.as('fundManager');
  const shortlistTask = await eventually(async () => {
    const res = await h.api<{ items: { id: string; kind: string; subject: { id: string } }[] }>(
      'fundManager',
      'GET',
      '/tasks?pageSize=100',
    );
    return res.body.items.find((t) => t.kind === 'shortlist_review' && t.subject.id === requestId);
  });
  await fm.goto(`/app/tasks/${encodeURIComponent(shortlistTask.id)}`);
  await check(fm.locator('h1')).toHaveText('Review the expert shortlist');
  const shortlistTable = fm.locator('table', {
    has: fm.locator('caption', { hasText: 'Proposed experts and their matching scores' }),
  });
  await check(shortlistTable.locator('thead')).toContainText('Thematic area');
  await check(shortlistTable.locator('thead')).toContainText('Country experience');
  await fm.locator('form[role="search"] #f-q').fill('a');
  await fm.getByRole('button', { name: 'Search' }).click();
  await check(fm.locator('caption', { hasText: 'Add from the roster search' })).toBeVisible();
  await screenshot(fm, 'fm-task-shortlist');
  await fm.getByRole('button', { name: 'Confirm the shortlist' }).click();
  await fm.waitForURL(/\/app\/inbox\?notice=decided/);

  // ---- invited experts answer in the browser
  const view = await h.api<{ shortlist: ShortlistEntry[] }>('fundManager', 'GET', `/expert-requests/${requestId}`);
  const shortlist = view.body.shortlist;
  expect(shortlist.length).toBeGreaterThanOrEqual(2);
  const users = await h.db.prisma.user.findMany({
    where: { id: { in: shortlist.map((e) => e.userId) } },
    select: { id: true, email: true },
  });
  const emailOf = (userId: string) => users.find((u) => u.id === userId)!.email;

  const accepting = await h.as({ email: emailOf(shortlist[0].userId) });
  await eventually(async () => {
    await accepting.goto('/app/inbox');
    return (await accepting.locator('tbody tr', { hasText: TITLE }).count()) > 0;
  });
  await accepting
    .locator('tbody tr', { hasText: TITLE })
    .getByRole('link', { name: 'Respond to the invitation' })
    .click();
  await check(accepting.locator('main')).toContainText('Invitation');
  await check(accepting.locator('main')).toContainText('Inception report');
  await check(accepting.locator('main')).notToContainText('Daily fee');
  await accepting.getByRole('button', { name: 'Accept' }).click();
  // Without the two confirmations the browser keeps the form; the API would refuse it too.
  await accepting.getByLabel('I am available for the whole period.').check();
  await accepting.getByLabel('I have no conflict of interest with this assignment.').check();
  await screenshot(accepting, 'expert-invitation');
  await accepting.getByRole('button', { name: 'Accept' }).click();
  await accepting.waitForURL(/\/app\/inbox\?notice=decided/);
  await check(accepting.locator('tbody')).notToContainText(TITLE);
  await accepting.goto('/app/expert-requests');
  await check(accepting.locator('main')).toContainText(TITLE);

  const declining = await h.as({ email: emailOf(shortlist[1].userId) }, { lang: 'ru' });
  await eventually(async () => {
    await declining.goto('/app/inbox');
    return (await declining.locator('tbody tr', { hasText: TITLE }).count()) > 0;
  });
  await declining.locator('tbody tr', { hasText: TITLE }).getByRole('link').click();
  await declining.locator('#f-data-reason').fill('Занят в эти даты');
  await declining.getByRole('button', { name: 'Отказаться' }).click();
  await declining.waitForURL(/\/app\/inbox\?notice=decided/);

  // The workflow recorded both answers.
  const decisions = await eventually(async () => {
    const rows = await h.db.prisma.task.findMany({
      where: { subjectId: requestId, kind: 'invitation_response', status: 'done' },
      select: { assigneeUserId: true, decision: true },
    });
    return rows.length >= 2 ? rows : null;
  });
  expect(decisions).toEqual(
    expect.arrayContaining([
      { assigneeUserId: shortlist[0].userId, decision: 'accept' },
      { assigneeUserId: shortlist[1].userId, decision: 'decline' },
    ]),
  );
});
