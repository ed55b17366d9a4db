import { documentsCard, loadDocuments } from './documents';
import type { Router } from 'express';
import { TASK_KINDS, type DecisionDataKey, type TaskKind } from '../../domain/tasks';
import { ApiError, type Schemas } from '../api-client';
import {
  expertRequestChanges,
  expertRequestFieldNames,
  expertRequestFormFields,
  expertRequestLabels,
  expertRequestValuesFrom,
  expertRequestValuesOf,
  list,
  num,
  proposalChanges,
  proposalFieldNames,
  proposalFormFields,
  proposalLabels,
  proposalPayload,
  proposalValuesFrom,
  proposalValuesOf,
  str,
  type Body,
} from '../forms';
import { attr, html, type HtmlValue, type SafeHtml } from '../html';
import { findingsOf, findingText } from '../findings';
import { apiMessage, type Key } from '../i18n';
import type { WebContext } from '../index';
import { nameOf, type NamedItem } from '../reference';
import {
  choiceGroup,
  csrfField,
  dueBadge,
  emptyForm,
  emptyState,
  errorSummary,
  facts,
  field,
  fieldId,
  fmtDate,
  fmtNum,
  fmtUsd,
  hidden,
  layout,
  mapDetails,
  prose,
  send,
  stageBadge,
  type FormState,
  type PageCtx,
} from '../ui';
import { formIdempotencyKey, idempotencyField, idempotencyHeader, IDEMPOTENCY_FIELD } from '../idempotency';
import {
  countryName,
  criterionLabel,
  decisionLabel,
  deliverablesTable,
  expertRequestFacts,
  kindLabel,
  languagesList,
  milestoneTitles,
  proposalFacts,
  proposalTexts,
  subjectHref,
  subjectOfTaskId,
  taskHref,
  timelineList,
  type DecisionOption,
  type ExpertRequestView,
  type Page,
  type ProposalView,
  type Reference,
  type ShortlistEntry,
  type TaskView,
} from '../views';

const enc = encodeURIComponent;
const DANGER = new Set(['reject', 'decline', 'declare_conflict']);
const NEUTRAL = new Set(['request_changes', 'request_revision', 'waitlist', 'edit']);
/** Task kinds whose decision forms are large: they take the main column (others sit beside the subject). */
const BIG_FORMS = new Set(['revise', 'shortlist_review', 'candidate_selection', 'review_score', 'evaluation', 'assign_reviewers', 'progress_report', 'final_report', 'deliverable_submission']);
const PRIVILEGED = new Set(['fund_manager', 'co_approver', 'admin']);
const EVALUATION_CRITERIA = ['relevance', 'effectiveness', 'efficiency', 'sustainability'];
const BREAKDOWN_KEYS = ['thematic', 'sdgOverlap', 'fee', 'rating', 'countryExperience'];

interface Failed {
  decision: string;
  state: FormState;
  values: Body;
}

function dataKeyOf(kind: string, decision: string): DecisionDataKey | undefined {
  const spec = (TASK_KINDS as Record<string, { decisions: Record<string, { data: DecisionDataKey }> }>)[kind];
  return spec?.decisions[decision]?.data;
}

function kindOfTaskId(id: string): string {
  return id.split(':')[1] ?? '';
}

// ---------------------------------------------------------------- inbox

interface InboxFilters {
  kind: string;
  country: string;
  overdue: boolean;
}

function inboxFilters(ctx: PageCtx): InboxFilters {
  const q = ctx.req.query;
  const one = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    kind: Object.prototype.hasOwnProperty.call(TASK_KINDS, one(q.kind)) ? one(q.kind) : '',
    country: /^[A-Z]{2}$/.test(one(q.country)) ? one(q.country) : '',
    overdue: one(q.overdue) === 'true',
  };
}

/** The inbox's filters as GET /tasks query parameters. */
function inboxQuery(f: InboxFilters) {
  return { pageSize: 100, kind: (f.kind || undefined) as TaskKind | undefined, country: f.country || undefined, overdue: f.overdue ? ('true' as const) : undefined };
}

/** Counts of all open tasks by kind, country and overdue: the choices of the filters. */
function facetsOf(all: TaskView[]) {
  const count = (key: (x: TaskView) => string) => all.reduce((m, x) => m.set(key(x), (m.get(key(x)) ?? 0) + 1), new Map<string, number>());
  return { kinds: count((x) => x.kind), countries: count((x) => x.subject.countryCode), overdue: all.filter((x) => x.overdue).length };
}

function inboxPage(ctx: PageCtx, tasks: Page<TaskView>, all: Page<TaskView>, countries: NamedItem[], f: InboxFilters): SafeHtml {
  const { t, lang } = ctx;
  const overdue = tasks.items.filter((x) => x.overdue).length;
  const ref: Reference = { areas: [], countries };
  const facets = facetsOf(all.items);
  // A filter chosen by address keeps its option, even with nothing open under it.
  if (f.kind && !facets.kinds.has(f.kind)) facets.kinds.set(f.kind, 0);
  if (f.country && !facets.countries.has(f.country)) facets.countries.set(f.country, 0);
  const filtered = !!(f.kind || f.country || f.overdue);
  const withCount = (label: string, n: number) => `${label} (${n})`;
  const filterForm = all.total
    ? html`<form method="get" action="/app/inbox" class="filters card" role="search" aria-label="${t('inbox.filters')}">
      ${field(ctx, { name: 'kind', label: t('inbox.kind'), type: 'select', value: f.kind, options: [{ value: '', label: withCount(t('filter.all'), all.total) }, ...[...facets.kinds.entries()].map(([kind, n]) => ({ value: kind, label: withCount(kindLabel(lang, kind), n) })).sort((a, b) => a.label.localeCompare(b.label, lang))] })}
      ${facets.countries.size > 1 || f.country
        ? field(ctx, { name: 'country', label: t('field.country'), type: 'select', value: f.country, options: [{ value: '', label: t('filter.all') }, ...[...facets.countries.entries()].map(([code, n]) => ({ value: code, label: withCount(countryName(ctx, ref, code), n) })).sort((a, b) => a.label.localeCompare(b.label, lang))] })
        : ''}
      <div class="choice filter-check"><input type="checkbox" id="f-overdue" name="overdue" value="true"${attr('checked', f.overdue)}><label for="f-overdue">${withCount(t('inbox.overdueOnly'), facets.overdue)}</label></div>
      <div class="filter-actions"><button type="submit" class="btn btn-secondary">${t('filter.apply')}</button>${filtered ? html` <a class="btn btn-link" href="/app/inbox">${t('filter.clear')}</a>` : ''}</div>
    </form>`
    : '';
  const body = tasks.items.length
    ? html`<p class="summary-line" id="inbox-summary">${t('inbox.summary', { n: tasks.total, overdue })}</p>
      <table class="table table-stack" aria-describedby="inbox-summary">
        <caption class="visually-hidden">${t('inbox.caption')}</caption>
        <thead><tr><th scope="col">${t('inbox.task')}</th><th scope="col">${t('inbox.subject')}</th><th scope="col">${t('field.country')}</th><th scope="col">${t('inbox.due')}</th></tr></thead>
        <tbody>${tasks.items.map(
          (x) => html`<tr class="${x.overdue ? 'row-overdue' : ''}">
            <td data-label="${t('inbox.task')}"><a href="${taskHref(x.id)}">${kindLabel(lang, x.kind)}</a></td>
            <td data-label="${t('inbox.subject')}"><span class="muted small">${t(x.subject.type === 'proposal' ? 'subject.proposal' : 'subject.expert_request')}</span><br>${x.subject.title}</td>
            <td data-label="${t('field.country')}">${countryName(ctx, ref, x.subject.countryCode)}</td>
            <td data-label="${t('inbox.due')}">${x.dueAt ? html`<time datetime="${x.dueAt}">${fmtDate(x.dueAt, lang)}</time>` : '—'} ${dueBadge(ctx, x)}</td>
          </tr>`,
        )}</tbody>
      </table>`
    : emptyState(filtered ? t('inbox.noneMatch') : t('inbox.empty'));
  return layout(ctx, { title: t('inbox.title'), body: html`${filterForm}${body}` });
}

