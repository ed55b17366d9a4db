import { Writable } from 'node:stream';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import pino from 'pino';
import request from 'supertest';
import type { Application } from 'express';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type AppDeps } from '../../api/app';
import type { Clock } from '../../lib/clock';
import type { DocumentServices } from '../../lib/documents';
import { LocalStorage } from '../../lib/storage';
import { DEMO_USERS } from '../../domain/demo';
import { loadConfig, type AppConfig } from '../../lib/config';
import { logger as baseLogger, type Logger } from '../../lib/logger';
import { seedDatabase } from '../../prisma/seed';
import { startSeededCallWorkflows } from '../helpers/seeded-calls';
import { createWorker } from '../../worker/create-worker';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { compressedClock } from '../helpers/sla';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { startTestTemporal, testWorkflowBundle, uniqueTaskQueue } from '../helpers/temporal';
import { startTestParts } from '../helpers/test-parts';

export type DemoKey = keyof typeof DEMO_USERS;
export const DEV_SECRET = 'api-test-secret-0123456789abcdef';

/** Log lines the app wrote, parsed (tests assert on request logging). */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const logger = pino(
    {
      level: 'info',
      base: { service: 'api-test' },
      redact: { paths: ['authorization', 'req.headers.authorization', 'token'], censor: '[redacted]' },
    },
    stream,
  );
  return { logger, lines };
}

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    AUTH_MODE: 'dev',
    AUTH_DEV_SECRET: DEV_SECRET,
    RATE_LIMIT_PER_MINUTE: '10000',
    CORS_ORIGINS: 'http://localhost:5173',
    ...overrides,
  });
}

export interface ApiHarness {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  smtp: TestSmtp;
  taskQueue: string;
  app: Application;
  /** The documents' storage and scanner the app uses (and workers started by the test may share). */
  documents: DocumentServices;
  logs: Record<string, unknown>[];
  /** Another app on the same database and server (other config: rate limits, OIDC...). */
  makeApp(overrides?: Record<string, string>, extra?: Partial<AppDeps>): Application;
  /** Forgets every rate-limit counter (they live in the database, shared by all apps on it, as by API instances). */
  resetRateLimits(): Promise<void>;
  token(who: DemoKey): Promise<string>;
  stop(): Promise<void>;
}

/**
 * One real Temporal dev server, one migrated + seeded PostgreSQL database, one loopback SMTP server
 * and one worker (random task queue) for a whole test file; the app under test is wired to them.
 */
/** Documents in a temporary folder, not scanned, unless a test brings its own storage and scanner. */
export function testDocuments(overrides: Partial<DocumentServices> = {}): DocumentServices {
  return {
    storage: new LocalStorage(fs.mkdtempSync(path.join(os.tmpdir(), 'documents-test-'))),
    scanner: { mode: 'off', address: '127.0.0.1:1', timeoutMs: 10_000 },
    maxFileBytes: 20 * 1024 * 1024,
    maxObjectBytes: 100 * 1024 * 1024,
    ...overrides,
  };
}

