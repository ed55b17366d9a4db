/**
 * The message thread, the staff-only internal notes and the fund manager's cancellation, on the
 * page of every subject of every programme in the registry (proposals, expert requests…): one
 * section builder used by each programme's detail page, and the form actions under
 * `/app/<apiPath>/<id>/…`.
 */
import type { Router } from 'express';
import { CANCEL_ROLES } from '../../domain/cancellation';
import { messageReadRoles, NOTE_ROLES } from '../../domain/messages';
import { PROGRAMME_LIST, programmeSpec, type Programme, type SubjectType } from '../../domain/registry';
import { isTerminal } from '../../domain/stages';
import { ApiError } from '../api-client';
import type { WebContext } from '../context';
import { html, type HtmlValue } from '../html';
import { formIdempotencyKey, idempotencyField, idempotencyHeader } from '../idempotency';
import type { Key } from '../i18n';
import { csrfField, field, fmtDate, prose, type PageCtx } from '../ui';
import { loadDocuments } from './documents';
import { SCAN_STATE_LABELS, type ScanState } from '../../domain/documents';

const enc = encodeURIComponent;

// One shape for every programme (the same named schemas in the API document); the typed client
// needs a literal path, so the programme's own path is typed as the proposal's.
type MessagesPath = '/proposals/{id}/messages';
type NotesPath = '/proposals/{id}/notes';
type CancelPath = '/proposals/{id}/cancel';
const apiPathOf = (programme: Programme, what: 'messages' | 'notes' | 'cancel') =>
  `/${programmeSpec(programme).apiPath}/{id}/${what}`;

const pageOf = (programme: Programme, id: string) => `/app/${programmeSpec(programme).apiPath}/${enc(id)}`;

const has = (roles: readonly string[], role: string) => roles.includes(role);

/** A thread's or a note's entry. */
function entry(
  ctx: PageCtx,
  m: {
    author: { id: string; name: string | null };
    body: string;
    createdAt: string;
    attachments?: { id: string; name: string; scanState: string; downloadable: boolean }[];
  },
  meta: string,
) {
  const mine = m.author.id === ctx.user.id;
  const attachments = m.attachments ?? [];
  return html`<li class="message${mine ? ' message-mine' : ''}">
    <p class="message-meta"><strong>${mine ? ctx.t('actor.you') : (m.author.name ?? ctx.t('actor.system'))}</strong>${meta ? html` · ${meta}` : ''} · <time datetime="${m.createdAt}">${fmtDate(m.createdAt, ctx.lang, true)}</time></p>
    <div class="message-body">${prose(m.body)}</div>
    ${
      attachments.length
        ? html`<p class="message-attachments">${ctx.t('messages.attachments')}:</p><ul class="message-attachments">${attachments.map(
            (a) =>
              html`<li>${a.downloadable ? html`<a href="/app/documents/${enc(a.id)}/content" download>${a.name}</a>` : a.name}${a.scanState === 'clean' ? '' : html` <span class="muted">(${SCAN_STATE_LABELS[a.scanState as ScanState]?.[ctx.lang === 'ru' ? 'ru' : 'en'] ?? a.scanState})</span>`}</li>`,
          )}</ul>`
        : ''
    }
  </li>`;
}

/**
 * The subject's thread (for those with a place on it), its internal notes (staff) and the
 * cancellation (fund managers, before it closes). Empty for roles that see none of them.
 */