// ---------------------------------------------------------------- context panels per task kind

/** Policy findings, each in the reader's language from its rule code and figures (web/findings.ts). */
function reasonsList(ctx: PageCtx, reasons: unknown): SafeHtml {
  const findings = findingsOf(reasons);
  if (!findings.length) return html``;
  return html`<ul class="findings">${findings.map((r) => {
    const outcome = String(r.outcome ?? '');
    const icon = outcome === 'pass' ? '✓' : outcome === 'fail' ? '✕' : '!';
    return html`<li class="finding finding-${outcome}"><span aria-hidden="true">${icon} </span><strong>${ctx.t(`outcome.${outcome || 'info'}` as Key)}:</strong> ${findingText(ctx.lang, r)}</li>`;
  })}</ul>`;
}

function scoresPanel(ctx: PageCtx, task: TaskView, proposal: ProposalView | null, names: Map<string, string>, rubric: { key: string; label?: string; weight?: number }[]): SafeHtml {
  const { t, lang } = ctx;
  const c = task.context ?? {};
  const scores = (c.scores ?? {}) as Record<string, Record<string, number>>;
  const criteria: { key: string; label?: string; weight?: number }[] = rubric.length ? rubric : [...new Set(Object.values(scores).flatMap((s) => Object.keys(s)))].map((key) => ({ key }));
  const totals = new Map((proposal?.view === 'full' ? proposal.reviews ?? [] : []).map((r) => [r.reviewerId, r.total]));
  const weighted = typeof c.weightedScore === 'number' ? c.weightedScore : null;
  const passMark = typeof c.passMark === 'number' ? c.passMark : null;
  const met = c.passMarkMet === true;
  return html`<section class="card" aria-labelledby="scores-h">
    <h2 id="scores-h">${t('selection.title')}</h2>
    <p class="scoreline ${met ? 'is-pass' : 'is-fail'}"><span class="big">${fmtNum(weighted, lang)}</span> / 100 ·
      ${t('selection.passMark', { mark: passMark ?? '—' })} ·
      <strong>${met ? html`<span aria-hidden="true">✓ </span>${t('selection.met')}` : html`<span aria-hidden="true">✕ </span>${t('selection.notMet')}`}</strong></p>
    <table class="table">
      <caption>${t('selection.caption')}</caption>
      <thead><tr><th scope="col">${t('selection.reviewer')}</th>${criteria.map((cr) => html`<th scope="col" class="num">${criterionLabel(ctx, cr.key, cr.label)}${cr.weight ? html`<br><span class="muted small">${t('selection.weight', { w: cr.weight })}</span>` : ''}</th>`)}<th scope="col" class="num">${t('selection.total')}</th></tr></thead>
      <tbody>${Object.entries(scores).map(([reviewerId, s]) => html`<tr><th scope="row">${names.get(reviewerId) ?? reviewerId}</th>${criteria.map((cr) => html`<td class="num">${fmtNum(s[cr.key], lang)}</td>`)}<td class="num">${fmtNum(totals.get(reviewerId) ?? null, lang)}</td></tr>`)}</tbody>
      <tfoot><tr><th scope="row">${t('selection.weightedTotal')}</th>${criteria.map(() => html`<td></td>`)}<td class="num"><strong>${fmtNum(weighted, lang)}</strong></td></tr></tfoot>
    </table>
  </section>`;
}

function breakdownCells(ctx: PageCtx, b: Record<string, number> | undefined): SafeHtml {
  return html`${BREAKDOWN_KEYS.map((k) => html`<td class="num">${fmtNum(b?.[k] ?? null, ctx.lang)}</td>`)}`;
}

function breakdownHead(ctx: PageCtx): SafeHtml {
  const max: Record<string, number> = { thematic: 35, sdgOverlap: 20, fee: 15, rating: 20, countryExperience: 10 };
  return html`${BREAKDOWN_KEYS.map((k) => html`<th scope="col" class="num">${ctx.t(`match.${k}` as Key)}<br><span class="muted small">${ctx.t('match.outOf', { n: max[k] })}</span></th>`)}`;
}

function shortlistTable(ctx: PageCtx, entries: ShortlistEntry[], caption: string, opts: { select?: { name: string; type: 'checkbox' | 'radio'; checked: string[] }; fees?: boolean; compact?: boolean } = {}): SafeHtml {
  const { t, lang } = ctx;
  if (!entries.length) return emptyState(t('shortlist.empty'));
  return html`<table class="table table-scroll">
    <caption>${caption}</caption>
    <thead><tr>${opts.select ? html`<th scope="col"><span class="visually-hidden">${t('shortlist.choose')}</span></th>` : ''}<th scope="col">${t('shortlist.expert')}</th><th scope="col" class="num">${t('shortlist.score')}</th>${opts.compact ? '' : breakdownHead(ctx)}${opts.fees !== false ? html`<th scope="col" class="num">${t('shortlist.dailyFee')}</th>` : ''}<th scope="col" class="num">${t('shortlist.rating')}</th></tr></thead>
    <tbody>${entries.map((e, i) => {
      const id = `pick-${opts.select?.name.replace(/\W/g, '')}-${i}`;
      return html`<tr>
        ${opts.select ? html`<td><input type="${opts.select.type}" id="${id}" name="${opts.select.name}" value="${e.expertId}"${attr('checked', opts.select.checked.includes(e.expertId))}></td>` : ''}
        <th scope="row">${opts.select ? html`<label for="${id}">${e.name}</label>` : e.name}${e.warnings?.length ? html`<br><span class="badge badge-warn"><span aria-hidden="true">! </span>${e.warnings.map((w) => t(`exclusion.${w}` as Key)).join(', ')}</span>` : ''}</th>
        <td class="num"><strong>${fmtNum(e.score, lang)}</strong></td>
        ${opts.compact ? '' : breakdownCells(ctx, e.breakdown)}
        ${opts.fees !== false ? html`<td class="num">${fmtUsd(e.dailyFeeCents / 100, lang)}</td>` : ''}
        <td class="num">${fmtNum(e.rating, lang)}</td>
      </tr>`;
    })}</tbody>
  </table>`;
}

