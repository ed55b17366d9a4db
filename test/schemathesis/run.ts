/**
 * `npm run test:schemathesis` — Schemathesis (https://schemathesis.io) against /openapi.json with
 * every check (`--checks all`), anonymously and as each demo role (tokens from POST
 * /auth/dev-token). Not part of `npm test`: it takes minutes.
 *
 *   npm run test:schemathesis                                # a fresh stack (lib/stack.ts), every identity
 *   npm run test:schemathesis -- --url http://localhost:3000 # a running stack (npm start)
 *   npm run test:schemathesis -- --as fundManager,anonymous --max-examples 20 --seed 1
 *
 * Schemathesis comes from PyPI into a virtualenv in .tools/schemathesis (installed on first use
 * with SCHEMATHESIS_PYTHON or the newest python3 found; nothing is downloaded when it is there). Reports (JUnit and the run's output) go to
 * test/artifacts/schemathesis/. Exit status 1 when any identity had a failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_USERS } from '../../domain/demo';
import { startBenchStack, type BenchStack } from '../../bench/lib/bench-stack';

const ROOT = path.resolve(__dirname, '..', '..');
const VERSION = '4.32.5';
const VENV = path.join(ROOT, '.tools', 'schemathesis');
const BIN = path.join(VENV, 'bin', 'schemathesis');
const OUT = path.join(ROOT, 'test', 'artifacts', 'schemathesis');

/** One identity per role, and nobody. */
const IDENTITIES: Record<string, string | null> = {
  anonymous: null,
  applicant: DEMO_USERS.applicant.email,
  coKg: DEMO_USERS.coKg.email,
  fundManager: DEMO_USERS.fundManager.email,
  reviewer1: DEMO_USERS.reviewer1.email,
  expert1: DEMO_USERS.expert1.email,
  admin: DEMO_USERS.admin.email,
};

/**
 * Rules no JSON Schema can state (one field against another, a reference to a row that must exist,
 * what a role may set, the data a task's decision needs): a schema-valid request that breaks one
 * is refused with 400 and the field's path. Schemathesis reports it as "schema-valid request
 * rejected" (ST202); these are the business-rule refusals the acceptance allows.
 */
const BUSINESS_RULES = [
  /^weights must sum to 100/,
  /^must be after opensAt$/,
  /^must be at least minGrantUsd$/,
  /^from must not be after to$/,
  /^must be on or after startDate$/,
  /^amounts sum to /,
  /^must fall between startDate and endDate$/,
  /^required for a mission$/,
  /^no such (call|thematic area|country)$/,
  /^the call is for /,
  /^the country is not eligible/,
  /^only fund managers receive a daily digest$/,
];

interface Failure {
  operation: string;
  check: string;
  status: number;
  body: string;
}

/** The failures Schemathesis printed, one per failed check of a test case. */
export function failuresOf(output: string): Failure[] {
  const at = output.indexOf('= FAILURES =');
  if (at < 0) return [];
  const section = output.slice(at).split(/\n=+ (?:WARNINGS|SUMMARY) =+/)[0];
  const out: Failure[] = [];
  for (const block of section
    .split(/\n_{3,} (\S+ \S+) _{3,}\n/)
    .reduce<[string, string][]>((acc, part, i, all) => (i % 2 === 1 ? [...acc, [part, all[i + 1]]] : acc), [])) {
    const [operation, text] = block;
    for (const testCase of `\n${text}`.split(/\n\d+\. Test Case ID: /).slice(1)) {
      const status = Number(/\n\[(\d{3})\]/.exec(testCase)?.[1] ?? 0);
      const body = /\n\s+`(.*)`\n/.exec(testCase)?.[1] ?? '';
      for (const m of testCase.matchAll(/\n- (ST\d+) /g)) out.push({ operation, check: m[1], status, body });
    }
  }
  return out;
}

