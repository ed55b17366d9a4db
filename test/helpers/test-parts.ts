import { createTestDatabase } from './db';
import { startTestSmtp } from './smtp';
import { startTestTemporal, testWorkflowBundle } from './temporal';

/**
 * The parts every harness starts together: Temporal (a namespace of the run's server), a database
 * of its own, an SMTP server and the workflow bundle. When one fails to start, the others are
 * stopped before the error is thrown: an SMTP server left listening keeps jest from ever exiting.
 */
export async function startTestParts(databaseLabel: string) {
  const [env, db, smtp, bundle] = await Promise.allSettled([
    startTestTemporal(),
    createTestDatabase(databaseLabel),
    startTestSmtp(),
    testWorkflowBundle(),
  ]);
  if (
    env.status === 'fulfilled' &&
    db.status === 'fulfilled' &&
    smtp.status === 'fulfilled' &&
    bundle.status === 'fulfilled'
  )
    return { env: env.value, db: db.value, smtp: smtp.value, bundle: bundle.value };
  await Promise.allSettled([
    env.status === 'fulfilled' ? env.value.teardown() : undefined,
    db.status === 'fulfilled' ? db.value.close() : undefined,
    smtp.status === 'fulfilled' ? smtp.value.stop() : undefined,
  ]);
  throw [env, db, smtp, bundle].find((part) => part.status === 'rejected')!.reason;
}
