import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');

/**
 * With RECORD_HISTORIES=1, stores a finished workflow's history under test/histories/
 * for the replay test, which then fails CI on a non-deterministic workflow change.
 */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const history = await handle.fetchHistory();
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  // The workflow id is part of task ids, so replay must use the original one.
  fs.writeFileSync(
    path.join(HISTORIES_DIR, `${name}.json`),
    JSON.stringify({ workflowId: handle.workflowId, history }),
  );
}
