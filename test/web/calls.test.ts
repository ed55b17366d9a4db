import { CALL_EXAMPLE } from '../../api/examples';
import { DEMO_USERS } from '../../domain/demo';
import { proposalWithBudget } from '../fixtures/payloads';
import { AXE_SOURCE, axeViolations, eventually, startWebHarness, type DemoKey, type WebHarness } from './harness';

/**
 * The public page of open calls (signed out, both languages, countdown, feed), the fund manager's call page
 * (publish, extend, ranked selection) and the administrator's holidays page.
 */
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

test('the fund manager extends an open call’s deadline from its page (English and Russian)', async () => {
  const made = await h.api<{ id: string }>('fundManager', 'POST', '/calls', {
    ...CALL_EXAMPLE,
    title: 'Call to extend',
    opensAt: '2026-01-01',
    closesAt: '2027-03-31',
    closingTime: '17:00',
    timeZone: 'Asia/Bishkek',
  });
  expect(made.status).toBe(201);
  const page = await h.as('fundManager');
  await page.goto(`/app/calls/${made.body.id}`);
  await page.locator('input[name="closesAt"]').fill('2027-04-30');
  await page.locator('input[name="closingTime"]').fill('18:00');
  await page.getByRole('button', { name: 'Extend the deadline' }).click();
  await page.waitForURL(`**/app/calls/${made.body.id}`);
  expect(await page.locator('main').textContent()).toContain('2027-04-30 18:00 (Asia/Bishkek)');
  const call = await h.api<{ closesAt: string; closesLocal: string }>('fundManager', 'GET', `/calls/${made.body.id}`);
  expect(call.body.closesLocal).toBe('2027-04-30T18:00');
  expect(call.body.closesAt).toBe('2027-04-30T12:00:00.000Z');
  // In Russian, an extension to an earlier day is refused with the reason, and nothing moves.
  const ru = await h.as('fundManager', { lang: 'ru' });
  await ru.goto(`/app/calls/${made.body.id}`);
  await ru.locator('input[name="closesAt"]').fill('2027-04-01');
  await ru.getByRole('button', { name: 'Продлить срок' }).click();
  expect(await ru.locator('[role="alert"]').textContent()).toMatch(/closesAt: must be later than the current closing/);
  expect((await h.api<{ closesLocal: string }>('fundManager', 'GET', `/calls/${made.body.id}`)).body.closesLocal).toBe(
    '2027-04-30T18:00',
  );
});

test('an administrator enters and removes a public holiday on the holidays page (English and Russian)', async () => {
  const admin = await h.as('admin');
  await admin.goto('/app/holidays?country=KG&year=2027');
  // Refused field by field: no date.
  await admin.locator('#f-name').fill('Day of the test');
  await admin.getByRole('button', { name: 'Enter a holiday' }).click();
  expect(await admin.locator('#f-date').getAttribute('aria-invalid')).toBe('true');
  await admin.locator('#f-date').fill('2027-03-22');
  await admin.locator('#f-name').fill('Nooruz');
  await admin.locator('#f-nameRu').fill('Нооруз');
  await admin.getByRole('button', { name: 'Enter a holiday' }).click();
  await admin.waitForURL('**/app/holidays?country=KG&year=2027&notice=saved');
  const row = admin.locator('tr', { hasText: 'Nooruz' });
  expect(await row.textContent()).toContain('entered by an administrator');
  const stored = await h.db.prisma.publicHoliday.findMany({ where: { countryCode: 'KG', name: 'Nooruz' } });
  expect(stored.map((x) => x.date.toISOString().slice(0, 10))).toEqual(['2027-03-22']);

  const ru = await h.as('admin', { lang: 'ru' });
  await ru.goto('/app/holidays?country=KG&year=2027');
  expect(await ru.locator('tr', { hasText: 'Нооруз' }).textContent()).toContain('внесён администратором');
  // The same day twice is refused in the page's language.
  await ru.locator('#f-date').fill('2027-03-22');
  await ru.locator('#f-name').fill('Nooruz again');
  await ru.getByRole('button', { name: 'Внести праздник' }).click();
  expect(await ru.locator('main').textContent()).toContain('Этот день уже отмечен как праздничный.');
  await ru
    .locator('tr', { hasText: 'Нооруз' })
    .getByRole('button', { name: /Удалить/ })
    .click();
  await ru.waitForURL('**/app/holidays?country=KG&year=2027&notice=saved');
  expect(await ru.locator('main').textContent()).not.toContain('Нооруз');
  expect(await h.db.prisma.publicHoliday.count({ where: { countryCode: 'KG', name: 'Nooruz' } })).toBe(0);
});

