import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../lib/stack';

/**
 * `npm start` as a person runs it, in OpenID Connect mode: the URLs appear only once the stack is
 * ready, and describe the mode that runs; Ctrl-C (SIGINT to the whole foreground process group,
 * as a terminal sends it) stops the parts in order: the API, then the worker after draining, then
 * the mail catcher, Temporal and the embedded database; nothing is left listening.
 */
const root = path.resolve(__dirname, '..', '..');
let proc: ChildProcess | undefined;
let dir: string;
const lines: string[] = [];

afterAll(async () => {
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    try {
      process.kill(-proc.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function waitForLine(match: RegExp, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      const i = lines.findIndex((l) => match.test(l));
      if (i >= 0) return resolve(i);
      if (proc?.exitCode !== null && proc?.exitCode !== undefined)
        return reject(
          new Error(`npm start exited (${proc.exitCode}) before ${match}:\n${lines.slice(-40).join('\n')}`),
        );
      if (Date.now() > deadline)
        return reject(new Error(`no line ${match} within ${timeoutMs} ms:\n${lines.slice(-40).join('\n')}`));
      setTimeout(check, 200);
    };
    check();
  });
}

test('npm start prints its URLs once ready, in the running auth mode; Ctrl-C stops API, worker (drained), mail catcher, Temporal in that order', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rus-undp-start-'));
  const [port, temporalPort, uiPort, smtpPort, mailUiPort, pgPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: String(port),
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    SMTP_PORT: String(smtpPort),
    MAIL_CATCHER_UI_PORT: String(mailUiPort),
    // Everything local in its own DATA_DIR, with its own embedded PostgreSQL server, as on a fresh clone.
    DATA_DIR: dir,
    EMBEDDED_PG_PORT: String(pgPort),
    TASK_QUEUE: `start-${port}`,
    AUTH_MODE: 'oidc',
    OIDC_ISSUER: 'https://login.example.org/realms/undp',
    OIDC_AUDIENCE: 'rus-undp',
    OIDC_JWKS_URL: 'https://login.example.org/realms/undp/certs',
    OIDC_CLIENT_ID: 'rus-undp-web',
    LOG_LEVEL: 'info',
  };
  delete env.TEMPORAL_ADDRESS;
  delete env.DATABASE_URL;
  delete env.TEMPORAL_DB_FILE;
  delete env.AUTH_DEV_SECRET;
  // Its own process group, like a terminal's foreground job.
  proc = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'start.ts')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const collect = (chunk: Buffer) =>
    lines.push(
      ...chunk
        .toString()
        .split('\n')
        .filter((l) => l.trim()),
    );
  proc.stdout!.on('data', collect);
  proc.stderr!.on('data', collect);

  const bannerAt = await waitForLine(/workflow engine is ready/, 240_000);
  const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ok', temporal: 'ok', database: 'ok', worker: 'ok' });
  const banner = lines.slice(bannerAt, bannerAt + 12).join('\n');
  expect(banner).toContain('AUTH_MODE=oidc');
  expect(banner).toContain('https://login.example.org/realms/undp');
  expect(banner).not.toMatch(/dev-token|@undp\.example\.org|demo/i);
  const doc = (await (await fetch(`http://127.0.0.1:${port}/openapi.json`)).json()) as {
    paths: Record<string, unknown>;
  };
  expect(Object.keys(doc.paths)).not.toContain('/auth/dev-token');

  const exited = new Promise<number | null>((resolve) => proc!.once('exit', (code) => resolve(code)));
  process.kill(-proc.pid!, 'SIGINT');
  const code = await exited;
  const by = (msg: string) => `"service":"start","msg":"${msg}"`;
  const order = [
    by('API stopped'),
    '"event":"worker_stopped"',
    by('worker stopped'),
    by('mail catcher stopped'),
    by('Temporal stopped'),
  ].map((needle) => ({
    needle,
    at: lines.findIndex((l, i) => i > bannerAt && l.includes(needle)),
  }));
  const found = order.map((o) => o.at);
  expect({ code, missing: order.filter((o) => o.at < 0).map((o) => o.needle) }).toEqual({ code: 0, missing: [] });
  expect(found).toEqual([...found].sort((a, b) => a - b));
  // The worker drained and exited by itself, nobody had to kill anything.
  const workerStop = JSON.parse(lines[found[2]]) as { code: number | null; signal: string | null };
  expect(workerStop).toMatchObject({ code: 0, signal: null });
  expect(lines.some((l) => /did not stop within|worker failed/.test(l))).toBe(false);
  for (const p of [port, temporalPort, smtpPort, mailUiPort, pgPort])
    expect({ port: p, open: await portOpen(p) }).toEqual({ port: p, open: false });
}, 360_000);
