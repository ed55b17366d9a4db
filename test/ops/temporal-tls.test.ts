import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { DEMO_USERS } from '../../domain/demo';
import { openDatabase, type PrismaClient } from '../../lib/db';
import { startStack, type Stack } from '../../lib/stack';
import { loadConfig } from '../../lib/config';
import { verifyTemporalNamespace } from '../../lib/temporal-setup';
import { createApplicants } from '../helpers/drive';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import {
  makeTestPki,
  startApiKeyProxy,
  startTlsTerminator,
  type ApiKeyProxy,
  type TestPki,
  type TlsTerminator,
} from '../helpers/tls';
import { createProposalOverHttp, HttpApi, sleep, type HttpApplicant } from '../resilience/http';

/**
 * The worker and the API against a secured Temporal: the dev server behind a TLS terminator that
 * demands a client certificate (mTLS), and behind an API key check (as Temporal Cloud). The
 * processes are the real `worker/main.ts` and `api/main.ts`, configured only by environment.
 */
const root = path.resolve(__dirname, '..', '..');
const SERVER_NAME = 'temporal.test';
const API_KEY = 'tmprl-test-key-0123456789';

let stack: Stack;
let smtp: TestSmtp;
let prisma: PrismaClient;
let pki: TestPki;
let mtls: TlsTerminator;
let keyProxy: ApiKeyProxy;
let keyTls: TlsTerminator;
let plainAddress: string;
let applicants: HttpApplicant[];
/** Every line the stack's processes wrote. */
const logs: string[] = [];

const TLS_SETTINGS = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CA',
  'TEMPORAL_TLS_CERT',
  'TEMPORAL_TLS_KEY',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_API_KEY',
];

/** The stack's environment with these Temporal settings (and no others of the kind). */
function temporalEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...stack.env };
  for (const name of TLS_SETTINGS) delete env[name];
  return { ...env, TEMPORAL_ADDRESS: plainAddress, ...settings };
}

function useTemporal(settings: Record<string, string>): void {
  for (const name of TLS_SETTINGS) delete stack.env[name];
  Object.assign(stack.env, temporalEnv(settings));
}

/** What a process that stopped said about why: the `err` of its fatal log line, or its stderr (configuration errors). */
function causeOf(output: string): string {
  for (const line of output.split('\n')) {
    try {
      const entry = JSON.parse(line) as { level?: number; err?: string };
      if (entry.level === 60 && entry.err) return entry.err;
    } catch {
      // not a log line
    }
  }
  return output;
}

