import type { Request, Response } from 'express';
import type { AuthMode } from '../lib/config';
import type { ApiClient } from './api-client';
import { attr, html, raw, type HtmlValue, type SafeHtml } from './html';
import {
  phaseOf,
  programmeOfSubject,
  programmeSpec,
  stageLabel as registryStageLabel,
  type Programme,
  type SubjectType,
} from '../domain/registry';
import { isTerminal } from '../domain/stages';
import { apiMessage, t as translate, type Key, type Lang, type Vars } from './i18n';
import { findingText } from './findings';
import type { Reference } from './reference';
import type { Session, SessionUser } from './session';

/** What every page handler gets. */
export interface PageCtx {
  req: Request;
  res: Response;
  lang: Lang;
  t: (key: Key, vars?: Vars) => string;
  session?: Session;
  user: SessionUser;
  api: ApiClient;
  csrf: string;
  ref: Reference;
  assetVersion: string;
  /** The sign-in modes on offer (AUTH_MODE). */
  authModes: AuthMode[];
  /** Open tasks waiting for the signed-in user, shown in the menu (undefined when unknown). */
  taskCount?: number;
}

export type AnonCtx = Omit<PageCtx, 'user' | 'session'> & { session?: Session; user?: SessionUser };

export function tr(lang: Lang) {
  return (key: Key, vars?: Vars) => translate(lang, key, vars);
}

// ---------------------------------------------------------------- navigation

interface NavItem {
  href: string;
  key: Key;
  match: RegExp;
}

/** The results (/app/results) open from the pipeline page, under its menu item: the header keeps one row in Russian. */
const NAV: Record<string, NavItem[]> = {
  applicant: [
    // A new proposal is written from an open call: its form belongs to "Open calls".
    { href: '/app/proposals', key: 'nav.myProposals', match: /^\/app\/proposals(?!\/new(\/|$))/ },
    { href: '/app/calls', key: 'nav.calls', match: /^\/app\/(calls|proposals\/new(\/|$))/ },
    { href: '/app/inbox', key: 'nav.tasks', match: /^\/app\/(inbox|tasks)/ },
    { href: '/app/institution', key: 'nav.institution', match: /^\/app\/institution/ },
  ],
  co_approver: [
    { href: '/app/inbox', key: 'nav.tasks', match: /^\/app\/(inbox|tasks)/ },
    { href: '/app/expert-requests', key: 'nav.expertRequests', match: /^\/app\/expert-requests/ },
    { href: '/app/proposals', key: 'nav.proposals', match: /^\/app\/proposals/ },
    { href: '/app/pipeline', key: 'nav.countryPipeline', match: /^\/app\/(pipeline|results)/ },
    { href: '/app/roster', key: 'nav.roster', match: /^\/app\/roster/ },
  ],
  fund_manager: [
    { href: '/app/pipeline', key: 'nav.pipeline', match: /^\/app\/(pipeline|results)/ },
    { href: '/app/inbox', key: 'nav.tasks', match: /^\/app\/(inbox|tasks)/ },
    { href: '/app/proposals', key: 'nav.proposals', match: /^\/app\/proposals/ },
    { href: '/app/expert-requests', key: 'nav.expertRequests', match: /^\/app\/expert-requests/ },
    { href: '/app/roster', key: 'nav.roster', match: /^\/app\/roster/ },
    { href: '/app/event-travel', key: 'nav.eventTravel', match: /^\/app\/event-travel/ },
  ],
  reviewer: [
    { href: '/app/inbox', key: 'nav.tasks', match: /^\/app\/(inbox|tasks)/ },
    { href: '/app/proposals', key: 'nav.assignedProposals', match: /^\/app\/proposals/ },
  ],
  expert: [
    { href: '/app/inbox', key: 'nav.tasks', match: /^\/app\/(inbox|tasks)/ },
    { href: '/app/expert-requests', key: 'nav.assignments', match: /^\/app\/expert-requests/ },
    { href: '/app/event-travel', key: 'nav.eventTravel', match: /^\/app\/event-travel/ },
    { href: '/app/profile', key: 'nav.profile', match: /^\/app\/profile/ },
  ],
  auditor: [
    { href: '/app/results', key: 'nav.results', match: /^\/app\/results/ },
    { href: '/app/pipeline', key: 'nav.pipeline', match: /^\/app\/pipeline/ },
    { href: '/app/proposals', key: 'nav.proposals', match: /^\/app\/proposals/ },
    { href: '/app/expert-requests', key: 'nav.expertRequests', match: /^\/app\/expert-requests/ },
  ],
  unv_officer: [
    { href: '/app/inbox', key: 'nav.tasks', match: /^\/app\/(inbox|tasks)/ },
    { href: '/app/unv-assignments', key: 'nav.unVolunteers', match: /^\/app\/unv-assignments/ },
  ],
  unv_volunteer: [
    { href: '/app/inbox', key: 'nav.tasks', match: /^\/app\/(inbox|tasks)/ },
    { href: '/app/unv-assignments', key: 'nav.myAssignment', match: /^\/app\/unv-assignments/ },
  ],
  admin: [
    { href: '/app/pipeline', key: 'nav.pipeline', match: /^\/app\/(pipeline|results)/ },
    { href: '/app/proposals', key: 'nav.proposals', match: /^\/app\/proposals/ },
    { href: '/app/expert-requests', key: 'nav.expertRequests', match: /^\/app\/expert-requests/ },
    { href: '/app/roster', key: 'nav.roster', match: /^\/app\/roster/ },
    { href: '/app/people', key: 'nav.people', match: /^\/app\/people/ },
  ],
};

