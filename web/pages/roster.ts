import type { Router } from 'express';
import { ApiError, apiUrl } from '../api-client';
import { list, num, str, type Body } from '../forms';
import { html } from '../html';
import type { WebContext } from '../context';
import { nameOf } from '../reference';
import {
  choiceGroup,
  csrfField,
  emptyForm,
  emptyState,
  errorSummary,
  field,
  fieldId,
  fmtNum,
  fmtUsd,
  layout,
  mapDetails,
  pager,
  send,
  type FormState,
  type PageCtx,
} from '../ui';
import { languagesList } from '../views';
import { eventsAttendedCard } from './event-travel';
import { documentsCard, loadDocuments } from './documents';

/** What a roster profile carries (the API's rule for POST /experts/{id}/documents). */
const PROFILE_DOCUMENT_TYPES = ['cv'] as const;
const SDGS = Array.from({ length: 17 }, (_, i) => String(i + 1));

export function rosterPages(router: Router, web: WebContext): void {
  const { ref } = web;

  router.get(
    '/roster',
    web.page(
      async (ctx) => {
        const { t, lang } = ctx;
        const q = ctx.req.query;
        const s = (k: string) => (typeof q[k] === 'string' ? String(q[k]).trim() : '');
        const query = {
          pageSize: 25,
          page: Math.max(1, Number(q.page) || 1),
          q: s('q') || undefined,
          thematicArea: s('thematicArea') || undefined,
          language: /^[a-z]{2}$/.test(s('language')) ? s('language') : undefined,
        };
        const params = new URLSearchParams(apiUrl('/experts', { query }).split('?')[1]);
        const [experts, areas, countries] = await Promise.all([
          ctx.api.get('/experts', { query }),
          ref.thematicAreas(),
          ref.countries(),
        ]);
        const form = html`<form method="get" action="/app/roster" class="filters card" role="search" aria-label="${t('roster.searchTitle')}">
      ${field(ctx, { name: 'q', label: t('roster.q'), value: s('q') })}
      ${field(ctx, { name: 'thematicArea', label: t('field.thematicArea'), type: 'select', value: s('thematicArea'), options: [{ value: '', label: t('filter.any') }, ...areas.map((a) => ({ value: a.id, label: nameOf(areas, a.id, lang) }))] })}
      ${field(ctx, { name: 'language', label: t('field.language'), value: s('language'), placeholder: 'ru', hint: t('roster.languageHint') })}
      <div class="filter-actions"><button type="submit" class="btn btn-secondary">${t('roster.search')}</button></div>
    </form>`;
        const table = experts.items.length
          ? html`<p class="muted">${t('roster.found', { n: experts.total })}</p><table class="table table-stack"><caption class="visually-hidden">${t('nav.roster')}</caption>
        <thead><tr><th scope="col">${t('shortlist.expert')}</th><th scope="col">${t('field.thematicArea')}</th><th scope="col">${t('field.languages')}</th><th scope="col">${t('roster.countries')}</th><th scope="col" class="num">${t('shortlist.dailyFee')}</th><th scope="col" class="num">${t('shortlist.rating')}</th><th scope="col" class="num">${t('roster.assignments')}</th></tr></thead>
        <tbody>${experts.items.map(
          (e) => html`<tr>
          <td data-label="${t('shortlist.expert')}"><strong><a href="/app/roster/${encodeURIComponent(e.id)}">${e.name}</a></strong><br><span class="muted small">${e.email}</span></td>
          <td data-label="${t('field.thematicArea')}">${e.thematicAreaIds.map((a) => nameOf(areas, a, lang)).join(', ')}</td>
          <td data-label="${t('field.languages')}">${languagesList(ctx, e.languages)}</td>
          <td data-label="${t('roster.countries')}">${e.countriesOfExperience.map((c) => nameOf(countries, c, lang)).join(', ')}</td>
          <td data-label="${t('shortlist.dailyFee')}" class="num">${fmtUsd(e.dailyFeeUsd, lang)}</td>
          <td data-label="${t('shortlist.rating')}" class="num">${e.ratingCount ? fmtNum(e.rating, lang) : t('roster.unrated')}</td>
          <td data-label="${t('roster.assignments')}" class="num">${e.assignmentsCount}</td></tr>`,
        )}</tbody></table>
        ${pager(ctx, experts, (n) => {
          const p = new URLSearchParams(params);
          p.set('page', String(n));
          p.delete('pageSize');
          return `/app/roster?${p.toString()}`;
        })}`
          : emptyState(t('roster.none'));
        send(ctx, layout(ctx, { title: t('nav.roster'), body: html`${form}${table}`, wide: true }));
      },
      { roles: ['fund_manager', 'co_approver', 'admin'] },
    ),
  );

  // ---------------------------------------------------------------- one profile, as the roster's readers see it
  router.get(
    '/roster/:id',
    web.page(
      async (ctx) => {
        const { t, lang } = ctx;
        const expert = { type: 'expert' as const, id: ctx.req.params.id };
        const [e, areas, countries, cvs] = await Promise.all([
          ctx.api.get('/experts/{id}', { params: { id: expert.id } }),
          ref.thematicAreas(),
          ref.countries(),
          loadDocuments(ctx, expert),
        ]);
        const body = html`<div class="layout-2"><div class="col-main"><section class="card">
          <dl class="facts">
            <div><dt>${t('auth.email')}</dt><dd>${e.email}</dd></div>
            <div><dt>${t('field.thematicArea')}</dt><dd>${e.thematicAreaIds.map((a) => nameOf(areas, a, lang)).join(', ')}</dd></div>
            <div><dt>${t('field.languages')}</dt><dd>${languagesList(ctx, e.languages)}</dd></div>
            <div><dt>${t('roster.countries')}</dt><dd>${e.countriesOfExperience.map((c) => nameOf(countries, c, lang)).join(', ')}</dd></div>
            <div><dt>${t('shortlist.dailyFee')}</dt><dd>${fmtUsd(e.dailyFeeUsd, lang)}</dd></div>
            <div><dt>${t('shortlist.rating')}</dt><dd>${e.ratingCount ? `${fmtNum(e.rating, lang)} (${e.ratingCount})` : t('roster.unrated')}</dd></div>
            <div><dt>${t('roster.assignments')}</dt><dd>${e.assignmentsCount}</dd></div>
          </dl>
          ${e.bio ? html`<h2>${t('roster.bio')}</h2><p>${e.bio}</p>` : ''}
        </section></div>
        <aside class="col-side">${documentsCard(ctx, expert, cvs, { canUpload: ctx.user.role === 'fund_manager', heading: t('profile.cvs'), types: PROFILE_DOCUMENT_TYPES })}${await eventsAttendedCard(ctx, expert.id)}</aside></div>`;
        send(
          ctx,
          layout(ctx, {
            title: e.name,
            body,
            wide: true,
            back: { href: '/app/roster', label: t('nav.roster') },
          }),
        );
      },
      { roles: ['fund_manager', 'co_approver', 'admin'] },
    ),
  );

  // ---------------------------------------------------------------- an expert's own profile
  async function renderProfile(ctx: PageCtx, values: Body | undefined, state: FormState, status = 200): Promise<void> {
    const { t, lang } = ctx;
    const expert = { type: 'expert' as const, id: ctx.user.expertId ?? '-' };
    const [e, areas, countries, cvs] = await Promise.all([
      ctx.api.get('/experts/{id}', { params: { id: expert.id } }),
      ref.thematicAreas(),
      ref.countries(),
      loadDocuments(ctx, expert),
    ]);
    const v = values ?? {
      name: e.name,
      bio: e.bio,
      dailyFeeUsd: String(e.dailyFeeUsd),
      languages: e.languages.join(', '),
      thematicAreaIds: e.thematicAreaIds,
      sdgs: e.sdgs.map(String),
      countriesOfExperience: e.countriesOfExperience,
      ...Object.fromEntries(
        e.availability.flatMap((w, i) => [
          [`availability.${i}.from`, w.from],
          [`availability.${i}.to`, w.to],
        ]),
      ),
    };
    const windows = Math.max(
      2,
      e.availability.length + 1,
      ...Object.keys(v)
        .map((k) => /^availability\.(\d+)\./.exec(k))
        .filter(Boolean)
        .map((m) => Number(m![1]) + 1),
    );
    const labels: Record<string, string> = {
      name: t('profile.name'),
      bio: t('profile.bio'),
      dailyFeeUsd: t('shortlist.dailyFee'),
      languages: t('field.languages'),
      thematicAreaIds: t('field.thematicArea'),
      sdgs: t('field.sdgs'),
      countriesOfExperience: t('roster.countries'),
      availability: t('profile.availability'),
    };
    const body = html`<div class="layout-2"><div class="col-main">
      ${errorSummary(ctx, state, labels)}
      <form method="post" action="/app/profile" class="form card" novalidate data-once>
        ${csrfField(ctx)}
        ${field(ctx, { name: 'name', label: t('profile.name'), value: str(v as Body, 'name'), required: true, state, autocomplete: 'name' })}
        ${field(ctx, { name: 'bio', label: t('profile.bio'), type: 'textarea', rows: 5, value: str(v as Body, 'bio'), state })}
        <div class="grid-2">
        ${field(ctx, { name: 'dailyFeeUsd', label: t('shortlist.dailyFee'), type: 'number', min: 0, step: 'any', value: str(v as Body, 'dailyFeeUsd'), required: true, state })}
        ${field(ctx, { name: 'languages', label: t('field.languages'), value: str(v as Body, 'languages'), required: true, state, hint: t('hint.otherLanguages') })}
        </div>
        ${choiceGroup(ctx, { name: 'thematicAreaIds', legend: t('field.thematicArea'), options: areas.map((a) => ({ value: a.id, label: nameOf(areas, a.id, lang) })), selected: list(v as Body, 'thematicAreaIds'), state, required: true, className: 'columns' })}
        ${choiceGroup(ctx, { name: 'sdgs', legend: t('field.sdgs'), options: SDGS.map((n) => ({ value: n, label: `${t('sdg.short')} ${n}` })), selected: list(v as Body, 'sdgs'), state, className: 'sdgs' })}
        ${choiceGroup(ctx, { name: 'countriesOfExperience', legend: t('roster.countries'), options: countries.map((c) => ({ value: c.id, label: nameOf(countries, c.id, lang) })), selected: list(v as Body, 'countriesOfExperience'), state, className: 'columns' })}
        <fieldset class="rows" id="${fieldId('availability')}" tabindex="-1"><legend>${t('profile.availability')}</legend>
          ${state.errors.get('availability') ? html`<p class="error"><span aria-hidden="true">✖ </span>${state.errors.get('availability')!.join('; ')}</p>` : ''}
          <div class="row-list">${Array.from(
            { length: windows },
            (
              _,
              i,
            ) => html`<div class="row-item"><p class="row-title">${t('profile.window')} ${i + 1}</p><div class="row-fields">
            ${field(ctx, { name: `availability.${i}.from`, label: t('profile.from'), type: 'date', value: str(v as Body, `availability.${i}.from`), state })}
            ${field(ctx, { name: `availability.${i}.to`, label: t('profile.to'), type: 'date', value: str(v as Body, `availability.${i}.to`), state })}
          </div></div>`,
          )}</div>
        </fieldset>
        <div class="actions"><button type="submit" class="btn btn-primary">${t('profile.save')}</button></div>
      </form></div>
      <aside class="col-side"><section class="card"><h2>${t('profile.record')}</h2>
        <dl class="facts"><div><dt>${t('shortlist.rating')}</dt><dd>${e.ratingCount ? `${fmtNum(e.rating, lang)} (${e.ratingCount})` : t('roster.unrated')}</dd></div><div><dt>${t('roster.assignments')}</dt><dd>${e.assignmentsCount}</dd></div><div><dt>${t('auth.email')}</dt><dd>${e.email}</dd></div></dl>
        <p class="muted small">${t('profile.emailNote')}</p></section>
        ${documentsCard(ctx, expert, cvs, { canUpload: true, heading: t('profile.cvs'), types: PROFILE_DOCUMENT_TYPES })}${await eventsAttendedCard(ctx, expert.id)}</aside></div>`;
    send(ctx, layout(ctx, { title: t('nav.profile'), body, wide: true }), status);
  }

  router.get(
    '/profile',
    web.page(
      async (ctx) => {
        if (!ctx.user.expertId) {
          // A self-registered expert: the roster profile exists once a fund manager approves it (the session learns it here).
          const me = await ctx.api.get('/me');
          if (!me.expertId)
            return send(
              ctx,
              layout(ctx, {
                title: ctx.t('nav.profile'),
                body: html`<section class="card narrow" role="status"><p>${ctx.t('profile.pending')}</p></section>`,
              }),
            );
          ctx.user.expertId = me.expertId;
          if (ctx.session)
            await web.deps.prisma.webSession.update({
              where: { id: ctx.session.id },
              data: { profile: { ...ctx.user } },
            });
        }
        return renderProfile(ctx, undefined, emptyForm());
      },
      { roles: ['expert'] },
    ),
  );

  router.post(
    '/profile',
    web.action(
      async (ctx) => {
        const body = ctx.req.body as Body;
        const windows: { from: string; to: string }[] = [];
        for (let i = 0; i < 24; i++) {
          const from = str(body, `availability.${i}.from`).trim();
          const to = str(body, `availability.${i}.to`).trim();
          if (from || to) windows.push({ from, to });
        }
        const patch = {
          name: str(body, 'name'),
          bio: str(body, 'bio'),
          dailyFeeUsd: num(str(body, 'dailyFeeUsd')) ?? null,
          languages: str(body, 'languages')
            .split(/[\s,;]+/)
            .map((s) => s.trim().toLowerCase())
            .filter(Boolean),
          thematicAreaIds: list(body, 'thematicAreaIds'),
          sdgs: list(body, 'sdgs').map(Number),
          countriesOfExperience: list(body, 'countriesOfExperience'),
          availability: windows,
        };
        const res = await ctx.api.send('PATCH', '/experts/{id}', {
          params: { id: ctx.user.expertId ?? '-' },
          body: patch,
        });
        if (res.ok) return ctx.res.redirect(303, '/app/profile?notice=saved');
        if (res.status === 400) {
          const fields = [
            'name',
            'bio',
            'dailyFeeUsd',
            'languages',
            'thematicAreaIds',
            'sdgs',
            'countriesOfExperience',
            'availability',
          ];
          return renderProfile(ctx, body, mapDetails(ctx.lang, res.body.error.details, fields), 400);
        }
        throw new ApiError(res.status, res.body.error);
      },
      { roles: ['expert'] },
    ),
  );
}
