import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const RESULTS_DIR = path.resolve(__dirname, '..', 'results');

/** Where the figures came from: the same line goes to every result file and the README. */
export function machine(): { nproc: number; cpu: string; node: string; memGb: number } {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = fs
      .readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpu = line.split(':')[1].trim();
  } catch {
    // not Linux
  }
  return {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu,
    node: process.version,
    memGb: Math.round(os.totalmem() / 2 ** 30),
  };
}

export function writeResult(name: string, data: Record<string, unknown>): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  fs.writeFileSync(
    file,
    `${JSON.stringify({ scenario: name, at: new Date().toISOString(), machine: machine(), ...data }, null, 2)}\n`,
  );
  return file;
}

export function readResult<T = Record<string, unknown>>(name: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(RESULTS_DIR, `${name}.json`), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** A plain text table: first row is the header. */
export function table(rows: (string | number | null | undefined)[][]): string {
  const text = rows.map((r) =>
    r.map((c) =>
      c === null || c === undefined ? '' : typeof c === 'number' ? (Number.isFinite(c) ? String(c) : '-') : c,
    ),
  );
  const widths = text[0].map((_, i) => Math.max(...text.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(text[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...text.slice(1).map(line)].join('\n');
}

export function log(msg: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** "met" / "MISSED" against a target (value ≤ target). */
export function verdict(value: number, target: number): string {
  return Number.isFinite(value) && value <= target ? 'met' : 'MISSED';
}
