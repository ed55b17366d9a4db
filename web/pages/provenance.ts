import type { Router } from 'express';
import { PROGRAMME_LIST, type Programme } from '../../domain/registry';
import { ApiError, type Schemas } from '../api-client';
import type { WebContext } from '../context';
import { findingText } from '../findings';
import { html, type SafeHtml } from '../html';
import type { Key } from '../i18n';
import { emptyState, facts, fmtDate, layout, send, stageLabel, type PageCtx } from '../ui';
import { decisionLabel, kindLabel } from '../views';

/**
 * The provenance of a subject's decisions, for people: each automatic check and human decision
 * oldest first, who or what decided and when, the dated rule set it ran under, each rule's finding
 * in words with its figures, the task decisions, payments and stage change, and the Temporal
 * workflow and run that committed it. The same record as GET /{subjects}/{id}/provenance, which the
 * page offers as JSON.
 */

type Provenance = Schemas['Provenance'];
type Decision = Provenance['decisions'][number];

/** Who may read provenance (the API checks the subject's scope too). */
export const PROVENANCE_ROLES = ['fund_manager', 'admin', 'co_approver', 'auditor'] as const;

/** A word from the dictionary, or the code itself (marked as code) when the dictionary has none. */
function wordOr(ctx: PageCtx, keys: string[], code: string): SafeHtml {
  for (const k of keys) {
    const w = ctx.t(k as Key);
    if (w !== k) return html`${w}`;
  }
  return html`<code>${code}</code>`;
}

function figureCell(value: unknown, lang: PageCtx['lang'], key: string): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') {
    const n = key.endsWith('Cents') ? value / 100 : value;
    return new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US', { maximumFractionDigits: 2 }).format(n);
  }
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  return JSON.stringify(value);
}

/** A figure as stored: numbers for the reader's language, strings and structures as the codes they are. */
function figureHtml(value: unknown, lang: PageCtx['lang'], key: string): SafeHtml {
  if (typeof value === 'string' || (value !== null && typeof value === 'object'))
    return html`<code>${typeof value === 'string' ? value : JSON.stringify(value)}</code>`;
  return html`${figureCell(value, lang, key)}`;
}

