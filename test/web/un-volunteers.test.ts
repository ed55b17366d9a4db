import { UNV_REQUEST_EXAMPLE } from '../../api/un-volunteers-schemas';
import { addDays } from '../../domain/calendar';
import { DEMO_USERS } from '../../domain/demo';
import { addMonths } from '../../domain/policy/unv';
import { axeViolations, check, eventually, screenshot, useWebHarness, type DemoKey } from './harness';

/**
 * UN Volunteers in a real browser: the UNV officer finds the assignment from the menu, proposes the
 * shortlist (with the candidate's e-mail), records the candidate's acceptance and enters UNV's final
 * statement; the selected volunteer signs in to their own account, sees their assignment only and,
 * on a 375 px phone in Russian, confirms their medical examination and security training, then
 * submits their end-of-assignment report. The steps of other people (the host, the fund manager)
 * go through the API. Every page is axe-clean in English and Russian.
 */
const h = useWebHarness('un-volunteers');
const TITLE = 'SDG data volunteer for the Country Office';
const PHONE = { width: 375, height: 740 };
const enc = encodeURIComponent;

type Task = { id: string; kind: string };
type Page = Awaited<ReturnType<typeof h.as>>;

async function noOverflow(page: Page): Promise<void> {
  const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
  expect(overflow).toBeLessThanOrEqual(0);
}

