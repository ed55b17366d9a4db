/**
 * Pure rendering of notification mails (English and Russian, plain text and HTML).
 * No I/O here: the outbox renders once, at enqueue time, and stores the result.
 *
 * Every value that comes from data goes through one escaping path (`renderBlocks`), and
 * optional values are left out rather than printed, so no mail ever says "undefined".
 */
import { NOTIFICATION_TEMPLATES, type NotificationData, type NotificationTemplate } from '../../domain/notifications';
import { sideLabel } from '../../domain/messages';
import { programmeOfSubject, stageLabel, TASK_MAIL_PURPOSE, type Programme } from '../../domain/registry';
import type { Language } from '../../domain/roles';
import { TASK_KINDS, type TaskKind } from '../../domain/tasks';
import { findingText } from '../../web/findings';
import { t as dictionary, type Key } from '../../web/i18n';

export { NOTIFICATION_TEMPLATES };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** One entry of a fund manager's daily digest. */
export type DigestItem =
  | {
      /** A per-event notification that was held for the digest (an Outbox row with status 'digest'). */
      kind: 'event';
      subject: string;
      at: Date;
      url?: string | null;
    }
  | {
      kind: 'overdue_task';
      taskId: string;
      taskKind: string;
      title: string;
      countryCode: string;
      dueAt?: Date | null;
    };

