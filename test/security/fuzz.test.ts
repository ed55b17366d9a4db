import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import request from 'supertest';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../api/auth';
import { CALL_EXAMPLE } from '../../api/examples';
import { EVENT_TRAVEL_EXAMPLE } from '../../api/event-travel-schemas';
import { UNV_REQUEST_EXAMPLE } from '../../api/un-volunteers-schemas';
import { INTERNSHIP_EXAMPLE, POSTING_EXAMPLE } from '../../api/internship-schemas';
import { DEMO_USERS } from '../../domain/demo';
import { poolOf } from '../../lib/db';
import { mulberry32 } from '../../prisma/seed-data';
import { expertRequestPayload, proposalPayload } from '../fixtures/payloads';
import {
  as,
  DEV_SECRET,
  stageInternshipDocuments,
  startApiHarness,
  type ApiHarness,
  type DemoKey,
} from '../api/harness';

/**
 * Fuzzing every POST/PATCH route of the OpenAPI document (new routes are picked up by
 * themselves): random and boundary values, wrong types, huge strings, unicode, NUL bytes, deeply
 * nested and duplicated-key JSON, wrong media types, prototype-pollution keys; valid and invalid
 * tokens. No answer may be a 5xx, and the database (row counts of every table, a checksum of
 * every table) and Temporal (workflow count) change only as far as the requests that succeeded
 * explain. Seeded: FUZZ_SEED=<n> replays a run; the seed is printed.
 */
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2400);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const CONCURRENCY = 6;

// ---------------------------------------------------------------- seeded PRNG (mulberry32)

function prng(seed: number) {
  const next = mulberry32(seed);
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof prng>;

// ---------------------------------------------------------------- values

const UNICODE = [
  'Привет, мир',
  '👩‍👩‍👧‍👦🚀',
  '\u202Eevil.exe',
  'e\u0301\u0301\u0301',
  '\uFFFF\uFFFE',
  '\uD800',
  '\uDFFF\uD800',
  '中文字符',
  'ﷺ',
  '\u200B\u200C\u200D',
  'Z̸̧̛͓a̴l̷g̸o̵',
];
const INJECTION = [
  "'; DROP TABLE Proposal; --",
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%s%s%s%n',
  '{{7*7}}',
  '${7*7}',
  'javascript:alert(1)',
  '=cmd|"/c calc"!A1',
  '\r\nX-Injected: 1',
  'null',
  'undefined',
  'NaN',
];
const DATES = [
  '2026-02-30',
  '9999-12-31',
  '0000-00-00',
  '2026-13-01',
  '1970-01-01',
  '2026-1-1',
  '2026-01-01T00:00:00Z',
  '',
];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];