type RosterHit = Schemas['Expert'];

function contextPanel(ctx: PageCtx, task: TaskView, extra: { proposal: ProposalView | null; request: ExpertRequestView | null; names: Map<string, string>; ref: Reference; rubric: { key: string; label?: string; weight?: number }[] }): HtmlValue {
  const { t, lang } = ctx;
  const c = task.context ?? {};
  const card = (title: string, body: HtmlValue) => html`<section class="card"><h2>${title}</h2>${body}</section>`;
  switch (task.kind) {
    case 'revise':
      return html`<section class="card card-warn"><h2>${t('revise.requested')}</h2>${prose(c.requestedChanges) ?? ''}</section>`;
    case 'conflict_declaration':
      return html`<section class="card card-accent" aria-labelledby="coi-h"><h2 id="coi-h">${t('coi.title')}</h2><p>${t('coi.intro')}</p></section>`;
    case 'alignment_review':
      return card(t('context.alignment'), html`${reasonsList(ctx, c.reasons)}${Array.isArray(c.matchedOutcomes) && c.matchedOutcomes.length ? html`<p>${t('context.matchedOutcomes')}: ${(c.matchedOutcomes as unknown[]).map((o) => (typeof o === 'string' ? o : String((o as { code?: string; title?: string }).code ?? (o as { title?: string }).title ?? ''))).join(', ')}</p>` : ''}`);
    case 'policy_exception':
    case 'fee_approval':
      return card(
        t('context.policy'),
        html`${c.expertName ? facts([[t('shortlist.expert'), String(c.expertName)], [t('shortlist.dailyFee'), fmtUsd(Number(c.dailyFeeCents) / 100, lang)], [t('field.workingDays'), String(c.workingDays ?? '')], [t('field.contractValueUsd'), fmtUsd(Number(c.contractValueCents) / 100, lang)]]) : ''}${reasonsList(ctx, c.findings)}`,
      );
    case 'selection_decision':
    case 'waitlist_review':
      return scoresPanel(ctx, task, extra.proposal, extra.names, extra.rubric);
    case 'contract_signature': {
      const tranches = (c.tranches ?? []) as { seq: number; pct: number; amountCents: number; milestone: string }[];
      return card(
        t('context.contract'),
        html`${facts([[t('field.contractValueUsd'), fmtUsd(Number(c.valueUsd), lang)], [t('shortlist.expert'), c.expertName ? String(c.expertName) : ''], [t('field.modality'), c.modality ? t(`modality.${String(c.modality)}` as Key) : ''], [t('field.destination'), c.destination ? String(c.destination) : '']])}
        ${tranches.length ? html`<table class="table"><caption>${t('context.tranches')}</caption><thead><tr><th scope="col">#</th><th scope="col">${t('context.trancheFor')}</th><th scope="col" class="num">%</th><th scope="col" class="num">${t('field.amountUsd')}</th></tr></thead>
        <tbody>${tranches.map((x) => html`<tr><td>${x.seq}</td><td>${x.milestone}</td><td class="num">${x.pct}</td><td class="num">${fmtUsd(x.amountCents / 100, lang)}</td></tr>`)}</tbody></table>` : ''}`,
      );
    }
    case 'progress_report':
    case 'report_verification': {
      const m = (c.milestone ?? {}) as { title?: string; dueDate?: string };
      return card(t('context.milestone'), html`${facts([[t('field.milestoneTitle'), m.title ?? ''], [t('field.dueDate'), fmtDate(m.dueDate, lang)]])}${c.report ? html`<h3>${t('context.report')}</h3>${prose(c.report)}` : ''}`);
    }
    case 'evaluation':
      return c.finalReport ? card(t('context.finalReport'), prose(c.finalReport)) : '';
    case 'deliverable_submission':
    case 'deliverable_acceptance': {
      const d = (c.deliverable ?? {}) as { title?: string; dueDate?: string; amountUsd?: number };
      return card(
        t('context.deliverable'),
        html`${facts([[t('field.deliverableTitle'), d.title ?? ''], [t('field.dueDate'), fmtDate(d.dueDate, lang)], [t('field.amountUsd'), d.amountUsd !== undefined ? fmtUsd(d.amountUsd, lang) : '']])}
        ${c.report ? html`<h3>${t('context.report')}</h3>${prose(c.report)}` : ''}${c.link ? (/^https?:\/\//i.test(String(c.link)) ? html`<p><a href="${String(c.link)}" rel="noopener noreferrer">${t('context.link')}</a></p>` : html`<p>${t('context.link')}: <code>${String(c.link)}</code></p>`) : ''}`,
      );
    }
    case 'shortlist_review': {
      const criteria = (c.criteria ?? {}) as { thematicAreaId?: string; languages?: string[]; startDate?: string; endDate?: string; maxDailyFeeCents?: number };
      return card(
        t('shortlist.title'),
        html`<p>${t('shortlist.intro', { n: Number(c.eligibleCount ?? 0) })}</p>
        ${facts([[t('field.thematicArea'), nameOf(extra.ref.areas, criteria.thematicAreaId, lang)], [t('field.languages'), languagesList(ctx, criteria.languages)], [t('field.period'), criteria.startDate ? `${fmtDate(criteria.startDate, lang)} – ${fmtDate(criteria.endDate, lang)}` : ''], [t('shortlist.budget'), criteria.maxDailyFeeCents ? fmtUsd(criteria.maxDailyFeeCents / 100, lang) : '']])}
        ${shortlistTable(ctx, (c.shortlist ?? []) as ShortlistEntry[], t('shortlist.caption'))}`,
      );
    }
    case 'invitation_response': {
      const r = (c.request ?? {}) as Record<string, unknown>;
      return html`<section class="card"><h2>${t('invitation.title')}</h2>
        <h3>${String(r.title ?? task.subject.title)}</h3>
        ${expertRequestFacts(ctx, { ...(r as Partial<ExpertRequestView>), countryCode: String(c.countryCode ?? task.subject.countryCode) }, extra.ref)}
        ${r.objectives ? html`<h3>${t('field.objectives')}</h3>${prose(r.objectives)}` : ''}
        ${deliverablesTable(ctx, r.deliverables as ExpertRequestView['deliverables'])}
        ${typeof c.score === 'number' ? html`<p>${t('invitation.match', { score: fmtNum(c.score, lang) })}</p>` : ''}
      </section>`;
    }
    case 'candidate_selection': {
      const policy = (c.policy ?? {}) as { minCandidatesCompeting?: number };
      return card(
        t('candidates.title'),
        html`<p>${c.competitive ? t('candidates.competitive', { n: ((c.candidates ?? []) as unknown[]).length }) : t('candidates.direct', { min: policy.minCandidatesCompeting ?? 3 })}</p>
        ${c.selectable === false ? html`<p class="notice notice-warn" role="note"><span aria-hidden="true">! </span>${t('candidates.notSelectable')}</p>` : ''}
        ${shortlistTable(ctx, (c.candidates ?? []) as ShortlistEntry[], t('candidates.caption'))}`,
      );
    }
    case 'expert_evaluation':
      return c.expertName ? card(t('context.expert'), html`<p>${String(c.expertName)}</p>`) : '';
    default:
      return '';
  }
}

