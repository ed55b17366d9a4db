/** The decision forms of a task page: one form per allowed decision, its data fields per decision data kind. */
import type { Role } from '../../domain/roles';
import { isTaskAssignee } from '../../domain/steps';
import { TASK_KINDS, type DecisionDataKey } from '../../domain/tasks';
import { list, str, type Body } from '../forms';
import { attr, html, type HtmlValue, type SafeHtml } from '../html';
import type { Key } from '../i18n';
import { nameOf } from '../reference';
import {
  choiceGroup,
  csrfField,
  emptyForm,
  errorSummary,
  field,
  fieldId,
  fmtDate,
  fmtNum,
  fmtUsd,
  hidden,
  type FormState,
  type PageCtx,
} from '../ui';
import { idempotencyField, IDEMPOTENCY_FIELD } from '../idempotency';
import {
  criterionLabel,
  decisionLabel,
  languagesList,
  type DecisionOption,
  type ExpertRequestView,
  type ProposalView,
  type Reference,
  type ShortlistEntry,
  type TaskView,
} from '../views';

import { shortlistTable, type RosterHit } from './task-context';
import { taskPageProgramme } from './task-programmes';

const enc = encodeURIComponent;
const DANGER = new Set(['reject', 'decline', 'declare_conflict']);
const NEUTRAL = new Set(['request_changes', 'request_revision', 'waitlist', 'edit']);
/** The criteria an evaluation rates. */
export const EVALUATION_CRITERIA = ['relevance', 'effectiveness', 'efficiency', 'sustainability'];

export interface Failed {
  decision: string;
  state: FormState;
  values: Body;
}

export function dataKeyOf(kind: string, decision: string): DecisionDataKey | undefined {
  const spec = (TASK_KINDS as Record<string, { decisions: Record<string, { data: DecisionDataKey }> }>)[kind];
  return spec?.decisions[decision]?.data;
}

export function commentField(ctx: PageCtx, o: DecisionOption, values: Body, state: FormState, id: string): SafeHtml {
  const label = !o.commentRequired
    ? ctx.t('decide.comment')
    : o.decision === 'request_changes' || o.decision === 'request_revision'
      ? ctx.t('decide.whatToChange')
      : ctx.t('decide.reason');
  return field(ctx, {
    name: 'comment',
    label,
    type: 'textarea',
    rows: 3,
    value: str(values, 'comment'),
    required: o.commentRequired,
    state,
    className: id,
  });
}

export function decisionFieldNames(dataKey: DecisionDataKey | undefined, extra: string[]): string[] {
  const base = ['comment', 'decision'];
  switch (dataKey as string | undefined) {
    case 'noConflict':
      return [...base, 'data.noConflictDeclared'];
    case 'signature':
      return [...base, 'data.documentSha256', 'data.statement'];
    case 'assignReviewers':
      return [...base, 'data.reviewerIds'];
    case 'score':
      return [...base, 'data.scores', ...extra.map((k) => `data.scores.${k}`), 'data.noConflictDeclared'];
    case 'conflict':
    case 'invitationDecline':
      return [...base, 'data.reason'];
    case 'justification':
    case 'optionalJustification':
      return [...base, 'data.justification'];
    case 'report':
      return [...base, 'data.report', 'data.beneficiariesReached', 'data.documentIds'];
    case 'evaluation':
      return [
        ...base,
        'data.ratings',
        ...EVALUATION_CRITERIA.map((k) => `data.ratings.${k}`),
        'data.narrative',
        'data.beneficiaries',
      ];
    case 'feedback':
      return [...base, 'data.rating', 'data.narrative'];
    case 'shortlistEdit':
      return [...base, 'data.expertIds'];
    case 'invitationAccept':
      return [...base, 'data.confirmations'];
    case 'candidateSelect':
      return [...base, 'data.expertIds', 'data.justification'];
    case 'deliverable':
      return [...base, 'data.report', 'data.link', 'data.documentIds'];
    default:
      return base;
  }
}

