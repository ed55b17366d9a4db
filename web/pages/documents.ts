import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Router } from 'express';
import {
  DOCUMENT_TYPE_LABELS,
  SCAN_STATE_LABELS,
  UPLOADABLE_DOCUMENT_TYPES,
  type DocumentType,
  type ScanState,
} from '../../domain/documents';
import { documentsOf, programmeOfSubject, PROGRAMMES_WITH_DOCUMENTS, type SubjectType } from '../../domain/registry';
import type { Schemas } from '../api-client';
import { html, type HtmlValue } from '../html';
import type { WebContext } from '../context';
import { fmtDate, layout, send, type PageCtx } from '../ui';

const enc = encodeURIComponent;
type DocumentList = Schemas['DocumentList'];
type Subject = { type: SubjectType; id: string };
/** The typed client's name for the documents routes of every programme that has them (the same shape). */
type DocumentsPath = '/proposals/{id}/documents';

/** Whether a subject has documents: its programme's registry entry declares them. */
export const hasDocuments = (subject: { type: string; id: string }): subject is Subject => !!documentsOf(subject.type);

const STATE_BADGE: Record<ScanState, string> = {
  pending: 'badge-warn',
  clean: 'badge-ok',
  infected: 'badge-danger',
  scan_failed: 'badge-warn',
  not_scanned: 'badge-warn',
};

function sizeText(bytes: number, lang: string): string {
  const mb = bytes / (1024 * 1024);
  const [MB, KB] = lang === 'ru' ? ['МБ', 'КБ'] : ['MB', 'KB'];
  return mb >= 1
    ? `${mb.toLocaleString(lang, { maximumFractionDigits: 1 })} ${MB}`
    : `${Math.max(1, Math.round(bytes / 1024)).toLocaleString(lang)} ${KB}`;
}

/** What a documents card may show: a programme subject, or an expert's roster profile (its CVs). */
type CardSubject = Subject | { type: 'expert'; id: string };
const collectionOf = (type: CardSubject['type']) => (type === 'expert' ? 'experts' : programmeOfSubject(type).apiPath);
const apiPath = (s: CardSubject) => `/${collectionOf(s.type)}/${enc(s.id)}`;
const documentsPath = (type: CardSubject['type']) => `/${collectionOf(type)}/{id}/documents` as DocumentsPath;

