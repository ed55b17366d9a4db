import request from 'supertest';
import { logger } from '../../lib/logger';
import { createWorker } from '../../worker/create-worker';
import { testWorkflowBundle } from '../helpers/temporal';
import { eventually } from '../helpers/wait';
import { startApiHarness, type ApiHarness } from './harness';

/**
 * Liveness and readiness: /health/live answers whenever the process runs; /health/ready (and
 * /health) only while the database and Temporal answer and a worker polls the task queue, and
 * a worker that stopped polling stops counting after READY_POLLER_MAX_AGE_SECONDS, although the
 * server keeps listing it for minutes.
 */
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness('readiness', { worker: false });
});

afterAll(async () => {
  await h?.stop();
});

test('ready only while a worker polls the task queue; live regardless', async () => {
  const app = h.makeApp({ READY_POLLER_MAX_AGE_SECONDS: '10' });
  expect((await request(app).get('/health/live')).body).toEqual({ status: 'ok' });
  for (const path of ['/health/ready', '/health']) {
    const res = await request(app).get(path);
    expect({ path, status: res.status, body: res.body }).toEqual({
      path,
      status: 503,
      body: { status: 'degraded', temporal: 'ok', database: 'ok', worker: 'not_polling' },
    });
    expect(res.headers['retry-after']).toBeDefined();
  }

  const worker = await createWorker({
    connection: h.env.nativeConnection,
    namespace: h.env.namespace,
    taskQueue: h.taskQueue,
    workflowBundle: await testWorkflowBundle(),
    deps: { prisma: h.db.prisma, mailer: h.smtp.mailer, logger, baseUrl: 'http://localhost:3000' },
  });
  const running = worker.run();
  try {
    await eventually(async () => (await request(app).get('/health/ready')).status === 200, 30_000, 250);
    expect((await request(app).get('/health')).body).toEqual({
      status: 'ok',
      temporal: 'ok',
      database: 'ok',
      worker: 'ok',
    });
  } finally {
    worker.shutdown();
    await running;
  }
  const stopped = Date.now();
  await eventually(async () => (await request(app).get('/health/ready')).status === 503, 60_000, 500);
  expect(Date.now() - stopped).toBeGreaterThan(5_000);
  expect((await request(app).get('/health/live')).status).toBe(200);
}, 120_000);