export function ratingOptions(ctx: PageCtx) {
  return [
    { value: '', label: ctx.t('form.choose') },
    ...[5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: `${n} — ${ctx.t(`rating.${n}` as Key)}` })),
  ];
}

export interface FormExtras {
  rubric: { key: string; label?: string; max?: number; weight?: number }[];
  roster: RosterHit[];
  proposal: ProposalView | null;
  request: ExpertRequestView | null;
  ref: Reference;
  /** Files the caller uploaded for this task (a report's or deliverable's), offered to submit with it. */
  taskFiles?: { id: string; name: string }[];
}

/** The files uploaded for this task, each ticked to go with the submission (all by default). */
function submittedFilesField(ctx: PageCtx, values: Body, state: FormState, x: FormExtras): HtmlValue {
  const files = x.taskFiles ?? [];
  const ru = ctx.lang === 'ru';
  if (!files.length)
    return html`<p class="muted" id="f-data-documentIds">${ru ? 'Файлы к отчёту загрузите выше, в разделе «Документы»: они будут предложены здесь.' : 'Upload files for it under Documents above: they are offered here.'}</p>`;
  return choiceGroup(ctx, {
    name: 'data.documentIds',
    legend: ru ? 'Файлы, представляемые с ним' : 'Files submitted with it',
    options: files.map((f) => ({ value: f.id, label: f.name })),
    selected: values.decision ? list(values, 'data.documentIds') : files.map((f) => f.id),
    state,
  });
}