/** The documents of a proposal or request: scan state, download links, what the call still requires, and the upload form. */
export function documentsCard(
  ctx: PageCtx,
  subject: CardSubject,
  list: DocumentList | null,
  opts: { canUpload: boolean; taskId?: string; heading?: string; types?: readonly string[] },
): HtmlValue {
  if (!list) return '';
  const { lang } = ctx;
  const ru = lang === 'ru';
  const label = (t: string) => DOCUMENT_TYPE_LABELS[t as DocumentType]?.[ru ? 'ru' : 'en'] ?? t;
  const missing = list.missingDocumentTypes;
  const rows = list.items.map(
    (d) => html`<tr>
      <th scope="row">${d.downloadable ? html`<a href="/app/documents/${enc(d.id)}/content" download>${d.name}</a>` : d.name}${d.version > 1 ? html` <span class="muted">v${d.version}</span>` : ''}${d.language ? html` <span class="muted">(${d.language.toUpperCase()})</span>` : ''}</th>
      <td data-label="${ru ? 'Тип' : 'Type'}">${label(d.documentType)}</td>
      <td class="num" data-label="${ru ? 'Размер' : 'Size'}">${sizeText(d.size, lang)}</td>
      <td data-label="${ru ? 'Проверка' : 'Scan'}"><span class="badge ${STATE_BADGE[d.scanState]}">${SCAN_STATE_LABELS[d.scanState][ru ? 'ru' : 'en']}</span>${d.released ? html` <span class="muted">${ru ? '(допущен вручную)' : '(released by hand)'}</span>` : ''}</td>
      <td data-label="${ru ? 'Загружен' : 'Added'}">${fmtDate(d.createdAt, lang)}</td>
    </tr>`,
  );
  const heading = opts.heading ?? (ru ? 'Документы' : 'Documents');
  const headingId = `docs-h-${subject.id}`;
  const limitText = ru
    ? `До ${sizeText(list.limits.maxFileBytes, lang)} на файл, всего до ${sizeText(list.limits.maxObjectBytes, lang)} (использовано ${sizeText(list.limits.usedBytes, lang)}). PDF, изображения, текстовые документы, таблицы и презентации, архивы ZIP или простой текст.`
    : `Up to ${sizeText(list.limits.maxFileBytes, lang)} per file, ${sizeText(list.limits.maxObjectBytes, lang)} in all (${sizeText(list.limits.usedBytes, lang)} used). PDF, images, Office and OpenDocument files, ZIP or plain text.`;
  const form = opts.canUpload
    ? html`<form class="upload" method="post" enctype="multipart/form-data" action="/app${apiPath(subject)}/documents?_csrf=${enc(ctx.csrf)}${opts.taskId ? `&taskId=${enc(opts.taskId)}` : ''}" data-upload>
        <div class="field"><label for="doc-type-${subject.id}">${ru ? 'Тип документа' : 'Document type'}</label>
          <select id="doc-type-${subject.id}" name="documentType" required>${(opts.types ?? (subject.type === 'expert' ? undefined : documentsOf(subject.type)?.uploadTypes) ?? UPLOADABLE_DOCUMENT_TYPES).map((t) => html`<option value="${t}"${missing[0] === t ? ' selected' : ''}>${label(t)}</option>`)}</select></div>
        ${opts.taskId ? html`<input type="hidden" name="taskId" value="${opts.taskId}">` : ''}
        <div class="field"><label for="doc-file-${subject.id}">${ru ? 'Файлы' : 'Files'}</label>
          <input type="file" id="doc-file-${subject.id}" name="file" multiple required aria-describedby="doc-hint-${subject.id}">
          <p class="hint" id="doc-hint-${subject.id}">${limitText}</p></div>
        <progress max="100" value="0" hidden aria-label="${ru ? 'Загрузка' : 'Upload progress'}"></progress>
        <div class="upload-status" role="status" aria-live="polite"></div>
        <button type="submit" class="btn btn-primary">${ru ? 'Загрузить' : 'Upload'}</button>
      </form>`
    : '';
  return html`<section class="card" aria-labelledby="${headingId}" id="documents">
    <h2 id="${headingId}">${heading}</h2>
    ${missing.length ? html`<p class="notice notice-warn" role="note"><span aria-hidden="true">! </span>${ru ? 'Ещё требуются: ' : 'Still required: '}${missing.map(label).join(', ')}</p>` : ''}
    ${
      list.items.length
        ? html`<table class="table table-stack"><caption>${ru ? 'Файлы и проверка на вредоносное ПО' : 'Files and their malware scan'}</caption><thead><tr><th scope="col">${ru ? 'Файл' : 'File'}</th><th scope="col">${ru ? 'Тип' : 'Type'}</th><th scope="col" class="num">${ru ? 'Размер' : 'Size'}</th><th scope="col">${ru ? 'Проверка' : 'Scan'}</th><th scope="col">${ru ? 'Загружен' : 'Added'}</th></tr></thead><tbody>${rows}</tbody></table>`
        : html`<p>${ru ? 'Документов пока нет.' : 'No documents yet.'}</p>`
    }
    ${form}
  </section>`;
}

/**
 * The new-proposal page's documents: each file is uploaded on its own (POST /documents, with progress
 * and a per-file error) before the proposal is submitted; the ticked uploads go with the proposal's
 * form (`form` attribute) as `documentIds`. Without JavaScript the upload is a plain multipart post
 * and the page comes back with the file listed (the note says to upload before typing).
 */
