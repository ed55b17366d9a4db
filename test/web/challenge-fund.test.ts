import type { Page } from 'playwright-core';
import { DEMO_USERS } from '../../domain/demo';
import {
  axeViolations,
  check,
  eventually,
  fillProposalForm,
  fillValidBudget,
  screenshot,
  useWebHarness,
  VALID_PROPOSAL_FORM,
} from './harness';

/**
 * The Challenge Fund in a real browser against the real app (API + web pages + worker +
 * Temporal dev server + seeded PostgreSQL database): an applicant submits, the Country Office endorses from
 * its inbox with the keyboard only, the fund manager sees the funnel move and assigns reviewers,
 * a reviewer declares no conflict of interest and scores, the fund manager sees the scores.
 */
// The seeded calls run their workflows, as on a demo stack: their proposals still go to review one by one.
const h = useWebHarness('cf', {}, undefined, { callWorkflows: true });

const TITLE = 'Solar-powered mudflow sensors for Chui valley villages';

async function selectionCount(page: Page): Promise<number> {
  await page.goto('/app/pipeline?programme=challenge_fund');
  return Number(await page.locator('#p-challenge_fund-table tr[data-stage="selection"] [data-count]').innerText());
}

async function openTaskFor(page: Page, subjectTitle: string, label: string | RegExp): Promise<void> {
  // Tasks a decision opens are committed by the workflow a moment later: reload until listed.
  const link = page.locator('tbody tr', { hasText: subjectTitle }).getByRole('link', { name: label });
  await eventually(async () => {
    await page.goto('/app/inbox');
    return (await link.count()) > 0;
  });
  await link.first().click();
  await page.waitForURL(/\/app\/tasks\//);
}

test('applicant → CO endorsement (keyboard only) → funnel moves → reviewers assigned → no-conflict declaration and scores → selection view', async () => {
  const fm = await h.as('fundManager');
  const selectionBefore = await selectionCount(fm);

  // ---- the applicant writes the proposal; a first, incomplete submission shows the API's errors next to the fields
  const applicant = await h.as('applicant');
  await applicant.goto('/app/calls');
  await applicant.locator('a[href="/app/proposals/new?call=call-kg"]').click();
  // The form belongs to "Open calls" (it was opened from a call), not to "My proposals".
  await check(applicant.locator('.mainnav a[aria-current="page"]')).toHaveText('Open calls');
  await applicant.locator('#f-title').fill(TITLE);
  // Drafts are kept on the server as they are typed: the address becomes the draft's, a reload restores the text.
  await applicant.waitForURL(/\/app\/drafts\/draft-[0-9a-z]+$/);
  await check(applicant.locator('[data-draft-status]')).toContainText('Saved at');
  await applicant.reload();
  await check(applicant.locator('#f-title')).toHaveValue(TITLE);
  await applicant.getByRole('button', { name: 'Submit the proposal' }).click();
  await check(applicant.locator('.error-summary')).toBeVisible();
  await check(applicant.locator('.error-summary')).toBeFocused();
  await check(applicant.locator('#f-summary-error')).toContainText('This field is required');
  await check(applicant.locator('#f-summary')).toHaveAttribute('aria-invalid', 'true');
  await check(applicant.locator('#f-milestones')).toContainText('Choose or add at least 1');
  await check(applicant.locator('#f-title')).toHaveValue(TITLE);
  await screenshot(applicant, 'applicant-proposal-form-errors');
  await check(applicant.locator('.mainnav a[aria-current="page"]')).toHaveText('Open calls');
  // The draft is listed on "My proposals" with its call's deadline; opening it restores the text.
  await applicant.goto('/app/proposals');
  const draftRow = applicant.locator('tr[data-draft-row]', { hasText: TITLE });
  await check(draftRow).toContainText('31 Dec 2027');
  await draftRow.getByRole('link', { name: 'Continue' }).click();
  await check(applicant.locator('h1')).toHaveText('Proposal draft');
  await check(applicant.locator('#f-title')).toHaveValue(TITLE); // the draft, restored
  await applicant.getByRole('button', { name: 'Submit the proposal' }).click();
  await check(applicant.locator('#f-summary-error')).toContainText('This field is required');

  await fillProposalForm(applicant, {
    ...VALID_PROPOSAL_FORM,
    summary: 'Community-run sensor network with SMS alerts for mudflows.',
    partner: { ...VALID_PROPOSAL_FORM.partner, demandEvidence: 'Letter of intent No. 14-2/2026 of 12 March 2026' },
    innovation: 'LoRaWAN sensors, solar powered, open firmware.',
    expectedResults: '12 villages covered; alert lead time from 5 to 40 minutes.',
    milestones: [VALID_PROPOSAL_FORM.milestones[0], { title: 'Alerting live', dueDate: '2027-06-30' }],
  });
  await applicant.getByLabel('SDG 13', { exact: true }).check();
  await applicant.getByLabel('SDG 11', { exact: true }).check();
  await fillValidBudget(applicant);
  // "Add a row" works in place with JS (and as a round trip without).
  await applicant.locator('[data-add-row="milestones"]').click();
  await check(applicant.locator('#f-milestones-2-title')).toBeFocused();
  await applicant.locator('#f-milestones-2-title').fill('Handover to the ministry');
  await applicant.locator('#f-milestones-2-dueDate').fill('2027-09-30');
  await applicant.getByRole('button', { name: 'Submit the proposal' }).click();
  await applicant.waitForURL(/\/app\/proposals\/p-[0-9a-z]+\?notice=submitted/);
  const proposalId = /\/app\/proposals\/(p-[0-9a-z]+)/.exec(applicant.url())![1];
  await check(applicant.locator('.notice')).toContainText('Your proposal was submitted');
  await check(applicant.locator('h1')).toHaveText(TITLE);
  await check(applicant.locator('.step-current')).toContainText('Country Office endorsement');
  await check(applicant.locator('.status')).toContainText('Waiting for the UNDP Country Office');
  // The draft is gone once the proposal is submitted.
  expect(await h.db.prisma.proposalDraft.count({ where: { title: TITLE } })).toBe(0);
  await screenshot(applicant, 'applicant-proposal-status');

  // ---- the CO approver endorses from the inbox, keyboard only
  const co = await h.as('coKg');
  await co.goto('/app/inbox');
  await check(co.locator('tbody tr', { hasText: TITLE })).toHaveCount(1);
  await screenshot(co, 'co-inbox');
  const taskLink = co.locator('tbody tr', { hasText: TITLE }).getByRole('link');
  const href = await taskLink.getAttribute('href');
  // Tab from the top of the page to the task link, then Enter.
  await co.keyboard.press('Tab');
  await check(co.locator('.skip')).toBeFocused();
  for (
    let i = 0;
    i < 40 &&
    !(await taskLink.evaluate(
      (el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement,
    ));
    i++
  )
    await co.keyboard.press('Tab');
  await check(taskLink).toBeFocused();
  await co.keyboard.press('Enter');
  await co.waitForURL((u) => u.pathname === href!.split('?')[0] || u.pathname === decodeURIComponent(href!));
  await check(co.locator('h1')).toHaveText('Endorse on behalf of the Country Office');
  await check(co.locator('.col-main')).toContainText('LoRaWAN sensors');
  await screenshot(co, 'co-task-endorse');
  const comment = co.locator('#d-endorse').locator('xpath=..').locator('textarea[name="comment"]');
  await comment.focus();
  await co.keyboard.type('Matches our CPD outcome 2.');
  await co.keyboard.press('Tab');
  await check(co.getByRole('button', { name: 'Endorse' })).toBeFocused();
  await co.keyboard.press('Enter');
  await co.waitForURL(/\/app\/inbox\?notice=decided/);
  await check(co.locator('.notice')).toContainText('Your decision was recorded');
  await check(co.locator('tbody tr', { hasText: TITLE })).toHaveCount(0);

  // ---- the fund manager sees the proposal at the next stage and the funnel count changed
  const selectionAfter = await eventually(async () => {
    const n = await selectionCount(fm);
    return n === selectionBefore + 1 ? n : null;
  });
  expect(selectionAfter).toBe(selectionBefore + 1);
  await check(fm.locator('tbody tr', { hasText: TITLE })).toContainText('Selection');
  await screenshot(fm, 'fm-pipeline');
  const csv = await fm.request.get('/app/pipeline/export.csv?programme=challenge_fund');
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toMatch(/text\/csv/);
  expect(await csv.text()).toContain(TITLE);

  // ---- reviewer assignment through the assign_reviewers task form: every reviewer with institution
  // and open reviews; one from the applicant's institution is listed as such, with nothing to tick.
  await openTaskFor(fm, TITLE, 'Assign reviewers');
  const conflicted = fm.locator('tr', { hasText: DEMO_USERS.reviewer3.name });
  await check(conflicted).toContainText('Same institution as the applicant: may not review');
  await check(conflicted).toContainText('Tomsk Polytechnic University');
  await check(conflicted.locator('input')).toHaveCount(0);
  await check(fm.locator('tr', { hasText: DEMO_USERS.reviewer1.name }).locator('input[type="checkbox"]')).toHaveCount(
    1,
  );
  await check(fm.locator('table.reviewers thead')).toContainText('Open reviews');
  await fm.getByLabel(new RegExp(DEMO_USERS.reviewer1.name)).check();
  await fm.getByLabel(new RegExp(DEMO_USERS.reviewer2.name)).check();
  await screenshot(fm, 'fm-task-assign-reviewers');
  await fm.getByRole('button', { name: 'Assign reviewers' }).click();
  await fm.waitForURL(/\/app\/inbox\?notice=decided/);

  // ---- the reviewer declares no conflict of interest before the proposal opens, then scores
  const reviewer = await h.as('reviewer1');
  await openTaskFor(reviewer, TITLE, 'Declare any conflict of interest');
  await check(reviewer.locator('#coi-h')).toHaveText('Conflict of interest');
  await check(reviewer.locator('main')).toContainText('Tomsk Polytechnic University');
  await check(reviewer.locator('main')).notToContainText('LoRaWAN sensors');
  await screenshot(reviewer, 'reviewer-coi');
  await reviewer.getByRole('button', { name: 'I have no conflict of interest' }).click();
  // The declaration checkbox is required: the browser keeps the form until it is ticked.
  await check(reviewer.locator('#coi-h')).toBeVisible();
  await reviewer.getByLabel(/I declare that I have no conflict of interest/).check();
  await reviewer.getByRole('button', { name: 'I have no conflict of interest' }).click();
  await reviewer.waitForURL(/notice=coiDeclared/);
  await check(reviewer.locator('h1')).toHaveText('Score the proposal');
  await check(reviewer.locator('.notice')).toContainText('no conflict of interest');
  await check(reviewer.locator('main')).toContainText('LoRaWAN sensors');
  await reviewer.locator('#f-data-scores-innovation').fill('80');
  await reviewer.locator('#f-data-scores-feasibility_sustainability').fill('170');
  await reviewer.locator('#f-data-scores-social_benefit').fill('75');
  await reviewer.getByRole('button', { name: 'Submit the score' }).click();
  // Out-of-range score: the API's 400 detail is shown next to that field.
  await check(reviewer.locator('#f-data-scores-feasibility_sustainability-error')).toBeVisible();
  await reviewer.locator('#f-data-scores-feasibility_sustainability').fill('70');
  await screenshot(reviewer, 'reviewer-scoring');
  await reviewer.getByRole('button', { name: 'Submit the score' }).click();
  await reviewer.waitForURL(/\/app\/inbox\?notice=decided/);

  // The second reviewer scores through the API (not what this test is about).
  const tasks = await h.api<{ items: { id: string; kind: string; subject: { id: string } }[] }>(
    'reviewer2',
    'GET',
    '/tasks',
  );
  const coi2 = tasks.body.items.find((x) => x.kind === 'conflict_declaration' && x.subject.id === proposalId)!;
  expect(
    (
      await h.api('reviewer2', 'POST', `/tasks/${encodeURIComponent(coi2.id)}/decision`, {
        decision: 'declare_no_conflict',
        data: { noConflictDeclared: true },
      })
    ).status,
  ).toBe(200);
  const r2 = await eventually(async () =>
    (
      await h.api<{ items: { id: string; kind: string; subject: { id: string } }[] }>('reviewer2', 'GET', '/tasks')
    ).body.items.find((x) => x.kind === 'review_score' && x.subject.id === proposalId),
  );
  const scored = await h.api('reviewer2', 'POST', `/tasks/${encodeURIComponent(r2.id)}/decision`, {
    decision: 'submit_score',
    data: { scores: { innovation: 70, feasibility_sustainability: 65, social_benefit: 72 } },
  });
  expect(scored.status).toBe(200);

  // ---- the selection view: each reviewer's scores and the weighted total against the pass mark
  await eventually(async () => {
    const res = await h.api<{ items: { kind: string; subject: { id: string } }[] }>('fundManager', 'GET', '/tasks');
    return res.body.items.some((x) => x.kind === 'selection_decision' && x.subject.id === proposalId);
  });
  await openTaskFor(fm, TITLE, 'Select, waitlist or reject');
  const scores = fm.locator('section[aria-labelledby="scores-h"]');
  await check(scores).toContainText(DEMO_USERS.reviewer1.name);
  await check(scores).toContainText(DEMO_USERS.reviewer2.name);
  await check(scores).toContainText('pass mark 60');
  await check(scores).toContainText('Pass mark met');
  await screenshot(fm, 'fm-task-selection');
  expect(await axeViolations(fm)).toEqual([]);

  // ---- the applicant never sees scores or reviewers
  await applicant.goto(`/app/proposals/${proposalId}`);
  const text = await applicant.locator('main').innerText();
  expect(text).not.toMatch(/Igor Volkov|Olga Lebedeva|Pass mark|weighted/i);
  await check(applicant.locator('.step-current')).toContainText('Selection');
  await check(applicant.locator('.status')).toContainText('Waiting for the fund manager');
});

test('a decision someone else made first: the page says so and shows the task as decided', async () => {
  const created = await h.api<{ id: string }>('applicant', 'POST', '/proposals', {
    callId: 'call-kg',
    title: 'Race for the endorsement',
    summary: 'S',
    countryCode: 'KG',
    nationalPartner: { name: 'Ministry', contact: 'm@example.kg', demandEvidence: 'Letter 1' },
    sdgs: [13],
    thematicAreaId: 'climate-adaptation',
    requestedAmountUsd: 30000,
    coFinancingUsd: 8000,
    durationMonths: 12,
    innovation: 'I',
    expectedResults: 'R',
    milestones: [{ title: 'M', dueDate: '2027-03-31' }],
  });
  expect(created.status).toBe(201);
  const first = await h.as('coKg');
  const second = await h.as('coKg2', { lang: 'ru' });
  await openTaskFor(first, 'Race for the endorsement', 'Endorse on behalf of the Country Office');
  await openTaskFor(second, 'Race for the endorsement', 'Одобрение страновым офисом');
  await second.getByRole('button', { name: 'Одобрить' }).click();
  await second.waitForURL(/notice=decided/);
  await first.getByRole('button', { name: 'Endorse' }).click();
  await first.waitForURL(/notice=conflict/);
  await check(first.locator('.notice')).toContainText('Someone else decided first');
  await check(first.locator('main')).toContainText('This task is closed');
  await check(first.locator('main')).toContainText('Decided: Endorse');
  await check(first.getByRole('button', { name: 'Endorse' })).toHaveCount(0);
  await screenshot(first, 'co-task-conflict');
});

test('mail links: a browser is sent to the page, API clients get JSON', async () => {
  const created = await h.api<{ id: string }>('applicant', 'GET', '/proposals');
  const id = (created.body as unknown as { items: { id: string }[] }).items[0].id;
  const page = await h.as('applicant');
  await page.goto(`/proposals/${id}`);
  expect(new URL(page.url()).pathname).toBe(`/app/proposals/${id}`);
  await page.goto('/');
  expect(new URL(page.url()).pathname).toBe('/app/proposals');
  const json = await h.api('applicant', 'GET', `/proposals/${id}`);
  expect(json.status).toBe(200);
  expect((json.body as { id: string }).id).toBe(id);
});

test('changes requested: the applicant revises the proposal in the pre-filled form; only what changed is sent', async () => {
  const created = await h.api<{ id: string }>('applicant', 'POST', '/proposals', {
    callId: 'call-kg',
    title: 'Early warning app for herders',
    summary: 'SMS and app alerts for herders.',
    countryCode: 'KG',
    nationalPartner: {
      name: 'Ministry of Agriculture',
      contact: 'moa@example.kg',
      demandEvidence: 'Letter 7 of 1 March 2026',
    },
    sdgs: [13],
    thematicAreaId: 'climate-adaptation',
    requestedAmountUsd: 30000,
    coFinancingUsd: 8000,
    durationMonths: 12,
    innovation: 'Offline-first app',
    expectedResults: '2,000 herders reached',
    milestones: [{ title: 'Pilot', dueDate: '2027-03-31' }],
  });
  expect(created.status).toBe(201);
  const id = created.body.id;
  const endorse = await eventually(async () =>
    (
      await h.api<{ items: { id: string; kind: string; subject: { id: string } }[] }>('coKg', 'GET', '/tasks')
    ).body.items.find((x) => x.kind === 'co_endorsement' && x.subject.id === id),
  );
  expect(
    (
      await h.api('coKg', 'POST', `/tasks/${encodeURIComponent(endorse.id)}/decision`, {
        decision: 'request_changes',
        comment: 'Name the ministry focal point.',
      })
    ).status,
  ).toBe(200);

  const applicant = await h.as('applicant');
  await eventually(async () => {
    await applicant.goto('/app/proposals');
    return (await applicant.locator('.card-warn li', { hasText: 'Early warning app for herders' }).count()) > 0;
  });
  await applicant
    .locator('.card-warn li', { hasText: 'Early warning app for herders' })
    .getByRole('link', { name: 'Revise and resubmit' })
    .click();
  await check(applicant.locator('.card-warn')).toContainText('Name the ministry focal point.');
  await check(applicant.locator('#f-title')).toHaveValue('Early warning app for herders');
  await check(applicant.locator('#f-milestones-0-title')).toHaveValue('Pilot');
  await applicant.locator('#f-nationalPartner-contact').fill('');
  await applicant.getByRole('button', { name: 'Resubmit' }).click();
  await check(applicant.locator('#f-nationalPartner-contact-error')).toContainText('This field is required');
  await applicant.locator('#f-nationalPartner-contact').fill('Ms A. Bekova, focal point, moa@example.kg');
  await screenshot(applicant, 'applicant-task-revise');
  await applicant.getByRole('button', { name: 'Resubmit' }).click();
  await applicant.waitForURL(new RegExp(`/app/proposals/${id}\\?notice=decided`));
  await check(applicant.locator('.status')).toContainText('Waiting for the UNDP Country Office');
  const audit = await h.db.prisma.auditEvent.findFirst({
    where: { subjectId: id, action: 'resubmitted' },
    select: { data: true },
  });
  expect(audit?.data).toEqual({ fields: ['nationalPartner'] });
});