export interface ReviewerChoice {
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
export function reviewerTable(
  ctx: PageCtx,
  choices: ReviewerChoice[],
  o: { replacing: boolean; selected: string[]; state: FormState },
): SafeHtml {
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
        const blocked = r.conflict
          ? t('assign.conflictSameInstitution')
          : r.alreadyAssigned
            ? t('assign.alreadyAssigned')
            : '';
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

export function dataFields(
  ctx: PageCtx,
  task: TaskView,
  o: DecisionOption,
  dataKey: DecisionDataKey | undefined,
  values: Body,
  state: FormState,
  x: FormExtras,
): HtmlValue {
  const { t, lang } = ctx;
  const c = task.context ?? {};
  // The programme's own data keys have their own fields (and some go with the submitter's files).
  const page = taskPageProgramme(task.subject.type);
  const own = page.decisionFields?.(ctx, dataKey, values, state);
  const files = dataKey && page.decisionFiles?.includes(dataKey) ? submittedFilesField(ctx, values, state, x) : '';
  if (own) return html`${own}${files}${commentField(ctx, o, values, state, '')}`;
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
      const docs =
        (
          (c.agreement ?? {}) as {
            documents?: { id: string; language: string; sha256: string; name: string; statement: string }[];
          }
        ).documents ?? [];
      if (!docs.length) return commentField(ctx, o, values, state, '');
      const chosen = str(values, 'data.documentSha256');
      return html`<fieldset class="group" id="f-data-documentSha256" tabindex="-1"><legend>${t('sign.legend')}</legend>
        ${docs.map(
          (
            d,
          ) => html`<div class="check"><input type="radio" id="sig-${d.language}" name="data.documentSha256" value="${d.sha256}"${chosen === d.sha256 ? ' checked' : ''} required>
          <label for="sig-${d.language}">${d.statement} (${d.language.toUpperCase()}; ${t('sign.sha')} <code>${d.sha256.slice(0, 16)}…</code>)</label></div>`,
        )}
        </fieldset>${commentField(ctx, o, values, state, '')}`;
    }
    case 'assignReviewers': {
      const choices = Array.isArray(c.reviewers) ? (c.reviewers as ReviewerChoice[]) : null;
      if (!choices) {
        return field(ctx, {
          name: 'data.reviewerIds',
          label: t('assign.ids'),
          value: list(values, 'data.reviewerIds').join(', '),
          required: true,
          state,
          hint: t('assign.idsHint'),
        });
      }
      return reviewerTable(ctx, choices, {
        replacing: !!c.replacing,
        selected: list(values, 'data.reviewerIds'),
        state,
      });
    }
    case 'score': {
      const rubric = x.rubric.length
        ? x.rubric
        : [{ key: 'innovation' }, { key: 'feasibility_sustainability' }, { key: 'social_benefit' }];
      return html`<fieldset class="group" id="f-data-scores" tabindex="-1"><legend>${t('score.rubric')}</legend>
        <div class="grid-3">${rubric.map((r) => field(ctx, { name: `data.scores.${r.key}`, label: criterionLabel(ctx, r.key, r.label), type: 'number', min: 0, max: r.max ?? 100, step: 'any', value: str(values, `data.scores.${r.key}`), required: true, state, hint: t('score.hint', { max: r.max ?? 100, weight: r.weight ?? '—' }) }))}</div>
        </fieldset>
        ${commentField(ctx, o, values, state, '')}`;
    }
    case 'conflict':
    case 'invitationDecline':
      return field(ctx, {
        name: 'data.reason',
        label: t(dataKey === 'conflict' ? 'coi.reason' : 'invitation.declineReason'),
        type: 'textarea',
        rows: 3,
        value: str(values, 'data.reason'),
        required: true,
        state,
      });
    case 'justification':
    case 'optionalJustification': {
      const required = dataKey === 'justification' || (task.context?.passMarkMet === false && o.decision === 'select');
      return field(ctx, {
        name: 'data.justification',
        label: t('decide.justification'),
        type: 'textarea',
        rows: 3,
        value: str(values, 'data.justification'),
        required,
        state,
        hint: required && dataKey === 'optionalJustification' ? t('decide.belowPassMark') : undefined,
      });
    }
    case 'report':
      return html`${field(ctx, { name: 'data.report', label: t('decide.report'), type: 'textarea', rows: 8, value: str(values, 'data.report'), required: true, state })}
        ${task.kind === 'final_report' ? field(ctx, { name: 'data.beneficiariesReached', label: t('decide.beneficiaries'), type: 'number', min: 0, value: str(values, 'data.beneficiariesReached'), state }) : ''}
        ${submittedFilesField(ctx, values, state, x)}`;
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
        ${
          hits.length
            ? html`<table class="table table-scroll"><caption>${t('roster.addFromSearch')}</caption>
            <thead><tr><th scope="col"><span class="visually-hidden">${t('shortlist.choose')}</span></th><th scope="col">${t('shortlist.expert')}</th><th scope="col">${t('field.thematicArea')}</th><th scope="col">${t('field.languages')}</th><th scope="col" class="num">${t('shortlist.dailyFee')}</th><th scope="col" class="num">${t('shortlist.rating')}</th></tr></thead>
            <tbody>${hits.map((h, i) => html`<tr><td><input type="checkbox" id="add-${i}" name="data.expertIds" value="${h.id}"${attr('checked', checked.includes(h.id))}></td><th scope="row"><label for="add-${i}">${h.name}</label></th><td>${h.thematicAreaIds.map((a) => nameOf(x.ref.areas, a, lang)).join(', ')}</td><td>${languagesList(ctx as never, h.languages)}</td><td class="num">${fmtUsd(h.dailyFeeUsd, lang)}</td><td class="num">${fmtNum(h.rating, lang)}</td></tr>`)}</tbody></table>`
            : html`<p class="muted">${t('roster.searchToAdd')}</p>`
        }
        ${state.errors.get('data.expertIds') ? html`<p class="error"><span aria-hidden="true">✖ </span>${state.errors.get('data.expertIds')!.join('; ')}</p>` : ''}
      </div>
      ${commentField(ctx, o, values, state, '')}`;
    }
    case 'invitationAccept': {
      const msgs = [
        ...(state.errors.get('data.availabilityConfirmed') ?? []),
        ...(state.errors.get('data.noConflictDeclared') ?? []),
        ...(state.errors.get('data.confirmations') ?? []),
      ];
      const local: FormState = {
        errors: new Map(msgs.length ? [['data.confirmations', [...new Set(msgs)]]] : []),
        general: [],
      };
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
        ${field(ctx, { name: 'data.link', label: t('decide.link'), type: 'url', value: str(values, 'data.link'), state, hint: t('decide.linkHint') })}
        ${submittedFilesField(ctx, values, state, x)}`;
    case 'proposalChanges':
      return taskPageProgramme(task.subject.type).revisionFields(ctx, task, values, state, x);
    case 'comment':
    case 'none':
    default:
      return commentField(ctx, o, values, state, '');
  }
}

