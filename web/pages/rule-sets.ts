import type { Router } from 'express';
import { PROGRAMME_LIST } from '../../domain/registry';
import { POLICY_RULE_TYPES } from '../../domain/policy/rules';
import type { Schemas } from '../api-client';
import type { WebContext } from '../context';
import { findingText } from '../findings';
import { html, type SafeHtml } from '../html';
import type { Key } from '../i18n';
import {
  csrfField,
  emptyForm,
  emptyState,
  errorSummary,
  field,
  fmtDate,
  formTexts,
  layout,
  refusedForm,
  send,
  stageLabel,
  type FormState,
  type PageCtx,
} from '../ui';

/**
 * UNDP policy rule sets for people: every version with its source, first day and what it changes;
 * an administrator enters a new version as a draft (one rule at a time) and publishes it; fund
 * managers, administrators and auditors preview, before a version takes effect, which open items
 * would get another outcome at their next policy check, each finding in words with its figures.
 */

type RuleSet = Schemas['RuleSet'];
type Impact = Schemas['RuleSetImpact'];
const READ_ROLES = ['admin', 'fund_manager', 'auditor'] as const;
const RULES = Object.keys(POLICY_RULE_TYPES) as (keyof typeof POLICY_RULE_TYPES)[];
const enc = encodeURIComponent;

function ruleName(ctx: PageCtx, rule: string): string {
  return ctx.t(`rule.${rule}` as Key);
}

