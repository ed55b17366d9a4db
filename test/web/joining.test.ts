import type { Page } from 'playwright-core';
import { expertRequestPayload } from '../fixtures/payloads';
import {
  axeViolations,
  check,
  eventually,
  fillProposalForm,
  fillValidBudget,
  screenshot,
  useWebHarness,
} from './harness';

/**
 * The acceptance, in Chromium against the real stack: a new person registers an
 * institution, confirms by the link from the mail catcher, invites a colleague who joins through
 * their own link, the fund manager approves the institution, the colleague submits a proposal,
 * the owner sees it; a new expert registers, is approved and then appears in a matching
 * shortlist. Every new page is checked with axe, in English and Russian, and on a phone.
 */
const h = useWebHarness('joining', { AUTH_MODE: 'dev,email' }, 180_000);

async function fresh(opts: { lang?: 'en' | 'ru'; phone?: boolean } = {}): Promise<Page> {
  const context = await h.browser.newContext({
    baseURL: h.baseUrl,
    locale: opts.lang === 'ru' ? 'ru-RU' : 'en-GB',
    viewport: opts.phone ? { width: 375, height: 740 } : { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

async function linkFromMail(to: string, path: string, after: number): Promise<string> {
  const mail = await eventually(
    async () =>
      h.smtp.mails
        .slice(after)
        .filter((m) => m.to === to && m.text.includes(path))
        .pop(),
    30_000,
  );
  return new RegExp(`(${path}/[A-Za-z0-9_-]{43})`).exec(mail.text)![1];
}

async function noAxeViolations(page: Page, name: string): Promise<void> {
  const violations = await axeViolations(page);
  if (violations.length) throw new Error(`${name}: ${JSON.stringify(violations, null, 1)}`);
}

/** No horizontal scrolling on a phone. */
async function fitsPhone(page: Page): Promise<void> {
  const overflow = (await page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  )) as number;
  if (overflow > 0) {
    const wide = await page.evaluate(
      `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`,
    );
    throw new Error(`${page.url()} is wider than the phone by ${overflow}px: ${JSON.stringify(wide)}`);
  }
}

const OWNER = 'olga.owner@permafrost-lab.example.org';
const COLLEAGUE = 'pavel.colleague@permafrost-lab.example.org';
const EXPERT = 'nino.expert@example.org';
const TITLE = 'Permafrost thaw early warning for the Naryn valley';

test('institution registers, confirms, invites a colleague who joins, is approved; the colleague submits and the owner sees it', async () => {
  // ---- registration, on a phone
  const owner = await fresh({ phone: true });
  await owner.goto('/app/sign-in');
  await owner.getByRole('link', { name: 'Register an institution or join the expert roster' }).click();
  await noAxeViolations(owner, 'register choice');
  await owner.getByRole('link', { name: /Start.*Register an institution/ }).click();
  await check(owner.locator('h1')).toHaveText('Register an institution');
  // Sent empty: the API's errors are shown next to the fields.
  await owner.getByRole('button', { name: 'Register' }).click();
  await check(owner.locator('.error-summary')).toBeVisible();
  await noAxeViolations(owner, 'registration errors');
  await fitsPhone(owner);
  await owner.locator('#f-name').fill('Olga Sokolova');
  await owner.locator('#f-email').fill(OWNER);
  await owner.locator('#f-legalNameEn').fill('Permafrost Laboratory of Yakutsk');
  await owner.locator('#f-legalNameRu').fill('Лаборатория мерзлотоведения Якутска');
  await owner.locator('#f-countryCode').selectOption('RU');
  await owner.locator('#f-type').selectOption('research_institute');
  await owner.locator('#f-registrationNumber').fill('1021401047260');
  await owner.locator('#f-address').fill('Merzlotnaya 36, Yakutsk');
  await owner.getByLabel('I have read and accept the privacy notice and terms').check();
  const before = h.smtp.mails.length;
  await owner.getByRole('button', { name: 'Register' }).click();
  await check(owner.locator('h1')).toHaveText('Check your e-mail');
  await owner.goto(await linkFromMail(OWNER, '/app/register/confirm', before));
  await owner.getByRole('button', { name: 'Confirm' }).click();
  await owner.waitForURL(/\/app\/institution/);
  await check(owner.locator('.status-line')).toContainText('Waiting for a fund manager’s approval');
  await noAxeViolations(owner, 'institution page (phone)');
  await fitsPhone(owner);
  await screenshot(owner, 'joining-institution-pending-phone');

  // ---- the owner invites a colleague, who joins through their own link
  const beforeInvite = h.smtp.mails.length;
  await owner.locator('#f-email').fill(COLLEAGUE);
  await owner.getByRole('button', { name: 'Send the invitation' }).click();
  await check(owner.locator('.notice')).toBeVisible();
  const colleague = await fresh();
  await colleague.goto(await linkFromMail(COLLEAGUE, '/app/invitations', beforeInvite));
  await check(colleague.locator('.lead')).toContainText(
    'Olga Sokolova invites you to join Permafrost Laboratory of Yakutsk',
  );
  await noAxeViolations(colleague, 'invitation');
  await colleague.locator('#f-name').fill('Pavel Ivanov');
  await colleague.getByLabel('I have read and accept the privacy notice and terms').check();
  await colleague.getByRole('button', { name: 'Accept and create my account' }).click();
  await colleague.waitForURL(/\/app\/institution/);
  await check(colleague.locator('tbody tr')).toHaveCount(2);

  // ---- the fund manager approves the institution (in Russian)
  const fm = await h.as('fundManager', { lang: 'ru' });
  // Approvals are in the account menu (the fund manager's menu bar is full).
  await fm.locator('details.account summary').click();
  await fm.getByRole('link', { name: 'Одобрения' }).click();
  await noAxeViolations(fm, 'approvals (ru)');
  const card = fm.locator('article.approval', { hasText: 'Permafrost Laboratory of Yakutsk' });
  await card.getByRole('button', { name: /Одобрить/ }).click();
  await check(fm.locator('.notice')).toBeVisible();
  await eventually(async () => h.smtp.mails.find((m) => m.to === OWNER && /approved/.test(m.subject)));

  // ---- the colleague submits a proposal; the owner sees it
  await colleague.goto('/app/calls');
  await colleague.locator('a[href="/app/proposals/new?call=call-kg"]').click();
  await colleague.locator('#f-title').fill(TITLE);
  await fillProposalForm(colleague);
  await colleague.getByLabel('SDG 13', { exact: true }).check();
  await fillValidBudget(colleague);
  await colleague.getByRole('button', { name: 'Submit the proposal' }).click();
  await colleague.waitForURL(/\/app\/proposals\/p-[0-9a-z]+\?notice=submitted/);
  await owner.goto('/app/proposals');
  await check(owner.locator('main')).toContainText(TITLE);
  await screenshot(owner, 'joining-owner-sees-colleague-proposal');
});

test('a new expert registers, is approved, and appears in a matching shortlist', async () => {
  const expert = await fresh({ lang: 'ru' });
  await expert.goto('/app/register/expert');
  await check(expert.locator('h1')).toHaveText('Вступить в реестр экспертов');
  await noAxeViolations(expert, 'expert registration (ru)');
  await expert.locator('#f-name').fill('Нино Беридзе');
  await expert.locator('#f-email').fill(EXPERT);
  await expert.getByLabel('Адаптация к изменению климата').check();
  await expert.locator('#f-languages').fill('ka ru');
  await expert.locator('#f-countriesOfExperience').fill('KG TJ');
  await expert.locator('#f-education').fill('PhD, geophysics');
  await expert.locator('#f-yearsExperience').fill('15');
  await expert.locator('#f-dailyFeeUsd').fill('450');
  await expert.locator('#f-availabilityFrom').fill('2027-01-01');
  await expert.locator('#f-availabilityTo').fill('2027-12-31');
  await expert.locator('#f-cv').fill('Fifteen years of landslide monitoring in the Caucasus and Central Asia.');
  await expert.getByLabel(/Я прочитал\(а\) и принимаю/).check();
  const before = h.smtp.mails.length;
  await expert.getByRole('button', { name: 'Зарегистрироваться' }).click();
  await check(expert.locator('h1')).toHaveText('Проверьте почту');
  await expert.goto(await linkFromMail(EXPERT, '/app/register/confirm', before));
  await expert.getByRole('button', { name: 'Подтвердить' }).click();
  await expert.waitForURL(/\/app\/inbox/);

  const fm = await h.as('fundManager');
  await fm.goto('/app/approvals');
  await fm
    .locator('article.approval', { hasText: 'Нино Беридзе' })
    .getByRole('button', { name: /Approve/ })
    .click();
  await check(fm.locator('.notice')).toBeVisible();
  const user = await h.db.prisma.user.findUniqueOrThrow({ where: { email: EXPERT } });
  expect(user.expertId).toMatch(/^exp-/);
  await fm.goto('/app/roster?language=ka');
  await check(fm.locator('main')).toContainText('Нино Беридзе');

  // A Country Office asks for a Georgian-speaking climate expert: the request workflow's roster
  // matching puts her on the shortlist the fund manager reviews (she alone speaks Georgian).
  const created = await h.api<{ id: string }>(
    'coKg',
    'POST',
    '/expert-requests',
    expertRequestPayload({
      title: 'Glacial lake outburst risk assessment',
      thematicAreaId: 'climate-adaptation',
      sdgs: [13],
      languages: ['ka'],
      startDate: '2027-05-01',
      endDate: '2027-06-30',
      deliverables: [
        { title: 'Inception report', dueDate: '2027-05-15', amountUsd: 4_000 },
        { title: 'Risk maps', dueDate: '2027-06-20', amountUsd: 8_000 },
      ],
      contractValueUsd: 12_000,
    }),
  );
  expect(created.status).toBe(201);
  const requestId = created.body.id;
  const taskOf = (who: 'coKg2' | 'fundManager', kind: string) =>
    eventually(
      async () =>
        (await h.api<{ items: { id: string }[] }>(who, 'GET', `/tasks?subject=${requestId}&kind=${kind}`)).body
          .items[0],
      60_000,
    );
  // The requester does not endorse its own request: the head of office does.
  const endorsement = await taskOf('coKg2', 'co_endorsement');
  const endorsed = await h.api('coKg2', 'POST', `/tasks/${encodeURIComponent(endorsement.id)}/decision`, {
    decision: 'endorse',
  });
  expect(endorsed.status).toBe(200);
  const review = await taskOf('fundManager', 'shortlist_review');
  await fm.goto(`/app/tasks/${encodeURIComponent(review.id)}`);
  const shortlist = fm.locator('table', {
    has: fm.locator('caption', { hasText: 'Proposed experts and their matching scores' }),
  });
  await check(shortlist.locator('tbody tr')).toHaveCount(1);
  await check(shortlist.locator('tbody')).toContainText('Нино Беридзе');
  const view = await h.api<{ shortlist: { expertId: string }[] }>(
    'fundManager',
    'GET',
    `/expert-requests/${requestId}`,
  );
  expect(view.body.shortlist.map((e) => e.expertId)).toEqual([user.expertId]);
});

test('account, people and sign-in pages are axe-clean in both languages and on a phone', async () => {
  for (const lang of ['en', 'ru'] as const) {
    const signIn = await fresh({ lang, phone: true });
    await signIn.goto('/app/sign-in');
    await noAxeViolations(signIn, `sign-in ${lang}`);
    await fitsPhone(signIn);
    const admin = await h.as('admin', { lang, viewport: { width: 375, height: 740 } });
    for (const path of ['/app/people', '/app/account']) {
      await admin.goto(path);
      await noAxeViolations(admin, `${path} ${lang}`);
    }
    await admin.goto('/app/account');
    await fitsPhone(admin);
  }
});
