/**
 * The Temporal dev server of one jest run, shared by the test files that run their worker in the
 * test process (harnesses, workflow contexts): the global setup starts it with a pool of
 * namespaces, and each test file claims one of its own (`claimTestNamespace`), so workflow ids,
 * counts and schedules stay apart as on a server of their own. Files that stop or restart Temporal,
 * or run the real processes (lib/stack), still start their own server.
 * No Temporal SDK native module here: the global setup loads this in jest's own process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { freePort } from '../../lib/stack';
import { DEV_SERVER_ARGS, requireTemporalCli } from '../../lib/temporal-cli';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes';
import { TEMPORAL_ADDRESS_VARIABLE, TEMPORAL_CLAIMS_VARIABLE, TEMPORAL_POOL_VARIABLE } from './run-env';

const namespaceAt = (i: number) => `test-${String(i).padStart(3, '0')}`;
const testRoot = path.resolve(__dirname, '..');

/**
 * One namespace for each test file that may use the shared server, and a few spare: every
 * namespace costs the idle server a little CPU (its per-namespace system workers poll).
 */
export function namespacePoolSize(): number {
  const users = /\b(startTestTemporal|startApiHarness|startWebHarness|startWorkflowTestContext)\(/;
  const files = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((entry) => (entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
      .filter((file) => file.endsWith('.ts'));
  const all = files(testRoot);
  // A shared setup (e.g. test/helpers/unv.ts) starts Temporal for the test files that import it.
  const helpers = all
    .filter((file) => !file.endsWith('.test.ts') && users.test(fs.readFileSync(file, 'utf8')))
    .map((file) => path.basename(file, '.ts'));
  const importsHelper = new RegExp(`from '[^']*/(${helpers.join('|') || '(?!)'})'`);
  const count = all.filter((file) => {
    if (!file.endsWith('.test.ts')) return false;
    const text = fs.readFileSync(file, 'utf8');
    return users.test(text) || importsHelper.test(text);
  }).length;
  return count + 8;
}

const SDK_TEST_SERVER_SETTINGS = [
  'frontend.enableServerVersionCheck=false',
  'frontend.enableUpdateWorkflowExecution=true',
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
];

export interface SharedTemporal {
  address: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the run's dev server (in memory) with every pool namespace and our search attributes in each. */
export async function startSharedTemporal(claimsDir: string): Promise<SharedTemporal> {
  const [port, uiPort] = [await freePort(), await freePort()];
  const address = `127.0.0.1:${port}`;
  const pool = namespacePoolSize();
  const namespaces = Array.from({ length: pool }, (_, i) => ['--namespace', namespaceAt(i + 1)]).flat();
  const searchAttributes = SEARCH_ATTRIBUTE_KEYS.flatMap((k) => [
    '--search-attribute',
    `${k.name}=${TypedSearchAttributes.toMetadataType(k.type)}`,
  ]);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort)];
  args.push('--headless', '--log-level', 'error', ...namespaces, ...searchAttributes, ...DEV_SERVER_ARGS);
  // As the SDK's own dev server for tests (TestWorkflowEnvironment.createLocal) runs it.
  for (const setting of SDK_TEST_SERVER_SETTINGS) args.push('--dynamic-config-value', setting);
  const proc = spawn(requireTemporalCli(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 20_000) stderr += chunk.toString();
  });
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  // Ready when the last namespace of the pool answers (they are created before the server serves).
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the Temporal dev server exited with ${proc.exitCode}: ${stderr}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: '1 second' });
      try {
        await connection.workflowService.describeNamespace({ namespace: namespaceAt(pool) });
      } finally {
        await connection.close();
      }
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`the Temporal dev server did not get ready within 60 s: ${String(err)}\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  fs.mkdirSync(claimsDir, { recursive: true });
  process.env[TEMPORAL_ADDRESS_VARIABLE] = address;
  process.env[TEMPORAL_CLAIMS_VARIABLE] = claimsDir;
  process.env[TEMPORAL_POOL_VARIABLE] = String(pool);
  return { address, proc, stop };
}

/**
 * A namespace of the shared server that no other test file of the run has (claimed by creating
 * its folder, atomic across jest workers), or undefined when this run has no shared server.
 */
export function claimTestNamespace(): { address: string; namespace: string } | undefined {
  const address = process.env[TEMPORAL_ADDRESS_VARIABLE];
  const claims = process.env[TEMPORAL_CLAIMS_VARIABLE];
  const pool = Number(process.env[TEMPORAL_POOL_VARIABLE]);
  if (!address || !claims || !pool) return undefined;
  for (let i = 1; i <= pool; i++) {
    try {
      fs.mkdirSync(path.join(claims, namespaceAt(i)));
      return { address, namespace: namespaceAt(i) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(
    `all ${pool} test namespaces of the shared Temporal server are taken: a test file starts Temporal more than once, or through a helper namespacePoolSize does not count`,
  );
}
