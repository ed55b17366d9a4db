import { loadConfig } from '../../lib/config';
import type { ApiContext } from '../context';
import { buildOpenApi } from '../openapi';
import { ApiRouter } from '../router';
import { auditRoutes } from './audit';
import { callRoutes } from './calls';
import { documentRoutes } from './documents';
import { expertRequestRoutes } from './expert-requests';
import { expertRoutes } from './experts';
import { pipelineRoutes } from './pipeline';
import { proposalRoutes } from './proposals';
import { API_VERSION, systemRoutes } from './system';
import { taskRoutes } from './tasks';

/** Every route of the API, declared once: the Express app and the OpenAPI document both come from it. */
export function apiRouter(ctx: ApiContext): ApiRouter {
  const router = new ApiRouter();
  systemRoutes(router, ctx);
  callRoutes(router, ctx);
  proposalRoutes(router, ctx);
  expertRequestRoutes(router, ctx);
  taskRoutes(router, ctx);
  pipelineRoutes(router, ctx);
  expertRoutes(router, ctx);
  auditRoutes(router, ctx);
  documentRoutes(router, ctx);
  return router;
}

/**
 * The OpenAPI document without a running app (scripts/api-types.ts): the routes are declared
 * against a context that has the default configuration and nothing else (handlers never run).
 */
export function openApiDocument(): Record<string, unknown> {
  const config = loadConfig({ NODE_ENV: 'development' });
  // In dev mode the document lists /auth/dev-token, which the web app's dev sign-in calls (never called here).
  const devToken = async (): Promise<never> => {
    throw new Error('the document builder signs no one in');
  };
  const ctx = { config, auth: { mode: config.AUTH_MODE, devToken } } as unknown as ApiContext;
  return buildOpenApi(apiRouter(ctx), { version: API_VERSION });
}
