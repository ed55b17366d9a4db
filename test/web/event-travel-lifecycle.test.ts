import { addDays } from '../../domain/calendar';
import { DEMO_USERS } from '../../domain/demo';
import { EVENT_TRAVEL_SETTINGS } from '../../domain/programmes/event-travel';
import { axeViolations, check, eventually, screenshot, useWebHarness } from './harness';

/**
 * SDG event travel from the application to closed in a real browser, each step by the person whose
 * step it is, on the pages they would use: the expert applies (event, role, invitation letter,
 * itinerary, cost lines), the fund manager reviews on the task page (the cost breakdown and what is
 * left of the year's budget in view) and approves with a breakdown, both sign the travel
 * authorisation, the expert sees the trip before departure, reports back from a phone in Russian
 * with a boarding pass uploaded as proof of attendance, and the fund manager verifies the settlement.
 *
 * The worker's Clock is compressed (a calendar day lasts DAY_MS), so departure, the return and the
 * report's due date arrive within the test; the departure lies far enough ahead on that calendar for
 * the steps before it (typing, deciding, signing) to happen first.
 */
const DAY_MS = 2_000;
const h = useWebHarness('event-travel-life', {}, undefined, { compressedDayMs: DAY_MS });

type Page = Awaited<ReturnType<typeof h.as>>;

const taskHref = async (who: 'expert1' | 'fundManager', subjectId: string, kind: string): Promise<string> => {
  const id = await eventually(async () => {
    const res = await h.api<{ items: { id: string; kind: string; subject: { id: string } }[] }>(
      who,
      'GET',
      `/tasks?subject=${subjectId}&pageSize=50`,
    );
    return res.body.items.find((t) => t.kind === kind)?.id;
  }, 60_000);
  return `/app/tasks/${encodeURIComponent(id)}`;
};

