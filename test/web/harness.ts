import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { createApp } from '../../api/app';
import { DEMO_USERS } from '../../domain/demo';
import { loadConfig } from '../../lib/config';
import { logger as baseLogger } from '../../lib/logger';
import { seedDatabase } from '../../prisma/seed';
import { startSeededCallWorkflows } from '../helpers/seeded-calls';
import { createWorker } from '../../worker/create-worker';
import { createClock, type Clock, type Office } from '../../lib/clock';
import { compressedClock } from '../helpers/sla';
import { testDocuments } from '../api/harness';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { startTestTemporal, testWorkflowBundle, uniqueTaskQueue } from '../helpers/temporal';
import { startTestParts } from '../helpers/test-parts';

export type DemoKey = keyof typeof DEMO_USERS;
export const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts', 'web');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface WebHarness {
  env: TestWorkflowEnvironment;
  /** The worker's task queue (to start a workflow directly, as the API would). */
  taskQueue: string;
  db: TestDatabase;
  smtp: TestSmtp;
  /** The worker's Clock: real time, or compressed (`compressedDayMs`). Dates a test types in come from its calendar. */
  clock: Clock;
  /** Today on the worker's calendar in a country's office (its time zone; UTC without a Country Office row). */
  today(countryCode: string): Promise<string>;
  baseUrl: string;
  browser: Browser;
  /** A new browser context (own cookies) signed in as `who` (a demo key or any user's e-mail), in `lang`. */
  as(
    who: DemoKey | { email: string },
    opts?: {
      lang?: 'en' | 'ru';
      viewport?: { width: number; height: number };
      axe?: boolean;
      /** false: a browser without JavaScript (forms post as plain HTML). */
      javaScript?: boolean;
    },
  ): Promise<Page>;
  /** Bearer token for direct API calls (setting up data the test is not about). */
  token(who: DemoKey | { email: string }): Promise<string>;
  api<T = Record<string, unknown>>(
    who: DemoKey | { email: string },
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/**
 * The harness of a test file: started before its tests (jest's beforeAll, so `timeoutMs` bounds the
 * start), stopped after them. Its fields are there once the first test runs.
 */
export function useWebHarness(
  label: string,
  configOverrides: Record<string, string> = {},
  timeoutMs?: number,
  opts: WebHarnessOptions = {},
): WebHarness {
  const h = {} as WebHarness;
  beforeAll(async () => {
    Object.assign(h, await startWebHarness(label, configOverrides, opts));
  }, timeoutMs);
  afterAll(async () => {
    await h.stop?.();
  });
  return h;
}

export interface WebHarnessOptions {
  /** Start the seeded calls' workflows, as the worker does at start (worker/main.ts). */
  callWorkflows?: boolean;
  /**
   * Run the worker on a compressed Clock: from the worker's start a calendar day lasts this many ms
   * of real time, so a lifecycle that waits on calendar dates (departure, a report due in ten working
   * days, SLAs) reaches its end within a browser test. Workflows sleep until the instants the Clock's
   * activities return, so every timer follows it. The API and the pages keep real time: dates the test
   * types in come from `h.today(...)`, with room for the steps a person takes in the browser before
   * them (a step of a few seconds is a few calendar days).
   */
  compressedDayMs?: number;
}

export async function startWebHarness(
  label: string,
  configOverrides: Record<string, string> = {},
  opts: WebHarnessOptions = {},
): Promise<WebHarness> {
  const { env, db, smtp, bundle } = await startTestParts(`web-${label}`);
  const documents = testDocuments();
  await seedDatabase(db.prisma);
  const taskQueue = uniqueTaskQueue(`web-${label}`);
  const clock = opts.compressedDayMs
    ? compressedClock(db.prisma, opts.compressedDayMs)
    : createClock({ prisma: db.prisma });
  const worker: Worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue,
    workflowBundle: bundle,
    deps: {
      prisma: db.prisma,
      mailer: smtp.mailer,
      logger: baseLogger,
      baseUrl: 'http://localhost:3000',
      documents,
      clock,
    },
  });
  let release: () => void = () => undefined;
  const running = worker.runUntil(new Promise<void>((resolve) => (release = resolve)));
  if (opts.callWorkflows) await startSeededCallWorkflows(env.client, db.prisma, taskQueue);

  const config = loadConfig({
    NODE_ENV: 'test',
    AUTH_MODE: 'dev',
    AUTH_DEV_SECRET: 'web-test-secret-0123456789abcdef',
    RATE_LIMIT_PER_MINUTE: '10000',
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    ...configOverrides,
  });
  const logger = pino({ level: 'warn' });
  // createApp mounts the web app itself, as in production.
  const app = createApp({
    prisma: db.prisma,
    temporal: env.client,
    config,
    logger,
    taskQueue,
    temporalTimeoutMs: 20_000,
    documents,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`,
    );
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
  const contexts: BrowserContext[] = [];
  const tokens = new Map<string, string>();
  const emailOf = (who: DemoKey | { email: string }) => (typeof who === 'string' ? DEMO_USERS[who].email : who.email);

  const h: WebHarness = {
    env,
    taskQueue,
    db,
    smtp,
    clock,
    async today(countryCode) {
      const office: Office = await clock.office(countryCode);
      return clock.today(office);
    },
    baseUrl,
    browser,
    async as(who, opts = {}) {
      const context = await browser.newContext({
        baseURL: baseUrl,
        viewport: opts.viewport ?? { width: 1280, height: 900 },
        locale: opts.lang === 'ru' ? 'ru-RU' : 'en-GB',
        javaScriptEnabled: opts.javaScript ?? true,
      });
      contexts.push(context);
      context.setDefaultTimeout(10_000);
      // axe-core loaded with every document of this context (faster than injecting it per check).
      if (opts.axe) await context.addInitScript({ content: AXE_SOURCE });
      const page = await context.newPage();
      await page.goto('/app/sign-in');
      await page.getByLabel(/E-mail address|Адрес e-mail/).fill(emailOf(who));
      await page
        .locator('form[action="/app/sign-in"]:has(input[name="email"][type="email"]) button[type="submit"]')
        .click();
      await page.waitForURL((u) => !u.pathname.startsWith('/app/sign-in'));
      const lang = opts.lang ?? 'en';
      const current = await page.locator('html').getAttribute('lang');
      if (current !== lang) {
        await page.locator(`.lang button[value="${lang}"]`).click();
        await page.waitForFunction(`document.documentElement.lang === '${lang}'`);
      }
      return page;
    },
    async token(who) {
      const email = emailOf(who);
      const cached = tokens.get(email);
      if (cached) return cached;
      const res = await fetch(`${baseUrl}/auth/dev-token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email }),
      });
      if (res.status !== 200) throw new Error(`dev-token ${email}: ${res.status}`);
      const token = ((await res.json()) as { token: string }).token;
      tokens.set(email, token);
      return token;
    },
    async api(who, method, url, body) {
      const res = await fetch(`${baseUrl}${url}`, {
        method,
        headers: {
          Authorization: `Bearer ${await h.token(who)}`,
          Accept: 'application/json',
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as never };
    },
    async stop() {
      await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
      await browser.close().catch(() => undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      release();
      await running.catch(() => undefined);
      await env.teardown();
      await smtp.stop();
      await db.close();
    },
  };
  return h;
}

/** axe-core in the page: violations of impact serious or critical (none expected). */
export async function axeViolations(
  page: Page,
): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  if (!(await page.evaluate(`typeof window.axe !== 'undefined'`))) await page.evaluate(AXE_SOURCE);
  const results = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as {
    violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
  };
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
}

