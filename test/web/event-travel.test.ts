import { axeViolations, check, eventually, screenshot, useWebHarness } from './harness';

/**
 * SDG event travel in a real browser: a roster expert finds the programme in the menu, applies for
 * an event (field-level errors from the API next to the fields, in English and in Russian), and
 * sees the application pass eligibility and reach the fund's review; a fund manager applies on an
 * expert's behalf from a phone. The forms are axe-clean in both languages.
 */
const h = useWebHarness('event-travel');

/** Dates far enough ahead for the "applied in advance" rule on the real clock. */
const year = new Date().getUTCFullYear() + 1;
const EVENT = {
  name: 'High-level Political Forum: side event on energy access',
  startDate: `${year}-07-13`,
  endDate: `${year}-07-15`,
  departureDate: `${year}-07-12`,
  returnDate: `${year}-07-16`,
};

type Page = Awaited<ReturnType<typeof h.as>>;

async function fillApplication(page: Page, o: { returnDate: string }): Promise<void> {
  await page.locator('#f-event-name').fill(EVENT.name);
  await page.locator('#f-event-organiser').fill('UN DESA');
  await page.locator('#f-event-website').fill('https://hlpf.un.org');
  await page.locator('#f-event-city').fill('Geneva');
  await page.locator('#f-event-countryCode').selectOption('CH');
  await page.locator('#f-event-startDate').fill(EVENT.startDate);
  await page.locator('#f-event-endDate').fill(EVENT.endDate);
  await page.locator('#f-event-sdgs-6').check(); // SDG 7
  await page.locator('#f-event-sdgs-12').check(); // SDG 13
  await page.locator('#f-event-expectedAudience').fill('Delegations of Central Asian partner countries, about 300');
  await page.locator('#f-contribution-title').fill('Small hydropower for remote communities');
  await page.locator('#f-contribution-abstract').fill('Lessons from Russian deployments for Kyrgyzstan.');
  await page.locator('#f-invitation-from').fill('UN DESA, Division for SDGs');
  await page.locator('#f-invitation-date').fill(`${year}-03-01`);
  if (await page.locator('#f-invitationLetter').isVisible())
    await page.locator('#f-invitationLetter').setInputFiles({
      name: 'invitation.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(`UN DESA invites you to speak at the forum. ${Math.random()}`),
    });
  await page.locator('#f-itinerary-departureCity').fill('Moscow');
  await page.locator('#f-itinerary-departureDate').fill(EVENT.departureDate);
  await page.locator('#f-itinerary-returnDate').fill(o.returnDate);
  await page.locator('#f-costs-airfareUsd').fill('800');
  await page.locator('#f-costs-visaUsd').fill('90');
}

test('a roster expert applies from the menu: field errors next to the fields, then the application reaches review', async () => {
  const expert = await h.as('expert1', { axe: true });
  await expert.goto('/app/inbox');
  await expert.locator('.mainnav a', { hasText: 'Event travel' }).click();
  await expert.waitForURL(/\/app\/event-travel$/);
  await expert.getByRole('link', { name: 'Apply for an event' }).click();
  await expert.waitForURL(/\/app\/event-travel\/new$/);
  expect(await axeViolations(expert)).toEqual([]);
  // A fund manager names the expert; an expert applies for themselves only.
  await check(expert.locator('#f-expertId')).toHaveCount(0);

  // An empty form: each missing answer is named next to its field and in the summary.
  await expert.getByRole('button', { name: 'Send the application' }).click();
  await check(expert.locator('.error-summary')).toContainText('Name of the event: This field is required');
  await check(expert.locator('.field:has(#f-event-city) .error')).toContainText('This field is required');
  await check(expert.locator('.field:has(#f-costs-airfareUsd) .error')).toContainText('This field is required');
  expect(await axeViolations(expert)).toEqual([]);

  // Dates that contradict each other: the error sits at the return date, what was typed stays.
  await fillApplication(expert, { returnDate: EVENT.startDate });
  await expert.getByRole('button', { name: 'Send the application' }).click();
  await check(expert.locator('.field:has(#f-itinerary-returnDate) .error')).toContainText(
    'Must be on or after the event’s last day',
  );
  await check(expert.locator('#f-event-name')).toHaveValue(EVENT.name);
  await check(expert.locator('#f-event-countryCode')).toHaveValue('CH');
  // The letter uploaded with the refused try is kept (named), not asked for again.
  await check(expert.locator('.field:has(#f-invitationLetter) .hint')).toContainText('Uploaded: invitation.txt');
  expect(await expert.locator('#f-event-sdgs-6').isChecked()).toBe(true);
  expect(await h.db.prisma.eventTravel.count()).toBe(0);
  await screenshot(expert, 'event-travel-form-errors');

  await expert.locator('#f-itinerary-returnDate').fill(EVENT.returnDate);
  await expert.getByRole('button', { name: 'Send the application' }).click();
  await expert.waitForURL(/\/app\/event-travel\/et-[0-9a-z]+\?notice=applied/);
  const id = /\/app\/event-travel\/(et-[0-9a-z]+)/.exec(expert.url())![1];
  await check(expert.locator('.notice[role="status"]')).toContainText('Your application was sent');

  // Eligibility runs in the workflow; the application then waits for the fund's review.
  await eventually(async () => (await h.db.prisma.eventTravel.findUnique({ where: { id } }))?.stage === 'review');
  await expert.reload();
  await check(expert.locator('.step-current')).toContainText('Review');
  await check(expert.locator('main')).toContainText('Small hydropower for remote communities');
  // The letter is on the application, of its type; eligibility counted it.
  await check(expert.locator('#documents')).toContainText('invitation.txt');
  await check(expert.locator('#documents')).toContainText('Invitation letter from the organiser');
  const letters = await h.db.prisma.document.findMany({ where: { subjectType: 'event_travel', subjectId: id } });
  expect(letters.map((d) => d.documentType)).toEqual(['invitation_letter']);
  expect(await axeViolations(expert)).toEqual([]);
  await expert.goto('/app/event-travel');
  await check(expert.locator('tbody tr', { hasText: EVENT.name })).toContainText('Review');
  await screenshot(expert, 'event-travel-list-expert');
});

