import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { CALL_EXAMPLE, EXPERT_EXAMPLE } from '../../api/examples';
import { UNV_REQUEST_EXAMPLE } from '../../api/un-volunteers-schemas';
import { INTERNSHIP_EXAMPLE, POSTING_EXAMPLE } from '../../api/internship-schemas';
import { DEMO_USERS } from '../../domain/demo';
import { daysFromToday, eventTravelPayload, expertRequestPayload, proposalPayload } from '../fixtures/payloads';
import { addDays } from '../../domain/calendar';
import type { Clock } from '../../lib/clock';
import { compressedClock } from '../helpers/sla';
import { uniqueTaskQueue } from '../helpers/temporal';
import { eventually } from '../helpers/wait';
import { checkedClient, ContractChecker, jsonSchemaValidator, type OpenApiDoc } from './contract';
import { stageInternshipDocuments, startApiHarness, startCompressedWorker, type ApiHarness } from './harness';

/**
 * The OpenAPI document as a client developer uses it (issue 24, items 13 and 14): a valid 3.1
 * document with readable operation ids, examples that pass their own schemas, plain optional
 * query parameters and the headers the API sends; and every answer of every route, driven
 * through both programmes' lifecycles over HTTP, matches what the document says.
 */
let h: ApiHarness;
let doc: OpenApiDoc & Record<string, unknown>;

beforeAll(async () => {
  h = await startApiHarness('contract');
  doc = (await request(h.app).get('/openapi.json')).body;
});

/** A day of the compressed Clock of the event travel worker, in real milliseconds. */
const TRAVEL_DAY_MS = 400;
let stopTravelWorker: (() => Promise<void>) | undefined;

let travelClock: Clock;

/** A worker on a queue of its own whose Clock is compressed from now on; answers its queue. */
async function startTravelWorker(): Promise<string> {
  const taskQueue = uniqueTaskQueue('contract-travel');
  travelClock = compressedClock(h.db.prisma, TRAVEL_DAY_MS);
  stopTravelWorker = await startCompressedWorker(h, TRAVEL_DAY_MS, taskQueue, travelClock);
  return taskQueue;
}

afterAll(async () => {
  await stopTravelWorker?.();
  await h?.stop();
});

type Json = Record<string, unknown>;
const operations = () =>
  Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path: p, method, op: op as unknown as Json })),
  );

test('the document is valid OpenAPI 3.1 with readable, unique operation ids', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-')), 'openapi.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  const cli = require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js');
  let output = '';
  try {
    output = execFileSync(process.execPath, [cli, file], { encoding: 'utf8' });
  } catch (err) {
    throw new Error(`OpenAPI document invalid: ${(err as { stdout?: string }).stdout ?? String(err)}`);
  }
  expect(JSON.parse(output).valid).toBe(true);

  const ids = operations().map((o) => String(o.op.operationId));
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids)
    expect(id).toMatch(/^(list|get|create|update|delete|decide|resubmit|withdraw|cancel|export|revoke)[A-Z][A-Za-z]*$/);
  expect(ids).toEqual(
    expect.arrayContaining([
      'listProposals',
      'getProposal',
      'createProposal',
      'decideTask',
      'listTasks',
      'getPipeline',
      'exportPipelineCsv',
      'createDevToken',
    ]),
  );
});

test('every request body and parameter has an example that passes its own schema', () => {
  const compile = jsonSchemaValidator(doc);
  const failures: string[] = [];
  let bodies = 0;
  let parameters = 0;
  for (const { path: p, method, op } of operations()) {
    for (const param of (op.parameters ?? []) as { name: string; in: string; example?: unknown; schema: Json }[]) {
      parameters++;
      if (param.example === undefined) failures.push(`${method} ${p} ${param.in} ${param.name}: no example`);
      // Query and path values travel as text; the document types them as JSON values.
      else if (!compile(param.schema)(param.example))
        failures.push(
          `${method} ${p} ${param.in} ${param.name}: example ${JSON.stringify(param.example)} refused: ${JSON.stringify(compile(param.schema).errors)}`,
        );
    }
    const body = op.requestBody as { content: Record<string, { schema: Json; example?: unknown }> } | undefined;
    if (body) {
      bodies++;
      // File uploads: a multipart form whose schema names its fields (files cannot have an example).
      if (body.content['multipart/form-data']) {
        if (!(body.content['multipart/form-data'].schema.properties as Json | undefined)?.file)
          failures.push(`${method} ${p} multipart body: no file field`);
        continue;
      }
      const media = body.content['application/json'];
      if (media.example === undefined) failures.push(`${method} ${p} body: no example`);
      else if (!compile(media.schema)(media.example))
        failures.push(`${method} ${p} body: example refused: ${JSON.stringify(compile(media.schema).errors)}`);
    }
  }
  expect(failures).toEqual([]);
  expect(bodies).toBeGreaterThanOrEqual(11);
  expect(parameters).toBeGreaterThanOrEqual(40);
});

test('query parameters are plain optional types; the withdraw bodies are optional; the Swagger UI script has the documented type', async () => {
  const text = JSON.stringify(doc);
  expect(text).not.toContain('"not":{}');
  for (const { op } of operations()) {
    for (const param of (op.parameters ?? []) as { in: string; required: boolean; schema: Json }[]) {
      if (param.in !== 'query') continue;
      expect(param.required).toBe(false);
      expect(param.schema.type).toEqual(expect.any(String));
      expect(param.schema.anyOf).toBeUndefined();
    }
  }
  for (const p of ['/proposals/{id}/withdraw', '/expert-requests/{id}/withdraw'])
    expect((doc.paths[p].post as unknown as { requestBody: { required: boolean } }).requestBody.required).toBe(false);
  expect((doc.paths['/proposals'].post as unknown as { requestBody: { required: boolean } }).requestBody.required).toBe(
    true,
  );

  const script = await request(h.app).get('/docs/init.js');
  const documented = Object.keys(doc.paths['/docs/init.js'].get.responses['200'].content ?? {});
  expect(documented).toEqual([String(script.headers['content-type']).split(';')[0]]);
});

test('no string a request carries may hold a NUL character, and the document says so', () => {
  const loose: string[] = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
    if (!node || typeof node !== 'object') return;
    const s = node as Json;
    // A string schema says "no NUL" when one of its patterns refuses text holding one.
    const patterns = [s.pattern, ...((s.allOf as Json[] | undefined) ?? []).map((a) => a.pattern)].filter(
      (x): x is string => typeof x === 'string',
    );
    const refusesNul = patterns.some((x) =>
      ['\u0000', 'a\u0000', 'KG\u0000', '2027-01-01\u0000'].every((probe) => !new RegExp(x).test(probe)),
    );
    if (s.type === 'string' && !s.enum && !refusesNul) loose.push(at);
    for (const [k, v] of Object.entries(s))
      if (!['example', 'examples', 'default', 'enum'].includes(k)) walk(v, `${at}/${k}`);
  };
  const requestBodies = new Set(
    operations().flatMap(({ op }) =>
      Object.values(
        ((op.requestBody as Json | undefined)?.content ?? {}) as Record<string, { schema: { $ref?: string } }>,
      ).map((m) => m.schema.$ref?.split('/').pop()),
    ),
  );
  for (const name of requestBodies) walk(doc.components.schemas[name!], name!);
  for (const { path: p, method, op } of operations())
    for (const param of (op.parameters ?? []) as { name: string; schema: Json }[])
      walk(param.schema, `${method} ${p} ${param.name}`);
  expect(loose).toEqual([]);
  expect(requestBodies.size).toBeGreaterThanOrEqual(10);
  expect(((doc.components.schemas.Decision.properties as Json).data as Json).additionalProperties).toEqual({
    $ref: '#/components/schemas/JsonValue',
  });
});

