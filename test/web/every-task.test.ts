import type { Page } from 'playwright-core';
import { DEMO_USERS } from '../../domain/demo';
import { expertRequestPayload, proposalPayload } from '../fixtures/payloads';
import { check, eventually, screenshot, startWebHarness, type DemoKey, type WebHarness } from './harness';

/**
 * Both programmes from submission to closure with EVERY human decision made in the browser,
 * on the task page, by the user whose task it is: each kind of task renders its context and the
 * form of each decision (reports, ratings, candidate choice, deliverables, signatures...).
 */
let h: WebHarness;
const pages = new Map<string, Page>();

beforeAll(async () => {
  h = await startWebHarness('every');
});

afterAll(async () => {
  await h?.stop();
});

type Who = DemoKey | { email: string };
const keyOf = (who: Who) => (typeof who === 'string' ? who : who.email);

async function pageOf(who: Who): Promise<Page> {
  let page = pages.get(keyOf(who));
  if (!page) {
    page = await h.as(who);
    pages.set(keyOf(who), page);
  }
  return page;
}

async function taskId(who: Who, subjectId: string, kind: string): Promise<string> {
  return eventually(async () => {
    const res = await h.api<{ items: { id: string; kind: string; subject: { id: string } }[] }>(
      who,
      'GET',
      '/tasks?pageSize=100',
    );
    return res.body.items.find((t) => t.subject.id === subjectId && t.kind === kind)?.id;
  });
}

const shots = new Set<string>();

/** Opens the task page as `who`, fills the form of `decision` as a person would, submits it. */
async function decideInBrowser(
  who: Who,
  subjectId: string,
  kind: string,
  decision: string,
  fill: (form: ReturnType<Page['locator']>, page: Page) => Promise<void> = async () => undefined,
): Promise<void> {
  const id = await taskId(who, subjectId, kind);
  const page = await pageOf(who);
  await page.goto(`/app/tasks/${encodeURIComponent(id)}`);
  const form = page.locator(`section[aria-labelledby="d-${decision}"]`);
  await check(form).toBeVisible();
  if (!shots.has(kind)) {
    shots.add(kind);
    await screenshot(page, `task-${kind}`);
  }
  await fill(form, page);
  await form.locator('button[type="submit"]').click();
  // Declaring no conflict leads straight to the scoring task; every other decision back to a list.
  await page.waitForURL(/notice=(decided|coiDeclared)/);
}

const comment = (text: string) => async (form: ReturnType<Page['locator']>) =>
  form.locator('textarea[name="comment"]').fill(text);
const report = (text: string) => async (form: ReturnType<Page['locator']>) =>
  form.locator('textarea[name="data.report"]').fill(text);

