import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { S3Storage } from '../../lib/storage';
import { as, startApiHarness, testDocuments, type ApiHarness } from '../api/harness';
import { proposalPayload } from '../fixtures/payloads';
import { startS3Server, type TestS3Server } from '../helpers/s3-server';

/** Uploads and downloads over HTTP with the S3 backend (s3rver): the bytes served are the bytes sent, whole and in ranges. */
let h: ApiHarness;
let s3: TestS3Server;

beforeAll(async () => {
  s3 = await startS3Server();
  const storage = new S3Storage({
    endpoint: s3.endpoint,
    bucket: s3.bucket,
    region: 'us-east-1',
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
  });
  h = await startApiHarness('documents-s3', { documents: testDocuments({ storage }) });
});
afterAll(async () => {
  await h?.stop();
  await s3?.stop();
});

test('a 3 MB PDF through the API into S3 and back: SHA-256 equal, ranges exact', async () => {
  const created = await as(h.app, await h.token('applicant')).post('/proposals', proposalPayload());
  expect(created.status).toBe(201);
  const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(3 * 1024 * 1024)]);
  const up = await request(h.app)
    .post(`/proposals/${created.body.id}/documents`)
    .set('Authorization', `Bearer ${await h.token('applicant')}`)
    .field('documentType', 'budget_detail')
    .attach('file', bytes, 'budget.pdf');
  expect(up.status).toBe(201);
  const doc = up.body.items[0];
  const sha = createHash('sha256').update(bytes).digest('hex');
  expect(doc.sha256).toBe(sha);
  const coToken = await h.token('coKg');
  const read = (range?: string) => {
    let r = request(h.app).get(`/documents/${doc.id}/content`).set('Authorization', `Bearer ${coToken}`);
    if (range) r = r.set('Range', range);
    return r.buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  };
  const whole = await read();
  expect(whole.status).toBe(200);
  expect(
    createHash('sha256')
      .update(whole.body as Buffer)
      .digest('hex'),
  ).toBe(sha);
  const part = await read('bytes=1000000-1000999');
  expect(part.status).toBe(206);
  expect((part.body as Buffer).equals(bytes.subarray(1_000_000, 1_001_000))).toBe(true);
});
