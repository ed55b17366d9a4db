import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { Language, Role } from '../../domain/roles';
import type { ApiContext } from '../context';
import { validationFailed } from '../errors';
import { buildOpenApi } from '../openapi';
import type { ApiRouter } from '../router';
import { workerPolling } from '../../lib/readiness';
import {
  devTokenBodySchema,
  healthResponseSchema,
  livenessResponseSchema,
  mePatchSchema,
  meResponseSchema,
  openApiDocumentSchema,
  tokenResponseSchema,
} from '../schemas';

/** The API's version: the package's. */
export const API_VERSION = (() => {
  try {
    return (
      JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    return '0.0.0';
  }
})();

const HEALTH_TIMEOUT_MS = 2000;

function timeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Russia-UNDP Partnership API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

// Served as a file (not inline) so the Content-Security-Policy can stay at script-src 'self'.
const DOCS_INIT = `window.onload = function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', validatorUrl: null, deepLinking: true, persistAuthorization: false });
};
`;

export function systemRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { prisma } = ctx;

  /** Ready: the database answers, Temporal answers, and a worker polls the task queue. */
  const readiness = async () => {
    const [temporal, database] = await Promise.all([
      ctx.temporal.connection
        .withDeadline(Date.now() + HEALTH_TIMEOUT_MS, () => ctx.temporal.workflowService.getSystemInfo({}))
        .then(
          () => 'ok' as const,
          () => 'unavailable' as const,
        ),
      timeout(prisma.$queryRawUnsafe('SELECT 1'), HEALTH_TIMEOUT_MS).then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      ),
    ]);
    // Pollers are asked only of a server that answers (no calls, and no client retries, against one that does not).
    const worker =
      temporal !== 'ok'
        ? ('unavailable' as const)
        : await workerPolling(
            ctx.temporal.connection,
            ctx.temporal.workflowService,
            ctx.config.TEMPORAL_NAMESPACE,
            ctx.taskQueue,
            ctx.config.READY_POLLER_MAX_AGE_SECONDS,
            HEALTH_TIMEOUT_MS,
          ).then(
            (polling) => (polling ? ('ok' as const) : ('not_polling' as const)),
            () => 'unavailable' as const,
          );
    const ok = temporal === 'ok' && database === 'ok' && worker === 'ok';
    return { ok, body: { status: ok ? 'ok' : 'degraded', temporal, database, worker } as const };
  };
  for (const path of ['/health/ready', '/health']) {
    router.add(
      {
        method: 'get',
        path,
        operationId: path === '/health' ? 'getHealth' : 'getReadiness',
        tag: 'System',
        auth: false,
        summary:
          path === '/health'
            ? 'Readiness (same as /health/ready)'
            : 'Readiness: the database and Temporal answer and a worker polls the task queue',
        description:
          'Route traffic here only while this answers 200. A worker counts when it polled the task queue within READY_POLLER_MAX_AGE_SECONDS.',
        success: { status: 200, description: 'Ready', schema: healthResponseSchema },
        alsoAnswers: [{ status: 503, description: 'Not ready: the same shape names the part that is not' }],
      },
      async ({ res }) => {
        const { ok, body } = await readiness();
        if (!ok) res.setHeader('Retry-After', '5');
        return { status: ok ? 200 : 503, body };
      },
    );
  }
  router.add(
    {
      method: 'get',
      path: '/health/live',
      operationId: 'getLiveness',
      tag: 'System',
      auth: false,
      summary: 'Liveness: the API process serves requests',
      description:
        'Answers 200 whenever the process runs, whatever its dependencies do (restart only when this fails).',
      success: { status: 200, description: 'Alive', schema: livenessResponseSchema },
    },
    async () => ({ body: { status: 'ok' as const } }),
  );

  let openApi: Record<string, unknown> | undefined;
  router.add(
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApi',
      tag: 'System',
      summary: 'This OpenAPI 3.1 document',
      auth: false,
      success: { status: 200, description: 'OpenAPI document', schema: openApiDocumentSchema },
    },
    async () => {
      openApi ??= buildOpenApi(router, { version: API_VERSION, serverUrl: ctx.config.PUBLIC_BASE_URL });
      return { body: openApi };
    },
  );

  router.add(
    {
      method: 'get',
      path: '/docs',
      operationId: 'getDocs',
      tag: 'System',
      summary: 'Interactive API documentation (Swagger UI, served locally)',
      auth: false,
      success: { status: 200, description: 'HTML page', contentType: 'text/html' },
    },
    async ({ res }) => {
      res.type('html').send(DOCS_HTML);
    },
  );
  router.add(
    {
      method: 'get',
      path: '/docs/init.js',
      operationId: 'getDocsScript',
      tag: 'System',
      summary: 'Swagger UI start script',
      auth: false,
      success: { status: 200, description: 'JavaScript', contentType: 'text/javascript' },
    },
    async ({ res }) => {
      res.type('text/javascript').send(DOCS_INIT);
    },
  );

  // Only in dev mode: in OIDC mode the route does not exist, so the document does not list it.
  if (ctx.auth.modes.includes('dev') && ctx.auth.devToken) {
    const devToken = ctx.auth.devToken;
    router.add(
      {
        method: 'post',
        path: '/auth/dev-token',
        operationId: 'createDevToken',
        tag: 'Auth',
        summary: 'Development sign-in: a token for an existing user',
        auth: false,
        description:
          'Only when AUTH_MODE includes dev (the route does not exist otherwise; never in a deployment). Unknown or inactive users get 401. Tokens are HS256, valid 8 hours.',
        body: devTokenBodySchema,
        success: { status: 200, description: 'A bearer token', schema: tokenResponseSchema },
        errors: [401],
      },
      async ({ body }) => ({ body: await devToken(body.email) }),
    );
  }

  const ME_SELECT = {
    id: true,
    email: true,
    name: true,
    role: true,
    countryCode: true,
    institutionId: true,
    expertId: true,
    language: true,
    notifyReminders: true,
    dailyDigest: true,
  } as const;
  // The columns hold the role and language lists' values (written only through them).
  const meView = (
    u: { role: string; language: string } & Omit<z.input<typeof meResponseSchema>, 'role' | 'language'>,
  ) => ({ ...u, role: u.role as Role, language: u.language as Language });

  router.add(
    {
      method: 'get',
      path: '/me',
      operationId: 'getMe',
      tag: 'Me',
      summary: 'Your account and notification preferences',
      success: { status: 200, description: 'You', schema: meResponseSchema },
    },
    async ({ user }) => ({
      body: meView(await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: ME_SELECT })),
    }),
  );

  router.add(
    {
      method: 'patch',
      path: '/me',
      ownAccount: true,
      operationId: 'updateMe',
      tag: 'Me',
      summary: 'Change your language and notification preferences',
      description: 'Reminders are the only mails you may switch off; the daily digest is for fund managers.',
      body: mePatchSchema,
      success: { status: 200, description: 'You, updated', schema: meResponseSchema },
    },
    async ({ user, body }) => {
      if (body.dailyDigest !== undefined && user.role !== 'fund_manager')
        throw validationFailed([{ path: 'dailyDigest', message: 'only fund managers receive a daily digest' }]);
      const data: { language?: string; notifyReminders?: boolean; dailyDigest?: boolean } = {};
      if (body.language !== undefined) data.language = body.language;
      if (body.notifyReminders !== undefined) data.notifyReminders = body.notifyReminders;
      if (body.dailyDigest !== undefined) data.dailyDigest = body.dailyDigest;
      return { body: meView(await prisma.user.update({ where: { id: user.id }, data, select: ME_SELECT })) };
    },
  );
}
