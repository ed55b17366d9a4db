import { TASK_KINDS } from '../domain/tasks';
import { BUDGET_CATEGORY_LABELS } from '../domain/budget';
import {
  phaseOf,
  programmeOfSubject,
  programmeSpec,
  subjectOfWorkflowId,
  waitingPhrase,
  type Programme,
  type SubjectType,
} from '../domain/registry';
import type { ProgrammeLabels } from '../domain/programme';
import { isTerminal } from '../domain/stages';
import type { Schemas } from './api-client';
import { html, type HtmlValue, type SafeHtml } from './html';
import type { Key, Lang } from './i18n';
import { findingsOf, findingText } from './findings';
import { nameOf, type NamedItem } from './reference';
import {
  emptyState,
  facts,
  fmtDate,
  fmtNum,
  fmtUsd,
  pager,
  prose,
  stageBadge,
  stageLabel,
  type AnonCtx,
  type PageCtx,
} from './ui';

// ---------------------------------------------------------------- API shapes: the document's types (web/api-client.ts)

export type DecisionOption = Schemas['DecisionOption'];
/** A task as GET /tasks lists it; GET /tasks/{id} adds its decision. */
export type TaskView = Schemas['Task'] & Partial<Pick<Schemas['TaskDetail'], 'decision' | 'decidedAt'>>;
export type OpenTask = Schemas['OpenTask'];
export type TimelineEvent = Schemas['TimelineEvent'];
export type Milestone = Schemas['ProposalFull']['milestones'][number];
export type ProposalView = Schemas['Proposal'];
export type ProposalFullView = Schemas['ProposalFull'];
export type Deliverable = Schemas['ExpertRequest']['deliverables'][number];
export type ExpertRequestView = Schemas['ExpertRequest'];
export type ShortlistEntry = Schemas['ShortlistEntry'];
export type AgreementView = Schemas['Agreement'];

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Reference {
  areas: NamedItem[];
  countries: NamedItem[];
}

// ---------------------------------------------------------------- helpers

const STAFF_VIEWERS = new Set(['fund_manager', 'co_approver', 'admin', 'auditor']);

/** Staff who see a subject's whole record (who acted on its timeline, its reviews). */
export function isStaffViewer(role: string): boolean {
  return STAFF_VIEWERS.has(role);
}

/** Task ids are `<workflowId>:<kind>:…`; the workflow id names the subject, so a task page can fetch both at once. */
export function subjectOfTaskId(taskId: string): { type: SubjectType; id: string } | undefined {
  return subjectOfWorkflowId(taskId.split(':')[0]);
}

export function subjectHref(type: SubjectType, id: string): string {
  return `/app/${programmeOfSubject(type).apiPath}/${encodeURIComponent(id)}`;
}

export function taskHref(id: string): string {
  return `/app/tasks/${encodeURIComponent(id)}`;
}

export function kindLabel(lang: Lang, kind: string): string {
  const spec = (TASK_KINDS as Record<string, { label: string; labelRu: string }>)[kind];
  if (!spec) return kind;
  return lang === 'ru' ? spec.labelRu : spec.label;
}

export function decisionLabel(ctx: { t: AnonCtx['t'] }, decision: string): string {
  return ctx.t(`decision.${decision}` as Key);
}

export function countryName(ctx: AnonCtx, ref: Reference, code: string | null | undefined): string {
  return nameOf(ref.countries, code, ctx.lang) || '—';
}

export function criterionLabel(ctx: AnonCtx, key: string, label?: string): string {
  const known = [
    'innovation',
    'feasibility_sustainability',
    'social_benefit',
    'relevance',
    'effectiveness',
    'efficiency',
    'sustainability',
  ];
  if (known.includes(key)) return ctx.t(`criterion.${key}` as Key);
  return label ?? key.replace(/_/g, ' ');
}

export function sdgList(ctx: { t: AnonCtx['t'] }, sdgs: number[] | undefined): string {
  return (sdgs ?? []).map((n) => `${ctx.t('sdg.short')} ${n}`).join(', ');
}

export function languagesList(ctx: AnonCtx, langs: string[] | undefined): string {
  return (langs ?? []).map((l) => languageName(ctx, l)).join(', ');
}

