/**
 * SDG event travel on the shared task page: the fields of its decisions (review with the rubric
 * and approved figures, a change of dates or a cancellation before departure, the back-to-office
 * report) and the expert's revision form, in English and Russian; and the decision data a posted
 * form makes. The task page (web/pages/task-forms.ts, tasks.ts) calls these by decision data key.
 */
import { TRAVEL_RUBRIC } from '../../domain/event-travel';
import { EVENT_TRAVEL_FORM_WORDS } from '../../domain/programmes/event-travel-words';
import { list, num, str, type Body } from '../forms';
import { html, type HtmlValue } from '../html';
import type { Lang } from '../i18n';
import { field, type FormState } from '../ui';

const W = EVENT_TRAVEL_FORM_WORDS;
type Word = keyof typeof W;

type Ctx = { t: (key: never) => string; lang: Lang };
const say = (ctx: { lang: Lang }, w: Word) => W[w][ctx.lang];

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
    label: say(ctx, word),
    type: o.type as never,
    rows: o.rows,
    min: o.min,
    value: str(values, name),
    required: o.required,
    state,
  });
}

/** The fields of a decision of the programme, by its data key; undefined for a key that is not the programme's. */
export function travelDecisionFields(
  ctx: Ctx,
  dataKey: string | undefined,
  values: Body,
  state: FormState,
): HtmlValue | undefined {
  switch (dataKey) {
    case 'travelApproval':
      return html`<fieldset class="group" id="f-data-scores" tabindex="-1"><legend>${say(ctx, 'rubric')}</legend>
        <div class="grid-2">${TRAVEL_RUBRIC.map((k) => input(ctx, `data.scores.${k}`, k, values, state, { type: 'number', min: 0, required: true }))}</div></fieldset>
        <fieldset class="group"><legend>${say(ctx, 'approvedFigures')}</legend><div class="grid-3">
        ${(['airfareUsd', 'registrationFeeUsd', 'visaUsd'] as const).map((k) => input(ctx, `data.${k}`, k, values, state, { type: 'number', min: 0 }))}
        </div></fieldset>`;
    case 'tripChange':
      return html`<div class="grid-2">${input(ctx, 'data.departureDate', 'departureDate', values, state, { type: 'date', required: true })}
        ${input(ctx, 'data.returnDate', 'returnDate', values, state, { type: 'date', required: true })}</div>
        ${input(ctx, 'data.reason', 'reason', values, state, { type: 'textarea', rows: 3, required: true })}`;
    case 'tripCancel':
      return input(ctx, 'data.reason', 'reason', values, state, { type: 'textarea', rows: 3, required: true });
    case 'travelReport':
      return html`${input(ctx, 'data.presented', 'presented', values, state, { type: 'textarea', rows: 5, required: true })}
        ${input(ctx, 'data.contacts', 'contacts', values, state, { type: 'textarea', rows: 3, required: true })}
        ${input(ctx, 'data.followUp', 'followUp', values, state, { type: 'textarea', rows: 3, required: true })}
        ${input(ctx, 'data.link', 'link', values, state, { type: 'url' })}
        <div class="grid-2">${input(ctx, 'data.actualDepartureDate', 'actualDepartureDate', values, state, { type: 'date', required: true })}
        ${input(ctx, 'data.actualReturnDate', 'actualReturnDate', values, state, { type: 'date', required: true })}</div>
        ${input(ctx, 'data.attendanceProof', 'attendanceProof', values, state, { type: 'textarea', rows: 2 })}`;
    default:
      return undefined;
  }
}