test('the UNV officer’s and the volunteer’s path, from the request to closed', async () => {
  const today = new Date().toISOString().slice(0, 10);
  const request = { ...UNV_REQUEST_EXAMPLE, title: TITLE, months: 6, startDate: addDays(today, 30) };
  // Another assignment the volunteer has nothing to do with.
  const other = await h.api('coKg', 'POST', '/unv-assignments', { ...request, title: 'Another assignment' });
  const created = await h.api<{ id: string }>('coKg', 'POST', '/unv-assignments', request);
  expect([other.status, created.status]).toEqual([201, 201]);
  const id = created.body.id;
  const taskOf = (who: DemoKey, kind: string) =>
    eventually(async () => {
      const res = await h.api<{ items: Task[] }>(who, 'GET', `/tasks?subject=${id}&pageSize=50`);
      return res.body.items.find((t) => t.kind === kind);
    });
  const decide = async (who: DemoKey, kind: string, body: object) => {
    const res = await h.api(who, 'POST', `/tasks/${enc((await taskOf(who, kind)).id)}/decision`, body);
    expect(res.status).toBe(200);
  };
  await decide('fundManager', 'unv_funding_decision', { decision: 'approve' });

  // ---- the UNV officer: from the menu to the assignment, then the shortlist
  const officer = await h.as('unvOfficer', { axe: true });
  await officer.goto('/app/inbox');
  await officer.locator('.mainnav a', { hasText: 'UN Volunteers' }).click();
  await officer.waitForURL(/\/app\/unv-assignments$/);
  expect(await axeViolations(officer)).toEqual([]);
  await officer.locator('tbody tr', { hasText: TITLE }).getByRole('link').click();
  await check(officer.locator('h1')).toHaveText(TITLE);
  expect(await axeViolations(officer)).toEqual([]);

  const shortlist = await taskOf('unvOfficer', 'unv_shortlist');
  await officer.goto(`/app/tasks/${enc(shortlist.id)}`);
  await check(officer.locator('h1')).toContainText('Screen candidates and propose a shortlist');
  expect(await axeViolations(officer)).toEqual([]);
  await officer
    .locator('#f-data-candidates')
    .fill(`c-1; ${DEMO_USERS.unvVolunteer.name}; RU; 1994-06-10; master; 5; ${DEMO_USERS.unvVolunteer.email}`);
  await officer.getByRole('button', { name: 'Propose the shortlist' }).click();
  await officer.waitForURL(/\/app\/inbox\?notice=decided/);
  await decide('coKg', 'unv_host_selection', { decision: 'select', data: { ranking: ['c-1'] } });

  const offer = await taskOf('unvOfficer', 'unv_offer');
  await officer.goto(`/app/tasks/${enc(offer.id)}`);
  await check(officer.locator('main')).toContainText(DEMO_USERS.unvVolunteer.name);
  expect(await axeViolations(officer)).toEqual([]);
  await officer.getByRole('button', { name: 'The candidate accepted' }).click();
  await officer.waitForURL(/\/app\/inbox\?notice=decided/);

  // ---- the volunteer, on a phone in Russian: their assignment, their task
  const volunteer = await h.as('unvVolunteer', { lang: 'ru', viewport: PHONE, axe: true });
  const own = await taskOf('unvVolunteer', 'unv_volunteer_clearances');
  await volunteer.goto('/app/unv-assignments');
  await check(volunteer.locator('h1')).toHaveText('Моё назначение');
  await check(volunteer.locator('tbody tr')).toHaveCount(1);
  await check(volunteer.locator('tbody')).notToContainText('Another assignment');
  await noOverflow(volunteer);
  expect(await axeViolations(volunteer)).toEqual([]);
  await volunteer.locator('tbody tr', { hasText: TITLE }).getByRole('link').click();
  await check(volunteer.locator('main')).toContainText('Ваш медицинский осмотр и обучение по безопасности');
  // Not the fund's money, not the other candidates.
  await check(volunteer.locator('main')).notToContainText('Обязательство');
  await noOverflow(volunteer);
  expect(await axeViolations(volunteer)).toEqual([]);
  // The other assignment is not theirs (404 over the API as on the page).
  const otherId = (other.body as { id: string }).id;
  expect((await h.api('unvVolunteer', 'GET', `/unv-assignments/${otherId}`)).status).toBe(404);

  await volunteer.goto(`/app/tasks/${enc(own.id)}`);
  await noOverflow(volunteer);
  expect(await axeViolations(volunteer)).toEqual([]);
  await volunteer.locator('#f-data-medicalExamOn').fill(addDays(today, -3));
  await volunteer.locator('#f-data-securityTrainingOn').fill(addDays(today, -2));
  await screenshot(volunteer, 'unv-volunteer-clearances-phone-ru');
  await volunteer.getByRole('button', { name: 'Готово: указать даты' }).click();
  await volunteer.waitForURL(/\/app\/inbox\?notice=decided/);
  await check(volunteer.locator('.notice')).toContainText('Ваше решение записано');

  // ---- UNV grants the clearances; the host records a deployment whose planned end has passed
  await decide('unvOfficer', 'unv_clearances', { decision: 'cleared', data: { medical: true, security: true } });
  await decide('coKg', 'unv_deployment', {
    decision: 'confirm',
    data: { startDate: addMonths(addDays(today, -3), -6) },
  });

  // ---- the volunteer's end-of-assignment report, in English
  const report = await taskOf('unvVolunteer', 'unv_volunteer_end_report');
  const volunteerEn = await h.as('unvVolunteer', { axe: true });
  await volunteerEn.goto(`/app/tasks/${enc(report.id)}`);
  await check(volunteerEn.locator('h1')).toContainText('Your end-of-assignment report');
  expect(await axeViolations(volunteerEn)).toEqual([]);
  await volunteerEn.locator('#f-data-report').fill('The SDG data portal is live; four colleagues trained.');
  await volunteerEn.locator('#f-data-rating').fill('5');
  await volunteerEn.getByRole('button', { name: 'Submit the report' }).click();
  await volunteerEn.waitForURL(/\/app\/inbox\?notice=decided/);
  await decide('coKg', 'unv_end_report', { decision: 'submit_report', data: { report: 'Portal live.', rating: 5 } });

  // ---- the officer enters UNV's final statement; the fund manager verifies it
  const view = await h.api<{ transferredUsd: number }>('fundManager', 'GET', `/unv-assignments/${id}`);
  const statement = await taskOf('unvOfficer', 'unv_statement');
  await officer.goto(`/app/tasks/${enc(statement.id)}`);
  expect(await axeViolations(officer)).toEqual([]);
  await officer.locator('#f-data-periodEnd').fill(today);
  await officer.locator('#f-data-spentUsd').fill(String(view.body.transferredUsd));
  await officer.getByRole('button', { name: 'Enter the statement' }).click();
  await officer.waitForURL(/\/app\/inbox\?notice=decided/);
  await decide('fundManager', 'unv_reconciliation', { decision: 'verify' });
  await eventually(async () => (await h.db.prisma.unvAssignment.findUnique({ where: { id } }))?.stage === 'closed');

  await officer.goto(`/app/unv-assignments/${id}`);
  await check(officer.locator('main')).toContainText('The volunteer’s report');
  await check(officer.locator('table', { hasText: 'Period end' })).toContainText('final');
  expect(await axeViolations(officer)).toEqual([]);
  await screenshot(officer, 'unv-officer-assignment-closed');

  // The volunteer still sees their (closed) assignment, in Russian on the phone.
  await volunteer.goto(`/app/unv-assignments/${id}`);
  await check(volunteer.locator('main')).toContainText('Отчёт добровольца');
  await noOverflow(volunteer);
  expect(await axeViolations(volunteer)).toEqual([]);
}, 400_000);