/** A rule's value for people: money (cents) in dollars, shares in percent, yes/no. */
function ruleValue(ctx: PageCtx, rule: string, value: number | boolean): string {
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  const nf = (n: number, opts: Intl.NumberFormatOptions = {}) =>
    new Intl.NumberFormat(ctx.lang === 'ru' ? 'ru-RU' : 'en-US', opts).format(n);
  if (rule.endsWith('Cents')) return nf(value / 100, { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
  if (rule.endsWith('Pct')) return `${nf(value)} %`;
  return nf(value);
}

function changesList(ctx: PageCtx, r: RuleSet): SafeHtml {
  if (!r.changes.length) return html`${ctx.t('ruleSets.none')}`;
  return html`<ul class="plain-list">${r.changes.map(
    (c) =>
      html`<li>${ruleName(ctx, c.rule)}: ${ruleValue(ctx, c.rule, c.before)} → <strong>${ruleValue(ctx, c.rule, c.after)}</strong></li>`,
  )}</ul>`;
}

const ruleOptions = (ctx: PageCtx) => RULES.map((r) => ({ value: r, label: ruleName(ctx, r) }));

/** The value typed for a rule as the API takes it, or null when it is not one. */
function parsedValue(rule: string, text: string): number | boolean | null {
  const type = POLICY_RULE_TYPES[rule as keyof typeof POLICY_RULE_TYPES];
  if (!type) return null;
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : null;
  return /^\d{1,12}$/.test(text) ? Number(text) : null;
}

export function ruleSetPages(router: Router, web: WebContext): void {
  async function listPage(
    ctx: PageCtx,
    state: FormState = emptyForm(),
    values: Record<string, string> = {},
    status = 200,
  ) {
    const { t, lang, user } = ctx;
    const list = await ctx.api.get('/policy/rule-sets');
    const admin = user.role === 'admin';
    const rows = list.items.map(
      (r) => html`<tr data-rule-set="${r.id}">
        <th scope="row">${r.name}<br><code class="small">${r.id}</code></th>
        <td data-label="${t('ruleSets.from')}">${fmtDate(r.effectiveFrom, lang)}</td>
        <td data-label="${t('ruleSets.status')}"><span class="badge ${r.inForce ? 'badge-ok' : r.status === 'draft' ? 'badge-warn' : ''}">${r.inForce ? t('ruleSets.inForce') : r.status === 'draft' ? t('ruleSets.draft') : t('ruleSets.published')}</span></td>
        <td data-label="${t('ruleSets.source')}">${r.source ?? '—'}</td>
        <td data-label="${t('ruleSets.changes')}">${changesList(ctx, r)}
          ${r.effectiveFrom > list.today ? html`<p><a href="/app/policy/rule-sets/${enc(r.id)}/impact">${t('ruleSets.preview')}<span class="visually-hidden"> ${r.name}</span></a></p>` : ''}
          ${
            admin && r.status === 'draft'
              ? html`<form method="post" action="/app/policy/rule-sets/${enc(r.id)}/rule" class="stack" novalidate>${csrfField(ctx)}
                  <fieldset><legend>${t('ruleSets.change', { id: r.id })}</legend>
                  ${field(ctx, { name: `rule-${r.id}`, label: t('ruleSets.rule'), type: 'select', options: ruleOptions(ctx) })}
                  ${field(ctx, { name: `value-${r.id}`, label: t('ruleSets.value'), required: true })}
                  <button type="submit" class="btn btn-secondary">${t('ruleSets.save')}</button></fieldset></form>
                <form method="post" action="/app/policy/rule-sets/${enc(r.id)}/publish" class="inline">${csrfField(ctx)}
                  <button type="submit" class="btn btn-primary">${t('ruleSets.publish')}<span class="visually-hidden"> ${r.name}</span></button></form>`
              : ''
          }</td></tr>`,
    );
    const labels = {
      id: t('ruleSets.id'),
      name: t('ruleSets.name'),
      source: t('ruleSets.source'),
      effectiveFrom: t('ruleSets.from'),
      rule: t('ruleSets.rule'),
      value: t('ruleSets.value'),
    };
    const form = admin
      ? html`<section class="card"><h2>${t('ruleSets.new')}</h2>${errorSummary(ctx, state, labels)}
        <form method="post" action="/app/policy/rule-sets" novalidate>${csrfField(ctx)}
          ${field(ctx, { name: 'id', label: labels.id, required: true, value: values.id ?? '', state })}
          ${field(ctx, { name: 'name', label: labels.name, required: true, value: values.name ?? '', state })}
          ${field(ctx, { name: 'source', label: labels.source, type: 'textarea', rows: 2, required: true, value: values.source ?? '', state })}
          ${field(ctx, { name: 'effectiveFrom', label: labels.effectiveFrom, type: 'date', required: true, value: values.effectiveFrom ?? '', state })}
          ${field(ctx, { name: 'rule', label: labels.rule, type: 'select', value: values.rule ?? '', options: ruleOptions(ctx), state })}
          ${field(ctx, { name: 'value', label: labels.value, required: true, value: values.value ?? '', state })}
          <button type="submit" class="btn btn-primary">${t('ruleSets.create')}</button>
        </form></section>`
      : '';
    const body = html`<section class="card"><p>${t('ruleSets.lead')}</p>
      <table class="table table-stack"><caption>${t('ruleSets.caption')}</caption>
      <thead><tr><th scope="col">${t('ruleSets.version')}</th><th scope="col">${t('ruleSets.from')}</th><th scope="col">${t('ruleSets.status')}</th><th scope="col">${t('ruleSets.source')}</th><th scope="col">${t('ruleSets.changes')}</th></tr></thead>
      <tbody>${rows}</tbody></table></section>${form}`;
    send(ctx, layout(ctx, { title: t('ruleSets.title'), body, wide: true }), status);
  }

  router.get(
    '/policy/rule-sets',
    web.page((ctx) => listPage(ctx), { roles: READ_ROLES }),
  );

  router.post(
    '/policy/rule-sets',
    web.action(
      async (ctx) => {
        const values = formTexts(ctx.req.body, ['id', 'name', 'source', 'effectiveFrom', 'rule', 'value']);
        const value = parsedValue(values.rule, values.value);
        if (value === null) {
          const state = emptyForm();
          state.errors.set('value', [ctx.t('ruleSets.badValue')]);
          return listPage(ctx, state, values, 400);
        }
        const res = await ctx.api.send('POST', '/policy/rule-sets/drafts', {
          body: {
            id: values.id,
            name: values.name,
            source: values.source,
            effectiveFrom: values.effectiveFrom,
            rules: { [values.rule]: value },
          },
        });
        if (!res.ok)
          return listPage(
            ctx,
            refusedForm(ctx, res, ['id', 'name', 'source', 'effectiveFrom', 'value']),
            values,
            res.status === 409 ? 409 : 400,
          );
        ctx.res.redirect(303, `/app/policy/rule-sets/${enc(values.id)}/impact?notice=saved`);
      },
      { roles: ['admin'] },
    ),
  );

  router.post(
    '/policy/rule-sets/:id/rule',
    web.action(
      async (ctx) => {
        const id = String(ctx.req.params.id);
        const values = formTexts(ctx.req.body, [`rule-${id}`, `value-${id}`]);
        const rule = values[`rule-${id}`];
        const value = parsedValue(rule, values[`value-${id}`]);
        if (value === null) {
          const state = emptyForm();
          state.general.push(ctx.t('ruleSets.badValue'));
          return listPage(ctx, state, {}, 400);
        }
        const res = await ctx.api.send('PATCH', '/policy/rule-sets/drafts/{id}', {
          params: { id },
          body: { rules: { [rule]: value } },
        });
        ctx.res.redirect(303, `/app/policy/rule-sets?notice=${res.ok ? 'saved' : 'conflict'}`);
      },
      { roles: ['admin'] },
    ),
  );

  router.post(
    '/policy/rule-sets/:id/publish',
    web.action(
      async (ctx) => {
        const id = String(ctx.req.params.id);
        const res = await ctx.api.send('POST', '/policy/rule-sets/drafts/{id}/publish', { params: { id }, body: {} });
        ctx.res.redirect(303, `/app/policy/rule-sets?notice=${res.ok ? 'saved' : 'conflict'}`);
      },
      { roles: ['admin'] },
    ),
  );

  router.get(
    '/policy/rule-sets/:id/impact',
    web.page(
      async (ctx) => {
        const { t, lang } = ctx;
        const id = String(ctx.req.params.id);
        const v: Impact = await ctx.api.get('/policy/rule-sets/{id}/impact', { params: { id } });
        const outcome = (o: string) =>
          html`<span class="badge ${o === 'pass' ? 'badge-ok' : o === 'fail' ? 'badge-danger' : 'badge-warn'}">${t(`outcome.${o}` as Key)}</span>`;
        const rows = v.items.map((i) => {
          const spec = PROGRAMME_LIST.find((p) => p.id === i.programme)!;
          return html`<tr data-item="${i.id}">
            <th scope="row"><a href="/app/${spec.apiPath}/${enc(i.id)}">${i.title}</a><br><span class="small">${spec.labels.name[lang]} · ${i.countryCode} · ${stageLabel(ctx, i.stage, i.programme)}</span><br><span class="small">${t(`impact.check.${i.check}` as Key)}</span></th>
            <td data-label="${t('impact.outcome')}">${outcome(i.outcomeBefore)} → ${outcome(i.outcomeAfter)}</td>
            <td data-label="${t('impact.why')}"><ul class="plain-list">${i.changes.map(
              (c) => html`<li data-rule="${c.rule}"><code class="small">${c.rule}</code>
                ${c.before ? html`<p>${t('impact.before')}: ${findingText(lang, { rule: c.rule, outcome: c.before, data: c.beforeFigures })}</p>` : ''}
                ${c.after ? html`<p>${t('impact.after')}: ${findingText(lang, { rule: c.rule, outcome: c.after, data: c.afterFigures })}</p>` : ''}</li>`,
            )}</ul>${i.assumptions.map((a) => html`<p class="hint">${t(`impact.assumption.${a}` as Key)}</p>`)}</td></tr>`;
        });
        const body = html`<section class="card">
            <p>${t('impact.lead', { baseline: v.baseline.name, date: fmtDate(v.ruleSet.effectiveFrom, lang) })}</p>
            ${changesList(ctx, v.ruleSet)}
            <p role="status">${t('impact.checked', { n: v.checked, changed: v.items.length })}</p></section>
          ${
            v.items.length
              ? html`<section class="card"><table class="table table-stack"><caption>${t('impact.caption')}</caption>
              <thead><tr><th scope="col">${t('impact.item')}</th><th scope="col">${t('impact.outcome')}</th><th scope="col">${t('impact.why')}</th></tr></thead>
              <tbody>${rows}</tbody></table></section>`
              : emptyState(t('impact.none'))
          }`;
        send(
          ctx,
          layout(ctx, {
            title: t('impact.title', { name: v.ruleSet.name }),
            back: { href: '/app/policy/rule-sets', label: t('impact.back') },
            body,
            wide: true,
          }),
        );
      },
      { roles: READ_ROLES },
    ),
  );
}
