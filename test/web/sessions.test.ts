import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_USERS } from '../../domain/demo';
import { startApiHarness, type ApiHarness } from '../api/harness';
import { proposalFormFields } from '../fixtures/payloads';
import { eventually } from '../helpers/wait';

/**
 * The web app's sessions and forms as a browser (or an attacker with a copied cookie) uses them,
 * over HTTP: sessions live server-side and sign-out ends them; the CSRF token is bound to the
 * session; a creating or deciding form sent twice acts once.
 */
let h: ApiHarness;
let server: Server;
let base: string;

beforeAll(async () => {
  h = await startApiHarness('web-sessions');
  server = h.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h?.stop();
});

/** A cookie jar and a form poster: what a browser does, without one. */
class Browser {
  readonly cookies = new Map<string, string>();

  private header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string): Promise<{ status: number; location: string | null; html: string }> {
    const res = await fetch(`${base}${path}`, {
      headers: { Cookie: this.header(), Accept: 'text/html' },
      redirect: 'manual',
    });
    this.keep(res);
    return { status: res.status, location: res.headers.get('location'), html: await res.text() };
  }

  async post(
    path: string,
    form: Record<string, string | string[]>,
  ): Promise<{ status: number; location: string | null; html: string }> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { Cookie: this.header(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
      redirect: 'manual',
    });
    this.keep(res);
    return { status: res.status, location: res.headers.get('location'), html: await res.text() };
  }

  /** The CSRF token and other hidden fields of the first form on a page. */
  static hidden(html: string, name: string): string {
    const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
    if (!m) throw new Error(`no hidden ${name}`);
    return m[1];
  }

  async signIn(email: string): Promise<string> {
    const page = await this.get('/app/sign-in');
    const res = await this.post('/app/sign-in', { _csrf: Browser.hidden(page.html, '_csrf'), email, next: '/app' });
    if (res.status !== 303 || !this.cookies.get('rud_session')) throw new Error(`sign-in ${email}: ${res.status}`);
    return this.cookies.get('rud_session')!;
  }
}

test('sign-out ends the session on the server: a copied session cookie stops working', async () => {
  const browser = new Browser();
  const cookie = await browser.signIn(DEMO_USERS.fundManager.email);
  expect(cookie).not.toMatch(/eyJ/); // the bearer token never leaves the server
  const inbox = await browser.get('/app/inbox');
  expect(inbox.status).toBe(200);
  const thief = new Browser();
  thief.cookies.set('rud_session', cookie);
  expect((await thief.get('/app/inbox')).status).toBe(200);

  const out = await browser.post('/app/sign-out', { _csrf: Browser.hidden(inbox.html, '_csrf') });
  expect(out.status).toBe(303);
  const copied = await thief.get('/app/inbox');
  expect(copied.status).toBe(303);
  expect(copied.location).toMatch(/^\/app\/sign-in/);
  const rows = await h.db.prisma.webSession.findMany({ where: { userId: DEMO_USERS.fundManager.id } });
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((r) => r.revokedAt !== null)).toBe(true);
  expect(JSON.stringify(rows)).not.toMatch(/eyJ/); // nor is it readable in the table
});

test('sessions are revocable: all sessions of a user end at once', async () => {
  const a = new Browser();
  const b = new Browser();
  await a.signIn(DEMO_USERS.coTj.email);
  await b.signIn(DEMO_USERS.coTj.email);
  expect((await a.get('/app/inbox')).status).toBe(200);
  const { SessionStore, CookieJar } = await import('../../web/session');
  expect(await new SessionStore(h.db.prisma, new CookieJar('unused', false)).revokeUser(DEMO_USERS.coTj.id)).toBe(2);
  expect((await a.get('/app/inbox')).status).toBe(303);
  expect((await b.get('/app/inbox')).status).toBe(303);
});

