import express from 'express';
import request from 'supertest';
import { browserRedirects, safeNext } from '../../web';
import { proposalChanges, proposalPayload, proposalValuesFrom, proposalValuesOf, num } from '../../web/forms';
import { html, raw } from '../../web/html';
import {
  checkAlignment,
  checkGrant,
  checkIndividualContract,
  RULE_SETS,
  ruleSetInForce,
  type AlignmentFacts,
  type GrantFacts,
  type IndividualContractFacts,
} from '../../domain/policy';
import { requestFindings } from '../../domain/expert-request';
import { SOLE_MEMBER_BLOCK } from '../../domain/reassignment';
import { findingText } from '../../web/findings';
import { apiMessage, DICTIONARY, t } from '../../web/i18n';
import { expertRequestPayload, proposalFormFields } from '../fixtures/payloads';
import { CookieJar } from '../../web/session';
import { mapDetails } from '../../web/ui';
import { historyLines, type TimelineEvent } from '../../web/views';

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
  expect(apiMessage('en', 'Invalid input: expected string, received undefined')).toBe('This field is required');
  expect(apiMessage('ru', 'Invalid input: expected string, received undefined')).toBe('Обязательное поле');
  expect(apiMessage('ru', 'amounts sum to 6000 but contractValueUsd is 7000')).toBe(
    'Сумма по результатам — 6000, а стоимость договора — 7000',
  );
  expect(apiMessage('en', 'Too big: expected number to be <=100')).toBe('Must be at most 100');
  expect(apiMessage('ru', 'Too small: expected array to have >=1 items')).toBe('Выберите или добавьте не менее 1');
  expect(apiMessage('en', 'Invalid option: expected one of "en"|"ru"')).toBe('Choose one of the options');
  // A message the dictionary does not know: as it is in English, never English on a Russian page.
  expect(apiMessage('en', 'something new')).toBe('something new');
  expect(apiMessage('ru', 'something new')).toBe('Значение не принято.');
  expect(apiMessage('ru', "u-reviewer-3 belongs to the applicant's institution")).toBe(
    'Рецензент работает в организации заявителя: выберите другого',
  );
  expect(apiMessage('ru', SOLE_MEMBER_BLOCK)).toMatch(/^Задача ждёт сотрудников организации/);
  expect(apiMessage('en', SOLE_MEMBER_BLOCK)).toMatch(/a colleague must join the institution first$/);
});

