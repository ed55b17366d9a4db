/**
 * `multipart/form-data` uploads, streamed: each file part goes to a temporary file while its
 * SHA-256 is computed, so the process holds at most a few chunks of a file at any time, whatever
 * its size. Limits are enforced while the bytes arrive: a file over the per-file limit, or a
 * request that would take its object over the per-object budget, is a 413 and nothing is kept.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request } from 'express';
import { HttpError, validationFailed } from './errors';

export interface ReceivedFile {
  field: string;
  /** The name the client gave (unsanitised). */
  filename: string;
  path: string;
  size: number;
  sha256: string;
}

export interface ReceivedUpload {
  fields: Record<string, string>;
  files: ReceivedFile[];
  /** Removes the temporary files (always call it). */
  cleanup(): void;
}

export interface UploadLimits {
  maxFileBytes: number;
  /** Bytes this request may add to its object (the per-object limit minus what it holds). */
  budgetBytes: number;
  maxFiles?: number;
}

const mb = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

export function tooLarge(message: string): HttpError {
  return new HttpError(413, 'payload_too_large', message);
}

export async function receiveUpload(req: Request, limits: UploadLimits): Promise<ReceivedUpload> {
  if (!req.is('multipart/form-data'))
    throw new HttpError(415, 'unsupported_media_type', 'send the files as multipart/form-data');
  const declared = Number(req.headers['content-length'] ?? NaN);
  // A declared length far over the budget is refused before a byte is read (multipart framing is small).
  if (
    Number.isFinite(declared) &&
    declared > limits.budgetBytes + 64 * 1024 * (limits.maxFiles ?? 10) &&
    declared > limits.maxFileBytes * (limits.maxFiles ?? 10)
  ) {
    throw tooLarge(
      `the upload (${mb(declared)}) is larger than this object may still take (${mb(limits.budgetBytes)})`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upload-'));
  const files: ReceivedFile[] = [];
  const fields: Record<string, string> = {};
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  let total = 0;
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: req.headers,
      limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles ?? 10, fields: 20, fieldSize: 10_000, parts: 40 },
      defParamCharset: 'utf8',
    });
  } catch (err) {
    cleanup();
    throw new HttpError(400, 'bad_request', `not a valid multipart body: ${(err as Error).message}`);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const writes: Promise<void>[] = [];
      let failed = false;
      const fail = (err: Error) => {
        if (failed) return;
        failed = true;
        req.unpipe(bb);
        // Read (and drop) the rest of the body, so the client gets the answer instead of a reset.
        req.resume();
        reject(err);
      };
      bb.on('field', (name, value, info) => {
        if (info.valueTruncated) return fail(validationFailed([{ path: name, message: 'is too long' }]));
        fields[name] = value;
      });
      bb.on('file', (field, stream, info) => {
        if (failed) return void stream.resume();
        const file: ReceivedFile = {
          field,
          filename: info.filename ?? '',
          path: path.join(dir, randomBytes(8).toString('hex')),
          size: 0,
          sha256: '',
        };
        const hash = createHash('sha256');
        const meter = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            file.size += chunk.length;
            total += chunk.length;
            if (total > limits.budgetBytes)
              return cb(
                tooLarge(
                  `the files are larger than this object may still take (${mb(limits.budgetBytes)} of its limit are left)`,
                ),
              );
            hash.update(chunk);
            cb(null, chunk);
          },
        });
        stream.on('limit', () =>
          fail(tooLarge(`"${info.filename}" is larger than the ${mb(limits.maxFileBytes)} a file may be`)),
        );
        files.push(file);
        writes.push(
          pipeline(stream, meter, fs.createWriteStream(file.path)).then(
            () => {
              file.sha256 = hash.digest('hex');
            },
            (err: Error) => {
              stream.resume();
              fail(
                err instanceof HttpError
                  ? err
                  : new HttpError(400, 'bad_request', `the upload broke off: ${err.message}`),
              );
            },
          ),
        );
      });
      bb.on('filesLimit', () => fail(tooLarge(`at most ${limits.maxFiles ?? 10} files per request`)));
      bb.on('partsLimit', () => fail(validationFailed([{ path: '(body)', message: 'too many parts' }])));
      bb.on('error', (err: Error) =>
        fail(new HttpError(400, 'bad_request', `not a valid multipart body: ${err.message}`)),
      );
      bb.on('close', () => {
        void Promise.all(writes).then(() => (failed ? undefined : resolve()));
      });
      req.on('aborted', () => fail(new HttpError(400, 'bad_request', 'the upload was aborted')));
      req.pipe(bb);
    });
  } catch (err) {
    cleanup();
    throw err;
  }
  // A part cut by the per-file limit ends without an error from its stream: check again.
  const over = files.find((f) => f.size >= limits.maxFileBytes + 1);
  if (over) {
    cleanup();
    throw tooLarge(`"${over.filename}" is larger than the ${mb(limits.maxFileBytes)} a file may be`);
  }
  return { fields, files, cleanup };
}