function nastyValue(rng: Rng): unknown {
  switch (rng.int(0, 13)) {
    case 0:
      return rng.pick([null, true, false]);
    case 1:
      return rng.pick([
        0,
        -0,
        -1,
        1,
        0.5,
        -1e-308,
        1e308,
        -1e308,
        2 ** 53 + 1,
        -(2 ** 53) - 1,
        100_000_000,
        100_000_001,
        60,
        61,
        17,
        18,
        90,
        91,
        2001,
      ]);
    case 2:
      return rng.pick(['', ' ', '\t\n', 'x']);
    case 3:
      return 'x'.repeat(rng.pick([301, 2001, 5001, 10_001, 20_001, 100_000]));
    case 4:
      return rng.pick(UNICODE).repeat(rng.int(1, 50));
    case 5:
      return rng.pick(['\u0000', 'a\u0000b', '\u0000'.repeat(100), 'KG\u0000']);
    case 6:
      return rng.pick(INJECTION);
    case 7:
      return rng.pick(DATES);
    case 8:
      return rng.pick([[], [null], [[[]]], Array.from({ length: 1000 }, (_, i) => i), ['KG', 'KG']]);
    case 9:
      return rng.pick([{}, { a: 1 }, { [rng.pick(PROTO_KEYS)]: { polluted: 'yes' } }]);
    case 10:
      return rng.pick(['30000', '1e3', '0x10', 'true', '[]', '{}']);
    case 11:
      return rng.pick(['KG', 'kg', 'K', 'KGZ', 'XX', 'TJ', 'RU']);
    case 12:
      return rng.pick(Object.values(DEMO_USERS).map((u) => u.id));
    default:
      return rng.pick(['u-admin', 'exp-001', 'call-kg', 'climate-adaptation', 'inst-hse']);
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path into a JSON value (object keys and array indices), the root included. */
function pathsOf(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (!path.length) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  // An earlier mutation may have replaced a parent of this path with a scalar or null: nothing to set.
  if (node === null || typeof node !== 'object') return copy;
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

/** A minimal value for a JSON Schema (for routes without a hand-written valid body). */
function fromSchema(schema: Record<string, unknown> | undefined, rng: Rng, depth = 0): Json {
  if (!schema || depth > 6) return null;
  // Named schemas live under components.schemas.
  if (typeof schema.$ref === 'string')
    return fromSchema(
      (doc as unknown as { components: { schemas: Record<string, Record<string, unknown>> } }).components.schemas[
        schema.$ref.split('/').pop()!
      ],
      rng,
      depth + 1,
    );
  if (Array.isArray(schema.enum)) return rng.pick(schema.enum as Json[]);
  if ('const' in schema) return schema.const as Json;
  for (const k of ['anyOf', 'oneOf', 'allOf'])
    if (Array.isArray(schema[k])) return fromSchema(rng.pick(schema[k] as Record<string, unknown>[]), rng, depth + 1);
  const type = Array.isArray(schema.type) ? rng.pick(schema.type as string[]) : schema.type;
  switch (type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      const required = new Set((schema.required ?? []) as string[]);
      const out: Record<string, Json> = {};
      for (const [k, s] of Object.entries(props))
        if (required.has(k) || rng.chance(0.3)) out[k] = fromSchema(s, rng, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: Number(schema.minItems ?? 1) }, () =>
        fromSchema(schema.items as Record<string, unknown>, rng, depth + 1),
      );
    case 'string':
      return 'x'.repeat(Math.max(1, Number(schema.minLength ?? 1)));
    case 'integer':
    case 'number':
      return Number(schema.minimum ?? 1);
    case 'boolean':
      return true;
    default:
      return null;
  }
}

// ---------------------------------------------------------------- setup

let h: ApiHarness;
let doc: {
  paths: Record<
    string,
    Record<
      string,
      { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }; security?: unknown[] }
    >
  >;
};
const ids: Record<string, string> = {};
const TOKENS: Partial<Record<DemoKey, string>> = {};
const ROLES: DemoKey[] = [
  'applicant',
  'applicant2',
  'coKg',
  'coKg2',
  'coTj',
  'fundManager',
  'reviewer1',
  'reviewer3',
  'expert1',
  'expert2',
  'admin',
];
let badTokens: string[] = [];

/** Who may plausibly call each operation: most valid-token requests come from them, to get past the role gates. */
const ACTORS: Record<string, DemoKey[]> = {
  'post /proposals': ['applicant', 'applicant2'],
  'post /proposals/{id}/resubmit': ['applicant2'],
  'post /proposals/{id}/withdraw': ['applicant', 'applicant2'],
  'post /expert-requests': ['coKg', 'coKg2'],
  'post /expert-requests/{id}/withdraw': ['coKg'],
  'post /event-travel': ['expert1', 'expert2', 'fundManager'],
  'post /event-travel/{id}/withdraw': ['expert1'],
  'post /unv-assignments': ['coKg', 'coKg2'],
  'post /unv-assignments/{id}/withdraw': ['coKg'],
  'post /internship-postings': ['coKg', 'fundManager'],
  'post /internship-postings/{id}/extend': ['coKg'],
  'post /internship-postings/{id}/withdraw': ['coKg'],
  'post /internships': ['applicant', 'applicant2'],
  'post /internships/{id}/withdraw': ['applicant'],
  'post /internships/{id}/terminate': ['applicant', 'coKg'],
  'post /tasks/{id}/decision': ['coKg', 'coKg2', 'applicant2', 'fundManager'],
  'post /calls': ['fundManager'],
  'post /experts': ['fundManager', 'admin'],
  'patch /experts/{id}': ['fundManager', 'expert1'],
};

const DECISIONS = [
  { decision: 'endorse' },
  { decision: 'reject', comment: 'no' },
  { decision: 'request_changes', comment: 'more detail' },
  { decision: 'resubmit', data: { title: 'Changed' } },
  { decision: 'confirm' },
  {
    decision: 'submit_score',
    data: { scores: { innovation: 80, feasibility_sustainability: 70, social_benefit: 75 } },
  },
  { decision: 'declare_no_conflict', data: { noConflictDeclared: true } },
  { decision: 'assign', data: { reviewerIds: [DEMO_USERS.reviewer1.id] } },
];

/** A valid-looking body per operation; routes added later fall back to one generated from their schema. */
function seedBody(op: string, rng: Rng, schema: Record<string, unknown> | undefined): Json {
  switch (op) {
    case 'post /auth/dev-token':
      return { email: rng.pick(Object.values(DEMO_USERS)).email };
    case 'post /proposals':
      return proposalPayload({ title: `Fuzz ${rng.int(0, 1e9)}` }) as unknown as Json;
    case 'post /proposals/{id}/resubmit':
      return { title: 'Resubmitted title' };
    case 'post /proposals/{id}/withdraw':
    case 'post /expert-requests/{id}/withdraw':
    case 'post /event-travel/{id}/withdraw':
    case 'post /unv-assignments/{id}/withdraw':
    case 'post /internships/{id}/withdraw':
      return rng.chance(0.5) ? {} : { reason: 'changed plans' };
    case 'post /expert-requests':
      return expertRequestPayload({ title: `Fuzz ${rng.int(0, 1e9)}` }) as unknown as Json;
    case 'post /event-travel':
      return (rng.chance(0.3)
        ? { ...EVENT_TRAVEL_EXAMPLE, expertId: 'exp-002' }
        : EVENT_TRAVEL_EXAMPLE) as unknown as Json;
    case 'post /unv-assignments':
      return { ...UNV_REQUEST_EXAMPLE, title: `Fuzz ${rng.int(0, 1e9)}` } as unknown as Json;
    case 'post /internship-postings':
      return POSTING_EXAMPLE as unknown as Json;
    case 'post /internship-postings/{id}/extend':
      return { applicationDeadline: rng.pick(['2027-07-15', '2027-05-01']) };
    case 'post /internship-postings/{id}/withdraw':
      return { reason: 'postponed' };
    case 'post /internships':
      return { ...INTERNSHIP_EXAMPLE, postingId: ids.ip } as unknown as Json;
    case 'post /internships/{id}/terminate':
      return { reason: rng.pick(['left the duty station', ' ']) };
    case 'post /tasks/{id}/decision':
      return rng.pick(DECISIONS) as unknown as Json;
    case 'post /calls':
      return { ...CALL_EXAMPLE, title: 'Fuzz call' } as unknown as Json;
    case 'post /experts':
      return {
        name: 'Fuzz Expert',
        email: `fuzz.${rng.int(0, 1e9)}@example.org`,
        thematicAreaIds: ['health'],
        languages: ['ru'],
        dailyFeeUsd: 400,
      };
    case 'patch /experts/{id}':
      return { bio: `bio ${rng.int(0, 1e9)}` };
    case 'patch /me':
      return { language: rng.pick(['en', 'ru']) };
    default:
      return fromSchema(schema, rng);
  }
}

function deep(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

interface Case {
  op: string;
  method: 'post' | 'patch';
  url: string;
  token?: string;
  tokenKind: string;
  contentType?: string;
  body?: string | Buffer;
  headers: Record<string, string>;
  mutation: string;
}

const MUTATIONS = [
  'valid',
  'drop',
  'wrong_type',
  'nasty_value',
  'nasty_value',
  'huge_string',
  'unicode',
  'nul',
  'unknown_field',
  'proto_key',
  'duplicate_keys',
  'deep_raw',
  'deep_in_field',
  'array_body',
  'scalar_body',
  'empty',
  'malformed',
  'content_type',
  'too_large',
  'bom',
] as const;

function makeCase(op: string, rng: Rng, mutation: (typeof MUTATIONS)[number]): Case {
  const [method, path] = op.split(' ') as ['post' | 'patch', string];
  const operation = doc.paths[path][method];
  const schema = operation.requestBody?.content['application/json']?.schema;
  // Ids of the right kind most of the time (so requests get past the lookup), any id otherwise.
  const own = Object.entries(ids)
    .filter(([k]) =>
      k.startsWith(
        path.split('/')[1] === 'tasks'
          ? 'task:'
          : path.split('/')[1] === 'experts'
            ? 'expert'
            : path.split('/')[1] === 'expert-requests'
              ? 'er'
              : path.split('/')[1] === 'event-travel'
                ? 'et'
                : path.split('/')[1] === 'unv-assignments'
                  ? 'unv'
                  : path.split('/')[1] === 'internship-postings'
                    ? 'ip'
                    : path.split('/')[1] === 'internships'
                      ? 'in'
                      : 'p',
      ),
    )
    .map(([, v]) => v);
  const idPool = own.length && rng.chance(0.8) ? own : Object.values(ids);
  const nastyIds = [
    '%00',
    '..%2F..%2Fetc%2Fpasswd',
    'x'.repeat(5000),
    encodeURIComponent("' OR 1=1 --"),
    encodeURIComponent('Привет'),
    '__proto__',
    'constructor',
    '%E2%80%AE',
    encodeURIComponent('a\u0000b'),
    '%',
    '%zz',
  ];
  const url = path.replace(/\{[^}]+\}/g, () =>
    rng.chance(0.75) ? encodeURIComponent(rng.pick(idPool)) : rng.pick(nastyIds),
  );

  // Authentication: mostly a valid token of any role, otherwise one of the invalid kinds.
  let token: string | undefined;
  let tokenKind = 'none';
  if (rng.chance(0.75)) {
    const who = rng.chance(0.6) && ACTORS[op] ? rng.pick(ACTORS[op]) : rng.pick(ROLES);
    token = TOKENS[who];
    tokenKind = who;
  } else if (rng.chance(0.85)) {
    const i = rng.int(0, badTokens.length - 1);
    token = badTokens[i];
    tokenKind = `bad-${i}`;
  }
  const headers: Record<string, string> = {};
  if (rng.chance(0.3))
    headers['Idempotency-Key'] = rng.pick([
      `fz-${rng.int(0, 40)}`,
      `fz-${rng.int(0, 1e9)}`,
      'bad key',
      'x'.repeat(201),
      '',
      'a:b.c_d-e',
    ]);
  if (rng.chance(0.1)) headers['X-Request-Id'] = rng.pick(['<script>', 'x'.repeat(500), 'ok-id']);

  // Uploads document a multipart body: fuzzed as JSON bodies too (refused as 415 before anything is read).
  let value: unknown = schema ? seedBody(op, rng, schema) : {};
  let raw: string | Buffer | undefined;
  let contentType: string | undefined = 'application/json';
  const paths = pathsOf(value).filter((p) => p.length > 0);
  const somePath = () => (paths.length ? rng.pick(paths) : ['x']);
  switch (mutation) {
    case 'valid':
      break;
    case 'drop':
      value = setAt(value, somePath(), undefined);
      break;
    case 'wrong_type': {
      const p = somePath();
      const current = p.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)?.[k], value);
      const alternatives = [null, 42, 'text', true, [], {}].filter(
        (v) => typeof v !== typeof current || Array.isArray(v) !== Array.isArray(current),
      );
      value = setAt(value, p, rng.pick(alternatives));
      break;
    }
    case 'nasty_value':
      value = setAt(value, somePath(), nastyValue(rng));
      break;
    case 'huge_string':
      value = setAt(value, somePath(), 'A'.repeat(rng.pick([10_000, 100_000, 500_000])));
      break;
    case 'unicode':
      value = setAt(value, somePath(), rng.pick(UNICODE));
      break;
    case 'nul':
      value = setAt(value, somePath(), `x\u0000${'y'.repeat(rng.int(0, 10))}`);
      break;
    case 'unknown_field':
      value = setAt(
        value,
        [rng.pick(['role', 'id', 'stage', 'institutionId', 'actor', 'isAdmin', 'createdAt'])],
        nastyValue(rng),
      );
      break;
    case 'proto_key': {
      const key = rng.pick(PROTO_KEYS);
      const json = JSON.stringify(value ?? {});
      const inject = `"${key}":{"polluted":"yes","isAdmin":true,"prototype":{"polluted":"yes"}}`;
      raw = json.startsWith('{') && json !== '{}' ? `{${inject},${json.slice(1)}` : `{${inject}}`;
      break;
    }
    case 'duplicate_keys': {
      const json = JSON.stringify(value ?? {});
      const key = paths.length && typeof paths[0][0] === 'string' ? String(rng.pick(paths)[0]) : 'decision';
      raw =
        json.startsWith('{') && json !== '{}'
          ? `{${JSON.stringify(key)}:${JSON.stringify(nastyValue(rng) ?? null)},${json.slice(1, -1)},${JSON.stringify(key)}:${JSON.stringify(nastyValue(rng) ?? null)}}`
          : `{"a":1,"a":2}`;
      break;
    }
    case 'deep_raw':
      raw = deep(rng.pick([100, 1000, 10_000, 100_000]), rng.pick(['array', 'object'] as const));
      break;
    case 'deep_in_field': {
      const marker = '"__DEEP__"';
      const json = JSON.stringify(setAt(value, paths.length ? somePath() : ['data'], '__DEEP__'));
      raw = json.replace(marker, deep(rng.pick([50, 500, 5000, 50_000]), rng.pick(['array', 'object'] as const)));
      break;
    }
    case 'array_body':
      raw = JSON.stringify([value]);
      break;
    case 'scalar_body':
      raw = rng.pick(['null', '0', '"text"', 'true', '-1', '1e999']);
      break;
    case 'empty':
      raw = rng.pick(['', ' ', '\n']);
      break;
    case 'malformed': {
      const json = JSON.stringify(value ?? {});
      raw = rng.pick([
        json.slice(0, Math.max(1, json.length >> 1)),
        `${json},`,
        json.replace(/"/g, "'"),
        `${json}garbage`,
        '{"a":NaN}',
        '{"a":1,}',
        '/* c */{}',
        '{"a":"\\x41"}',
        '{"a":"\\ud800"}',
      ]);
      break;
    }
    case 'content_type': {
      raw = JSON.stringify(value ?? {});
      contentType = rng.pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
        'application/merge-patch+json',
        'application/vnd.api+json',
        '*/*',
        'application/json; charset=gbk',
      ]);
      if (contentType.includes('utf-16')) raw = Buffer.from(raw, 'utf16le');
      if (rng.chance(0.2)) contentType = undefined;
      break;
    }
    case 'too_large':
      raw = JSON.stringify({
        ...(value && typeof value === 'object' && !Array.isArray(value) ? value : {}),
        title: 'x'.repeat(1_100_000),
      });
      break;
    case 'bom':
      raw = `\uFEFF${JSON.stringify(value ?? {})}`;
      break;
  }
  const body = raw ?? (value === undefined ? undefined : JSON.stringify(value));
  return { op, method, url, token, tokenKind, contentType, body, headers, mutation };
}

