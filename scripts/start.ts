/**
 * `npm start`: the whole local stack as one process tree that Ctrl-C stops.
 * The embedded PostgreSQL server (DATA_DIR/pg) unless DATABASE_URL is set; Temporal dev server
 * (its SQLite file, Web UI, search attributes) unless TEMPORAL_ADDRESS is set; migrations;
 * idempotent demo seed; the mail catcher; the worker; the API.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ConfigError, loadConfig, type AppConfig } from '../lib/config';
import { resolveDatabase, type ResolvedDatabase } from '../lib/database';
import { DEMO_USERS } from '../domain/demo';
import { startMailCatcher } from '../lib/mail-catcher';
import { findTemporalCli, TEMPORAL_CLI_MISSING } from '../lib/temporal-cli';
import { temporalSecured } from '../lib/temporal-connection';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/search-attributes';

const root = path.resolve(__dirname, '..');
const children: ChildProcess[] = [];
let database: ResolvedDatabase | undefined;
let stopping = false;

function say(msg: string): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'start', msg })}\n`);
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
    if (!(await portFree(port))) throw new ConfigError(`Port ${port} (${name}) is already in use: stop what runs there or set ${name} to another port.`);
  }
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(); });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing answered on port ${port} within ${timeoutMs / 1000}s`));
        else setTimeout(attempt, 250);
      });
    };
    attempt();
  });
}

function child(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const proc = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  children.push(proc);
  proc.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited (code ${code}, signal ${signal}); stopping everything`);
      void shutdown(1);
    }
  });
  return proc;
}

function tsx(): string {
  return path.join(root, 'node_modules', '.bin', 'tsx');
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping: worker drains, then the API, the Temporal server and the database');
  // Reverse start order: API and worker first, the server last, so the worker can drain.
  for (const proc of [...children].reverse()) {
    if (proc.exitCode !== null || proc.signalCode) continue;
    proc.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { proc.kill('SIGKILL'); resolve(); }, 15_000);
      proc.once('exit', () => { clearTimeout(timer); resolve(); });
    });
  }
  await database?.stop().catch((err) => say(`stopping the database failed: ${err instanceof Error ? err.message : String(err)}`));
  process.exit(code);
}

async function main(): Promise<void> {
  const cfg: AppConfig = loadConfig();
  const env: NodeJS.ProcessEnv = { ...process.env };
  const dataDir = path.resolve(root, cfg.DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true });
  if (cfg.AUTH_MODE === 'dev' && !cfg.AUTH_DEV_SECRET) {
    // A local secret kept in DATA_DIR (git-ignored) so sign-ins survive a restart of the stack.
    const secretFile = path.join(dataDir, '.dev-secret');
    if (!fs.existsSync(secretFile)) fs.writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    env.AUTH_DEV_SECRET = fs.readFileSync(secretFile, 'utf8').trim();
  }

  if (!cfg.TEMPORAL_ADDRESS && temporalSecured(cfg)) {
    throw new ConfigError('Invalid configuration:\n  TEMPORAL_ADDRESS: required with TEMPORAL_TLS*/TEMPORAL_API_KEY (the local dev server npm start runs has no TLS)');
  }

  const ports: [string, number][] = [['PORT', cfg.PORT]];
  if (!cfg.TEMPORAL_ADDRESS) ports.push(['TEMPORAL_PORT', cfg.TEMPORAL_PORT], ['TEMPORAL_UI_PORT', cfg.TEMPORAL_UI_PORT]);
  if (cfg.MAIL_CATCHER) ports.push(['SMTP_PORT', cfg.SMTP_PORT], ['MAIL_CATCHER_UI_PORT', cfg.MAIL_CATCHER_UI_PORT]);
  await requirePorts(ports);

  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  if (!cfg.DATABASE_URL) say(`starting the embedded PostgreSQL server (${path.relative(root, path.join(dataDir, 'pg')) || '.'}, port ${cfg.EMBEDDED_PG_PORT})`);
  try {
    database = await resolveDatabase({ ...cfg, DATA_DIR: dataDir }, { takeOver: true });
  } catch (err) {
    if (!cfg.DATABASE_URL && /could not bind|address already in use/i.test(String(err))) {
      throw new ConfigError(`Port ${cfg.EMBEDDED_PG_PORT} (EMBEDDED_PG_PORT) is already in use: stop what runs there or set EMBEDDED_PG_PORT to another port.`);
    }
    throw err;
  }
  env.DATABASE_URL = database.url;

  if (!cfg.TEMPORAL_ADDRESS) {
    const cli = findTemporalCli();
    if (!cli) throw new ConfigError(TEMPORAL_CLI_MISSING);
    const dbFile = cfg.TEMPORAL_DB_FILE ? path.resolve(root, cfg.TEMPORAL_DB_FILE) : path.join(dataDir, 'temporal.db');
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    const args = [
      'server', 'start-dev',
      '--db-filename', dbFile,
      '--ip', '127.0.0.1',
      '--port', String(cfg.TEMPORAL_PORT),
      '--ui-port', String(cfg.TEMPORAL_UI_PORT),
      '--namespace', cfg.TEMPORAL_NAMESPACE,
      '--log-level', 'warn',
      ...SEARCH_ATTRIBUTE_KEYS.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]),
    ];
    say(`starting Temporal dev server (${path.relative(root, dbFile)})`);
    child('temporal', cli, args, env);
    await waitForPort(cfg.TEMPORAL_PORT, 60_000);
    env.TEMPORAL_ADDRESS = `127.0.0.1:${cfg.TEMPORAL_PORT}`;
  }

  say('applying database migrations');
  const migrate = spawnSync(tsx(), [path.join(root, 'scripts', 'prisma.ts'), 'migrate', 'deploy'], { cwd: root, env, stdio: 'inherit' });
  if (migrate.status !== 0) throw new Error('prisma migrate deploy failed');
  if (cfg.SEED_DEMO_DATA) {
    say('seeding demo data (idempotent)');
    const seed = spawnSync(tsx(), [path.join(root, 'scripts', 'seed.ts')], { cwd: root, env, stdio: 'inherit' });
    if (seed.status !== 0) throw new Error('seeding failed');
  }

  if (cfg.MAIL_CATCHER) {
    await startMailCatcher({ host: '127.0.0.1', smtpPort: cfg.SMTP_PORT, uiPort: cfg.MAIL_CATCHER_UI_PORT });
    env.SMTP_HOST = '127.0.0.1';
  }

  child('worker', tsx(), [path.join(root, 'worker', 'main.ts')], { ...env, SERVICE_NAME: 'worker' });
  child('api', tsx(), [path.join(root, 'api', 'main.ts')], { ...env, SERVICE_NAME: 'api' });
  await waitForPort(cfg.PORT, 60_000);

  const lines = [
    '',
    'Russia-UNDP Partnership workflow engine is running',
    `  Web app and API   http://localhost:${cfg.PORT}   (API docs: /docs, health: /health)`,
    cfg.TEMPORAL_ADDRESS ? `  Temporal          ${cfg.TEMPORAL_ADDRESS} (existing server)` : `  Temporal Web UI   http://localhost:${cfg.TEMPORAL_UI_PORT}`,
    cfg.MAIL_CATCHER ? `  Mail inbox        http://localhost:${cfg.MAIL_CATCHER_UI_PORT}   (SMTP on 127.0.0.1:${cfg.SMTP_PORT})` : `  SMTP relay        ${cfg.SMTP_HOST}:${cfg.SMTP_PORT}`,
    '  Demo accounts (AUTH_MODE=dev: POST /auth/dev-token {"email": ...}):',
    ...Object.values(DEMO_USERS).map((u) => `    ${u.role.padEnd(13)} ${u.email}`),
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`start failed: ${err instanceof Error ? err.message : String(err)}\n`);
  void shutdown(1);
});