/** The decision data a posted form of the programme makes (the API validates it and answers field by field). */
export function travelDecisionData(dataKey: string | undefined, body: Body): Record<string, unknown> | undefined {
  const text = (name: string) => str(body, name);
  const optional = (out: Record<string, unknown>, name: string, key: string, asNumber = false) => {
    const v = text(name).trim();
    if (v) out[key] = asNumber ? num(v) : v;
  };
  switch (dataKey) {
    case 'travelApproval': {
      const out: Record<string, unknown> = {
        scores: Object.fromEntries(TRAVEL_RUBRIC.map((k) => [k, num(text(`data.scores.${k}`)) ?? null])),
      };
      for (const k of ['airfareUsd', 'registrationFeeUsd', 'visaUsd']) optional(out, `data.${k}`, k, true);
      return out;
    }
    case 'tripChange':
      return {
        departureDate: text('data.departureDate'),
        returnDate: text('data.returnDate'),
        reason: text('data.reason'),
      };
    case 'tripCancel':
      return { reason: text('data.reason') };
    case 'travelReport': {
      const out: Record<string, unknown> = {};
      for (const k of ['presented', 'contacts', 'followUp', 'actualDepartureDate', 'actualReturnDate'])
        out[k] = text(`data.${k}`);
      optional(out, 'data.link', 'link');
      optional(out, 'data.attendanceProof', 'attendanceProof');
      // The proof of attendance and any other files uploaded for the report, ticked on the form.
      const files = list(body, 'data.documentIds');
      if (files.length) out.documentIds = files;
      return out;
    }
    default:
      return undefined;
  }
}

// ---------- the expert's revision (decision `resubmit`, data key proposalChanges) ----------

const REVISION_FIELDS = [
  ['data.contribution.title', 'contributionTitle', 'text'],
  ['data.contribution.abstract', 'contributionAbstract', 'textarea'],
  ['data.itinerary.departureDate', 'departureDate', 'date'],
  ['data.itinerary.returnDate', 'returnDate', 'date'],
  ['data.costs.airfareUsd', 'airfareUsd', 'number'],
  ['data.costs.registrationFeeUsd', 'registrationFeeUsd', 'number'],
  ['data.costs.visaUsd', 'visaUsd', 'number'],
] as const;

type Application = {
  contribution?: { title?: string; abstract?: string };
  itinerary?: { departureCity?: string; departureDate?: string; returnDate?: string };
  costs?: { airfareUsd?: number; registrationFeeUsd?: number; visaUsd?: number };
};

/** The revision form: the application's contribution, dates and cost lines, prefilled from the application. */
export function travelRevisionFields(ctx: Ctx, application: Application, values: Body, state: FormState): HtmlValue {
  const current: Record<string, unknown> = {
    'data.contribution.title': application.contribution?.title,
    'data.contribution.abstract': application.contribution?.abstract,
    'data.itinerary.departureDate': application.itinerary?.departureDate,
    'data.itinerary.returnDate': application.itinerary?.returnDate,
    'data.costs.airfareUsd': application.costs?.airfareUsd,
    'data.costs.registrationFeeUsd': application.costs?.registrationFeeUsd,
    'data.costs.visaUsd': application.costs?.visaUsd,
  };
  const v: Body = values.decision
    ? values
    : (Object.fromEntries(Object.entries(current).map(([k, x]) => [k, x === undefined ? '' : String(x)])) as Body);
  return html`${REVISION_FIELDS.map(([name, word, type]) => input(ctx, name, word, v, state, { type, required: true, rows: 4, min: 0 }))}`;
}

export function travelRevisionLabels(ctx: { lang: Lang }): Record<string, string> {
  return Object.fromEntries(REVISION_FIELDS.map(([name, word]) => [name, say(ctx, word)]));
}

/** The changes a posted revision makes: whole sections (contribution, itinerary, costs) that differ from the application. */
export function travelRevisionChanges(
  application: Application,
  body: Body,
): { data: Record<string, unknown>; fields: string[] } {
  const contribution = {
    title: str(body, 'data.contribution.title'),
    abstract: str(body, 'data.contribution.abstract'),
  };
  const itinerary = {
    departureCity: application.itinerary?.departureCity ?? '',
    departureDate: str(body, 'data.itinerary.departureDate'),
    returnDate: str(body, 'data.itinerary.returnDate'),
  };
  const costs = {
    airfareUsd: num(str(body, 'data.costs.airfareUsd')),
    registrationFeeUsd: num(str(body, 'data.costs.registrationFeeUsd')),
    visaUsd: num(str(body, 'data.costs.visaUsd')),
  };
  const data: Record<string, unknown> = {};
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(contribution, application.contribution)) data.contribution = contribution;
  if (!same(itinerary, application.itinerary)) data.itinerary = itinerary;
  if (!same(costs, application.costs)) data.costs = costs;
  return { data, fields: REVISION_FIELDS.map(([name]) => name.slice('data.'.length)) };
}
