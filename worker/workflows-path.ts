import type { BundleOptions } from '@temporalio/worker';

/** The workflow bundle's entry. Its own module, so the bundling child process loads neither activities nor Prisma. */
export const WORKFLOWS_PATH = require.resolve('../workflows');

/**
 * Modules shared by every workflow in the worker's V8 context instead of evaluated per workflow
 * (workflows/preload.ts says which and why).
 */
export const WORKFLOW_PRELOAD_MODULES = [require.resolve('../workflows/preload')];

/** zod's files that reset a format pattern's lastIndex, made safe for a shared, frozen zod (zod-shared-loader.js). */
const ZOD_PATTERN_RESETS = /[\\/]zod[\\/]v4[\\/]core[\\/](checks|schemas)\.c?js$/;

/** Options of every bundle of the workflow code: the worker, the test run, the replay script. */
export const WORKFLOW_BUNDLER_OPTIONS: Pick<BundleOptions, 'preloadModules' | 'webpackConfigHook'> = {
  preloadModules: WORKFLOW_PRELOAD_MODULES,
  webpackConfigHook: (config) => ({
    ...config,
    module: {
      ...config.module,
      rules: [
        ...(config.module?.rules ?? []),
        { test: ZOD_PATTERN_RESETS, loader: require.resolve('./zod-shared-loader.js') },
      ],
    },
  }),
};

export const WORKFLOW_BUNDLE_OPTIONS = { workflowsPath: WORKFLOWS_PATH, ...WORKFLOW_BUNDLER_OPTIONS };