test('policy findings are worded in both languages from their rule code and figures', () => {
  const current = ruleSetInForce(RULE_SETS, '2026-11-26');
  const earlier = ruleSetInForce(RULE_SETS, '2024-06-01');
  const grant = (o: Partial<GrantFacts> = {}): GrantFacts => ({
    requestedCents: 3_000_000,
    coFinancingCents: 800_000,
    callMinCents: 1_000_000,
    callMaxCents: 4_000_000,
    callCoFinancingMinPct: 20,
    callOpensAt: '2026-01-01',
    callClosesAt: '2026-12-31',
    submittedAt: '2026-06-01T10:00:00Z',
    countryEligible: true,
    localPartnerEvidence: 'MoU 1',
    cumulativeAwardedToInstitutionCents: 0,
    durationMonths: 12,
    callMaxDurationMonths: 18,
    ...o,
  });
  const contract = (o: Partial<IndividualContractFacts> = {}): IndividualContractFacts => ({
    contractValueCents: 600_000,
    deliverables: [{ amountCents: 200_000 }, { amountCents: 400_000 }],
    paymentBasis: 'lump_sum',
    candidatesCompared: 3,
    competitive: true,
    dailyFeeCents: 30_000,
    workingDays: 20,
    modality: 'mission',
    perDiemCents: 15_000,
    dsaRateCents: 20_000,
    financialWeightPct: 30,
    ...o,
  });
  const framework = {
    periodStart: '2023-01-01',
    periodEnd: '2027-12-31',
    outcomes: [{ code: '1.2', sdgs: [13], thematicAreaIds: ['climate-adaptation'] }],
  };
  const align = (o: Partial<AlignmentFacts> = {}) =>
    checkAlignment({
      countryEligible: true,
      framework,
      startDate: '2026-06-01',
      endDate: '2027-06-01',
      sdgs: [13],
      thematicAreaId: 'climate-adaptation',
      ...o,
    }).reasons;
  const findings = [
    ...checkGrant(current, grant()).findings,
    ...checkGrant(
      current,
      grant({
        requestedCents: 20_000_000,
        coFinancingCents: 0,
        submittedAt: '2027-02-01',
        countryEligible: false,
        localPartnerEvidence: '',
        cumulativeAwardedToInstitutionCents: 30_000_000,
        durationMonths: 30,
      }),
    ).findings,
    ...checkIndividualContract(current, contract()).findings,
    ...checkIndividualContract(
      current,
      contract({
        competitive: false,
        candidatesCompared: 1,
        contractValueCents: 1_000_000,
        deliverables: [{ amountCents: 1_000_000 }],
        dailyFeeCents: 200_000,
        perDiemCents: 30_000,
        financialWeightPct: 10,
      }),
    ).findings,
    ...checkIndividualContract(
      current,
      contract({
        competitive: false,
        contractValueCents: 1_000_000,
        deliverables: [],
        bureauDirectorApproved: true,
        dailyFeeCents: 200_000,
        modality: 'online',
      }),
    ).findings,
    ...checkIndividualContract(
      current,
      contract({
        competitive: false,
        contractValueCents: 40_000_000,
        deliverables: [{ amountCents: 0 }, { amountCents: 40_000_000 }],
        paymentBasis: 'time_based',
        dsaRateCents: null,
      }),
    ).findings,
    ...checkIndividualContract(earlier, contract({ paymentBasis: 'time_based' })).findings,
    ...align(),
    ...align({ countryEligible: false, framework: null }),
    ...align({ endDate: '2029-01-01', sdgs: [3] }),
    ...align({ sdgs: [3], thematicAreaId: 'health' }),
    ...requestFindings(expertRequestPayload(), 'KG'),
    ...requestFindings({ ...expertRequestPayload(), contractValueUsd: 1 }, 'TJ'),
    { rule: 'call_exists', outcome: 'fail', data: { callId: 'call-x' } },
    { rule: 'thematic_area_known', outcome: 'pass', data: { thematicAreaId: 'health' } },
    { rule: 'thematic_area_known', outcome: 'fail', data: { thematicAreaId: 'x' } },
  ];
  const fallback = (lang: 'en' | 'ru') => t(lang, 'finding.unknown', { rule: '', outcome: '' }).slice(0, 8);
  const seen = new Set<string>();
  for (const f of findings) {
    const en = findingText('en', f);
    const ru = findingText('ru', f);
    seen.add(`${f.rule}.${f.outcome}`);
    expect({
      rule: f.rule,
      outcome: f.outcome,
      en: en.startsWith(fallback('en')),
      ru: ru.startsWith(fallback('ru')),
    }).toEqual({ rule: f.rule, outcome: f.outcome, en: false, ru: false });
    expect({ rule: f.rule, en: /\{\w+\}|undefined|NaN/.test(en), ru: /\{\w+\}|undefined|NaN/.test(ru) }).toEqual({
      rule: f.rule,
      en: false,
      ru: false,
    });
    expect({ rule: f.rule, outcome: f.outcome, english: ru.match(/[A-Za-z]{2,}/g) }).toEqual({
      rule: f.rule,
      outcome: f.outcome,
      english: null,
    });
  }
  expect(seen.size).toBeGreaterThanOrEqual(45);
  expect(
    findingText(
      'ru',
      checkGrant(current, grant({ coFinancingCents: 100_000 })).findings.find((f) => f.rule === 'co_financing_min')!,
    ),
  ).toMatch(
    /^Софинансирование 1\s000 долларов США составляет 3,23% общего бюджета 31\s000 долларов США; требуется не менее 20% \(7\s500 долларов США для этого гранта\)\.$/,
  );
  // A rule the dictionary does not know yet is still said in the reader's language.
  expect(findingText('ru', { rule: 'new_rule', outcome: 'fail', data: {} })).toBe('Правило «new rule»: Не выполнено.');
});

test('History: one line per action, with its comment; no task bookkeeping', () => {
  let id = 0;
  const ev = (
    at: string,
    action: string,
    actorId: string | null,
    extra: Partial<TimelineEvent> = {},
  ): TimelineEvent => ({
    id: ++id,
    at: `2026-12-01T10:${at}:00.000Z`,
    action,
    actorId,
    actorRole: actorId ? 'co_approver' : 'system',
    fromStage: null,
    toStage: null,
    comment: null,
    data: null,
    ...extra,
  });
  const events = [
    ev('00', 'task_opened', null, { data: { taskId: 'proposal-p:co_endorsement:1' } }),
    ev('01', 'decision', 'co', {
      comment: 'Fits outcome 2',
      data: { taskId: 'proposal-p:co_endorsement:1', decision: 'endorse' },
    }),
    ev('01', 'endorsed', 'co', { fromStage: 'co_endorsement', toStage: 'alignment_check' }),
    ev('01', 'task_opened', null, { data: { taskId: 'proposal-p:assign_reviewers:1' } }),
    ev('02', 'decision', 'expert-a', { data: { taskId: 'er:invitation_response:a:1', decision: 'accept' } }),
    ev('02', 'invitations_closed', null),
    ev('03', 'decision', 'applicant', {
      data: { taskId: 'proposal-p:contract_signature:applicant:1', decision: 'sign' },
    }),
    ev('04', 'decision', 'co', { data: { taskId: 'proposal-p:contract_signature:co:1', decision: 'sign' } }),
    ev('04', 'contract_signed', null, { fromStage: 'contracting', toStage: 'mission' }),
    ev('05', 'decision', 'co', {
      comment: 'Verified on site',
      data: { taskId: 'proposal-p:report_verification:m1:1', decision: 'accept' },
    }),
    ev('05', 'tranche_released', 'co', { data: { milestone: 1, amountCents: 1_200_000 } }),
    ev('06', 'task_reminder', null),
  ];
  const lines = historyLines(events, { privileged: true }).map((e) => [
    e.action,
    e.actorId,
    e.comment,
    (e.data as { decision?: string } | null)?.decision ?? null,
  ]);
  expect(lines).toEqual([
    ['endorsed', 'co', 'Fits outcome 2', null],
    ['decision', 'expert-a', null, 'accept'], // an expert's answer is not what closed the invitations
    ['invitations_closed', null, null, null],
    ['decision', 'applicant', null, 'sign'],
    ['contract_signed', 'co', null, null], // the second signature put the contract in force
    ['tranche_released', 'co', 'Verified on site', null],
  ]);
});