/** Pages a role opens now and then: in the account menu, so the main menu keeps one row. */
const ACCOUNT_MENU_LINKS: Record<string, { href: string; key: Key }[]> = {
  fund_manager: [
    { href: '/app/approvals', key: 'nav.approvals' },
    { href: '/app/policy/rule-sets', key: 'nav.ruleSets' },
  ],
  admin: [{ href: '/app/policy/rule-sets', key: 'nav.ruleSets' }],
};

export const HOME: Record<string, string> = {
  applicant: '/app/proposals',
  co_approver: '/app/inbox',
  fund_manager: '/app/pipeline',
  reviewer: '/app/inbox',
  expert: '/app/inbox',
  admin: '/app/pipeline',
  auditor: '/app/results',
};

const LOGO = raw(
  '<svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false"><rect width="32" height="32" rx="6" fill="#fff"/><path d="M8 9h4v10a4 4 0 0 0 8 0V9h4v10a8 8 0 0 1-16 0z" fill="#0468B1"/></svg>',
);

// ---------------------------------------------------------------- notices

export const NOTICES = [
  'signedOut',
  'decided',
  'conflict',
  'submitted',
  'registered',
  'withdrawn',
  'saved',
  'resubmitted',
  'coiDeclared',
  'extensionRequested',
  'extensionRefused',
  'reassigned',
  'messageSent',
  'noteAdded',
  'messageEmpty',
  'cancelled',
  'cancelReason',
  'draftCopied',
  'draftDeleted',
  'applied',
] as const;
/** Notices that report a problem (an alert, not a status). */
const WARN_NOTICES: readonly string[] = ['conflict', 'extensionRefused', 'messageEmpty', 'cancelReason'];
export type Notice = (typeof NOTICES)[number];

function noticeBox(ctx: AnonCtx): SafeHtml {
  const n = String(ctx.req.query.notice ?? '');
  if (!(NOTICES as readonly string[]).includes(n)) return html``;
  const warn = WARN_NOTICES.includes(n);
  return html`<div class="notice ${warn ? 'notice-warn' : 'notice-ok'}" role="${warn ? 'alert' : 'status'}"><span class="notice-icon" aria-hidden="true">${warn ? '!' : '✓'}</span><p>${ctx.t(`notice.${n}` as Key)}</p></div>`;
}

// ---------------------------------------------------------------- page shell

