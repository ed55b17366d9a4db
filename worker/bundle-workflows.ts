/**
 * Bundles the workflow code into one file: `node --import tsx worker/bundle-workflows.ts <out.js>`.
 * The worker runs this in a short-lived child process, so webpack's memory (about 150 MB that
 * the worker would otherwise keep for its whole life) goes away with the child.
 */
import fs from 'node:fs';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_OPTIONS } from './workflows-path';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: bundle-workflows.ts <out.js>');
  const bundle = await bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: new DefaultLogger('WARN') });
  fs.writeFileSync(out, bundle.code);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