test('Challenge Fund: every step decided in the browser, to closed', async () => {
  const created = await h.api<{ id: string }>('applicant', 'POST', '/proposals', proposalPayload());
  expect(created.status).toBe(201);
  const id = created.body.id;
  await decideInBrowser('coKg', id, 'co_endorsement', 'endorse');
  await decideInBrowser('fundManager', id, 'assign_reviewers', 'assign', async (form) => {
    await form.getByLabel(new RegExp(DEMO_USERS.reviewer1.name)).check();
    await form.getByLabel(new RegExp(DEMO_USERS.reviewer2.name)).check();
  });
  for (const r of ['reviewer1', 'reviewer2'] as const) {
    await decideInBrowser(r, id, 'conflict_declaration', 'declare_no_conflict', async (form) =>
      form.getByRole('checkbox').check(),
    );
    await decideInBrowser(r, id, 'review_score', 'submit_score', async (form) => {
      for (const input of await form.locator('input[type="number"]').all()) await input.fill('75');
    });
  }
  await decideInBrowser('fundManager', id, 'selection_decision', 'select');
  // Each signer ticks the statement of the agreement it read (the Russian version for the CO, the English one for the applicant).
  await decideInBrowser('applicant', id, 'contract_signature', 'sign', async (form) =>
    form.getByLabel(/I have read and sign the grant agreement/).check(),
  );
  await decideInBrowser('coKg', id, 'contract_signature', 'sign', async (form) =>
    form.getByLabel(/Я прочитал\(а\) и подписываю документ «Грантовое соглашение»/).check(),
  );
  for (let i = 0; i < proposalPayload().milestones.length; i++) {
    await decideInBrowser(
      'applicant',
      id,
      'progress_report',
      'submit_report',
      report(`Milestone ${i + 1}: sensors installed and tested.`),
    );
    await decideInBrowser('coKg', id, 'report_verification', 'accept', comment('Verified on site.'));
  }
  await decideInBrowser('applicant', id, 'final_report', 'submit_report', async (form) => {
    await form.locator('textarea[name="data.report"]').fill('All villages covered; alert lead time 40 minutes.');
    await form.locator('input[name="data.beneficiariesReached"]').fill('5400');
  });
  const evaluate = async (form: ReturnType<Page['locator']>) => {
    for (const select of await form.locator('select').all()) await select.selectOption('4');
    await form.locator('textarea[name="data.narrative"]').fill('Works well; the ministry took it over.');
  };
  await decideInBrowser('coKg', id, 'evaluation', 'submit_evaluation', evaluate);
  await decideInBrowser('fundManager', id, 'evaluation', 'submit_evaluation', evaluate);

  const applicant = await pageOf('applicant');
  await eventually(async () => {
    await applicant.goto(`/app/proposals/${id}`);
    return (await applicant.locator('.step-done', { hasText: 'Closed' }).count()) > 0;
  });
  await check(applicant.locator('.status')).toContainText('The project is closed');
  await screenshot(applicant, 'applicant-proposal-closed');

  // The grant agreement: who signed when, each tranche with its amount, status and payment date.
  const agreement = applicant.locator('section[aria-labelledby="agreement-h"]');
  await check(agreement.locator('h2')).toHaveText('Grant agreement');
  await check(agreement.locator('.signatures')).toContainText(`Applicant institution: ${DEMO_USERS.applicant.name}`);
  await check(agreement.locator('.signatures')).toContainText(`UNDP Country Office: ${DEMO_USERS.coKg.name}`);
  await check(agreement.locator('tbody tr')).toHaveCount(3);
  await check(agreement.locator('tbody tr').nth(0)).toContainText('Sensors installed');
  await check(agreement.locator('tbody tr').nth(0)).toContainText('$12,000');
  await check(agreement.locator('tbody tr').nth(2)).toContainText('$6,000');
  await check(agreement.locator('tbody tr', { hasText: 'Paid' })).toHaveCount(3);
  await check(agreement).toContainText('$30,000 of $30,000');

  // History: one line per action, with its comment; payments with amount and milestone; no "Task opened".
  for (const page of [applicant, await pageOf('coKg'), await pageOf('fundManager')]) {
    await page.goto(`/app/proposals/${id}`);
    const lines = (await page.locator('.timeline > li .t-head').allInnerTexts()).map((x) =>
      x.replace(/\s+/g, ' ').trim(),
    );
    const count = (re: RegExp) => lines.filter((x) => re.test(x)).length;
    expect({
      lines,
      endorsed: count(/^Endorsed by the Country Office/),
      decisionEcho: count(/: (Endorse|Sign|Accept|Select)$/),
      opened: count(/Task opened/),
      paid: count(/^Payment tranche released/),
    }).toEqual({ lines, endorsed: 1, decisionEcho: 0, opened: 0, paid: 3 });
    const first = page.locator('.timeline > li', { hasText: 'Payment tranche released' }).last();
    await check(first).toContainText('$12,000 · milestone 1 “Sensors installed”');
    await check(first).toContainText('Verified on site.');
  }
  await screenshot(applicant, 'applicant-proposal-agreement');
});

