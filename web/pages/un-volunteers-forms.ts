/**
 * UN Volunteers on the shared task page: the fields of its decisions (UNV's shortlist, the host's
 * ranking, the offer, the clearances, the deployment date, an extension or an early separation,
 * the end-of-assignment report, UNV's statement), in English and Russian, and the decision data a
 * posted form makes. The task page (web/pages/task-forms.ts, tasks.ts) calls these by data key.
 */
import { UN_VOLUNTEERS_FORM_WORDS, UN_VOLUNTEERS_TASK_WORDS } from '../../domain/programmes/un-volunteers-words';
import { num, str, type Body } from '../forms';
import { attr, html, type HtmlValue } from '../html';
import type { Lang } from '../i18n';
import { facts, field, fmtDate, fmtUsd, type FormState } from '../ui';

const W = UN_VOLUNTEERS_FORM_WORDS;
type Word = keyof typeof W;
type Ctx = { t: (key: never) => string; lang: Lang };

function input(
  ctx: Ctx,
  name: string,
  word: Word,
  values: Body,
  state: FormState,
  o: { type?: string; required?: boolean; rows?: number; min?: number } = {},
) {
  return field(ctx as never, {
    name,
    label: W[word][ctx.lang],
    type: o.type as never,
    rows: o.rows,
    min: o.min,
    value: str(values, name),
    required: o.required,
    state,
  });
}

function checkbox(ctx: Ctx, name: string, word: Word, values: Body) {
  const id = `f-${name.replace(/\./g, '-')}`;
  return html`<div class="choice"><input type="checkbox" id="${id}" name="${name}" value="true"${attr('checked', str(values, name) === 'true')}><label for="${id}">${W[word][ctx.lang]}</label></div>`;
}

/** The fields of a decision of the programme, by its data key; undefined for a key that is not the programme's. */
export function unvDecisionFields(
  ctx: Ctx,
  dataKey: string | undefined,
  values: Body,
  state: FormState,
): HtmlValue | undefined {
  switch (dataKey) {
    case 'unvShortlist':
      return input(ctx, 'data.candidates', 'candidates', values, state, { type: 'textarea', rows: 5, required: true });
    case 'unvHostSelection':
      return html`${input(ctx, 'data.ranking', 'ranking', values, state, { required: true })}
        ${input(ctx, 'data.justification', 'justification', values, state, { type: 'textarea', rows: 2 })}`;
    case 'unvOfferDecline':
    case 'unvNotCleared':
      return input(ctx, 'data.reason', 'reason', values, state, { type: 'textarea', rows: 3, required: true });
    case 'unvClearances':
      return html`<fieldset class="group"><legend>${W.clearances[ctx.lang]}</legend>${checkbox(ctx, 'data.medical', 'medical', values)}${checkbox(ctx, 'data.security', 'security', values)}</fieldset>`;
    case 'unvDeployment':
      return input(ctx, 'data.startDate', 'startDate', values, state, { type: 'date', required: true });
    case 'unvExtensionRequest':
      return html`${input(ctx, 'data.months', 'months', values, state, { type: 'number', min: 1, required: true })}
        ${input(ctx, 'data.justification', 'justification', values, state, { type: 'textarea', rows: 3, required: true })}`;
    case 'unvSeparation':
      return html`${input(ctx, 'data.date', 'date', values, state, { type: 'date', required: true })}
        ${input(ctx, 'data.reason', 'reason', values, state, { type: 'textarea', rows: 3, required: true })}`;
    case 'unvEndReport':
      return html`${input(ctx, 'data.report', 'report', values, state, { type: 'textarea', rows: 5, required: true })}
        ${input(ctx, 'data.rating', 'rating', values, state, { type: 'number', min: 1, required: true })}`;
    case 'unvStatement':
      return html`<div class="grid-2">${input(ctx, 'data.periodEnd', 'periodEnd', values, state, { type: 'date', required: true })}
        ${input(ctx, 'data.spentUsd', 'spentUsd', values, state, { type: 'number', min: 0, required: true })}</div>
        ${input(ctx, 'data.varianceExplanation', 'varianceExplanation', values, state, { type: 'textarea', rows: 3 })}`;
    default:
      return undefined;
  }
}

