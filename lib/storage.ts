/**
 * Where document bytes live. Objects are content-addressed (the key is the file's SHA-256) and
 * immutable: storing the same bytes twice keeps one object, a new version of a document is a new
 * object, and nothing here deletes (a deleted document is a flag on its row, audited).
 *
 * - `local`: a directory under DATA_DIR (never inside the web app's assets), one machine only.
 * - `s3`: any S3-compatible object store; required when more than one API instance runs.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

export interface ObjectStorage {
  readonly kind: 'local' | 's3';
  /** Stores the file at `filePath` whose SHA-256 and size the caller computed; returns its key. Idempotent. */
  putFile(filePath: string, sha256: string, size?: number): Promise<string>;
  /** The object's bytes (or a range of them). */
  read(key: string, range?: ByteRange): Promise<Readable>;
  exists(key: string): Promise<boolean>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function objectKeyFor(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return `sha256/${sha256.slice(0, 2)}/${sha256}`;
}

function checkKey(key: string): void {
  if (!/^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(key)) throw new Error(`not an object key: ${key}`);
}

/** SHA-256 and size of a stream's bytes. */
export async function sha256Of(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

export class LocalStorage implements ObjectStorage {
  readonly kind = 'local' as const;
  constructor(readonly root: string) {}

  private fileOf(key: string): string {
    checkKey(key);
    return path.join(this.root, key);
  }

  async putFile(filePath: string, sha256: string, _size?: number): Promise<string> {
    const key = objectKeyFor(sha256);
    const target = this.fileOf(key);
    if (fs.existsSync(target)) return key;
    await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    // Copy under a temporary name, then rename: a reader never sees half an object.
    const temp = `${target}.${process.pid}.${Date.now()}.part`;
    await pipeline(fs.createReadStream(filePath), fs.createWriteStream(temp, { mode: 0o400 }));
    await fs.promises.rename(temp, target);
    return key;
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.fileOf(key);
    await fs.promises.access(file);
    return fs.createReadStream(file, range ? { start: range.start, end: range.end } : undefined);
  }

  async exists(key: string): Promise<boolean> {
    return fs.existsSync(this.fileOf(key));
  }
}

export interface S3Settings {
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** Under this prefix in the bucket. */
  prefix?: string;
}

export class S3Storage implements ObjectStorage {
  readonly kind = 's3' as const;
  readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    const config: S3ClientConfig = {
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      ...(settings.accessKeyId && settings.secretAccessKey
        ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
        : {}),
    };
    // With its default checksums the client sends a streamed body in aws-chunked framing with a
    // trailing checksum; S3-compatible servers that do not know it store the framing inside the
    // object (verified with s3rver): checksums only where an operation requires them.
    if (settings.endpoint && !/\.amazonaws\.com(\/|$)/.test(new URL(settings.endpoint).host + '/')) {
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
      config.responseChecksumValidation = 'WHEN_REQUIRED';
    }
    this.client = new S3Client(config);
  }

  private name(key: string): string {
    checkKey(key);
    return `${this.settings.prefix ?? ''}${key}`;
  }

  async putFile(filePath: string, sha256: string, size = fs.statSync(filePath).size): Promise<string> {
    const key = objectKeyFor(sha256);
    if (await this.exists(key)) return key;
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucket,
        Key: this.name(key),
        Body: fs.createReadStream(filePath),
        ContentLength: size,
        ContentType: 'application/octet-stream',
      }),
    );
    return key;
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const out = await this.client.send(
      new GetObjectCommand({
        Bucket: this.settings.bucket,
        Key: this.name(key),
        ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }),
    );
    return out.Body as Readable;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.name(key) }));
      return true;
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (err as Error).name === 'NotFound') return false;
      throw err;
    }
  }
}

export interface StorageConfig {
  DATA_DIR: string;
  STORAGE: 'local' | 's3';
  S3_ENDPOINT?: string;
  S3_BUCKET?: string;
  S3_REGION: string;
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
  S3_FORCE_PATH_STYLE: boolean;
}

/** The configured storage; local objects live in DATA_DIR/documents (outside the web app's assets). */
export function createStorage(cfg: StorageConfig): ObjectStorage {
  if (cfg.STORAGE === 's3') {
    if (!cfg.S3_BUCKET) throw new Error('S3_BUCKET is required when STORAGE=s3');
    return new S3Storage({
      endpoint: cfg.S3_ENDPOINT,
      bucket: cfg.S3_BUCKET,
      region: cfg.S3_REGION,
      accessKeyId: cfg.S3_ACCESS_KEY_ID,
      secretAccessKey: cfg.S3_SECRET_ACCESS_KEY,
      forcePathStyle: cfg.S3_FORCE_PATH_STYLE,
    });
  }
  return new LocalStorage(path.resolve(cfg.DATA_DIR, 'documents'));
}
