/**
 * The document store: rows in PostgreSQL (Document), bytes in object storage (lib/storage.ts).
 * Shared by the API (uploads, downloads) and the activities (scans, generated agreements).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import FileType from 'file-type';
import type { Prisma } from '../generated/prisma/client';
import {
  ALLOWED_CONTENT_TYPES,
  sanitiseFileName,
  type DocumentType,
  type ScanState,
  type SubjectType,
} from '../domain/documents';
import type { PrismaClient } from './db';
import type { ObjectStorage } from './storage';

export interface ScannerSettings {
  mode: 'clamd' | 'off';
  address: string;
  timeoutMs: number;
}

/** What the API and the activities need to handle documents. */
export interface DocumentServices {
  storage: ObjectStorage;
  scanner: ScannerSettings;
  maxFileBytes: number;
  maxObjectBytes: number;
}

export function documentServicesFromConfig(
  cfg: {
    SCANNER: 'clamd' | 'off';
    CLAMD_ADDRESS: string;
    CLAMD_TIMEOUT_MS: number;
    DOCUMENT_MAX_FILE_MB: number;
    DOCUMENT_MAX_OBJECT_MB: number;
  },
  storage: ObjectStorage,
): DocumentServices {
  return {
    storage,
    scanner: { mode: cfg.SCANNER, address: cfg.CLAMD_ADDRESS, timeoutMs: cfg.CLAMD_TIMEOUT_MS },
    maxFileBytes: Math.round(cfg.DOCUMENT_MAX_FILE_MB * 1024 * 1024),
    maxObjectBytes: Math.round(cfg.DOCUMENT_MAX_OBJECT_MB * 1024 * 1024),
  };
}

export const newDocumentId = () => `doc-${randomBytes(10).toString('hex')}`;

/** The file's type judged from its bytes, or why it is refused. */
export async function judgeContent(
  filePath: string,
): Promise<{ contentType: string; extension: string } | { refused: string }> {
  const detected = await FileType.fromFile(filePath);
  if (detected) {
    const extension = ALLOWED_CONTENT_TYPES[detected.mime];
    return extension
      ? { contentType: detected.mime, extension }
      : { refused: `files of type ${detected.mime} are not accepted` };
  }
  // No magic bytes: plain UTF-8 text is accepted (CSV, TXT), markup that a browser would render is not.
  const fd = fs.openSync(filePath, 'r');
  const head = Buffer.alloc(64 * 1024);
  const n = fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  const text = head.subarray(0, n);
  if (n === 0) return { refused: 'the file is empty' };
  if (text.includes(0)) return { refused: 'the file type could not be recognised from its content' };
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(text);
  if (decoded.includes('\uFFFD') && n < head.length)
    return { refused: 'the file type could not be recognised from its content' };
  if (/<\s*(!doctype|html|head|body|script|iframe|svg|object|embed|meta|\?xml)\b/i.test(decoded)) {
    return { refused: 'HTML, SVG and XML documents are not accepted (the content is markup, whatever its name says)' };
  }
  return { contentType: 'text/plain', extension: 'txt' };
}

export const initialScanState = (scanner: ScannerSettings): ScanState =>
  scanner.mode === 'off' ? 'not_scanned' : 'pending';

/** Bytes of the live documents of a subject (the per-object limit counts these). */
export async function liveBytes(
  prisma: PrismaClient | Prisma.TransactionClient,
  subjectType: SubjectType | 'expert',
  subjectId: string,
): Promise<number> {
  const agg = await prisma.document.aggregate({
    where: { subjectType, subjectId, deleted: false, uploaderId: { not: null } },
    _sum: { size: true },
  });
  return agg._sum.size ?? 0;
}

export interface NewDocument {
  id: string;
  subjectType: SubjectType;
  subjectId: string;
  documentType: DocumentType;
  name: string;
  size: number;
  sha256: string;
  storageKey: string;
  contentType: string;
  scanState: ScanState;
  uploaderId: string | null;
  taskId?: string | null;
  language?: string | null;
  version?: number;
  previousId?: string | null;
  generatedKey?: string | null;
}

export { sanitiseFileName };

/** What the audit trail records of a document added to a subject (uploaded, or attached from staging). */
export function documentAuditData(d: {
  id: string;
  name: string;
  documentType: string;
  size: number;
  sha256: string;
  contentType: string;
  version: number;
  scanState: string;
}) {
  return {
    documentId: d.id,
    name: d.name,
    documentType: d.documentType,
    size: d.size,
    sha256: d.sha256,
    contentType: d.contentType,
    version: d.version,
    scanState: d.scanState,
  };
}
