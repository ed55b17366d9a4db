/** What a task page shows beside its decision forms: the panel of each task kind (scores, shortlist, findings…). */
import type { Schemas } from '../api-client';
import { attr, html, type HtmlValue, type SafeHtml } from '../html';
import { findingsOf, findingText } from '../findings';
import type { Key } from '../i18n';
import { nameOf } from '../reference';
import { taskPageProgramme } from './task-programmes';
import { emptyState, facts, fmtDate, fmtNum, fmtUsd, prose, type PageCtx } from '../ui';
import {
  criterionLabel,
  deliverablesTable,
  expertRequestFacts,
  languagesList,
  type ExpertRequestView,
  type ProposalView,
  type Reference,
  type ShortlistEntry,
  type TaskView,
} from '../views';

/** The parts of a roster match score, in the order the shortlist shows them. */
const BREAKDOWN_KEYS = ['thematic', 'sdgOverlap', 'fee', 'rating', 'countryExperience'];

/** Policy findings, each in the reader's language from its rule code and figures (web/findings.ts). */
export function reasonsList(ctx: PageCtx, reasons: unknown): SafeHtml {
  const findings = findingsOf(reasons);
  if (!findings.length) return html``;
  return html`<ul class="findings">${findings.map((r) => {
    const outcome = String(r.outcome ?? '');
    const icon = outcome === 'pass' ? '✓' : outcome === 'fail' ? '✕' : '!';
    return html`<li class="finding finding-${outcome}"><span aria-hidden="true">${icon} </span><strong>${ctx.t(`outcome.${outcome || 'info'}` as Key)}:</strong> ${findingText(ctx.lang, r)}</li>`;
  })}</ul>`;
}

