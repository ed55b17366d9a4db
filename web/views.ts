import { TASK_KINDS } from '../domain/tasks';
import type { Schemas } from './api-client';
import { html, type HtmlValue, type SafeHtml } from './html';
import type { Key, Lang } from './i18n';
import { nameOf, type NamedItem } from './reference';
import { facts, fmtDate, fmtUsd, prose, stageBadge, stageLabel, type AnonCtx } from './ui';

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

/** Task ids are `<workflowId>:<kind>:…`; the workflow id names the subject, so a task page can fetch both at once. */
export function subjectOfTaskId(taskId: string): { type: 'proposal' | 'expert_request'; id: string } | undefined {
  const wf = taskId.split(':')[0];
  if (wf.startsWith('proposal-')) return { type: 'proposal', id: wf.slice('proposal-'.length) };
  if (wf.startsWith('expert-request-')) return { type: 'expert_request', id: wf.slice('expert-request-'.length) };
  return undefined;
}

export function subjectHref(type: string, id: string): string {
  return type === 'proposal' ? `/app/proposals/${encodeURIComponent(id)}` : `/app/expert-requests/${encodeURIComponent(id)}`;
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
  const known = ['innovation', 'feasibility_sustainability', 'social_benefit', 'relevance', 'effectiveness', 'efficiency', 'sustainability'];
  if (known.includes(key)) return ctx.t(`criterion.${key}` as Key);
  return label ?? key.replace(/_/g, ' ');
}