export function languageName(ctx: AnonCtx, code: string): string {
  try {
    const name = new Intl.DisplayNames([ctx.lang], { type: 'language' }).of(code);
    return name && name !== code ? name : code;
  } catch {
    return code;
  }
}

// ---------------------------------------------------------------- subject details

export function proposalFacts(ctx: AnonCtx, p: ProposalView, ref: Reference): SafeHtml {
  const { t, lang } = ctx;
  const full = p.view === 'full' ? p : undefined;
  return facts([
    [t('field.call'), p.call?.title ?? ''],
    [t('field.institution'), p.institution?.name ?? ''],
    [t('field.country'), countryName(ctx, ref, p.countryCode)],
    [t('field.stage'), stageBadge(ctx, p.stage, 'challenge_fund')],
    [t('field.requestedAmountUsd'), full ? fmtUsd(full.requestedAmountUsd, lang) : ''],
    [t('field.coFinancingUsd'), full ? fmtUsd(full.coFinancingUsd, lang) : ''],
    [t('field.durationMonths'), full ? t('unit.months', { n: full.durationMonths }) : ''],
    [t('field.thematicArea'), nameOf(ref.areas, p.thematicAreaId, lang)],
    [t('field.sdgs'), sdgList(ctx, p.sdgs)],
    [t('field.partnerName'), p.nationalPartner?.name ?? ''],
    [t('field.partnerContact'), full?.nationalPartner.contact ?? ''],
    [t('field.submitted'), fmtDate(p.createdAt, lang)],
  ]);
}

/** A submitted budget: its lines with their costs, the totals and the shares (computed by the API). */
function budgetView(
  ctx: AnonCtx,
  lines: NonNullable<Schemas['ProposalFull']['budget']>,
  totals: NonNullable<Schemas['ProposalFull']['budgetTotals']>,
): SafeHtml {
  const { t, lang } = ctx;
  const usd = (n: number) => fmtUsd(n, lang);
  const head = [
    t('budget.category'),
    t('budget.description'),
    t('budget.quantity'),
    t('budget.lineCost'),
    t('budget.requested'),
    t('budget.cash'),
    t('budget.inKind'),
  ];
  return html`<table class="table table-stack"><caption class="visually-hidden">${t('budget.caption')}</caption>
    <thead><tr>${head.map((h, i) => html`<th scope="col"${i >= 3 ? html` class="num"` : ''}>${h}</th>`)}</tr></thead>
    <tbody>${lines.map(
      (
        l,
        i,
      ) => html`<tr><td data-label="${head[0]}">${BUDGET_CATEGORY_LABELS[l.category][lang]}</td><td data-label="${head[1]}">${l.description}</td>
      <td data-label="${head[2]}">${fmtNum(l.quantity, lang)} × ${usd(l.unitCostUsd)} / ${l.unit}</td><td data-label="${head[3]}" class="num">${usd(totals.lineCostUsd[i] ?? 0)}</td>
      <td data-label="${head[4]}" class="num">${usd(l.requestedUsd)}</td><td data-label="${head[5]}" class="num">${usd(l.coFinancingCashUsd)}</td><td data-label="${head[6]}" class="num">${usd(l.coFinancingInKindUsd)}</td></tr>`,
    )}</tbody>
    <tfoot><tr><th scope="row" colspan="3">${t('budget.totals')}</th><td data-label="${head[3]}" class="num">${usd(totals.totalUsd)}</td><td data-label="${head[4]}" class="num">${usd(totals.requestedUsd)}</td><td data-label="${head[5]}" class="num">${usd(totals.coFinancingCashUsd)}</td><td data-label="${head[6]}" class="num">${usd(totals.coFinancingInKindUsd)}</td></tr></tfoot>
  </table>
  ${facts([
    [t('budget.coFinancingShare'), `${fmtNum(totals.coFinancingPct, lang, 2)} %`],
    [t('budget.indirectShare'), `${fmtNum(totals.indirectPct, lang, 2)} %`],
  ])}`;
}

