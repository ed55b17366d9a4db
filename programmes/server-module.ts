import type { Router } from 'express';
import type { ActivityDeps } from '../activities/deps';
import type { ApiContext } from '../api/context';
import type { ApiRouter } from '../api/router';
import type { Clock } from '../lib/clock';
import type { WebContext } from '../web/context';
import type { TaskPageProgramme } from '../web/pages/task-programmes';

/**
 * What a programme brings to the server besides its registry entry (domain/programmes/): its
 * activities, its API routes, its web pages and how the shared task page treats its tasks. The
 * API, the worker and the web app read these from programmes/index.ts and name no programme.
 */
export interface ProgrammeServerModule {
  /** Its activity factories (activities/<programme>.ts), spread into createActivities. */
  activities: readonly ((deps: ActivityDeps & { clock: Clock }) => object)[];
  /** Its API routes (api/routes/<programme>.ts), registered in this order. */
  apiRoutes: readonly ((router: ApiRouter, ctx: ApiContext) => void)[];
  /** Its web pages (web/pages/<programme>.ts), mounted in this order. */
  webPages: readonly ((router: Router, web: WebContext) => void)[];
  /** How the task page reads its subject, its revision form, its decision fields and context panels. */
  taskPage: TaskPageProgramme;
}
