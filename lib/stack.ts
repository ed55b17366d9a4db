/**
 * Starts the real stack as separate processes on free loopback ports — Temporal dev server
 * (its SQLite file), worker, API — against a PostgreSQL database given by URL (or an embedded
 * server of its own), so resilience tests can kill and restart each part and benchmarks can
 * measure it. Used by test/resilience and bench/, not by `npm start`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findClamd, startClamdProcess, type ClamdProcess } from './clamd-process';
import { EMBEDDED_DATABASE } from './database';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { ensureDatabase } from './pg';
import { Connection } from '@temporalio/client';
import { taskQueuePollers, type Poller } from './readiness';
import { DEV_READY_POLLER_MAX_AGE_SECONDS, DEV_SERVER_ARGS, requireTemporalCli } from './temporal-cli';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/search-attributes';

const root = path.resolve(__dirname, '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export function waitForPort(port: number, timeoutMs = 60_000): Promise<void> {
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
        if (Date.now() > deadline) reject(new Error(`port ${port} did not open within ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function exited(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

export async function stopProcess(
  proc: ChildProcess | undefined,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 15_000,
): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill(signal);
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited(proc);
  clearTimeout(timer);
}

export interface StackOptions {
  /** Extra environment for worker and API (SMTP_*, SLA_*, LOG_LEVEL...). */
  env?: NodeJS.ProcessEnv;
  /** Where the Temporal file (and an embedded PostgreSQL cluster) live; a fresh temp dir by default. */
  dataDir?: string;
  /** The stack's database; unset: an embedded PostgreSQL server of its own under dataDir, stopped with the stack. */
  databaseUrl?: string;
  /** The database is migrated already (a copy of a migrated template): skip `prisma migrate deploy`. */
  migrated?: boolean;
  seed?: boolean;
  /** Start the worker with the stack (default true); false leaves it to `startWorker()`. */
  worker?: boolean;
  api?: boolean;
  /** Pipe child output here (default: discard, errors only). */
  log?: (line: string) => void;
  /**
   * Start a real clamd (the repository's test signature) as `npm start` does, when installed and
   * `env` names no scanner (default true). Without a scanner every document stays pending and its
   * scan retries for as long as the stack runs.
   */
  scanner?: boolean;
}

export interface Stack {
  dataDir: string;
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  apiUrl: string;
  env: NodeJS.ProcessEnv;
  worker?: ChildProcess;
  api?: ChildProcess;
  temporal?: ChildProcess;
  /** The stack's own clamd, when it started one. */
  clamd?: ClamdProcess;
  startTemporal(): Promise<void>;
  stopTemporal(signal?: NodeJS.Signals): Promise<void>;
  startWorker(): Promise<ChildProcess>;
  killWorker(signal?: NodeJS.Signals): Promise<void>;
  startApi(): Promise<ChildProcess>;
  killApi(signal?: NodeJS.Signals): Promise<void>;
  /** One more worker process on the same database, Temporal and task queue (ready when it polls); stopped with the stack. */
  spawnWorker(): Promise<ChildProcess>;
  /** One more API process on the same database and Temporal, on a port of its own (a free one by default); stopped with the stack. */
  spawnApi(port?: number): Promise<ApiInstance>;
  stop(): Promise<void>;
}

