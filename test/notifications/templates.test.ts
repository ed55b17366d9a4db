import { NOTIFICATION_TEMPLATES, type NotificationData } from '../../domain/notifications';
import { TASK_KINDS, type TaskKind } from '../../domain/tasks';
import { TASK_MAIL_PURPOSE } from '../../domain/registry';
import { primaryLinkOf, renderDigest, renderNotification } from '../../activities/notifications/templates';
import { cvQuarantinedMail } from '../../activities/notifications/account-mails';

const BASE = 'https://rus-undp.example.org/';
const FORBIDDEN = /undefined|null|NaN|Invalid Date|\[object Object\]/;
const CYRILLIC = /[а-яё]/i;

const full: NotificationData = {
  subjectType: 'proposal',
  subjectId: 'p-42',
  subjectTitle: 'Solar micro-grids for mountain schools',
  countryCode: 'KG',
  stage: 'co_endorsement',
  taskId: 'proposal-p-42:co_endorsement:3',
  taskKind: 'co_endorsement',
  dueAt: '2026-12-05T17:00:00.000Z',
  decision: 'request_changes',
  comment: 'Please attach the letter of intent\nfrom the Ministry of Education.',
  amountUsd: 20000,
  outcome: 'rejected',
  from: 'Aigul Toktogulova',
  fromSide: 'fund',
};

const minimal: NotificationData = {
  subjectType: 'expert_request',
  subjectId: 'er-7',
  subjectTitle: 'Feasibility study: waste-to-energy',
  countryCode: 'TJ',
};

describe.each(NOTIFICATION_TEMPLATES.map((t) => [t]))('%s', (template) => {
  test.each([['en'], ['ru']] as const)('renders in %s with every field, linking to the task', (language) => {
    const mail = renderNotification(template, language, full, { baseUrl: BASE });
    const url = 'https://rus-undp.example.org/tasks/proposal-p-42:co_endorsement:3';
    for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toMatch(FORBIDDEN);
    expect(mail.text).toContain(url);
    expect(mail.html).toContain(`href="${url}"`);
    expect(primaryLinkOf(mail.html)).toBe(url);
    expect(mail.subject).toContain('Solar micro-grids for mountain schools');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    const taskLabel = language === 'ru' ? TASK_KINDS.co_endorsement.labelRu : TASK_KINDS.co_endorsement.label;
    expect(mail.text).toContain(taskLabel);
    expect(mail.text).toContain('> Please attach the letter of intent');
    if (language === 'ru') {
      expect(mail.subject).toMatch(CYRILLIC);
      expect(mail.text).toMatch(CYRILLIC);
      expect(mail.text).toContain('Открыть задачу');
      expect(mail.text).toContain('Киргизия');
      // Apart from what users wrote (title, comment), nothing English is left.
      const templateText = mail.text
        .replace(/^> .*$/gm, '')
        .split(full.subjectTitle)
        .join('');
      expect(templateText).not.toMatch(/\b(Please|task|Open|Country|Due|the)\b/);
      expect(mail.html).toContain('lang="ru"');
    } else {
      expect(mail.subject).not.toMatch(CYRILLIC);
      expect(mail.text.replace('Please attach', '')).not.toMatch(CYRILLIC);
      expect(mail.text).toContain('Open the task');
      expect(mail.text).toContain('Kyrgyzstan');
    }
  });

  test.each([['en'], ['ru']] as const)(
    'renders in %s with only the required fields, linking to the subject',
    (language) => {
      const mail = renderNotification(template, language, minimal, { baseUrl: BASE });
      for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toMatch(FORBIDDEN);
      expect(mail.text).toContain('https://rus-undp.example.org/expert-requests/er-7');
      // A message links to the thread on the subject's page.
      const anchor = template === 'message_posted' ? '#messages' : '';
      expect(primaryLinkOf(mail.html)).toBe(`https://rus-undp.example.org/expert-requests/er-7${anchor}`);
      if (language === 'ru') expect(mail.text).toMatch(CYRILLIC);
    },
  );
});

test('a proposal without a task links to the proposal', () => {
  const mail = renderNotification(
    'decision_outcome',
    'en',
    { ...full, taskId: undefined },
    { baseUrl: 'http://localhost:3000' },
  );
  expect(primaryLinkOf(mail.html)).toBe('http://localhost:3000/proposals/p-42');
  expect(mail.text).toContain('Open the proposal: http://localhost:3000/proposals/p-42');
});

