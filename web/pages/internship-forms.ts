/**
 * Internships' forms: a Country Office (or a fund manager) posts a placement; a student applies to
 * an open posting with their profile, motivation letter, CV and proof of enrolment (each file
 * streamed to the staged uploads, then named in the application); the student who applied
 * withdraws it; the intern, the supervisor or a fund manager ends a running placement early. Field
 * names are the API's paths, so its field-level answers land next to the fields; the API decides.
 */
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { DEGREES } from '../../domain/internship';
import { STIPEND_RATES } from '../../domain/policy/internship';
import { INTERNSHIPS } from '../../domain/programmes/internships';
import { INTERNSHIP_FORM_WORDS, INTERNSHIP_PAGE_WORDS } from '../../domain/programmes/internships-words';
import { ApiError } from '../api-client';
import type { WebContext } from '../context';
import { list, num, str, type Body } from '../forms';
import { html, type SafeHtml } from '../html';
import { formIdempotencyKey, idempotencyHeader } from '../idempotency';
import type { Lang } from '../i18n';
import { receiveStagedForm, stagedFileField } from '../staged-upload';
import {
  choiceGroup,
  csrfField,
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
import { languageName } from '../views';

const enc = encodeURIComponent;
const W = INTERNSHIP_FORM_WORDS;
type Word = keyof typeof W;
const say = (lang: Lang, k: Word) => W[k][lang];
const PATH = `/${INTERNSHIPS.apiPath}`;

/** Languages offered on the forms: the UN's six and those of the partner countries' offices. */
const LANGUAGES = ['en', 'ru', 'fr', 'es', 'ar', 'zh', 'ky', 'tg', 'uz', 'kk', 'hy', 'az', 'sr'] as const;

const POSTING_FIELDS = [
  'title',
  'countryCode',
  'hostOffice',
  'unit',
  'supervisorName',
  'supervisorEmail',
  'months',
  'startWindowFrom',
  'startWindowTo',
  'applicationDeadline',
  'termsOfReference',
  'languages',
  'fieldOfStudy',
  'places',
] as const;

const APPLICATION_FIELDS = [
  'masterProgramme',
  'degree',
  'studyYear',
  'enrolmentStatus',
  'graduationDate',
  'fieldOfStudy',
  'languages',
  'motivation',
  'needsVisa',
  'cv',
  'proof',
] as const;

/** The create body a posted posting form makes (text as typed; the API says what is wrong with it). */
export function postingPayload(body: Body): Record<string, unknown> {
  const s = (name: string) => str(body, name).trim();
  return {
    title: s('title'),
    countryCode: s('countryCode'),
    hostOffice: s('hostOffice'),
    unit: s('unit'),
    supervisorName: s('supervisorName'),
    ...(s('supervisorEmail') ? { supervisorEmail: s('supervisorEmail') } : {}),
    months: num(s('months')),
    startWindowFrom: s('startWindowFrom'),
    startWindowTo: s('startWindowTo'),
    termsOfReference: s('termsOfReference'),
    languages: list(body, 'languages'),
    fieldOfStudy: s('fieldOfStudy'),
    places: num(s('places')),
    applicationDeadline: s('applicationDeadline'),
  };
}

/** The create body a posted application form makes, with the staged documents' ids. */
export function applicationPayload(body: Body, postingId: string, documentIds: string[]): Record<string, unknown> {
  const s = (name: string) => str(body, name).trim();
  return {
    postingId,
    masterProgramme: s('masterProgramme'),
    degree: s('degree'),
    studyYear: num(s('studyYear')),
    enrolmentStatus: s('enrolmentStatus'),
    ...(s('graduationDate') ? { graduationDate: s('graduationDate') } : {}),
    fieldOfStudy: s('fieldOfStudy'),
    languages: list(body, 'languages'),
    motivation: s('motivation'),
    needsVisa: s('needsVisa') === 'on',
    documentIds,
  };
}

function languageChoice(ctx: PageCtx, values: Body, state: FormState, legend: string): SafeHtml {
  return choiceGroup(ctx, {
    name: 'languages',
    legend,
    options: LANGUAGES.map((code) => ({ value: code, label: languageName(ctx, code) })),
    selected: list(values, 'languages'),
    state,
    required: true,
    className: 'inline',
  });
}

function input(
  ctx: PageCtx,
  values: Body,
  state: FormState,
  name: string,
  o: { type?: 'text' | 'number' | 'date' | 'email' | 'textarea'; required?: boolean; hint?: string; min?: number } = {},
) {
  return field(ctx, {
    name,
    label: say(ctx.lang, name as Word),
    value: str(values, name),
    type: o.type,
    required: o.required ?? true,
    hint: o.hint,
    min: o.min,
    rows: o.type === 'textarea' ? 5 : undefined,
    state,
    ...(o.type === 'number' ? { inputmode: 'numeric' } : {}),
  });
}

/** Duty stations a posting may name: those with a stipend rate, in the reader's language. */
function dutyStations(lang: Lang): { value: string; label: string }[] {
  const names = new Intl.DisplayNames([lang], { type: 'region', fallback: 'code' });
  return [...new Set(STIPEND_RATES.map((r) => r.countryCode))]
    .map((code) => ({ value: code, label: names.of(code) ?? code }))
    .sort((a, b) => a.label.localeCompare(b.label, lang));
}

const labelsOf = (lang: Lang, names: readonly string[]) =>
  Object.fromEntries(names.map((n) => [n, n in W ? say(lang, n as Word) : n]));

export function internshipFormPages(router: Router, web: WebContext): void {
  // ---------- a posting ----------
  const STAFF = ['co_approver', 'fund_manager'] as const;

  function renderPosting(ctx: PageCtx, values: Body, state: FormState, key: string, status = 200): void {
    const { lang } = ctx;
    const countries = [{ value: '', label: ctx.t('form.choose') }, ...dutyStations(lang)];
    const body = html`<p class="lead">${say(lang, 'postingLead')}</p>
      ${errorSummary(ctx, state, labelsOf(lang, POSTING_FIELDS))}
      <form method="post" action="/app${PATH}/postings/new" class="form" novalidate data-once>
        ${csrfField(ctx)}${hidden('idempotencyKey', key)}
        <fieldset class="group"><legend>${say(lang, 'sectionPlacement')}</legend>
          ${input(ctx, values, state, 'title')}
          ${field(ctx, { name: 'countryCode', label: say(lang, 'countryCode'), type: 'select', value: str(values, 'countryCode'), options: countries, required: true, state })}
          <div class="grid-2">${input(ctx, values, state, 'hostOffice')}${input(ctx, values, state, 'unit')}</div>
          ${input(ctx, values, state, 'termsOfReference', { type: 'textarea' })}
        </fieldset>
        <fieldset class="group"><legend>${say(lang, 'sectionSupervisor')}</legend>
          <div class="grid-2">${input(ctx, values, state, 'supervisorName')}${input(ctx, values, state, 'supervisorEmail', { type: 'email', required: ctx.user.role === 'fund_manager', hint: say(lang, 'supervisorHint') })}</div>
        </fieldset>
        <fieldset class="group"><legend>${say(lang, 'sectionDates')}</legend>
          <div class="grid-2">${input(ctx, values, state, 'months', { type: 'number', min: 1 })}${input(ctx, values, state, 'places', { type: 'number', min: 1 })}</div>
          <div class="grid-3">${input(ctx, values, state, 'startWindowFrom', { type: 'date' })}${input(ctx, values, state, 'startWindowTo', { type: 'date' })}${input(ctx, values, state, 'applicationDeadline', { type: 'date' })}</div>
        </fieldset>
        <fieldset class="group"><legend>${say(lang, 'sectionProfile')}</legend>
          ${input(ctx, values, state, 'fieldOfStudy')}
          ${languageChoice(ctx, values, state, say(lang, 'languages'))}
        </fieldset>
        <div class="actions"><button type="submit" class="btn btn-primary">${say(lang, 'post')}</button></div>
      </form>`;
    send(
      ctx,
      layout(ctx, {
        title: say(lang, 'newPosting'),
        back: { href: `/app${PATH}`, label: INTERNSHIP_PAGE_WORDS.list[lang] },
        body,
      }),
      status,
    );
  }

  router.get(
    `${PATH}/postings/new`,
    web.page(
      async (ctx) =>
        renderPosting(
          ctx,
          ctx.user.role === 'co_approver'
            ? { countryCode: ctx.user.countryCode ?? '', languages: ['en'] }
            : { languages: ['en'] },
          emptyForm(),
          randomUUID(),
        ),
      { roles: STAFF },
    ),
  );

  router.post(
    `${PATH}/postings/new`,
    web.action(
      async (ctx) => {
        const body = ctx.req.body as Body;
        const key = str(body, 'idempotencyKey') || formIdempotencyKey(ctx.user.id, 'internship-postings/new', body);
        const res = await ctx.api.send('POST', '/internship-postings', {
          body: postingPayload(body) as never,
          headers: idempotencyHeader(key),
        });
        if (res.ok) return ctx.res.redirect(303, `/app${PATH}?notice=saved`);
        if (res.status === 400 || res.status === 403) {
          const state = mapDetails(
            ctx.lang,
            res.body.error.details ?? [{ path: '', message: res.body.error.message }],
            [...POSTING_FIELDS],
          );
          return renderPosting(ctx, body, state, key, res.status);
        }
        throw new ApiError(res.status, res.body.error);
      },
      { roles: STAFF },
    ),
  );

  // ---------- an application ----------

  async function renderApplication(
    ctx: PageCtx,
    postingId: string,
    values: Body,
    state: FormState,
    key: string,
    status = 200,
  ): Promise<void> {
    const { lang } = ctx;
    const posting = await ctx.api.get('/internship-postings/{id}', { params: { id: postingId } });
    const kept = (name: string) => {
      const file = str(values, `${name}.name`);
      return file ? say(lang, 'kept').replace('{name}', file) : null;
    };
    const open = posting.status === 'open';
    const body = html`<p class="lead"><strong>${posting.title}</strong></p><p>${say(lang, 'applyLead')}</p>
      ${errorSummary(ctx, state, labelsOf(lang, APPLICATION_FIELDS))}
      ${
        open
          ? html`<form method="post" action="/app${PATH}/postings/${enc(postingId)}/apply?_csrf=${enc(ctx.csrf)}" enctype="multipart/form-data" class="form" novalidate data-once>
        ${hidden('idempotencyKey', key)}
        ${['cv', 'proof'].flatMap((n) => (str(values, `${n}.id`) ? [hidden(`${n}.id`, str(values, `${n}.id`)), hidden(`${n}.name`, str(values, `${n}.name`))] : []))}
        <fieldset class="group"><legend>${say(lang, 'sectionStudies')}</legend>
          ${input(ctx, values, state, 'masterProgramme')}
          ${choiceGroup(ctx, { name: 'degree', legend: say(lang, 'degree'), type: 'radio', options: DEGREES.map((d) => ({ value: d, label: say(lang, d) })), selected: [str(values, 'degree') || 'masters'], state, required: true, className: 'inline' })}
          <div class="grid-2">${input(ctx, values, state, 'studyYear', { type: 'number', min: 1 })}${input(ctx, values, state, 'fieldOfStudy')}</div>
          ${choiceGroup(ctx, { name: 'enrolmentStatus', legend: say(lang, 'enrolmentStatus'), type: 'radio', options: (['enrolled', 'graduated'] as const).map((d) => ({ value: d, label: say(lang, d) })), selected: [str(values, 'enrolmentStatus') || 'enrolled'], state, required: true, className: 'inline' })}
          ${input(ctx, values, state, 'graduationDate', { type: 'date', required: false })}
          ${languageChoice(ctx, values, state, say(lang, 'languages'))}
          ${choiceGroup(ctx, { name: 'needsVisa', legend: say(lang, 'visa'), options: [{ value: 'on', label: say(lang, 'needsVisa') }], selected: str(values, 'needsVisa') === 'on' ? ['on'] : [], state, className: 'inline' })}
        </fieldset>
        <fieldset class="group"><legend>${say(lang, 'sectionMotivation')}</legend>
          ${input(ctx, values, state, 'motivation', { type: 'textarea' })}
        </fieldset>
        <fieldset class="group" id="f-documentIds" tabindex="-1"><legend>${say(lang, 'sectionDocuments')}</legend>
          ${stagedFileField(state, { name: 'cv', label: say(lang, 'cv'), hint: say(lang, 'cvHint'), kept: kept('cv'), required: true })}
          ${stagedFileField(state, { name: 'proof', label: say(lang, 'proof'), hint: say(lang, 'proofHint'), kept: kept('proof'), required: true })}
        </fieldset>
        <div class="actions"><button type="submit" class="btn btn-primary">${say(lang, 'submit')}</button></div>
      </form>`
          : html`<p class="notice notice-warn" role="status">${say(lang, 'postingClosed')}</p>`
      }`;
    send(
      ctx,
      layout(ctx, {
        title: say(lang, 'applyTitle'),
        back: { href: `/app${PATH}`, label: INTERNSHIP_PAGE_WORDS.list[lang] },
        body,
      }),
      status,
    );
  }

  router.get(
    `${PATH}/postings/:postingId/apply`,
    web.page(
      (ctx) => renderApplication(ctx, ctx.req.params.postingId, { languages: ['en'] }, emptyForm(), randomUUID()),
      {
        roles: ['applicant'],
      },
    ),
  );

  // Multipart (the CV and the proof are files): the CSRF token is in the URL, as for the documents' upload forms.
  router.post(
    `${PATH}/postings/:postingId/apply`,
    web.page(
      async (ctx) => {
        if (!web.jar.csrfValid(ctx.req, ctx.session, ctx.req.query._csrf)) {
          ctx.req.resume();
          ctx.res.status(403);
          return void ctx.res.send(ctx.t('error.csrf'));
        }
        const postingId = ctx.req.params.postingId;
        const { body, uploads } = await receiveStagedForm(ctx, { cv: 'cv', proof: 'proof_of_enrolment' });
        const key =
          str(body, 'idempotencyKey') || formIdempotencyKey(ctx.user.id, `internships/apply:${postingId}`, body);
        const problems: { path: string; message: string }[] = [];
        for (const [name, upload] of Object.entries(uploads)) {
          if ('id' in upload) {
            body[`${name}.id`] = upload.id;
            body[`${name}.name`] = upload.name;
          } else problems.push(...upload.problems);
        }
        if (problems.length)
          return renderApplication(
            ctx,
            postingId,
            body,
            mapDetails(ctx.lang, problems, [...APPLICATION_FIELDS]),
            key,
            400,
          );
        const documentIds = ['cv', 'proof'].map((n) => str(body, `${n}.id`)).filter(Boolean);
        const res = await ctx.api.send('POST', '/internships', {
          body: applicationPayload(body, postingId, documentIds) as never,
          headers: idempotencyHeader(key),
        });
        if (res.ok) return ctx.res.redirect(303, `/app${PATH}/${enc((res.body as { id: string }).id)}?notice=applied`);
        if (res.status === 400 || res.status === 403 || res.status === 409) {
          const details = res.body.error.details ?? [{ path: '', message: res.body.error.message }];
          const state = mapDetails(
            ctx.lang,
            details.filter((d) => d.path !== 'documentIds'),
            [...APPLICATION_FIELDS],
          );
          // A missing document is named by its type: said next to its file field, in the reader's words.
          for (const d of details.filter((x) => x.path === 'documentIds'))
            state.errors.set(d.message.includes('proof_of_enrolment') ? 'proof' : 'cv', [
              say(ctx.lang, 'fileRequired'),
            ]);
          return renderApplication(ctx, postingId, body, state, key, res.status);
        }
        throw new ApiError(res.status, res.body.error);
      },
      { roles: ['applicant'] },
    ),
  );

  // ---------- withdrawal (the student who applied) and early termination ----------

  router.post(
    `${PATH}/:id/withdraw`,
    web.action(
      async (ctx) => {
        const id = ctx.req.params.id;
        if (ctx.req.body.confirm !== 'yes') return ctx.res.redirect(303, `/app${PATH}/${enc(id)}`);
        const reason = String(ctx.req.body.reason ?? '').trim();
        const res = await ctx.api.send('POST', '/internships/{id}/withdraw', {
          params: { id },
          body: reason ? { reason } : {},
          headers: idempotencyHeader(formIdempotencyKey(ctx.user.id, `withdraw:${id}`, ctx.req.body as Body)),
        });
        if (res.ok) return ctx.res.redirect(303, `/app${PATH}/${enc(id)}?notice=withdrawn`);
        if (res.status === 409) return ctx.res.redirect(303, `/app${PATH}/${enc(id)}?notice=conflict`);
        throw new ApiError(res.status, res.body.error);
      },
      { roles: ['applicant'] },
    ),
  );

  router.post(
    `${PATH}/:id/terminate`,
    web.action(
      async (ctx) => {
        const id = ctx.req.params.id;
        if (ctx.req.body.confirm !== 'yes') return ctx.res.redirect(303, `/app${PATH}/${enc(id)}`);
        const reason = String(ctx.req.body.reason ?? '').trim();
        if (!reason) return ctx.res.redirect(303, `/app${PATH}/${enc(id)}?notice=cancelReason`);
        const res = await ctx.api.send('POST', '/internships/{id}/terminate', {
          params: { id },
          body: { reason },
          headers: idempotencyHeader(formIdempotencyKey(ctx.user.id, `terminate:${id}`, ctx.req.body as Body)),
        });
        if (res.ok) return ctx.res.redirect(303, `/app${PATH}/${enc(id)}?notice=saved`);
        if (res.status === 409 || res.status === 400)
          return ctx.res.redirect(303, `/app${PATH}/${enc(id)}?notice=conflict`);
        throw new ApiError(res.status, res.body.error);
      },
      { roles: ['applicant', 'co_approver', 'fund_manager'] },
    ),
  );
}

/** The "apply" link of an open posting, for a student. */
export function applyLink(ctx: PageCtx, posting: { id: string; status: string }): SafeHtml | string {
  return ctx.user.role === 'applicant' && posting.status === 'open'
    ? html`<a class="btn btn-secondary" href="/app${PATH}/postings/${enc(posting.id)}/apply">${say(ctx.lang, 'apply')}</a>`
    : '';
}

/** The "post an internship" link, for a Country Office approver or a fund manager. */
export function newPostingLink(ctx: PageCtx): SafeHtml | string {
  return ctx.user.role === 'co_approver' || ctx.user.role === 'fund_manager'
    ? html`<p><a class="btn btn-primary" href="/app${PATH}/postings/new">${say(ctx.lang, 'newPosting')}</a></p>`
    : '';
}

/**
 * The application page's actions: the student who applied withdraws it while selection is open;
 * the intern, the supervisor or a fund manager ends a running placement early, with a reason.
 */
export function internshipActions(
  ctx: PageCtx,
  r: { id: string; stage: string; studentUserId: string; monthsServed: number; months: number },
): SafeHtml {
  const { lang, user } = ctx;
  const withdrawable =
    user.role === 'applicant' &&
    user.id === r.studentUserId &&
    (INTERNSHIPS.withdrawal.stages as readonly string[]).includes(r.stage);
  const terminable =
    r.stage === 'placement' &&
    r.monthsServed < r.months &&
    (user.role === 'fund_manager' || user.role === 'co_approver' || user.id === r.studentUserId);
  const confirm = (id: string, word: Word) =>
    html`<div class="choice"><input type="checkbox" id="${id}" name="confirm" value="yes" required><label for="${id}">${say(lang, word)}</label></div>`;
  return html`${
    withdrawable
      ? html`<details class="card danger-zone"><summary>${say(lang, 'withdraw')}</summary>
      <form method="post" action="/app${PATH}/${enc(r.id)}/withdraw" data-once>${csrfField(ctx)}
        ${field(ctx, { name: 'reason', label: say(lang, 'withdrawReason'), type: 'textarea', rows: 2 })}
        ${confirm('withdraw-confirm', 'withdrawConfirm')}
        <button type="submit" class="btn btn-danger"><span aria-hidden="true">✕ </span>${say(lang, 'withdraw')}</button>
      </form></details>`
      : ''
  }${
    terminable
      ? html`<details class="card danger-zone"><summary>${say(lang, 'terminate')}</summary>
      <form method="post" action="/app${PATH}/${enc(r.id)}/terminate" data-once>${csrfField(ctx)}
        ${field(ctx, { name: 'reason', label: say(lang, 'terminateReason'), type: 'textarea', rows: 2, required: true, hint: say(lang, 'terminateHint') })}
        ${confirm('terminate-confirm', 'terminateConfirm')}
        <button type="submit" class="btn btn-danger"><span aria-hidden="true">✕ </span>${say(lang, 'terminate')}</button>
      </form></details>`
      : ''
  }`;
}