// ---------------------------------------------------------------- decision forms

function commentField(ctx: PageCtx, o: DecisionOption, values: Body, state: FormState, id: string): SafeHtml {
  const label = !o.commentRequired ? ctx.t('decide.comment') : o.decision === 'request_changes' || o.decision === 'request_revision' ? ctx.t('decide.whatToChange') : ctx.t('decide.reason');
  return field(ctx, { name: 'comment', label, type: 'textarea', rows: 3, value: str(values, 'comment'), required: o.commentRequired, state, className: id });
}

function decisionFieldNames(dataKey: DecisionDataKey | undefined, extra: string[]): string[] {
  const base = ['comment', 'decision'];
  switch (dataKey as string | undefined) {
    case 'noConflict': return [...base, 'data.noConflictDeclared'];
    case 'signature': return [...base, 'data.documentSha256', 'data.statement'];
    case 'assignReviewers': return [...base, 'data.reviewerIds'];
    case 'score': return [...base, 'data.scores', ...extra.map((k) => `data.scores.${k}`), 'data.noConflictDeclared'];
    case 'conflict':
    case 'invitationDecline': return [...base, 'data.reason'];
    case 'justification':
    case 'optionalJustification': return [...base, 'data.justification'];
    case 'report': return [...base, 'data.report', 'data.beneficiariesReached'];
    case 'evaluation': return [...base, 'data.ratings', ...EVALUATION_CRITERIA.map((k) => `data.ratings.${k}`), 'data.narrative', 'data.beneficiaries'];
    case 'feedback': return [...base, 'data.rating', 'data.narrative'];
    case 'shortlistEdit': return [...base, 'data.expertIds'];
    case 'invitationAccept': return [...base, 'data.confirmations'];
    case 'candidateSelect': return [...base, 'data.expertIds', 'data.justification'];
    case 'deliverable': return [...base, 'data.report', 'data.link'];
    default: return base;
  }
}

function ratingOptions(ctx: PageCtx) {
  return [{ value: '', label: ctx.t('form.choose') }, ...[5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: `${n} — ${ctx.t(`rating.${n}` as Key)}` }))];
}

interface FormExtras {
  rubric: { key: string; label?: string; max?: number; weight?: number }[];
  roster: RosterHit[];
  proposal: ProposalView | null;
  request: ExpertRequestView | null;
  ref: Reference;
}

interface ReviewerChoice {
  userId: string;
  name: string;
  institution: { id: string; name: string } | null;
  openReviews: number;
  conflict: string | null;
  alreadyAssigned: boolean;
}

/**
 * The reviewers to assign (the task's context lists them, from the API): a box to tick for each
 * eligible one, with institution and current workload; one who conflicts with the applicant's
 * institution, or is already on the proposal, is listed with the reason and nothing to tick.
 */
function reviewerTable(ctx: PageCtx, choices: ReviewerChoice[], o: { replacing: boolean; selected: string[]; state: FormState }): SafeHtml {
  const { t, lang } = ctx;
  const id = fieldId('data.reviewerIds');
  const errors = o.state.errors.get('data.reviewerIds') ?? [];
  return html`<fieldset class="choices${errors.length ? ' has-error' : ''}" id="${id}" tabindex="-1" aria-describedby="${id}-hint${errors.length ? ` ${id}-error` : ''}">
    <legend>${o.replacing ? t('assign.replacement') : t('assign.reviewers')} <span class="req">(${t('form.required')})</span></legend>
    <p class="hint" id="${id}-hint">${o.replacing ? t('assign.replacementHint') : t('assign.hint')}</p>
    ${errors.length ? html`<p class="error" id="${id}-error"><span aria-hidden="true">✖ </span>${errors.join('; ')}</p>` : ''}
    <table class="table table-stack reviewers"><caption class="visually-hidden">${t('assign.caption')}</caption>
      <thead><tr><th scope="col"><span class="visually-hidden">${t('shortlist.choose')}</span></th><th scope="col">${t('selection.reviewer')}</th><th scope="col">${t('field.institution')}</th><th scope="col" class="num">${t('assign.openReviews')}</th></tr></thead>
      <tbody>${choices.map((r, i) => {
        const blocked = r.conflict ? t('assign.conflictSameInstitution') : r.alreadyAssigned ? t('assign.alreadyAssigned') : '';
        const box = `${id}-${i}`;
        return html`<tr${attr('class', blocked ? 'row-blocked' : null)}>
          <td data-label="${t('shortlist.choose')}">${blocked ? html`<span aria-hidden="true">✕</span>` : html`<input type="${o.replacing ? 'radio' : 'checkbox'}" id="${box}" name="data.reviewerIds" value="${r.userId}"${attr('checked', o.selected.includes(r.userId))}>`}</td>
          <th scope="row">${blocked ? r.name : html`<label for="${box}">${r.name}</label>`}${blocked ? html`<br><span class="badge ${r.conflict ? 'badge-danger' : 'badge-muted'}">${blocked}</span>` : ''}</th>
          <td data-label="${t('field.institution')}">${r.institution?.name ?? '—'}</td>
          <td data-label="${t('assign.openReviews')}" class="num">${fmtNum(r.openReviews, lang, 0)}</td>
        </tr>`;
      })}</tbody>
    </table>
  </fieldset>`;
}

