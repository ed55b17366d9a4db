/**
 * Prometheus metrics of the API process: request latency by route pattern and status, requests in
 * flight, Node process figures, and domain gauges read from the database at each scrape (the same
 * on every API instance: aggregate them with max(), not sum()). The worker's Temporal SDK metrics
 * are served by the worker itself (WORKER_METRICS_PORT, worker/main.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import express, { type Request, type RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { failedNotificationCount } from '../activities/notifications/outbox';
import { PROGRAMMES, STAGES, type Programme } from '../domain/stages';
import { subjectTable } from '../lib/subject-table';
import { programmeSpec, type SubjectType } from '../domain/registry';
import type { AppConfig } from '../lib/config';
import type { PrismaClient } from '../lib/db';

export interface ApiMetrics {
  registry: Registry;
  /** Times every request; first in the middleware chain. */
  middleware: RequestHandler;
  /** GET /metrics: the Prometheus text, behind METRICS_TOKEN when one is set. */
  handler: RequestHandler;
}

/** The route pattern a request matched (`/proposals/:id`), never the raw URL: one series per route. */
function routeLabel(req: Request, status: number): string {
  if (req.route?.path) return `${req.baseUrl}${String(req.route.path)}`;
  if (status === 404) return '(unmatched)';
  return '(static)';
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Registers the domain gauges; their values are read from the database when Prometheus scrapes. */
function domainGauges(registry: Registry, prisma: PrismaClient, now: () => Date): void {
  // prom-client awaits each metric's `collect` before rendering; all of them share one read per scrape.
  const common = { registers: [registry], collect: refresh };
  const openTasks = new Gauge({
    name: 'rus_undp_open_tasks',
    help: 'Open human tasks, by programme and task kind',
    labelNames: ['programme', 'kind'] as const,
    ...common,
  });
  const overdueTasks = new Gauge({
    name: 'rus_undp_overdue_tasks',
    help: 'Open tasks past their due time, by programme and task kind',
    labelNames: ['programme', 'kind'] as const,
    ...common,
  });
  const subjects = new Gauge({
    name: 'rus_undp_subjects',
    help: 'Proposals (challenge_fund) and expert requests (experts_on_demand), by stage',
    labelNames: ['programme', 'stage'] as const,
    ...common,
  });
  const outboxPending = new Gauge({
    name: 'rus_undp_outbox_pending',
    help: 'Notification mails waiting to be sent',
    ...common,
  });
  const outboxOldest = new Gauge({
    name: 'rus_undp_outbox_oldest_pending_seconds',
    help: 'Age of the oldest mail waiting to be sent (0 when none)',
    ...common,
  });
  const mailsFailed = new Gauge({
    name: 'rus_undp_mails_failed',
    help: 'Mails the SMTP relay rejected for good (need a person)',
    ...common,
  });
  const up = new Gauge({
    name: 'rus_undp_domain_metrics_up',
    help: '1 when the last scrape read the domain gauges from the database, 0 when that failed (the gauges then keep their previous values)',
    ...common,
  });

  async function read() {
    const at = now();
    const byStage = Promise.all(
      PROGRAMMES.map((programme) =>
        subjectTable(prisma, programmeSpec(programme).subjectType as SubjectType).groupBy({
          by: ['stage'],
          _count: { _all: true },
        }),
      ),
    );
    const [open, overdue, stages, pending, failed] = await Promise.all([
      prisma.task.groupBy({ by: ['programme', 'kind'], where: { status: 'open' }, _count: { _all: true } }),
      prisma.task.groupBy({
        by: ['programme', 'kind'],
        where: { status: 'open', dueAt: { lt: at } },
        _count: { _all: true },
      }),
      byStage,
      prisma.outbox.aggregate({ where: { status: 'pending' }, _count: { _all: true }, _min: { createdAt: true } }),
      failedNotificationCount(prisma),
    ]);
    return {
      at,
      open,
      overdue,
      byProgramme: Object.fromEntries(PROGRAMMES.map((programme, i) => [programme, stages[i]])) as Record<
        Programme,
        (typeof stages)[number]
      >,
      pending,
      failed,
    };
  }

  let reading: Promise<void> | undefined;
  function refresh(): Promise<void> {
    // The gauges of one scrape, and concurrent scrapes, share one read.
    reading ??= read()
      .then((v) => {
        // Every known label set is present, at 0 when nothing matches, so alerts see a value, not a gap.
        for (const gauge of [openTasks, overdueTasks]) gauge.reset();
        for (const programme of PROGRAMMES)
          for (const kind of programmeSpec(programme).taskKinds) {
            openTasks.set({ programme, kind }, 0);
            overdueTasks.set({ programme, kind }, 0);
          }
        for (const row of v.open) openTasks.set({ programme: row.programme, kind: row.kind }, row._count._all);
        for (const row of v.overdue) overdueTasks.set({ programme: row.programme, kind: row.kind }, row._count._all);
        subjects.reset();
        for (const programme of PROGRAMMES) {
          for (const stage of STAGES) subjects.set({ programme, stage }, 0);
          for (const row of v.byProgramme[programme]) subjects.set({ programme, stage: row.stage }, row._count._all);
        }
        outboxPending.set(v.pending._count._all);
        const oldest = v.pending._min.createdAt;
        outboxOldest.set(oldest ? Math.max(0, (v.at.getTime() - oldest.getTime()) / 1000) : 0);
        mailsFailed.set(v.failed);
        up.set(1);
      })
      .catch(() => up.set(0))
      .finally(() => {
        reading = undefined;
      });
    return reading;
  }
}

export function createApiMetrics(deps: {
  prisma: PrismaClient;
  config: Pick<AppConfig, 'METRICS_TOKEN'>;
  processMetrics?: boolean;
  now?: () => Date;
}): ApiMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (deps.processMetrics) collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'API and web app requests: time to the last byte of the answer, by method, route pattern and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const inFlight = new Gauge({ name: 'http_requests_in_flight', help: 'Requests being handled now', registers });
  const aborted = new Counter({
    name: 'http_requests_aborted_total',
    help: 'Requests whose client went away before the answer was complete, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    registers,
  });
  domainGauges(registry, deps.prisma, deps.now ?? (() => new Date()));

  const middleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    inFlight.inc();
    let ended = false;
    const end = (finished: boolean) => {
      if (ended) return;
      ended = true;
      inFlight.dec();
      const route = routeLabel(req, res.statusCode);
      if (finished)
        duration.observe(
          { method: req.method, route, status_code: String(res.statusCode) },
          Number(process.hrtime.bigint() - started) / 1e9,
        );
      else aborted.inc({ method: req.method, route });
    };
    res.once('finish', () => end(true));
    res.once('close', () => end(res.writableFinished));
    next();
  };

  const token = deps.config.METRICS_TOKEN;
  const handler: RequestHandler = (req, res, next) => {
    const given = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (token && (!given || !sameSecret(given, token))) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="metrics"')
        .type('text/plain')
        .send('metrics need the bearer token METRICS_TOKEN\n');
      return;
    }
    registry
      .metrics()
      .then((text) => res.set({ 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' }).send(text), next);
  };
  return { registry, middleware, handler };
}

/** The metrics on their own port (METRICS_PORT): GET /metrics only, so the API port never shows them. */
export function startMetricsServer(metrics: ApiMetrics, port: number, host: string): Promise<http.Server> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metrics.handler);
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('only GET /metrics here\n');
  });
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.once('error', reject);
  });
}