function decisionCard(
  ctx: PageCtx,
  d: Decision,
  n: number,
  names: Map<string, string>,
  programme: Programme,
): SafeHtml {
  const { t, lang } = ctx;
  const name = d.decidedBy.id ? (names.get(d.decidedBy.id) ?? d.decidedBy.id) : '';
  const who =
    d.kind === 'automatic' && (!d.decidedBy.id || d.decidedBy.role === 'system')
      ? html`${t('actor.system')}`
      : html`${name}${d.decidedBy.role ? html`${name ? ' ' : ''}(${wordOr(ctx, [`role.${d.decidedBy.role}`], d.decidedBy.role)})` : ''}`;
  const outcome = d.outcome ? wordOr(ctx, [`outcome.${d.outcome}`, `decision.${d.outcome}`], d.outcome) : '';
  const steps = d.actions.map((a, i) => html`${i ? ', ' : ''}${wordOr(ctx, [`action.${a}`], a)}`);
  const ruleSet = d.ruleSet
    ? html`${d.ruleSet.name ?? ''} <code>${d.ruleSet.id}</code>${d.ruleSet.effectiveFrom ? html`, ${t('provenance.effectiveFrom', { date: fmtDate(d.ruleSet.effectiveFrom, lang) })}` : ''}`
    : '';
  const stage = d.stage
    ? `${d.stage.from ? stageLabel(ctx, d.stage.from, programme) : '—'} → ${stageLabel(ctx, d.stage.to, programme)}`
    : '';
  const findings = d.findings.length
    ? html`<table class="table table-stack provenance-findings"><caption>${t('provenance.findings')}</caption>
        <thead><tr><th scope="col">${t('provenance.rule')}</th><th scope="col">${t('provenance.outcome')}</th><th scope="col">${t('provenance.figures')}</th></tr></thead>
        <tbody>${d.findings.map(
          (f) => html`<tr data-rule="${f.rule}">
            <td data-label="${t('provenance.rule')}">${findingText(lang, { rule: f.rule, outcome: f.outcome, data: (f.figures as Record<string, unknown> | null) ?? null })}<br><code class="small">${f.rule}</code></td>
            <td data-label="${t('provenance.outcome')}"><span class="badge ${f.outcome === 'pass' ? 'badge-ok' : f.outcome === 'fail' ? 'badge-danger' : 'badge-warn'}">${wordOr(ctx, [`outcome.${f.outcome}`], f.outcome)}</span></td>
            <td data-label="${t('provenance.figures')}">${
              f.figures && typeof f.figures === 'object'
                ? html`<dl class="figures">${Object.entries(f.figures as Record<string, unknown>).map(([k, v]) => html`<div><dt><code>${k}</code></dt><dd data-figure="${k}">${figureHtml(v, lang, k)}</dd></div>`)}</dl>`
                : '—'
            }</td></tr>`,
        )}</tbody></table>`
    : '';
  const taskDecisions = d.decisions.length
    ? html`<ul class="link-list">${d.decisions.map((x) => {
        const kind = typeof x.kind === 'string' ? x.kind : '';
        const decision = typeof x.decision === 'string' ? x.decision : '';
        const by = typeof x.decidedById === 'string' ? (names.get(x.decidedById) ?? x.decidedById) : '';
        const comment = typeof x.comment === 'string' && x.comment ? x.comment : '';
        return html`<li>${kind ? kindLabel(lang, kind) : ''}: <strong>${decision ? decisionLabel(ctx, decision) : ''}</strong>${by ? html` · ${by}` : ''}${comment ? html`<br><span class="muted small">${comment}</span>` : ''}</li>`;
      })}</ul>`
    : '';
  const payments = d.payments.length
    ? html`<ul class="link-list">${d.payments.map((p) => html`<li>${typeof p.amountCents === 'number' ? new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US', { style: 'currency', currency: 'USD' }).format(p.amountCents / 100) : ''} <code>${String(p.id ?? '')}</code></li>`)}</ul>`
    : '';
  return html`<li class="card provenance-decision" data-decision="${d.key}">
    <h2 id="decision-${n}">${fmtDate(d.at, lang, true)} · ${d.kind === 'human' ? t('provenance.human') : t('provenance.automatic')}${outcome ? html` · ${outcome}` : ''}</h2>
    ${facts([
      [t('provenance.decidedBy'), who],
      [t('provenance.steps'), steps.length ? html`${steps}` : ''],
      [t('provenance.ruleSet'), ruleSet],
      [t('provenance.stage'), stage],
      [t('provenance.taskDecisions'), taskDecisions],
      [t('provenance.payments'), payments],
      [
        t('provenance.workflow'),
        html`<code data-workflow-id>${d.workflow.workflowId}</code><br>${t('provenance.run')}: <code data-run-id>${d.workflow.runId ?? '—'}</code>${d.workflow.activityId ? html`<br>${t('provenance.activity')}: <code>${d.workflow.activityId}</code>` : ''}`,
      ],
    ])}
    ${findings}
  </li>`;
}

export function provenancePages(router: Router, web: WebContext): void {
  for (const spec of PROGRAMME_LIST) {
    const programme = spec.id as Programme;
    const apiPath = `/${spec.apiPath}/{id}/provenance` as '/proposals/{id}/provenance';

    router.get(
      `/${spec.apiPath}/:id/provenance`,
      web.page(
        async (ctx) => {
          const { t } = ctx;
          const id = String(ctx.req.params.id);
          const [p, subject] = await Promise.all([
            ctx.api.get(apiPath, { params: { id } }),
            ctx.api
              .raw(`/${spec.apiPath}/{id}` as '/proposals/{id}', { params: { id } })
              .then(async (res) => (res.ok ? ((await res.json()) as { title?: string }) : {})),
          ]);
          const names = await web.ref.userNames(
            [
              ...p.decisions.map((d) => d.decidedBy.id ?? ''),
              ...p.decisions.flatMap((d) =>
                d.decisions.map((x) => (typeof x.decidedById === 'string' ? x.decidedById : '')),
              ),
            ].filter(Boolean),
          );
          const title = subject.title ?? id;
          const history = p.historyAvailable ? t('provenance.historyKept') : t('provenance.historyDeleted');
          const body = html`<section class="card"><p>${t('provenance.lead')}</p>
            ${facts([
              [t('provenance.workflow'), html`<code>${p.workflowId}</code>`],
              [t('provenance.history'), history],
            ])}
            <p><a href="/app/${spec.apiPath}/${encodeURIComponent(id)}/provenance.json" download>${t('provenance.json')}</a></p></section>
            ${
              p.decisions.length
                ? html`<ol class="provenance-list plain-list">${p.decisions.map((d, n) => decisionCard(ctx, d, n, names, programme))}</ol>`
                : emptyState(t('provenance.none'))
            }`;
          send(
            ctx,
            layout(ctx, {
              title: t('provenance.title', { title }),
              back: { href: `/app/${spec.apiPath}/${encodeURIComponent(id)}`, label: title },
              body,
              wide: true,
            }),
          );
        },
        { roles: PROVENANCE_ROLES },
      ),
    );

    // The same record as JSON, for an auditor's files: streamed from the API, which the browser holds no token for.
    router.get(
      `/${spec.apiPath}/:id/provenance.json`,
      web.page(
        async (ctx) => {
          const id = String(ctx.req.params.id);
          const res = await ctx.api.raw(apiPath, { params: { id } });
          if (!res.ok) {
            const b = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
            throw new ApiError(res.status, b?.error ?? { code: 'http_error', message: `HTTP ${res.status}` });
          }
          ctx.res.setHeader('Content-Type', 'application/json; charset=utf-8');
          ctx.res.setHeader(
            'Content-Disposition',
            `attachment; filename="provenance-${id.replace(/[^A-Za-z0-9_-]/g, '')}.json"`,
          );
          ctx.res.setHeader('Cache-Control', 'no-store');
          ctx.res.send(Buffer.from(await res.arrayBuffer()));
        },
        { roles: PROVENANCE_ROLES },
      ),
    );
  }
}

/** The link from a subject's page to how its decisions were made (for the roles that may read it). */
export function provenanceLink(ctx: PageCtx, programme: Programme, id: string): SafeHtml | '' {
  if (!(PROVENANCE_ROLES as readonly string[]).includes(ctx.user.role)) return '';
  const spec = PROGRAMME_LIST.find((p) => p.id === programme)!;
  return html`<p class="card provenance-link"><a href="/app/${spec.apiPath}/${encodeURIComponent(id)}/provenance">${ctx.t('provenance.link')}</a></p>`;
}
