import { SLA_KEYS, type SlaSettings } from '../../domain/tasks';

/** SLAs long enough never to fire during a test. */
export function quietSla(): SlaSettings {
  const out = {} as SlaSettings;
  for (const k of SLA_KEYS) out[k] = { dueMs: 3_600_000, remindBeforeMs: 600_000 };
  return out;
}

/** Second-scale SLAs for reminder / escalation tests. */
export function fastSla(dueMs: number, remindBeforeMs: number): SlaSettings {
  const out = {} as SlaSettings;
  for (const k of SLA_KEYS) out[k] = { dueMs, remindBeforeMs };
  return out;
}
