import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import cors from 'cors';
import express, { type RequestHandler } from 'express';
import { mountWeb } from '../web';
import rateLimit, { type Options as RateLimitOptions } from 'express-rate-limit';
import helmet from 'helmet';
import path from 'node:path';
import { createClock, type Clock } from '../lib/clock';
import type { AppConfig } from '../lib/config';
import type { PrismaClient } from '../lib/db';
import type { Logger } from '../lib/logger';
import { databaseVersion, pruneTopicChanges, topicChanges } from '../lib/db';
import { documentServicesFromConfig, type DocumentServices } from '../lib/documents';
import { createStorage } from '../lib/storage';
import { strictTransportSecurity, trustProxyValue } from '../lib/hsts';
import { createAuthenticator, requireAuth } from './auth';
import { PostgresRateLimitStore } from './rate-limit-store';
import { ReadCache } from './read-cache';
import type { ApiContext } from './context';
import { errorHandler, HttpError, notFoundHandler } from './errors';
import { createApiMetrics, type ApiMetrics } from './metrics';
import { apiRouter } from './routes';
import './types';

export interface AppDeps {
  prisma: PrismaClient;
  temporal: Client;
  config: AppConfig;
  logger: Logger;
  taskQueue: string;
  /** Upper bound of one Temporal call while a client waits (default TEMPORAL_CALL_TIMEOUT_MS). */
  temporalTimeoutMs?: number;
  /** Prometheus metrics (api/metrics.ts); api/main.ts passes its own to serve them on METRICS_PORT. */
  metrics?: ApiMetrics;
  /** Document storage and scanner; default from the STORAGE, S3_*, SCANNER, CLAMD_* and DOCUMENT_* settings. */
  documents?: DocumentServices;
  /** The calendar (lib/clock.ts); default real time. Tests pass the compressed Clock their worker runs on. */
  clock?: Clock;
}

const REQUEST_ID = /^[A-Za-z0-9._:\-]{1,128}$/;
const BODY_LIMIT = '1mb';
/** Swagger UI's files, served from node_modules (no CDN). */
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** X-Request-Id on every response, a child logger per request, one JSON line per request. */
function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('X-Request-Id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.requestId = requestId;
    req.log = logger.child({ requestId });
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      req.log.info(
        {
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
          userId: req.user?.id ?? null,
        },
        'request',
      );
    });
    next();
  };
}

/** Requests per window (a minute unless said), counted in the database under `name`: the limit holds across every API instance. */
function limiter(
  prisma: PrismaClient,
  name: string,
  perMinute: number,
  keyGenerator?: RateLimitOptions['keyGenerator'],
  windowMs = 60_000,
): RequestHandler {
  return rateLimit({
    windowMs,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: new PostgresRateLimitStore(prisma, `${name}:`),
    // The database not answering fails the request anyway (503 where it is reached): not a reason to refuse it here.
    passOnStoreError: true,
    ...(keyGenerator ? { keyGenerator } : {}),
    handler: (req, _res, next) => {
      const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
      next(
        new HttpError(429, 'rate_limited', 'too many requests; try again later', undefined, {
          'Retry-After': String(seconds),
        }),
      );
    },
  });
}

export function createApp(deps: AppDeps): express.Application {
  const { config, logger, prisma } = deps;
  const readCache = new ReadCache({
    version: () => databaseVersion(prisma),
    topicChanges: (topic, since) => topicChanges(prisma, topic, since),
    pruneTopicChanges: (xid) => pruneTopicChanges(prisma, xid),
    ttlMs: config.READ_CACHE_TTL_MS,
    topicTtlMs: config.READ_CACHE_TOPIC_TTL_MS,
    maxEntries: config.READ_CACHE_MAX_ENTRIES,
  });
  const auth = createAuthenticator(config, prisma, logger, readCache);
  let routeLimiters = 0;
  const ctx: ApiContext = {
    prisma,
    temporal: deps.temporal,
    config,
    logger,
    taskQueue: deps.taskQueue,
    auth,
    readCache,
    temporalTimeoutMs: deps.temporalTimeoutMs ?? config.TEMPORAL_CALL_TIMEOUT_MS,
    documents: deps.documents ?? documentServicesFromConfig(config, createStorage(config)),
    clock: deps.clock ?? createClock({ prisma }),
    // Each route's limiter counts apart, as before: numbered in the order routes are declared, the same in every instance.
    rateLimiter: (limit, windowMs, key) => limiter(prisma, `route${++routeLimiters}`, limit, key, windowMs),
  };

  const metrics = deps.metrics ?? createApiMetrics({ prisma, config });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(metrics.middleware);
  // Whose X-Forwarded-* headers count (req.ip for rate limits, req.secure for HSTS). The web app
  // calls this API over loopback and forwards the browser's address, so per-IP limits count
  // people, not the web app: 'loopback' by default.
  app.set('trust proxy', trustProxyValue(config.TRUST_PROXY));
  app.use(requestContext(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          // The local stack serves plain HTTP on localhost: upgrading would break /docs assets.
          upgradeInsecureRequests: null,
        },
      },
      strictTransportSecurity: false,
    }),
  );
  app.use(strictTransportSecurity({ includeSubDomains: config.HSTS_INCLUDE_SUBDOMAINS }));
  const origins = config.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  app.use(
    cors({
      origin: origins.length ? origins : false,
      methods: ['GET', 'POST', 'PATCH', 'OPTIONS'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'Idempotent-Replayed', 'RateLimit', 'RateLimit-Policy'],
      maxAge: 600,
    }),
  );
  // Per-IP limit on every mutating request (before authentication, so token guessing is limited too).
  const ipLimiter = limiter(prisma, 'ip', config.RATE_LIMIT_PER_MINUTE);
  app.use((req, res, next) =>
    req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' ? next() : ipLimiter(req, res, next),
  );
  // On the API port only behind a token; with METRICS_PORT they are served there instead (api/main.ts).
  if (config.METRICS_TOKEN && config.METRICS_PORT === undefined) app.get('/metrics', metrics.handler);
  app.use(express.json({ limit: BODY_LIMIT, strict: true }));
  app.use('/docs/assets', express.static(SWAGGER_UI_DIR, { index: false, fallthrough: false, maxAge: '1h' }));
  mountWeb(app, { config, prisma, logger, forwardClientIp: true });

  apiRouter(ctx).mount(app, {
    prisma,
    readCache,
    authenticate: requireAuth(auth),
    userLimiter: limiter(prisma, 'user', config.RATE_LIMIT_PER_MINUTE, (req) => req.user?.id ?? 'anonymous'),
    idempotencyWaitMs: ctx.temporalTimeoutMs,
    // Outside production an answer that drifts from its documented schema is a 500, so tests catch it.
    responseCheck: config.NODE_ENV === 'production' ? 'log' : 'enforce',
  });

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