export function proposalTexts(ctx: AnonCtx, p: ProposalView, open = true): SafeHtml {
  const { t, lang } = ctx;
  if (p.view !== 'full') return html``;
  const section = (title: string, body: HtmlValue) => html`<h3>${title}</h3>${body}`;
  const inner = html`
    ${section(t('field.summary'), prose(p.summary))}
    ${section(t('field.partnerEvidence'), prose(p.nationalPartner?.demandEvidence))}
    ${section(t('field.innovation'), prose(p.innovation))}
    ${section(t('field.expectedResults'), prose(p.expectedResults))}
    ${p.budget?.length && p.budgetTotals ? section(t('budget.legend'), budgetView(ctx, p.budget, p.budgetTotals)) : ''}
    ${
      p.milestones?.length
        ? section(
            t('field.milestones'),
            html`<table class="table"><caption class="visually-hidden">${t('field.milestones')}</caption><thead><tr><th scope="col">#</th><th scope="col">${t('field.milestoneTitle')}</th><th scope="col">${t('field.dueDate')}</th></tr></thead>
          <tbody>${p.milestones.map((m, i) => html`<tr><td>${i + 1}</td><td>${m.title}${m.description ? html`<br><span class="muted">${m.description}</span>` : ''}</td><td>${fmtDate(m.dueDate, lang)}</td></tr>`)}</tbody></table>`,
          )
        : ''
    }`;
  return open
    ? html`<div class="texts">${inner}</div>`
    : html`<details class="texts"><summary>${t('proposal.showFull')}</summary>${inner}</details>`;
}

export function expertRequestFacts(
  ctx: AnonCtx,
  r: Partial<ExpertRequestView> & { title?: string },
  ref: Reference,
): SafeHtml {
  const { t, lang } = ctx;
  return facts([
    [t('field.country'), r.countryCode ? countryName(ctx, ref, r.countryCode) : ''],
    [t('field.stage'), r.stage ? stageBadge(ctx, r.stage, 'experts_on_demand') : ''],
    [t('field.modality'), r.modality ? t(`modality.${r.modality}` as Key) : ''],
    [t('field.workingDays'), r.workingDays ?? ''],
    [t('field.period'), r.startDate ? `${fmtDate(r.startDate, lang)} – ${fmtDate(r.endDate, lang)}` : ''],
    [t('field.languages'), languagesList(ctx, r.languages)],
    [t('field.thematicArea'), nameOf(ref.areas, r.thematicAreaId, lang)],
    [t('field.sdgs'), sdgList(ctx, r.sdgs)],
    [t('field.contractValueUsd'), r.contractValueUsd !== undefined ? fmtUsd(r.contractValueUsd, lang) : ''],
    [t('field.destination'), r.destination ?? ''],
    [t('field.travelDays'), r.travelDays ?? ''],
    [t('field.partnerName'), r.nationalPartner?.name ?? ''],
  ]);
}

export function deliverablesTable(ctx: AnonCtx, deliverables: Deliverable[] | undefined): SafeHtml {
  const { t, lang } = ctx;
  if (!deliverables?.length) return html``;
  return html`<table class="table"><caption>${t('field.deliverables')}</caption>
    <thead><tr><th scope="col">#</th><th scope="col">${t('field.deliverableTitle')}</th><th scope="col">${t('field.dueDate')}</th><th scope="col" class="num">${t('field.amountUsd')}</th></tr></thead>
    <tbody>${deliverables.map((d, i) => html`<tr><td>${i + 1}</td><td>${d.title}</td><td>${fmtDate(d.dueDate, lang)}</td><td class="num">${fmtUsd(d.amountUsd, lang)}</td></tr>`)}</tbody></table>`;
}

// ---------------------------------------------------------------- agreement and payments

const TRANCHE_BADGE: Record<string, string> = {
  released: 'badge-ok',
  under_review: 'badge-info',
  revision_requested: 'badge-warn',
  scheduled: 'badge-muted',
};

