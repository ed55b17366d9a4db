import type { Programme } from '../domain/registry';
import { CHALLENGE_FUND_SERVER } from './challenge-fund';
import { EVENT_TRAVEL_SERVER } from './event-travel';
import { EXPERTS_ON_DEMAND_SERVER } from './experts-on-demand';
import { INTERNSHIPS_SERVER } from './internships';
import type { ProgrammeServerModule } from './server-module';
import { UN_VOLUNTEERS_SERVER } from './un-volunteers';

/**
 * Each programme's server module (programmes/<programme>.ts), keyed by its registry id: the one list
 * the activities, the API routes, the web pages and the task page read. The registry itself
 * (domain/registry.ts) stays pure for the workflows; the type requires a module for every entry.
 * Routes and pages are registered in this order.
 */
export const PROGRAMME_SERVERS = {
  challenge_fund: CHALLENGE_FUND_SERVER,
  experts_on_demand: EXPERTS_ON_DEMAND_SERVER,
  event_travel: EVENT_TRAVEL_SERVER,
  un_volunteers: UN_VOLUNTEERS_SERVER,
  internships: INTERNSHIPS_SERVER,
} as const satisfies Record<Programme, ProgrammeServerModule>;

export const PROGRAMME_SERVER_LIST: readonly ProgrammeServerModule[] = Object.values(PROGRAMME_SERVERS);
