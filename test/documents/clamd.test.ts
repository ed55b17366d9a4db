import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { outcomeOf, pingClamd, scanStream, ScannerUnavailableError } from '../../lib/clamd';
import { TEST_MALWARE_MARKER } from '../../lib/clamd-process';
import { freePort, startTestClamd } from '../helpers/clamd';

type Started = Awaited<ReturnType<typeof startTestClamd>>;
let clamd: Started;

beforeAll(async () => {
  clamd = await startTestClamd({ maxFileMb: 2, maxScanMb: 4 });
  // The figure the README quotes: clamd with the test signature only starts in this long.
  process.stdout.write(`clamd started in ${clamd.startupMs} ms\n`);
});
afterAll(async () => {
  await clamd?.stop();
  if (clamd) fs.rmSync(clamd.dir, { recursive: true, force: true });
});

const opts = () => ({ address: clamd.address, timeoutMs: 30_000, chunkSize: 8192 });

test('a clean file is clean; a file with the test marker is infected, wherever the marker is', async () => {
  expect(await scanStream(opts(), Readable.from([Buffer.from('%PDF-1.4 nothing to see here')]))).toEqual({
    state: 'clean',
  });
  const padding = Buffer.alloc(100_000, 'a');
  const infected = await scanStream(opts(), Readable.from([padding, Buffer.from(TEST_MALWARE_MARKER), padding]));
  expect(infected).toEqual({ state: 'infected', signature: expect.stringMatching(/^RusUndp\.Test\.Marker/) });
});

test('a stream over StreamMaxLength is scan_failed (INSTREAM size limit exceeded), never clean', async () => {
  const big = Readable.from(
    (function* () {
      for (let i = 0; i < 40; i++) yield Buffer.alloc(100_000, 'b'); // 4 MB > 2 MB
    })(),
  );
  const outcome = await scanStream(opts(), big);
  expect(outcome).toEqual({ state: 'scan_failed', reason: expect.stringMatching(/INSTREAM size limit exceeded/) });
});

/** A small zip (deflated zeros) whose member unpacks to `mb` megabytes, ending with `tail`. */
function zipOf(mb: number, tail = ''): Buffer {
  const file = path.join(clamd.dir, `z${mb}-${tail.length}.zip`);
  execFileSync('python3', [
    '-c',
    `import zipfile; z=zipfile.ZipFile(${JSON.stringify(file)},'w',zipfile.ZIP_DEFLATED); z.writestr('inside.bin', b'\\0'*(${mb}*1024*1024) + ${JSON.stringify(tail)}.encode()); z.close()`,
  ]);
  const zip = fs.readFileSync(file);
  expect(zip.length).toBeLessThan(100_000);
  return zip;
}

test('an archive whose contents exceed MaxFileSize is scan_failed (Heuristics.Limits.Exceeded), never clean', async () => {
  const outcome = await scanStream(opts(), Readable.from([zipOf(5)])); // 5 MB inside, over MaxFileSize 4 MB
  expect(outcome).toEqual({ state: 'scan_failed', reason: expect.stringMatching(/^Heuristics\.Limits\.Exceeded/) });
  // The hole the generated config closes: a marker past MaxFileSize inside an archive is never "clean".
  const late = await scanStream(opts(), Readable.from([zipOf(5, TEST_MALWARE_MARKER)]));
  expect(late.state).not.toBe('clean');
  // Under the limits, the archive's contents are scanned.
  expect(await scanStream(opts(), Readable.from([zipOf(1, TEST_MALWARE_MARKER)]))).toEqual({
    state: 'infected',
    signature: expect.stringMatching(/^RusUndp/),
  });
  expect(await scanStream(opts(), Readable.from([zipOf(1)]))).toEqual({ state: 'clean' });
});

test('no clamd listening: ScannerUnavailableError (the caller retries), never an outcome', async () => {
  const port = await freePort();
  await expect(
    scanStream({ address: `127.0.0.1:${port}`, timeoutMs: 2000 }, Readable.from([Buffer.from('x')])),
  ).rejects.toBeInstanceOf(ScannerUnavailableError);
  expect(await pingClamd({ address: `127.0.0.1:${port}`, timeoutMs: 2000 })).toBe(false);
});

test('answers are read strictly', () => {
  expect(outcomeOf('stream: OK')).toEqual({ state: 'clean' });
  expect(outcomeOf('stream: Win.Test.EICAR_HDB-1 FOUND')).toEqual({
    state: 'infected',
    signature: 'Win.Test.EICAR_HDB-1',
  });
  expect(() => outcomeOf("Can't allocate memory ERROR")).toThrow(ScannerUnavailableError);
  expect(() => outcomeOf('')).toThrow(ScannerUnavailableError);
});
