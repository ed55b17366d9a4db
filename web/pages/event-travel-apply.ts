/**
 * SDG event travel: the "new application" form, for a roster expert (for themselves) and for a fund
 * manager (on an expert's behalf). Field names are the API's paths, so its field-level answers land
 * next to the fields; the API (and then the workflow's eligibility rules) decide, the form only asks.
 */
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { DSA_RATES } from '../../domain/policy/travel';
import { EVENT_TRAVEL_APPLY_WORDS } from '../../domain/programmes/event-travel-words';
import { EVENT_TRAVEL } from '../../domain/programmes/event-travel';
import { SPEAKING_ROLES } from '../../domain/event-travel';
import { dateHolidaysCountryCodes } from '../../lib/clock';
import { ApiError } from '../api-client';
import type { WebContext } from '../context';
import { list, num, str, type Body } from '../forms';
import { html } from '../html';
import { formIdempotencyKey, idempotencyHeader } from '../idempotency';
import { receiveStagedForm, stagedFileField } from '../staged-upload';
import type { Lang } from '../i18n';
import {
  choiceGroup,
  emptyForm,
  errorSummary,
  field,
  hidden,
  layout,
  mapDetails,
  send,
  type FormState,
  type PageCtx,
} from '../ui';

const enc = encodeURIComponent;
const ROLES = ['expert', 'fund_manager'] as const;

const APPLY_WORDS = EVENT_TRAVEL_APPLY_WORDS;
type Word = keyof typeof APPLY_WORDS;

/** The form's fields, named by the API's paths (field-level answers are matched on them). */
const FIELDS = [
  'expertId',
  'event.name',
  'event.organiser',
  'event.city',
  'event.countryCode',
  'event.startDate',
  'event.endDate',
  'event.website',
  'event.sdgs',
  'event.expectedAudience',
  'role',
  'solution',
  'sideEvent',
  'contribution.title',
  'contribution.abstract',
  'invitation',
  'invitation.from',
  'invitation.date',
  'invitation.reference',
  'invitationLetter',
  'itinerary.departureCity',
  'itinerary.departureDate',
  'itinerary.returnDate',
  'costs.airfareUsd',
  'costs.registrationFeeUsd',
  'costs.visaUsd',
] as const;

const SDGS = Array.from({ length: 17 }, (_, i) => String(i + 1));

const countryCache = new Map<Lang, { value: string; label: string }[]>();
/** Countries an event may be held in (every country but Russia), named in the page's language. */
function eventCountries(lang: Lang): { value: string; label: string }[] {
  const cached = countryCache.get(lang);
  if (cached) return cached;
  const names = new Intl.DisplayNames([lang], { type: 'region', fallback: 'code' });
  const codes = new Set([...dateHolidaysCountryCodes(), ...DSA_RATES.map((r) => r.countryCode)]);
  codes.delete('RU');
  const out = [...codes]
    .map((code) => ({ value: code, label: names.of(code) ?? code }))
    .sort((a, b) => a.label.localeCompare(b.label, lang));
  countryCache.set(lang, out);
  return out;
}

/** The create body a posted form makes (text as typed; the API says what is wrong with it). */
export function travelApplicationPayload(body: Body, forExpert: boolean): Record<string, unknown> {
  const s = (name: string) => str(body, name).trim();
  const optional = (name: string) => s(name) || undefined;
  const invitation =
    s('invitation.from') || s('invitation.date') || s('invitation.reference')
      ? { from: s('invitation.from'), date: s('invitation.date'), reference: optional('invitation.reference') }
      : null;
  return {
    ...(forExpert ? { expertId: s('expertId') } : {}),
    ...(s('documentIds') ? { documentIds: [s('documentIds')] } : {}),
    event: {
      name: s('event.name'),
      organiser: s('event.organiser'),
      city: s('event.city'),
      countryCode: s('event.countryCode'),
      startDate: s('event.startDate'),
      endDate: s('event.endDate'),
      website: s('event.website'),
      sdgs: list(body, 'event.sdgs').map(Number),
      expectedAudience: s('event.expectedAudience'),
    },
    role: s('role'),
    solution: optional('solution'),
    sideEvent: s('sideEvent') === 'on',
    invitation,
    contribution: { title: s('contribution.title'), abstract: s('contribution.abstract') },
    itinerary: {
      departureCity: s('itinerary.departureCity'),
      departureDate: s('itinerary.departureDate'),
      returnDate: s('itinerary.returnDate'),
    },
    costs: {
      airfareUsd: num(s('costs.airfareUsd')),
      registrationFeeUsd: num(s('costs.registrationFeeUsd')) ?? 0,
      visaUsd: num(s('costs.visaUsd')) ?? 0,
    },
  };
}

