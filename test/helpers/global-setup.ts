import { findTemporalCli, TEMPORAL_CLI_MISSING } from '../../lib/temporal-cli';

/** Tests never skip for want of a server: no Temporal CLI, no test run. */
export default async function globalSetup(): Promise<void> {
  if (!findTemporalCli()) throw new Error(TEMPORAL_CLI_MISSING);
  process.env.NODE_ENV = 'test';
}