async function send(app: Parameters<typeof request>[0], c: Case): Promise<request.Response> {
  let r = request(app)[c.method](c.url);
  if (c.token !== undefined) r = r.set('Authorization', `Bearer ${c.token}`);
  for (const [k, v] of Object.entries(c.headers)) r = r.set(k, v);
  if (c.contentType) r = r.set('Content-Type', c.contentType);
  return c.body === undefined ? r : r.send(c.body);
}

// ---------------------------------------------------------------- database and Temporal snapshots

interface Snapshot {
  counts: Record<string, number>;
  checksums: Record<string, string>;
  workflows: number;
}

async function snapshotDb(): Promise<Omit<Snapshot, 'workflows'>> {
  const pool = poolOf(h.db.prisma);
  const tables = (
    await pool.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_prisma%' ORDER BY table_name",
    )
  ).rows.map((t) => t.name);
  const counts: Record<string, number> = {};
  const checksums: Record<string, string> = {};
  for (const t of tables) {
    // The first column of every table is its primary key.
    const rows = (await pool.query({ text: `SELECT * FROM "${t}" ORDER BY 1`, rowMode: 'array' })).rows;
    counts[t] = rows.length;
    checksums[t] = createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 16);
  }
  return { counts, checksums };
}

async function quiesce(): Promise<void> {
  // Workflows idle (no pending mail, nothing in flight) and visibility caught up.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (await h.db.prisma.outbox.count({ where: { status: 'pending' } })) > 0)
    await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 2000));
}