test('Experts on Demand: every step decided in the browser, to closed', async () => {
  const created = await h.api<{ id: string }>('coKg', 'POST', '/expert-requests', expertRequestPayload());
  expect(created.status).toBe(201);
  const id = created.body.id;
  await decideInBrowser('coKg2', id, 'co_endorsement', 'endorse');
  await decideInBrowser('fundManager', id, 'shortlist_review', 'confirm');
  const view = await h.api<{ shortlist: { expertId: string; userId: string }[] }>(
    'fundManager',
    'GET',
    `/expert-requests/${id}`,
  );
  const users = await h.db.prisma.user.findMany({
    where: { id: { in: view.body.shortlist.map((e) => e.userId) } },
    select: { id: true, email: true },
  });
  const whoOf = (userId: string) => ({ email: users.find((u) => u.id === userId)!.email });
  const accepting = view.body.shortlist.slice(0, 3);
  for (const e of accepting) {
    await decideInBrowser(whoOf(e.userId), id, 'invitation_response', 'accept', async (form) => {
      for (const box of await form.getByRole('checkbox').all()) await box.check();
    });
  }
  for (const e of view.body.shortlist.slice(3)) {
    await decideInBrowser(whoOf(e.userId), id, 'invitation_response', 'decline', async (form) =>
      form.locator('textarea[name="data.reason"]').fill('Not available then'),
    );
  }
  const chosen = accepting[0];
  await decideInBrowser('coKg', id, 'candidate_selection', 'select', async (form) => {
    await form.locator(`input[type="radio"][value="${chosen.expertId}"]`).check();
    const justification = form.locator('textarea[name="data.justification"]');
    if (await justification.getAttribute('required')) await justification.fill('Best match of the candidates.');
  });
  const feeTask = await h.api<{ items: { kind: string; subject: { id: string } }[] }>(
    'fundManager',
    'GET',
    '/tasks?pageSize=100',
  );
  if (feeTask.body.items.some((t) => t.kind === 'fee_approval' && t.subject.id === id)) {
    await decideInBrowser('fundManager', id, 'fee_approval', 'approve', async (form) =>
      form.locator('textarea[name="data.justification"]').fill('Approved by the Bureau Director.'),
    );
  }
  const expert = whoOf(chosen.userId);
  // The expert signs the English individual contract, the CO the Russian one, each ticking the statement of the version read.
  await decideInBrowser(expert, id, 'contract_signature', 'sign', async (form) =>
    form.getByLabel(/I have read and sign the individual contract/).check(),
  );
  await decideInBrowser('coKg', id, 'contract_signature', 'sign', async (form) =>
    form.getByLabel(/Я прочитал\(а\) и подписываю документ «Индивидуальный контракт»/).check(),
  );
  for (let i = 0; i < expertRequestPayload().deliverables.length; i++) {
    await decideInBrowser(expert, id, 'deliverable_submission', 'submit_deliverable', async (form) => {
      await form.locator('textarea[name="data.report"]').fill(`Deliverable ${i + 1} attached.`);
      await form.locator('input[name="data.link"]').fill(`https://docs.example.org/deliverable-${i + 1}.pdf`);
    });
    await decideInBrowser('coKg', id, 'deliverable_acceptance', 'accept');
  }
  await decideInBrowser('coKg', id, 'expert_evaluation', 'submit_evaluation', async (form) => {
    await form.locator('select[name="data.rating"]').selectOption('5');
    await form.locator('textarea[name="data.narrative"]').fill('Excellent maps, delivered on time.');
  });
  await decideInBrowser(expert, id, 'assignment_feedback', 'submit_feedback', async (form) => {
    await form.locator('select[name="data.rating"]').selectOption('4');
    await form.locator('textarea[name="data.narrative"]').fill('Well prepared by the office.');
  });
  const co = await pageOf('coKg');
  await eventually(async () => {
    await co.goto(`/app/expert-requests/${id}`);
    return (await co.locator('.step-done', { hasText: 'Closed' }).count()) > 0;
  });
  await check(co.locator('main')).toContainText('Selected');
  await screenshot(co, 'co-expert-request-closed');

  // The expert sees its contract and each payment, with amounts, on its assignment page.
  const mine = await pageOf(expert);
  await mine.goto(`/app/expert-requests/${id}`);
  const contract = mine.locator('section[aria-labelledby="agreement-h"]');
  await check(contract.locator('h2')).toHaveText('Individual contract');
  await check(contract.locator('tbody tr', { hasText: 'Paid' })).toHaveCount(2);
  await check(contract.locator('tbody tr').nth(1)).toContainText('Hazard maps and recommendations');
  await check(contract.locator('tbody tr').nth(1)).toContainText('$4,000');
  await check(mine.locator('.timeline')).toContainText('$2,000 · deliverable 1 “Inception report”');
  await check(mine.locator('.timeline')).toContainText('$4,000 · deliverable 2 “Hazard maps and recommendations”');
  // The contract, as generated and as stamped with both signatures, is among the request's documents.
  await check(mine.locator('#documents a', { hasText: `Individual contract ${id} EN.pdf` })).toHaveCount(1);
  await check(mine.locator('#documents a', { hasText: `Individual contract ${id} (signed) EN.pdf` })).toHaveCount(1);
  await screenshot(mine, 'expert-assignment-contract');
});
