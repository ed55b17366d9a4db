/**
 * Memory of the API process while it receives a large upload: the file is streamed to disk as it
 * arrives (api/uploads.ts), so the API's RSS should stay flat however large the file is.
 *
 *   npm run bench:upload-memory -- [--mb 100]
 *
 * Starts the real stack (API and worker as processes) with the per-file limit raised above the
 * file, uploads generated PDFs of N/10 and N MB over HTTP, streamed from this process (never held
 * whole here either), samples the API's RSS every 100 ms, checks each stored SHA-256 against the
 * bytes sent, and prints the API's RSS before, its peak during each upload, and the growth: flat
 * means the growth does not follow the file size.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { DEMO_USERS } from '../domain/demo';
import { startBenchStack } from './lib/bench-stack';
import { RssSampler } from './lib/proc';

const mbArg = process.argv.indexOf('--mb');
const MB = mbArg > 0 ? Number(process.argv[mbArg + 1]) : 100;

async function main(): Promise<void> {
  const bench = await startBenchStack({
    label: 'upload-memory',
    env: {
      DOCUMENT_MAX_FILE_MB: String(MB + 10),
      DOCUMENT_MAX_OBJECT_MB: String(2 * MB + 20),
      SCANNER: 'off',
      STORAGE: 'local',
    },
  });
  try {
    const api = new URL(bench.stack.apiUrl);
    const tokenRes = await fetch(`${bench.stack.apiUrl}/auth/dev-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_USERS.applicant.email }),
    });
    const { token } = (await tokenRes.json()) as { token: string };
    const sampler = new RssSampler(100);
    sampler.track('api', bench.stack.api?.pid);
    await new Promise((r) => setTimeout(r, 1500));
    const results = [];
    for (const mb of [Math.max(1, Math.round(MB / 10)), MB]) results.push(await uploadOnce(mb));
    console.log(JSON.stringify({ scenario: 'upload-memory', uploads: results }, null, 2));

    async function uploadOnce(fileMb: number) {
      const before = sampler.sample().api;

      // The body: a multipart form with one file, written in 1 MB pieces as the socket drains.
      const boundary = `----bench${Date.now()}`;
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="documentType"\r\n\r\nbudget_detail\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="large-${fileMb}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      );
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      const piece = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < piece.length; i++) piece[i] = (i * 7919) % 251;
      const pdfHead = Buffer.from('%PDF-1.4\n');
      const fileSize = fileMb * 1024 * 1024;
      const hash = createHash('sha256');
      let peak = before;
      const timer = setInterval(() => {
        const now = sampler.sample().api;
        if (Number.isFinite(now)) peak = Math.max(peak, now);
      }, 100);
      const started = Date.now();
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          {
            host: api.hostname,
            port: api.port,
            path: '/documents',
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': `multipart/form-data; boundary=${boundary}`,
              'content-length': String(head.length + fileSize + tail.length),
            },
          },
          (res) => {
            let body = '';
            res.on('data', (d) => (body += String(d)));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        void (async () => {
          const write = (b: Buffer) =>
            req.write(b) ? Promise.resolve() : new Promise<void>((r) => req.once('drain', () => r()));
          await write(head);
          let sent = 0;
          for (let i = 0; sent < fileSize; i++) {
            let chunk = i === 0 ? Buffer.concat([pdfHead, piece.subarray(pdfHead.length)]) : piece;
            chunk = chunk.subarray(0, Math.min(chunk.length, fileSize - sent));
            hash.update(chunk);
            sent += chunk.length;
            await write(chunk);
          }
          req.end(tail);
        })().catch(reject);
      });
      clearInterval(timer);
      const seconds = (Date.now() - started) / 1000;
      const after = sampler.sample().api;
      if (answer.status !== 201) throw new Error(`upload answered ${answer.status}: ${answer.body.slice(0, 300)}`);
      const stored = (JSON.parse(answer.body) as { items: { sha256: string; size: number }[] }).items[0];
      const sha = hash.digest('hex');
      if (stored.sha256 !== sha || stored.size !== fileSize)
        throw new Error(`stored ${stored.sha256}/${stored.size}, sent ${sha}/${fileSize}`);
      return {
        fileMb,
        seconds: Number(seconds.toFixed(1)),
        mbPerSecond: Number((fileMb / seconds).toFixed(1)),
        apiRssMb: {
          before: Number(before.toFixed(1)),
          peakDuringUpload: Number(peak.toFixed(1)),
          after: Number(after.toFixed(1)),
          growth: Number((peak - before).toFixed(1)),
        },
        sha256Verified: true,
      };
    }
  } finally {
    await bench.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
