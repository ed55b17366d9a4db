/**
 * The policy rule engine: pure functions over plain facts, safe inside Temporal workflow
 * sandboxes (no Node builtins, no I/O). Limits come from dated rule sets, never literals.
 */
export * from './findings';
export * from './rules';
export { utcDay } from './dates';
export * from './grant';
export * from './individual-contract';
export * from './alignment';
export * from './scoring';
export * from './tranches';
