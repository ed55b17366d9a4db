import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { ActivityDeps } from '../../activities';
import { createClock } from '../../lib/clock';
import { logger } from '../../lib/logger';
import { testDocuments } from '../api/harness';
import { seedDatabase } from '../../prisma/seed';
import { createWorker } from '../../worker/create-worker';
import { createTestDatabase, type TestDatabase } from './db';
import { startTestSmtp, type TestSmtp } from './smtp';
import { startTestTemporal, testWorkflowBundle, uniqueTaskQueue } from './temporal';
import { startTestParts } from './test-parts';

/** What a workflow test file shares: one dev server, one seeded PostgreSQL database, one SMTP server, one bundle. */
export interface WorkflowTestContext {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  smtp: TestSmtp;
  bundle: WorkflowBundleWithSourceMap;
  deps: ActivityDeps;
  /** Runs `fn` while a worker on a fresh task queue serves it (`deps` override the context's, e.g. a compressed clock). */
  withWorker<T>(fn: (taskQueue: string) => Promise<T>, deps?: Partial<ActivityDeps>): Promise<T>;
  stop(): Promise<void>;
}

export async function startWorkflowTestContext(label: string): Promise<WorkflowTestContext> {
  const { env, db, smtp, bundle } = await startTestParts(label);
  await seedDatabase(db.prisma);
  const deps: ActivityDeps = {
    prisma: db.prisma,
    mailer: smtp.mailer,
    logger,
    baseUrl: 'http://localhost:3000',
    documents: testDocuments(),
    clock: createClock({ prisma: db.prisma }),
  };
  return {
    env,
    db,
    smtp,
    bundle,
    deps,
    async withWorker(fn, overrides) {
      const taskQueue = uniqueTaskQueue(label);
      const worker = await createWorker({
        connection: env.nativeConnection,
        namespace: env.namespace,
        taskQueue,
        workflowBundle: bundle,
        deps: { ...deps, ...overrides },
      });
      return worker.runUntil(fn(taskQueue));
    },
    async stop() {
      await env.teardown();
      await smtp.stop();
      await db.close();
    },
  };
}
