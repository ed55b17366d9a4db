/** The inbox: the caller's open tasks with filters and facets (GET /app/inbox). */
import { TASK_KINDS, type TaskKind } from '../../domain/tasks';
import { attr, html, type SafeHtml } from '../html';
import type { NamedItem } from '../reference';
import { dueBadge, emptyState, field, fmtDate, layout, subjectWord, type PageCtx } from '../ui';
import { countryName, kindLabel, taskHref, type Page, type Reference, type TaskView } from '../views';

export interface InboxFilters {
  kind: string;
  country: string;
  overdue: boolean;
}

export function inboxFilters(ctx: PageCtx): InboxFilters {
  const q = ctx.req.query;
  const one = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    kind: Object.prototype.hasOwnProperty.call(TASK_KINDS, one(q.kind)) ? one(q.kind) : '',
    country: /^[A-Z]{2}$/.test(one(q.country)) ? one(q.country) : '',
    overdue: one(q.overdue) === 'true',
  };
}

/** The inbox's filters as GET /tasks query parameters. */
export function inboxQuery(f: InboxFilters) {
  return {
    pageSize: 100,
    kind: (f.kind || undefined) as TaskKind | undefined,
    country: f.country || undefined,
    overdue: f.overdue ? ('true' as const) : undefined,
  };
}

/** Counts of all open tasks by kind, country and overdue: the choices of the filters. */
export function facetsOf(all: TaskView[]) {
  const count = (key: (x: TaskView) => string) =>
    all.reduce((m, x) => m.set(key(x), (m.get(key(x)) ?? 0) + 1), new Map<string, number>());
  return {
    kinds: count((x) => x.kind),
    countries: count((x) => x.subject.countryCode),
    overdue: all.filter((x) => x.overdue).length,
  };
}

export function inboxPage(
  ctx: PageCtx,
  tasks: Page<TaskView>,
  all: Page<TaskView>,
  countries: NamedItem[],
  f: InboxFilters,
): SafeHtml {
  const { t, lang } = ctx;
  const overdue = tasks.items.filter((x) => x.overdue).length;
  const ref: Reference = { areas: [], countries };
  const facets = facetsOf(all.items);
  // A filter chosen by address keeps its option, even with nothing open under it.
  if (f.kind && !facets.kinds.has(f.kind)) facets.kinds.set(f.kind, 0);
  if (f.country && !facets.countries.has(f.country)) facets.countries.set(f.country, 0);
  const filtered = !!(f.kind || f.country || f.overdue);
  const withCount = (label: string, n: number) => `${label} (${n})`;
  const filterForm = all.total
    ? html`<form method="get" action="/app/inbox" class="filters card" role="search" aria-label="${t('inbox.filters')}">
      ${field(ctx, { name: 'kind', label: t('inbox.kind'), type: 'select', value: f.kind, options: [{ value: '', label: withCount(t('filter.all'), all.total) }, ...[...facets.kinds.entries()].map(([kind, n]) => ({ value: kind, label: withCount(kindLabel(lang, kind), n) })).sort((a, b) => a.label.localeCompare(b.label, lang))] })}
      ${
        facets.countries.size > 1 || f.country
          ? field(ctx, {
              name: 'country',
              label: t('field.country'),
              type: 'select',
              value: f.country,
              options: [
                { value: '', label: t('filter.all') },
                ...[...facets.countries.entries()]
                  .map(([code, n]) => ({ value: code, label: withCount(countryName(ctx, ref, code), n) }))
                  .sort((a, b) => a.label.localeCompare(b.label, lang)),
              ],
            })
          : ''
      }
      <div class="choice filter-check"><input type="checkbox" id="f-overdue" name="overdue" value="true"${attr('checked', f.overdue)}><label for="f-overdue">${withCount(t('inbox.overdueOnly'), facets.overdue)}</label></div>
      <div class="filter-actions"><button type="submit" class="btn btn-secondary">${t('filter.apply')}</button>${filtered ? html` <a class="btn btn-link" href="/app/inbox">${t('filter.clear')}</a>` : ''}</div>
    </form>`
    : '';
  const body = tasks.items.length
    ? html`<p class="summary-line" id="inbox-summary">${t('inbox.summary', { n: tasks.total, overdue })}</p>
      <table class="table table-stack" aria-describedby="inbox-summary">
        <caption class="visually-hidden">${t('inbox.caption')}</caption>
        <thead><tr><th scope="col">${t('inbox.task')}</th><th scope="col">${t('inbox.subject')}</th><th scope="col">${t('field.country')}</th><th scope="col">${t('inbox.due')}</th></tr></thead>
        <tbody>${tasks.items.map(
          (x) => html`<tr class="${x.overdue ? 'row-overdue' : ''}">
            <td data-label="${t('inbox.task')}"><a href="${taskHref(x.id)}">${kindLabel(lang, x.kind)}</a></td>
            <td data-label="${t('inbox.subject')}"><span class="muted small">${subjectWord(ctx, x.subject.type)}</span><br>${x.subject.title}</td>
            <td data-label="${t('field.country')}">${countryName(ctx, ref, x.subject.countryCode)}</td>
            <td data-label="${t('inbox.due')}">${x.dueAt ? html`<time datetime="${x.dueAt}">${fmtDate(x.dueAt, lang)}</time>` : '—'} ${dueBadge(ctx, x)}</td>
          </tr>`,
        )}</tbody>
      </table>`
    : emptyState(filtered ? t('inbox.noneMatch') : t('inbox.empty'));
  return layout(ctx, { title: t('inbox.title'), body: html`${filterForm}${body}` });
}
