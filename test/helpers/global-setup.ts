import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findTemporalCli, TEMPORAL_CLI_MISSING } from '../../lib/temporal-cli';
import { ADMIN_URL_VARIABLE, createMigratedTemplate, startThrowawayPostgres } from './test-postgres';
import { WORKFLOW_BUNDLE_VARIABLE } from './run-env';
import { startSharedTemporal, type SharedTemporal } from './temporal-server';

declare global {
  // eslint-disable-next-line no-var
  var __testPostgres: { remove(): Promise<void> } | undefined;
  // eslint-disable-next-line no-var
  var __testRunDir: string | undefined;
  // eslint-disable-next-line no-var
  var __testTemporal: SharedTemporal | undefined;
}

const root = path.resolve(__dirname, '..', '..');

/**
 * The workflow code bundled once for the whole run (webpack takes seconds; every test file and
 * every worker process of lib/stack loads this file instead), in a child process as the worker
 * does, so webpack's memory does not stay in the jest process.
 */
async function bundleWorkflowsOnce(dir: string): Promise<string> {
  const out = path.join(dir, 'workflows.js');
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'worker', 'bundle-workflows.ts'), out],
    { cwd: root, maxBuffer: 16 * 1024 * 1024 },
  );
  return out;
}

/**
 * Tests never skip for want of a server: no Temporal CLI, no test run. One PostgreSQL server for
 * the whole run, with a migrated template database that each test file copies; one Temporal dev
 * server with a namespace for each test file that uses it; one workflow bundle.
 */
export default async function globalSetup(): Promise<void> {
  if (!findTemporalCli()) throw new Error(TEMPORAL_CLI_MISSING);
  process.env.NODE_ENV = 'test';
  // npm start processes a test spawns leave the demo items alone unless the test asks for them.
  process.env.DEMO_DRIVER ??= 'false';
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rus-undp-test-run-'));
  globalThis.__testRunDir = runDir;
  const started = await Promise.allSettled([
    startThrowawayPostgres('test-pg'),
    startSharedTemporal(path.join(runDir, 'namespaces')),
    bundleWorkflowsOnce(runDir),
  ] as const);
  const [pgStart, temporalStart, bundleStart] = started;
  if (pgStart.status === 'rejected' || temporalStart.status === 'rejected' || bundleStart.status === 'rejected') {
    if (pgStart.status === 'fulfilled') await pgStart.value.remove();
    if (temporalStart.status === 'fulfilled') await temporalStart.value.stop();
    fs.rmSync(runDir, { recursive: true, force: true });
    throw started.map((s) => (s.status === 'rejected' ? s.reason : undefined)).find(Boolean);
  }
  const [pg, temporal, bundlePath] = [pgStart.value, temporalStart.value, bundleStart.value];
  globalThis.__testPostgres = pg;
  globalThis.__testTemporal = temporal;
  // A run that ends without its teardown (an error, Ctrl-C) still stops the servers.
  process.once('exit', () => {
    if (globalThis.__testTemporal === temporal) temporal.proc.kill('SIGKILL');
    if (globalThis.__testPostgres !== pg) return; // the teardown stopped it
    try {
      process.kill(pg.server.pid, 'SIGQUIT');
    } catch {
      // already stopped
    }
  });
  const admin = pg.server.url('postgres');
  await createMigratedTemplate(admin);
  process.env[ADMIN_URL_VARIABLE] = admin;
  process.env[WORKFLOW_BUNDLE_VARIABLE] = bundlePath;
}