export function decisionForms(ctx: PageCtx, task: TaskView, failed: Failed | undefined, x: FormExtras): HtmlValue {
  const { t } = ctx;
  if (task.status !== 'open') {
    return html`<section class="card"><h2>${t('decide.closedTitle')}</h2><p>${task.decision ? t('decide.closedWith', { decision: decisionLabel(ctx, task.decision), date: fmtDate(task.decidedAt, ctx.lang, true) }) : t('decide.closed')}</p></section>`;
  }
  if (!task.allowedDecisions.length) {
    // A task waiting for the caller that is not offered to them: they are excluded from it (they raised the request).
    const excluded =
      !task.assignedToMe && isTaskAssignee(task, { ...ctx.user, userId: ctx.user.id, role: ctx.user.role as Role });
    const why = task.assignedToMe
      ? t('decide.none')
      : excluded
        ? t('decide.excluded')
        : t('decide.notYours', { who: t(`who.${task.assigneeRole}` as Key) });
    return html`<section class="card"><h2>${t('decide.title')}</h2><p>${why}</p></section>`;
  }
  return html`<div class="decisions">${task.allowedDecisions.map((o) => oneDecisionForm(ctx, task, o, failed, x))}</div>`;
}

/** Labels of the fields of a decision form, for the error summary. */
export function decisionLabels(
  ctx: PageCtx,
  task: TaskView,
  dataKey: DecisionDataKey | undefined,
  x: FormExtras,
): Record<string, string> {
  const { t } = ctx;
  if (dataKey === 'proposalChanges') return taskPageProgramme(task.subject.type).revisionLabels(ctx);
  const labels: Record<string, string> = {
    comment: t('decide.comment'),
    decision: t('decide.title'),
    'data.reviewerIds': t('assign.reviewers'),
    'data.reason': t(dataKey === 'conflict' ? 'coi.reason' : 'invitation.declineReason'),
    'data.justification': t('decide.justification'),
    'data.report': t(dataKey === 'deliverable' ? 'decide.deliverableReport' : 'decide.report'),
    'data.beneficiariesReached': t('decide.beneficiaries'),
    'data.beneficiaries': t('decide.beneficiaries'),
    'data.narrative': t('evaluation.narrative'),
    'data.rating': t('feedback.rating'),
    'data.expertIds': t('shortlist.expert'),
    'data.confirmations': t('invitation.confirm'),
    'data.documentSha256': t('sign.legend'),
    'data.statement': t('sign.legend'),
    'data.noConflictDeclared': t('coi.declaration'),
    'data.link': t('decide.link'),
    'data.scores': t('score.rubric'),
    'data.ratings': t('evaluation.ratings'),
  };
  for (const r of x.rubric) labels[`data.scores.${r.key}`] = criterionLabel(ctx as never, r.key, r.label);
  for (const k of EVALUATION_CRITERIA) labels[`data.ratings.${k}`] = criterionLabel(ctx as never, k);
  return labels;
}

/** The key of a form shown again after a refusal: the same form, the same key. */
export function keptKey(values: Body): string | undefined {
  const key = values[IDEMPOTENCY_FIELD];
  return typeof key === 'string' && /^[A-Za-z0-9-]{8,80}$/.test(key) ? key : undefined;
}

export function oneDecisionForm(
  ctx: PageCtx,
  task: TaskView,
  o: DecisionOption,
  failed: Failed | undefined,
  x: FormExtras,
): SafeHtml {
  const {} = ctx;
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