export function stagedDocumentsSection(
  ctx: PageCtx,
  list: DocumentList | null,
  opts: { callId: string; required: readonly string[]; formId: string; checked?: string[]; error?: string[] },
): HtmlValue {
  if (!list) return '';
  const ru = ctx.lang === 'ru';
  const label = (t: string) => DOCUMENT_TYPE_LABELS[t as DocumentType]?.[ru ? 'ru' : 'en'] ?? t;
  const have = new Set<string>(list.items.filter((d) => d.scanState !== 'infected').map((d) => d.documentType));
  const missing = opts.required.filter((t) => !have.has(t));
  const types: string[] = [...opts.required, ...UPLOADABLE_DOCUMENT_TYPES.filter((t) => !opts.required.includes(t))];
  const checked = (id: string) => (opts.checked ? opts.checked.includes(id) : true);
  const item = (d: DocumentList['items'][number]) =>
    html`<li class="choice"><input type="checkbox" id="staged-${d.id}" name="documentIds" value="${d.id}" form="${opts.formId}"${checked(d.id) && d.scanState !== 'infected' ? ' checked' : ''}${d.scanState === 'infected' ? ' disabled' : ''}><label for="staged-${d.id}">${d.name} <span class="muted">(${label(d.documentType)})</span> <span class="badge ${STATE_BADGE[d.scanState]}">${SCAN_STATE_LABELS[d.scanState][ru ? 'ru' : 'en']}</span></label></li>`;
  const limitText = ru
    ? `До ${sizeText(list.limits.maxFileBytes, ctx.lang)} на файл. PDF, изображения, текстовые документы, таблицы и презентации, архивы ZIP или простой текст.`
    : `Up to ${sizeText(list.limits.maxFileBytes, ctx.lang)} per file. PDF, images, Office and OpenDocument files, ZIP or plain text.`;
  return html`<section class="card" aria-labelledby="staged-h" id="f-documentIds" tabindex="-1">
    <h2 id="staged-h">${ru ? 'Документы заявки' : 'Documents of the proposal'}</h2>
    ${opts.required.length ? html`<p>${ru ? 'Конкурс требует: ' : 'The call requires: '}${opts.required.map(label).join(', ')}.</p>` : ''}
    ${opts.error?.length ? html`<p class="error"><span aria-hidden="true">✖ </span>${opts.error.join('; ')}</p>` : ''}
    ${missing.length ? html`<p class="notice notice-warn" role="note"><span aria-hidden="true">! </span>${ru ? 'Ещё не загружены: ' : 'Not uploaded yet: '}${missing.map(label).join(', ')}</p>` : ''}
    <fieldset class="group"><legend>${ru ? 'Отправить с заявкой' : 'Submit with the proposal'}</legend>
      <ul class="staged-list plain" data-staged-list>${list.items.map(item)}</ul>
      ${list.items.length ? '' : html`<p class="muted" data-staged-empty>${ru ? 'Документов пока нет.' : 'No documents yet.'}</p>`}
    </fieldset>
    <noscript><p class="notice notice-warn"><span aria-hidden="true">! </span>${ru ? 'Без JavaScript загружайте документы до заполнения формы: после каждой загрузки страница открывается заново.' : 'Without JavaScript, upload the documents before filling in the form: the page reloads after each upload.'}</p></noscript>
    <form class="upload" method="post" enctype="multipart/form-data" action="/app/documents?_csrf=${enc(ctx.csrf)}&call=${enc(opts.callId)}" data-upload data-staged data-form-id="${opts.formId}" data-label-checkbox="${ru ? 'Отправить с заявкой' : 'Submit with the proposal'}">
      <div class="field"><label for="staged-type">${ru ? 'Тип документа' : 'Document type'}</label>
        <select id="staged-type" name="documentType" required>${types.map((t) => html`<option value="${t}"${missing[0] === t ? ' selected' : ''}>${label(t)}</option>`)}</select></div>
      <div class="field"><label for="staged-file">${ru ? 'Файлы' : 'Files'}</label>
        <input type="file" id="staged-file" name="file" multiple required aria-describedby="staged-hint">
        <p class="hint" id="staged-hint">${limitText}</p></div>
      <progress max="100" value="0" hidden aria-label="${ru ? 'Загрузка' : 'Upload progress'}"></progress>
      <div class="upload-status" role="status" aria-live="polite"></div>
      <button type="submit" class="btn btn-secondary">${ru ? 'Загрузить' : 'Upload'}</button>
    </form>
  </section>`;
}

/** The caller's uploads waiting for a proposal (POST /documents), or null when they cannot be read. */
export async function loadStagedDocuments(ctx: PageCtx): Promise<DocumentList | null> {
  try {
    return await ctx.api.get('/documents');
  } catch {
    return null;
  }
}

/** The documents of a subject for a page, or null when its programme takes none or the caller may not see them. */
export async function loadDocuments(ctx: PageCtx, subject: CardSubject): Promise<DocumentList | null> {
  if (subject.type !== 'expert' && !hasDocuments(subject)) return null;
  try {
    return await ctx.api.get(documentsPath(subject.type), { params: { id: subject.id } });
  } catch {
    return null;
  }
}

const PASSED_HEADERS = [
  'content-type',
  'content-length',
  'content-disposition',
  'content-range',
  'accept-ranges',
  'etag',
  'x-content-type-options',
  'content-security-policy',
];

