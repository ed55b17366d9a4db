import { authModes, loadConfig } from '../../lib/config';
import type { ApiContext } from '../context';
import { buildOpenApi } from '../openapi';
import { ApiRouter } from '../router';
import { accountRoutes } from './accounts';
import { auditRoutes } from './audit';
import { calendarRoutes } from './calendar';
import { callRoutes } from './calls';
import { documentRoutes } from './documents';
import { draftRoutes } from './drafts';
import { expertApplicationRoutes } from './expert-applications';
import { eventTravelRoutes } from './event-travel';
import { internshipRoutes } from './internships';
import { expertRequestRoutes } from './expert-requests';
import { expertRoutes } from './experts';
import { institutionRoutes } from './institutions';
import { joiningRoutes } from './joining';
import { messageRoutes } from './messages';
import { pipelineRoutes } from './pipeline';
import { privacyRoutes } from './privacy';
import { proposalRoutes } from './proposals';
import { reassignmentRoutes } from './reassignment';
import { resultRoutes } from './results';
import { ruleSetRoutes } from './rule-sets';
import { API_VERSION, systemRoutes } from './system';
import { taskRoutes } from './tasks';
import { unVolunteersRoutes } from './un-volunteers';
import { userRoutes } from './users';

/** Every route of the API, declared once: the Express app and the OpenAPI document both come from it. */
export function apiRouter(ctx: ApiContext): ApiRouter {
  const router = new ApiRouter();
  systemRoutes(router, ctx);
  callRoutes(router, ctx);
  proposalRoutes(router, ctx);
  draftRoutes(router, ctx);
  expertRequestRoutes(router, ctx);
  eventTravelRoutes(router, ctx);
  unVolunteersRoutes(router, ctx);
  internshipRoutes(router, ctx);
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