export function sdgList(sdgs: number[] | undefined): string {
  return (sdgs ?? []).map((n) => `SDG ${n}`).join(', ');
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
    [t('field.sdgs'), sdgList(p.sdgs)],
    [t('field.partnerName'), p.nationalPartner?.name ?? ''],
    [t('field.partnerContact'), full?.nationalPartner.contact ?? ''],
    [t('field.submitted'), fmtDate(p.createdAt, lang)],
  ]);
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
    ${p.milestones?.length
      ? section(
          t('field.milestones'),
          html`<table class="table"><caption class="visually-hidden">${t('field.milestones')}</caption><thead><tr><th scope="col">#</th><th scope="col">${t('field.milestoneTitle')}</th><th scope="col">${t('field.dueDate')}</th></tr></thead>
          <tbody>${p.milestones.map((m, i) => html`<tr><td>${i + 1}</td><td>${m.title}${m.description ? html`<br><span class="muted">${m.description}</span>` : ''}</td><td>${fmtDate(m.dueDate, lang)}</td></tr>`)}</tbody></table>`,
        )
      : ''}`;
  return open ? html`<div class="texts">${inner}</div>` : html`<details class="texts"><summary>${t('proposal.showFull')}</summary>${inner}</details>`;
}

export function expertRequestFacts(ctx: AnonCtx, r: Partial<ExpertRequestView> & { title?: string }, ref: Reference): SafeHtml {
  const { t, lang } = ctx;
  return facts([
    [t('field.country'), r.countryCode ? countryName(ctx, ref, r.countryCode) : ''],
    [t('field.stage'), r.stage ? stageBadge(ctx, r.stage, 'experts_on_demand') : ''],
    [t('field.modality'), r.modality ? t(`modality.${r.modality}` as Key) : ''],
    [t('field.workingDays'), r.workingDays ?? ''],
    [t('field.period'), r.startDate ? `${fmtDate(r.startDate, lang)} – ${fmtDate(r.endDate, lang)}` : ''],
    [t('field.languages'), languagesList(ctx, r.languages)],
    [t('field.thematicArea'), nameOf(ref.areas, r.thematicAreaId, lang)],
    [t('field.sdgs'), sdgList(r.sdgs)],
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

// ---------------------------------------------------------------- timeline

const QUIET_FOR_OWNERS = new Set(['task_opened', 'task_reminder', 'task_cancelled', 'eligibility_screened', 'request_screened', 'alignment_checked', 'contract_drafted', 'shortlist_proposed']);

export function eventLabel(ctx: AnonCtx, e: TimelineEvent): string {
  const data = e.data ?? {};
  const kind = typeof data.kind === 'string' ? data.kind : typeof data.taskId === 'string' ? data.taskId.split(':')[1] : undefined;
  if ((e.action === 'decision' || e.action === 'task_expired') && typeof data.decision === 'string') {
    return `${kind ? kindLabel(ctx.lang, kind) : ctx.t('action.decision')}: ${decisionLabel(ctx, data.decision)}`;
  }
  if (e.action === 'task_opened' && kind) return ctx.t('action.task_opened_kind', { task: kindLabel(ctx.lang, kind) });
  const key = `action.${e.action}` as Key;
  const label = ctx.t(key);
  return label === key ? e.action.replace(/_/g, ' ') : label;
}

export function actorText(ctx: AnonCtx, e: TimelineEvent, names: Map<string, string>, privileged: boolean): string {
  if (e.actorId && e.actorId === ctx.user?.id) return ctx.t('actor.you');
  if (e.actorRole === 'system' || (!e.actorId && !e.actorRole)) return ctx.t('actor.system');
  if (privileged && e.actorId && names.get(e.actorId)) return `${names.get(e.actorId)} (${ctx.t(`role.${e.actorRole ?? 'system'}` as Key)})`;
  return ctx.t(`actor.${e.actorRole ?? 'system'}` as Key);
}

export function timelineList(ctx: AnonCtx, events: TimelineEvent[], names: Map<string, string>, opts: { privileged: boolean; programme: string }): SafeHtml {
  const { lang } = ctx;
  const shown = opts.privileged ? events : events.filter((e) => !QUIET_FOR_OWNERS.has(e.action));
  if (!shown.length) return html`<p class="empty">${ctx.t('timeline.empty')}</p>`;
  return html`<ol class="timeline">${[...shown].reverse().map((e) => {
    const moved = e.toStage && e.toStage !== e.fromStage;
    return html`<li>
      <p class="t-head"><strong>${eventLabel(ctx, e)}</strong>${moved ? html` <span class="muted">→ ${stageLabel(ctx, e.toStage!, opts.programme)}</span>` : ''}</p>
      <p class="t-meta"><time datetime="${e.at}">${fmtDate(e.at, lang, true)}</time> · ${actorText(ctx, e, names, opts.privileged)}</p>
      ${e.comment ? html`<blockquote class="t-comment">${e.comment}</blockquote>` : ''}
    </li>`;
  })}</ol>`;
}

// ---------------------------------------------------------------- progress stepper (applicant-friendly status)

const STEPS = ['intake', 'co_endorsement', 'alignment_check', 'selection', 'contracting', 'mission', 'evaluation', 'closed'];

export function stepper(ctx: AnonCtx, stage: string, timeline: TimelineEvent[], programme: string): SafeHtml {
  const { t } = ctx;
  let current = STEPS.indexOf(stage);
  let ended: string | undefined;
  if (current < 0) {
    ended = stage;
    const last = [...timeline].reverse().find((e) => e.toStage === stage);
    current = Math.max(0, STEPS.indexOf(last?.fromStage ?? 'intake'));
  }
  return html`<ol class="stepper" aria-label="${t('status.progress')}">${STEPS.map((s, i) => {
    const state = i < current || (stage === 'closed' && i === current) ? 'done' : i === current ? (ended ? 'stopped' : 'current') : 'todo';
    const text = state === 'done' ? t('status.done') : state === 'current' ? t('status.current') : state === 'stopped' ? stageLabel(ctx, ended!, programme) : t('status.upcoming');
    const icon = state === 'done' ? '✓' : state === 'current' ? '●' : state === 'stopped' ? '✕' : '○';
    return html`<li class="step step-${state}"${state === 'current' || state === 'stopped' ? html` aria-current="step"` : ''}><span class="step-icon" aria-hidden="true">${icon}</span><span class="step-name">${stageLabel(ctx, s, programme)}</span><span class="step-state">${text}</span></li>`;
  })}</ol>`;
}

export function waitingOn(ctx: AnonCtx, tasks: OpenTask[], stage: string, programme: string): SafeHtml {
  const { t, lang } = ctx;
  const items = tasks.map((task) => {
    if (task.assignedToMe) {
      return html`<li class="waiting-you"><span class="badge badge-warn">${t('status.yourTurn')}</span> <a href="${taskHref(task.id)}">${kindLabel(lang, task.kind)}</a>${task.dueAt ? html` · ${t('task.dueOn', { date: fmtDate(task.dueAt, lang) })}` : ''}${task.overdue ? html` <span class="badge badge-danger"><span aria-hidden="true">⚠ </span>${t('task.overdue')}</span>` : ''}</li>`;
    }
    return html`<li>${t('status.waitingFor', { who: t(`who.${task.assigneeRole}` as Key) })}: ${kindLabel(lang, task.kind)}${task.dueAt ? html` · ${t('task.dueOn', { date: fmtDate(task.dueAt, lang) })}` : ''}</li>`;
  });
  if (!items.length && !['closed', 'rejected', 'withdrawn', 'cancelled'].includes(stage)) {
    items.push(html`<li>${t(programme === 'challenge_fund' ? (`waiting.proposal.${stage}` as Key) : (`waiting.eod.${stage}` as Key))}</li>`);
  }
  return items.length ? html`<ul class="waiting">${items}</ul>` : html``;
}