test('HTML is escaped unless marked safe', () => {
  const evil = '<script>alert("x")</script>';
  expect(html`<p>${evil}</p>`.value).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
  expect(html`<p>${raw('<b>ok</b>')}${[1, ' & ', 2]}</p>`.value).toBe('<p><b>ok</b>1 &amp; 2</p>');
});

test('API error details land on the field they name; the rest in the summary', () => {
  const state = mapDetails(
    'en',
    [
      { path: 'milestones.1.dueDate', message: 'must be a calendar date YYYY-MM-DD' },
      { path: 'nationalPartner', message: 'Invalid input: expected object, received undefined' },
      { path: 'deliverables', message: 'amounts sum to 1 but contractValueUsd is 2' },
      { path: 'somethingElse', message: 'unknown field' },
    ],
    ['milestones', 'milestones.1.dueDate', 'nationalPartner.name', 'deliverables'],
  );
  expect(Object.fromEntries(state.errors)).toEqual({
    'milestones.1.dueDate': ['Enter a date that exists on the calendar'],
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
    ...proposalFormFields(),
    title: 'T',
    'milestones.1.title': '',
    'milestones.1.dueDate': '',
    'milestones.1.description': '',
  };
  const payload = proposalPayload(proposalValuesFrom(body));
  expect(payload).toEqual({
    callId: 'call-kg',
    title: 'T',
    summary: 'S',
    countryCode: 'KG',
    nationalPartner: { name: 'N', contact: 'C', demandEvidence: 'E' },
    sdgs: [13, 11],
    thematicAreaId: 'climate-adaptation',
    budget: [
      {
        category: 'equipment',
        description: 'Sensors',
        unit: 'lot',
        quantity: 1,
        unitCostUsd: 38000,
        requestedUsd: 30000,
        coFinancingCashUsd: 8000,
        coFinancingInKindUsd: 0,
      },
    ],
    durationMonths: 12,
    innovation: 'I',
    expectedResults: 'R',
    milestones: [{ title: 'M1', dueDate: '2027-03-31' }],
  });
  const original = proposalPayload(proposalValuesOf(payload as unknown as Parameters<typeof proposalValuesOf>[0]));
  expect(
    proposalChanges(
      proposalValuesFrom({ ...body, title: 'New title', 'nationalPartner.contact': 'new@example.kg' }),
      original,
    ),
  ).toEqual({
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
  for (const bad of ['https://evil.example.org/app', '//evil.example.org/app', '/api', '/app\\..\\x', 42])
    expect(safeNext(bad)).toBe('/app');
});

test('mail links: browsers are redirected to the page, API clients pass through', async () => {
  const app = express();
  app.use(browserRedirects());
  app.get('/tasks/:id', (req, res) => res.json({ id: req.params.id }));
  const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  const task = await request(app).get('/tasks/proposal-p-1%3Aco_endorsement%3A1').set('Accept', browserAccept);
  expect(task.status).toBe(302);
  expect(task.headers.location).toBe('/app/tasks/proposal-p-1%3Aco_endorsement%3A1');
  expect((await request(app).get('/proposals/p-1').set('Accept', browserAccept)).headers.location).toBe(
    '/app/proposals/p-1',
  );
  expect((await request(app).get('/expert-requests/er-1').set('Accept', browserAccept)).headers.location).toBe(
    '/app/expert-requests/er-1',
  );
  expect((await request(app).get('/').set('Accept', browserAccept)).headers.location).toBe('/app');
  const json = await request(app).get('/tasks/t-1').set('Accept', 'application/json');
  expect(json.status).toBe(200);
  expect(json.body).toEqual({ id: 't-1' });
  expect((await request(app).get('/tasks/t-1').set('Accept', '*/*')).status).toBe(200);
  expect((await request(app).get('/tasks/t-1')).status).toBe(200);
});