export function eventTravelApplyPages(router: Router, web: WebContext): void {
  const path = `/${EVENT_TRAVEL.apiPath}`;

  async function render(ctx: PageCtx, values: Body, state: FormState, key: string, status = 200): Promise<void> {
    const { lang, user } = ctx;
    const letterId = str(values, 'documentIds');
    const letter = letterId ? { id: letterId, name: str(values, 'letterName') || letterId } : null;
    const w = (k: Word) => APPLY_WORDS[k][lang];
    const v = (name: string) => str(values, name);
    const f = (
      name: (typeof FIELDS)[number],
      o: {
        type?: 'text' | 'number' | 'date' | 'url' | 'textarea';
        required?: boolean;
        hint?: string;
        rows?: number;
      } = {},
    ) =>
      field(ctx, {
        name,
        label: w(name as Word),
        value: v(name),
        type: o.type,
        required: o.required ?? true,
        hint: o.hint,
        rows: o.rows,
        state,
        ...(o.type === 'number' ? { min: 0, step: 'any', inputmode: 'decimal' } : {}),
      });
    const forExpert = user.role === 'fund_manager';
    const experts = forExpert ? await ctx.api.get('/experts', { query: { pageSize: 100, page: 1 } }) : null;
    const labels = Object.fromEntries(
      FIELDS.map((n) => [
        n,
        n in APPLY_WORDS ? w(n as Word) : n === 'expertId' ? w('expertId') : w('sectionInvitation'),
      ]),
    );
    const expertSection = experts
      ? html`<fieldset class="group"><legend>${w('sectionExpert')}</legend>
        ${field(ctx, { name: 'expertId', label: w('expertId'), value: v('expertId'), required: true, state, hint: w('expertHint'), autocomplete: 'off', list: 'roster-experts' })}
        <datalist id="roster-experts">${experts.items.map((e) => html`<option value="${e.id}">${e.name}</option>`)}</datalist>
      </fieldset>`
      : '';
    const countries = [{ value: '', label: ctx.t('form.choose') }, ...eventCountries(lang)];
    const body = html`<p class="lead">${w('lead')}</p><p>${w('rules')}</p>
      ${errorSummary(ctx, state, labels)}
      <form method="post" action="/app${path}/new?_csrf=${enc(ctx.csrf)}" enctype="multipart/form-data" class="form" novalidate data-once>
        ${hidden('idempotencyKey', key)}${letter ? hidden('documentIds', letter.id) : ''}${letter ? hidden('letterName', letter.name) : ''}
        ${expertSection}
        <fieldset class="group"><legend>${w('sectionEvent')}</legend>
          ${f('event.name')}
          <div class="grid-2">${f('event.organiser')}${f('event.website', { type: 'url' })}</div>
          <div class="grid-2">${f('event.city')}
            ${field(ctx, { name: 'event.countryCode', label: w('event.countryCode'), type: 'select', value: v('event.countryCode'), options: countries, required: true, state })}</div>
          <div class="grid-2">${f('event.startDate', { type: 'date' })}${f('event.endDate', { type: 'date' })}</div>
          ${choiceGroup(ctx, { name: 'event.sdgs', legend: w('event.sdgs'), options: SDGS.map((n) => ({ value: n, label: `${ctx.t('sdg.short')} ${n}` })), selected: list(values, 'event.sdgs'), state, required: true, className: 'sdgs' })}
          ${f('event.expectedAudience', { type: 'textarea', rows: 3, hint: w('audienceHint') })}
        </fieldset>
        <fieldset class="group"><legend>${w('sectionRole')}</legend>
          ${choiceGroup(ctx, { name: 'role', legend: w('role'), type: 'radio', options: SPEAKING_ROLES.map((r) => ({ value: r, label: w(r) })), selected: [v('role') || 'speaker'], state, required: true, className: 'inline' })}
          ${f('solution', { required: false, hint: w('solutionHint') })}
          ${choiceGroup(ctx, { name: 'sideEvent', legend: w('format'), options: [{ value: 'on', label: w('sideEvent') }], selected: v('sideEvent') === 'on' ? ['on'] : [], state, className: 'inline' })}
          ${f('contribution.title')}
          ${f('contribution.abstract', { type: 'textarea', rows: 5 })}
        </fieldset>
        <fieldset class="group" id="f-invitation" tabindex="-1"><legend>${w('sectionInvitation')}</legend>
          <p class="hint">${w('invitationHint')}</p>
          <div class="grid-3">${f('invitation.from', { required: false })}${f('invitation.date', { type: 'date', required: false })}${f('invitation.reference', { required: false })}</div>
          ${letterField(ctx, state, letter)}
        </fieldset>
        <fieldset class="group"><legend>${w('sectionItinerary')}</legend>
          <div class="grid-3">${f('itinerary.departureCity')}${f('itinerary.departureDate', { type: 'date' })}${f('itinerary.returnDate', { type: 'date' })}</div>
        </fieldset>
        <fieldset class="group"><legend>${w('sectionCosts')}</legend>
          <p class="hint">${w('costsHint')}</p>
          <div class="grid-3">${f('costs.airfareUsd', { type: 'number' })}${f('costs.registrationFeeUsd', { type: 'number', required: false })}${f('costs.visaUsd', { type: 'number', required: false })}</div>
        </fieldset>
        <div class="actions"><button type="submit" class="btn btn-primary">${w('submit')}</button></div>
      </form>`;
    send(
      ctx,
      layout(ctx, { title: w('title'), back: { href: `/app${path}`, label: ctx.t('nav.eventTravel') }, body }),
      status,
    );
  }

  router.get(
    `${path}/new`,
    web.page(
      async (ctx) => {
        const prefill: Body = {};
        if (typeof ctx.req.query.expert === 'string') prefill.expertId = ctx.req.query.expert;
        return render(ctx, prefill, emptyForm(), randomUUID());
      },
      { roles: ROLES },
    ),
  );

  // Multipart (the letter is a file): parsed here, the file streamed on to POST /documents as it
  // arrives; the CSRF token is in the URL, as for the documents' upload forms.
  router.post(
    `${path}/new`,
    web.page(
      async (ctx) => {
        if (!web.jar.csrfValid(ctx.req, ctx.session, ctx.req.query._csrf)) {
          ctx.req.resume();
          ctx.res.status(403);
          return void ctx.res.send(ctx.t('error.csrf'));
        }
        const { body, uploads } = await receiveStagedForm(ctx, { invitationLetter: 'invitation_letter' });
        const upload = uploads.invitationLetter;
        const key = formIdempotencyKey(ctx.user.id, 'event-travel/new', body);
        if (upload && 'id' in upload) {
          body.documentIds = upload.id;
          body.letterName = upload.name;
        }
        if (upload && 'problems' in upload) {
          const state = mapDetails(ctx.lang, upload.problems, [...FIELDS], {
            file: 'invitationLetter',
            documentType: 'invitationLetter',
          });
          return render(ctx, body, state, key, 400);
        }
        const res = await ctx.api.send('POST', '/event-travel', {
          body: travelApplicationPayload(body, ctx.user.role === 'fund_manager') as never,
          headers: idempotencyHeader(key),
        });
        if (res.ok) return ctx.res.redirect(303, `/app${path}/${enc((res.body as { id: string }).id)}?notice=applied`);
        if (res.status === 400 || res.status === 403) {
          const state = mapDetails(
            ctx.lang,
            res.body.error.details ?? [{ path: '', message: res.body.error.message }],
            [...FIELDS],
            { documentIds: 'invitationLetter' },
          );
          return render(ctx, body, state, key, res.status);
        }
        throw new ApiError(res.status, res.body.error);
      },
      { roles: ROLES },
    ),
  );
}

/** The letter's file field, or the letter uploaded on an earlier try (kept; a new file replaces it). */
function letterField(ctx: PageCtx, state: FormState, letter: { id: string; name: string } | null) {
  const w = (k: Word) => APPLY_WORDS[k][ctx.lang];
  return stagedFileField(state, {
    name: 'invitationLetter',
    label: w('invitationLetter'),
    hint: w('letterHint'),
    kept: letter ? w('letterKept').replace('{name}', letter.name) : null,
  });
}
