import type { Router } from 'express';
import { html } from '../html';
import type { WebContext } from '../context';
import {
  csrfField,
  emptyForm,
  errorSummary,
  field,
  fmtDate,
  formText,
  formTexts,
  layout,
  refusedForm,
  send,
  type FormState,
  type PageCtx,
} from '../ui';

const enc = encodeURIComponent;

/**
 * Public holidays per country (the working-day calendar of deadlines): administrators see a year,
 * enter the holidays date-holidays does not know (Kyrgyzstan, Tajikistan, Turkmenistan, Lao PDR)
 * and remove wrong ones.
 */
export function holidayPages(router: Router, web: WebContext): void {
  async function holidaysPage(
    ctx: PageCtx,
    state: FormState = emptyForm(),
    values: Record<string, string> = {},
    status = 200,
  ) {
    const { t, lang } = ctx;
    const countries = await ctx.ref.countries();
    const country = /^[A-Z]{2}$/.test(formText(ctx.req.query.country))
      ? formText(ctx.req.query.country)
      : (countries[0]?.id ?? 'KG');
    const yearParam = Number(formText(ctx.req.query.year));
    const year =
      Number.isInteger(yearParam) && yearParam >= 2000 && yearParam <= 2100 ? yearParam : new Date().getUTCFullYear();
    const list = await ctx.api.get('/calendar/holidays', { query: { country, year } });
    const countryOptions = countries.map((c) => ({ value: c.id, label: lang === 'ru' ? c.nameRu : c.name }));
    const here = `/app/holidays?country=${enc(country)}&year=${year}`;
    const body = html`
      <section class="card"><h2>${t('holidays.show')}</h2>
        <form method="get" action="/app/holidays" class="filters">
          ${field(ctx, { name: 'country', label: t('field.country'), type: 'select', value: country, options: countryOptions })}
          ${field(ctx, { name: 'year', label: t('holidays.year'), type: 'number', value: year, min: 2000, max: 2100 })}
          <button type="submit" class="btn btn-secondary">${t('filter.apply')}</button>
        </form>
        ${
          list.items.length
            ? html`<table class="table table-stack"><caption>${t('holidays.caption', { country, year: String(year) })}</caption>
          <thead><tr><th scope="col">${t('holidays.date')}</th><th scope="col">${t('holidays.name')}</th><th scope="col">${t('holidays.source')}</th><th scope="col">${t('holidays.remove')}</th></tr></thead>
          <tbody>${list.items.map(
            (
              h,
            ) => html`<tr><td>${fmtDate(h.date, lang)}</td><td>${lang === 'ru' ? (h.nameRu ?? h.name) : h.name}</td><td>${h.source === 'admin' ? t('holidays.byAdmin') : h.source}</td>
            <td><form method="post" action="/app/holidays/remove" class="inline">${csrfField(ctx)}<input type="hidden" name="countryCode" value="${h.countryCode}"><input type="hidden" name="date" value="${h.date}"><input type="hidden" name="year" value="${String(year)}">
            <button type="submit" class="btn btn-secondary">${t('holidays.remove')}<span class="visually-hidden"> ${fmtDate(h.date, lang)}</span></button></form></td></tr>`,
          )}</tbody></table>`
            : html`<p>${t('holidays.none', { country, year: String(year) })}</p>`
        }
      </section>
      <section class="card"><h2>${t('holidays.add')}</h2>${errorSummary(ctx, state, { date: t('holidays.date'), name: t('holidays.name'), nameRu: t('holidays.nameRu') })}
        <form method="post" action="/app/holidays" novalidate>${csrfField(ctx)}
          <input type="hidden" name="countryCode" value="${country}">
          ${field(ctx, { name: 'date', label: t('holidays.date'), type: 'date', required: true, value: values.date ?? '', state })}
          ${field(ctx, { name: 'name', label: t('holidays.name'), required: true, value: values.name ?? '', state })}
          ${field(ctx, { name: 'nameRu', label: t('holidays.nameRu'), value: values.nameRu ?? '', state })}
          <button type="submit" class="btn btn-primary">${t('holidays.add')}</button>
        </form>
        <p class="hint"><a href="${here}">${t('holidays.hint')}</a></p>
      </section>`;
    send(ctx, layout(ctx, { title: t('holidays.title'), body, wide: true }), status);
  }

  router.get(
    '/holidays',
    web.page((ctx) => holidaysPage(ctx), { roles: ['admin'] }),
  );
  router.post(
    '/holidays',
    web.action(
      async (ctx) => {
        const values = formTexts(ctx.req.body, ['countryCode', 'date', 'name', 'nameRu']);
        const res = await ctx.api.send('POST', '/calendar/holidays', {
          body: {
            countryCode: values.countryCode,
            date: values.date,
            name: values.name,
            ...(values.nameRu ? { nameRu: values.nameRu } : {}),
          },
        });
        const year = values.date.slice(0, 4);
        if (!res.ok) {
          const state = refusedForm(ctx, res, ['date', 'name', 'nameRu'], ctx.t('holidays.exists'));
          ctx.req.query.country = values.countryCode;
          // The refused form shows the year of the day typed (the list the holiday would have joined).
          if (/^\d{4}-/.test(values.date)) ctx.req.query.year = year;
          return holidaysPage(ctx, state, values, 400);
        }
        ctx.res.redirect(303, `/app/holidays?country=${enc(values.countryCode)}&year=${enc(year)}&notice=saved`);
      },
      { roles: ['admin'] },
    ),
  );
  router.post(
    '/holidays/remove',
    web.action(
      async (ctx) => {
        const countryCode = formText(ctx.req.body.countryCode);
        const date = formText(ctx.req.body.date);
        const res = await ctx.api.send('POST', '/calendar/holidays/revoke', { body: { countryCode, date } });
        ctx.res.redirect(
          303,
          `/app/holidays?country=${enc(countryCode)}&year=${enc(date.slice(0, 4))}&notice=${res.ok ? 'saved' : 'conflict'}`,
        );
      },
      { roles: ['admin'] },
    ),
  );
}
