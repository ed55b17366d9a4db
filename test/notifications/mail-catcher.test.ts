import pino from 'pino';
import { startMailCatcher, type MailCatcher } from '../../lib/mail-catcher';
import { createMailer, isPermanentMailError } from '../../lib/mailer';
import { mailerFor } from './fixtures';

let catcher: MailCatcher;
beforeAll(async () => {
  catcher = await startMailCatcher({
    smtpPort: 0,
    uiPort: 0,
    host: '127.0.0.1',
    maxMessages: 3,
    log: pino({ level: 'silent' }),
  });
});
afterAll(async () => {
  await catcher?.stop();
});

const ui = (path: string) => fetch(`http://127.0.0.1:${catcher.uiPort}${path}`);

test('catches mail, drops resends with the same Message-ID, keeps only the newest', async () => {
  const mailer = mailerFor(catcher.smtpPort);
  const mail = (n: number) => ({
    to: `user${n}@example.org`,
    subject: `Mail ${n}`,
    text: `Body ${n}`,
    html: `<p>Body ${n}</p>`,
    messageId: `<m${n}@rus-undp>`,
  });
  await mailer.send(mail(1));
  await mailer.send(mail(1)); // the outbox resending after a crash
  expect(catcher.messages()).toHaveLength(1);
  expect(catcher.duplicates()).toBe(1);

  for (const n of [2, 3, 4]) await mailer.send(mail(n));
  expect(catcher.messages().map((m) => m.subject)).toEqual(['Mail 4', 'Mail 3', 'Mail 2']);
  expect(catcher.messages()[0]).toMatchObject({
    to: ['user4@example.org'],
    messageId: '<m4@rus-undp>',
    text: 'Body 4',
    html: '<p>Body 4</p>',
  });
  mailer.close();
});

test('accepts any credentials, so a configured SMTP_USER works locally', async () => {
  const mailer = createMailer({
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: catcher.smtpPort,
    SMTP_SECURE: false,
    SMTP_USER: 'dev',
    SMTP_PASSWORD: 'whatever',
    SMTP_FROM: 'x@rus-undp.local',
  });
  await mailer.send({
    to: 'auth@example.org',
    subject: 'With auth',
    text: 't',
    html: '<p>t</p>',
    messageId: '<auth@rus-undp>',
  });
  expect(catcher.messages()[0].subject).toBe('With auth');
  mailer.close();
});

test('the web inbox lists, shows and serves JSON, escaping everything', async () => {
  catcher.clear();
  const mailer = mailerFor(catcher.smtpPort);
  await mailer.send({
    to: 'x@example.org',
    subject: '<script>alert(1)</script>',
    text: 'a <b>bold</b> claim',
    html: '<p onclick="x()">Hi <script>evil()</script></p>',
    messageId: '<xss@rus-undp>',
  });
  mailer.close();
  const [mail] = catcher.messages();

  const list = await ui('/');
  expect(list.status).toBe(200);
  expect(list.headers.get('content-security-policy')).toContain("default-src 'none'");
  const listHtml = await list.text();
  expect(listHtml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(listHtml).not.toContain('<script>');
  expect(listHtml).toContain(`href="/messages/${mail.id}"`);

  const detail = await (await ui(`/messages/${mail.id}`)).text();
  expect(detail).toContain('a &lt;b&gt;bold&lt;/b&gt; claim');
  expect(detail).toContain(`<iframe sandbox src="/messages/${mail.id}/html"`);
  expect(detail).not.toContain('<script>');

  // The mail's own HTML is served as is, but only under a sandboxing CSP.
  const body = await ui(`/messages/${mail.id}/html`);
  expect(body.headers.get('content-security-policy')).toMatch(/^sandbox;/);

  const api = (await (await ui('/api/messages')).json()) as {
    messages: Array<{ subject: string }>;
    duplicates: number;
  };
  expect(api.messages.map((m) => m.subject)).toEqual(['<script>alert(1)</script>']);

  expect((await ui('/messages/999')).status).toBe(404);
  expect((await ui('/nope')).status).toBe(404);
  expect((await fetch(`http://127.0.0.1:${catcher.uiPort}/`, { method: 'POST' })).status).toBe(405);
});

test('a port already in use fails the start instead of hanging', async () => {
  await expect(
    startMailCatcher({ smtpPort: catcher.smtpPort, uiPort: 0, log: pino({ level: 'silent' }) }),
  ).rejects.toThrow(/EADDRINUSE/);
});

test('error classification: 5xx and bad envelopes are permanent; 4xx, 503, network and auth are not', () => {
  expect(isPermanentMailError({ code: 'EENVELOPE', responseCode: 550 })).toBe(true);
  expect(isPermanentMailError({ code: 'EMESSAGE', responseCode: 554 })).toBe(true);
  expect(isPermanentMailError({ code: 'EENVELOPE' })).toBe(true);
  expect(isPermanentMailError({ code: 'EENVELOPE', responseCode: 451 })).toBe(false);
  expect(isPermanentMailError({ code: 'EPROTOCOL', responseCode: 503 })).toBe(false);
  expect(isPermanentMailError({ code: 'ESOCKET' })).toBe(false);
  expect(isPermanentMailError({ code: 'ETIMEDOUT' })).toBe(false);
  expect(isPermanentMailError({ code: 'EAUTH', responseCode: 535 })).toBe(false);
  expect(isPermanentMailError(new Error('boom'))).toBe(false);
  expect(isPermanentMailError(undefined)).toBe(false);
});
