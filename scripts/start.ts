/**
 * `npm start`: the whole local stack, stopped in order by Ctrl-C.
 * The embedded PostgreSQL server (DATA_DIR/pg) unless DATABASE_URL is set; the Temporal dev server
 * (its SQLite file, Web UI, search attributes) unless TEMPORAL_ADDRESS is set;
 * migrations; idempotent demo seed; the mail catcher; the worker; the API. The URLs are printed
 * once /health/ready says the database, Temporal and a polling worker answer.
 *
 * Each child runs in its own process group: Ctrl-C in a terminal signals the whole foreground
 * group, and a Temporal server stopping at the same moment as the worker would cut the worker's
 * drain (interrupted mails and commits were redone only after their activity timeout). This
 * process forwards the stop in order instead: API, worker (drains), mail catcher, Temporal.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ConfigError, hasAuthMode, loadConfig, type AppConfig } from '../lib/config';
import { resolveDatabase, type ResolvedDatabase } from '../lib/database';
import { findClamd, startClamdProcess, type ClamdProcess } from '../lib/clamd-process';
import { startMailCatcher, type MailCatcher } from '../lib/mail-catcher';
import { startBanner, type ScannerStatus } from '../lib/start-banner';
import {
  DEV_READY_POLLER_MAX_AGE_SECONDS,
  DEV_SERVER_ARGS,
  findTemporalCli,
  TEMPORAL_CLI_MISSING,
} from '../lib/temporal-cli';
import { temporalSecured } from '../lib/temporal-connection';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/search-attributes';

const root = path.resolve(__dirname, '..');
interface Child {
  name: string;
  proc: ChildProcess;
  /** How long it may take to stop after SIGTERM before it is killed. */
  graceMs: number;
}
const children = new Map<'temporal' | 'worker' | 'api', Child>();
let mailCatcher: MailCatcher | undefined;
let database: ResolvedDatabase | undefined;
let stopping = false;

function say(msg: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'start', msg, ...extra })}\n`);
}

function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

async function requirePorts(ports: [string, number][]): Promise<void> {
  for (const [name, port] of ports) {
    if (!(await portFree(port)))
      throw new ConfigError(
        `Port ${port} (${name}) is already in use: stop what runs there or set ${name} to another port.`,
      );
  }
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing answered on port ${port} within ${timeoutMs / 1000}s`));
        else setTimeout(attempt, 250);
      });
    };
    attempt();
  });
}

