import { addDays } from '../../domain/calendar';
import { axeViolations, check, eventually, screenshot, useWebHarness } from './harness';

/**
 * Internships in a real browser: the Kyrgyzstan Country Office posts a placement with its form
 * (every posting field, the supervisor named by e-mail; a refused duration is shown next to its
 * field); a student, on a 375 px phone in Russian, finds it, applies with the profile, the
 * motivation letter, the CV and the proof of enrolment (a missing file is named next to its field,
 * the file already sent is kept), then withdraws it; a second application proceeds: the supervisor
 * sees it on their page. Every page is axe-clean.
 */
const h = useWebHarness('internships');
const PHONE = { width: 375, height: 740 };
const TITLE = 'Intern, Climate and Energy (browser)';

type Page = Awaited<ReturnType<typeof h.as>>;

async function noOverflow(page: Page): Promise<void> {
  const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
  expect(overflow).toBeLessThanOrEqual(0);
}

const file = (name: string, text: string) => ({
  name,
  mimeType: 'text/plain',
  buffer: Buffer.from(`${text} ${Math.random()}`),
});

test('post a placement, apply with the CV and proof of enrolment on a phone in Russian, withdraw; the supervisor sees an application', async () => {
  const today = new Date().toISOString().slice(0, 10);

  // ---- the Country Office posts the placement
  const co = await h.as('coKg', { axe: true });
  await co.goto('/app/internships');
  await co.getByRole('link', { name: 'Post an internship' }).click();
  await co.waitForURL(/\/app\/internships\/postings\/new$/);
  expect(await axeViolations(co)).toEqual([]);
  await co.locator('#f-title').fill(TITLE);
  await check(co.locator('#f-countryCode')).toHaveValue('KG');
  await co.locator('#f-hostOffice').fill('UNDP Kyrgyzstan');
  await co.locator('#f-unit').fill('Climate, Energy and Environment');
  await co.locator('#f-termsOfReference').fill('Research support for the small hydropower portfolio.');
  await co.locator('#f-supervisorName').fill('Aida Bekova');
  await co.locator('#f-supervisorEmail').fill('head.kg@undp.example.org');
  await co.locator('#f-months').fill('9');
  await co.locator('#f-places').fill('2');
  await co.locator('#f-startWindowFrom').fill(addDays(today, 60));
  await co.locator('#f-startWindowTo').fill(addDays(today, 80));
  await co.locator('#f-applicationDeadline').fill(addDays(today, 40));
  await co.locator('#f-fieldOfStudy').fill('Energy economics');
  await co.getByLabel('Russian').check();
  await co.getByRole('button', { name: 'Post the internship' }).click();
  // Nine months is over the rule set's bound: said next to the field, the rest kept.
  await check(co.locator('.error-summary')).toContainText('Duration in months');
  await check(co.locator('#f-title')).toHaveValue(TITLE);
  expect(await axeViolations(co)).toEqual([]);
  await co.locator('#f-months').fill('4');
  await co.getByRole('button', { name: 'Post the internship' }).click();
  await co.waitForURL(/\/app\/internships\?notice=saved/);
  const posting = await eventually(async () => h.db.prisma.internshipPosting.findFirst({ where: { title: TITLE } }));
  expect(posting).toMatchObject({ countryCode: 'KG', months: 4, places: 2, status: 'open' });
  expect(posting!.fields).toMatchObject({ supervisorName: 'Aida Bekova', languages: ['en', 'ru'] });
  const head = await h.db.prisma.user.findFirst({ where: { email: 'head.kg@undp.example.org' } });
  expect(posting!.supervisorUserId).toBe(head!.id);

  // ---- a student, on a phone in Russian: finds it and applies
  const student = await h.as('applicant', { lang: 'ru', viewport: PHONE, axe: true });
  await student.goto('/app/internships');
  await noOverflow(student);
  expect(await axeViolations(student)).toEqual([]);
  await student.locator('tbody tr', { hasText: TITLE }).getByRole('link', { name: 'Подать заявку' }).click();
  await student.waitForURL(/\/apply$/);
  await noOverflow(student);
  expect(await axeViolations(student)).toEqual([]);
  await student.locator('#f-masterProgramme').fill('Магистратура «Международные отношения»');
  await student.locator('#f-studyYear').fill('2');
  await student.locator('#f-fieldOfStudy').fill('Экономика энергетики');
  await student.getByLabel('Русский').check();
  await student.locator('#f-motivation').fill('Хочу применить исследование малой гидроэнергетики.');
  await student.locator('#f-cv').setInputFiles(file('cv.txt', 'CV of Anna Petrova'));
  // No proof of enrolment: refused next to its field; the CV already sent is kept.
  await student.locator('#f-proof').evaluate((el) => el.removeAttribute('required'));
  await student.getByRole('button', { name: 'Отправить заявку' }).click();
  await check(student.locator('#f-proof-error')).toContainText('Приложите этот файл');
  await check(student.locator('#f-cv-hint')).toContainText('cv.txt');
  await noOverflow(student);
  expect(await axeViolations(student)).toEqual([]);
  await student.locator('#f-proof').setInputFiles(file('enrolment.txt', 'TPU: enrolled, 2nd year'));
  await screenshot(student, 'internship-apply-phone-ru');
  await student.getByRole('button', { name: 'Отправить заявку' }).click();
  await student.waitForURL(/\/app\/internships\/in-[^/?]+\?notice=applied/);
  const id = new URL(student.url()).pathname.split('/').pop()!;
  await check(student.locator('h1')).toHaveText(TITLE);
  // The CV and the proof are the application's documents.
  await check(student.locator('main')).toContainText('cv.txt');
  await check(student.locator('main')).toContainText('enrolment.txt');
  await noOverflow(student);
  expect(await axeViolations(student)).toEqual([]);
  const row = await h.db.prisma.internship.findUnique({ where: { id } });
  expect(row).toMatchObject({ postingId: posting!.id, masterProgramme: 'Магистратура «Международные отношения»' });
  const docs = await h.db.prisma.document.findMany({ where: { subjectType: 'internship', subjectId: id } });
  expect(docs.map((d) => d.documentType).sort()).toEqual(['cv', 'proof_of_enrolment']);

  // ---- the supervisor sees the application on their page; the other approver of the country does not
  const supervisor = await h.as('coKg2', { axe: true });
  await supervisor.goto(`/app/internships/${id}`);
  await check(supervisor.locator('h1')).toHaveText(TITLE);
  expect(await axeViolations(supervisor)).toEqual([]);
  expect((await h.api('coKg', 'GET', `/internships/${id}`)).status).toBe(404);

  // ---- the student withdraws it (only they see the form)
  await check(supervisor.locator('main')).notToContainText('Withdraw the application');
  await student.goto(`/app/internships/${id}`);
  await student.locator('summary', { hasText: 'Отозвать заявку' }).click();
  await student.locator('#f-reason').fill('Получила другое предложение');
  await student.locator('#withdraw-confirm').check();
  await student.locator('form[action$="/withdraw"] button[type=submit]').click();
  await student.waitForURL(/notice=withdrawn/);
  await eventually(async () => (await h.db.prisma.internship.findUnique({ where: { id } }))?.stage === 'withdrawn');
  expect(await axeViolations(student)).toEqual([]);
}, 300_000);