/** Opens a task from the inbox, as its assignee would (the link names the subject's title). */
async function openFromInbox(page: Page, title: string, kindLabel: RegExp): Promise<void> {
  await eventually(async () => {
    await page.goto('/app/inbox');
    return (
      (await page.locator('a', { hasText: kindLabel }).filter({ hasText: title }).count()) > 0 ||
      (await page.locator('tr, li', { hasText: title }).locator('a', { hasText: kindLabel }).count()) > 0
    );
  }, 60_000);
  const inRow = page.locator('tr, li', { hasText: title }).locator('a', { hasText: kindLabel });
  await ((await inRow.count()) ? inRow.first() : page.locator('a', { hasText: kindLabel }).first()).click();
  await page.waitForURL(/\/app\/tasks\//);
}

const axeClean = async (page: Page) => expect(await axeViolations(page)).toEqual([]);

test('an application goes from the expert’s form to closed, every step in the browser', async () => {
  const today = await h.today(EVENT_TRAVEL_SETTINGS.officeCountryCode);
  const realToday = new Date().toISOString().slice(0, 10);
  // At least four weeks after the day it is sent (the rule set), and a minute of calendar ahead.
  const departureDate = [addDays(realToday, 29), addDays(today, 30)].sort().at(-1)!;
  const returnDate = addDays(departureDate, 3);
  const event = {
    name: `SDG Global Forum: energy access for remote communities ${departureDate}`,
    startDate: addDays(departureDate, 1),
    endDate: addDays(departureDate, 2),
  };

  // --- the expert applies ---
  const expert = await h.as('expert1', { axe: true });
  await expert.goto('/app/event-travel');
  await axeClean(expert);
  await expert.getByRole('link', { name: 'Apply for an event' }).click();
  await expert.waitForURL(/\/app\/event-travel\/new$/);
  await expert.locator('#f-event-name').fill(event.name);
  await expert.locator('#f-event-organiser').fill('UN DESA');
  await expert.locator('#f-event-website').fill('https://sdgs.un.org/events');
  await expert.locator('#f-event-city').fill('Geneva');
  await expert.locator('#f-event-countryCode').selectOption('CH');
  await expert.locator('#f-event-startDate').fill(event.startDate);
  await expert.locator('#f-event-endDate').fill(event.endDate);
  await expert.locator('#f-event-sdgs-6').check(); // SDG 7
  await expert
    .locator('#f-event-expectedAudience')
    .fill('Energy ministries of Central Asian partner countries, about 200');
  await expert.locator('#f-role-1').check(); // panellist
  await expert.locator('#f-contribution-title').fill('Small hydropower for remote communities');
  await expert.locator('#f-contribution-abstract').fill('Lessons from Russian deployments for Kyrgyzstan.');
  await expert.locator('#f-invitation-from').fill('UN DESA, Division for SDGs');
  await expert.locator('#f-invitation-date').fill(realToday);
  await expert.locator('#f-invitation-reference').fill('DESA/SDG7/2027/4');
  await expert.locator('#f-invitationLetter').setInputFiles({
    name: 'invitation-desa.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(`UN DESA invites you to the panel on energy access. ${departureDate}`),
  });
  await expert.locator('#f-itinerary-departureCity').fill('Moscow');
  await expert.locator('#f-itinerary-departureDate').fill(departureDate);
  await expert.locator('#f-itinerary-returnDate').fill(returnDate);
  await expert.locator('#f-costs-airfareUsd').fill('820');
  await expert.locator('#f-costs-registrationFeeUsd').fill('150');
  await expert.locator('#f-costs-visaUsd').fill('90');
  await axeClean(expert);
  await expert.getByRole('button', { name: 'Send the application' }).click();
  await expert.waitForURL(/\/app\/event-travel\/et-[0-9a-z]+\?notice=applied/);
  const id = /\/app\/event-travel\/(et-[0-9a-z]+)/.exec(expert.url())![1];
  await eventually(async () => (await h.db.prisma.eventTravel.findUnique({ where: { id } }))?.stage === 'review');
  await expert.reload();
  await check(expert.locator('.step-current')).toContainText('Review');
  await check(expert.locator('#documents')).toContainText('invitation-desa.txt');
  await axeClean(expert);

  // --- the fund manager reviews: the estimate's lines and the year's budget beside the rubric ---
  const fm = await h.as('fundManager', { axe: true });
  await openFromInbox(fm, event.name, /Review the event travel application/);
  const context = fm.locator('main');
  await check(context).toContainText('Small hydropower for remote communities');
  await check(context).toContainText(`${DEMO_USERS.expert1.name} (${DEMO_USERS.expert1.expertId})`);
  await check(context).toContainText('Geneva, Switzerland');
  await check(context).toContainText('Daily subsistence allowance');
  await check(context).toContainText('3 nights × $451');
  await check(context).toContainText('Travel budget');
  await axeClean(fm);
  await screenshot(fm, 'event-travel-life-review');
  const approve = fm.locator('section[aria-labelledby="d-approve"]');
  for (const [k, v] of Object.entries({
    sdgRelevance: 5,
    visibility: 4,
    partnerCountryAudience: 4,
    undpProgrammeLink: 3,
  }))
    await approve.locator(`input[name="data.scores.${k}"]`).fill(String(v));
  // The approved breakdown: economy airfare lowered, registration and visa as asked.
  await approve.locator('input[name="data.airfareUsd"]').fill('700');
  await approve.locator('button[type="submit"]').click();
  await fm.waitForURL(/notice=decided/);
  const approved = await eventually(async () => {
    const r = await h.db.prisma.eventTravel.findUnique({ where: { id } });
    return r?.stage === 'travel_authorisation' ? r : undefined;
  });
  const dsa = 3 * 451_00;
  const terminal = 2 * 44_00;
  expect(approved.approvedCents).toBe(700_00 + 150_00 + 90_00 + dsa + terminal);
  expect(approved.advanceCents).toBe(Math.round((dsa + terminal) * 0.8));
  await fm.goto(`/app/event-travel/${id}`);
  await check(fm.locator('main')).toContainText('$700');
  await axeClean(fm);

  // --- the travel authorisation, signed by the expert, then by the fund ---
  await openFromInbox(expert, event.name, /Sign/);
  await check(expert.locator('main')).toContainText('$1,353'); // the advance: 80% of DSA and terminal expenses
  await axeClean(expert);
  await screenshot(expert, 'event-travel-life-sign');
  const sign = expert.locator('section[aria-labelledby="d-sign"]');
  for (const box of await sign.getByRole('checkbox').all()) await box.check();
  await sign.locator('button[type="submit"]').click();
  await expert.waitForURL(/notice=decided/);
  await fm.goto(await taskHref('fundManager', id, 'contract_signature'));
  const fmSign = fm.locator('section[aria-labelledby="d-sign"]');
  for (const box of await fmSign.getByRole('checkbox').all()) await box.check();
  await fmSign.locator('button[type="submit"]').click();
  await fm.waitForURL(/notice=decided/);

  // --- the trip: before departure the expert may change the dates or cancel; the advance is paid ---
  await eventually(async () => (await h.db.prisma.eventTravel.findUnique({ where: { id } }))?.stage === 'trip');
  await expert.goto(await taskHref('expert1', id, 'trip_confirmation'));
  await check(expert.locator('main')).toContainText('Geneva');
  await check(expert.locator('section[aria-labelledby="d-cancel_trip"]')).toBeVisible();
  await axeClean(expert);
  await screenshot(expert, 'event-travel-life-trip');
  await expert.goto(`/app/event-travel/${id}`);
  await check(expert.locator('main')).toContainText('$1,353');

  // --- back from the trip: the report from a phone, in Russian, with a boarding pass as proof ---
  await eventually(
    async () => (await h.db.prisma.eventTravel.findUnique({ where: { id } }))?.stage === 'settlement',
    120_000,
  );
  const phone = await h.as('expert1', { lang: 'ru', viewport: { width: 375, height: 740 }, axe: true });
  await openFromInbox(phone, event.name, /Представить отчёт о поездке/);
  const overflow = Number(await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
  expect(overflow).toBeLessThanOrEqual(0);
  await check(phone.locator('main')).toContainText('Ваша поездка');
  await check(phone.locator('main')).toContainText('Geneva, Швейцария');
  await axeClean(phone);
  const upload = phone.locator('form[data-upload]');
  // The upload offers the programme's own document types, the missing proof first.
  expect(
    await upload
      .locator('select[name="documentType"] option')
      .evaluateAll((o) => o.map((x) => x.getAttribute('value'))),
  ).toEqual(['invitation_letter', 'attendance_proof', 'other']);
  await upload.locator('select[name="documentType"]').selectOption('attendance_proof');
  await upload.locator('input[type="file"]').setInputFiles({
    name: 'boarding-pass.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(`Boarding pass SU 2380 Moscow–Geneva ${id}`),
  });
  await upload.getByRole('button', { name: 'Загрузить' }).click();
  await check(phone.locator('#documents')).toContainText('boarding-pass.txt');
  const report = phone.locator('section[aria-labelledby="d-submit_report"]');
  await report.locator('textarea[name="data.presented"]').fill('Представил российские решения малой гидроэнергетики.');
  await report
    .locator('textarea[name="data.contacts"]')
    .fill('Министерство энергетики Кыргызстана; ПРООН в Таджикистане');
  await report.locator('textarea[name="data.followUp"]').fill('Технико-экономическое обоснование для Кыргызстана');
  await report.locator('input[name="data.link"]').fill('https://sdgs.un.org/events/photo');
  await report.locator('input[name="data.actualDepartureDate"]').fill(departureDate);
  await report.locator('input[name="data.actualReturnDate"]').fill(returnDate);
  await check(report.getByLabel('boarding-pass.txt')).toBeVisible();
  expect(await report.getByLabel('boarding-pass.txt').isChecked()).toBe(true);
  await axeClean(phone);
  await screenshot(phone, 'event-travel-life-report-ru-phone');
  await report.locator('button[type="submit"]').click();
  await phone.waitForURL(/notice=decided/);

  // --- the fund manager verifies the settlement: DSA on the actual dates minus the advance ---
  await openFromInbox(fm, event.name, /Verify the report and the settlement/);
  await check(fm.locator('main')).toContainText('малой гидроэнергетики');
  await check(fm.locator('main')).toContainText('boarding-pass.txt');
  await check(fm.locator('main')).toContainText('in force on the travel dates');
  // The history names each step of the programme, the departure included.
  const history = fm.locator('.timeline');
  await check(history).toContainText('Travel advance paid');
  await check(history).toContainText('Departed on the trip');
  await check(history).toContainText('Back from the trip');
  await check(history).notToContainText('Other step');
  await axeClean(fm);
  await screenshot(fm, 'event-travel-life-settlement');
  const verify = fm.locator('section[aria-labelledby="d-verify"]');
  await verify.locator('button[type="submit"]').click();
  await fm.waitForURL(/notice=decided/);

  // --- closed: the expert sees the outcome and the payments ---
  const closed = await eventually(async () => {
    const r = await h.db.prisma.eventTravel.findUnique({ where: { id } });
    return r?.stage === 'closed' ? r : undefined;
  }, 30_000);
  const balance = dsa + terminal - approved.advanceCents!;
  expect((closed.settlement as { balanceCents: number }).balanceCents).toBe(balance);
  const payments = await h.db.prisma.payment.findMany({ where: { subjectId: id }, orderBy: { id: 'asc' } });
  expect(payments.map((p) => p.amountCents)).toEqual([approved.advanceCents, balance]);
  await phone.goto(`/app/event-travel/${id}`);
  await check(phone.locator('.step-done', { hasText: 'Закрыт' })).toBeVisible();
  await axeClean(phone);
  await screenshot(phone, 'event-travel-life-closed-ru-phone');
  // The roster profile records the event: on the expert's own profile and as the fund sees it.
  await phone.goto('/app/profile');
  await check(phone.locator('#events-attended-h')).toHaveText('Мероприятия по ЦУР с участием эксперта');
  await check(phone.locator('section[aria-labelledby="events-attended-h"]')).toContainText(event.name);
  await axeClean(phone);
  await fm.goto(`/app/roster/${DEMO_USERS.expert1.expertId}`);
  await check(fm.locator('section[aria-labelledby="events-attended-h"]')).toContainText(event.name);
  // The results dashboard counts the completed trip under the programme.
  const closedTrips = await h.db.prisma.eventTravel.count({ where: { stage: 'closed' } });
  await eventually(async () => {
    await fm.goto('/app/results?programme=event_travel');
    return (await fm.locator('[data-kpi="completed-event_travel"] .kpi-n').innerText()).trim() === String(closedTrips);
  });
  await axeClean(fm);
}, 420_000);
