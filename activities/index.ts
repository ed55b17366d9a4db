import { createClock } from '../lib/clock';
import { createCalendarActivities } from './calendar';
import { createCallActivities } from './call';
import type { ActivityDeps } from './deps';
import { createDocumentActivities } from './documents';
import { createEventTravelActivities } from './event-travel';
import { createExpertRequestActivities } from './expert-request';
import { createInternshipActivities } from './internship';
import { createNotifyActivities } from './notify';
import { createPolicyActivities } from './policy';
import { createProposalActivities } from './proposal';
import { createReadModelActivities } from './read-model';

export type { ActivityDeps } from './deps';

/** All activities, built from injected dependencies (house style of temporalio/samples-typescript). */
export function createActivities(given: ActivityDeps) {
  const deps = { ...given, clock: given.clock ?? createClock({ prisma: given.prisma }) };
  return {
    ...createCalendarActivities(deps),
    ...createReadModelActivities(deps),
    ...createNotifyActivities(deps),
    ...createPolicyActivities(deps),
    ...createProposalActivities(deps),
    ...createExpertRequestActivities(deps),
    ...createDocumentActivities(deps),
    ...createCallActivities(deps),
    ...createEventTravelActivities(deps),
    ...createInternshipActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