export interface LayoutOpts {
  title: string;
  body: HtmlValue;
  /** Shown above the title (breadcrumb-like back link). */
  back?: { href: string; label: string };
  /** Extra class on <main> (e.g. wide). */
  wide?: boolean;
  status?: number;
  lead?: HtmlValue;
}

export function layout(ctx: AnonCtx, opts: LayoutOpts): SafeHtml {
  const { t, lang, user } = ctx;
  const path = ctx.req.originalUrl.split('?')[0];
  const items = user ? (NAV[user.role] ?? []) : [];
  const next = ctx.req.originalUrl.startsWith('/app') ? ctx.req.originalUrl : '/app';
  const count = (i: NavItem) =>
    i.key === 'nav.tasks' && ctx.taskCount
      ? html` <span class="nav-count" aria-hidden="true">${ctx.taskCount > 99 ? '99+' : ctx.taskCount}</span><span class="visually-hidden"> (${t('nav.openTasks', { n: ctx.taskCount })})</span>`
      : '';
  const nav = items.length
    ? html`<nav class="mainnav" aria-label="${t('nav.label')}"><ul>${items.map(
        (i) =>
          html`<li><a href="${i.href}"${attr('aria-current', i.match.test(path) ? 'page' : null)}>${t(i.key)}${count(i)}</a></li>`,
      )}</ul></nav>`
    : '';
  const langSwitch = html`<form class="lang" method="post" action="/app/lang">
      <input type="hidden" name="_csrf" value="${ctx.csrf}"><input type="hidden" name="next" value="${next}">
      <span class="visually-hidden" id="lang-label">${t('lang.label')}</span>
      <div role="group" aria-labelledby="lang-label">
        <button type="submit" name="lang" value="en" lang="en" aria-pressed="${lang === 'en'}">EN<span class="visually-hidden"> English</span></button>
        <button type="submit" name="lang" value="ru" lang="ru" aria-pressed="${lang === 'ru'}">RU<span class="visually-hidden"> Русский</span></button>
      </div>
    </form>`;
  // The account folds into a small menu (works without JS: <details>), so the bar keeps one row.
  const account = user
    ? html`<details class="account"><summary><span class="visually-hidden">${t('account.label')}: </span><span class="who-name">${user.name}</span></summary>
        <div class="account-menu"><p class="who">${user.name}<span class="role">${t(`role.${user.role}` as Key)}</span></p>
        ${(ACCOUNT_MENU_LINKS[user.role] ?? []).map((l) => html`<p><a href="${l.href}">${t(l.key)}</a></p>`)}
        <p><a href="/app/account">${t('account.menuLink')}</a></p>
        <form method="post" action="/app/sign-out"><input type="hidden" name="_csrf" value="${ctx.csrf}"><button type="submit" class="btn btn-secondary">${t('auth.signOut')}</button></form></div></details>`
    : '';
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · ${t('app.name')}</title>
<link rel="stylesheet" href="/app/assets/app.css?v=${ctx.assetVersion}">
<script src="/app/assets/app.js?v=${ctx.assetVersion}" defer></script>
</head>
<body>
<a class="skip" href="#main">${t('a11y.skip')}</a>
<header class="topbar">
  <div class="wrap topbar-inner${items.length ? ' with-nav' : ''}">
    <a class="brand" href="/app">${LOGO}<span>${t('app.name')}</span></a>
    ${nav}
    <div class="tools">${langSwitch}${account}</div>
  </div>
</header>
<main id="main" tabindex="-1" class="wrap${opts.wide ? ' wide' : ''}">
  ${opts.back ? html`<p class="back"><a href="${opts.back.href}"><span aria-hidden="true">← </span>${opts.back.label}</a></p>` : ''}
  ${noticeBox(ctx)}
  <h1>${opts.title}</h1>
  ${opts.lead ? html`<p class="lead">${opts.lead}</p>` : ''}
  ${opts.body}
</main>
<footer class="footer"><div class="wrap"><p>${t('app.footer')}</p></div></footer>
</body>
</html>`;
}

export function send(ctx: AnonCtx, page: SafeHtml, status = 200): void {
  ctx.res.status(status).type('html').setHeader('Cache-Control', 'no-store');
  ctx.res.send(page.value);
}

// ---------------------------------------------------------------- formatting

/**
 * Intl formatters, built once per locale and options: building one costs far more than formatting (the
 * results dashboard formats a few hundred figures per page; new formatters each time took most of its
 * rendering time).
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

export function numberFormat(lang: Lang, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n:${lang}:${JSON.stringify(options)}`;
  let f = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US', options)));
  return f;
}