/** The grant agreement or individual contract: value, who signed when, each tranche with its amount, status and payment date. */
export function agreementCard(ctx: AnonCtx, a: AgreementView | null | undefined): SafeHtml {
  if (!a) return html``;
  const { t, lang } = ctx;
  const title = t(a.kind === 'grant' ? 'agreement.grant' : 'agreement.contract');
  return html`<section class="card" aria-labelledby="agreement-h"><h2 id="agreement-h">${title}</h2>
    ${facts([
      [t('agreement.party'), a.partyName],
      [t('agreement.value'), fmtUsd(a.valueUsd, lang)],
      [
        t('agreement.status'),
        html`<span class="badge ${a.status === 'signed' ? 'badge-ok' : a.status === 'declined' ? 'badge-muted' : 'badge-info'}">${t(`agreement.status.${a.status}` as Key)}</span>`,
      ],
      [t('agreement.paid'), t('agreement.paidOf', { paid: fmtUsd(a.paidUsd, lang), value: fmtUsd(a.valueUsd, lang) })],
    ])}
    <h3>${t('agreement.signatures')}</h3>
    ${
      a.signatures.length
        ? html`<ul class="signatures">${a.signatures.map((sig) => html`<li><span aria-hidden="true">✓ </span>${t(`agreement.party.${sig.party}` as Key)}: ${sig.signedBy.name ?? t(`actor.${sig.party === 'co' ? 'co_approver' : sig.party}` as Key)} · <time datetime="${sig.at}">${fmtDate(sig.at, lang, true)}</time></li>`)}</ul>`
        : html`<p class="muted">${t('agreement.noSignature')}</p>`
    }
    <table class="table table-stack"><caption>${t('agreement.schedule')}</caption>
      <thead><tr><th scope="col">#</th><th scope="col">${t(a.kind === 'grant' ? 'field.milestone' : 'field.deliverable')}</th><th scope="col">${t('field.dueDate')}</th><th scope="col" class="num">${t('field.amountUsd')}</th><th scope="col">${t('agreement.trancheStatus')}</th><th scope="col">${t('agreement.paidOn')}</th></tr></thead>
      <tbody>${a.tranches.map(
        (x) => html`<tr>
        <td data-label="#">${x.seq}</td>
        <td data-label="${t(a.kind === 'grant' ? 'field.milestone' : 'field.deliverable')}">${x.milestone}</td>
        <td data-label="${t('field.dueDate')}">${fmtDate(x.dueDate, lang)}</td>
        <td data-label="${t('field.amountUsd')}" class="num">${fmtUsd(x.amountUsd, lang)} <span class="muted small">(${x.pct}%)</span></td>
        <td data-label="${t('agreement.trancheStatus')}"><span class="badge ${TRANCHE_BADGE[x.status] ?? 'badge-muted'}">${x.status === 'released' ? html`<span aria-hidden="true">✓ </span>` : ''}${t(`tranche.${x.status}` as Key)}</span></td>
        <td data-label="${t('agreement.paidOn')}">${x.releasedAt ? html`<time datetime="${x.releasedAt}">${fmtDate(x.releasedAt, lang)}</time>` : '—'}</td>
      </tr>`,
      )}</tbody></table>
  </section>`;
}

/** Titles of the milestones or deliverables by number, for the payments in the History. */
export function milestoneTitles(a: AgreementView | null | undefined): Map<number, string> {
  return new Map((a?.tranches ?? []).map((x) => [x.seq, x.milestone]));
}

// ---------------------------------------------------------------- timeline

/** Bookkeeping of the workflow, not actions of people: never in the History. */
const NOT_ACTIONS = new Set(['task_opened', 'task_reminder']);
/** System steps owners (applicants, reviewers, experts) do not need to follow. */
const QUIET_FOR_OWNERS = new Set([
  'task_cancelled',
  'eligibility_screened',
  'request_screened',
  'alignment_checked',
  'contract_drafted',
  'shortlist_proposed',
]);

function kindOf(e: TimelineEvent): string | undefined {
  const data = e.data ?? {};
  return typeof data.kind === 'string'
    ? data.kind
    : typeof data.taskId === 'string'
      ? data.taskId.split(':')[1]
      : undefined;
}