test('in Russian, the form’s errors are in Russian', async () => {
  const expert = await h.as('expert2', { lang: 'ru', axe: true });
  await expert.goto('/app/event-travel/new');
  await check(expert.locator('h1')).toContainText('Заявка на поездку');
  await fillApplication(expert, { returnDate: EVENT.startDate });
  await expert.locator('#f-role-2').check(); // presenter: needs the solution's name
  await expert.getByRole('button', { name: 'Отправить заявку' }).click();
  await check(expert.locator('.field:has(#f-itinerary-returnDate) .error')).toContainText(
    'Не раньше последнего дня мероприятия',
  );
  await check(expert.locator('.field:has(#f-solution) .error')).toContainText(
    'Назовите представляемое российское решение',
  );
  expect(await axeViolations(expert)).toEqual([]);
});

test('a fund manager applies on an expert’s behalf from a phone', async () => {
  const fm = await h.as('fundManager', { viewport: { width: 375, height: 740 }, axe: true });
  await fm.goto('/app/event-travel');
  await fm.getByRole('link', { name: 'Apply for an event' }).click();
  await fm.waitForURL(/\/app\/event-travel\/new$/);
  // Nothing is wider than the phone's screen.
  const overflow = Number(await fm.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
  expect(overflow).toBeLessThanOrEqual(0);
  expect(await axeViolations(fm)).toEqual([]);

  await fillApplication(fm, { returnDate: EVENT.returnDate });
  await fm.locator('#f-event-name').fill('SDG Global Festival of Action: digital public goods');
  await fm.getByRole('button', { name: 'Send the application' }).click();
  await check(fm.locator('.field:has(#f-expertId) .error')).toContainText('This field is required');
  await fm.locator('#f-expertId').fill('exp-999');
  await fm.getByRole('button', { name: 'Send the application' }).click();
  await check(fm.locator('.field:has(#f-expertId) .error')).toContainText('No roster expert with an account');
  await fm.locator('#f-expertId').fill('exp-002');
  await fm.getByRole('button', { name: 'Send the application' }).click();
  await fm.waitForURL(/\/app\/event-travel\/et-[0-9a-z]+\?notice=applied/);
  const id = /\/app\/event-travel\/(et-[0-9a-z]+)/.exec(fm.url())![1];
  const row = await eventually(async () => {
    const r = await h.db.prisma.eventTravel.findUnique({ where: { id } });
    return r?.stage === 'review' ? r : undefined;
  });
  expect(row).toMatchObject({ expertId: 'exp-002', appliedById: 'u-fund-manager' });
  await fm.reload();
  await check(fm.locator('.step-current')).toContainText('Review');
  await screenshot(fm, 'event-travel-phone-fund-manager');
});