export function documentPages(router: Router, web: WebContext): void {
  // Downloads through the web app's session: the API decides, its headers (attachment, nosniff) pass on.
  router.get(
    '/documents/:id/content',
    web.page(async (ctx) => {
      const range = ctx.req.get('Range');
      const res = await ctx.api.download('/documents/{id}/content', {
        params: { id: ctx.req.params.id },
        headers: range ? { Range: range } : {},
      });
      ctx.res.status(res.status);
      for (const h of PASSED_HEADERS) {
        const v = res.headers.get(h);
        if (v) ctx.res.setHeader(h, v);
      }
      if (!res.body) return void ctx.res.end();
      await pipeline(Readable.fromWeb(res.body as never), ctx.res);
    }),
  );

  // Staged uploads from the new-proposal page: streamed to POST /documents; without JavaScript, back to the form (or the refusal, per file).
  router.post(
    '/documents',
    web.page(async (ctx) => {
      const wantsJson = (ctx.req.get('Accept') ?? '').includes('application/json');
      if (!web.jar.csrfValid(ctx.req, ctx.session, ctx.req.query._csrf)) {
        ctx.req.resume();
        ctx.res.status(403);
        return void (wantsJson
          ? ctx.res.json({ error: { code: 'csrf', message: ctx.t('error.csrf') } })
          : ctx.res.send(ctx.t('error.csrf')));
      }
      const res = await ctx.api.upload('/documents', {
        body: ctx.req,
        contentType: ctx.req.get('Content-Type') ?? '',
        contentLength: ctx.req.get('Content-Length'),
      });
      const text = await res.text();
      if (wantsJson) return void ctx.res.status(res.status).type('application/json').send(text);
      const callId = typeof ctx.req.query.call === 'string' ? ctx.req.query.call : '';
      const back = callId ? `/app/proposals/new?call=${enc(callId)}` : '/app/calls';
      if (res.ok) return ctx.res.redirect(303, `${back}#f-documentIds`);
      let error: { message?: string; details?: { path: string; message: string }[] } = {};
      try {
        error = (JSON.parse(text) as { error: typeof error }).error ?? {};
      } catch {
        error = { message: `HTTP ${res.status}` };
      }
      const ru = ctx.lang === 'ru';
      send(
        ctx,
        layout(ctx, {
          title: ru ? 'Файл не загружен' : 'The file was not uploaded',
          back: { href: back, label: ru ? 'К заявке' : 'Back to the proposal' },
          body: html`<section class="card" role="alert"><p>${error.message ?? ''}</p>${error.details?.length ? html`<ul>${error.details.map((d) => html`<li>${d.message}</li>`)}</ul>` : ''}</section>`,
        }),
        res.status >= 400 && res.status < 500 ? res.status : 502,
      );
    }),
  );

  // Uploads: the browser's multipart body is streamed to the API as it arrives (the CSRF token is in the URL: the body is not parsed here).
  const uploadTargets: CardSubject['type'][] = [
    ...PROGRAMMES_WITH_DOCUMENTS.map((spec) => spec.subjectType as SubjectType),
    'expert',
  ];
  for (const type of uploadTargets) {
    router.post(
      `/${collectionOf(type)}/:id/documents`,
      web.page(async (ctx) => {
        const id = ctx.req.params.id;
        // A profile's CVs: back to the expert's own profile page, or to the profile in the roster.
        const back =
          type === 'expert'
            ? ctx.user.expertId === id
              ? '/app/profile'
              : `/app/roster/${enc(id)}`
            : `/app${apiPath({ type, id })}`;
        const wantsJson = (ctx.req.get('Accept') ?? '').includes('application/json');
        if (!web.jar.csrfValid(ctx.req, ctx.session, ctx.req.query._csrf)) {
          ctx.req.resume();
          ctx.res.status(403);
          return void (wantsJson
            ? ctx.res.json({ error: { code: 'csrf', message: ctx.t('error.csrf') } })
            : ctx.res.send(ctx.t('error.csrf')));
        }
        const res = await ctx.api.upload(documentsPath(type), {
          params: { id },
          body: ctx.req,
          contentType: ctx.req.get('Content-Type') ?? '',
          contentLength: ctx.req.get('Content-Length'),
        });
        const body = await res.text();
        if (wantsJson) {
          ctx.res.status(res.status).type('application/json').send(body);
          return;
        }
        const taskId = typeof ctx.req.query.taskId === 'string' ? ctx.req.query.taskId : undefined;
        const target = taskId ? `/app/tasks/${enc(taskId)}` : back;
        ctx.res.redirect(303, `${target}?notice=${res.ok ? 'uploaded' : 'uploadFailed'}#documents`);
      }),
    );
  }
}