export interface ApiInstance {
  proc: ChildProcess;
  port: number;
  url: string;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const cli = requireTemporalCli();
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rus-undp-stack-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = opts.databaseUrl;
  if (!databaseUrl) {
    // Under the system temp folder as root: the server's `postgres` user must reach it.
    fs.chmodSync(dataDir, 0o755);
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'pg'),
      port: await freePort(),
      log: (line) => opts.log?.(`[postgres] ${line}`),
    });
    await ensureDatabase(embedded.url(), EMBEDDED_DATABASE);
    databaseUrl = embedded.url(EMBEDDED_DATABASE);
  }
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  // One process per part: node with tsx's loader, not the `tsx` CLI, which runs the script in a
  // child process — a SIGKILL of the CLI would leave the real worker or API running as an orphan.
  const spawned = new Map<ChildProcess, 'api' | 'worker'>();
  const runTs = (script: string, service: 'api' | 'worker', extraEnv: NodeJS.ProcessEnv = {}) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(root, script)], {
      cwd: root,
      env: { ...env, SERVICE_NAME: service, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    spawned.set(proc, service);
    proc.once('exit', () => spawned.delete(proc));
    return proc;
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    TASK_QUEUE: `stack-${temporalPort}`,
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    AUTH_MODE: 'dev',
    AUTH_DEV_SECRET: 'stack-dev-secret-0123456789abcdef',
    MAIL_CATCHER: 'false',
    READY_POLLER_MAX_AGE_SECONDS: String(DEV_READY_POLLER_MAX_AGE_SECONDS),
    ...opts.env,
  };
  let clamd: ClamdProcess | undefined;
  if (opts.scanner !== false && !opts.env?.SCANNER && !opts.env?.CLAMD_ADDRESS && findClamd()) {
    try {
      clamd = await startClamdProcess({
        dir: path.join(dataDir, 'clamd'),
        port: await freePort(),
        maxFileMb: Number(env.DOCUMENT_MAX_FILE_MB ?? 20),
      });
    } catch (err) {
      await embedded?.stop();
      throw err;
    }
    env.CLAMD_ADDRESS = clamd.address;
  }
  const pipe = (name: string, proc: ChildProcess) => {
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) opts.log?.(`[${name}] ${line}`);
    };
    proc.stdout?.on('data', forward);
    proc.stderr?.on('data', forward);
  };

  const prepare = (script: string, args: string[], what: string) => {
    const r = spawnSync(tsx, [path.join(root, 'scripts', script), ...args], { cwd: root, env, stdio: 'pipe' });
    if (r.status !== 0) throw new Error(`${what} failed: ${r.stderr.toString()}`);
  };
  try {
    if (!opts.migrated) prepare('prisma.ts', ['migrate', 'deploy'], 'migrate');
    if (opts.seed !== false) prepare('seed.ts', [], 'seed');
  } catch (err) {
    await clamd?.stop();
    await embedded?.stop();
    throw err;
  }

  let probe: Connection | undefined;
  const waitForPollers = async (pid: number, timeoutMs = 60_000) => {
    probe ??= await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
    const deadline = Date.now() + timeoutMs;
    const mine = (p: Poller) => p.identity.startsWith(`${pid}@`);
    for (;;) {
      const pollers = await taskQueuePollers(probe, probe.workflowService, 'default', env.TASK_QUEUE!).catch(
        () => undefined,
      );
      if (pollers && pollers.workflow.some(mine) && pollers.activity.some(mine)) return;
      if (Date.now() > deadline) throw new Error(`worker ${pid} did not poll ${env.TASK_QUEUE} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const stack: Stack = {
    dataDir,
    databaseUrl,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    taskQueue: env.TASK_QUEUE!,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    env,
    clamd,
    async startTemporal() {
      const args = [
        'server',
        'start-dev',
        '--db-filename',
        path.join(dataDir, 'temporal.db'),
        '--ip',
        '127.0.0.1',
        '--port',
        String(temporalPort),
        '--ui-port',
        String(uiPort),
        '--headless',
        '--log-level',
        'error',
        ...SEARCH_ATTRIBUTE_KEYS.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]),
        ...DEV_SERVER_ARGS,
      ];
      stack.temporal = spawn(cli, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      pipe('temporal', stack.temporal);
      await waitForPort(temporalPort);
    },
    async stopTemporal(signal = 'SIGTERM') {
      await stopProcess(stack.temporal, signal);
    },
    async startWorker() {
      stack.worker = await stack.spawnWorker();
      return stack.worker;
    },
    async killWorker(signal = 'SIGKILL') {
      await stopProcess(stack.worker, signal);
    },
    async startApi() {
      stack.api = (await stack.spawnApi(apiPort)).proc;
      return stack.api;
    },
    async killApi(signal = 'SIGKILL') {
      await stopProcess(stack.api, signal);
    },
    async spawnWorker() {
      const worker = runTs('worker/main.ts', 'worker');
      pipe(`worker ${worker.pid}`, worker);
      await new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          if (chunk.toString().includes('worker_started')) {
            worker.stdout?.off('data', onData);
            resolve();
          }
        };
        worker.stdout?.on('data', onData);
        worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before starting`)));
      });
      // Ready when this process polls both kinds of tasks (a killed predecessor stays listed for minutes).
      await waitForPollers(worker.pid!);
      return worker;
    },
    async spawnApi(port) {
      const own = port ?? (await freePort());
      const proc = runTs('api/main.ts', 'api', { PORT: String(own) });
      pipe(own === apiPort ? 'api' : `api :${own}`, proc);
      await waitForPort(own);
      return { proc, port: own, url: `http://127.0.0.1:${own}` };
    },
    async stop() {
      await probe?.close().catch(() => undefined);
      probe = undefined;
      // APIs first (open requests finish), then the workers (running activities finish).
      await Promise.all([...spawned].filter(([, service]) => service === 'api').map(([p]) => stopProcess(p)));
      await Promise.all([...spawned.keys()].map((p) => stopProcess(p)));
      await stopProcess(stack.temporal);
      await clamd?.stop();
      await embedded?.stop();
      if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await stack.startTemporal();
  if (opts.worker !== false) await stack.startWorker();
  if (opts.api) await stack.startApi();
  return stack;
}