/** Polls /health/ready until it answers 200, saying every 10 s what it still waits for. */
async function waitUntilReady(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastSaid = Date.now();
  for (;;) {
    let body: unknown;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(5000) });
      if (res.status === 200) return;
      body = await res.json().catch(() => undefined);
    } catch (err) {
      body = err instanceof Error ? err.message : String(err);
    }
    if (stopping) throw new Error('stopping');
    if (Date.now() > deadline)
      throw new Error(`the stack was not ready within ${timeoutMs / 1000}s: ${JSON.stringify(body)}`);
    if (Date.now() - lastSaid > 10_000) {
      say('waiting for the stack to be ready', { health: body });
      lastSaid = Date.now();
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function child(
  key: 'temporal' | 'worker' | 'api',
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  graceMs: number,
): ChildProcess {
  // detached: a process group of its own, so a terminal's Ctrl-C reaches only this process.
  const proc = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  children.set(key, { name: key, proc, graceMs });
  proc.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${key} exited (code ${code}, signal ${signal}); stopping everything`);
      void shutdown(1);
    }
  });
  return proc;
}

function tsNode(script: string): [string, string[]] {
  // node with tsx's loader, not the tsx CLI (which would run the script in yet another process).
  return [process.execPath, ['--import', 'tsx', path.join(root, script)]];
}

async function stopChild(key: 'temporal' | 'worker' | 'api', what: string): Promise<void> {
  const c = children.get(key);
  if (!c || c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => c.proc.once('exit', () => resolve()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-c.proc.pid!, signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => {
    say(`${what} did not stop within ${c.graceMs / 1000}s; killing it`);
    signalGroup('SIGKILL');
  }, c.graceMs);
  await exited;
  clearTimeout(timer);
  say(`${what} stopped`, { code: c.proc.exitCode, signal: c.proc.signalCode });
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (demoDriver && demoDriver.exitCode === null) demoDriver.kill('SIGTERM');
  say('stopping: the API, then the worker drains, then the mail catcher, Temporal and the database');
  await stopChild('api', 'API');
  await stopChild('worker', 'worker');
  if (clamd) {
    await clamd.stop().catch(() => undefined);
    say('malware scanner stopped');
  }
  if (mailCatcher) {
    await mailCatcher.stop().catch(() => undefined);
    say('mail catcher stopped');
  }
  await stopChild('temporal', 'Temporal');
  await database
    ?.stop()
    .catch((err) => say(`stopping the database failed: ${err instanceof Error ? err.message : String(err)}`));
  process.exit(code);
}

/** If this process dies some other way, its children must not outlive it. */
function killChildrenNow(): void {
  if (clamd && clamd.child.exitCode === null) clamd.child.kill('SIGKILL');
  for (const c of children.values()) {
    if (c.proc.exitCode === null && c.proc.signalCode === null) {
      try {
        process.kill(-c.proc.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

async function main(): Promise<void> {
  const cfg: AppConfig = loadConfig();
  const env: NodeJS.ProcessEnv = { ...process.env };
  const dataDir = path.resolve(root, cfg.DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true });
  if (hasAuthMode(cfg, 'dev') && !cfg.AUTH_DEV_SECRET) {
    // A local secret kept in DATA_DIR (git-ignored) so sign-ins survive a restart of the stack.
    const secretFile = path.join(dataDir, '.dev-secret');
    if (!fs.existsSync(secretFile)) fs.writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    env.AUTH_DEV_SECRET = fs.readFileSync(secretFile, 'utf8').trim();
  }

  if (!cfg.TEMPORAL_ADDRESS && temporalSecured(cfg)) {
    throw new ConfigError(
      'Invalid configuration:\n  TEMPORAL_ADDRESS: required with TEMPORAL_TLS*/TEMPORAL_API_KEY (the local dev server npm start runs has no TLS)',
    );
  }

  const ports: [string, number][] = [['PORT', cfg.PORT]];
  if (!cfg.TEMPORAL_ADDRESS)
    ports.push(['TEMPORAL_PORT', cfg.TEMPORAL_PORT], ['TEMPORAL_UI_PORT', cfg.TEMPORAL_UI_PORT]);
  if (cfg.MAIL_CATCHER) ports.push(['SMTP_PORT', cfg.SMTP_PORT], ['MAIL_CATCHER_UI_PORT', cfg.MAIL_CATCHER_UI_PORT]);
  await requirePorts(ports);

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));
  process.on('exit', killChildrenNow);

  if (!cfg.DATABASE_URL)
    say(
      `starting the embedded PostgreSQL server (${path.relative(root, path.join(dataDir, 'pg')) || '.'}, port ${cfg.EMBEDDED_PG_PORT})`,
    );
  try {
    database = await resolveDatabase({ ...cfg, DATA_DIR: dataDir }, { takeOver: true });
  } catch (err) {
    if (!cfg.DATABASE_URL && /could not bind|address already in use/i.test(String(err))) {
      throw new ConfigError(
        `Port ${cfg.EMBEDDED_PG_PORT} (EMBEDDED_PG_PORT) is already in use: stop what runs there or set EMBEDDED_PG_PORT to another port.`,
      );
    }
    throw err;
  }
  env.DATABASE_URL = database.url;

  const ownTemporal = !cfg.TEMPORAL_ADDRESS;
  if (ownTemporal) {
    const cli = findTemporalCli();
    if (!cli) throw new ConfigError(TEMPORAL_CLI_MISSING);
    const dbFile = cfg.TEMPORAL_DB_FILE ? path.resolve(root, cfg.TEMPORAL_DB_FILE) : path.join(dataDir, 'temporal.db');
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    const args = [
      'server',
      'start-dev',
      '--db-filename',
      dbFile,
      '--ip',
      '127.0.0.1',
      '--port',
      String(cfg.TEMPORAL_PORT),
      '--ui-port',
      String(cfg.TEMPORAL_UI_PORT),
      '--namespace',
      cfg.TEMPORAL_NAMESPACE,
      '--log-level',
      'warn',
      ...SEARCH_ATTRIBUTE_KEYS.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]),
      ...DEV_SERVER_ARGS,
    ];
    say(`starting Temporal dev server (${path.relative(root, dbFile)})`);
    child('temporal', cli, args, env, 15_000);
    await waitForPort(cfg.TEMPORAL_PORT, 60_000);
    env.TEMPORAL_ADDRESS = `127.0.0.1:${cfg.TEMPORAL_PORT}`;
    // Our dev server's long polls last 15 s, so a live worker is always seen within 30 s.
    if (!process.env.READY_POLLER_MAX_AGE_SECONDS)
      env.READY_POLLER_MAX_AGE_SECONDS = String(DEV_READY_POLLER_MAX_AGE_SECONDS);
  }

  say('applying database migrations');
  const [node, migrateArgs] = tsNode('scripts/prisma.ts');
  const migrate = spawnSync(node, [...migrateArgs, 'migrate', 'deploy'], { cwd: root, env, stdio: 'inherit' });
  if (migrate.status !== 0) throw new Error('prisma migrate deploy failed');
  if (cfg.SEED_DEMO_DATA) {
    say('seeding demo data (idempotent)');
    const [, seedArgs] = tsNode('scripts/seed.ts');
    const seed = spawnSync(node, seedArgs, { cwd: root, env, stdio: 'inherit' });
    if (seed.status !== 0) throw new Error('seeding failed');
  }

  if (cfg.MAIL_CATCHER) {
    mailCatcher = await startMailCatcher({
      host: '127.0.0.1',
      smtpPort: cfg.SMTP_PORT,
      uiPort: cfg.MAIL_CATCHER_UI_PORT,
    });
    env.SMTP_HOST = '127.0.0.1';
  }

  scanner = await startScanner(cfg, dataDir);

  // The worker's own shutdown grace is 10 s for running activities; allow for the workflow bundle too.
  child('worker', ...tsNode('worker/main.ts'), { ...env, SERVICE_NAME: 'worker' }, 30_000);
  child('api', ...tsNode('api/main.ts'), { ...env, SERVICE_NAME: 'api' }, 15_000);
  await waitForPort(cfg.PORT, 60_000);
  say('waiting until the API is ready (database, Temporal, a worker polling the task queue)');
  await waitUntilReady(cfg.PORT, 180_000);
  process.stdout.write(
    `${startBanner(cfg, { ownTemporal, temporalAddress: env.TEMPORAL_ADDRESS, scanner }).join('\n')}\n`,
  );
  if (cfg.DEMO_DRIVER ?? (cfg.SEED_DEMO_DATA && hasAuthMode(cfg, 'dev') && cfg.NODE_ENV === 'development'))
    startDemoDriver(env);
}

/** The demo items (scripts/demo-drive.ts), after the banner: the stack is usable meanwhile, and a failure only logs. */
function startDemoDriver(env: NodeJS.ProcessEnv): void {
  say('putting demo items of every programme in flight (DEMO_DRIVER=false turns this off)');
  const demo = spawn(...tsNode('scripts/demo-drive.ts'), { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  demoDriver = demo;
  demo.on('exit', (code, signal) => {
    if (!stopping && code !== 0) say(`the demo driver ended (code ${code}, signal ${signal}); the stack runs on`);
  });
}
let demoDriver: ChildProcess | undefined;

let clamd: ClamdProcess | undefined;
let scanner: ScannerStatus = { state: 'off' };

/** clamd as the tests run it (generated config under DATA_DIR/clamd), when installed and CLAMD_ADDRESS is local. */
async function startScanner(cfg: AppConfig, dataDir: string): Promise<ScannerStatus> {
  if (cfg.SCANNER === 'off') return { state: 'off' };
  const m = /^(127\.0\.0\.1|localhost):(\d+)$/.exec(cfg.CLAMD_ADDRESS);
  if (!cfg.CLAMD_START || !m) return { state: 'external', address: cfg.CLAMD_ADDRESS };
  if (!findClamd()) return { state: 'missing' };
  say(
    `starting the malware scanner (clamd on ${cfg.CLAMD_ADDRESS}${cfg.CLAMD_DATABASE_DIR ? `, signatures in ${cfg.CLAMD_DATABASE_DIR}` : ', test signature only'})`,
  );
  try {
    clamd = await startClamdProcess({
      dir: path.join(dataDir, 'clamd'),
      port: Number(m[2]),
      maxFileMb: cfg.DOCUMENT_MAX_FILE_MB,
      databaseDir: cfg.CLAMD_DATABASE_DIR ? path.resolve(root, cfg.CLAMD_DATABASE_DIR) : undefined,
    });
    say(`malware scanner ready in ${clamd.startupMs} ms`);
    return { state: 'running', address: clamd.address, testSignatureOnly: clamd.testSignatureOnly };
  } catch (err) {
    say(
      `the malware scanner did not start: ${err instanceof Error ? err.message : String(err)}; uploads stay pending until a clamd answers on ${cfg.CLAMD_ADDRESS}`,
    );
    return { state: 'failed', address: cfg.CLAMD_ADDRESS };
  }
}

main().catch((err) => {
  if (stopping) return;
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`start failed: ${err instanceof Error ? err.message : String(err)}\n`);
  if (!children.size && !mailCatcher && !database) process.exit(1);
  void shutdown(1);
});
