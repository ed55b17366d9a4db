import { CALL_EXAMPLE } from '../../api/examples';
import { AXE_SOURCE, axeViolations, eventually, startWebHarness, type WebHarness } from './harness';

/** The public page of open calls (signed out, both languages, countdown, feed) and the fund manager's call page. */
let h: WebHarness;
beforeAll(async () => {
  h = await startWebHarness('calls');
});
afterAll(async () => {
  await h?.stop();
});

test('signed out, anyone reads the open calls with a countdown, in English and Russian, and their Atom feed', async () => {
  const made = await h.api<{ id: string }>('fundManager', 'POST', '/calls', {
    ...CALL_EXAMPLE,
    title: 'Public call',
    titleRu: 'Открытый конкурс',
    opensAt: '2026-01-01',
    closesAt: '2027-03-31',
    closingTime: '17:00',
    timeZone: 'Asia/Bishkek',
  });
  expect(made.status).toBe(201);
  const draft = await h.api<{ id: string }>('fundManager', 'POST', '/calls', {
    ...CALL_EXAMPLE,
    title: 'Hidden draft',
    draft: true,
  });
  expect(draft.status).toBe(201);

  const context = await h.browser.newContext({ baseURL: h.baseUrl });
  const page = await context.newPage();
  expect((await page.goto('/app/open-calls'))?.status()).toBe(200);
  const card = page.locator('li.card', { hasText: 'Public call' });
  await expect(card.locator('time').textContent()).resolves.toMatch(/^Closes in \d+ d \d+ h$/);
  expect(await card.textContent()).toContain('2027-03-31 17:00 (Asia/Bishkek)');
  expect(await page.content()).not.toContain('Hidden draft');
  await page.locator('.lang button[value="ru"]').click();
  await page.goto('/app/open-calls');
  const ru = page.locator('li.card', { hasText: 'Открытый конкурс' });
  await expect(ru.locator('time').textContent()).resolves.toMatch(/^До закрытия: \d+ дн\. \d+ ч\.$/);

  const feed = await context.request.get('/app/open-calls.atom?lang=en');
  expect(feed.status()).toBe(200);
  expect(feed.headers()['content-type']).toMatch(/application\/atom\+xml/);
  const xml = await feed.text();
  expect(xml).toContain(`<id>urn:rus-undp:call:${made.body.id}</id>`);
  expect(xml).toContain('<title>Public call</title>');
  expect(xml).not.toContain('Hidden draft');
  const ruFeed = await (await context.request.get('/app/open-calls.atom?lang=ru')).text();
  expect(ruFeed).toContain('<title>Открытый конкурс</title>');
  await context.close();
});

test('the fund manager publishes a draft from its page; a refused extension shows the reason', async () => {
  const draft = await h.api<{ id: string }>('fundManager', 'POST', '/calls', {
    ...CALL_EXAMPLE,
    title: 'Draft to publish',
    opensAt: '2026-01-01',
    draft: true,
  });
  const page = await h.as('fundManager');
  await page.goto(`/app/calls/${draft.body.id}`);
  expect(await page.locator('main').textContent()).toContain('Draft');
  await page.getByRole('button', { name: 'Publish the call' }).click();
  await page.waitForURL(`**/app/calls/${draft.body.id}`);
  expect(await page.locator('dl.facts').first().textContent()).toContain('Published');
  await page.locator('input[name="closesAt"]').fill('2026-01-02');
  await page.getByRole('button', { name: 'Extend the deadline' }).click();
  expect(await page.locator('[role="alert"]').textContent()).toMatch(/closesAt: the new closing .* has passed/);
  // Other roles do not manage calls.
  const applicant = await h.as('applicant');
  expect((await applicant.goto(`/app/calls/${draft.body.id}`))?.status()).toBe(403);
});

let closedCall: string | undefined;
/** A dated call that closed by its timer a moment after it was created, with its history in the page. */
async function aClosedCall(): Promise<string> {
  if (closedCall) return closedCall;
  const closing = new Date(Date.now() + 3_000).toISOString();
  const made = await h.api<{ id: string }>('fundManager', 'POST', '/calls', {
    ...CALL_EXAMPLE,
    title: 'Glacier lakes call',
    titleRu: 'Конкурс по ледниковым озёрам',
    opensAt: '2026-01-01',
    closesAt: closing.slice(0, 10),
    closingTime: closing.slice(11, 19),
    timeZone: 'UTC',
  });
  const id = made.body.id;
  await eventually(
    async () =>
      (await h.api<{ status: string }>('fundManager', 'GET', `/calls/${id}`)).body.status === 'closed' || undefined,
  );
  closedCall = id;
  return id;
}

test.each(['en', 'ru'] as const)(
  'axe-core: the public page and the call page have no serious violation (%s)',
  async (lang) => {
    const id = await aClosedCall();
    const context = await h.browser.newContext({ baseURL: h.baseUrl });
    await context.addInitScript({ content: AXE_SOURCE });
    const anon = await context.newPage();
    await anon.goto('/app/open-calls');
    if (lang === 'ru') await anon.locator('.lang button[value="ru"]').click();
    await anon.goto('/app/open-calls');
    expect(await anon.locator('html').getAttribute('lang')).toBe(lang);
    expect(await axeViolations(anon)).toEqual([]);
    await context.close();

    const fm = await h.as('fundManager', { lang, axe: true });
    expect((await fm.goto(`/app/calls/${id}`))?.status()).toBe(200);
    expect(await axeViolations(fm)).toEqual([]);
    const main = (await fm.locator('main').textContent()) ?? '';
    if (lang === 'ru') {
      expect(main).toContain('Конкурс по ледниковым озёрам');
      expect(main).toContain('Закрыт, рецензирование не начато');
      expect(main).toContain('Начать рецензирование');
      expect(main).not.toMatch(/\b(created|published|closed)\b/);
    } else expect(main).toContain('Start the review');
  },
);