export function eventLabel(ctx: AnonCtx, e: TimelineEvent, programme?: Programme): string {
  const data = e.data ?? {};
  const kind = kindOf(e);
  if ((e.action === 'decision' || e.action === 'task_expired') && typeof data.decision === 'string') {
    // What was done, in the past tense: "Report accepted", "Signed the contract".
    for (const key of [`done.${kind}.${data.decision}`, `done.${data.decision}`]) {
      const label = ctx.t(key as Key);
      if (label !== key) return label;
    }
    return `${kind ? kindLabel(ctx.lang, kind) : ctx.t('action.decision')}: ${decisionLabel(ctx, data.decision)}`;
  }
  const key = `action.${e.action}` as Key;
  const label = ctx.t(key);
  if (label !== key) return label;
  // A programme's own steps are worded with the programme (domain/programmes/<programme>-words.ts).
  const own = programme ? (programmeSpec(programme).labels as ProgrammeLabels).actions?.[e.action] : undefined;
  return own ? own[ctx.lang] : ctx.t('action.other');
}

/** A payment's amount and what it is for: "USD 12,000 · milestone 1 “Pilot”" (titles from the event, else the agreement). */
function paymentDetail(ctx: AnonCtx, e: TimelineEvent, titles: Map<number, string>): string {
  const data = e.data ?? {};
  if (typeof data.amountCents !== 'number') return '';
  const seq =
    typeof data.milestone === 'number'
      ? data.milestone
      : typeof data.deliverable === 'number'
        ? data.deliverable
        : undefined;
  const title =
    typeof data.milestoneTitle === 'string'
      ? data.milestoneTitle
      : typeof data.deliverableTitle === 'string'
        ? data.deliverableTitle
        : seq !== undefined
          ? titles.get(seq)
          : undefined;
  const deliverable = typeof data.deliverable === 'number';
  const what =
    seq === undefined
      ? ''
      : title
        ? ctx.t(deliverable ? 'timeline.forDeliverable' : 'timeline.forMilestone', { n: seq, title })
        : ctx.t(deliverable ? 'timeline.forDeliverableN' : 'timeline.forMilestoneN', { n: seq });
  return [fmtUsd(data.amountCents / 100, ctx.lang), what].filter(Boolean).join(' · ');
}

export function actorText(ctx: AnonCtx, e: TimelineEvent, names: Map<string, string>, privileged: boolean): string {
  if (e.actorId && e.actorId === ctx.user?.id) return ctx.t('actor.you');
  if (e.actorRole === 'system' || (!e.actorId && !e.actorRole)) return ctx.t('actor.system');
  if (privileged && e.actorId && names.get(e.actorId))
    return `${names.get(e.actorId)} (${ctx.t(`role.${e.actorRole ?? 'system'}` as Key)})`;
  return ctx.t(`actor.${e.actorRole ?? 'system'}` as Key);
}

/**
 * One line per action. A decision that led straight to a further event (the stage it moved to,
 * the payment it released, the resubmission it carried) is told by that event, with the
 * decider and the comment: same instant, and the same person or a stage change it caused.
 */
export function historyLines(events: TimelineEvent[], opts: { privileged: boolean }): TimelineEvent[] {
  const shown = events.filter(
    (e) => !NOT_ACTIONS.has(e.action) && (opts.privileged || !QUIET_FOR_OWNERS.has(e.action)),
  );
  const lines: TimelineEvent[] = [];
  for (let i = 0; i < shown.length; i++) {
    const e = shown[i];
    const next = shown[i + 1];
    const movedOn = !!next && next.actorId === null && !!next.toStage && next.toStage !== next.fromStage;
    const causes =
      e.action === 'decision' &&
      !!next &&
      next.action !== 'decision' &&
      next.at === e.at &&
      (next.actorId === e.actorId || movedOn);
    if (causes) {
      shown[i + 1] = { ...next, actorId: e.actorId, actorRole: e.actorRole, comment: next.comment ?? e.comment };
      continue;
    }
    lines.push(e);
  }
  return lines;
}

