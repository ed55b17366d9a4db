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
import { fmtDate, type PageCtx } from '../ui';

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

const apiPath = (s: Subject) => `/${programmeOfSubject(s.type).apiPath}/${enc(s.id)}`;
const documentsPath = (type: SubjectType) => `/${programmeOfSubject(type).apiPath}/{id}/documents` as DocumentsPath;

/** The documents of a proposal or request: scan state, download links, what the call still requires, and the upload form. */
export function documentsCard(
  ctx: PageCtx,
  subject: Subject,
  list: DocumentList | null,
  opts: { canUpload: boolean; taskId?: string; heading?: string },
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
          <select id="doc-type-${subject.id}" name="documentType" required>${UPLOADABLE_DOCUMENT_TYPES.map((t) => html`<option value="${t}"${missing[0] === t ? ' selected' : ''}>${label(t)}</option>`)}</select></div>
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
    ${missing.length ? html`<p class="notice notice-warn" role="note"><span aria-hidden="true">! </span>${ru ? 'Требуются по условиям конкурса: ' : 'Required by the call: '}${missing.map(label).join(', ')}</p>` : ''}
    ${
      list.items.length
        ? html`<table class="table table-stack"><caption>${ru ? 'Файлы и проверка на вредоносное ПО' : 'Files and their malware scan'}</caption><thead><tr><th scope="col">${ru ? 'Файл' : 'File'}</th><th scope="col">${ru ? 'Тип' : 'Type'}</th><th scope="col" class="num">${ru ? 'Размер' : 'Size'}</th><th scope="col">${ru ? 'Проверка' : 'Scan'}</th><th scope="col">${ru ? 'Загружен' : 'Added'}</th></tr></thead><tbody>${rows}</tbody></table>`
        : html`<p>${ru ? 'Документов пока нет.' : 'No documents yet.'}</p>`
    }
    ${form}
  </section>`;
}

/** The documents of a subject for a page, or null when its programme takes none or the caller may not see them. */
export async function loadDocuments(ctx: PageCtx, subject: Subject): Promise<DocumentList | null> {
  if (!hasDocuments(subject)) return null;
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

  // Uploads: the browser's multipart body is streamed to the API as it arrives (the CSRF token is in the URL: the body is not parsed here).
  for (const spec of PROGRAMMES_WITH_DOCUMENTS) {
    const type = spec.subjectType as SubjectType;
    router.post(
      `/${spec.apiPath}/:id/documents`,
      web.page(async (ctx) => {
        const id = ctx.req.params.id;
        const back = `/app${apiPath({ type, id })}`;
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
