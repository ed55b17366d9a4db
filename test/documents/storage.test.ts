import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { LocalStorage, S3Storage, objectKeyFor, sha256Of, type ObjectStorage } from '../../lib/storage';
import { startS3Server, type TestS3Server } from '../helpers/s3-server';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'storage-test-'));
let s3: TestS3Server;

beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function writeFile(bytes: Buffer): { file: string; sha256: string } {
  const file = path.join(tmp, randomBytes(6).toString('hex'));
  fs.writeFileSync(file, bytes);
  return { file, sha256: createHash('sha256').update(bytes).digest('hex') };
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function backends(): [string, () => ObjectStorage][] {
  return [
    ['local directory', () => new LocalStorage(path.join(tmp, 'objects'))],
    [
      'S3 (s3rver)',
      () =>
        new S3Storage({
          endpoint: s3.endpoint,
          bucket: s3.bucket,
          region: 'us-east-1',
          accessKeyId: s3.accessKeyId,
          secretAccessKey: s3.secretAccessKey,
          forcePathStyle: true,
        }),
    ],
  ];
}

describe.each(backends())('%s', (_name, make) => {
  test('a round trip keeps every byte (SHA-256 checked), ranges read the right bytes, storing twice keeps one object', async () => {
    const storage = make();
    // 5 MB + 7: larger than one chunk of any streaming layer, not a multiple of a power of two.
    const bytes = randomBytes(5 * 1024 * 1024 + 7);
    const { file, sha256 } = writeFile(bytes);
    expect(await storage.exists(objectKeyFor(sha256))).toBe(false);
    const key = await storage.putFile(file, sha256, bytes.length);
    expect(key).toBe(objectKeyFor(sha256));
    expect(await storage.exists(key)).toBe(true);

    const back = await sha256Of(await storage.read(key));
    expect(back).toEqual({ sha256, size: bytes.length });

    const range = await bytesOf(await storage.read(key, { start: 1000, end: 1999 }));
    expect(range.equals(bytes.subarray(1000, 2000))).toBe(true);

    // Content-addressed and immutable: the same bytes again are the same object, unchanged.
    expect(await storage.putFile(file, sha256, bytes.length)).toBe(key);
    expect((await sha256Of(await storage.read(key))).sha256).toBe(sha256);
  });

  test('an empty file and a tiny one round-trip', async () => {
    const storage = make();
    for (const bytes of [Buffer.alloc(0), Buffer.from('%PDF-1.4\n')]) {
      const { file, sha256 } = writeFile(bytes);
      const key = await storage.putFile(file, sha256, bytes.length);
      expect(await sha256Of(await storage.read(key))).toEqual({ sha256, size: bytes.length });
    }
  });

  test('keys are only SHA-256 addresses (no path tricks)', async () => {
    const storage = make();
    await expect(storage.read('../../etc/passwd')).rejects.toThrow(/not an object key/);
  });
});

test('local objects are read-only files under the storage root', async () => {
  const root = path.join(tmp, 'ro');
  const storage = new LocalStorage(root);
  const { file, sha256 } = writeFile(Buffer.from('immutable'));
  const key = await storage.putFile(file, sha256);
  const stat = fs.statSync(path.join(root, key));
  expect(stat.mode & 0o222).toBe(0);
});