export function timelineList(
  ctx: AnonCtx,
  events: TimelineEvent[],
  names: Map<string, string>,
  opts: { privileged: boolean; programme: Programme; milestones?: Map<number, string> },
): SafeHtml {
  const { lang } = ctx;
  const shown = historyLines(events, opts);
  if (!shown.length) return html`<p class="empty">${ctx.t('timeline.empty')}</p>`;
  return html`<ol class="timeline">${[...shown].reverse().map((e) => {
    const moved = e.toStage && e.toStage !== e.fromStage;
    const payment = paymentDetail(ctx, e, opts.milestones ?? new Map());
    const reasons = findingsOf((e.data ?? {}).reasons);
    return html`<li>
      <p class="t-head"><strong>${eventLabel(ctx, e, opts.programme)}</strong>${moved ? html` <span class="muted">→ ${stageLabel(ctx, e.toStage!, opts.programme)}</span>` : ''}</p>
      ${payment ? html`<p class="t-amount">${payment}</p>` : ''}
      ${reasons.length ? html`<ul class="t-reasons">${reasons.map((r) => html`<li>${findingText(lang, r)}</li>`)}</ul>` : ''}
      <p class="t-meta"><time datetime="${e.at}">${fmtDate(e.at, lang, true)}</time> · ${actorText(ctx, e, names, opts.privileged)}</p>
      ${e.comment ? html`<blockquote class="t-comment">${e.comment}</blockquote>` : ''}
    </li>`;
  })}</ol>`;
}

// ---------------------------------------------------------------- progress stepper (applicant-friendly status)

/** The programme's active stages, then the terminal stage that completes it. */
function stepsOf(programme: Programme): string[] {
  const spec = programmeSpec(programme);
  return [...spec.stages.map((s) => s.name), ...Object.keys(spec.endings).filter((e) => spec.endings[e] === 'closed')];
}

export function stepper(ctx: AnonCtx, stage: string, timeline: TimelineEvent[], programme: Programme): SafeHtml {
  const { t } = ctx;
  const STEPS = stepsOf(programme);
  const completed = phaseOf(programme, stage) === 'closed';
  let current = STEPS.indexOf(stage);
  let ended: string | undefined;
  if (current < 0) {
    ended = stage;
    const last = [...timeline].reverse().find((e) => e.toStage === stage);
    current = Math.max(0, STEPS.indexOf(last?.fromStage ?? 'intake'));
  }
  return html`<ol class="stepper" aria-label="${t('status.progress')}">${STEPS.map((s, i) => {
    const state =
      i < current || (completed && i === current) ? 'done' : i === current ? (ended ? 'stopped' : 'current') : 'todo';
    const text =
      state === 'done'
        ? t('status.done')
        : state === 'current'
          ? t('status.current')
          : state === 'stopped'
            ? stageLabel(ctx, ended!, programme)
            : t('status.upcoming');
    const icon = state === 'done' ? '✓' : state === 'current' ? '●' : state === 'stopped' ? '✕' : '○';
    return html`<li class="step step-${state}"${state === 'current' || state === 'stopped' ? html` aria-current="step"` : ''}><span class="step-icon" aria-hidden="true">${icon}</span><span class="step-name">${stageLabel(ctx, s, programme)}</span><span class="step-state">${text}</span></li>`;
  })}</ol>`;
}

export function waitingOn(ctx: AnonCtx, tasks: OpenTask[], stage: string, programme: Programme): SafeHtml {
  const { t, lang } = ctx;
  const items = tasks.map((task) => {
    if (task.assignedToMe) {
      return html`<li class="waiting-you"><span class="badge badge-warn">${t('status.yourTurn')}</span> <a href="${taskHref(task.id)}">${kindLabel(lang, task.kind)}</a>${task.dueAt ? html` · ${t('task.dueOn', { date: fmtDate(task.dueAt, lang) })}` : ''}${task.overdue ? html` <span class="badge badge-danger"><span aria-hidden="true">⚠ </span>${t('task.overdue')}</span>` : ''}</li>`;
    }
    return html`<li>${t('status.waitingFor', { who: t(`who.${task.assigneeRole}` as Key) })}: ${kindLabel(lang, task.kind)}${task.dueAt ? html` · ${t('task.dueOn', { date: fmtDate(task.dueAt, lang) })}` : ''}</li>`;
  });
  const waiting = items.length || isTerminal(stage) ? undefined : waitingPhrase(programme, stage, lang);
  if (waiting) items.push(html`<li>${waiting}</li>`);
  return items.length ? html`<ul class="waiting">${items}</ul>` : html``;
}

/**
 * The "Status" card of a subject's page: where it stands, whom it waits for, what comes next
 * (`next`, the programme's sentence for the stage) and anything the page adds under it.
 */