test('response headers are documented: X-Request-Id, rate limits, Retry-After, Idempotent-Replayed, Server-Timing', () => {
  expect(Object.keys(doc.components.headers).sort()).toEqual([
    'Accept-Ranges',
    'Content-Disposition',
    'Content-Range',
    'ETag',
    'Idempotent-Replayed',
    'RateLimit',
    'RateLimit-Policy',
    'Retry-After',
    'Server-Timing',
    'X-Request-Id',
  ]);
  const headersOf = (p: string, method: string, status: string) =>
    Object.keys(doc.paths[p][method].responses[status].headers ?? {});
  expect(headersOf('/proposals', 'post', '201')).toEqual(
    expect.arrayContaining(['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Idempotent-Replayed']),
  );
  expect(headersOf('/proposals', 'post', '429')).toContain('Retry-After');
  expect(headersOf('/proposals', 'get', '503')).toContain('Retry-After');
  expect(headersOf('/tasks/{id}/decision', 'post', '200')).toContain('Server-Timing');
  expect(headersOf('/pipeline/export.csv', 'get', '200')).toContain('Content-Disposition');
});

test('answers link to the operations they lead to (created subjects, listed tasks)', () => {
  const links = (p: string, method: string, status: string) =>
    (
      doc.paths[p][method].responses[status] as {
        links?: Record<string, { operationId: string; parameters: Record<string, string> }>;
      }
    ).links ?? {};
  expect(links('/proposals', 'post', '201').getProposal).toEqual({
    operationId: 'getProposal',
    parameters: { id: '$response.body#/id' },
  });
  expect(links('/tasks', 'get', '200').decideTask).toEqual({
    operationId: 'decideTask',
    parameters: { id: '$response.body#/items/0/id' },
  });
  expect(Object.keys(links('/expert-requests', 'post', '201'))).toEqual(['getExpertRequest', 'withdrawExpertRequest']);
});

// ---------------------------------------------------------------- every answer of every route

/** Decisions that move each task kind forward, with the data they need. */
function decisionFor(
  task: { kind: string; allowedDecisions: { decision: string; dataSchema: Json }[]; context: Json | null },
  n: number,
): { decision: string; comment?: string; data?: Json } {
  switch (task.kind) {
    case 'co_endorsement':
      return { decision: 'endorse', comment: 'Matches the country programme' };
    case 'alignment_review':
      return { decision: 'confirm_aligned', comment: 'Aligned with outcome 2' };
    case 'assign_reviewers':
      return { decision: 'assign', data: { reviewerIds: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id] } };
    case 'conflict_declaration':
      return { decision: 'declare_no_conflict', data: { noConflictDeclared: true } };
    case 'review_score': {
      const option = task.allowedDecisions.find((d) => d.decision === 'submit_score')!;
      const keys = ((option.dataSchema.properties as Json).scores as { required: string[] }).required;
      return { decision: 'submit_score', data: { scores: Object.fromEntries(keys.map((k) => [k, 80])) } };
    }
    case 'selection_decision':
    case 'waitlist_review':
      return { decision: 'select' };
    case 'extension_decision':
      return { decision: 'approve', comment: 'Customs delay confirmed' };
    case 'policy_exception':
    case 'fee_approval':
      return { decision: 'approve', data: { justification: 'Approved by the Bureau Director' } };
    case 'contract_signature': {
      // Signing an agreement confirms its statement for the exact bytes shown (the English version here).
      const en = (
        (
          task.context?.agreement as
            { documents?: { language: string; sha256: string; statement: string }[] } | undefined
        )?.documents ?? []
      ).find((d) => d.language === 'en');
      return en
        ? { decision: 'sign', data: { documentSha256: en.sha256, statement: en.statement } }
        : { decision: 'sign' };
    }
    case 'progress_report':
    case 'final_report':
      return { decision: 'submit_report', data: { report: `Report ${n}` } };
    case 'report_verification':
    case 'deliverable_acceptance':
      return { decision: 'accept' };
    case 'evaluation':
      return { decision: 'submit_evaluation', data: { ratings: { relevance: 5 }, narrative: 'Good results' } };
    case 'shortlist_review':
      return { decision: 'confirm' };
    case 'invitation_response':
      return { decision: 'accept', data: { availabilityConfirmed: true, noConflictDeclared: true } };
    case 'candidate_selection':
      return {
        decision: 'select',
        data: {
          expertIds: [((task.context?.candidates ?? []) as { expertId: string }[])[0].expertId],
          justification: 'Best match',
        },
      };
    case 'deliverable_submission':
      return { decision: 'submit_deliverable', data: { report: `Deliverable ${n}` } };
    case 'expert_evaluation':
      return { decision: 'submit_evaluation', data: { rating: 5, narrative: 'Excellent' } };
    case 'assignment_feedback':
      return { decision: 'submit_feedback', data: { rating: 4, narrative: 'Well prepared' } };
    default:
      throw new Error(`no decision for ${task.kind}`);
  }
}

