import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from '../helpers/histories';
import { testWorkflowBundle } from '../helpers/temporal';

/**
 * Replays recorded histories against today's workflow code: a change that is not
 * deterministic (without patched()) fails here. Re-record with `npm run test:record-histories`.
 */
test('recorded histories replay without non-determinism', async () => {
  // Subfolders hold histories of older workflow versions, kept after a patched() change (docs/versioning.md).
  const files = (fs.readdirSync(HISTORIES_DIR, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.json'))
    .sort();
  expect(files.length).toBeGreaterThanOrEqual(3);
  const histories = files.map((file) => {
    const recorded = JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as {
      workflowId: string;
      history: object;
    };
    return { workflowId: recorded.workflowId, history: temporal.api.history.v1.History.fromObject(recorded.history) };
  });
  const bundle = await testWorkflowBundle();
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
});
