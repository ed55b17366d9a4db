/**
 * `npm run test:repeat -- N [jest paths...]`: runs the resilience and security suites (or the
 * given paths) N times in a row, each run a fresh jest process as in `npm test`, and reports how
 * many runs and how many times each suite passed. Exit code 0 only if every run passed. For
 * finding flaky tests: a flaky CI blocks every landing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface JestJson {
  success: boolean;
  testResults: { name: string; status: 'passed' | 'failed'; message: string; startTime: number; endTime: number }[];
}

const root = path.resolve(__dirname, '..');
const [countArg, ...paths] = process.argv.slice(2);
const runs = Number(countArg ?? 10);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(
    'usage: npm run test:repeat -- <runs> [jest paths...]   (default paths: test/resilience test/security)\n',
  );
  process.exit(2);
}
const targets = paths.length ? paths : ['test/resilience', 'test/security'];
const passes = new Map<string, { passed: number; failed: number; seconds: number[] }>();
let runsPassed = 0;
const started = Date.now();

for (let run = 1; run <= runs; run++) {
  const out = path.join(os.tmpdir(), `rus-undp-test-repeat-${process.pid}-${run}.json`);
  // jest's own output of each run, kept for failed runs.
  const log = path.join(os.tmpdir(), `rus-undp-test-repeat-${process.pid}-${run}.log`);
  const logFd = fs.openSync(log, 'w');
  const t0 = Date.now();
  const jest = spawnSync(
    process.execPath,
    [
      require.resolve('jest/bin/jest'),
      '--runInBand',
      // The process-kill suites too, which `npm test` leaves to `npm run test:resilience` (jest.config.js).
      '--testPathIgnorePatterns=/node_modules/',
      '--json',
      `--outputFile=${out}`,
      ...targets,
    ],
    {
      cwd: root,
      stdio: ['ignore', logFd, logFd],
      env: process.env,
    },
  );
  fs.closeSync(logFd);
  const seconds = Math.round((Date.now() - t0) / 1000);
  let result: JestJson | undefined;
  try {
    result = JSON.parse(fs.readFileSync(out, 'utf8')) as JestJson;
  } catch {
    // jest died before writing its report
  }
  fs.rmSync(out, { force: true });
  const ok = jest.status === 0 && !!result?.success;
  if (ok) {
    runsPassed++;
    fs.rmSync(log, { force: true });
  }
  const failed: string[] = [];
  for (const suite of result?.testResults ?? []) {
    const name = path.relative(root, suite.name);
    const entry = passes.get(name) ?? { passed: 0, failed: 0, seconds: [] };
    if (suite.status === 'passed') entry.passed++;
    else {
      entry.failed++;
      failed.push(`${name}: ${suite.message.split('\n').find((l) => l.trim()) ?? 'failed'}`);
    }
    entry.seconds.push(Math.round((suite.endTime - suite.startTime) / 1000));
    passes.set(name, entry);
  }
  process.stdout.write(
    `run ${run}/${runs}: ${ok ? 'passed' : 'FAILED'} in ${seconds} s${failed.length ? `\n  ${failed.join('\n  ')}` : ''}${!result ? '\n  (no jest report)' : ''}${ok ? '' : `\n  jest output: ${log}`}\n`,
  );
}

process.stdout.write(`\n${runsPassed} of ${runs} runs passed (${Math.round((Date.now() - started) / 60000)} min)\n`);
for (const [name, e] of [...passes].sort(([a], [b]) => a.localeCompare(b))) {
  const times = e.seconds.sort((a, b) => a - b);
  process.stdout.write(
    `  ${`${e.passed}/${e.passed + e.failed}`.padStart(6)}  ${name}  (${times[0]}-${times[times.length - 1]} s)\n`,
  );
}
process.exit(runsPassed === runs ? 0 : 1);