export function statusSection(
  ctx: AnonCtx,
  subject: { stage: string; timeline: TimelineEvent[]; openTasks: OpenTask[] },
  programme: Programme,
  next: string,
  extra: HtmlValue = '',
): SafeHtml {
  const { t } = ctx;
  return html`<section class="card status" aria-labelledby="status-h">
      <h2 id="status-h">${t('status.title')}</h2>
      ${stepper(ctx, subject.stage, subject.timeline, programme)}
      <h3>${t('status.now')}</h3>
      ${waitingOn(ctx, subject.openTasks, subject.stage, programme)}
      <h3>${t('status.next')}</h3>
      <p>${next}</p>
      ${extra}
    </section>`;
}

/** Staff's card of a subject's open tasks: each with its assignee, due date and whether it is overdue. */
export function openTasksSection(ctx: AnonCtx, tasks: OpenTask[]): HtmlValue {
  const { t, lang } = ctx;
  if (!tasks.length) return '';
  return html`<section class="card"><h2>${t('proposal.openTasks')}</h2><ul class="waiting">${tasks.map((x) => html`<li><a href="${taskHref(x.id)}">${kindLabel(lang, x.kind)}</a> · ${t(`actor.${x.assigneeRole}` as Key)}${x.dueAt ? html` · ${t('task.dueOn', { date: fmtDate(x.dueAt, lang) })}` : ''}${x.overdue ? html` <span class="badge badge-danger"><span aria-hidden="true">⚠ </span>${t('task.overdue')}</span>` : ''}</li>`)}</ul></section>`;
}

// ---------------------------------------------------------------- a programme's list page and a subject's page

/** What a list page starts from: the page of its list the reader asked for (by `?page=`), and the countries' names. */
export async function listPageData<L>(
  ctx: PageCtx,
  read: (page: number) => Promise<L>,
): Promise<{ list: L; refs: Reference }> {
  const page = Math.max(1, Number(ctx.req.query.page) || 1);
  const [list, countries] = await Promise.all([read(page), ctx.ref.countries()]);
  return { list, refs: { areas: [], countries } };
}

export interface ListColumn<T> {
  label: string;
  /** A figure: aligned right. */
  num?: boolean;
  cell: (item: T) => HtmlValue;
}

/** A list page's table (a card an item on a phone) with its pager (given `href`), or the empty state. */
export function listTable<T>(
  ctx: PageCtx,
  list: Page<T>,
  o: { caption: string; none: string; columns: ListColumn<T>[]; href?: (page: number) => string },
): SafeHtml {
  if (!list.items.length) return emptyState(o.none);
  const head = (c: ListColumn<T>) =>
    c.num ? html`<th scope="col" class="num">${c.label}</th>` : html`<th scope="col">${c.label}</th>`;
  const cell = (c: ListColumn<T>, item: T) =>
    c.num
      ? html`<td data-label="${c.label}" class="num">${c.cell(item)}</td>`
      : html`<td data-label="${c.label}">${c.cell(item)}</td>`;
  return html`<table class="table table-stack"><caption class="visually-hidden">${o.caption}</caption>
    <thead><tr>${o.columns.map(head)}</tr></thead>
    <tbody>${list.items.map((item) => html`<tr>${o.columns.map((c) => cell(c, item))}</tr>`)}</tbody></table>${o.href ? pager(ctx, list, o.href) : ''}`;
}

/**
 * What a subject's page starts from: the subject, the reference names (thematic areas when asked),
 * whether the reader is staff, and for staff the names of those who acted in its history.
 */
export async function subjectPageData<T extends { timeline: TimelineEvent[] }>(
  ctx: PageCtx,
  read: Promise<T>,
  o: { areas?: boolean } = {},
): Promise<{ r: T; refs: Reference; privileged: boolean; names: Map<string, string> }> {
  const [r, areas, countries] = await Promise.all([read, o.areas ? ctx.ref.thematicAreas() : [], ctx.ref.countries()]);
  const privileged = isStaffViewer(ctx.user.role);
  const names = privileged
    ? await ctx.ref.userNames(r.timeline.map((e) => e.actorId ?? '').filter(Boolean))
    : new Map<string, string>();
  return { r, refs: { areas, countries }, privileged, names };
}
