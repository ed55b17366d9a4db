import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  makeTelemetryFilterString,
  Runtime,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { DEV_SERVER_ARGS, requireTemporalCli } from '../../lib/temporal-cli';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../worker/workflows-path';
import { WORKFLOW_BUNDLE_VARIABLE } from './run-env';
import { claimTestNamespace } from './temporal-server';

let runtimeInstalled = false;

function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger('WARN'),
      // Core warns when a terminated workflow's activity completes late: expected in tests.
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
    });
  } catch {
    // Already installed by an earlier test file in this process.
  }
}

/**
 * A real Temporal dev server (the `temporal` CLI) with our search attributes: a namespace of its
 * own on the run's shared server (give workers `env.namespace`), or a server of its own when the
 * run has none (or `own`).
 */
export async function startTestTemporal(opts: { own?: boolean } = {}): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  const shared = opts.own ? undefined : claimTestNamespace();
  if (shared) return TestWorkflowEnvironment.createFromExistingServer(shared);
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: requireTemporalCli() },
      ip: '127.0.0.1',
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      extraArgs: DEV_SERVER_ARGS,
    },
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * The workflow code: the run's bundle made once by the global setup, read from its file; bundled
 * here (once per test file) only when there is none, e.g. a test file run outside jest's setup.
 */
export function testWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const prebuilt = process.env[WORKFLOW_BUNDLE_VARIABLE];
  bundle ??= prebuilt
    ? fs.promises.readFile(prebuilt, 'utf8').then((code) => ({ code, sourceMap: '' }))
    : bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: new DefaultLogger('WARN') });
  return bundle;
}

export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}
