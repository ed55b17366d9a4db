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

export const ARTIFACT_HISTORIES_DIR = path.resolve(__dirname, '..', 'artifacts', 'histories');

/**
 * Stores a workflow's history under test/artifacts/histories/ (same format as test/histories/),
 * e.g. of a workflow a test found broken, so `scripts/replay-history.ts` can replay it offline.
 * Answers the file written.
 */
export async function saveHistoryArtifact(handle: WorkflowHandle, label: string): Promise<string> {
  const history = await handle.fetchHistory();
  fs.mkdirSync(ARTIFACT_HISTORIES_DIR, { recursive: true });
  const file = path.join(ARTIFACT_HISTORIES_DIR, `${label}-${handle.workflowId}.json`);
  fs.writeFileSync(file, JSON.stringify({ workflowId: handle.workflowId, history }));
  return file;
}