// ---------- small helpers ----------

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A present, non-blank string, or nothing. */
function present(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Keeps ':' and '@' readable in ids such as "proposal-42:co_endorsement:1" (both are legal in a path). */
function pathSegment(id: string): string {
  return encodeURIComponent(id).replace(/%3A/gi, ':').replace(/%40/gi, '@');
}

function trimBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

export function taskUrl(baseUrl: string, taskId: string): string {
  return `${trimBase(baseUrl)}/tasks/${pathSegment(taskId)}`;
}

export function subjectUrl(baseUrl: string, subjectType: NotificationData['subjectType'], subjectId: string): string {
  return `${trimBase(baseUrl)}/${programmeOfSubject(subjectType).apiPath}/${pathSegment(subjectId)}`;
}

/** Where a mail points: the task when there is one, otherwise the proposal / expert request. */
export function notificationLink(data: NotificationData, baseUrl: string): string {
  const taskId = present(data.taskId);
  return taskId ? taskUrl(baseUrl, taskId) : subjectUrl(baseUrl, data.subjectType, data.subjectId);
}

function taskName(kind: string | undefined, language: Language): string | undefined {
  if (!kind || !Object.prototype.hasOwnProperty.call(TASK_KINDS, kind)) return undefined;
  const spec = TASK_KINDS[kind as TaskKind];
  return language === 'ru' ? spec.labelRu : spec.label;
}

function countryName(code: string, language: Language): string {
  const trimmed = present(code);
  if (!trimmed) return '';
  if (!/^[A-Z]{2}$/.test(trimmed)) return trimmed;
  try {
    const name = new Intl.DisplayNames([language], { type: 'region' }).of(trimmed);
    return name && name !== trimmed ? name : trimmed;
  } catch {
    return trimmed;
  }
}

function formatDate(value: string | Date | null | undefined, language: Language): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return undefined;
  const formatted = new Intl.DateTimeFormat(language === 'ru' ? 'ru-RU' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(date);
  return `${formatted} UTC`;
}

function formatUsd(amount: number | undefined, language: Language): string | undefined {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return undefined;
  const digits = Number.isInteger(amount) ? 0 : 2;
  return new Intl.NumberFormat(language === 'ru' ? 'ru-RU' : 'en-US', {
    style: 'currency',
    currency: 'USD',
    currencyDisplay: language === 'ru' ? 'name' : 'code',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(amount);
}

/** `1 “Pilot in two villages”` (English) / `1 «…»` (Russian); the number alone without a title. */
function milestoneWords(data: NotificationData, language: Language): string | undefined {
  if (typeof data.milestoneSeq !== 'number' || !Number.isFinite(data.milestoneSeq)) return undefined;
  const title = present(data.milestoneTitle);
  if (!title) return String(data.milestoneSeq);
  return language === 'ru' ? `${data.milestoneSeq} «${title}»` : `${data.milestoneSeq} “${title}”`;
}

/** Russian needs three plural forms; English two. */
function plural(
  language: Language,
  count: number,
  forms: { one: string; few?: string; many?: string; other: string },
): string {
  const category = new Intl.PluralRules(language).select(count);
  const form = (forms as Record<string, string | undefined>)[category] ?? forms.other;
  return `${count} ${form}`;
}

/** Decision keys of domain/tasks.ts, in words. Unknown keys fall back to the key with spaces. */
const DECISION_LABELS: Record<string, { en: string; ru: string }> = {
  endorse: { en: 'endorsed', ru: 'одобрено' },
  reject: { en: 'rejected', ru: 'отклонено' },
  request_changes: { en: 'changes requested', ru: 'запрошена доработка' },
  resubmit: { en: 'resubmitted', ru: 'отправлено повторно' },
  confirm_aligned: { en: 'confirmed as aligned', ru: 'соответствие подтверждено' },
  approve: { en: 'approved', ru: 'утверждено' },
  sign: { en: 'signed', ru: 'подписано' },
  decline: { en: 'declined', ru: 'отказано' },
  assign: { en: 'reviewers assigned', ru: 'рецензенты назначены' },
  submit_score: { en: 'score submitted', ru: 'оценка представлена' },
  declare_conflict: { en: 'conflict of interest declared', ru: 'заявлен конфликт интересов' },
  select: { en: 'selected', ru: 'отобрано' },
  waitlist: { en: 'waitlisted', ru: 'включено в резерв' },
  submit_report: { en: 'report submitted', ru: 'отчёт представлен' },
  accept: { en: 'accepted', ru: 'принято' },
  request_revision: { en: 'revision requested', ru: 'запрошена доработка' },
  submit_evaluation: { en: 'evaluation submitted', ru: 'оценка представлена' },
  confirm: { en: 'confirmed', ru: 'подтверждено' },
  edit: { en: 'edited', ru: 'изменено' },
  expired: { en: 'expired', ru: 'срок истёк' },
  submit_deliverable: { en: 'deliverable submitted', ru: 'результат представлен' },
  submit_feedback: { en: 'feedback submitted', ru: 'отзыв представлен' },
  withdraw: { en: 'withdrawn', ru: 'отозвано' },
  cancel: { en: 'cancelled', ru: 'отменено' },
};

/** What happened, in words: the history's action labels of the bilingual dictionary, else the stage. */
function outcomeWords(outcome: string | undefined, language: Language): string | undefined {
  const value = present(outcome);
  if (!value) return undefined;
  const key = `action.${value}` as Key;
  const label = dictionary(language, key);
  return label !== key ? label : stageLabel(value, language, 'phrase');
}

function taskPurpose(kind: string | undefined, language: Language): string[] {
  if (!kind || !Object.prototype.hasOwnProperty.call(TASK_MAIL_PURPOSE, kind)) return [];
  return [TASK_MAIL_PURPOSE[kind as TaskKind][language]];
}

function wordsFor(
  table: Record<string, { en: string; ru: string }>,
  key: string | undefined,
  language: Language,
): string | undefined {
  const value = present(key);
  if (!value) return undefined;
  const known = Object.prototype.hasOwnProperty.call(table, value) ? table[value] : undefined;
  if (known) return known[language];
  return /^[a-z0-9_]+$/.test(value) ? value.replace(/_/g, ' ') : value;
}

/** Subjects are header values: one line, no runaway length. */
function oneLine(value: string, max = 200): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

// ---------- block model: rendered once to text and once to escaped HTML ----------

type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'fields'; rows: Array<[label: string, value: string | undefined]> }
  | { kind: 'quote'; label: string; text: string }
  | { kind: 'link'; label: string; url: string }
  | { kind: 'list'; items: Array<{ text: string; url?: string }> };

/** The one link per mail that the digest picks up again (see primaryLinkOf). */
const PRIMARY_LINK_CLASS = 'primary-link';

function renderBlocks(
  language: Language,
  heading: string,
  blocks: Block[],
  footer: string,
): { text: string; html: string } {
  const textParts: string[] = [heading, ''];
  const htmlParts: string[] = [`<h2 style="font-size:18px;margin:0 0 16px">${escapeHtml(heading)}</h2>`];

  for (const block of blocks) {
    switch (block.kind) {
      case 'paragraph':
        textParts.push(block.text, '');
        htmlParts.push(`<p>${escapeHtml(block.text)}</p>`);
        break;
      case 'fields': {
        const rows = block.rows.filter((row): row is [string, string] => present(row[1]) !== undefined);
        if (!rows.length) break;
        for (const [label, value] of rows) textParts.push(`${label}: ${value}`);
        textParts.push('');
        htmlParts.push(
          '<table style="border-collapse:collapse;margin:0 0 16px">' +
            rows
              .map(
                ([label, value]) =>
                  `<tr><th style="text-align:left;padding:2px 12px 2px 0;color:#555;font-weight:normal">${escapeHtml(label)}</th>` +
                  `<td style="padding:2px 0">${escapeHtml(value)}</td></tr>`,
              )
              .join('') +
            '</table>',
        );
        break;
      }
      case 'quote':
        textParts.push(`${block.label}:`, ...block.text.split(/\r?\n/).map((line) => `> ${line}`), '');
        htmlParts.push(
          `<p style="margin:0 0 4px;color:#555">${escapeHtml(block.label)}:</p>` +
            `<blockquote style="margin:0 0 16px;padding:8px 12px;border-left:3px solid #0468b1;background:#f4f7fa;white-space:pre-wrap">${escapeHtml(block.text)}</blockquote>`,
        );
        break;
      case 'link':
        textParts.push(`${block.label}: ${block.url}`, '');
        htmlParts.push(
          `<p><a class="${PRIMARY_LINK_CLASS}" href="${escapeHtml(block.url)}" ` +
            `style="display:inline-block;padding:8px 16px;background:#0468b1;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(block.label)}</a></p>`,
        );
        break;
      case 'list':
        for (const item of block.items) textParts.push(item.url ? `- ${item.text}\n  ${item.url}` : `- ${item.text}`);
        textParts.push('');
        htmlParts.push(
          '<ul>' +
            block.items
              .map((item) =>
                item.url
                  ? `<li><a href="${escapeHtml(item.url)}">${escapeHtml(item.text)}</a></li>`
                  : `<li>${escapeHtml(item.text)}</li>`,
              )
              .join('') +
            '</ul>',
        );
        break;
    }
  }

  textParts.push('--', footer);
  htmlParts.push(
    `<hr style="border:none;border-top:1px solid #ddd;margin:24px 0 8px"><p style="color:#777;font-size:12px">${escapeHtml(footer)}</p>`,
  );

  const html =
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(heading)}</title></head>` +
    `<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;max-width:640px">${htmlParts.join('\n')}</body></html>`;
  return { text: textParts.join('\n'), html };
}

/**
 * The URL of the mail's main button, read back from HTML this module rendered.
 * Safe against look-alikes in user text: everything user-supplied is escaped, so a raw
 * `<a class="primary-link"` can only come from the template.
 */
export function primaryLinkOf(html: string): string | undefined {
  const match = new RegExp(`<a class="${PRIMARY_LINK_CLASS}" href="([^"]*)"`).exec(html);
  if (!match) return undefined;
  return match[1]
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

// ---------- the templates ----------

const BRAND = { en: 'Russia-UNDP Partnership', ru: 'Партнёрство Россия–ПРООН' } as const;

const FOOTER = {
  en: 'You receive this message because you take part in a Russia-UNDP Partnership process (Russian Challenge Fund / Experts on Demand). Reminders can be switched off in your profile; other notifications are part of the process.',
  ru: 'Вы получили это письмо как участник процесса Партнёрства Россия–ПРООН (Российский фонд решений / Эксперты по запросу). Напоминания можно отключить в профиле; остальные уведомления являются частью процесса.',
} as const;

const L = {
  en: {
    country: 'Country',
    task: 'Task',
    stage: 'Stage',
    due: 'Due',
    decision: 'Decision',
    outcome: 'Outcome',
    comment: 'Comment',
    openTask: 'Open the task',
    reasons: 'Reasons',
  },
  ru: {
    country: 'Страна',
    task: 'Задача',
    stage: 'Этап',
    due: 'Срок',
    decision: 'Решение',
    outcome: 'Итог',
    comment: 'Комментарий',
    openTask: 'Открыть задачу',
    reasons: 'Причины',
  },
} as const;

interface Content {
  subject: string;
  heading: string;
  intro: string[];
  /** The label of the quoted `comment` (default: "Comment"). */
  quoteLabel?: string;
  /** A fragment of the subject's page the link opens at (its message thread). */
  anchor?: string;
  /** Extra fields besides subject, country and task that every mail shows. */
  fields?: Array<[string, string | undefined]>;
}

interface Context {
  title: string;
  task: string | undefined;
  due: string | undefined;
  decision: string | undefined;
  outcome: string | undefined;
  amount: string | undefined;
  /** The milestone or deliverable a payment is for: "1 “Pilot in two villages”". */
  milestone: string | undefined;
  /** What the task asks of its assignee (TASK_MAIL_PURPOSE), when the mail is about a task. */
  purpose: string[];
  /** "Proposal" / "Expert request" in the mail's language. */
  what: string;
  /** A document's name and the scanner's finding (document mails). */
  document: string | undefined;
  finding: string | undefined;
  /** What a payment of the programme is for: "milestone" / "deliverable", and its field label. */
  paymentItem: { word: string; field: string };
  /** Who wrote a message. */
  from: string | undefined;
}

type TemplateText = (c: Context) => Content;

const TEXTS: Record<NotificationTemplate, { en: TemplateText; ru: TemplateText }> = {
  document_quarantined: {
    en: (c) => ({
      subject: `Malware found in a document: ${c.title}`,
      heading: 'A document was quarantined',
      intro: [
        `The malware scanner found ${c.finding ?? 'malware'} in the document “${c.document ?? ''}” attached to the ${c.what.toLowerCase()} “${c.title}”.`,
        'The file is kept for the administrator and is never served. If it is needed, upload a clean copy.',
      ],
    }),
    ru: (c) => ({
      subject: `В документе найдено вредоносное ПО: ${c.title}`,
      heading: 'Документ изолирован',
      intro: [
        `Антивирус обнаружил ${c.finding ?? 'вредоносное ПО'} в документе «${c.document ?? ''}» по объекту «${c.title}» (${c.what.toLowerCase()}).`,
        'Файл сохранён для администратора и никому не выдаётся. Если он нужен, загрузите чистую копию.',
      ],
    }),
  },
  task_assigned: {
    en: (c) => ({
      subject: `New task: ${c.task ?? 'action needed'} – ${c.title}`,
      heading: c.task ? `New task: ${c.task}` : 'A new task is waiting for you',
      intro: [
        `A new task is waiting for you on the ${c.what.toLowerCase()} “${c.title}”.`,
        ...c.purpose,
        ...(c.due ? [`Please complete it by ${c.due}.`] : []),
      ],
    }),
    ru: (c) => ({
      subject: `Новая задача: ${c.task ?? 'требуется действие'} – ${c.title}`,
      heading: c.task ? `Новая задача: ${c.task}` : 'Вам назначена новая задача',
      intro: [
        `Вам назначена новая задача по объекту «${c.title}» (${c.what.toLowerCase()}).`,
        ...c.purpose,
        ...(c.due ? [`Пожалуйста, выполните её до ${c.due}.`] : []),
      ],
    }),
  },
  reminder: {
    en: (c) => ({
      subject: `Reminder: ${c.task ?? 'task'} due ${c.due ?? 'soon'} – ${c.title}`,
      heading: `Reminder: ${c.task ?? 'a task'} is due ${c.due ? `on ${c.due}` : 'soon'}`,
      intro: [
        `This is a friendly reminder that a task on “${c.title}” is still open.`,
        'If it is not completed by the due date, it will be escalated to the fund managers.',
      ],
    }),
    ru: (c) => ({
      subject: `Напоминание: ${c.task ?? 'задача'}, срок ${c.due ?? 'скоро'} – ${c.title}`,
      heading: `Напоминание: срок задачи${c.task ? ` «${c.task}»` : ''} ${c.due ? `— ${c.due}` : 'скоро истекает'}`,
      intro: [
        `Напоминаем, что задача по объекту «${c.title}» ещё не выполнена.`,
        'Если она не будет выполнена в срок, вопрос будет передан руководителям фонда.',
      ],
    }),
  },
  overdue_escalation: {
    en: (c) => ({
      subject: `Overdue: ${c.task ?? 'task'} – ${c.title}`,
      heading: `Overdue task: ${c.task ?? c.title}`,
      intro: [
        `A task on “${c.title}” is past its due date${c.due ? ` (${c.due})` : ''} and has been escalated to the fund managers.`,
        'Please follow up with the assignee or act on the task.',
      ],
    }),
    ru: (c) => ({
      subject: `Просрочено: ${c.task ?? 'задача'} – ${c.title}`,
      heading: `Просроченная задача: ${c.task ?? c.title}`,
      intro: [
        `Срок выполнения задачи по объекту «${c.title}» истёк${c.due ? ` (${c.due})` : ''}; вопрос передан руководителям фонда.`,
        'Пожалуйста, свяжитесь с исполнителем или выполните задачу.',
      ],
    }),
  },
  decision_outcome: {
    en: (c) => ({
      subject: `Decision on “${c.title}”${c.decision ? `: ${c.decision}` : ''}`,
      heading: `A decision was taken on “${c.title}”`,
      intro: [`A decision was recorded on the ${c.what.toLowerCase()} “${c.title}”.`],
      fields: [
        ['Decision', c.decision],
        ['Outcome', c.outcome],
      ],
    }),
    ru: (c) => ({
      subject: `Решение по «${c.title}»${c.decision ? `: ${c.decision}` : ''}`,
      heading: `Принято решение по «${c.title}»`,
      intro: [`Зарегистрировано решение по объекту «${c.title}» (${c.what.toLowerCase()}).`],
      fields: [
        ['Решение', c.decision],
        ['Итог', c.outcome],
      ],
    }),
  },
  changes_requested: {
    en: (c) => ({
      subject: `Changes requested: ${c.title}`,
      heading: `Changes requested on “${c.title}”`,
      intro: [
        'Changes were requested before the process can continue.',
        ...c.purpose,
        ...(c.due ? [`Please resubmit by ${c.due}.`] : []),
      ],
    }),
    ru: (c) => ({
      subject: `Требуется доработка: ${c.title}`,
      heading: `Требуется доработка: «${c.title}»`,
      intro: [
        'Для продолжения процесса необходимо внести изменения.',
        ...c.purpose,
        ...(c.due ? [`Срок повторной отправки: ${c.due}.`] : []),
      ],
    }),
  },
  expert_invitation: {
    en: (c) => ({
      subject: `Invitation to an Experts on Demand assignment: ${c.title}`,
      heading: 'You are invited to an Experts on Demand assignment',
      intro: [
        `A UNDP Country Office would like you to take on the assignment “${c.title}”.`,
        `Please accept or decline${c.due ? ` by ${c.due}` : ''}, confirming your availability and declaring any conflict of interest.`,
        ...c.purpose,
      ],
      fields: [['Contract value', c.amount]],
    }),
    ru: (c) => ({
      subject: `Приглашение к заданию «Эксперты по запросу»: ${c.title}`,
      heading: 'Приглашение к заданию программы «Эксперты по запросу»',
      intro: [
        `Страновой офис ПРООН предлагает вам выполнить задание «${c.title}».`,
        `Пожалуйста, примите или отклоните приглашение${c.due ? ` до ${c.due}` : ''}, подтвердив свою доступность и указав возможный конфликт интересов.`,
        ...c.purpose,
      ],
      fields: [['Стоимость договора', c.amount]],
    }),
  },
  contract_to_sign: {
    en: (c) => ({
      subject: `Contract ready for signature: ${c.title}`,
      heading: 'A contract is ready for your signature',
      intro: [
        `The contract for “${c.title}” has passed the policy checks and is waiting for your signature.`,
        ...c.purpose,
        ...(c.due ? [`Please sign by ${c.due}.`] : []),
      ],
      fields: [['Contract value', c.amount]],
    }),
    ru: (c) => ({
      subject: `Договор на подпись: ${c.title}`,
      heading: 'Договор ожидает вашей подписи',
      intro: [
        `Договор по «${c.title}» прошёл проверку на соответствие правилам и ожидает вашей подписи.`,
        ...c.purpose,
        ...(c.due ? [`Пожалуйста, подпишите его до ${c.due}.`] : []),
      ],
      fields: [['Сумма договора', c.amount]],
    }),
  },
  call_deadline_extended: {
    en: (c) => ({
      subject: `Deadline extended: ${c.title}`,
      heading: `The call “${c.title}” now closes later`,
      intro: [
        `The fund manager extended the deadline of the call “${c.title}”, for which you hold a draft proposal.`,
        ...(c.due ? [`Proposals are now accepted until ${c.due}.`] : []),
      ],
    }),
    ru: (c) => ({
      subject: `Срок продлён: ${c.title}`,
      heading: `Конкурс «${c.title}» закрывается позже`,
      intro: [
        `Фонд продлил срок приёма заявок конкурса «${c.title}», по которому у вас есть черновик заявки.`,
        ...(c.due ? [`Заявки принимаются до ${c.due}.`] : []),
      ],
    }),
  },
  payment_released: {
    en: (c) => {
      const forWhat = c.milestone ? ` for ${c.paymentItem.word} ${c.milestone}` : '';
      return {
        subject: `Payment released${c.amount ? `: ${c.amount}` : ''}${forWhat} – ${c.title}`,
        heading: `A payment has been released${forWhat}`,
        intro: [`A payment${c.amount ? ` of ${c.amount}` : ''}${forWhat} of “${c.title}” has been released.`],
        fields: [
          [c.paymentItem.field, c.milestone],
          ['Amount', c.amount],
        ],
      };
    },
    ru: (c) => {
      const forWhat = c.milestone ? ` за ${c.paymentItem.word} ${c.milestone}` : '';
      return {
        subject: `Платёж произведён${c.amount ? `: ${c.amount}` : ''}${forWhat} – ${c.title}`,
        heading: `Платёж произведён${forWhat}`,
        intro: [`Произведён платёж${c.amount ? ` на сумму ${c.amount}` : ''}${forWhat} по «${c.title}».`],
        fields: [
          [c.paymentItem.field, c.milestone],
          ['Сумма', c.amount],
        ],
      };
    },
  },
  evaluation_requested: {
    en: (c) => ({
      subject: `Evaluation requested: ${c.title}`,
      heading: `Please evaluate “${c.title}”`,
      intro: [
        'The work is complete and your evaluation is needed to close it.',
        ...c.purpose,
        ...(c.due ? [`Please submit it by ${c.due}.`] : []),
      ],
    }),
    ru: (c) => ({
      subject: `Требуется оценка: ${c.title}`,
      heading: `Пожалуйста, оцените «${c.title}»`,
      intro: [
        'Работа завершена, и для её закрытия необходима ваша оценка.',
        ...c.purpose,
        ...(c.due ? [`Пожалуйста, представьте её до ${c.due}.`] : []),
      ],
    }),
  },
  message_posted: {
    en: (c) => ({
      subject: `New message: ${c.title}`,
      heading: `New message on “${c.title}”`,
      intro: [
        `${c.from ?? 'Someone'} wrote on the ${c.what.toLowerCase()} “${c.title}”.`,
        ...(c.document ? [`Attached: ${c.document} (on the site, once scanned for malware).`] : []),
        'Reply on the site: the thread is part of the record, and everyone on it sees your answer.',
      ],
      quoteLabel: 'Message',
      anchor: 'messages',
    }),
    ru: (c) => ({
      subject: `Новое сообщение: ${c.title}`,
      heading: `Новое сообщение по «${c.title}»`,
      intro: [
        `${c.from ?? 'Участник'} пишет по объекту «${c.title}» (${c.what.toLowerCase()}).`,
        ...(c.document ? [`Вложения: ${c.document} (на сайте, после проверки на вредоносное ПО).`] : []),
        'Ответьте на сайте: переписка входит в дело, и ваш ответ увидят все её участники.',
      ],
      quoteLabel: 'Сообщение',
      anchor: 'messages',
    }),
  },
};

/** Renders one notification in the recipient's language. Pure; safe for any data. */
export function renderNotification(
  template: NotificationTemplate,
  language: Language,
  data: NotificationData,
  links: { baseUrl: string },
): RenderedMail {
  const lang: Language = language === 'ru' ? 'ru' : 'en';
  const labels = L[lang];
  const texts = TEXTS[template];
  if (!texts) throw new Error(`unknown notification template: ${String(template)}`);

  const title = present(data.subjectTitle) ?? present(data.subjectId) ?? '—';
  const programme = programmeOfSubject(data.subjectType);
  const context: Context = {
    title,
    task: taskName(data.taskKind, lang),
    due: formatDate(data.dueAt, lang),
    decision: wordsFor(DECISION_LABELS, data.decision, lang),
    outcome: outcomeWords(data.outcome, lang),
    amount: formatUsd(data.amountUsd, lang),
    milestone: milestoneWords(data, lang),
    purpose: taskPurpose(data.taskKind, lang),
    what: programme.labels.subject[lang],
    paymentItem: { word: programme.labels.paymentItem.word[lang], field: programme.labels.paymentItem.field[lang] },
    document: present(data.documentName),
    finding: present(data.finding),
    from: present(data.from)
      ? `${present(data.from)}${data.fromSide ? ` (${sideLabel(programme.id as Programme, data.fromSide, lang)})` : ''}`
      : undefined,
  };
  const content = texts[lang](context);
  // The anchor is on the subject's page: a link to a task goes to the task as it is.
  const anchor = content.anchor && !present(data.taskId) ? `#${content.anchor}` : '';
  const url = present(data.url) ?? `${notificationLink(data, links.baseUrl)}${anchor}`;
  const linkLabel = present(data.taskId) ? labels.openTask : programme.labels.openSubject[lang];

  const fields: Array<[string, string | undefined]> = [
    [context.what, title],
    [labels.country, countryName(data.countryCode, lang) || undefined],
    [labels.task, context.task],
    [labels.stage, data.stage ? stageLabel(data.stage, lang, 'phrase', programme.id) : undefined],
    [labels.due, context.due],
    ...(content.fields ?? []),
  ];

  const blocks: Block[] = [
    ...content.intro.map((text): Block => ({ kind: 'paragraph', text })),
    { kind: 'fields', rows: fields },
  ];
  const comment = present(data.comment);
  if (comment) blocks.push({ kind: 'quote', label: content.quoteLabel ?? labels.comment, text: comment });
  const reasons = Array.isArray(data.reasons) ? data.reasons : [];
  if (reasons.length) {
    blocks.push({ kind: 'paragraph', text: `${labels.reasons}:` });
    blocks.push({ kind: 'list', items: reasons.map((r) => ({ text: findingText(lang, r) })) });
  }
  blocks.push({ kind: 'link', label: linkLabel, url });

  const { text, html } = renderBlocks(lang, content.heading, blocks, FOOTER[lang]);
  return { subject: oneLine(`[${BRAND[lang]}] ${content.subject}`), text, html };
}

/**
 * The fund managers' daily digest: per-event notifications held for it, then overdue open tasks.
 * `day` (YYYY-MM-DD) only decorates the subject line.
 */
export function renderDigest(language: Language, items: DigestItem[], baseUrl: string, day?: string): RenderedMail {
  const lang: Language = language === 'ru' ? 'ru' : 'en';
  const events = items.filter((item): item is Extract<DigestItem, { kind: 'event' }> => item.kind === 'event');
  const overdue = items.filter(
    (item): item is Extract<DigestItem, { kind: 'overdue_task' }> => item.kind === 'overdue_task',
  );

  const eventCount =
    lang === 'ru'
      ? plural('ru', events.length, { one: 'событие', few: 'события', many: 'событий', other: 'события' })
      : plural('en', events.length, { one: 'update', other: 'updates' });
  const overdueCount =
    lang === 'ru'
      ? plural('ru', overdue.length, {
          one: 'просроченная задача',
          few: 'просроченные задачи',
          many: 'просроченных задач',
          other: 'просроченной задачи',
        })
      : plural('en', overdue.length, { one: 'overdue task', other: 'overdue tasks' });
  const dayLabel = present(day);
  const heading =
    lang === 'ru'
      ? `Ежедневная сводка${dayLabel ? ` за ${dayLabel}` : ''}`
      : `Daily digest${dayLabel ? ` for ${dayLabel}` : ''}`;

  const blocks: Block[] = [];
  if (!events.length && !overdue.length) {
    blocks.push({
      kind: 'paragraph',
      text: lang === 'ru' ? 'Новых событий и просроченных задач нет.' : 'No new updates and no overdue tasks.',
    });
  }
  if (events.length) {
    blocks.push({
      kind: 'paragraph',
      text: lang === 'ru' ? `Новые события (${events.length}):` : `New updates (${events.length}):`,
    });
    blocks.push({
      kind: 'list',
      items: events.map((event) => {
        const when = formatDate(event.at, lang);
        return {
          text: when ? `${oneLine(event.subject)} (${when})` : oneLine(event.subject),
          url: present(event.url ?? undefined),
        };
      }),
    });
  }
  if (overdue.length) {
    blocks.push({
      kind: 'paragraph',
      text: lang === 'ru' ? `Просроченные задачи (${overdue.length}):` : `Overdue tasks (${overdue.length}):`,
    });
    blocks.push({
      kind: 'list',
      items: overdue.map((task) => {
        const parts = [
          taskName(task.taskKind, lang),
          present(task.title),
          countryName(task.countryCode, lang) || undefined,
        ].filter((p): p is string => !!p);
        const due = formatDate(task.dueAt, lang);
        if (due) parts.push(lang === 'ru' ? `срок ${due}` : `due ${due}`);
        return { text: parts.join(' – '), url: taskUrl(baseUrl, task.taskId) };
      }),
    });
  }
  blocks.push({
    kind: 'link',
    label: lang === 'ru' ? 'Открыть список задач' : 'Open the task list',
    url: `${trimBase(baseUrl)}/tasks`,
  });

  const { text, html } = renderBlocks(lang, heading, blocks, FOOTER[lang]);
  const subject = `[${BRAND[lang]}] ${heading}: ${eventCount}, ${overdueCount}`;
  return { subject: oneLine(subject), text, html };
}

/**
 * A mail about an account (sign-in link, invitation, registration outcome), rendered like the
 * workflow notifications: paragraphs, facts and one primary link, in the recipient's language.
 */
export function renderAccountMail(
  language: Language,
  content: {
    subject: string;
    heading: string;
    paragraphs: string[];
    fields?: Array<[string, string | undefined]>;
    quote?: { label: string; text: string };
    link?: { label: string; url: string };
    /** 'process': a mail about the recipient's part in a process (a quarantined CV), not an address typed in. */
    footer?: 'account' | 'process';
  },
): RenderedMail {
  const lang: Language = language === 'ru' ? 'ru' : 'en';
  const blocks: Block[] = content.paragraphs.map((text): Block => ({ kind: 'paragraph', text }));
  if (content.fields?.length) blocks.push({ kind: 'fields', rows: content.fields });
  if (content.quote && present(content.quote.text)) blocks.push({ kind: 'quote', ...content.quote });
  if (content.link) blocks.push({ kind: 'link', ...content.link });
  const footer = content.footer === 'process' ? FOOTER[lang] : ACCOUNT_FOOTER[lang];
  const { text, html } = renderBlocks(lang, content.heading, blocks, footer);
  return { subject: oneLine(`[${BRAND[lang]}] ${content.subject}`), text, html };
}

const ACCOUNT_FOOTER = {
  en: 'You receive this message because someone entered this address on the Russia-UNDP Partnership site. If it was not you, ignore it: nothing happens without the link.',
  ru: 'Вы получили это письмо, потому что этот адрес был указан на сайте Партнёрства Россия–ПРООН. Если это были не вы, просто проигнорируйте его: без ссылки ничего не произойдёт.',
} as const;
