/**
 * Forms that carry files for an application not yet made (an event travel application's invitation
 * letter, an internship application's CV and proof of enrolment): the posted multipart form is
 * parsed here and each chosen file streamed on to the API's staged uploads (POST /documents) as it
 * arrives, never held whole; the application then names the staged documents' ids.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import busboy from 'busboy';
import { ApiError } from './api-client';
import type { Body } from './forms';
import { html, type SafeHtml } from './html';
import { fieldId, type FormState, type PageCtx } from './ui';

export type StagedUpload = { id: string; name: string } | { problems: { path: string; message: string }[] };

/**
 * The posted form: its fields, and for each file field named in `files` (field → document type) the
 * chosen file staged (absent when none was chosen).
 */
export function receiveStagedForm(
  ctx: PageCtx,
  files: Record<string, string>,
): Promise<{ body: Body; uploads: Record<string, StagedUpload> }> {
  return new Promise((resolve, reject) => {
    const body: Body = {};
    const pending = new Map<string, Promise<StagedUpload>>();
    const parser = busboy({
      headers: ctx.req.headers,
      limits: { files: Object.keys(files).length, fields: 200, fieldSize: 64 * 1024 },
    });
    parser.on('field', (name, value) => {
      const had = body[name];
      body[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
    });
    parser.on('file', (name, file, info) => {
      const documentType = files[name];
      if (!documentType || !info.filename || pending.has(name)) return void file.resume();
      pending.set(name, stageFile(ctx, file, info.filename, documentType, name));
    });
    parser.on('error', reject);
    parser.on('close', () => {
      Promise.all([...pending].map(async ([name, p]) => [name, await p] as const)).then(
        (done) => resolve({ body, uploads: Object.fromEntries(done) }),
        reject,
      );
    });
    ctx.req.pipe(parser);
  });
}

async function stageFile(
  ctx: PageCtx,
  file: Readable,
  filename: string,
  documentType: string,
  fieldName: string,
): Promise<StagedUpload> {
  const boundary = `----rud-${randomUUID()}`;
  const safeName = filename.replace(/["\r\n\\]/g, '_');
  const envelope = new PassThrough();
  envelope.write(
    `--${boundary}\r\nContent-Disposition: form-data; name="documentType"\r\n\r\n${documentType}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  file.on('end', () => envelope.end(`\r\n--${boundary}--\r\n`));
  file.on('error', (err) => envelope.destroy(err));
  file.pipe(envelope, { end: false });
  const res = await ctx.api.upload('/documents', {
    body: envelope,
    contentType: `multipart/form-data; boundary=${boundary}`,
  });
  const answer = (await res.json().catch(() => null)) as {
    items?: { id: string; name: string }[];
    error?: { message: string; details?: { path: string; message: string }[] };
  } | null;
  file.resume();
  if (res.status === 201 && answer?.items?.[0]) return { id: answer.items[0].id, name: answer.items[0].name };
  if (res.status === 401 || res.status >= 500) throw new ApiError(res.status, answer?.error as never);
  return {
    problems: answer?.error?.details?.length
      ? answer.error.details.map((d) => ({ path: fieldName, message: d.message }))
      : [{ path: fieldName, message: answer?.error?.message ?? `HTTP ${res.status}` }],
  };
}

/** A file field, or the file staged on an earlier try (kept: `kept` says so; a new file replaces it). */
export function stagedFileField(
  state: FormState,
  o: { name: string; label: string; hint: string; kept: string | null; required?: boolean },
): SafeHtml {
  const id = fieldId(o.name);
  const errors = state.errors.get(o.name) ?? [];
  return html`<div class="field${errors.length ? ' has-error' : ''}">
    <label for="${id}">${o.label}</label>
    <p class="hint" id="${id}-hint">${o.kept ?? o.hint}</p>
    ${errors.length ? html`<p class="error" id="${id}-error"><span aria-hidden="true">✖ </span>${errors.join('; ')}</p>` : ''}
    <input type="file" id="${id}" name="${o.name}" accept=".pdf,.png,.jpg,.jpeg,.docx,.odt,.txt" aria-describedby="${id}-hint${errors.length ? ` ${id}-error` : ''}"${errors.length ? html` aria-invalid="true"` : ''}${o.required && !o.kept ? html` required` : ''}>
  </div>`;
}
