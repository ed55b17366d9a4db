/**
 * Starts clamd the way `npm start` and the tests do: a generated config in a folder of its own,
 * a TCP socket on 127.0.0.1, size limits at or above the application's own (so a file the app
 * accepts is never skipped by clamd for its size; with AlertExceedsMax a file over a limit is
 * reported as Heuristics.Limits.Exceeded, never as clean), in the foreground as a child.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pingClamd } from './clamd';

/** The repository's test signature: matches the harmless marker below, in the spirit of EICAR. */
export const TEST_SIGNATURE_FILE = path.join(__dirname, 'clamav', 'rus-undp-test.ndb');
export const TEST_MALWARE_MARKER = 'RUS-UNDP-TEST-MALWARE-MARKER-9f2c41d7';

export function findClamd(): string | undefined {
  for (const candidate of [
    process.env.CLAMD_PATH,
    '/usr/sbin/clamd',
    '/usr/local/sbin/clamd',
    '/opt/homebrew/sbin/clamd',
  ]) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  const which = spawnSync('sh', ['-c', 'command -v clamd'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : undefined;
}

export interface ClamdProcessOptions {
  /** Folder for the config, the test database and the log. */
  dir: string;
  port: number;
  /** The app's largest file, MB: clamd's StreamMaxLength. */
  maxFileMb: number;
  /** clamd's MaxFileSize and MaxScanSize (default 4 x maxFileMb, at least 100). */
  maxScanMb?: number;
  /** A signature database directory (production: kept current by freshclam); default: the test signature only. */
  databaseDir?: string;
  /** How long to wait for PING to answer. */
  readyTimeoutMs?: number;
}

export interface ClamdProcess {
  address: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the first PONG. */
  startupMs: number;
  testSignatureOnly: boolean;
  stop(): Promise<void>;
}

export function clamdConfig(opts: ClamdProcessOptions & { databaseDir: string }): string {
  const fileMb = Math.ceil(opts.maxFileMb);
  const scanMb = Math.max(fileMb, Math.ceil(opts.maxScanMb ?? Math.max(4 * fileMb, 100)));
  return [
    `DatabaseDirectory ${opts.databaseDir}`,
    `TCPSocket ${opts.port}`,
    'TCPAddr 127.0.0.1',
    'Foreground yes',
    `LogFile ${path.join(opts.dir, 'clamd.log')}`,
    'LogTime yes',
    `StreamMaxLength ${fileMb}M`,
    // MaxScanSize no larger than MaxFileSize: clamd 1.4 silently trims an archive member over
    // MaxFileSize and scans only its beginning (a marker past it is missed, and the file called
    // OK); the trimmed member then fills MaxScanSize, which AlertExceedsMax reports.
    `MaxFileSize ${scanMb}M`,
    `MaxScanSize ${scanMb}M`,
    'AlertExceedsMax yes',
    'ConcurrentDatabaseReload no',
    '',
  ].join('\n');
}

export async function startClamdProcess(opts: ClamdProcessOptions): Promise<ClamdProcess> {
  const clamd = findClamd();
  if (!clamd) throw new Error('clamd is not installed (Debian: apt-get install clamav-daemon)');
  fs.mkdirSync(opts.dir, { recursive: true });
  let databaseDir = opts.databaseDir;
  if (!databaseDir) {
    databaseDir = path.join(opts.dir, 'db');
    fs.mkdirSync(databaseDir, { recursive: true });
    fs.copyFileSync(TEST_SIGNATURE_FILE, path.join(databaseDir, path.basename(TEST_SIGNATURE_FILE)));
  }
  const configFile = path.join(opts.dir, 'clamd.conf');
  fs.writeFileSync(configFile, clamdConfig({ ...opts, databaseDir }));
  const started = Date.now();
  const child = spawn(clamd, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const address = `127.0.0.1:${opts.port}`;
  const deadline = started + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`clamd exited (${child.exitCode}): ${stderr.trim()}`);
    if (await pingClamd({ address, timeoutMs: 1000 })) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`clamd did not answer PING within ${opts.readyTimeoutMs ?? 60_000} ms: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address,
    child,
    startupMs: Date.now() - started,
    testSignatureOnly: !opts.databaseDir,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
