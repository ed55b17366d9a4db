/**
 * What the global setup shares with every test file through the environment (set in the jest
 * process before the test files run, inherited by jest workers and by the processes tests spawn).
 * No imports: the global setup loads this without the Temporal SDK's native module.
 */

/** The workflow code bundled once for the run (a file path): the worker processes tests start load it too (worker/main.ts). */
export const WORKFLOW_BUNDLE_VARIABLE = 'WORKFLOW_BUNDLE_PATH';

/** The run's shared Temporal dev server (host:port), the folder where test files claim its namespaces, and how many it has. */
export const TEMPORAL_ADDRESS_VARIABLE = 'TEST_TEMPORAL_ADDRESS';
export const TEMPORAL_CLAIMS_VARIABLE = 'TEST_TEMPORAL_NAMESPACE_CLAIMS';
export const TEMPORAL_POOL_VARIABLE = 'TEST_TEMPORAL_NAMESPACES';