test('money, dates and decisions are written out per language', () => {
  const en = renderNotification('payment_released', 'en', { ...full, amountUsd: 12500.5 }, { baseUrl: BASE });
  expect(en.subject).toContain('USD 12,500.50');
  expect(en.text).toContain('5 December 2026 at 17:00 UTC');
  const ru = renderNotification('payment_released', 'ru', { ...full, amountUsd: 12500.5 }, { baseUrl: BASE });
  expect(ru.subject).toMatch(/12\s500,50 доллара США/);
  expect(ru.text).toContain('5 декабря 2026');
  const decision = renderNotification('decision_outcome', 'ru', { ...full, decision: 'endorse' }, { baseUrl: BASE });
  expect(decision.subject).toContain('одобрено');
});

test('bad optional values are left out instead of printed', () => {
  const odd = {
    ...minimal,
    dueAt: 'not a date',
    amountUsd: Number.NaN,
    taskKind: 'no_such_kind',
    comment: '   ',
    decision: '',
    countryCode: '',
  };
  for (const template of NOTIFICATION_TEMPLATES) {
    for (const language of ['en', 'ru'] as const) {
      const mail = renderNotification(template, language, odd, { baseUrl: BASE });
      for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toMatch(FORBIDDEN);
    }
  }
});

test('HTML escapes everything that came from data, and the primary link cannot be spoofed', () => {
  const hostile: NotificationData = {
    ...full,
    subjectTitle: '<script>alert(1)</script> & "Co" <a class="primary-link" href="https://evil.example">',
    comment: '<img src=x onerror=alert(2)>',
    taskId: 'x"><script>',
  };
  const mail = renderNotification('task_assigned', 'en', hostile, { baseUrl: BASE });
  expect(mail.html).not.toContain('<script>');
  expect(mail.html).not.toContain('<img');
  expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
  expect(primaryLinkOf(mail.html)).toBe('https://rus-undp.example.org/tasks/x%22%3E%3Cscript%3E');
  // Plain text stays plain.
  expect(mail.text).toContain('<script>alert(1)</script>');
});

describe('daily digest', () => {
  const items = [
    {
      kind: 'event' as const,
      subject: '[Russia-UNDP Partnership] Payment released: USD 8,000 – Solar',
      at: new Date('2026-11-25T09:00:00Z'),
      url: `${BASE}proposals/p-1`,
    },
    { kind: 'event' as const, subject: 'Decision on “Water” <b>', at: new Date('2026-11-25T10:00:00Z') },
    {
      kind: 'overdue_task' as const,
      taskId: 'proposal-p-2:co_endorsement:1',
      taskKind: 'co_endorsement',
      title: 'Endorse: Water',
      countryCode: 'TJ',
      dueAt: new Date('2026-11-20T12:00:00Z'),
    },
  ];

  test('English', () => {
    const mail = renderDigest('en', items, BASE, '2026-11-26');
    expect(mail.subject).toBe('[Russia-UNDP Partnership] Daily digest for 2026-11-26: 2 updates, 1 overdue task');
    expect(mail.text).toContain('https://rus-undp.example.org/proposals/p-1');
    expect(mail.text).toContain('https://rus-undp.example.org/tasks/proposal-p-2:co_endorsement:1');
    expect(mail.text).toContain(
      'Endorse on behalf of the Country Office – Endorse: Water – Tajikistan – due 20 November 2026',
    );
    expect(mail.html).toContain('Decision on “Water” &lt;b&gt;');
    for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toMatch(FORBIDDEN);
  });

  test('Russian, with Russian plurals', () => {
    const mail = renderDigest('ru', items, BASE);
    expect(mail.subject).toBe('[Партнёрство Россия–ПРООН] Ежедневная сводка: 2 события, 1 просроченная задача');
    expect(mail.text).toContain('Одобрение страновым офисом – Endorse: Water – Таджикистан – срок 20 ноября 2026');
    const five = renderDigest(
      'ru',
      Array.from({ length: 5 }, () => items[0]),
      BASE,
    );
    expect(five.subject).toContain('5 событий, 0 просроченных задач');
    for (const part of [mail.subject, mail.text, mail.html, five.text]) expect(part).not.toMatch(FORBIDDEN);
  });
});