async function snapshot(): Promise<Snapshot> {
  await quiesce();
  return { ...(await snapshotDb()), workflows: (await h.env.client.workflow.count()).count };
}

async function devJwt(
  claims: { sub?: string; exp?: number; aud?: string },
  secret = DEV_SECRET,
  alg = 'HS256',
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg })
    .setIssuedAt()
    .setSubject(claims.sub ?? DEMO_USERS.admin.id)
    .setIssuer(DEV_ISSUER)
    .setAudience(claims.aud ?? DEV_AUDIENCE)
    .setExpirationTime(claims.exp ?? '1h')
    .sign(new TextEncoder().encode(secret));
}

beforeAll(async () => {
  h = await startApiHarness('fuzz');
  for (const who of ROLES) TOKENS[who] = await h.token(who);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  badTokens = [
    'not-a-jwt',
    await devJwt({ exp: Math.floor(Date.now() / 1000) - 60 }),
    await devJwt({}, 'wrong-secret-0123456789abcdef'),
    `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: DEMO_USERS.admin.id, iss: DEV_ISSUER, aud: DEV_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 3600 })}.`,
    await devJwt({ aud: 'someone-else' }),
    await devJwt({ sub: 'u-nobody' }),
    await devJwt({ sub: "' OR 1=1 --" }),
    `${TOKENS.admin!.slice(0, -4)}AAAA`,
    'a'.repeat(10_000),
    `${b64({ alg: 'HS256' })}.${'A'.repeat(5000)}.${'B'.repeat(43)}`,
  ];
  // Objects to aim at: a proposal waiting for endorsement, one with a revise task, an expert request.
  const applicant = as(h.app, TOKENS.applicant!);
  const p1 = await applicant.post('/proposals', proposalPayload({ title: 'Fuzz target' }));
  const p2 = await as(h.app, TOKENS.applicant2!).post('/proposals', proposalPayload({ title: 'Fuzz revise target' }));
  const er = await as(h.app, TOKENS.coKg!).post('/expert-requests', expertRequestPayload());
  const et = await as(h.app, TOKENS.expert1!).post('/event-travel', EVENT_TRAVEL_EXAMPLE);
  const unv = await as(h.app, TOKENS.coKg!).post('/unv-assignments', UNV_REQUEST_EXAMPLE);
  expect([p1.status, p2.status, er.status, et.status, unv.status]).toEqual([201, 201, 201, 201, 201]);
  const ip = await as(h.app, TOKENS.coKg!).post('/internship-postings', POSTING_EXAMPLE);
  expect(ip.status).toBe(201);
  const internship = await applicant.post('/internships', {
    ...INTERNSHIP_EXAMPLE,
    postingId: ip.body.id,
    documentIds: await stageInternshipDocuments(h.app, TOKENS.applicant!),
  });
  expect([p1.status, p2.status, er.status, et.status, internship.status]).toEqual([201, 201, 201, 201, 201]);
  const co = as(h.app, TOKENS.coKg!);
  const tasks = (await co.get('/tasks?pageSize=100')).body.items as {
    id: string;
    kind: string;
    subject: { id: string };
  }[];
  const revise = tasks.find((t) => t.subject.id === p2.body.id && t.kind === 'co_endorsement')!;
  expect(
    (
      await co.post(`/tasks/${encodeURIComponent(revise.id)}/decision`, {
        decision: 'request_changes',
        comment: 'Add the letter of intent',
      })
    ).status,
  ).toBe(200);
  Object.assign(ids, {
    p1: p1.body.id,
    p2: p2.body.id,
    er: er.body.id,
    et: et.body.id,
    unv: unv.body.id,
    ip: ip.body.id,
    in: internship.body.id,
    expert: 'exp-001',
    expert2: 'exp-002',
    user: DEMO_USERS.admin.id,
    call: 'call-kg',
  });
  const all = (await as(h.app, TOKENS.fundManager!).get('/pipeline?pageSize=100')).status; // warm-up
  expect(all).toBe(200);
  for (const t of await h.db.prisma.task.findMany({ where: { status: 'open' }, select: { id: true } }))
    ids[`task:${t.id}`] = t.id;
  doc = (await request(h.app).get('/openapi.json')).body;
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

const CREATES: Record<string, string> = {
  'post /proposals': 'Proposal',
  'post /expert-requests': 'ExpertRequest',
  'post /event-travel': 'EventTravel',
  'post /unv-assignments': 'UnvAssignment',
  'post /internship-postings': 'InternshipPosting',
  'post /internships': 'Internship',
  'post /calls': 'Call',
  'post /experts': 'Expert',
};
/** Messages: each distinct one is mailed through one delivery workflow (api/accounts/mail.ts withOutboxMails). */
const MAILED_CREATES = [
  'post /proposals/{id}/messages',
  'post /expert-requests/{id}/messages',
  'post /event-travel/{id}/messages',
  'post /unv-assignments/{id}/messages',
  'post /internships/{id}/messages',
];
const WORKFLOW_TABLES = [
  'Message',
  'Task',
  'TaskExclusion',
  'AuditEvent',
  'StepLog',
  'Outbox',
  'Review',
  'Contract',
  'Deliverable',
  'Payment',
  'Evaluation',
  'Proposal',
  'ExpertRequest',
  'EventTravel',
  'UnvAssignment',
  'Internship',
  'InternshipPosting',
  'DecisionRecord',
];
/** Indicators of a subject (api/routes/results.ts): its reports, their values and the audit event. */
const RESULT_TABLES = ['ResultReport', 'ResultValue', 'AuditEvent'];
/** What a successful request of each operation may change; anything unknown (a new route) may change anything. */
const MAY_CHANGE: Record<string, string[]> = {
  'post /auth/dev-token': [],
  'post /proposals': [...WORKFLOW_TABLES, 'IdempotencyRecord'],
  'post /expert-requests': [...WORKFLOW_TABLES, 'IdempotencyRecord'],
  'post /calls': ['Call', 'IdempotencyRecord'],
  'post /experts': ['Expert', 'IdempotencyRecord'],
  'post /tasks/{id}/decision': WORKFLOW_TABLES,
  'post /proposals/{id}/resubmit': WORKFLOW_TABLES,
  'post /proposals/{id}/withdraw': WORKFLOW_TABLES,
  'post /expert-requests/{id}/withdraw': WORKFLOW_TABLES,
  'patch /me': ['User'],
  'patch /experts/{id}': ['Expert'],
  'post /proposals/{id}/messages': ['Message', 'AuditEvent', 'Outbox', 'IdempotencyRecord'],
  'post /expert-requests/{id}/messages': ['Message', 'AuditEvent', 'Outbox', 'IdempotencyRecord'],
  'post /proposals/{id}/notes': ['InternalNote', 'AuditEvent', 'IdempotencyRecord'],
  'post /expert-requests/{id}/notes': ['InternalNote', 'AuditEvent', 'IdempotencyRecord'],
  'post /proposals/{id}/cancel': [...WORKFLOW_TABLES, 'IdempotencyRecord'],
  'post /expert-requests/{id}/cancel': [...WORKFLOW_TABLES, 'IdempotencyRecord'],
  'post /event-travel': [...WORKFLOW_TABLES, 'IdempotencyRecord'],
  'post /event-travel/{id}/withdraw': WORKFLOW_TABLES,
  'post /event-travel/{id}/messages': ['Message', 'AuditEvent', 'Outbox', 'IdempotencyRecord'],
  'post /event-travel/{id}/notes': ['InternalNote', 'AuditEvent', 'IdempotencyRecord'],
  'post /event-travel/{id}/cancel': [...WORKFLOW_TABLES, 'IdempotencyRecord'],
  'post /proposals/{id}/results/targets': RESULT_TABLES,
  'post /proposals/{id}/results/reports': RESULT_TABLES,
  'post /expert-requests/{id}/results/targets': RESULT_TABLES,
  'post /expert-requests/{id}/results/reports': RESULT_TABLES,
  'post /event-travel/{id}/results/targets': RESULT_TABLES,
  'post /event-travel/{id}/results/reports': RESULT_TABLES,
  'post /unv-assignments': [...WORKFLOW_TABLES, 'IdempotencyRecord'],
  'post /unv-assignments/{id}/withdraw': WORKFLOW_TABLES,
  'post /unv-assignments/{id}/messages': ['Message', 'AuditEvent', 'Outbox', 'IdempotencyRecord'],
  'post /unv-assignments/{id}/notes': ['InternalNote', 'AuditEvent', 'IdempotencyRecord'],
  'post /unv-assignments/{id}/cancel': [...WORKFLOW_TABLES, 'IdempotencyRecord'],
  'post /unv-assignments/{id}/results/targets': RESULT_TABLES,
  'post /unv-assignments/{id}/results/reports': RESULT_TABLES,
  'post /internship-postings': [...WORKFLOW_TABLES, 'IdempotencyRecord'],
  'post /internship-postings/{id}/extend': ['InternshipPosting'],
  'post /internship-postings/{id}/withdraw': WORKFLOW_TABLES,
  'post /internships': [...WORKFLOW_TABLES, 'IdempotencyRecord'],
  'post /internships/{id}/withdraw': WORKFLOW_TABLES,
  'post /internships/{id}/terminate': WORKFLOW_TABLES,
  'post /internships/{id}/messages': ['Message', 'AuditEvent', 'Outbox', 'IdempotencyRecord'],
  'post /internships/{id}/notes': ['InternalNote', 'AuditEvent', 'IdempotencyRecord'],
  'post /internships/{id}/cancel': [...WORKFLOW_TABLES, 'IdempotencyRecord'],
  'post /internships/{id}/results/targets': RESULT_TABLES,
  'post /internships/{id}/results/reports': RESULT_TABLES,
};

test(`fuzz: ${REQUESTS} generated requests to every POST/PATCH route, no 5xx, no unexplained change`, async () => {
  const ops = Object.entries(doc.paths)
    .flatMap(([p, methods]) =>
      Object.keys(methods)
        .filter((m) => m === 'post' || m === 'patch')
        .map((m) => `${m} ${p}`),
    )
    .sort();
  expect(ops.length).toBeGreaterThanOrEqual(11);
  const rng = prng(SEED);
  // eslint-disable-next-line no-console
  console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays it); ${ops.length} operations: ${ops.join(', ')}`);

  // Every operation × every mutation once with a valid token, then random cases.
  const cases: Case[] = [];
  for (const op of ops) for (const m of MUTATIONS) cases.push(makeCase(op, rng, m));
  while (cases.length < REQUESTS) cases.push(makeCase(rng.pick(ops), rng, rng.pick(MUTATIONS)));

  const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  const before = await snapshot();
  const statuses: Record<string, number> = {};
  const fivexx: string[] = [];
  const badShape: string[] = [];
  const unauthenticated: string[] = [];
  const succeeded: Record<string, number> = {};
  const created: Record<string, Set<string>> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) {
        const c = cases[next++];
        const res = await send(h.app, c);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const what = `${c.op} ${c.url.slice(0, 80)} [${c.mutation}, token ${c.tokenKind}, ${c.contentType ?? 'no content-type'}] → ${res.status} ${res.text.slice(0, 200)}`;
        if (res.status >= 500) fivexx.push(what);
        else if (
          res.status >= 400 &&
          !(typeof res.body?.error?.code === 'string' && typeof res.body?.error?.message === 'string')
        )
          badShape.push(what);
        if (/at .*\.(ts|js):\d+/.test(res.text)) badShape.push(`stack trace: ${what}`);
        // Without a valid token nothing gets past authentication: only errors reading the body or URL come first.
        const needsAuth = (doc.paths[c.op.split(' ')[1]][c.method].security ?? [{}]).length > 0;
        if (needsAuth && !ROLES.includes(c.tokenKind as DemoKey) && ![400, 401, 413, 415].includes(res.status))
          unauthenticated.push(what);
        if (res.status >= 200 && res.status < 300) {
          succeeded[c.op] = (succeeded[c.op] ?? 0) + 1;
          if ((CREATES[c.op] || MAILED_CREATES.includes(c.op)) && res.body?.id)
            (created[c.op] ??= new Set()).add(res.body.id);
        }
      }
    }),
  );
  const after = await snapshot();
  const report = {
    seed: SEED,
    requests: cases.length,
    statuses,
    fivexx: fivexx.length,
    succeeded,
    created: Object.fromEntries(Object.entries(created).map(([k, v]) => [k, v.size])),
  };
  // eslint-disable-next-line no-console
  console.log(JSON.stringify(report));

  expect({ seed: SEED, fivexx: fivexx.slice(0, 20) }).toEqual({ seed: SEED, fivexx: [] });
  expect({ seed: SEED, badShape: badShape.slice(0, 20) }).toEqual({ seed: SEED, badShape: [] });
  expect({ seed: SEED, unauthenticated: unauthenticated.slice(0, 20) }).toEqual({ seed: SEED, unauthenticated: [] });
  // No prototype was polluted in this process.
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();

  // Temporal: one new workflow per distinct successful creation of a proposal, an expert request or a call,
  // and one mail delivery per distinct message.
  const newWorkflows = [
    'post /proposals',
    'post /expert-requests',
    'post /event-travel',
    'post /unv-assignments',
    'post /internship-postings',
    'post /internships',
    'post /calls',
    ...MAILED_CREATES,
  ].reduce((n, op) => n + (created[op]?.size ?? 0), 0);
  expect({ seed: SEED, workflows: after.workflows - before.workflows }).toEqual({
    seed: SEED,
    workflows: newWorkflows,
  });
  // Creations: exactly one row per distinct created id.
  for (const [op, table] of Object.entries(CREATES)) {
    expect({ seed: SEED, table, added: after.counts[table] - before.counts[table] }).toEqual({
      seed: SEED,
      table,
      added: created[op]?.size ?? 0,
    });
  }
  // Every table no successful request may have touched is exactly as it was.
  const unknownOps = Object.keys(succeeded).filter((op) => !(op in MAY_CHANGE));
  if (!unknownOps.length) {
    const mayChange = new Set(Object.keys(succeeded).flatMap((op) => MAY_CHANGE[op]));
    const untouched = Object.keys(before.checksums).filter((t) => !mayChange.has(t));
    expect({ seed: SEED, checksums: Object.fromEntries(untouched.map((t) => [t, after.checksums[t]])) }).toEqual({
      seed: SEED,
      checksums: Object.fromEntries(untouched.map((t) => [t, before.checksums[t]])),
    });
    for (const t of Object.keys(before.counts))
      if (!mayChange.has(t)) expect({ t, count: after.counts[t] }).toEqual({ t, count: before.counts[t] });
  }
  if (!process.env.FUZZ_REQUESTS) expect(cases.length).toBeGreaterThanOrEqual(2000);
}, 900_000);
