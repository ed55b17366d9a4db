/**
 * Phases and outcomes every programme shares, and the stage machine. Each programme declares its
 * own stage list (domain/programmes/), each stage mapped to a phase, and its terminal stages, each
 * mapped to an outcome; the pipeline, the funnel, the `Stage` search attribute and reports across
 * programmes speak in phases, a programme's own pages and `ProgrammeStage` in its stages.
 */
import { TERMINAL_STAGE_NAMES } from './registry';

export {
  canTransition,
  phaseOf,
  PROGRAMMES,
  STAGES,
  SUBJECT_TYPES,
  workflowIdFor,
  type Programme,
  type Stage,
  type SubjectType,
} from './registry';

export { OUTCOMES, PHASES, type Outcome, type Phase } from './phases';

export function isTerminal(stage: string): boolean {
  return TERMINAL_STAGE_NAMES.has(stage);
}

export * from './statuses';