describe('every task kind sends the mail of its own task', () => {
  const kinds = Object.keys(TASK_KINDS) as TaskKind[];
  /** The template a kind's mail may use, from what the task asks (its decisions' data). */
  function fitting(kind: TaskKind): string {
    const data = Object.values(TASK_KINDS[kind].decisions as Record<string, { data: string }>).map((d) => d.data);
    if (data.includes('proposalChanges')) return 'changes_requested';
    if (data.includes('invitationAccept')) return 'expert_invitation';
    if ('sign' in TASK_KINDS[kind].decisions) return 'contract_to_sign';
    if (data.every((d) => d === 'evaluation' || d === 'feedback')) return 'evaluation_requested';
    return 'task_assigned';
  }

  test.each(kinds.map((k) => [k]))('%s', (kind) => {
    const template = TASK_KINDS[kind].mail;
    expect({ kind, template }).toEqual({ kind, template: fitting(kind) });
    for (const language of ['en', 'ru'] as const) {
      const mail = renderNotification(
        template,
        language,
        { ...full, taskKind: kind, comment: undefined },
        { baseUrl: BASE },
      );
      const label = language === 'ru' ? TASK_KINDS[kind].labelRu : TASK_KINDS[kind].label;
      expect(mail.text).toContain(label);
      // Its own sentence, and no other kind's.
      expect(mail.text).toContain(TASK_MAIL_PURPOSE[kind][language]);
      for (const other of kinds)
        if (other !== kind && TASK_MAIL_PURPOSE[other][language] !== TASK_MAIL_PURPOSE[kind][language])
          expect(mail.text).not.toContain(TASK_MAIL_PURPOSE[other][language]);
      // The expert roster is fed by the ratings of experts only.
      if (kind !== 'expert_evaluation') expect(mail.text).not.toMatch(/feed the expert roster|учитываются в реестре/i);
    }
  });

  test('the applicant’s final report is asked for as a report, not as an evaluation', () => {
    const mail = renderNotification(
      TASK_KINDS.final_report.mail,
      'en',
      { ...full, taskKind: 'final_report' },
      { baseUrl: BASE },
    );
    expect(mail.subject).toContain('Submit the final report');
    expect(mail.subject).not.toMatch(/evaluat/i);
  });
});

test('a payment mail names its milestone or deliverable: two equal tranches are two different mails', () => {
  const pay = (
    milestoneSeq: number,
    milestoneTitle: string,
    language: 'en' | 'ru',
    subjectType: NotificationData['subjectType'] = 'proposal',
  ) =>
    renderNotification(
      'payment_released',
      language,
      { ...full, subjectType, taskId: undefined, taskKind: undefined, amountUsd: 12000, milestoneSeq, milestoneTitle },
      { baseUrl: BASE },
    );
  const first = pay(1, 'Sensors installed', 'en');
  const second = pay(2, 'Alerts tested with the villages', 'en');
  expect(first.subject).not.toBe(second.subject);
  expect(first.text).not.toBe(second.text);
  expect(first.subject).toContain('USD 12,000 for milestone 1 “Sensors installed”');
  expect(second.text).toContain('milestone 2 “Alerts tested with the villages”');
  expect(pay(1, 'Сенсоры установлены', 'ru').subject).toContain('за этап 1 «Сенсоры установлены»');
  expect(pay(3, 'Hazard maps', 'en', 'expert_request').subject).toContain('for deliverable 3 “Hazard maps”');
  expect(pay(3, 'Карты', 'ru', 'expert_request').text).toContain('за результат 3 «Карты»');
});