/** The decision data a posted form of the programme makes (the API validates it and answers field by field). */
export function unvDecisionData(dataKey: string | undefined, body: Body): Record<string, unknown> | undefined {
  const text = (name: string) => str(body, name).trim();
  const optional = (out: Record<string, unknown>, key: string) => {
    const v = text(`data.${key}`);
    if (v) out[key] = v;
    return out;
  };
  switch (dataKey) {
    case 'unvShortlist':
      return {
        candidates: text('data.candidates')
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean)
          .map((line) => {
            const [id, name, citizenship, birthDate, degree, years] = line.split(';').map((p) => p.trim());
            return { id, name, citizenship, birthDate, degree, yearsExperience: num(years ?? '') };
          }),
      };
    case 'unvHostSelection':
      return optional(
        {
          ranking: text('data.ranking')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        },
        'justification',
      );
    case 'unvOfferDecline':
    case 'unvNotCleared':
      return { reason: text('data.reason') };
    case 'unvClearances':
      return { medical: text('data.medical') === 'true', security: text('data.security') === 'true' };
    case 'unvDeployment':
      return { startDate: text('data.startDate') };
    case 'unvExtensionRequest':
      return { months: num(text('data.months')), justification: text('data.justification') };
    case 'unvSeparation':
      return { date: text('data.date'), reason: text('data.reason') };
    case 'unvEndReport':
      return { report: text('data.report'), rating: num(text('data.rating')) };
    case 'unvStatement':
      return optional(
        { periodEnd: text('data.periodEnd'), spentUsd: num(text('data.spentUsd')) },
        'varianceExplanation',
      );
    default:
      return undefined;
  }
}

const C = UN_VOLUNTEERS_TASK_WORDS;

type Money = { committedCents?: number; transferredCents?: number; spentCents?: number };
const usd = (cents: unknown, lang: Lang, fmt: (n: number, lang: Lang) => string) => fmt(Number(cents ?? 0) / 100, lang);

/** What a task of the programme shows its assignee: the money, the estimate and envelope, the candidate, the extension, the reconciliation. */
export function unvTaskContext(ctx: { lang: Lang }, kind: string, c: Record<string, unknown>): HtmlValue | undefined {
  const ui = { facts, fmtUsd, fmtDate };
  if (!kind.startsWith('unv_')) return undefined;
  const { lang } = ctx;
  const say = (k: keyof typeof C) => C[k][lang];
  const money = (c.money ?? {}) as Money;
  const rows: [string, HtmlValue][] = [
    [say('committed'), usd(money.committedCents, lang, ui.fmtUsd)],
    [say('transferred'), usd(money.transferredCents, lang, ui.fmtUsd)],
    [say('spent'), usd(money.spentCents, lang, ui.fmtUsd)],
  ];
  const estimate = c.estimate as { totalCents?: number } | null | undefined;
  if (estimate?.totalCents !== undefined) rows.unshift([say('estimate'), usd(estimate.totalCents, lang, ui.fmtUsd)]);
  const envelope = c.envelope as { envelopeCents: number; committedCents: number } | undefined;
  if (envelope)
    rows.push([say('envelopeLeft'), usd(envelope.envelopeCents - envelope.committedCents, lang, ui.fmtUsd)]);
  const candidate = c.candidate as { name?: string; id?: string } | undefined;
  if (candidate) rows.push([say('candidate'), `${candidate.name ?? ''} (${candidate.id ?? ''})`]);
  if (typeof c.offerDeadline === 'string') rows.push([say('offerDeadline'), ui.fmtDate(c.offerDeadline, lang)]);
  const ext = c.extension as { months?: number; costs?: { totalCents?: number } | null } | undefined;
  if (ext) {
    rows.push([say('extension'), String(ext.months ?? '')]);
    rows.push([say('extensionCost'), usd(ext.costs?.totalCents, lang, ui.fmtUsd)]);
  }
  const rec = c.reconciliation as { varianceCents?: number; refundCents?: number; overspent?: boolean } | undefined;
  if (rec) {
    rows.push([say('variance'), usd(rec.varianceCents, lang, ui.fmtUsd)]);
    rows.push([say('refund'), usd(rec.refundCents, lang, ui.fmtUsd)]);
  }
  const shortlist = c.shortlist as { candidate: { id: string; name: string } }[] | undefined;
  return html`<section class="card"><h2>${say('money')}</h2>${ui.facts(rows)}
    ${rec?.overspent ? html`<p class="warn">${say('overspent')}</p>` : ''}
    ${shortlist?.length ? html`<h3>${say('eligible')}</h3><ul>${shortlist.map((s) => html`<li>${s.candidate.name} (${s.candidate.id})</li>`)}</ul>` : ''}</section>`;
}
