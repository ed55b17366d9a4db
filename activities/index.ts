import { createClock } from '../lib/clock';
import { createCalendarActivities } from './calendar';
import type { ActivityDeps } from './deps';
import { createDocumentActivities } from './documents';
import { createNotifyActivities } from './notify';
import { createPolicyActivities } from './policy';
import { createReadModelActivities } from './read-model';
import type { Clock } from '../lib/clock';
import { PROGRAMME_SERVER_LIST, type PROGRAMME_SERVERS } from '../programmes';

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type ProgrammeFactory = (typeof PROGRAMME_SERVERS)[keyof typeof PROGRAMME_SERVERS]['activities'][number];
/** The activities of every programme's server module (programmes/<programme>.ts), as one type. */
type ProgrammeActivities = UnionToIntersection<ReturnType<ProgrammeFactory>>;

function programmeActivities(deps: ActivityDeps & { clock: Clock }): ProgrammeActivities {
  const all: Record<string, unknown> = {};
  for (const module of PROGRAMME_SERVER_LIST)
    for (const create of module.activities) {
      for (const [name, fn] of Object.entries(create(deps))) {
        if (name in all) throw new Error(`activity ${name} is defined twice`);
        all[name] = fn;
      }
    }
  return all as ProgrammeActivities;
}

export type { ActivityDeps } from './deps';

/** All activities, built from injected dependencies (house style of temporalio/samples-typescript). */
export function createActivities(given: ActivityDeps) {
  const deps = { ...given, clock: given.clock ?? createClock({ prisma: given.prisma }) };
  return {
    ...createCalendarActivities(deps),
    ...createReadModelActivities(deps),
    ...createNotifyActivities(deps),
    ...createPolicyActivities(deps),
    ...createDocumentActivities(deps),
    ...programmeActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