test('Russian mails: every template, for every task kind and outcome, has no English word', () => {
  // What people wrote is Russian here, so any Latin word left comes from a template.
  const russian: NotificationData = {
    ...full,
    subjectTitle: 'Раннее оповещение о прорыве ледниковых озёр',
    comment: 'Приложите письмо министерства.',
    from: 'Айгуль Токтогулова',
    milestoneSeq: 2,
    milestoneTitle: 'Датчики установлены',
    reasons: [
      {
        rule: 'co_financing_min',
        outcome: 'fail',
        data: {
          coFinancingCents: 100_000,
          totalBudgetCents: 3_100_000,
          actualPct: 3.23,
          requiredPct: 20,
          minimumCoFinancingCents: 750_000,
        },
      },
      {
        rule: 'amount_within_call_limits',
        outcome: 'fail',
        data: { requestedCents: 5_000_000, callMinCents: 1_000_000, callMaxCents: 4_000_000 },
      },
    ],
  };
  const ALLOWED = new Set(['UTC']);
  const latin = (text: string) =>
    text
      .replace(/https?:\/\/\S+/g, '')
      .match(/[A-Za-z]{2,}/g)
      ?.filter((w) => !ALLOWED.has(w)) ?? null;
  const outcomes = [
    'ineligible',
    'co_rejected',
    'not_aligned',
    'selected',
    'waitlisted',
    'contract_signed',
    'evaluated',
    'withdraw',
    'signature_declined',
    'no_candidate',
    'expert_selected',
    'policy_failed',
  ];
  for (const template of NOTIFICATION_TEMPLATES) {
    for (const kind of Object.keys(TASK_KINDS)) {
      for (const outcome of outcomes) {
        const mail = renderNotification(template, 'ru', { ...russian, taskKind: kind, outcome }, { baseUrl: BASE });
        const english = latin(`${mail.subject}\n${mail.text}`);
        expect({ template, kind, outcome, english: english?.length ? english : null }).toEqual({
          template,
          kind,
          outcome,
          english: null,
        });
      }
    }
  }
  const reasons = renderNotification(
    'decision_outcome',
    'ru',
    { ...russian, outcome: 'ineligible' },
    { baseUrl: BASE },
  ).text;
  expect(reasons).toContain('Причины:');
  expect(reasons).toMatch(/Софинансирование 1\s000 долларов США составляет 3,23% общего бюджета/);
});

test('a message mail names its author and side in the recipient’s language and links to the thread', () => {
  const data: NotificationData = {
    ...minimal,
    comment: 'When does the mission start?',
    from: 'Elena Smirnova',
    fromSide: 'fund',
  };
  const en = renderNotification('message_posted', 'en', data, { baseUrl: BASE });
  expect(en.text).toContain('Elena Smirnova (Fund managers) wrote');
  expect(en.text).toContain('> When does the mission start?');
  expect(primaryLinkOf(en.html)).toBe('https://rus-undp.example.org/expert-requests/er-7#messages');
  const ru = renderNotification('message_posted', 'ru', data, { baseUrl: BASE });
  expect(ru.subject).toContain('Новое сообщение');
  expect(ru.text).toContain('Elena Smirnova (Менеджеры фонда) пишет');
});

describe('cv_quarantined (a CV on a roster profile, not a workflow subject)', () => {
  const input = {
    documentName: 'CV Sergey Ivanov.pdf',
    finding: 'RusUndp.Test.Marker.UNOFFICIAL',
    expertName: 'Sergey Ivanov',
    url: 'https://rus-undp.example.org/app/profile',
  };
  test.each([
    ['en', true],
    ['en', false],
    ['ru', true],
    ['ru', false],
  ] as const)('renders in %s (uploader: %s) with the file, the finding and the profile link', (language, uploader) => {
    const mail = cvQuarantinedMail(language, { ...input, uploader });
    for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toMatch(FORBIDDEN);
    expect(mail.subject).toContain('CV Sergey Ivanov.pdf');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).toContain(input.finding);
    expect(mail.text).toContain('Sergey Ivanov');
    expect(primaryLinkOf(mail.html)).toBe(input.url);
    const withoutData = mail.text
      .split(input.documentName)
      .join('')
      .split(input.finding)
      .join('')
      .split(input.expertName)
      .join('')
      .split(input.url)
      .join('');
    if (language === 'ru') {
      expect(mail.subject).toMatch(CYRILLIC);
      expect(withoutData).not.toMatch(/\b(the|CV|malware|Open|profile)\b/);
      expect(mail.html).toContain('lang="ru"');
      expect(mail.text).toContain(uploader ? 'загрузите чистую копию' : 'Эксперт может загрузить');
    } else {
      expect(withoutData).not.toMatch(CYRILLIC);
      expect(mail.text).toContain(uploader ? 'upload a clean copy' : 'The expert may upload');
    }
    // Not the account footer ("someone entered this address"): the recipient takes part in the process.
    expect(mail.text).not.toMatch(/entered this address|адрес был указан/);
  });
  test('a missing finding is worded, never printed as null', () => {
    for (const language of ['en', 'ru'] as const)
      expect(cvQuarantinedMail(language, { ...input, finding: null, uploader: true }).text).not.toMatch(FORBIDDEN);
  });
});