export async function conversationSections(
  ctx: PageCtx,
  programme: Programme,
  subject: { id: string; stage: string },
): Promise<{ thread: HtmlValue; notes: HtmlValue; cancel: HtmlValue }> {
  const { t, user } = ctx;
  const params = { params: { id: subject.id } };
  const readsThread = has(messageReadRoles(programme), user.role);
  const readsNotes = has(NOTE_ROLES, user.role);
  const subjectType = programmeSpec(programme).subjectType as SubjectType;
  const [thread, notes, documents] = await Promise.all([
    readsThread
      ? ctx.api.get(apiPathOf(programme, 'messages') as MessagesPath, params).catch((err: unknown) => {
          // An expert other than the selected one has no place on the thread (404): no section.
          if (err instanceof ApiError && (err.status === 404 || err.status === 403)) return null;
          throw err;
        })
      : Promise.resolve(null),
    readsNotes ? ctx.api.get(apiPathOf(programme, 'notes') as NotesPath, params) : Promise.resolve(null),
    readsThread ? loadDocuments(ctx, { type: subjectType, id: subject.id }) : Promise.resolve(null),
  ]);
  // Attachable: the caller's own uploads to this subject not yet on a message (and not quarantined).
  const attachable = (documents?.items ?? []).filter(
    (d) => d.uploaderId === user.id && !d.messageId && d.scanState !== 'infected',
  );
  const action = pageOf(programme, subject.id);

  const threadHtml = thread
    ? html`<section class="card" id="messages" aria-labelledby="messages-h">
      <h2 id="messages-h">${t('messages.title')}</h2>
      <p class="hint">${t('messages.who', { sides: thread.sides.map((s) => s.label).join(', ') })}</p>
      ${
        thread.items.length
          ? html`<ol class="thread">${thread.items.map((m) => entry(ctx, m, m.sideLabel))}</ol>`
          : html`<p class="muted">${t('messages.none')}</p>`
      }
      ${
        thread.mySide
          ? html`<form method="post" action="${action}/messages" class="form" data-once>
          ${csrfField(ctx)}${idempotencyField()}
          ${field(ctx, { name: 'body', label: t('messages.yours'), type: 'textarea', rows: 4, required: true, hint: t('messages.mailed') })}
          ${
            attachable.length
              ? html`<fieldset class="choices"><legend>${t('messages.attach')}</legend>
              ${attachable.map((d) => html`<div class="choice"><input type="checkbox" id="attach-${d.id}" name="documentIds" value="${d.id}"><label for="attach-${d.id}">${d.name}</label></div>`)}
              <p class="hint">${t('messages.attachHint')}</p></fieldset>`
              : html`<p class="hint">${t('messages.attachHow')}</p>`
          }
          <button type="submit" class="btn btn-primary">${t('messages.send')}</button>
        </form>`
          : ''
      }
    </section>`
    : '';

  const notesHtml = notes
    ? html`<section class="card card-internal" id="notes" aria-labelledby="notes-h">
      <h2 id="notes-h">${t('notes.title')} <span class="badge badge-warn">${t('notes.staffOnly')}</span></h2>
      <p class="hint">${t('notes.who')}</p>
      ${
        notes.items.length
          ? html`<ol class="thread">${notes.items.map((n) => entry(ctx, n, t(`role.${n.author.role}` as Key)))}</ol>`
          : html`<p class="muted">${t('notes.none')}</p>`
      }
      <form method="post" action="${action}/notes" class="form" data-once>
        ${csrfField(ctx)}${idempotencyField()}
        ${field(ctx, { name: 'body', label: t('notes.yours'), type: 'textarea', rows: 3, required: true })}
        <button type="submit" class="btn btn-secondary">${t('notes.add')}</button>
      </form>
    </section>`
    : '';

  const cancelHtml =
    has(CANCEL_ROLES, user.role) && !isTerminal(subject.stage)
      ? html`<details class="card danger-zone"><summary>${t('cancel.title')}</summary>
        <p>${t('cancel.what')}</p>
        <form method="post" action="${action}/cancel" data-once>
          ${csrfField(ctx)}${idempotencyField()}
          ${field(ctx, { name: 'reason', label: t('cancel.reason'), type: 'textarea', rows: 3, required: true, hint: t('cancel.reasonHint') })}
          <div class="choice"><input type="checkbox" id="cancel-confirm" name="confirm" value="yes" required><label for="cancel-confirm">${t('cancel.confirm')}</label></div>
          <button type="submit" class="btn btn-danger"><span aria-hidden="true">✕ </span>${t('cancel.title')}</button>
        </form></details>`
      : '';

  return { thread: threadHtml, notes: notesHtml, cancel: cancelHtml };
}

/** For an owner who may no longer withdraw: cancelling is the fund manager's, asked for on the thread. */
export function askToCancel(ctx: PageCtx, programme: Programme, stage: string): HtmlValue {
  const spec = programmeSpec(programme);
  if (isTerminal(stage) || (spec.withdrawal.stages as readonly string[]).includes(stage)) return '';
  return html`<section class="card"><h2>${ctx.t('cancel.askTitle')}</h2><p>${ctx.t('cancel.ask')} <a href="#messages">${ctx.t('cancel.askLink')}</a></p></section>`;
}

/** The form actions of the sections above, for every programme. */
export function messagePages(router: Router, web: WebContext): void {
  for (const spec of PROGRAMME_LIST) {
    const programme = spec.id;
    const base = `/${spec.apiPath}/:id`;

    const post = (what: 'messages' | 'notes', roles: readonly string[]) =>
      router.post(
        `${base}/${what}`,
        web.action(
          async (ctx) => {
            const id = ctx.req.params.id;
            const page = pageOf(programme, id);
            const key = formIdempotencyKey(ctx.user.id, `${what}:${id}`, ctx.req.body as Record<string, unknown>);
            const res = await ctx.api.send(
              'POST',
              apiPathOf(programme, what) as MessagesPath | NotesPath as MessagesPath,
              {
                params: { id },
                body: {
                  body: String(ctx.req.body.body ?? ''),
                  ...(what === 'messages' && ctx.req.body.documentIds
                    ? { documentIds: ([] as unknown[]).concat(ctx.req.body.documentIds).map(String) }
                    : {}),
                },
                headers: idempotencyHeader(key),
              },
            );
            const anchor = what === 'messages' ? 'messages' : 'notes';
            if (res.ok)
              return ctx.res.redirect(
                303,
                `${page}?notice=${what === 'messages' ? 'messageSent' : 'noteAdded'}#${anchor}`,
              );
            if (res.status === 400) return ctx.res.redirect(303, `${page}?notice=messageEmpty#${anchor}`);
            throw new ApiError(res.status, res.body.error);
          },
          { roles },
        ),
      );
    post('messages', messageReadRoles(programme));
    post('notes', NOTE_ROLES);

    router.post(
      `${base}/cancel`,
      web.action(
        async (ctx) => {
          const id = ctx.req.params.id;
          const page = pageOf(programme, id);
          if (ctx.req.body.confirm !== 'yes') return ctx.res.redirect(303, page);
          const key = formIdempotencyKey(ctx.user.id, `cancel:${id}`, ctx.req.body as Record<string, unknown>);
          const res = await ctx.api.send('POST', apiPathOf(programme, 'cancel') as CancelPath, {
            params: { id },
            body: { reason: String(ctx.req.body.reason ?? '') },
            headers: idempotencyHeader(key),
          });
          if (res.ok) return ctx.res.redirect(303, `${page}?notice=cancelled`);
          if (res.status === 400) return ctx.res.redirect(303, `${page}?notice=cancelReason`);
          if (res.status === 409) return ctx.res.redirect(303, `${page}?notice=conflict`);
          throw new ApiError(res.status, res.body.error);
        },
        { roles: CANCEL_ROLES },
      ),
    );
  }
}
