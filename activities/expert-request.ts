import type { ActivityDeps } from './deps';

/** Experts-on-Demand activities (roster matching, IC policy checks). */
export function createExpertRequestActivities(_deps: ActivityDeps) {
  return {};
}