test('the fund manager issues the ranked selection of a closed call from its page; a choice against the ranking needs a justification', async () => {
  const closing = new Date(Date.now() + 40_000).toISOString();
  const made = await h.api<{ id: string }>('fundManager', 'POST', '/calls', {
    ...CALL_EXAMPLE,
    title: 'Ranked selection call',
    opensAt: '2026-01-01',
    closesAt: closing.slice(0, 10),
    closingTime: closing.slice(11, 19),
    timeZone: 'UTC',
    budgetEnvelopeUsd: 40_000,
    rubric: [
      { key: 'innovation', label: 'Innovation', weight: 30, max: 100 },
      { key: 'feasibility_sustainability', label: 'Feasibility', weight: 70, max: 100 },
    ],
    reviewerPool: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id],
    reviewersPerProposal: 2,
  });
  expect(made.status).toBe(201);
  const callId = made.body.id;
  // Two proposals of 30,000 each: the envelope of 40,000 holds one; the better scored is suggested for selection.
  const ids: string[] = [];
  for (const [who, title] of [
    ['applicant', 'Flood sensors along the Chui'],
    ['applicant2', 'Mudflow warnings by SMS'],
  ] as const) {
    const p = await h.api<{ id: string }>(who, 'POST', '/proposals', { ...proposalWithBudget(), callId, title });
    expect(p.status).toBe(201);
    ids.push(p.body.id);
  }
  for (const id of ids) await decide('coKg', id, 'co_endorsement', 'endorse');
  type Progress = { status: string; progress: { waitingFor: unknown[]; ranking: unknown[] } | null };
  await eventually(async () => {
    const c = (await h.api<Progress>('fundManager', 'GET', `/calls/${callId}`)).body;
    return (c.status === 'closed' && c.progress?.waitingFor.length === 0) || undefined;
  }, 90_000);
  const page = await h.as('fundManager');
  await page.goto(`/app/calls/${callId}`);
  await page.getByRole('button', { name: 'Start the review' }).click();
  await page.waitForURL(`**/app/calls/${callId}`);
  const scores = [80, 60];
  for (const [i, id] of ids.entries())
    for (const r of ['reviewer1', 'reviewer2'] as const) {
      await decide(r, id, 'conflict_declaration', 'declare_no_conflict', { noConflictDeclared: true });
      await decide(r, id, 'review_score', 'submit_score', {
        scores: { innovation: scores[i], feasibility_sustainability: scores[i] },
      });
    }
  await eventually(async () => {
    const c = (await h.api<Progress>('fundManager', 'GET', `/calls/${callId}`)).body;
    return c.progress?.ranking.length === 2 || undefined;
  }, 60_000);
  await page.goto(`/app/calls/${callId}`);
  const form = page.locator('form[action$="/selection"]');
  // Ranked: the better proposal first, suggested for selection; the second waits on the list.
  expect(await form.locator('tbody tr').first().textContent()).toContain('Flood sensors along the Chui');
  expect(await page.locator('#decision-0').inputValue()).toBe('select');
  expect(await page.locator('#decision-1').inputValue()).toBe('waitlist');
  // Rejecting the second without saying why is refused, naming the field.
  await page.locator('#decision-1').selectOption('reject');
  await form.getByRole('button', { name: 'Issue the selection' }).click();
  expect(await page.locator('[role="alert"]').textContent()).toMatch(/decisions\.1\.justification/);
  await page.locator('#decision-1').selectOption('reject');
  await page.locator('#justification-1').fill('Duplicates an existing national warning service.');
  await page.locator('form[action$="/selection"]').getByRole('button', { name: 'Issue the selection' }).click();
  await page.waitForURL(`**/app/calls/${callId}`);
  expect(await page.locator('dl.facts').first().textContent()).toContain('Decided');
  // Each decision reaches its proposal: the selected one goes to contracting, the other is rejected.
  await eventually(async () => {
    const stages = await Promise.all(
      ids.map(async (id) => (await h.api<{ stage: string }>('fundManager', 'GET', `/proposals/${id}`)).body.stage),
    );
    return (stages[0] === 'contracting' && stages[1] === 'rejected') || undefined;
  }, 60_000);
  await page.goto(`/app/calls/${callId}`);
  expect(await page.locator('[role="status"]').first().textContent()).toMatch(/2/);
  await page.locator('.lang button[value="ru"]').click();
  await page.goto(`/app/calls/${callId}`);
  expect(await page.locator('dl.facts').first().textContent()).toContain('По рейтингу');
}, 400_000);

async function decide(
  who: DemoKey,
  subjectId: string,
  kind: string,
  decision: string,
  data?: Record<string, unknown>,
): Promise<void> {
  const id = await eventually(async () => {
    const res = await h.api<{ items: { id: string; kind: string; subject: { id: string } }[] }>(
      who,
      'GET',
      '/tasks?pageSize=100',
    );
    return res.body.items.find((t) => t.subject.id === subjectId && t.kind === kind)?.id;
  }, 60_000);
  const res = await h.api(who, 'POST', `/tasks/${encodeURIComponent(id)}/decision`, {
    decision,
    ...(data ? { data } : {}),
  });
  if (res.status !== 200) throw new Error(`${kind}/${decision}: ${res.status} ${JSON.stringify(res.body)}`);
}