export function dateFormat(lang: Lang, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d:${lang}:${JSON.stringify(options)}`;
  let f = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', options)));
  return f;
}

export function fmtDate(iso: string | null | undefined, lang: Lang, withTime = false): string {
  if (!iso) return '—';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return dateFormat(lang, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
    timeZone: 'UTC',
  }).format(d);
}

export function fmtUsd(n: number | null | undefined, lang: Lang): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return numberFormat(lang, { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(n);
}

export function fmtNum(n: number | null | undefined, lang: Lang, digits = 1): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return numberFormat(lang, { maximumFractionDigits: digits }).format(n);
}

// ---------------------------------------------------------------- status badges (text + icon, never colour alone)

export function dueBadge(ctx: AnonCtx, task: { dueAt: string | null; overdue: boolean; status?: string }): SafeHtml {
  const { t } = ctx;
  if (task.status && task.status !== 'open') return html``;
  if (task.overdue)
    return html`<span class="badge badge-danger"><span aria-hidden="true">⚠ </span>${t('task.overdue')}</span>`;
  if (!task.dueAt) return html``;
  const days = Math.ceil((new Date(task.dueAt).getTime() - Date.now()) / 86_400_000);
  if (days <= 2)
    return html`<span class="badge badge-warn"><span aria-hidden="true">◷ </span>${t('task.dueSoon', { days: Math.max(days, 0) })}</span>`;
  return html`<span class="badge badge-muted">${t('task.dueIn', { days })}</span>`;
}

export function stageBadge(ctx: AnonCtx, stage: string, programme?: Programme): SafeHtml {
  const outcome = programme ? phaseOf(programme, stage) : stage;
  const cls = outcome === 'closed' ? 'badge-ok' : isTerminal(stage) ? 'badge-muted' : 'badge-info';
  return html`<span class="badge ${cls}">${stageLabel(ctx, stage, programme)}</span>`;
}

/** A stage (or phase, or outcome) in the user's language: domain/stage-labels.ts and the programme's own labels. */
export function stageLabel(ctx: { lang: Lang }, stage: string, programme?: Programme): string {
  return registryStageLabel(stage, ctx.lang, 'name', programme) ?? stage;
}

export function programmeName(ctx: { lang: Lang }, programme: Programme): string {
  return programmeSpec(programme).labels.name[ctx.lang];
}

/** The subject of a programme in words ("Proposal", "Expert request"), from its dictionary. */
export function subjectWord(ctx: { lang: Lang }, type: SubjectType): string {
  return programmeOfSubject(type).labels.subject[ctx.lang];
}

// ---------------------------------------------------------------- forms

export type FieldErrors = Map<string, string[]>;

export interface FormState {
  errors: FieldErrors;
  general: string[];
}

export const emptyForm = (): FormState => ({ errors: new Map(), general: [] });

export function fieldId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** API error details → errors next to the fields they name (longest field-name prefix), the rest general. */
export function mapDetails(
  lang: Lang,
  details: { path: string; message: string; rule?: string; figures?: Record<string, unknown> }[] | undefined,
  fields: string[],
  aliases: Record<string, string> = {},
): FormState {
  const state = emptyForm();
  for (const d of details ?? []) {
    let path = d.path;
    for (const [from, to] of Object.entries(aliases))
      if (path === from || path.startsWith(`${from}.`)) path = to + path.slice(from.length);
    let target: string | undefined;
    for (const f of fields) {
      if ((path === f || path.startsWith(`${f}.`)) && (!target || f.length > target.length)) target = f;
    }
    target ??= fields.find((f) => f.startsWith(`${path}.`));
    // An intake rule is worded from its code and figures in the reader's language (web/findings.ts).
    const message = d.rule
      ? findingText(lang, { rule: d.rule, outcome: 'fail', data: d.figures })
      : apiMessage(lang, d.message);
    if (target) state.errors.set(target, [...(state.errors.get(target) ?? []), message]);
    else state.general.push(d.path && d.path !== '(body)' ? `${d.path}: ${message}` : message);
  }
  return state;
}

/** A posted form field as trimmed text ('' when missing or not a single value). */
export const formText = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** The named fields of a posted form, each as trimmed text. */
export function formTexts<K extends string>(body: Record<string, unknown>, names: readonly K[]): Record<K, string> {
  return Object.fromEntries(names.map((n) => [n, formText(body[n])])) as Record<K, string>;
}

/**
 * A form the API refused, as the form's state: the API's field errors next to `fields`, else one
 * general line (`conflict` for a 409 when given, else the API's message in the reader's language).
 */
export function refusedForm(
  ctx: AnonCtx,
  refusal: { status: number; body: { error: { message: string; details?: { path: string; message: string }[] } } },
  fields: string[],
  conflict?: string,
): FormState {
  const state = mapDetails(ctx.lang, refusal.body.error.details, fields);
  if (!state.errors.size)
    state.general.push(
      refusal.status === 409 && conflict ? conflict : apiMessage(ctx.lang, refusal.body.error.message),
    );
  return state;
}

export function errorSummary(ctx: AnonCtx, state: FormState, labels: Record<string, string>): SafeHtml {
  if (!state.errors.size && !state.general.length) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" data-focus>
    <h2>${ctx.t('form.errorsTitle')}</h2>
    <ul>
      ${[...state.errors.entries()].map(([name, msgs]) => html`<li><a href="#${fieldId(name)}">${labels[name] ?? name}: ${msgs.join('; ')}</a></li>`)}
      ${state.general.map((m) => html`<li>${m}</li>`)}
    </ul>
  </div>`;
}