test('every route answers what the document says, through both lifecycles over HTTP', async () => {
  const checker = new ContractChecker(doc);
  const api = checkedClient(h.app, checker);
  const tokens = new Map<string, string>();
  const tokenOf = async (email: string) => {
    if (!tokens.has(email)) tokens.set(email, (await api.post('/auth/dev-token', { email })).body.token);
    return tokens.get(email)!;
  };
  const as = async (key: keyof typeof DEMO_USERS) => tokenOf(DEMO_USERS[key].email);
  const [fm, applicant, co, co2, admin, reviewer1, expert1] = await Promise.all([
    as('fundManager'),
    as('applicant'),
    as('coKg'),
    as('coKg2'),
    as('admin'),
    as('reviewer1'),
    as('expert1'),
  ]);

  // System, account, reference routes.
  for (const url of ['/health', '/health/ready', '/health/live', '/openapi.json', '/docs', '/docs/init.js'])
    expect((await api.get(url)).status).toBe(200);
  expect((await api.get('/me', applicant)).status).toBe(200);
  expect((await api.patch('/me', { notifyReminders: true }, applicant)).status).toBe(200);
  expect((await api.get('/calls?pageSize=5&country=KG', applicant)).status).toBe(200);
  expect(
    (
      await api.post('/calls', { ...CALL_EXAMPLE, title: 'Contract test call' }, fm, {
        'Idempotency-Key': 'contract-call',
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await api.post('/calls', { ...CALL_EXAMPLE, title: 'Contract test call' }, fm, {
        'Idempotency-Key': 'contract-call',
      })
    ).headers['idempotent-replayed'],
  ).toBe('true');
  // A dated call through its life: draft, edit, publish, extension, closing by its timer, a conflict,
  // an adjusted assignment, the review, the ranked selection, the waitlist after a withdrawal, archive.
  {
    const reviewer2 = await as('reviewer2');
    const closingIn = (ms: number) => {
      const iso = new Date(Date.now() + ms).toISOString();
      return { closesAt: iso.slice(0, 10), closingTime: iso.slice(11, 19), timeZone: 'UTC' };
    };
    const call = await api.post(
      '/calls',
      {
        ...CALL_EXAMPLE,
        title: 'Contract dated call',
        opensAt: '2026-01-01',
        ...closingIn(10_000),
        reviewerPool: [DEMO_USERS.reviewer1.id, DEMO_USERS.reviewer2.id],
        reviewersPerProposal: 1,
        draft: true,
      },
      fm,
    );
    expect(call.status).toBe(201);
    const cid = call.body.id as string;
    expect((await api.patch(`/calls/${cid}`, { budgetEnvelopeUsd: 40_000 }, fm)).status).toBe(200);
    expect((await api.post(`/calls/${cid}/publish`, {}, fm)).status).toBe(200);
    expect((await api.post(`/calls/${cid}/extension`, closingIn(14_000), fm)).status).toBe(200);
    expect((await api.get('/public/calls?pageSize=100')).status).toBe(200);
    const submitted: string[] = [];
    for (const title of ['Contract call A', 'Contract call B']) {
      const p = await api.post('/proposals', proposalPayload({ callId: cid, title }), applicant);
      expect(p.status).toBe(201);
      submitted.push(p.body.id);
    }
    const decideOpen = async (subjectId: string, kind: string, token: string, body: Json) => {
      const row = await eventually(
        async () => h.db.prisma.task.findFirst({ where: { subjectId, kind, status: 'open' } }),
        30_000,
      );
      expect((await api.post(`/tasks/${encodeURIComponent(row.id)}/decision`, body, token)).status).toBe(200);
    };
    for (const id of submitted) await decideOpen(id, 'co_endorsement', co, { decision: 'endorse' });
    const progress = async () => (await api.get(`/calls/${cid}`, fm)).body;
    await eventually(async () => (await progress()).progress.proposals.length === 2, 30_000);
    expect((await api.post(`/calls/${cid}/conflicts`, { proposalId: submitted[0] }, reviewer1)).status).toBe(200);
    await eventually(async () => (await progress()).status === 'closed', 60_000);
    expect(
      (
        await api.post(
          `/calls/${cid}/assignments`,
          { proposalId: submitted[1], reviewerIds: [DEMO_USERS.reviewer2.id] },
          fm,
        )
      ).status,
    ).toBe(200);
    expect((await api.post(`/calls/${cid}/review`, {}, fm)).status).toBe(200);
    for (const [i, id] of submitted.entries()) {
      await decideOpen(id, 'conflict_declaration', reviewer2, {
        decision: 'declare_no_conflict',
        data: { noConflictDeclared: true },
      });
      const mark = 90 - i * 10;
      await decideOpen(id, 'review_score', reviewer2, {
        decision: 'submit_score',
        data: { scores: { innovation: mark, feasibility: mark } },
      });
    }
    const ranked = await eventually(async () => {
      const c = await progress();
      return c.progress.ranking.length === 2 ? c.progress.ranking : null;
    }, 30_000);
    const selection = await api.post(
      `/calls/${cid}/selection`,
      {
        decisions: ranked.map((r: { proposalId: string; suggested: string }) => ({
          proposalId: r.proposalId,
          decision: r.suggested,
        })),
      },
      fm,
    );
    expect(selection.status).toBe(200);
    await eventually(async () => (await progress()).progress.delivery.delivered === 2, 30_000);
    expect((await api.post(`/proposals/${submitted[0]}/withdraw`, {}, applicant)).status).toBe(200);
    await eventually(async () => (await progress()).progress.nextFromWaitlist === submitted[1], 30_000);
    expect((await api.post(`/calls/${cid}/waitlist-selection`, { proposalId: submitted[1] }, fm)).status).toBe(200);
    await eventually(async () => (await progress()).progress.delivery.delivered === 3, 30_000);
    expect((await api.post(`/calls/${cid}/archive`, {}, fm)).status).toBe(200);
  }
  expect((await api.get('/experts?pageSize=5&language=ru', fm)).status).toBe(200);
  expect((await api.get('/experts/exp-001', expert1)).status).toBe(200);
  const expert = await api.post('/experts', { ...EXPERT_EXAMPLE, email: 'contract.expert@example.org' }, fm);
  expect(expert.status).toBe(201);
  expect(
    (
      await api.patch(
        `/experts/${expert.body.id}`,
        { bio: 'Hydrologist', availability: [{ from: '2027-01-01', to: '2027-12-31' }] },
        fm,
      )
    ).status,
  ).toBe(200);

  // Sessions and personal API tokens (the e-mail link routes exist only with AUTH_MODE=email: test/accounts).
  const session = await api.post('/auth/session', {}, applicant);
  expect(session.status).toBe(201);
  const personal = await api.post('/me/tokens', { name: 'Contract test', expiresInDays: 30 }, session.body.token);
  expect(personal.status).toBe(201);
  expect((await api.get('/me/tokens', personal.body.token)).status).toBe(200);
  expect((await api.post(`/me/tokens/${personal.body.id}/revoke`, {}, session.body.token)).status).toBe(200);
  expect((await api.post('/auth/sign-out', {}, session.body.token)).status).toBe(200);
  expect((await api.get('/users?pageSize=5&role=reviewer&active=true', admin)).status).toBe(200);
  expect(
    (await api.patch(`/users/${DEMO_USERS.reviewer3.id}`, { active: true, reason: 'No change' }, admin)).status,
  ).toBe(200);

  // Joining: an institution registers and confirms by mail, invites a colleague who joins, is decided;
  // an expert registers and is approved, then suspended; staff invitations; personal data.
  const linkIn = async (email: string, path: string) => {
    const mail = await eventually(
      async () => h.smtp.mails.filter((m) => m.to === email && m.text.includes(path)).pop(),
      30_000,
    );
    return new RegExp(`${path}/([A-Za-z0-9_-]{43})`).exec(mail.text)![1];
  };
  const terms = (await api.get('/terms')).body.version as string;
  const reg = (
    await api.post('/registrations', {
      ...(
        doc.paths['/registrations'] as unknown as {
          post: { requestBody: { content: Record<string, { example: Json }> } };
        }
      ).post.requestBody.content['application/json'].example,
      email: 'contract.owner@example.org',
      termsVersion: terms,
    })
  ).status;
  expect(reg).toBe(202);
  const owner = (
    await api.post('/registrations/confirm', {
      token: await linkIn('contract.owner@example.org', '/app/register/confirm'),
    })
  ).body;
  expect((await api.get(`/institutions/${owner.institutionId}`, owner.token)).status).toBe(200);
  expect((await api.get('/institutions?status=pending_approval', fm)).status).toBe(200);
  const invitation = await api.post(
    '/invitations',
    { email: 'contract.colleague@example.org', role: 'applicant', institutionRole: 'owner' },
    owner.token,
  );
  expect(invitation.status).toBe(201);
  await linkIn('contract.colleague@example.org', '/app/invitations');
  const sent = h.smtp.mails.length;
  expect((await api.post(`/invitations/${invitation.body.id}/resend`, {}, owner.token)).status).toBe(200);
  expect((await api.get('/invitations', owner.token)).status).toBe(200);
  await eventually(async () => h.smtp.mails.slice(sent).find((m) => m.to === 'contract.colleague@example.org'), 30_000);
  const colleagueToken = await linkIn('contract.colleague@example.org', '/app/invitations');
  expect((await api.post('/invitations/preview', { token: colleagueToken })).status).toBe(200);
  const colleague = (
    await api.post('/invitations/accept', {
      token: colleagueToken,
      name: 'Contract Colleague',
      acceptTerms: true,
      termsVersion: terms,
    })
  ).body;
  expect((await api.get(`/institutions/${owner.institutionId}/members`, colleague.token)).status).toBe(200);
  expect(
    (
      await api.patch(
        `/institutions/${owner.institutionId}/members/${colleague.userId}`,
        { role: 'member' },
        owner.token,
      )
    ).status,
  ).toBe(200);
  expect(
    (await api.post(`/institutions/${owner.institutionId}/members/${colleague.userId}/remove`, {}, owner.token)).status,
  ).toBe(200);
  expect((await api.post(`/institutions/${owner.institutionId}/decision`, { decision: 'approve' }, fm)).status).toBe(
    200,
  );
  const staff = await api.post('/invitations', { email: 'contract.staff@undp.example.org', role: 'reviewer' }, admin);
  expect((await api.post(`/invitations/${staff.body.id}/revoke`, {}, admin)).status).toBe(200);
  const area = (await h.db.prisma.thematicArea.findFirstOrThrow()).id;
  expect(
    (
      await api.post('/registrations', {
        kind: 'expert',
        email: 'contract.expert.new@example.org',
        name: 'New Expert',
        language: 'en',
        acceptTerms: true,
        termsVersion: terms,
        profile: {
          thematicAreaIds: [area],
          languages: ['ru'],
          countriesOfExperience: ['KG'],
          education: 'MSc',
          yearsExperience: 5,
          dailyFeeUsd: 300,
          availability: [],
          cv: 'Five years.',
        },
      })
    ).status,
  ).toBe(202);
  const newExpert = (
    await api.post('/registrations/confirm', {
      token: await linkIn('contract.expert.new@example.org', '/app/register/confirm'),
    })
  ).body;
  expect((await api.get(`/expert-applications/${newExpert.expertApplicationId}`, newExpert.token)).status).toBe(200);
  expect((await api.get('/expert-applications?status=submitted', fm)).status).toBe(200);
  const decided = await api.post(
    `/expert-applications/${newExpert.expertApplicationId}/decision`,
    { decision: 'approve' },
    fm,
  );
  expect(
    (await api.post(`/experts/${decided.body.expertId}/suspension`, { suspended: true, reason: 'Contract test' }, fm))
      .status,
  ).toBe(200);
  expect((await api.get('/me/terms', newExpert.token)).status).toBe(200);
  expect((await api.post('/me/terms', { acceptTerms: true, termsVersion: terms }, newExpert.token)).status).toBe(200);
  expect((await api.get('/me/data', newExpert.token)).status).toBe(200);
  expect((await api.post('/me/erasure-request', { reason: 'Contract test' }, newExpert.token)).status).toBe(202);
  expect((await api.post(`/users/${newExpert.userId}/erase`, {}, admin)).status).toBe(200);

  // Errors share the documented shape and statuses.
  expect((await api.get('/proposals')).status).toBe(401);
  expect((await api.get('/audit', applicant)).status).toBe(403);
  expect((await api.get('/proposals/p-none', applicant)).status).toBe(404);
  expect((await api.post('/proposals', { ...proposalPayload(), sdgs: [18] }, applicant)).status).toBe(400);
  expect((await api.get('/tasks?pageSize=0', applicant)).status).toBe(400);

  // Who decides a task: its named user, else a demo user of its role and institution or country (never the requester for an endorsement).
  const deciderOf = async (
    t: {
      assigneeUserId: string | null;
      assigneeRole: string;
      assigneeCountryCode: string | null;
      assigneeInstitutionId: string | null;
    },
    exclude: string[],
  ) => {
    // Roster experts' accounts are made when they are first invited: read the users afresh.
    const users = await h.db.prisma.user.findMany({
      select: { id: true, email: true, role: true, countryCode: true, institutionId: true },
    });
    if (t.assigneeUserId) return users.find((u) => u.id === t.assigneeUserId);
    return users.find(
      (u) =>
        u.role === t.assigneeRole &&
        (!t.assigneeInstitutionId || u.institutionId === t.assigneeInstitutionId) &&
        (!t.assigneeCountryCode || u.countryCode === t.assigneeCountryCode) &&
        !exclude.includes(u.id) &&
        Object.values(DEMO_USERS).some((d) => d.id === u.id),
    );
  };

  // A reviewer with no institution, to take over a review (the reassignment routes).
  const SPARE_REVIEWER = { id: 'u-contract-spare-reviewer', email: 'spare.reviewer@example.org' };
  await h.db.prisma.user.create({
    data: { ...SPARE_REVIEWER, name: 'Spare Reviewer', role: 'reviewer', language: 'en' },
  });
  let reassigned = false;

  /** Decides the subject's open tasks, one at a time, reading every view on the way, until it closes. */
  let extensionAsked = false;
  async function drive(type: 'proposal' | 'expert_request', id: string, readers: string[], exclude: string[]) {
    const detail = type === 'proposal' ? `/proposals/${id}` : `/expert-requests/${id}`;
    for (let n = 1; n < 80; n++) {
      for (const token of readers) await api.get(detail, token);
      const open = await h.db.prisma.task.findMany({
        where: { subjectId: id, status: 'open' },
        orderBy: { createdAt: 'asc' },
      });
      if (!open.length) {
        const subject =
          type === 'proposal'
            ? await h.db.prisma.proposal.findUniqueOrThrow({ where: { id } })
            : await h.db.prisma.expertRequest.findUniqueOrThrow({ where: { id } });
        if (['closed', 'rejected', 'withdrawn', 'cancelled'].includes(subject.stage)) return subject.stage;
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      let row = open[0];
      // Once, a reviewer's open task is handed to another reviewer (the reassignment routes).
      if (row.kind === 'conflict_declaration' && row.assigneeUserId && !reassigned) {
        reassigned = true;
        expect((await api.get(`/users/${row.assigneeUserId}/open-tasks`, admin)).status).toBe(200);
        const candidates = await api.get(`/tasks/${encodeURIComponent(row.id)}/candidates`, admin);
        expect(candidates.body.items.map((c: { id: string }) => c.id)).toContain(SPARE_REVIEWER.id);
        const moved = await api.post(
          `/tasks/${encodeURIComponent(row.id)}/reassign`,
          { toUserId: SPARE_REVIEWER.id, reason: 'Contract test' },
          admin,
        );
        expect(moved.status).toBe(200);
        row = await h.db.prisma.task.findUniqueOrThrow({ where: { id: row.id } });
      }
      // During implementation the applicant asks once to move the first milestone by two days (the CO decides next).
      if (row.kind === 'progress_report' && !extensionAsked && type === 'proposal') {
        extensionAsked = true;
        const asked = await api.post(
          `/proposals/${id}/extensions`,
          { milestone: 1, newDueDate: daysFromToday(6), reason: 'Sensors held at customs' },
          applicant,
        );
        expect(asked.status).toBe(201);
        continue;
      }
      const who = await deciderOf(row, exclude);
      if (!who) throw new Error(`no decider for ${JSON.stringify(row)}`);
      const token = await tokenOf(who.email);
      const listed = await api.get('/tasks?pageSize=100', token);
      expect(listed.status).toBe(200);
      const task = (await api.get(`/tasks/${encodeURIComponent(row.id)}`, token)).body;
      const decided = await api.post(`/tasks/${encodeURIComponent(row.id)}/decision`, decisionFor(task, n), token);
      if (decided.status !== 200)
        throw new Error(`${row.kind} by ${who.email}: ${decided.status} ${JSON.stringify(decided.body)}`);
      expect(decided.headers['server-timing']).toMatch(/^temporal;dur=/);
    }
    throw new Error(`${type} ${id} did not close`);
  }

  // Challenge Fund: changes requested and resubmitted, then the whole lifecycle; the reviewer reads before and after its declaration.
  const p = await api.post('/proposals', proposalPayload({ title: 'Contract test proposal' }), applicant, {
    'Idempotency-Key': 'contract-proposal',
  });
  expect(p.status).toBe(201);
  const endorsement = await h.db.prisma.task.findFirstOrThrow({
    where: { subjectId: p.body.id, kind: 'co_endorsement', status: 'open' },
  });
  expect(
    (
      await api.post(
        `/tasks/${encodeURIComponent(endorsement.id)}/decision`,
        { decision: 'request_changes', comment: 'Name the contact person' },
        co,
      )
    ).status,
  ).toBe(200);
  // The revision task follows the decision asynchronously (README, "Right after a decision"): the applicant waits for it.
  await eventually(() =>
    h.db.prisma.task.findFirst({ where: { subjectId: p.body.id, kind: 'revise', status: 'open' } }),
  );
  expect(
    (await api.post(`/proposals/${p.body.id}/resubmit`, { title: 'Contract test proposal (revised)' }, applicant))
      .status,
  ).toBe(200);
  expect(await drive('proposal', p.body.id, [fm, applicant, co, reviewer1, admin], [])).toBe('closed');
  expect((await api.get(`/proposals?pageSize=5&stage=closed`, fm)).status).toBe(200);
  expect((await api.get(`/proposals?pageSize=5`, applicant)).status).toBe(200);
  expect((await api.get(`/audit?subject=${p.body.id}&pageSize=100`, fm)).status).toBe(200);
  expect((await api.post(`/proposals/${p.body.id}/withdraw`, {}, applicant)).status).toBe(409);

  // Experts on Demand: registered by one CO approver, endorsed by the other; experts read their invitation.
  const r = await api.post('/expert-requests', expertRequestPayload({ title: 'Contract test request' }), co);
  expect(r.status).toBe(201);
  expect(await drive('expert_request', r.body.id, [fm, co, expert1, admin], [DEMO_USERS.coKg.id])).toBe('closed');
  expect((await api.get('/expert-requests?pageSize=5', co)).status).toBe(200);
  const chosen = await h.db.prisma.expertRequest.findUniqueOrThrow({
    where: { id: r.body.id },
    select: { selectedExpertId: true },
  });
  const chosenUser = await h.db.prisma.user.findFirstOrThrow({ where: { expertId: chosen.selectedExpertId } });
  expect((await api.get(`/expert-requests/${r.body.id}`, await tokenOf(chosenUser.email))).body.selectedForMe).toBe(
    true,
  );

  // Documents: uploads (multipart), lists, details, downloads whole and in ranges, release refused, soft delete.
  const upload = async (url: string, token: string, name: string, bytes: Buffer, documentType = 'other') => {
    const res = await request(h.app)
      .post(url)
      .set('Authorization', `Bearer ${token}`)
      .field('documentType', documentType)
      .attach('file', bytes, name);
    checker.check('post', url, res);
    return res;
  };
  const pdfBytes = (t: string) => Buffer.from(`%PDF-1.4\n% ${t}\n%%EOF\n`);
  const pd = await api.post('/proposals', proposalPayload({ title: 'Contract test documents' }), applicant);
  const rd = await api.post('/expert-requests', expertRequestPayload({ title: 'Contract test documents' }), co);
  const onProposal = await upload(
    `/proposals/${pd.body.id}/documents`,
    applicant,
    'letter.pdf',
    pdfBytes('letter'),
    'letter_of_support',
  );
  expect(onProposal.status).toBe(201);
  expect(
    (await upload(`/expert-requests/${rd.body.id}/documents`, co, 'tor.pdf', pdfBytes('tor'), 'terms_of_reference'))
      .status,
  ).toBe(201);
  expect((await upload('/documents', applicant, 'cv.pdf', pdfBytes('cv'), 'cv')).status).toBe(201);
  expect((await api.get('/documents', applicant)).status).toBe(200);
  expect((await upload('/experts/exp-001/documents', expert1, 'cv.pdf', pdfBytes('expert cv'), 'cv')).status).toBe(201);
  expect((await api.get('/experts/exp-001/documents', fm)).status).toBe(200);
  expect(
    (
      await upload(
        `/proposals/${pd.body.id}/documents`,
        applicant,
        'page.pdf',
        Buffer.from('<html><body>hi</body></html>'),
      )
    ).status,
  ).toBe(415);
  expect((await api.get(`/proposals/${p.body.id}/documents`, co)).status).toBe(200);
  expect((await api.get(`/expert-requests/${rd.body.id}/documents`, fm)).status).toBe(200);
  const docId = onProposal.body.items[0].id as string;
  expect((await api.get(`/documents/${docId}`, co)).status).toBe(200);
  expect((await api.get(`/documents/${docId}/content`, co)).status).toBe(200);
  expect((await api.get(`/documents/${docId}/content`, co, { Range: 'bytes=0-3' })).status).toBe(206);
  expect((await api.post(`/documents/${docId}/release`, { reason: 'checked by hand' }, fm)).status).toBe(409);
  const agreementDoc = await h.db.prisma.document.findFirst({
    where: { subjectId: p.body.id, documentType: 'grant_agreement', scanState: 'clean' },
  });
  if (agreementDoc) expect((await api.get(`/documents/${agreementDoc.id}/content`, applicant)).status).toBe(200);
  const scanFailed = await h.db.prisma.document.update({
    where: { id: docId },
    data: { scanState: 'scan_failed', scanDetail: 'Heuristics.Limits.Exceeded.MaxScanSize' },
  });
  expect(
    (await api.post(`/documents/${scanFailed.id}/release`, { reason: 'Opened by hand: a letter' }, fm)).status,
  ).toBe(200);
  expect((await api.post(`/documents/${docId}/delete`, {}, applicant)).status).toBe(200);

  // Withdrawals (with and without a body), the pipeline and its export.
  const toWithdraw = await api.post('/proposals', proposalPayload({ title: 'Contract test withdrawal' }), applicant);
  expect((await api.post(`/proposals/${toWithdraw.body.id}/withdraw`, undefined, applicant)).status).toBe(200);
  const requestToWithdraw = await api.post(
    '/expert-requests',
    expertRequestPayload({ title: 'Contract test withdrawal' }),
    co2,
  );
  expect(
    (await api.post(`/expert-requests/${requestToWithdraw.body.id}/withdraw`, { reason: 'No longer needed' }, co))
      .status,
  ).toBe(200);
  // Drafts: started, saved, read, listed, copied, deleted; a proposal copied into a new one.
  const draft = await api.post('/drafts', { callId: 'call-kg', data: { title: 'Contract draft' } }, applicant);
  expect(draft.status).toBe(201);
  expect(
    (await api.patch(`/drafts/${draft.body.id}`, { data: { title: 'Contract draft', durationMonths: 12 } }, applicant))
      .status,
  ).toBe(200);
  expect((await api.get(`/drafts/${draft.body.id}`, applicant)).status).toBe(200);
  expect((await api.get('/drafts', applicant)).status).toBe(200);
  const copied = await api.post(`/drafts/${draft.body.id}/copy`, {}, applicant);
  expect(copied.status).toBe(201);
  expect((await api.post(`/drafts/${copied.body.id}/delete`, {}, applicant)).status).toBe(200);
  expect((await api.post(`/proposals/${toWithdraw.body.id}/copy-to-draft`, {}, applicant)).status).toBe(201);
  expect((await api.get('/pipeline?pageSize=10', fm)).status).toBe(200);
  expect((await api.get('/pipeline?programme=experts_on_demand', co)).status).toBe(200);
  expect((await api.get('/pipeline/export.csv?programme=challenge_fund', fm)).status).toBe(200);

  // Results: the closed subjects report a period, the dashboard, its drill-down, exports and provenance.
  const lastMonth = { periodStart: daysFromToday(-40), periodEnd: daysFromToday(-10) };
  expect(
    (await api.post(`/proposals/${p.body.id}/results/reports`, { ...lastMonth, values: { beneficiaries: 120 } }, fm))
      .status,
  ).toBe(201);
  expect(
    (
      await api.post(
        `/expert-requests/${r.body.id}/results/reports`,
        { ...lastMonth, values: { beneficiaries: 30, peopleTrained: 30, trainings: 2 } },
        co,
      )
    ).status,
  ).toBe(201);
  for (const [path, id] of [
    ['/proposals', p.body.id],
    ['/expert-requests', r.body.id],
  ]) {
    expect((await api.get(`${path}/${id}/results`, fm)).status).toBe(200);
    const provenance = await api.get(`${path}/${id}/provenance`, fm);
    expect(provenance.status).toBe(200);
    expect(provenance.body.decisions.length).toBeGreaterThan(0);
  }
  expect((await api.get('/results?country=KG', fm)).body.totals.beneficiaries).toBeGreaterThanOrEqual(150);
  expect((await api.get('/results/items?phase=closed', co)).status).toBe(200);
  for (const url of [
    '/results/pipeline.csv',
    '/results/pipeline.xlsx',
    '/results/export.csv?by=sdg',
    '/results/export.xlsx',
    '/results/summary.pdf?country=KG&lang=ru',
  ])
    expect((await api.get(url, fm)).status).toBe(200);
  // Policy rule sets: a draft of a version still to come, changed, its impact previewed, published.
  const nextVersion = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
  expect((await api.get('/policy/rule-sets', fm)).status).toBe(200);
  const ruleSet = {
    id: 'popp-contract-next',
    name: 'UNDP POPP (contract test revision)',
    source: 'UNDP POPP, contract test circular',
    effectiveFrom: nextVersion,
    rules: { innovationDirectAwardLimitCents: 3_000_000 },
  };
  expect((await api.post('/policy/rule-sets/drafts', ruleSet, admin)).status).toBe(201);
  expect(
    (await api.patch('/policy/rule-sets/drafts/popp-contract-next', { rules: { minCoFinancingPct: 25 } }, admin))
      .status,
  ).toBe(200);
  expect((await api.get('/policy/rule-sets/popp-contract-next/impact', fm)).status).toBe(200);
  expect((await api.post('/policy/rule-sets/drafts/popp-contract-next/publish', {}, admin)).status).toBe(200);
  // The calendar: holidays of a year, one entered and revoked, the offices' calendars.
  expect((await api.get('/calendar/holidays?country=RU&year=2027', admin)).status).toBe(200);
  const holiday = { countryCode: 'KG', date: '2027-03-22', name: 'Nooruz', nameRu: 'Нооруз' };
  expect((await api.post('/calendar/holidays', holiday, admin)).status).toBe(201);
  expect((await api.post('/calendar/holidays/revoke', { countryCode: 'KG', date: '2027-03-22' }, admin)).status).toBe(
    200,
  );
  expect((await api.get('/calendar/offices', admin)).status).toBe(200);
  expect((await api.patch('/calendar/offices/KG', { timeZone: 'Asia/Bishkek' }, admin)).status).toBe(200);
  // Messages, internal notes and cancellation, on a subject of each programme.
  const messageSubjects = [
    {
      path: '/proposals',
      id: (await api.post('/proposals', proposalPayload({ title: 'Contract thread' }), applicant)).body.id,
      party: applicant,
    },
    {
      path: '/expert-requests',
      id: (await api.post('/expert-requests', expertRequestPayload(), co)).body.id,
      party: co,
    },
  ];
  for (const s of messageSubjects) {
    expect(
      (await api.post(`${s.path}/${s.id}/messages`, { body: 'A question about the budget.' }, s.party)).status,
    ).toBe(201);
    expect((await api.get(`${s.path}/${s.id}/messages`, fm)).status).toBe(200);
    expect((await api.post(`${s.path}/${s.id}/notes`, { body: 'Check the co-financing.' }, fm)).status).toBe(201);
    expect((await api.get(`${s.path}/${s.id}/notes`, fm)).status).toBe(200);
    expect(
      (await api.post(`${s.path}/${s.id}/results/targets`, { values: { beneficiaries: 500 } }, s.party)).status,
    ).toBe(200);
    expect((await api.post(`${s.path}/${s.id}/cancel`, { reason: 'Duplicate.' }, fm)).status).toBe(200);
  }

  // SDG event travel: an expert's application through the routes of its own and the generic ones.
  // Each application names its invitation letter, uploaded beforehand (eligibility counts a clean one).
  const letterId = async (ref: string) => {
    const letter = await upload('/documents', expert1, 'invitation.pdf', pdfBytes(ref), 'invitation_letter');
    expect(letter.status).toBe(201);
    return letter.body.items[0].id as string;
  };
  // Results are reported from the trip on, which begins on the departure date (weeks away by the
  // eligibility rules): this application runs on a worker of its own whose Clock is compressed
  // from now on (a day lasts TRAVEL_DAY_MS), reached through an app that starts workflows on its queue.
  const travelApi = checkedClient(h.makeApp({}, { taskQueue: await startTravelWorker() }), checker);
  const travel = await travelApi.post(
    '/event-travel',
    { ...eventTravelPayload(), documentIds: [await letterId('DESA/2027/17')] },
    expert1,
  );
  expect(travel.status).toBe(201);
  const travelPath = `/event-travel/${travel.body.id}`;
  expect((await api.get('/event-travel', fm)).status).toBe(200);
  expect((await api.get(travelPath, expert1)).status).toBe(200);
  expect((await api.post(`${travelPath}/messages`, { body: 'Is the visa fee covered?' }, expert1)).status).toBe(201);
  expect((await api.get(`${travelPath}/messages`, fm)).status).toBe(200);
  expect((await api.post(`${travelPath}/notes`, { body: 'Check the DSA nights.' }, fm)).status).toBe(201);
  expect((await api.get(`${travelPath}/notes`, fm)).status).toBe(200);
  expect((await api.post(`${travelPath}/results/targets`, { values: { beneficiaries: 40 } }, fm)).status).toBe(200);
  expect((await api.get(`${travelPath}/provenance`, fm)).status).toBe(200);
  expect(
    (await upload(`${travelPath}/documents`, expert1, 'boarding.pdf', pdfBytes('boarding'), 'attendance_proof')).status,
  ).toBe(201);
  expect((await api.get(`${travelPath}/documents`, expert1)).body.items).toHaveLength(2);
  // Each task as its assignee finds it in their list (the expert signs first, then the fund manager).
  const decideTravel = async (kind: string, token: string, body: Json) => {
    const task = await eventually(async () => {
      const tasks = (await api.get(`/tasks?subject=${travel.body.id}&pageSize=50`, token)).body.items as {
        id: string;
        kind: string;
        status: string;
      }[];
      return tasks.find((t) => t.kind === kind && t.status === 'open');
    }, 60_000);
    expect((await api.post(`/tasks/${encodeURIComponent(task.id)}/decision`, body, token)).status).toBe(200);
  };
  await decideTravel('travel_review', fm, {
    decision: 'approve',
    data: { scores: { sdgRelevance: 5, visibility: 4, partnerCountryAudience: 4, undpProgrammeLink: 3 } },
  });
  for (const signer of [expert1, fm]) await decideTravel('contract_signature', signer, { decision: 'sign' });
  await eventually(async () => {
    const { stage } = await h.db.prisma.eventTravel.findUniqueOrThrow({ where: { id: travel.body.id } });
    return ['trip', 'settlement'].includes(stage) ? stage : undefined;
  }, 60_000);
  expect(
    (await api.post(`${travelPath}/results/reports`, { ...lastMonth, values: { beneficiaries: 35 } }, expert1)).status,
  ).toBe(201);
  expect((await api.get(`${travelPath}/results`, expert1)).status).toBe(200);
  const toCancelTravel = await api.post(
    '/event-travel',
    { ...eventTravelPayload(), documentIds: [await letterId('DESA/2027/18')] },
    expert1,
  );
  expect(toCancelTravel.status).toBe(201);
  expect((await api.post(`/event-travel/${toCancelTravel.body.id}/cancel`, { reason: 'Duplicate.' }, fm)).status).toBe(
    200,
  );
  const toWithdrawTravel = await api.post(
    '/event-travel',
    { ...eventTravelPayload(), documentIds: [await letterId('DESA/2027/19')] },
    expert1,
  );
  expect(toWithdrawTravel.status).toBe(201);
  expect((await api.post(`/event-travel/${toWithdrawTravel.body.id}/withdraw`, {}, expert1)).status).toBe(200);

  // UN Volunteers: a host's request through the routes of its own and the generic ones.
  const unv = await api.post('/unv-assignments', UNV_REQUEST_EXAMPLE, co);
  expect(unv.status).toBe(201);
  const unvPath = `/unv-assignments/${unv.body.id}`;
  expect((await api.get('/unv-assignments', fm)).status).toBe(200);
  expect((await api.get(unvPath, co)).status).toBe(200);
  expect((await api.post(`${unvPath}/messages`, { body: 'Can the volunteer start in March?' }, co)).status).toBe(201);
  expect((await api.get(`${unvPath}/messages`, fm)).status).toBe(200);
  expect((await api.post(`${unvPath}/notes`, { body: 'Within the envelope.' }, fm)).status).toBe(201);
  expect((await api.get(`${unvPath}/notes`, fm)).status).toBe(200);
  expect((await api.post(`${unvPath}/results/targets`, { values: { beneficiaries: 40 } }, fm)).status).toBe(200);
  expect((await api.get(`${unvPath}/provenance`, fm)).status).toBe(200);
  // Results are reported during the assignment: for the answer's shape, the row is put in that stage
  // while the workflow waits for the funding decision (no step writes the row meanwhile).
  await eventually(
    async () =>
      (await h.db.prisma.task.findFirst({
        where: { subjectId: unv.body.id, kind: 'unv_funding_decision', status: 'open' },
      })) ?? undefined,
  );
  const { stage: unvStage } = await h.db.prisma.unvAssignment.findUniqueOrThrow({ where: { id: unv.body.id } });
  await h.db.prisma.unvAssignment.update({ where: { id: unv.body.id }, data: { stage: 'assignment' } });
  expect(
    (await api.post(`${unvPath}/results/reports`, { ...lastMonth, values: { beneficiaries: 35 } }, co)).status,
  ).toBe(201);
  expect((await api.get(`${unvPath}/results`, co)).status).toBe(200);
  await h.db.prisma.unvAssignment.update({ where: { id: unv.body.id }, data: { stage: unvStage } });
  expect((await api.post(`${unvPath}/cancel`, { reason: 'Duplicate.' }, fm)).status).toBe(200);
  const toWithdrawUnv = await api.post('/unv-assignments', UNV_REQUEST_EXAMPLE, co);
  expect(toWithdrawUnv.status).toBe(201);
  expect((await api.post(`/unv-assignments/${toWithdrawUnv.body.id}/withdraw`, {}, co)).status).toBe(200);
  // Internships: a Country Office's posting (its own routes) and a student's application (its own and the generic ones).
  const posting = await api.post('/internship-postings', POSTING_EXAMPLE, co);
  expect(posting.status).toBe(201);
  const postingPath = `/internship-postings/${posting.body.id}`;
  expect((await api.get('/internship-postings', applicant)).status).toBe(200);
  expect((await api.get(postingPath, co)).status).toBe(200);
  expect((await api.post(`${postingPath}/extend`, { applicationDeadline: '2027-07-15' }, co)).status).toBe(200);
  const internship = await api.post(
    '/internships',
    {
      ...INTERNSHIP_EXAMPLE,
      postingId: posting.body.id,
      documentIds: await stageInternshipDocuments(h.app, applicant),
    },
    applicant,
  );
  expect(internship.status).toBe(201);
  const internshipPath = `/internships/${internship.body.id}`;
  expect((await api.get('/internships', co)).status).toBe(200);
  expect((await api.get(internshipPath, applicant)).status).toBe(200);
  expect((await api.post(`${internshipPath}/messages`, { body: 'Is a visa needed?' }, applicant)).status).toBe(201);
  expect((await api.get(`${internshipPath}/messages`, co)).status).toBe(200);
  expect((await api.post(`${internshipPath}/notes`, { body: 'Strong profile.' }, fm)).status).toBe(201);
  expect((await upload(`${internshipPath}/documents`, applicant, 'cv-2.pdf', pdfBytes('cv2'), 'cv')).status).toBe(201);
  expect((await api.get(`${internshipPath}/documents`, co)).status).toBe(200);
  expect((await api.get(`${internshipPath}/provenance`, fm)).status).toBe(200);
  expect((await api.get(`${internshipPath}/notes`, fm)).status).toBe(200);
  expect((await api.post(`${internshipPath}/results/targets`, { values: { beneficiaries: 1 } }, fm)).status).toBe(200);
  // Results are reported from the placement on (months away): for the answer's shape, the read
  // model's row is put in that stage while the workflow waits for the university's verification.
  await eventually(
    async () =>
      (await h.db.prisma.task.findFirst({
        where: { subjectId: internship.body.id, kind: 'internship_university_verification', status: 'open' },
      })) ?? undefined,
  );
  await h.db.prisma.internship.update({ where: { id: internship.body.id }, data: { stage: 'placement' } });
  expect(
    (await api.post(`${internshipPath}/results/reports`, { ...lastMonth, values: { beneficiaries: 1 } }, applicant))
      .status,
  ).toBe(201);
  expect((await api.get(`${internshipPath}/results`, applicant)).status).toBe(200);
  await h.db.prisma.internship.update({
    where: { id: internship.body.id },
    data: { stage: 'university_verification' },
  });
  const toWithdrawInternship = await api.post(
    '/internships',
    {
      ...INTERNSHIP_EXAMPLE,
      postingId: posting.body.id,
      documentIds: await stageInternshipDocuments(h.app, applicant),
    },
    applicant,
  );
  expect(toWithdrawInternship.status).toBe(201);
  expect((await api.post(`/internships/${toWithdrawInternship.body.id}/withdraw`, {}, applicant)).status).toBe(200);
  // Early termination needs a running placement: an application on the compressed worker, from the posting to its start.
  await h.db.prisma.user.create({
    data: {
      id: 'u-uni-tpu',
      email: 'internships@tpu.example.org',
      name: 'TPU',
      role: 'university_contact',
      institutionId: 'inst-tpu',
    },
  });
  const uni = await tokenOf('internships@tpu.example.org');
  const ct = travelClock.today(await travelClock.office('KG'));
  const placementPosting = await travelApi.post(
    '/internship-postings',
    {
      ...POSTING_EXAMPLE,
      months: 3,
      startWindowFrom: addDays(ct, 60),
      startWindowTo: addDays(ct, 70),
      applicationDeadline: addDays(ct, 50),
    },
    co,
  );
  expect(placementPosting.status).toBe(201);
  const placed = await travelApi.post(
    '/internships',
    {
      ...INTERNSHIP_EXAMPLE,
      postingId: placementPosting.body.id,
      documentIds: await stageInternshipDocuments(h.app, applicant),
    },
    applicant,
  );
  expect(placed.status).toBe(201);
  const decideInternship = async (kind: string, token: string, body: Json) => {
    const task = await eventually(async () => {
      const tasks = (await api.get(`/tasks?subject=${placed.body.id}&pageSize=50`, token)).body.items as {
        id: string;
        kind: string;
      }[];
      return tasks.find((t) => t.kind === kind);
    }, 60_000);
    expect((await api.post(`/tasks/${encodeURIComponent(task.id)}/decision`, body, token)).status).toBe(200);
  };
  await decideInternship('internship_university_verification', uni, {
    decision: 'verify',
    data: { enrolmentConfirmed: true },
  });
  await decideInternship('internship_shortlist', co, { decision: 'shortlist' });
  await decideInternship('internship_interview', co, {
    decision: 'select',
    data: { interviewDate: ct, notes: 'Good.' },
  });
  for (const signer of [applicant, co]) await decideInternship('contract_signature', signer, { decision: 'sign' });
  await decideInternship('internship_onboarding', applicant, {
    decision: 'complete',
    data: { insurancePolicy: 'Ingosstrakh 1', insuranceValidTo: addDays(ct, 200) },
  });
  await eventually(
    async () =>
      (await h.db.prisma.internship.findUniqueOrThrow({ where: { id: placed.body.id } })).stage === 'placement',
    90_000,
  );
  const terminated = await api.post(
    `/internships/${placed.body.id}/terminate`,
    { reason: 'Left the duty station.' },
    co,
  );
  expect(terminated.status).toBe(200);
  expect((await api.post(`${internshipPath}/cancel`, { reason: 'Duplicate.' }, fm)).status).toBe(200);
  expect((await api.post(`${postingPath}/withdraw`, { reason: 'Postponed.' }, co)).status).toBe(200);

  // 413, 415, 429 and 503 answers are documented too.
  expect((await api.post('/proposals', { summary: 'x'.repeat(1_100_000) }, applicant)).status).toBe(413);
  const text = await request(h.app)
    .post('/proposals')
    .set('Authorization', `Bearer ${applicant}`)
    .set('Content-Type', 'text/plain')
    .send('hello');
  checker.check('post', '/proposals', text);
  expect(text.status).toBe(415);
  const limited = checkedClient(h.makeApp({ RATE_LIMIT_PER_MINUTE: '1' }), checker);
  await limited.post('/proposals/p-none/withdraw', {}, applicant);
  expect((await limited.post('/proposals/p-none/withdraw', {}, applicant)).status).toBe(429);
  const dead = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1 second' }) });
  try {
    const down = checkedClient(h.makeApp({}, { temporal: dead, temporalTimeoutMs: 2000 }), checker);
    expect((await down.get('/health')).status).toBe(503);
    expect((await down.post('/proposals', proposalPayload({ title: 'Temporal is down' }), applicant)).status).toBe(503);
  } finally {
    await dead.connection.close().catch(() => undefined);
  }

  // Last, since it ends every token of the applicant.
  expect((await api.post('/me/sign-out-everywhere', {}, applicant)).status).toBe(200);

  expect(checker.problems).toEqual([]);
  expect(checker.unseenSuccesses()).toEqual([]);
  expect(checker.seen.some((s) => s.operationId === 'getHealth' && s.status === 503)).toBe(true);
}, 600_000);
