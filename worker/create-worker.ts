import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';

export const WORKFLOWS_PATH = require.resolve('../workflows');

/**
 * How the workflow code is bundled (worker, tests, replay). zod is loaded once into the worker's
 * shared V8 context instead of once per workflow execution: its module code is most of what a
 * cached workflow holds and most of what starting or replaying one costs. A preloaded module is
 * deep-frozen and shared by all workflows, so it must keep no state of its own (zod's library
 * code keeps none; our schema objects cache lazily and are not preloaded).
 */
export const WORKFLOW_BUNDLE_OPTIONS = { workflowsPath: WORKFLOWS_PATH, preloadModules: ['zod'] };

export interface WorkerSetup {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests, production); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions'>;
}

/** The one way a worker is built, shared by `npm start`, tests and benchmarks. */
export function createWorker(setup: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection: setup.connection,
    namespace: setup.namespace ?? 'default',
    taskQueue: setup.taskQueue,
    activities: createActivities(setup.deps),
    ...(setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: WORKFLOW_BUNDLE_OPTIONS.preloadModules } }),
    // Let running activities (a read-model commit, a mail) finish on shutdown instead of timing out later.
    shutdownGraceTime: '10 seconds',
    ...setup.tuning,
  });
}