export function scoresPanel(
  ctx: PageCtx,
  task: TaskView,
  proposal: ProposalView | null,
  names: Map<string, string>,
  rubric: { key: string; label?: string; weight?: number }[],
): SafeHtml {
  const { t, lang } = ctx;
  const c = task.context ?? {};
  const scores = (c.scores ?? {}) as Record<string, Record<string, number>>;
  const criteria: { key: string; label?: string; weight?: number }[] = rubric.length
    ? rubric
    : [...new Set(Object.values(scores).flatMap((s) => Object.keys(s)))].map((key) => ({ key }));
  const totals = new Map(
    (proposal?.view === 'full' ? (proposal.reviews ?? []) : []).map((r) => [r.reviewerId, r.total]),
  );
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

export function breakdownCells(ctx: PageCtx, b: Record<string, number> | undefined): SafeHtml {
  return html`${BREAKDOWN_KEYS.map((k) => html`<td class="num">${fmtNum(b?.[k] ?? null, ctx.lang)}</td>`)}`;
}

export function breakdownHead(ctx: PageCtx): SafeHtml {
  const max: Record<string, number> = { thematic: 35, sdgOverlap: 20, fee: 15, rating: 20, countryExperience: 10 };
  return html`${BREAKDOWN_KEYS.map((k) => html`<th scope="col" class="num">${ctx.t(`match.${k}` as Key)}<br><span class="muted small">${ctx.t('match.outOf', { n: max[k] })}</span></th>`)}`;
}

export function shortlistTable(
  ctx: PageCtx,
  entries: ShortlistEntry[],
  caption: string,
  opts: {
    select?: { name: string; type: 'checkbox' | 'radio'; checked: string[] };
    fees?: boolean;
    compact?: boolean;
  } = {},
): SafeHtml {
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

export type RosterHit = Schemas['Expert'];

export function contextPanel(
  ctx: PageCtx,
  task: TaskView,
  extra: {
    proposal: ProposalView | null;
    request: ExpertRequestView | null;
    names: Map<string, string>;
    ref: Reference;
    rubric: { key: string; label?: string; weight?: number }[];
  },
): HtmlValue {
  const { t, lang } = ctx;
  const c = task.context ?? {};
  const card = (title: string, body: HtmlValue) => html`<section class="card"><h2>${title}</h2>${body}</section>`;
  const programmePanel = taskPageProgramme(task.subject.type).contextPanel?.(ctx, task, c);
  if (programmePanel !== undefined) return programmePanel;
  switch (task.kind) {
    case 'revise':
      return html`<section class="card card-warn"><h2>${t('revise.requested')}</h2>${prose(c.requestedChanges) ?? ''}</section>`;
    case 'conflict_declaration':
      return html`<section class="card card-accent" aria-labelledby="coi-h"><h2 id="coi-h">${t('coi.title')}</h2><p>${t('coi.intro')}</p></section>`;
    case 'alignment_review':
      return card(
        t('context.alignment'),
        html`${reasonsList(ctx, c.reasons)}${Array.isArray(c.matchedOutcomes) && c.matchedOutcomes.length ? html`<p>${t('context.matchedOutcomes')}: ${(c.matchedOutcomes as unknown[]).map((o) => (typeof o === 'string' ? o : String((o as { code?: string; title?: string }).code ?? (o as { title?: string }).title ?? ''))).join(', ')}</p>` : ''}`,
      );
    case 'policy_exception':
    case 'fee_approval':
      return card(
        t('context.policy'),
        html`${
          c.expertName
            ? facts([
                [t('shortlist.expert'), String(c.expertName)],
                [t('shortlist.dailyFee'), fmtUsd(Number(c.dailyFeeCents) / 100, lang)],
                [t('field.workingDays'), String(c.workingDays ?? '')],
                [t('field.contractValueUsd'), fmtUsd(Number(c.contractValueCents) / 100, lang)],
              ])
            : ''
        }${reasonsList(ctx, c.findings)}`,
      );
    case 'selection_decision':
    case 'waitlist_review':
      return scoresPanel(ctx, task, extra.proposal, extra.names, extra.rubric);
    case 'contract_signature': {
      const tranches = (c.tranches ?? []) as { seq: number; pct: number; amountCents: number; milestone: string }[];
      return card(
        t('context.contract'),
        html`${facts([
          [t('field.contractValueUsd'), fmtUsd(Number(c.valueUsd), lang)],
          [t('shortlist.expert'), c.expertName ? String(c.expertName) : ''],
          [t('field.modality'), c.modality ? t(`modality.${String(c.modality)}` as Key) : ''],
          [t('field.destination'), c.destination ? String(c.destination) : ''],
        ])}
        ${
          tranches.length
            ? html`<table class="table"><caption>${t('context.tranches')}</caption><thead><tr><th scope="col">#</th><th scope="col">${t('context.trancheFor')}</th><th scope="col" class="num">%</th><th scope="col" class="num">${t('field.amountUsd')}</th></tr></thead>
        <tbody>${tranches.map((x) => html`<tr><td>${x.seq}</td><td>${x.milestone}</td><td class="num">${x.pct}</td><td class="num">${fmtUsd(x.amountCents / 100, lang)}</td></tr>`)}</tbody></table>`
            : ''
        }`,
      );
    }
    case 'progress_report':
    case 'report_verification': {
      const m = (c.milestone ?? {}) as { title?: string; dueDate?: string };
      return card(
        t('context.milestone'),
        html`${facts([
          [t('field.milestoneTitle'), m.title ?? ''],
          [t('field.dueDate'), fmtDate(m.dueDate, lang)],
        ])}${c.report ? html`<h3>${t('context.report')}</h3>${prose(c.report)}` : ''}`,
      );
    }
    case 'extension_decision': {
      const m = (c.milestone ?? {}) as { title?: string; dueDate?: string };
      return card(
        t('context.milestone'),
        html`${facts([
          [t('field.milestoneTitle'), m.title ?? ''],
          [t('field.dueDate'), fmtDate(m.dueDate, lang)],
          [t('extension.newDueDate'), fmtDate(typeof c.newDueDate === 'string' ? c.newDueDate : undefined, lang)],
        ])}<h3>${t('extension.reason')}</h3>${prose(c.reason)}`,
      );
    }
    case 'evaluation':
      return c.finalReport ? card(t('context.finalReport'), prose(c.finalReport)) : '';
    case 'deliverable_submission':
    case 'deliverable_acceptance': {
      const d = (c.deliverable ?? {}) as { title?: string; dueDate?: string; amountUsd?: number };
      return card(
        t('context.deliverable'),
        html`${facts([
          [t('field.deliverableTitle'), d.title ?? ''],
          [t('field.dueDate'), fmtDate(d.dueDate, lang)],
          [t('field.amountUsd'), d.amountUsd !== undefined ? fmtUsd(d.amountUsd, lang) : ''],
        ])}
        ${c.report ? html`<h3>${t('context.report')}</h3>${prose(c.report)}` : ''}${c.link ? (/^https?:\/\//i.test(String(c.link)) ? html`<p><a href="${String(c.link)}" rel="noopener noreferrer">${t('context.link')}</a></p>` : html`<p>${t('context.link')}: <code>${String(c.link)}</code></p>`) : ''}`,
      );
    }
    case 'shortlist_review': {
      const criteria = (c.criteria ?? {}) as {
        thematicAreaId?: string;
        languages?: string[];
        startDate?: string;
        endDate?: string;
        maxDailyFeeCents?: number;
      };
      return card(
        t('shortlist.title'),
        html`<p>${t('shortlist.intro', { n: Number(c.eligibleCount ?? 0) })}</p>
        ${facts([
          [t('field.thematicArea'), nameOf(extra.ref.areas, criteria.thematicAreaId, lang)],
          [t('field.languages'), languagesList(ctx, criteria.languages)],
          [
            t('field.period'),
            criteria.startDate ? `${fmtDate(criteria.startDate, lang)} – ${fmtDate(criteria.endDate, lang)}` : '',
          ],
          [t('shortlist.budget'), criteria.maxDailyFeeCents ? fmtUsd(criteria.maxDailyFeeCents / 100, lang) : ''],
        ])}
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