/** Runs worker/main.ts or api/main.ts and waits for it to exit by itself. */
function runUntilExit(
  script: 'worker/main.ts' | 'api/main.ts',
  env: NodeJS.ProcessEnv,
  timeoutMs = 90_000,
): Promise<{ code: number | null; output: string; cause: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(root, script)], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    proc.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${script} still running after ${timeoutMs} ms; output:\n${output}`));
    }, timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, cause: causeOf(output) });
    });
  });
}

/** The proposal's first task is opened by the worker, and the CO's decision goes through the API's Update: both connections work. */
async function proposalGoesThrough(api: HttpApi, applicant: HttpApplicant, key: string): Promise<void> {
  const id = await createProposalOverHttp(api, applicant, key, 60_000);
  const fm = await api.token(DEMO_USERS.fundManager.email);
  const deadline = Date.now() + 60_000;
  let taskId: string | undefined;
  while (!taskId) {
    if (Date.now() > deadline) throw new Error(`proposal ${id}: no co_endorsement task within 60 s`);
    const view = await api.get(`/proposals/${id}`, fm);
    taskId = (view.body?.openTasks as { id: string; kind: string }[] | undefined)?.find(
      (t) => t.kind === 'co_endorsement',
    )?.id;
    if (!taskId) await sleep(200);
  }
  const decided = await api.post(
    `/tasks/${encodeURIComponent(taskId)}/decision`,
    { decision: 'endorse' },
    await api.token(DEMO_USERS.coKg.email),
  );
  expect(decided.status).toBe(200);
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  stack = await startStack({
    worker: false,
    env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), RATE_LIMIT_PER_MINUTE: '100000' },
    log: (line) => logs.push(line),
  });
  plainAddress = stack.temporalAddress;
  prisma = await openDatabase(stack.databaseUrl);
  applicants = (await createApplicants(prisma, 2, 'tls')).map((a, i) => ({ ...a, email: `tls-${i}@example.org` }));
  pki = makeTestPki(SERVER_NAME);
  const devPort = Number(plainAddress.split(':')[1]);
  mtls = await startTlsTerminator({ server: pki.server, clientCa: pki.caCert, targetPort: devPort });
  keyProxy = await startApiKeyProxy({ apiKey: API_KEY, targetPort: devPort });
  keyTls = await startTlsTerminator({ server: pki.server, targetPort: keyProxy.port });
}, 180_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await stack?.stop();
  await Promise.all([mtls?.close(), keyTls?.close(), keyProxy?.close(), smtp?.stop()]);
  pki?.remove();
});

describe('mTLS (the dev server behind a TLS terminator that requires a client certificate)', () => {
  const good = () => ({
    TEMPORAL_ADDRESS: `127.0.0.1:${mtls.port}`,
    TEMPORAL_TLS_CA: pki.caCert,
    TEMPORAL_TLS_CERT: pki.client.cert,
    // PEM text instead of a path, newlines escaped as a secret store would hand it over.
    TEMPORAL_TLS_KEY: fs.readFileSync(pki.client.key, 'utf8').replace(/\n/g, '\\n'),
    // The server certificate names temporal.test only, and we connect by IP address.
    TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
  });

  test('with the right certificate the worker and the API connect, and a proposal goes through both', async () => {
    useTemporal(good());
    await stack.startWorker();
    await stack.startApi();
    try {
      await proposalGoesThrough(new HttpApi(stack.apiUrl), applicants[0], 'tls-mtls');
      // Both processes came through the terminator with the client certificate (the API on its own connection).
      expect(mtls.clients.length).toBeGreaterThanOrEqual(2);
      expect(new Set(mtls.clients)).toEqual(new Set(['rus-undp-worker']));
    } finally {
      await stack.killApi('SIGTERM');
      await stack.killWorker('SIGTERM');
    }
  }, 240_000);

  const refusals: [string, () => Record<string, string>, RegExp][] = [
    [
      'without a client certificate',
      () => ({ ...good(), TEMPORAL_TLS_CERT: '', TEMPORAL_TLS_KEY: '' }),
      /requires a client certificate \(mTLS\): set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY/,
    ],
    [
      'with a certificate of another CA',
      () => ({ ...good(), TEMPORAL_TLS_CERT: pki.strangerClient.cert, TEMPORAL_TLS_KEY: pki.strangerClient.key }),
      /does not accept the client certificate TEMPORAL_TLS_CERT \(CN=stranger, issued by CN=other-ca\)/,
    ],
    [
      'trusting the wrong CA',
      () => ({ ...good(), TEMPORAL_TLS_CA: pki.otherCaCert }),
      /certificate of Temporal at 127\.0\.0\.1:\d+ is not signed by TEMPORAL_TLS_CA \(CN=other-ca/,
    ],
    [
      'without the server name override',
      () => ({ ...good(), TEMPORAL_TLS_SERVER_NAME: '' }),
      /not valid for 127\.0\.0\.1 \(it names DNS:temporal\.test\): set TEMPORAL_TLS_SERVER_NAME/,
    ],
    ['with TLS off', () => ({ TEMPORAL_ADDRESS: `127.0.0.1:${mtls.port}` }), /expects TLS: set TEMPORAL_TLS_CA/],
  ];

  test.each(refusals)(
    'the worker refuses to start %s, naming the cause',
    async (_name, settings, expected) => {
      const { code, output, cause } = await runUntilExit('worker/main.ts', temporalEnv(settings()));
      expect(code).toBe(1);
      expect(cause).toMatch(expected);
      expect(output).not.toMatch(/worker_started/);
    },
    120_000,
  );

  test('the API refuses to start without a client certificate, with a stranger one, or trusting the wrong CA, naming the cause', async () => {
    // Concurrently: the API tries for its 10-second connect timeout before it looks for the cause.
    const runs = await Promise.all(
      refusals.slice(0, 3).map(([, settings]) => runUntilExit('api/main.ts', temporalEnv(settings()))),
    );
    runs.forEach(({ code, output, cause }, i) => {
      expect(code).toBe(1);
      expect(cause).toMatch(refusals[i][2]);
      expect(output).not.toMatch(/api_started/);
    });
  }, 120_000);

  test('a certificate without its key, or with the wrong key, stops start-up naming the variable', async () => {
    const missingKey = await runUntilExit('worker/main.ts', temporalEnv({ ...good(), TEMPORAL_TLS_KEY: '' }));
    expect(missingKey.code).toBe(1);
    expect(missingKey.cause).toMatch(/TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY: a client certificate needs both/);
    const wrongKey = await runUntilExit(
      'api/main.ts',
      temporalEnv({ ...good(), TEMPORAL_TLS_KEY: pki.strangerClient.key }),
    );
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.cause).toMatch(/TEMPORAL_TLS_KEY: is not the private key of TEMPORAL_TLS_CERT/);
  }, 120_000);
});

describe('API key (an HTTP/2 proxy that checks the authorization metadata, behind TLS as Temporal Cloud)', () => {
  const withKey = (apiKey: string) => ({
    TEMPORAL_ADDRESS: `127.0.0.1:${keyTls.port}`,
    TEMPORAL_TLS_CA: pki.caCert,
    TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
    TEMPORAL_API_KEY: apiKey,
  });

  test('with the right key both processes connect; every call of both carries it', async () => {
    useTemporal(withKey(API_KEY));
    const refusedBefore = keyProxy.refused;
    await stack.startWorker();
    await stack.startApi();
    try {
      await proposalGoesThrough(new HttpApi(stack.apiUrl), applicants[1], 'tls-key');
      expect(keyProxy.refused).toBe(refusedBefore);
      // The API's grpc-js client and the worker's Core (tonic) client both sent `authorization: Bearer <key>`.
      const agents = [...keyProxy.authorizedAgents].join(' ');
      expect(agents).toMatch(/grpc-node-js/);
      expect(agents).toMatch(/tonic/);
      expect(logs.some((line) => line.includes('worker_started'))).toBe(true);
      expect(logs.filter((line) => line.includes(API_KEY))).toEqual([]);
    } finally {
      await stack.killApi('SIGTERM');
      await stack.killWorker('SIGTERM');
    }
  }, 240_000);

  test('with a wrong key the worker and the API refuse to start, naming TEMPORAL_API_KEY', async () => {
    const refusedBefore = keyProxy.refused;
    for (const script of ['worker/main.ts', 'api/main.ts'] as const) {
      const { code, cause, output } = await runUntilExit(script, temporalEnv(withKey('wrong-key-0123456789')));
      expect(code).toBe(1);
      expect(cause).toMatch(/refused the API key TEMPORAL_API_KEY: .*invalid API key/);
      expect(output).not.toContain('wrong-key-0123456789');
    }
    expect(keyProxy.refused).toBeGreaterThan(refusedBefore);
  }, 120_000);
});

describe('namespace and search attributes', () => {
  test('a missing namespace, or one without our search attributes, stops the worker and the API naming what is missing', async () => {
    const missing = await runUntilExit('worker/main.ts', temporalEnv({ TEMPORAL_NAMESPACE: 'no-such-namespace' }));
    expect(missing.code).toBe(1);
    expect(missing.cause).toMatch(
      /namespace "no-such-namespace" does not exist on Temporal at 127\.0\.0\.1:\d+: create it or correct TEMPORAL_NAMESPACE/,
    );

    // A namespace created without the search attributes (custom attributes are per namespace on this server).
    const connection = await Connection.connect({ address: plainAddress });
    try {
      await connection.workflowService.registerNamespace({
        namespace: 'bare',
        workflowExecutionRetentionPeriod: msToTs('1 day'),
      });
      for (let i = 0; ; i++) {
        try {
          await connection.workflowService.describeNamespace({ namespace: 'bare' });
          break;
        } catch (err) {
          if (i > 100) throw err;
          await sleep(200);
        }
      }
    } finally {
      await connection.close();
    }
    for (const script of ['worker/main.ts', 'api/main.ts'] as const) {
      const { code, cause } = await runUntilExit(script, temporalEnv({ TEMPORAL_NAMESPACE: 'bare' }));
      expect(code).toBe(1);
      expect(cause).toMatch(
        /namespace "bare" on Temporal at 127\.0\.0\.1:\d+ lacks the search attributes Programme, Stage, ProgrammeStage, CountryCode; create with: temporal operator search-attribute create --namespace bare --name Programme --type Keyword/,
      );
    }
  }, 180_000);

  test('where the operator API is not offered to applications, the search attributes are checked through visibility queries', async () => {
    const connection = await Connection.connect({ address: plainAddress });
    const noOperatorApi = {
      workflowService: connection.workflowService,
      operatorService: {
        listSearchAttributes: () =>
          Promise.reject(Object.assign(new Error('12 UNIMPLEMENTED: not offered here'), { code: 12 })),
      },
    };
    try {
      await expect(
        verifyTemporalNamespace(
          noOperatorApi,
          loadConfig({ TEMPORAL_ADDRESS: plainAddress, TEMPORAL_NAMESPACE: 'default' }),
        ),
      ).resolves.toBeUndefined();
      await expect(
        verifyTemporalNamespace(
          noOperatorApi,
          loadConfig({ TEMPORAL_ADDRESS: plainAddress, TEMPORAL_NAMESPACE: 'bare' }),
        ),
      ).rejects.toThrow(
        /namespace "bare" on Temporal at 127\.0\.0\.1:\d+ lacks the search attributes Programme, Stage, ProgrammeStage, CountryCode/,
      );
    } finally {
      await connection.close();
    }
  });
});
