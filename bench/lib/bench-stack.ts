import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { openDatabase, type PrismaClient } from '../../lib/db';
import { startMailCatcher, type MailCatcher } from '../../lib/mail-catcher';
import { startStack, type Stack } from '../../lib/stack';
import { log } from './report';
import { RssSampler } from './proc';

export interface BenchStack {
  stack: Stack;
  mail: MailCatcher;
  prisma: PrismaClient;
  connection: Connection;
  client: Client;
  rss: RssSampler;
  /** Restarts the worker with extra environment (e.g. a small workflow cache). */
  restartWorker(env?: NodeJS.ProcessEnv): Promise<void>;
  stop(): Promise<void>;
}

/** The stack's settings for benchmarks: SLAs that never fire, quiet logs, no rate limit, mail to an in-process catcher. */
export function benchEnv(smtpPort: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    SLA_ENDORSEMENT_DAYS: '3650',
    SLA_DEFAULT_DAYS: '3650',
    SLA_INVITATION_DAYS: '3650',
    SLA_REMINDER_BEFORE_DAYS: '1',
    LOG_LEVEL: 'warn',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    RATE_LIMIT_PER_MINUTE: '100000000',
    ...extra,
  };
}

/**
 * The real stack as processes (Temporal dev server with its SQLite file, an embedded PostgreSQL
 * server of its own with durable commits as in production, worker, API) on free loopback ports, plus a mail catcher in this process and a Temporal client / Prisma client
 * for seeding and checks.
 */
export async function startBenchStack(opts: {
  api?: boolean;
  env?: NodeJS.ProcessEnv;
  label: string;
  dataDir?: string;
}): Promise<BenchStack> {
  const started = Date.now();
  const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
  const mail = await startMailCatcher({ smtpPort: 0, uiPort: 0, maxMessages: 200, log: quiet });
  const errors: string[] = [];
  const dataDir = opts.dataDir ?? process.env.BENCH_DATA_DIR;
  const stack = await startStack({
    api: opts.api ?? true,
    ...(dataDir ? { dataDir: fs.mkdtempSync(path.join(dataDir, 'rus-undp-bench-')) } : {}),
    // BENCH_STACK_ENV (JSON) adds environment for profiling, e.g. {"NODE_OPTIONS":"--require ./probe.js"}.
    env: benchEnv(mail.smtpPort, {
      ...opts.env,
      ...(process.env.BENCH_STACK_ENV ? (JSON.parse(process.env.BENCH_STACK_ENV) as NodeJS.ProcessEnv) : {}),
    }),
    log: (line) => {
      // Child output at warn and above: keep a few for the report, echo the first ones.
      if (errors.length < 20 && /"level":[456]0|error|Error/.test(line))
        process.stderr.write(`${line.slice(0, 400)}\n`);
      errors.push(line);
    },
  });
  const prisma = await openDatabase(stack.databaseUrl);
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  const rss = new RssSampler().start();
  rss.track('worker', stack.worker?.pid);
  rss.track('api', stack.api?.pid);
  log(
    `${opts.label}: stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (Temporal ${stack.temporalAddress}, API ${stack.apiUrl}, SMTP sink :${mail.smtpPort})`,
  );
  return {
    stack,
    mail,
    prisma,
    connection,
    client,
    rss,
    async restartWorker(env = {}) {
      await stack.killWorker('SIGTERM');
      Object.assign(stack.env, env);
      await stack.startWorker();
      rss.track('worker', stack.worker?.pid);
    },
    async stop() {
      rss.stop();
      await connection.close().catch(() => undefined);
      await prisma.$disconnect().catch(() => undefined);
      await stack.stop();
      await mail.stop();
    },
  };
}
