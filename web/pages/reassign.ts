import type { Router } from 'express';
import { ApiError } from '../api-client';
import { html, type SafeHtml } from '../html';
import { apiMessage } from '../i18n';
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
import { taskHref } from '../views';

/**
 * Reassigning open tasks in the web app: the list of a person's open tasks (what blocks their
 * erasure) with a link for each, and the form that hands one task to an eligible person. The API
 * decides who is eligible (GET /tasks/{id}/candidates) and reassigns (POST /tasks/{id}/reassign).
 */
const STAFF = ['admin', 'fund_manager'] as const;

export function reassignHref(taskId: string, back?: string): string {
  return `${taskHref(taskId)}/reassign${back ? `?back=${encodeURIComponent(back)}` : ''}`;
}

/** Where to go back to after reassigning: a page inside the app, else the task. */
function backOf(ctx: PageCtx, taskId: string): string {
  const back = formText(ctx.req.query.back ?? ctx.req.body?.back);
  return /^\/app\/[A-Za-z0-9/_?=&%.-]*$/.test(back) && !back.startsWith('//') ? back : taskHref(taskId);
}

/** A person's open tasks, each with its reassignment link or why it cannot be reassigned by the caller. */
export async function personOpenTasks(ctx: PageCtx, userId: string, back: string): Promise<SafeHtml> {
  const { t, lang } = ctx;
  const open = await ctx.api.get('/users/{id}/open-tasks', { params: { id: userId } });
  return html`<ul class="plain">${open.items.map(
    (task) =>
      html`<li><a href="${taskHref(task.id)}">${task.label}</a>: ${task.title}${task.dueAt ? html` · ${t('task.dueOn', { date: fmtDate(task.dueAt, lang) })}` : ''}
        · ${task.reassignable ? html`<a class="btn btn-secondary" href="${reassignHref(task.id, back)}">${t('reassign.action')}<span class="visually-hidden">: ${task.label}, ${task.title}</span></a>` : html`<span class="hint">${apiMessage(lang, task.whyNot ?? '')}</span>`}</li>`,
  )}</ul>`;
}

export function reassignPages(router: Router, web: WebContext): void {
  async function reassignPage(
    ctx: PageCtx,
    state: FormState = emptyForm(),
    values: Record<string, string> = {},
    status = 200,
  ): Promise<void> {
    const { t } = ctx;
    const id = String(ctx.req.params.id);
    const back = backOf(ctx, id);
    const [task, candidates] = await Promise.all([
      ctx.api.get('/tasks/{id}', { params: { id } }),
      ctx.api.get('/tasks/{id}/candidates', { params: { id } }).catch((err: unknown) => {
        // Not reassignable (it waits for a role or an institution, is closed, or is not the caller's to hand over).
        if (err instanceof ApiError && (err.status === 403 || err.status === 409))
          return { items: [], why: apiMessage(ctx.lang, err.error.message) };
        throw err;
      }),
    ]);
    const why = 'why' in candidates ? candidates.why : undefined;
    const form = why
      ? html`<div class="notice notice-warn" role="alert"><p>${why}</p></div>`
      : candidates.items.length
        ? html`${errorSummary(ctx, state, { toUserId: t('reassign.to'), reason: t('reassign.reason') })}
        <form method="post" action="${reassignHref(id)}" novalidate>${csrfField(ctx)}<input type="hidden" name="back" value="${back}">
          ${field(ctx, { name: 'toUserId', label: t('reassign.to'), type: 'select', required: true, value: values.toUserId ?? '', options: [{ value: '', label: t('reassign.choose') }, ...candidates.items.map((c) => ({ value: c.id, label: `${c.name} (${c.email})` }))], state })}
          ${field(ctx, { name: 'reason', label: t('reassign.reason'), type: 'textarea', hint: t('reassign.reasonHint'), value: values.reason ?? '', state })}
          <button type="submit" class="btn btn-primary">${t('reassign.submit')}</button></form>`
        : html`<p>${t('reassign.nobody')}</p>`;
    const body = html`<section class="card"><h2>${task.label}: ${task.title}</h2>
      <p>${t('reassign.intro')}</p>${form}</section>
      <p><a href="${back}">${t('reassign.back')}</a></p>`;
    send(ctx, layout(ctx, { title: t('reassign.title'), body }), status);
  }

  router.get(
    '/tasks/:id/reassign',
    web.page((ctx) => reassignPage(ctx), { roles: STAFF }),
  );
  router.post(
    '/tasks/:id/reassign',
    web.action(
      async (ctx) => {
        const id = String(ctx.req.params.id);
        const values = formTexts(ctx.req.body, ['toUserId', 'reason']);
        if (!values.toUserId) {
          const state = emptyForm();
          state.errors.set('toUserId', [ctx.t('reassign.choose')]);
          return reassignPage(ctx, state, values, 400);
        }
        const res = await ctx.api.send('POST', '/tasks/{id}/reassign', {
          params: { id },
          body: { toUserId: values.toUserId, ...(values.reason ? { reason: values.reason } : {}) },
        });
        if (!res.ok) {
          const state = refusedForm(ctx, res, ['toUserId', 'reason']);
          return reassignPage(ctx, state, values, res.status === 409 ? 409 : 400);
        }
        const back = backOf(ctx, id);
        ctx.res.redirect(303, `${back}${back.includes('?') ? '&' : '?'}notice=reassigned`);
      },
      { roles: STAFF },
    ),
  );
}