export interface FieldOpts {
  name: string;
  label: string;
  value?: string | number | null;
  type?: 'text' | 'number' | 'date' | 'email' | 'url' | 'textarea' | 'select';
  required?: boolean;
  hint?: string;
  state?: FormState;
  options?: { value: string; label: string }[];
  rows?: number;
  min?: number;
  max?: number;
  step?: string;
  placeholder?: string;
  autocomplete?: string;
  className?: string;
  /** For table rows: label visually hidden. */
  hideLabel?: boolean;
  /** Read before the label by screen readers only (row number of a repeating row). */
  srPrefix?: string;
  inputmode?: string;
  /** The id of a <datalist> that suggests values. */
  list?: string;
}

export function field(ctx: { t: AnonCtx['t'] }, o: FieldOpts): SafeHtml {
  const id = fieldId(o.name);
  const errors = o.state?.errors.get(o.name) ?? [];
  const describedBy = [o.hint ? `${id}-hint` : '', errors.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = html`id="${id}" name="${o.name}"${attr('required', o.required)}${attr('aria-invalid', errors.length ? 'true' : null)}${attr('aria-describedby', describedBy || null)}`;
  let control: SafeHtml;
  const value = o.value === null || o.value === undefined ? '' : String(o.value);
  if (o.type === 'textarea') {
    control = html`<textarea ${common} rows="${o.rows ?? 4}"${attr('placeholder', o.placeholder)}>${value}</textarea>`;
  } else if (o.type === 'select') {
    control = html`<select ${common}>${(o.options ?? []).map((op) => html`<option value="${op.value}"${attr('selected', op.value === value)}>${op.label}</option>`)}</select>`;
  } else {
    control = html`<input ${common} type="${o.type ?? 'text'}" value="${value}"${attr('min', o.min)}${attr('max', o.max)}${attr('step', o.step)}${attr('placeholder', o.placeholder)}${attr('autocomplete', o.autocomplete)}${attr('inputmode', o.inputmode)}${attr('list', o.list)}>`;
  }
  return html`<div class="field${errors.length ? ' has-error' : ''}${o.className ? ` ${o.className}` : ''}">
    <label for="${id}"${attr('class', o.hideLabel ? 'visually-hidden' : null)}>${o.srPrefix ? html`<span class="visually-hidden">${o.srPrefix} </span>` : ''}${o.label}${o.required ? html` <span class="req">(${ctx.t('form.required')})</span>` : ''}</label>
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
    ${errors.length ? html`<p class="error" id="${id}-error"><span aria-hidden="true">✖ </span>${errors.join('; ')}</p>` : ''}
    ${control}
  </div>`;
}

/** A group of checkboxes (or radios) in a fieldset with a legend; errors shown under the legend. */
export function choiceGroup(
  ctx: { t: AnonCtx['t'] },
  o: {
    name: string;
    legend: string;
    type?: 'checkbox' | 'radio';
    options: { value: string; label: HtmlValue }[];
    selected: string[];
    state?: FormState;
    required?: boolean;
    hint?: string;
    className?: string;
  },
): SafeHtml {
  const id = fieldId(o.name);
  const errors = o.state?.errors.get(o.name) ?? [];
  const describedBy = [o.hint ? `${id}-hint` : '', errors.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<fieldset class="choices${errors.length ? ' has-error' : ''}${o.className ? ` ${o.className}` : ''}" id="${id}" tabindex="-1"${attr('aria-describedby', describedBy || null)}>
    <legend>${o.legend}${o.required ? html` <span class="req">(${ctx.t('form.required')})</span>` : ''}</legend>
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
    ${errors.length ? html`<p class="error" id="${id}-error"><span aria-hidden="true">✖ </span>${errors.join('; ')}</p>` : ''}
    <div class="choice-list">
    ${o.options.map(
      (op, i) =>
        html`<div class="choice"><input type="${o.type ?? 'checkbox'}" id="${id}-${i}" name="${o.name}" value="${op.value}"${attr('checked', o.selected.includes(op.value))}><label for="${id}-${i}">${op.label}</label></div>`,
    )}
    </div>
  </fieldset>`;
}

export function hidden(name: string, value: string | number | null | undefined): SafeHtml {
  return html`<input type="hidden" name="${name}" value="${value ?? ''}">`;
}

export function csrfField(ctx: { csrf: string }): SafeHtml {
  return hidden('_csrf', ctx.csrf);
}

/** A <dl> of label/value pairs, skipping empty values. */
export function facts(rows: [string, HtmlValue][]): SafeHtml {
  const kept = rows.filter(([, v]) => v !== null && v !== undefined && v !== '');
  return html`<dl class="facts">${kept.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

export function emptyState(text: string): SafeHtml {
  return html`<p class="empty">${text}</p>`;
}

/** Paragraphs from plain text (escaped), keeping line breaks. */
export function prose(text: unknown): SafeHtml {
  if (typeof text !== 'string' || !text.trim()) return html``;
  return html`<div class="prose">${text.split(/\n{2,}/).map((p) => html`<p>${p.split('\n').map((line, i) => html`${i ? raw('<br>') : ''}${line}`)}</p>`)}</div>`;
}

export function pager(
  ctx: PageCtx,
  page: { total: number; page: number; pageSize: number },
  href: (n: number) => string,
): HtmlValue {
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  if (pages <= 1) return '';
  return html`<nav class="pager" aria-label="${ctx.t('pager.label')}">
    ${page.page > 1 ? html`<a href="${href(page.page - 1)}" rel="prev">${ctx.t('pager.prev')}</a>` : ''}
    <span>${ctx.t('pager.of', { page: page.page, pages })}</span>
    ${page.page < pages ? html`<a href="${href(page.page + 1)}" rel="next">${ctx.t('pager.next')}</a>` : ''}
  </nav>`;
}