/** A full-page screenshot under test/artifacts/web/ for a maintainer to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Polls until `check` returns a value (the read model is committed by workflow activities). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Auto-waiting assertions on locators (playwright-core has no `expect`): each polls until it
 * holds or the timeout passes, then fails with what it saw.
 */
export function check(locator: Locator, timeoutMs = 10_000) {
  async function until(describe: string, probe: () => Promise<{ ok: boolean; actual: unknown }>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: { ok: boolean; actual: unknown } = { ok: false, actual: undefined };
    for (;;) {
      try {
        last = await probe();
      } catch (err) {
        last = { ok: false, actual: err instanceof Error ? err.message.split('\n')[0] : String(err) };
      }
      if (last.ok) return;
      if (Date.now() > deadline)
        throw new Error(`${locator.toString()}: expected ${describe}; got ${JSON.stringify(last.actual)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const matches = (actual: string, text: string | RegExp) =>
    typeof text === 'string' ? actual.includes(text) : text.test(actual);
  const textOf = async () =>
    (await locator.count()) ? (await locator.innerText({ timeout: 1000 })).replace(/\s+/g, ' ') : '';
  return {
    toContainText: (text: string | RegExp) =>
      until(`text containing ${String(text)}`, async () => {
        const a = await textOf();
        return { ok: matches(a, text), actual: a };
      }),
    toHaveText: (text: string) =>
      until(`text ${text}`, async () => {
        const a = (await textOf()).trim();
        return { ok: a === text, actual: a };
      }),
    toHaveValue: (value: string) =>
      until(`value ${value}`, async () => {
        const a = await locator.inputValue({ timeout: 1000 });
        return { ok: a === value, actual: a };
      }),
    toBeVisible: () =>
      until('visible', async () => {
        const a = await locator.first().isVisible();
        return { ok: a, actual: a };
      }),
    toBeFocused: () =>
      until('focused', async () => {
        const a = await locator.evaluate(
          (el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement,
          undefined,
          { timeout: 1000 },
        );
        return { ok: a === true, actual: a };
      }),
    toHaveAttribute: (name: string, value: string) =>
      until(`${name}=${value}`, async () => {
        const a = await locator.getAttribute(name, { timeout: 1000 });
        return { ok: a === value, actual: a };
      }),
    toHaveCount: (n: number) =>
      until(`${n} elements`, async () => {
        const a = await locator.count();
        return { ok: a === n, actual: a };
      }),
    notToContainText: (text: string | RegExp) =>
      until(`no text ${String(text)}`, async () => {
        const a = await textOf();
        return { ok: !matches(a, text), actual: a };
      }),
  };
}

/** What the proposal form asks besides its title, budget and SDGs, typed in as a person would. */
export interface ProposalFormEntry {
  summary: string;
  thematicAreaId?: string;
  partner: { name: string; contact: string; demandEvidence: string };
  durationMonths: number;
  innovation: string;
  expectedResults: string;
  milestones: { title: string; dueDate: string }[];
}

/** A proposal the intake accepts, for tests that are not about its contents. */
export const VALID_PROPOSAL_FORM: ProposalFormEntry = {
  summary: 'Ground temperature sensors with SMS alerts for thaw-driven landslides.',
  partner: {
    name: 'Ministry of Emergency Situations',
    contact: 'mes@example.kg',
    demandEvidence: 'Letter of intent No. 7 of 2 April 2026',
  },
  durationMonths: 12,
  innovation: 'Fibre-optic temperature sensing.',
  expectedResults: 'Six slopes monitored.',
  milestones: [
    { title: 'Sensors installed', dueDate: '2027-03-31' },
    { title: 'Alerts live', dueDate: '2027-06-30' },
  ],
};

/** Types a proposal's texts, partner, duration and milestones into the form (the title, budget and SDGs are the caller's). */
export async function fillProposalForm(page: Page, e: ProposalFormEntry = VALID_PROPOSAL_FORM): Promise<void> {
  await page.locator('#f-summary').fill(e.summary);
  await page.locator('#f-thematicAreaId').selectOption(e.thematicAreaId ?? 'climate-adaptation');
  await page.locator('#f-nationalPartner-name').fill(e.partner.name);
  await page.locator('#f-nationalPartner-contact').fill(e.partner.contact);
  await page.locator('#f-nationalPartner-demandEvidence').fill(e.partner.demandEvidence);
  await page.locator('#f-durationMonths').fill(String(e.durationMonths));
  await page.locator('#f-innovation').fill(e.innovation);
  await page.locator('#f-expectedResults').fill(e.expectedResults);
  for (const [i, m] of e.milestones.entries()) {
    await page.locator(`#f-milestones-${i}-title`).fill(m.title);
    await page.locator(`#f-milestones-${i}-dueDate`).fill(m.dueDate);
  }
}

/** One budget line of the proposal form typed in (row `i`); amounts in USD. */
export async function fillBudgetLine(
  page: Page,
  i: number,
  line: {
    category?: string;
    description: string;
    unit: string;
    quantity: number;
    unitCost: number;
    requested: number;
    cash?: number;
    inKind?: number;
  },
): Promise<void> {
  if (line.category) await page.locator(`#f-budget-${i}-category`).selectOption(line.category);
  await page.locator(`#f-budget-${i}-description`).fill(line.description);
  await page.locator(`#f-budget-${i}-unit`).fill(line.unit);
  await page.locator(`#f-budget-${i}-quantity`).fill(String(line.quantity));
  await page.locator(`#f-budget-${i}-unitCostUsd`).fill(String(line.unitCost));
  await page.locator(`#f-budget-${i}-requestedUsd`).fill(String(line.requested));
  await page.locator(`#f-budget-${i}-coFinancingCashUsd`).fill(String(line.cash ?? 0));
  await page.locator(`#f-budget-${i}-coFinancingInKindUsd`).fill(String(line.inKind ?? 0));
}

/** USD 30,000 requested and 8,000 co-financed (21%), as two lines. */
export async function fillValidBudget(page: Page): Promise<void> {
  await fillBudgetLine(page, 0, {
    category: 'personnel',
    description: 'Engineers',
    unit: 'person-month',
    quantity: 10,
    unitCost: 2_200,
    requested: 22_000,
  });
  await fillBudgetLine(page, 1, {
    category: 'equipment',
    description: 'Sensors',
    unit: 'lot',
    quantity: 1,
    unitCost: 16_000,
    requested: 8_000,
    cash: 5_000,
    inKind: 3_000,
  });
}

/** Uploads a file to the caller's staged documents (POST /documents) and answers its id, for an application's `documentIds`. */
export async function stageDocument(
  h: WebHarness,
  who: DemoKey | { email: string },
  documentType: string,
  text: string,
): Promise<string> {
  const form = new FormData();
  form.append('documentType', documentType);
  form.append('file', new Blob([`${text} ${Math.random()}`]), `${documentType}.txt`);
  const res = await fetch(`${h.baseUrl}/documents`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${await h.token(who)}`, Accept: 'application/json' },
    body: form,
  });
  if (res.status !== 201) throw new Error(`staging ${documentType}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { items: { id: string }[] }).items[0].id;
}