function dataFields(ctx: PageCtx, task: TaskView, o: DecisionOption, dataKey: DecisionDataKey | undefined, values: Body, state: FormState, x: FormExtras): HtmlValue {
  const { t, lang } = ctx;
  const c = task.context ?? {};
  switch (dataKey as string | undefined) {
    case 'noConflict':
      return choiceGroup(ctx, {
        name: 'data.noConflictDeclared',
        legend: t('coi.declaration'),
        options: [{ value: 'true', label: t('coi.noneStatement') }],
        selected: list(values, 'data.noConflictDeclared'),
        state,
        required: true,
      });
    case 'signature': {
      // A signature confirms the statement of one version of the agreement, named by its SHA-256.
      const docs = ((c.agreement ?? {}) as { documents?: { id: string; language: string; sha256: string; name: string; statement: string }[] }).documents ?? [];
      if (!docs.length) return commentField(ctx, o, values, state, '');
      const chosen = str(values, 'data.documentSha256');
      return html`<fieldset class="group" id="f-data-documentSha256" tabindex="-1"><legend>${t('sign.legend')}</legend>
        ${docs.map((d) => html`<div class="check"><input type="radio" id="sig-${d.language}" name="data.documentSha256" value="${d.sha256}"${chosen === d.sha256 ? ' checked' : ''} required>
          <label for="sig-${d.language}">${d.statement} (${d.language.toUpperCase()}; ${t('sign.sha')} <code>${d.sha256.slice(0, 16)}…</code>)</label></div>`)}
        </fieldset>${commentField(ctx, o, values, state, '')}`;
    }
    case 'assignReviewers': {
      const choices = Array.isArray(c.reviewers) ? (c.reviewers as ReviewerChoice[]) : null;
      if (!choices) {
        return field(ctx, { name: 'data.reviewerIds', label: t('assign.ids'), value: list(values, 'data.reviewerIds').join(', '), required: true, state, hint: t('assign.idsHint') });
      }
      return reviewerTable(ctx, choices, { replacing: !!c.replacing, selected: list(values, 'data.reviewerIds'), state });
    }
    case 'score': {
      const rubric = x.rubric.length ? x.rubric : [{ key: 'innovation' }, { key: 'feasibility_sustainability' }, { key: 'social_benefit' }];
      return html`<fieldset class="group" id="f-data-scores" tabindex="-1"><legend>${t('score.rubric')}</legend>
        <div class="grid-3">${rubric.map((r) => field(ctx, { name: `data.scores.${r.key}`, label: criterionLabel(ctx, r.key, r.label), type: 'number', min: 0, max: r.max ?? 100, step: 'any', value: str(values, `data.scores.${r.key}`), required: true, state, hint: t('score.hint', { max: r.max ?? 100, weight: r.weight ?? '—' }) }))}</div>
        </fieldset>
        ${commentField(ctx, o, values, state, '')}`;
    }
    case 'conflict':
    case 'invitationDecline':
      return field(ctx, { name: 'data.reason', label: t(dataKey === 'conflict' ? 'coi.reason' : 'invitation.declineReason'), type: 'textarea', rows: 3, value: str(values, 'data.reason'), required: true, state });
    case 'justification':
    case 'optionalJustification': {
      const required = dataKey === 'justification' || (task.context?.passMarkMet === false && o.decision === 'select');
      return field(ctx, { name: 'data.justification', label: t('decide.justification'), type: 'textarea', rows: 3, value: str(values, 'data.justification'), required, state, hint: required && dataKey === 'optionalJustification' ? t('decide.belowPassMark') : undefined });
    }
    case 'report':
      return html`${field(ctx, { name: 'data.report', label: t('decide.report'), type: 'textarea', rows: 8, value: str(values, 'data.report'), required: true, state })}
        ${task.kind === 'final_report' ? field(ctx, { name: 'data.beneficiariesReached', label: t('decide.beneficiaries'), type: 'number', min: 0, value: str(values, 'data.beneficiariesReached'), state }) : ''}`;
    case 'evaluation':
      return html`<fieldset class="group" id="f-data-ratings" tabindex="-1"><legend>${t('evaluation.ratings')}</legend><div class="grid-2">
        ${EVALUATION_CRITERIA.map((k) => field(ctx, { name: `data.ratings.${k}`, label: criterionLabel(ctx, k), type: 'select', options: ratingOptions(ctx), value: str(values, `data.ratings.${k}`), required: true, state }))}
        </div></fieldset>
        ${field(ctx, { name: 'data.narrative', label: t('evaluation.narrative'), type: 'textarea', rows: 5, value: str(values, 'data.narrative'), required: true, state })}
        ${field(ctx, { name: 'data.beneficiaries', label: t('decide.beneficiaries'), type: 'number', min: 0, value: str(values, 'data.beneficiaries'), state })}`;
    case 'feedback':
      return html`${field(ctx, { name: 'data.rating', label: t('feedback.rating'), type: 'select', options: ratingOptions(ctx), value: str(values, 'data.rating'), required: true, state })}
        ${field(ctx, { name: 'data.narrative', label: t('evaluation.narrative'), type: 'textarea', rows: 4, value: str(values, 'data.narrative'), required: true, state })}`;
    case 'shortlistEdit': {
      const current = (c.shortlist ?? []) as ShortlistEntry[];
      const checked = values.decision ? list(values, 'data.expertIds') : current.map((e) => e.expertId);
      const currentIds = new Set(current.map((e) => e.expertId));
      const hits = x.roster.filter((h) => !currentIds.has(h.id));
      return html`<div id="f-data-expertIds" tabindex="-1">
        ${shortlistTable(ctx, current, t('shortlist.keep'), { select: { name: 'data.expertIds', type: 'checkbox', checked }, compact: true })}
        ${hits.length
          ? html`<table class="table table-scroll"><caption>${t('roster.addFromSearch')}</caption>
            <thead><tr><th scope="col"><span class="visually-hidden">${t('shortlist.choose')}</span></th><th scope="col">${t('shortlist.expert')}</th><th scope="col">${t('field.thematicArea')}</th><th scope="col">${t('field.languages')}</th><th scope="col" class="num">${t('shortlist.dailyFee')}</th><th scope="col" class="num">${t('shortlist.rating')}</th></tr></thead>
            <tbody>${hits.map((h, i) => html`<tr><td><input type="checkbox" id="add-${i}" name="data.expertIds" value="${h.id}"${attr('checked', checked.includes(h.id))}></td><th scope="row"><label for="add-${i}">${h.name}</label></th><td>${h.thematicAreaIds.map((a) => nameOf(x.ref.areas, a, lang)).join(', ')}</td><td>${languagesList(ctx as never, h.languages)}</td><td class="num">${fmtUsd(h.dailyFeeUsd, lang)}</td><td class="num">${fmtNum(h.rating, lang)}</td></tr>`)}</tbody></table>`
          : html`<p class="muted">${t('roster.searchToAdd')}</p>`}
        ${state.errors.get('data.expertIds') ? html`<p class="error"><span aria-hidden="true">✖ </span>${state.errors.get('data.expertIds')!.join('; ')}</p>` : ''}
      </div>
      ${commentField(ctx, o, values, state, '')}`;
    }
    case 'invitationAccept': {
      const msgs = [...(state.errors.get('data.availabilityConfirmed') ?? []), ...(state.errors.get('data.noConflictDeclared') ?? []), ...(state.errors.get('data.confirmations') ?? [])];
      const local: FormState = { errors: new Map(msgs.length ? [['data.confirmations', [...new Set(msgs)]]] : []), general: [] };
      return choiceGroup(ctx, {
        name: 'data.confirmations',
        legend: t('invitation.confirm'),
        options: [
          { value: 'availabilityConfirmed', label: t('invitation.available') },
          { value: 'noConflictDeclared', label: t('invitation.noConflict') },
        ],
        selected: list(values, 'data.confirmations'),
        state: local,
        required: true,
      });
    }
    case 'candidateSelect': {
      const candidates = (c.candidates ?? []) as ShortlistEntry[];
      return html`<div id="f-data-expertIds" tabindex="-1">${shortlistTable(ctx, candidates, t('candidates.choose'), { select: { name: 'data.expertIds', type: 'radio', checked: list(values, 'data.expertIds') }, compact: true })}
        ${state.errors.get('data.expertIds') ? html`<p class="error"><span aria-hidden="true">✖ </span>${state.errors.get('data.expertIds')!.join('; ')}</p>` : ''}</div>
        ${field(ctx, { name: 'data.justification', label: t('decide.justification'), type: 'textarea', rows: 3, value: str(values, 'data.justification'), required: c.justificationRequired === true, state, hint: c.justificationRequired ? t('candidates.justificationHint') : undefined })}`;
    }
    case 'deliverable':
      return html`${field(ctx, { name: 'data.report', label: t('decide.deliverableReport'), type: 'textarea', rows: 8, value: str(values, 'data.report'), required: true, state })}
        ${field(ctx, { name: 'data.link', label: t('decide.link'), type: 'url', value: str(values, 'data.link'), state, hint: t('decide.linkHint') })}`;
    case 'proposalChanges': {
      if (task.subject.type === 'proposal' && x.proposal) {
        const v = values.decision ? proposalValuesFrom(values) : proposalValuesOf({ ...x.proposal, callId: x.proposal.call?.id });
        return proposalFormFields(ctx, v, state, { areas: x.ref.areas, extraRows: values._addRow ? 1 : 0 });
      }
      const original = (c.request ?? x.request ?? {}) as Record<string, unknown>;
      const v = values.decision ? expertRequestValuesFrom(values) : expertRequestValuesOf({ ...original, countryCode: task.subject.countryCode });
      return expertRequestFormFields(ctx, v, state, { areas: x.ref.areas, extraRows: values._addRow ? 1 : 0 });
    }
    case 'comment':
    case 'none':
    default:
      return commentField(ctx, o, values, state, '');
  }
}

