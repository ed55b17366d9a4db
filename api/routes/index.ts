import { authModes, loadConfig } from '../../lib/config';
import type { ApiContext } from '../context';
import { buildOpenApi } from '../openapi';
import { ApiRouter } from '../router';
import { PROGRAMME_SERVER_LIST } from '../../programmes';
import { accountRoutes } from './accounts';
import { auditRoutes } from './audit';
import { calendarRoutes } from './calendar';
import { documentRoutes } from './documents';
import { expertApplicationRoutes } from './expert-applications';
import { expertRoutes } from './experts';
import { institutionRoutes } from './institutions';
import { joiningRoutes } from './joining';
import { messageRoutes } from './messages';
import { pipelineRoutes } from './pipeline';
import { privacyRoutes } from './privacy';
import { reassignmentRoutes } from './reassignment';
import { resultRoutes } from './results';
import { ruleSetRoutes } from './rule-sets';
import { API_VERSION, systemRoutes } from './system';
import { taskRoutes } from './tasks';
import { userRoutes } from './users';

/** Every route of the API, declared once: the Express app and the OpenAPI document both come from it. */
export function apiRouter(ctx: ApiContext): ApiRouter {
  const router = new ApiRouter();
  systemRoutes(router, ctx);
  // Each programme's own routes (programmes/<programme>.ts), before the shared ones.
  for (const programme of PROGRAMME_SERVER_LIST) for (const routes of programme.apiRoutes) routes(router, ctx);
  messageRoutes(router, ctx);
  taskRoutes(router, ctx);
  reassignmentRoutes(router, ctx);
  pipelineRoutes(router, ctx);
  expertRoutes(router, ctx);
  auditRoutes(router, ctx);
  documentRoutes(router, ctx);
  accountRoutes(router, ctx);
  userRoutes(router, ctx);
  joiningRoutes(router, ctx);
  institutionRoutes(router, ctx);
  expertApplicationRoutes(router, ctx);
  privacyRoutes(router, ctx);
  calendarRoutes(router, ctx);
  resultRoutes(router, ctx);
  ruleSetRoutes(router, ctx);
  return router;
}

/**
 * The OpenAPI document without a running app (scripts/api-types.ts): the routes are declared
 * against a context that has the default configuration and nothing else (handlers never run).
 */
export function openApiDocument(): Record<string, unknown> {
  // Every mode whose routes the web app calls: dev lists /auth/dev-token, email the sign-in links (never called here).
  const config = loadConfig({ NODE_ENV: 'development', AUTH_MODE: 'dev,email' });
  const devToken = async (): Promise<never> => {
    throw new Error('the document builder signs no one in');
  };
  const ctx = {
    config,
    auth: { modes: authModes(config), devToken },
    rateLimiter: () => (_req: unknown, _res: unknown, next: () => void) => next(),
  } as unknown as ApiContext;
  return buildOpenApi(apiRouter(ctx), { version: API_VERSION });
}