export function isBusinessRule(f: Failure): boolean {
  if (f.check !== 'ST202' || f.status !== 400) return false;
  try {
    const error = (JSON.parse(f.body) as { error: { code: string; details?: { path: string; message: string }[] } })
      .error;
    // A decision's data and comment depend on the task's kind (each task lists its decisions with their data schema).
    if (
      f.operation === 'POST /tasks/{id}/decision' &&
      (error.code === 'invalid_decision' || error.details?.every((d) => /^(decision|comment|data)\b/.test(d.path)))
    )
      return true;
    return !!error.details?.length && error.details.every((d) => BUSINESS_RULES.some((re) => re.test(d.message)));
  } catch {
    return false;
  }
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/**
 * SCHEMATHESIS_PYTHON, else the newest Python 3 at hand: Hypothesis fails on some 3.11 builds
 * ("AST constructor recursion depth mismatch", a runtime error of the tool, not of the API).
 */
function python(): string {
  const candidates = [process.env.SCHEMATHESIS_PYTHON, 'python3.13', 'python3.12', 'python3'].filter(
    (c): c is string => !!c,
  );
  for (const candidate of candidates) if (spawnSync(candidate, ['--version']).status === 0) return candidate;
  throw new Error('Schemathesis needs Python 3 (with venv and pip)');
}

function ensureSchemathesis(): void {
  const installed = fs.existsSync(BIN) && spawnSync(BIN, ['--version'], { encoding: 'utf8' }).stdout.includes(VERSION);
  if (installed) return;
  console.log(`installing schemathesis ${VERSION} into ${path.relative(ROOT, VENV)} (PyPI)`);
  fs.rmSync(VENV, { recursive: true, force: true });
  for (const [cmd, args] of [
    [python(), ['-m', 'venv', VENV]],
    [path.join(VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${VERSION}`]],
  ] as const) {
    const r = spawnSync(cmd, [...args], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed; install Python 3 with venv and pip`);
  }
}

async function token(base: string, email: string): Promise<string> {
  const res = await fetch(`${base}/auth/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  if (!res.ok)
    throw new Error(
      `dev-token for ${email}: ${res.status} ${await res.text()} (the stack must run with AUTH_MODE=dev)`,
    );
  return ((await res.json()) as { token: string }).token;
}

/**
 * Operations that end the run's own sessions and tokens or change, remove or erase accounts: the
 * stateful phase follows the document's links (list people, then change the one listed), so it
 * would deactivate or erase the demo identities the other runs sign in as. Their tests are in
 * test/accounts.
 */
const ACCOUNT_CHANGING_OPERATIONS = [
  'revokeSession',
  'revokeAllSessions',
  'updateUser',
  'createErasure',
  'revokeInstitutionMember',
];

/** Runs Schemathesis for one identity; resolves with its exit code, the tail of its summary and its failures. */
function run(
  base: string,
  who: string,
  bearer: string | null,
): Promise<{ code: number; summary: string; failures: Failure[] }> {
  const dir = path.join(OUT, who);
  fs.mkdirSync(dir, { recursive: true });
  const args = [
    'run',
    `${base}/openapi.json`,
    '--url',
    base,
    '--checks',
    'all',
    '--max-examples',
    option('max-examples') ?? '100',
    '--workers',
    option('workers') ?? '2',
    '--request-timeout',
    '60',
    '--report',
    'junit',
    '--report-dir',
    dir,
    '--output-truncate',
    'false',
    ...(option('seed') ? ['--seed', option('seed')!] : []),
    ...(option('phases') ? ['--phases', option('phases')!] : []),
    ...(bearer ? ['--header', `Authorization: Bearer ${bearer}`] : []),
    ...ACCOUNT_CHANGING_OPERATIONS.flatMap((id) => ['--exclude-operation-id', id]),
  ];
  return new Promise((resolve) => {
    // Run in the reports' folder: Schemathesis keeps its cache of past failures in ./.schemathesis.
    const child = spawn(BIN, args, { cwd: OUT, env: { ...process.env, NO_COLOR: '1', COLUMNS: '160' } });
    const log = fs.createWriteStream(path.join(dir, 'output.txt'));
    let text = '';
    const take = (chunk: Buffer) => {
      log.write(chunk);
      text += chunk.toString();
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code) => {
      log.end();
      const at = text.lastIndexOf('SUMMARY');
      resolve({
        code: code ?? 1,
        summary: (at >= 0 ? text.slice(at) : text.slice(-3000)).trim(),
        failures: failuresOf(text),
      });
    });
  });
}

async function main(): Promise<void> {
  ensureSchemathesis();
  const wanted = (option('as') ?? Object.keys(IDENTITIES).join(',')).split(',');
  let stack: BenchStack | undefined;
  let base = option('url')?.replace(/\/+$/, '');
  if (!base) {
    // Rate limits off and SLAs that never fire (bench/lib/bench-stack.ts): the run measures the contract, not the limiter.
    stack = await startBenchStack({ label: 'schemathesis' });
    base = stack.stack.apiUrl;
  }
  const results: { who: string; code: number; summary: string; other: Failure[]; rules: Failure[]; errors: boolean }[] =
    [];
  try {
    for (const who of wanted) {
      if (!(who in IDENTITIES))
        throw new Error(`unknown identity ${who}: one of ${Object.keys(IDENTITIES).join(', ')}`);
      const email = IDENTITIES[who];
      const started = Date.now();
      const { code, summary, failures } = await run(base, who, email ? await token(base, email) : null);
      const rules = failures.filter(isBusinessRule);
      const other = failures.filter((f) => !isBusinessRule(f));
      console.log(`\n===== ${who}: exit ${code} in ${((Date.now() - started) / 1000).toFixed(0)} s\n${summary}`);
      results.push({ who, code, summary, other, rules, errors: /\nErrors:\n/.test(summary) });
    }
  } finally {
    await stack?.stop();
  }
  const describe = (f: Failure) => `${f.check} ${f.operation} → ${f.status} ${f.body.slice(0, 200)}`;
  const verdict = results
    .map((r) => {
      const lines = [
        `${r.who}: ${r.other.length} failure(s), ${r.rules.length} business-rule refusal(s) of schema-valid requests${r.errors ? ', and errors of the run (see its output)' : ''}`,
      ];
      for (const f of r.other) lines.push(`  FAILURE ${describe(f)}`);
      for (const f of r.rules) lines.push(`  rule    ${describe(f)}`);
      return lines.join('\n');
    })
    .join('\n');
  fs.writeFileSync(
    path.join(OUT, 'summary.txt'),
    `${verdict}\n\n${results.map((r) => `===== ${r.who}: exit ${r.code}\n${r.summary}\n`).join('\n')}`,
  );
  console.log(`\n${verdict}\nreports: ${path.relative(ROOT, OUT)}/`);
  // Clean: nothing but business-rule refusals, and no error of the run itself.
  const clean = results.every((r) => !r.other.length && !r.errors && (r.code === 0 || r.rules.length > 0));
  process.exit(clean ? 0 : 1);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