function decisionForms(ctx: PageCtx, task: TaskView, failed: Failed | undefined, x: FormExtras): HtmlValue {
  const { t } = ctx;
  if (task.status !== 'open') {
    return html`<section class="card"><h2>${t('decide.closedTitle')}</h2><p>${task.decision ? t('decide.closedWith', { decision: decisionLabel(ctx, task.decision), date: fmtDate(task.decidedAt, ctx.lang, true) }) : t('decide.closed')}</p></section>`;
  }
  if (!task.allowedDecisions.length) {
    // A task of the caller's role and country that is not offered to them: they are excluded from it (they raised the request).
    const excluded = !task.assignedToMe && !task.assigneeUserId && task.assigneeRole === ctx.user.role && (!task.assigneeCountryCode || task.assigneeCountryCode === ctx.user.countryCode);
    const why = task.assignedToMe ? t('decide.none') : excluded ? t('decide.excluded') : t('decide.notYours', { who: t(`who.${task.assigneeRole}` as Key) });
    return html`<section class="card"><h2>${t('decide.title')}</h2><p>${why}</p></section>`;
  }
  return html`<div class="decisions">${task.allowedDecisions.map((o) => oneDecisionForm(ctx, task, o, failed, x))}</div>`;
}

/** Labels of the fields of a decision form, for the error summary. */
function decisionLabels(ctx: PageCtx, task: TaskView, dataKey: DecisionDataKey | undefined, x: FormExtras): Record<string, string> {
  const { t } = ctx;
  if (dataKey === 'proposalChanges') return task.subject.type === 'proposal' ? proposalLabels(ctx) : expertRequestLabels(ctx);
  const labels: Record<string, string> = {
    comment: t('decide.comment'), decision: t('decide.title'), 'data.reviewerIds': t('assign.reviewers'), 'data.reason': t(dataKey === 'conflict' ? 'coi.reason' : 'invitation.declineReason'),
    'data.justification': t('decide.justification'), 'data.report': t(dataKey === 'deliverable' ? 'decide.deliverableReport' : 'decide.report'), 'data.beneficiariesReached': t('decide.beneficiaries'),
    'data.beneficiaries': t('decide.beneficiaries'), 'data.narrative': t('evaluation.narrative'), 'data.rating': t('feedback.rating'), 'data.expertIds': t('shortlist.expert'),
    'data.confirmations': t('invitation.confirm'), 'data.documentSha256': t('sign.legend'), 'data.statement': t('sign.legend'), 'data.noConflictDeclared': t('coi.declaration'), 'data.link': t('decide.link'), 'data.scores': t('score.rubric'), 'data.ratings': t('evaluation.ratings'),
  };
  for (const r of x.rubric) labels[`data.scores.${r.key}`] = criterionLabel(ctx as never, r.key, r.label);
  for (const k of EVALUATION_CRITERIA) labels[`data.ratings.${k}`] = criterionLabel(ctx as never, k);
  return labels;
}

/** The key of a form shown again after a refusal: the same form, the same key. */
function keptKey(values: Body): string | undefined {
  const key = values[IDEMPOTENCY_FIELD];
  return typeof key === 'string' && /^[A-Za-z0-9-]{8,80}$/.test(key) ? key : undefined;
}

function oneDecisionForm(ctx: PageCtx, task: TaskView, o: DecisionOption, failed: Failed | undefined, x: FormExtras): SafeHtml {
  const { t } = ctx;
  const mine = failed?.decision === o.decision;
  const values: Body = mine ? failed!.values : {};
  const state = mine ? failed!.state : emptyForm();
  const dataKey = dataKeyOf(task.kind, o.decision);
  const headingId = `d-${o.decision}`;
  const danger = DANGER.has(o.decision);
  const neutral = NEUTRAL.has(o.decision);
  const labels = decisionLabels(ctx, task, dataKey, x);
  return html`<section class="card decision${danger ? ' decision-danger' : neutral ? ' decision-neutral' : ''}" aria-labelledby="${headingId}">
    <h2 id="${headingId}">${decisionLabel(ctx, o.decision)}</h2>
    ${mine ? errorSummary(ctx, state, labels) : ''}
    <form method="post" action="/app/tasks/${enc(task.id)}/decide" novalidate data-once>
      ${csrfField(ctx)}${idempotencyField(mine ? keptKey(values) : undefined)}${hidden('decision', o.decision)}
      ${dataFields(ctx, task, o, dataKey, values, state, x)}
      <button type="submit" class="btn ${danger ? 'btn-danger' : neutral ? 'btn-secondary' : 'btn-primary'}"><span aria-hidden="true">${danger ? '✕ ' : neutral ? '↺ ' : '✓ '}</span>${decisionLabel(ctx, o.decision)}</button>
    </form>
  </section>`;
}

// ---------------------------------------------------------------- the task page

/** The caller's open task of `kind` on a subject; a decision opens the next task a moment later, so wait up to 3 s. */
async function findOpenTask(ctx: PageCtx, subjectId: string, kind: string): Promise<string | undefined> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const tasks = await ctx.api.get('/tasks', { query: { subject: subjectId, kind: kind as TaskKind } });
    const hit = tasks.items[0];
    if (hit) return hit.id;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 150));
  }
}