export async function startApiHarness(
  label: string,
  opts: {
    worker?: boolean;
    documents?: DocumentServices;
    /** Start the seeded calls' workflows, as the worker does at start (worker/main.ts). */
    callWorkflows?: boolean;
    /** The worker's Clock compressed: a calendar day lasts `dayMs`, the calendar showing `from` now. */
    clock?: { dayMs: number; from?: Date };
  } = {},
): Promise<ApiHarness> {
  const documents = opts.documents ?? testDocuments();
  const { env, db, smtp, bundle } = await startTestParts(label);
  await seedDatabase(db.prisma);
  const taskQueue = uniqueTaskQueue(`api-${label}`);
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let release: () => void = () => undefined;
  if (opts.worker !== false) {
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace,
      taskQueue,
      workflowBundle: bundle,
      deps: {
        prisma: db.prisma,
        mailer: smtp.mailer,
        logger: baseLogger,
        baseUrl: 'http://localhost:3000',
        documents,
        ...(opts.clock ? { clock: compressedClock(db.prisma, opts.clock.dayMs, opts.clock.from) } : {}),
      },
    });
    const stop = new Promise<void>((resolve) => {
      release = resolve;
    });
    running = worker.runUntil(stop);
    if (opts.callWorkflows) await startSeededCallWorkflows(env.client, db.prisma, taskQueue);
  }
  const { logger, lines } = captureLogger();
  const makeApp = (overrides: Record<string, string> = {}, extra: Partial<AppDeps> = {}) =>
    createApp({
      prisma: db.prisma,
      temporal: env.client,
      config: testConfig({ TEMPORAL_NAMESPACE: env.namespace ?? 'default', ...overrides }),
      logger,
      taskQueue,
      temporalTimeoutMs: 20_000,
      documents,
      ...extra,
    });
  const app = makeApp();
  const tokens = new Map<DemoKey, string>();
  return {
    env,
    db,
    smtp,
    taskQueue,
    app,
    documents,
    logs: lines,
    makeApp,
    async resetRateLimits() {
      await db.prisma.rateLimitHit.deleteMany();
    },
    async token(who) {
      const cached = tokens.get(who);
      if (cached) return cached;
      const res = await request(app).post('/auth/dev-token').send({ email: DEMO_USERS[who].email });
      if (res.status !== 200) throw new Error(`dev-token for ${who}: ${res.status} ${JSON.stringify(res.body)}`);
      tokens.set(who, res.body.token);
      return res.body.token as string;
    },
    async stop() {
      release();
      await running?.catch(() => undefined);
      await env?.teardown();
      await smtp?.stop();
      await db?.close();
    },
  };
}

/**
 * A worker of the harness's Temporal and database whose Clock is compressed from now on (a
 * calendar day lasts `dayMs`), on `taskQueue`; answers how to stop it. A test that reads the
 * calendar too (today's date on the worker's Clock) makes the clock with `compressedClock` and passes it.
 */
export async function startCompressedWorker(
  h: ApiHarness,
  dayMs: number,
  taskQueue = h.taskQueue,
  clock: Clock = compressedClock(h.db.prisma, dayMs),
): Promise<() => Promise<void>> {
  const worker = await createWorker({
    connection: h.env.nativeConnection,
    namespace: h.env.namespace,
    taskQueue,
    workflowBundle: await testWorkflowBundle(),
    deps: {
      prisma: h.db.prisma,
      mailer: h.smtp.mailer,
      logger: baseLogger,
      baseUrl: 'http://localhost:3000',
      clock,
      documents: h.documents,
    },
  });
  let release: () => void = () => undefined;
  const running = worker.runUntil(new Promise<void>((r) => (release = r)));
  return async () => {
    release();
    await running;
  };
}

/** supertest with a bearer token. */
export function as(app: Application, token: string) {
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);
  return {
    get: (url: string) => auth(request(app).get(url)),
    post: (url: string, body?: unknown) => auth(request(app).post(url)).send(body as object),
    patch: (url: string, body?: unknown) => auth(request(app).patch(url)).send(body as object),
  };
}

/**
 * Uploads a student's CV and proof of enrolment before an internship application (POST /documents,
 * staged) and answers their ids, for the application's `documentIds` (each file's text unique).
 */
export async function stageInternshipDocuments(app: Application, token: string): Promise<string[]> {
  const ids: string[] = [];
  for (const [documentType, name] of [
    ['cv', 'cv.txt'],
    ['proof_of_enrolment', 'enrolment.txt'],
  ]) {
    const res = await request(app)
      .post('/documents')
      .set('Authorization', `Bearer ${token}`)
      .field('documentType', documentType)
      .attach('file', Buffer.from(`${documentType} of the student ${Date.now()}-${Math.random()}`), name);
    if (res.status !== 201) throw new Error(`staging the ${documentType}: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push((res.body as { items: { id: string }[] }).items[0].id);
  }
  return ids;
}

/**
 * Uploads an invitation letter before an event travel application (POST /documents, staged) and
 * answers its id, for the application's `documentIds`. Each letter's text is unique (the same
 * content twice among one's staged uploads is refused).
 */
export async function stageInvitationLetter(app: Application, token: string): Promise<string> {
  const text = `Invitation to speak at the High-level Political Forum side event. Ref ${Date.now()}-${Math.random()}`;
  const res = await request(app)
    .post('/documents')
    .set('Authorization', `Bearer ${token}`)
    .field('documentType', 'invitation_letter')
    .attach('file', Buffer.from(text), 'invitation.txt');
  if (res.status !== 201) throw new Error(`staging the invitation letter: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { items: { id: string }[] }).items[0].id;
}
