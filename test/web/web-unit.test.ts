import express from 'express';
import request from 'supertest';
import { browserRedirects, safeNext } from '../../web';
import { proposalChanges, proposalPayload, proposalValuesFrom, proposalValuesOf, num } from '../../web/forms';
import { html, raw } from '../../web/html';
import { apiMessage, DICTIONARY, t } from '../../web/i18n';
import { CookieJar } from '../../web/session';
import { mapDetails } from '../../web/ui';

/** The web app's pure parts and the mail-link redirects (OIDC sign-in: oidc.test.ts, against a real provider). */

test('every key has an English and a Russian text with the same placeholders', () => {
  const en = DICTIONARY.en as Record<string, string>;
  const ru = DICTIONARY.ru as Record<string, string>;
  expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const key of Object.keys(en)) {
    expect({ key, en: en[key].trim().length > 0, ru: ru[key].trim().length > 0 }).toEqual({ key, en: true, ru: true });
    expect({ key, ph: placeholders(ru[key]) }).toEqual({ key, ph: placeholders(en[key]) });
  }
  expect(t('ru', 'inbox.summary', { n: 3, overdue: 1 })).toBe('Открыто: 3 · просрочено: 1 · сначала ближайшие сроки');
});

test('API validation messages are shown in the user language; unknown ones as they are', () => {
  expect(apiMessage('en', 'Required')).toBe('This field is required');
  expect(apiMessage('ru', 'Required')).toBe('Обязательное поле');
  expect(apiMessage('ru', 'amounts sum to 6000 but contractValueUsd is 7000')).toBe('Сумма по результатам — 6000, а стоимость договора — 7000');
  expect(apiMessage('en', 'Number must be less than or equal to 100')).toBe('Must be at most 100');
  expect(apiMessage('ru', 'something new')).toBe('something new');
});

test('HTML is escaped unless marked safe', () => {
  const evil = '<script>alert("x")</script>';
  expect(html`<p>${evil}</p>`.value).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
  expect(html`<p>${raw('<b>ok</b>')}${[1, ' & ', 2]}</p>`.value).toBe('<p><b>ok</b>1 &amp; 2</p>');
});

test('API error details land on the field they name; the rest in the summary', () => {
  const state = mapDetails('en', [
    { path: 'milestones.1.dueDate', message: 'must be a date YYYY-MM-DD' },
    { path: 'nationalPartner', message: 'Required' },
    { path: 'deliverables', message: 'amounts sum to 1 but contractValueUsd is 2' },
    { path: 'somethingElse', message: 'unknown field' },
  ], ['milestones', 'milestones.1.dueDate', 'nationalPartner.name', 'deliverables']);
  expect(Object.fromEntries(state.errors)).toEqual({
    'milestones.1.dueDate': ['Enter a date'],
    'nationalPartner.name': ['This field is required'],
    deliverables: ['The deliverable amounts add up to 1, but the contract value is 2'],
  });
  expect(state.general).toEqual(['somethingElse: This field is not accepted']);
});

test('form bodies become API payloads; a resubmission carries only what changed', () => {
  expect(num('30 000,5')).toBe(30000.5);
  expect(num('')).toBeUndefined();
  expect(num('abc')).toBe('abc');
  const body = {
    callId: 'call-kg', countryCode: 'KG', title: 'T', summary: 'S', 'nationalPartner.name': 'N', 'nationalPartner.contact': 'C', 'nationalPartner.demandEvidence': 'E',
    sdgs: ['13', '11'], thematicAreaId: 'climate-adaptation', requestedAmountUsd: '30000', coFinancingUsd: '8000', durationMonths: '12', innovation: 'I', expectedResults: 'R',
    'milestones.0.title': 'M1', 'milestones.0.dueDate': '2027-03-31', 'milestones.0.description': '', 'milestones.1.title': '', 'milestones.1.dueDate': '', 'milestones.1.description': '',
  };
  const payload = proposalPayload(proposalValuesFrom(body));
  expect(payload).toEqual({
    callId: 'call-kg', title: 'T', summary: 'S', countryCode: 'KG', nationalPartner: { name: 'N', contact: 'C', demandEvidence: 'E' }, sdgs: [13, 11],
    thematicAreaId: 'climate-adaptation', requestedAmountUsd: 30000, coFinancingUsd: 8000, durationMonths: 12, innovation: 'I', expectedResults: 'R',
    milestones: [{ title: 'M1', dueDate: '2027-03-31' }],
  });
  const original = proposalPayload(proposalValuesOf(payload as unknown as Parameters<typeof proposalValuesOf>[0]));
  expect(proposalChanges(proposalValuesFrom({ ...body, title: 'New title', 'nationalPartner.contact': 'new@example.kg' }), original)).toEqual({
    title: 'New title',
    nationalPartner: { name: 'N', contact: 'new@example.kg', demandEvidence: 'E' },
  });
});

test('sealed cookies refuse tampering; only paths inside the app are followed after sign-in', () => {
  const jar = new CookieJar('a-secret-of-some-length', false);
  const sealed = jar.seal({ token: 'abc', user: { id: 'u1' }, exp: 1 });
  expect(jar.unseal(sealed)).toEqual({ token: 'abc', user: { id: 'u1' }, exp: 1 });
  const [payload, sig] = sealed.split('.');
  const forged = Buffer.from(JSON.stringify({ token: 'abc', user: { id: 'admin' }, exp: 1 })).toString('base64url');
  expect(jar.unseal(`${forged}.${sig}`)).toBeUndefined();
  expect(jar.unseal(`${payload}.x${sig.slice(1)}`)).toBeUndefined();
  expect(new CookieJar('another-secret-entirely', false).unseal(sealed)).toBeUndefined();
  expect(safeNext('/app/inbox?x=1')).toBe('/app/inbox?x=1');
  for (const bad of ['https://evil.example.org/app', '//evil.example.org/app', '/api', '/app\\..\\x', 42]) expect(safeNext(bad)).toBe('/app');
});

test('mail links: browsers are redirected to the page, API clients pass through', async () => {
  const app = express();
  app.use(browserRedirects());
  app.get('/tasks/:id', (req, res) => res.json({ id: req.params.id }));
  const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  const task = await request(app).get('/tasks/proposal-p-1%3Aco_endorsement%3A1').set('Accept', browserAccept);
  expect(task.status).toBe(302);
  expect(task.headers.location).toBe('/app/tasks/proposal-p-1%3Aco_endorsement%3A1');
  expect((await request(app).get('/proposals/p-1').set('Accept', browserAccept)).headers.location).toBe('/app/proposals/p-1');
  expect((await request(app).get('/expert-requests/er-1').set('Accept', browserAccept)).headers.location).toBe('/app/expert-requests/er-1');
  expect((await request(app).get('/').set('Accept', browserAccept)).headers.location).toBe('/app');
  const json = await request(app).get('/tasks/t-1').set('Accept', 'application/json');
  expect(json.status).toBe(200);
  expect(json.body).toEqual({ id: 't-1' });
  expect((await request(app).get('/tasks/t-1').set('Accept', '*/*')).status).toBe(200);
  expect((await request(app).get('/tasks/t-1')).status).toBe(200);
});