export function taskPages(router: Router, web: WebContext): void {
  const { ref } = web;

  async function renderTask(ctx: PageCtx, id: string, failed?: Failed, status = 200): Promise<void> {
    const { t, lang, api } = ctx;
    const kind = kindOfTaskId(id);
    const subject = subjectOfTaskId(id);
    const q = ctx.req.query;
    const rosterQuery: { q?: string; thematicArea?: string; language?: string } = {};
    for (const k of ['q', 'thematicArea', 'language'] as const) if (typeof q[k] === 'string' && q[k]) rosterQuery[k] = String(q[k]);
    // Everything the page needs, at once (the subject's id is part of the task id).
    const [task, subj, areas, countries, roster, calls] = await Promise.all([
      api.get('/tasks/{id}', { params: { id } }),
      subject
        ? (subject.type === 'proposal' ? api.get('/proposals/{id}', { params: { id: subject.id } }) : api.get('/expert-requests/{id}', { params: { id: subject.id } })).catch((err: unknown) => {
            if (err instanceof ApiError && (err.status === 404 || err.status === 403)) return null;
            throw err;
          })
        : Promise.resolve(null),
      ref.thematicAreas(),
      ref.countries(),
      kind === 'shortlist_review' && Object.keys(rosterQuery).length
        ? api.get('/experts', { query: { pageSize: 20, ...rosterQuery } }).then((p) => p.items).catch(() => [] as RosterHit[])
        : Promise.resolve([] as RosterHit[]),
      kind === 'selection_decision' || kind === 'waitlist_review'
        ? api.get('/calls', { query: { pageSize: 100 } }).then((p) => p.items).catch(() => [])
        : Promise.resolve([]),
    ]);
    const proposal = subj && 'view' in subj ? subj : null;
    const request = subj && !('view' in subj) ? subj : null;
    const privileged = PRIVILEGED.has(ctx.user.role);
    const refs: Reference = { areas, countries };
    const timeline = subj?.timeline ?? [];
    const nameIds = [...timeline.map((e) => e.actorId ?? ''), ...Object.keys(((task.context ?? {}).scores ?? {}) as object)].filter(Boolean);
    const names = privileged ? await ref.userNames(nameIds) : new Map<string, string>();
    const rubric = (task.context?.rubric as FormExtras['rubric'] | undefined) ?? calls.find((c) => c.id === proposal?.call?.id)?.rubric ?? [];
    const x: FormExtras = { rubric, roster, proposal, request, ref: refs };

    const subjectTitle = subj?.title ?? task.subject.title;
    const header = html`<div class="task-meta">
      <p><span class="muted">${t(task.subject.type === 'proposal' ? 'subject.proposal' : 'subject.expert_request')}:</span> <a href="${subjectHref(task.subject.type, task.subject.id)}">${subjectTitle}</a></p>
      <p>${stageBadge(ctx, task.stage, task.programme)} ${task.status === 'open' ? html`<span>${t('task.due')}: ${task.dueAt ? html`<time datetime="${task.dueAt}">${fmtDate(task.dueAt, lang, true)}</time>` : '—'}</span> ${dueBadge(ctx, task)}` : html`<span class="badge badge-muted">${t(`taskStatus.${task.status}` as Key)}</span>`}</p>
    </div>`;

    let about: HtmlValue = '';
    if (proposal) {
      const showTexts = proposal.view === 'full';
      about = html`<section class="card"><h2>${t('task.aboutProposal')}</h2>${proposalFacts(ctx, proposal, refs)}
        ${proposal.view !== 'full' ? html`<p class="notice notice-warn" role="note"><span aria-hidden="true">! </span>${t(task.kind === 'conflict_declaration' ? 'coi.limitedUntil' : 'review.limited')}</p>` : ''}
        ${showTexts ? proposalTexts(ctx, proposal, task.kind === 'co_endorsement' || task.kind === 'review_score') : ''}</section>`;
    } else if (request && task.kind !== 'invitation_response') {
      about = html`<section class="card"><h2>${t('task.aboutRequest')}</h2>${expertRequestFacts(ctx, request, refs)}
        <details class="texts"${attr('open', task.kind === 'co_endorsement')}><summary>${t('request.showFull')}</summary><h3>${t('field.objectives')}</h3>${prose(request.objectives)}${deliverablesTable(ctx, request.deliverables)}</details></section>`;
    }

    const rosterSearch = task.kind === 'shortlist_review' && task.status === 'open' && task.allowedDecisions.length
      ? html`<section class="card"><h2>${t('roster.searchTitle')}</h2>
        <form method="get" action="/app/tasks/${enc(task.id)}" class="filters" role="search">
          ${field(ctx, { name: 'q', label: t('roster.q'), value: typeof q.q === 'string' ? q.q : '' })}
          ${field(ctx, { name: 'thematicArea', label: t('field.thematicArea'), type: 'select', value: typeof q.thematicArea === 'string' ? q.thematicArea : '', options: [{ value: '', label: t('filter.any') }, ...areas.map((a) => ({ value: a.id, label: nameOf(areas, a.id, lang) }))] })}
          ${field(ctx, { name: 'language', label: t('field.language'), value: typeof q.language === 'string' ? q.language : '', placeholder: 'ru' })}
          <button type="submit" class="btn btn-secondary">${t('roster.search')}</button>
        </form></section>`
      : '';

    const context = contextPanel(ctx, task, { proposal, request, names, ref: refs, rubric });
    // The documents of the subject: a revision (or a report) may add files; a signer sees the agreement it signs.
    const withDocuments = subject && ['revise', 'contract_signature', 'progress_report', 'final_report', 'deliverable_submission', 'report_verification', 'deliverable_acceptance'].includes(task.kind);
    const documents = withDocuments && subject
      ? documentsCard(ctx, subject, await loadDocuments(ctx, subject), {
          canUpload: task.status === 'open' && ['revise', 'progress_report', 'final_report', 'deliverable_submission'].includes(task.kind), taskId: task.id,
        })
      : '';
    const decisions = html`${documents}${decisionForms(ctx, task, failed, x)}`;
    const history = html`<section class="card" aria-labelledby="history-h"><h2 id="history-h">${t('history.title')}</h2>${timelineList(ctx, timeline, names, { privileged, programme: task.programme, milestones: milestoneTitles(subj && 'agreement' in subj ? subj.agreement : null) })}</section>`;
    const big = BIG_FORMS.has(task.kind) || task.status !== 'open';
    const body = big
      ? html`${header}<div class="layout-2"><div class="col-main">${context}${rosterSearch}${decisions}${about}</div><div class="col-side">${history}</div></div>`
      : html`${header}<div class="layout-2"><div class="col-main">${context}${about}</div><div class="col-side">${decisions}${history}</div></div>`;
    send(ctx, layout(ctx, { title: kindLabel(lang, task.kind), body, back: { href: '/app/inbox', label: t('nav.tasks') }, wide: true }), status);
  }

  router.get('/inbox', web.page(async (ctx) => {
    const f = inboxFilters(ctx);
    const filtered = !!(f.kind || f.country || f.overdue);
    const [all, countries] = await Promise.all([ctx.api.get('/tasks', { query: { pageSize: 100 } }), ref.countries()]);
    const tasks = filtered ? await ctx.api.get('/tasks', { query: inboxQuery(f) }) : all;
    send(ctx, inboxPage(ctx, tasks, all, countries, f));
  }));
  router.get('/tasks', web.page(async (ctx) => ctx.res.redirect(303, '/app/inbox')));

  router.get('/tasks/:id', web.page(async (ctx) => renderTask(ctx, ctx.req.params.id)));
  // The address a refused decision leaves in the browser: reopening it shows the task again.
  router.get('/tasks/:id/decide', web.page(async (ctx) => ctx.res.redirect(303, taskHref(ctx.req.params.id))));

  router.post('/tasks/:id/decide', web.action(async (ctx) => {
    const id = ctx.req.params.id;
    const body = ctx.req.body as Body;
    const decision = str(body, 'decision');
    const kind = kindOfTaskId(id);
    const dataKey = dataKeyOf(kind, decision);
    if (body._addRow) return renderTask(ctx, id, { decision, state: emptyForm(), values: body });

    const payload: { decision: string; comment?: string; data?: Record<string, unknown> } = { decision };
    const comment = str(body, 'comment').trim();
    if (comment) payload.comment = comment;
    let fields = decisionFieldNames(dataKey, Object.keys(body).filter((k) => k.startsWith('data.scores.')).map((k) => k.slice('data.scores.'.length)));
    const data: Record<string, unknown> = {};
    const optionalText = (name: string, key: string) => {
      const v = str(body, name).trim();
      if (v) data[key] = v;
    };
    switch (dataKey as string | undefined) {
      case 'noConflict':
        data.noConflictDeclared = list(body, 'data.noConflictDeclared').includes('true');
        break;
      case 'signature': {
        const sha = str(body, 'data.documentSha256');
        if (sha) {
          // The statement is the one shown beside the version the signer ticked.
          const task = await ctx.api.get('/tasks/{id}', { params: { id } });
          const doc = (((task.context ?? {}).agreement ?? {}) as { documents?: { sha256: string; statement: string }[] }).documents?.find((d) => d.sha256 === sha);
          data.documentSha256 = sha;
          if (doc) data.statement = doc.statement;
        }
        break;
      }
      case 'assignReviewers':
        data.reviewerIds = list(body, 'data.reviewerIds').flatMap((s) => s.split(/[\s,;]+/)).filter(Boolean);
        break;
      case 'score': {
        const scores: Record<string, unknown> = {};
        for (const k of Object.keys(body)) if (k.startsWith('data.scores.')) scores[k.slice('data.scores.'.length)] = num(str(body, k)) ?? null;
        data.scores = scores;
        break;
      }
      case 'conflict':
      case 'invitationDecline':
        data.reason = str(body, 'data.reason');
        break;
      case 'justification':
        data.justification = str(body, 'data.justification');
        break;
      case 'optionalJustification':
        optionalText('data.justification', 'justification');
        break;
      case 'report':
        data.report = str(body, 'data.report');
        if (str(body, 'data.beneficiariesReached').trim()) data.beneficiariesReached = num(str(body, 'data.beneficiariesReached'));
        break;
      case 'evaluation': {
        const ratings: Record<string, unknown> = {};
        for (const k of EVALUATION_CRITERIA) if (str(body, `data.ratings.${k}`)) ratings[k] = num(str(body, `data.ratings.${k}`));
        data.ratings = ratings;
        data.narrative = str(body, 'data.narrative');
        if (str(body, 'data.beneficiaries').trim()) data.beneficiaries = num(str(body, 'data.beneficiaries'));
        break;
      }
      case 'feedback':
        data.rating = num(str(body, 'data.rating')) ?? null;
        data.narrative = str(body, 'data.narrative');
        break;
      case 'shortlistEdit':
        data.expertIds = [...new Set(list(body, 'data.expertIds'))];
        break;
      case 'invitationAccept': {
        const confirmations = list(body, 'data.confirmations');
        data.availabilityConfirmed = confirmations.includes('availabilityConfirmed');
        data.noConflictDeclared = confirmations.includes('noConflictDeclared');
        break;
      }
      case 'candidateSelect':
        data.expertIds = list(body, 'data.expertIds').slice(0, 1);
        optionalText('data.justification', 'justification');
        break;
      case 'deliverable':
        data.report = str(body, 'data.report');
        optionalText('data.link', 'link');
        break;
      case 'proposalChanges': {
        const subject = subjectOfTaskId(id);
        if (subject?.type === 'proposal') {
          const current = await ctx.api.get('/proposals/{id}', { params: { id: subject.id } });
          const v = proposalValuesFrom(body);
          Object.assign(data, proposalChanges(v, proposalPayload(proposalValuesOf({ ...current, callId: current.call?.id }))));
          fields = [...fields, ...proposalFieldNames(v, 12).map((f) => `data.${f}`)];
        } else {
          const task = await ctx.api.get('/tasks/{id}', { params: { id } });
          const original = ((task.context ?? {}).request ?? {}) as Record<string, unknown>;
          const v = expertRequestValuesFrom(body);
          Object.assign(data, expertRequestChanges(v, original));
          fields = [...fields, ...expertRequestFieldNames(v).map((f) => `data.${f}`)];
        }
        break;
      }
      default:
        break;
    }
    if (dataKey && dataKey !== 'comment' && dataKey !== 'none') payload.data = data;

    const key = formIdempotencyKey(ctx.user.id, `decide:${id}`, body);
    const res = await ctx.api.send('POST', '/tasks/{id}/decision', { params: { id }, body: payload, headers: idempotencyHeader(key) });
    if (res.ok) {
      const subject = subjectOfTaskId(id);
      if (kind === 'conflict_declaration' && decision === 'declare_no_conflict' && subject) {
        const next = await findOpenTask(ctx, subject.id, 'review_score');
        return ctx.res.redirect(303, next ? `${taskHref(next)}?notice=coiDeclared` : `${subjectHref(subject.type, subject.id)}?notice=coiDeclared`);
      }
      const to = ctx.user.role === 'applicant' && subject ? `${subjectHref(subject.type, subject.id)}?notice=decided` : '/app/inbox?notice=decided';
      return ctx.res.redirect(303, to);
    }
    // Decided by someone else meanwhile: say so and show the task as it is now.
    if (res.status === 409 && (res.body.error.code === 'task_not_open' || !res.body.error.code)) return ctx.res.redirect(303, `/app/tasks/${enc(id)}?notice=conflict`);
    if (res.status === 409 || res.status === 403) {
      // Refused by the workflow's rules (e.g. the requester endorsing its own request): shown with the form.
      const state = emptyForm();
      state.general.push(apiMessage(ctx.lang, res.body.error.message));
      return renderTask(ctx, id, { decision, state, values: body }, res.status);
    }
    if (res.status === 400) {
      // Field names in forms are the API's paths, minus the `data.` prefix for the embedded subject forms.
      const formFields = dataKey === 'proposalChanges' ? fields.map((f) => f.replace(/^data\./, '')) : fields;
      const details = (res.body.error.details ?? [{ path: '', message: res.body.error.message }]).map((d) => {
        if (dataKey === 'proposalChanges') return { ...d, path: d.path.replace(/^data\./, '') };
        if (dataKey === 'invitationAccept' && /^data\.(availabilityConfirmed|noConflictDeclared)/.test(d.path)) return { ...d, path: 'data.confirmations' };
        return d;
      });
      const state = mapDetails(ctx.lang, details, formFields);
      return renderTask(ctx, id, { decision, state, values: body }, 400);
    }
    throw new ApiError(res.status, res.body.error);
  }));
}