test("the CSRF token is bound to the session: an attacker-chosen cookie and field, or another session's token, are refused", async () => {
  const victim = new Browser();
  await victim.signIn(DEMO_USERS.applicant.email);
  const page = await victim.get('/app/proposals');
  const token = Browser.hidden(page.html, '_csrf');
  const attacker = new Browser();
  await attacker.signIn(DEMO_USERS.applicant2.email);
  const attackerToken = Browser.hidden((await attacker.get('/app/proposals')).html, '_csrf');
  expect(attackerToken).not.toBe(token);

  // Double-submit with a pair of the attacker's choosing (cookie planted, same value in the field).
  victim.cookies.set('rud_csrf', 'attacker-chosen-value-0123456789');
  expect(
    (await victim.post('/app/lang', { _csrf: 'attacker-chosen-value-0123456789', lang: 'ru', next: '/app' })).status,
  ).toBe(403);
  // A valid token of another session.
  expect((await victim.post('/app/lang', { _csrf: attackerToken, lang: 'ru', next: '/app' })).status).toBe(403);
  // The session's own token.
  const ok = await victim.post('/app/lang', { _csrf: token, lang: 'ru', next: '/app' });
  expect(ok.status).toBe(303);
  // Signed out, a form needs the token of this browser's own anonymous nonce.
  const anon = new Browser();
  const signIn = await anon.get('/app/sign-in');
  anon.cookies.set('rud_csrf', 'attacker-chosen-value-0123456789');
  expect(
    (await anon.post('/app/sign-in', { _csrf: 'attacker-chosen-value-0123456789', email: DEMO_USERS.applicant.email }))
      .status,
  ).toBe(403);
  expect(
    (
      await anon.post('/app/sign-in', {
        _csrf: Browser.hidden(signIn.html, '_csrf'),
        email: DEMO_USERS.applicant.email,
      })
    ).status,
  ).toBe(403);
});

test('a creating form sent twice creates once, with or without its hidden key', async () => {
  const browser = new Browser();
  await browser.signIn(DEMO_USERS.applicant.email);
  const page = await browser.get('/app/proposals/new?call=call-kg');
  expect(page.status).toBe(200);
  const fields = { _csrf: Browser.hidden(page.html, '_csrf'), ...proposalFormFields() };
  for (const [title, withKey] of [
    ['Sent twice with its key', true],
    ['Sent twice without a key', false],
  ] as const) {
    const form = {
      ...fields,
      title,
      ...(withKey ? { idempotencyKey: Browser.hidden(page.html, 'idempotencyKey') } : {}),
    };
    const first = await browser.post('/app/proposals/new', form);
    const second = await browser.post('/app/proposals/new', form);
    expect({ title, first: first.status, second: second.status }).toEqual({ title, first: 303, second: 303 });
    expect(second.location).toBe(first.location);
    expect(await h.db.prisma.proposal.count({ where: { title } })).toBe(1);
  }
  // The decision form too: the second submission answers like the first, one decision.
  const proposal = await h.db.prisma.proposal.findFirstOrThrow({ where: { title: 'Sent twice with its key' } });
  const task = await eventually(() =>
    h.db.prisma.task.findFirst({ where: { subjectId: proposal.id, kind: 'co_endorsement', status: 'open' } }),
  );
  const co = new Browser();
  await co.signIn(DEMO_USERS.coKg.email);
  const taskPage = await co.get(`/app/tasks/${encodeURIComponent(task.id)}`);
  const decide = {
    _csrf: Browser.hidden(taskPage.html, '_csrf'),
    idempotencyKey: Browser.hidden(taskPage.html, 'idempotencyKey'),
    decision: 'endorse',
  };
  const d1 = await co.post(`/app/tasks/${encodeURIComponent(task.id)}/decide`, decide);
  const d2 = await co.post(`/app/tasks/${encodeURIComponent(task.id)}/decide`, decide);
  expect({ d1: d1.status, d2: d2.status, same: d2.location === d1.location }).toEqual({ d1: 303, d2: 303, same: true });
  expect(await h.db.prisma.auditEvent.count({ where: { workflowId: task.workflowId, action: 'decision' } })).toBe(1);
});
