/**
 * `npx tsx scripts/replay-history.ts <history.json>...`: replays recorded workflow histories
 * (the format of test/histories/ and test/artifacts/histories/) against today's workflow code,
 * with no server and no worker to kill, and prints each one's outcome with the failure's stack.
 * For turning a non-determinism a resilience test met into a deterministic reproduction.
 * Exit code 1 when any history fails.
 */
import fs from 'node:fs';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_OPTIONS } from '../worker/workflows-path';

async function main(): Promise<void> {
  const files = process.argv.slice(2);
  if (!files.length) {
    process.stderr.write('usage: npx tsx scripts/replay-history.ts <history.json>...\n');
    process.exit(2);
  }
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const workflowBundle = await bundleWorkflowCode({
    ...WORKFLOW_BUNDLE_OPTIONS,
    logger: new DefaultLogger('WARN'),
  });
  let failed = 0;
  for (const file of files) {
    const recorded = JSON.parse(fs.readFileSync(file, 'utf8')) as { workflowId: string; history: object };
    const history = temporal.api.history.v1.History.fromObject(recorded.history);
    try {
      await Worker.runReplayHistory({ workflowBundle, replayName: 'replay-history' }, history, recorded.workflowId);
      process.stdout.write(`ok    ${file}\n`);
    } catch (err) {
      failed++;
      process.stdout.write(`FAIL  ${file}\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      for (let c = (err as { cause?: unknown }).cause; c; c = (c as { cause?: unknown }).cause)
        process.stdout.write(`  caused by: ${c instanceof Error ? (c.stack ?? c.message) : String(c)}\n`);
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();
