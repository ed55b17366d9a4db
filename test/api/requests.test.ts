import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { CALL_EXAMPLE, EXPERT_EXAMPLE } from '../../api/examples';
import { DEMO_USERS } from '../../domain/demo';
import { PROGRAMMES } from '../../domain/stages';
import type { CallCreate } from '../../domain/schemas';
import { expertRequestPayload, proposalPayload } from '../fixtures/payloads';
import { as, startApiHarness, type ApiHarness } from './harness';

/**
 * The HTTP contract: validation on every POST route, idempotency, the error shape and its
 * statuses, headers, logging, rate limits, health, the OpenAPI document and the CSV export.
 */
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness('requests');
});

afterAll(async () => {
  await h?.stop();
});

function callPayload(overrides: Partial<CallCreate> = {}): CallCreate {
  return { ...structuredClone(CALL_EXAMPLE), ...overrides };
}

const expertPayload = (overrides: Record<string, unknown> = {}) => ({
  ...EXPERT_EXAMPLE,
  email: `nina.${Math.random().toString(36).slice(2)}@example.org`,
  ...overrides,
});

async function counts() {
  const p = h.db.prisma;
  const [proposals, requests, calls, experts, idempotency, users] = await Promise.all([
    p.proposal.count(),
    p.expertRequest.count(),
    p.call.count(),
    p.expert.count(),
    p.idempotencyRecord.count(),
    p.user.findMany({ orderBy: { id: 'asc' } }),
  ]);
  const workflows = await h.env.client.workflow.count();
  return { proposals, requests, calls, experts, idempotency, users, workflows: workflows.count };
}

function without<T extends object>(o: T, key: keyof T): Partial<T> {
  const copy = { ...o };
  delete copy[key];
  return copy;
}

test('every POST/PATCH route refuses missing, mistyped, out-of-range and unknown fields with 400 and per-field details; nothing is written or started', async () => {
  const fm = as(h.app, await h.token('fundManager'));
  const applicant = as(h.app, await h.token('applicant'));
  const co = as(h.app, await h.token('coKg'));
  const expert = as(h.app, await h.token('expert1'));
  // A real open task to aim decisions at.
  const created = await applicant.post('/proposals', proposalPayload({ title: 'Validation target' }));
  expect(created.status).toBe(201);
  const taskList = await co.get('/tasks?pageSize=100');
  const task = taskList.body.items.find((t: { subject: { id: string } }) => t.subject.id === created.body.id);
  const before = await counts();

  const cases: [string, ReturnType<typeof as>, string, 'post' | 'patch', unknown, string][] = [
    ['proposal: missing', applicant, '/proposals', 'post', without(proposalPayload(), 'title'), 'title'],
    [
      'proposal: wrong type',
      applicant,
      '/proposals',
      'post',
      { ...proposalPayload(), requestedAmountUsd: '30000' },
      'requestedAmountUsd',
    ],
    [
      'proposal: out of range',
      applicant,
      '/proposals',
      'post',
      { ...proposalPayload(), durationMonths: 0 },
      'durationMonths',
    ],
    [
      'proposal: out of range in a list',
      applicant,
      '/proposals',
      'post',
      { ...proposalPayload(), sdgs: [18] },
      'sdgs.0',
    ],
    // More cents than a 32-bit column holds: the read model could not store it (the workflow retried for ever).
    [
      'proposal: more than USD 20 million',
      applicant,
      '/proposals',
      'post',
      proposalPayload({ coFinancingUsd: 45_582_760.3 }),
      'coFinancingUsd',
    ],
    [
      'proposal: unknown field',
      applicant,
      '/proposals',
      'post',
      { ...proposalPayload(), institutionId: 'inst-hse' },
      'institutionId',
    ],
    [
      'proposal: unknown nested field',
      applicant,
      '/proposals',
      'post',
      { ...proposalPayload(), nationalPartner: { ...proposalPayload().nationalPartner, approved: true } },
      'nationalPartner.approved',
    ],
    ['proposal: unknown call', applicant, '/proposals', 'post', proposalPayload({ callId: 'call-nowhere' }), 'callId'],
    ['proposal: not a body', applicant, '/proposals', 'post', [], '(body)'],
    ['request: missing', co, '/expert-requests', 'post', without(expertRequestPayload(), 'objectives'), 'objectives'],
    [
      'request: wrong type',
      co,
      '/expert-requests',
      'post',
      { ...expertRequestPayload(), workingDays: 'ten' },
      'workingDays',
    ],
    [
      'request: out of range',
      co,
      '/expert-requests',
      'post',
      { ...expertRequestPayload(), workingDays: 91 },
      'workingDays',
    ],
    ['request: unknown field', co, '/expert-requests', 'post', { ...expertRequestPayload(), stage: 'closed' }, 'stage'],
    [
      'request: inconsistent',
      co,
      '/expert-requests',
      'post',
      expertRequestPayload({ contractValueUsd: 7_000 }),
      'deliverables',
    ],
    ['call: missing', fm, '/calls', 'post', without(callPayload(), 'rubric'), 'rubric'],
    ['call: wrong type', fm, '/calls', 'post', { ...callPayload(), passMark: 'high' }, 'passMark'],
    ['call: out of range', fm, '/calls', 'post', callPayload({ passMark: 101 }), 'passMark'],
    ['call: unknown field', fm, '/calls', 'post', { ...callPayload(), id: 'call-mine' }, 'id'],
    [
      'call: weights',
      fm,
      '/calls',
      'post',
      callPayload({ rubric: [{ key: 'innovation', label: 'Innovation', weight: 30, max: 100 }] }),
      'rubric',
    ],
    ['call: unknown area', fm, '/calls', 'post', callPayload({ thematicAreaIds: ['astrology'] }), 'thematicAreaIds.0'],
    ['expert: missing', fm, '/experts', 'post', without(expertPayload(), 'email'), 'email'],
    ['expert: wrong type', fm, '/experts', 'post', expertPayload({ dailyFeeUsd: '400' }), 'dailyFeeUsd'],
    ['expert: out of range', fm, '/experts', 'post', expertPayload({ dailyFeeUsd: -1 }), 'dailyFeeUsd'],
    ['expert: unknown field', fm, '/experts', 'post', expertPayload({ rating: 5 }), 'rating'],
    ['expert patch: unknown field', expert, '/experts/exp-001', 'patch', { ratingCount: 100 }, 'ratingCount'],
    ['expert patch: empty', fm, '/experts/exp-001', 'patch', {}, '(body)'],
    ['decision: missing', co, `/tasks/${encodeURIComponent(task.id)}/decision`, 'post', { comment: 'ok' }, 'decision'],
    [
      'decision: wrong type',
      co,
      `/tasks/${encodeURIComponent(task.id)}/decision`,
      'post',
      { decision: 'endorse', comment: 5 },
      'comment',
    ],
    [
      'decision: unknown field',
      co,
      `/tasks/${encodeURIComponent(task.id)}/decision`,
      'post',
      { decision: 'endorse', actor: { role: 'admin' } },
      'actor',
    ],
    [
      'decision: comment required',
      co,
      `/tasks/${encodeURIComponent(task.id)}/decision`,
      'post',
      { decision: 'reject' },
      'comment',
    ],
    [
      'decision: data not allowed',
      co,
      `/tasks/${encodeURIComponent(task.id)}/decision`,
      'post',
      { decision: 'endorse', data: { score: 1 } },
      'data.score',
    ],
    [
      'resubmit: unknown field',
      applicant,
      `/proposals/${created.body.id}/resubmit`,
      'post',
      { countryCode: 'TJ' },
      'countryCode',
    ],
    ['withdraw: wrong type', applicant, `/proposals/${created.body.id}/withdraw`, 'post', { reason: 42 }, 'reason'],
    ['me: out of range', applicant, '/me', 'patch', { language: 'de' }, 'language'],
    // Dates that are not calendar dates (issue 24, item 4): refused with the field's path, never read back as another day.
    ['call: 30 February', fm, '/calls', 'post', callPayload({ opensAt: '2027-02-30' }), 'opensAt'],
    ['call: 31 April', fm, '/calls', 'post', callPayload({ closesAt: '2027-04-31' }), 'closesAt'],
    [
      'proposal: milestone on 31 April',
      applicant,
      '/proposals',
      'post',
      proposalPayload({ milestones: [{ title: 'Sensors installed', dueDate: '2027-04-31' }] }),
      'milestones.0.dueDate',
    ],
    [
      'request: start on 30 February',
      co,
      '/expert-requests',
      'post',
      expertRequestPayload({ startDate: '2027-02-30' }),
      'startDate',
    ],
    [
      'request: deliverable on 31 June',
      co,
      '/expert-requests',
      'post',
      expertRequestPayload({ deliverables: [{ title: 'Report', dueDate: '2027-06-31', amountUsd: 6_000 }] }),
      'deliverables.0.dueDate',
    ],
    [
      'expert: availability from 29 February 2027',
      fm,
      '/experts',
      'post',
      expertPayload({ availability: [{ from: '2027-02-29', to: '2027-03-31' }] }),
      'availability.0.from',
    ],
    [
      'resubmit: milestone on 30 February',
      applicant,
      `/proposals/${created.body.id}/resubmit`,
      'post',
      { milestones: [{ title: 'Sensors installed', dueDate: '2027-02-30' }] },
      'milestones.0.dueDate',
    ],
    ['me: mass assignment', applicant, '/me', 'patch', { role: 'admin', language: 'ru' }, 'role'],
  ];
  for (const [name, client, url, method, body, field] of cases) {
    const res = await client[method](url, body);
    if (res.status !== 400) throw new Error(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
    expect(res.body.error.code).toMatch(/^(validation_failed|invalid_decision)$/);
    const paths = (res.body.error.details as { path: string; message: string }[]).map((d) => d.path);
    if (!paths.includes(field))
      throw new Error(`${name}: expected a detail for ${field}, got ${JSON.stringify(res.body.error.details)}`);
  }
  const tokenRes = await request(h.app).post('/auth/dev-token').send({ email: 'x@example.org', admin: true });
  expect(tokenRes.status).toBe(400);
  expect(tokenRes.body.error.details).toContainEqual({ path: 'admin', message: 'unknown field' });

  await new Promise((r) => setTimeout(r, 500)); // visibility is eventually consistent
  expect(await counts()).toEqual(before);
  // The refused decisions left the task open.
  expect((await h.db.prisma.task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe('open');
});

test('protocol errors share the one error shape: malformed JSON, too large, wrong media type, unknown route, no stack traces', async () => {
  const token = await h.token('applicant');
  const malformed = await request(h.app)
    .post('/proposals')
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', 'application/json')
    .send('{"title": ');
  expect(malformed.status).toBe(400);
  expect(malformed.body).toEqual({ error: { code: 'malformed_json', message: expect.any(String) } });
  const huge = await request(h.app)
    .post('/proposals')
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ summary: 'x'.repeat(1_100_000) }));
  expect(huge.status).toBe(413);
  expect(huge.body.error.code).toBe('payload_too_large');
  const text = await request(h.app)
    .post('/proposals')
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', 'text/plain')
    .send('hello');
  expect(text.status).toBe(415);
  const unknown = await request(h.app).get('/nowhere');
  expect(unknown.status).toBe(404);
  expect(unknown.body).toEqual({ error: { code: 'not_found', message: 'no route for GET /nowhere' } });
  const badQuery = await as(h.app, token).get('/proposals?pageSize=1000');
  expect(badQuery.status).toBe(400);
  expect(badQuery.body.error.details).toContainEqual(expect.objectContaining({ path: 'pageSize' }));
  for (const res of [malformed, huge, text, unknown, badQuery])
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
});

test('idempotency: same key and body → same response, other body → 409, concurrent duplicates → one proposal and one workflow', async () => {
  const applicant = as(h.app, await h.token('applicant'));
  const body = proposalPayload({ title: 'Idempotent proposal A' });
  const first = await applicant.post('/proposals', body).set('Idempotency-Key', 'key-a');
  expect(first.status).toBe(201);
  const second = await applicant.post('/proposals', body).set('Idempotency-Key', 'key-a');
  expect(second.status).toBe(201);
  expect(second.body).toEqual(first.body);
  expect(second.headers['idempotent-replayed']).toBe('true');
  // Key order does not matter: the body is hashed canonically.
  const reordered = Object.fromEntries(Object.entries(body).reverse());
  expect((await applicant.post('/proposals', reordered).set('Idempotency-Key', 'key-a')).body.id).toBe(first.body.id);
  const different = await applicant
    .post('/proposals', { ...body, title: 'Something else' })
    .set('Idempotency-Key', 'key-a');
  expect(different.status).toBe(409);
  expect(different.body.error.code).toBe('idempotency_key_reused');
  expect(await h.db.prisma.proposal.count({ where: { title: 'Idempotent proposal A' } })).toBe(1);
  // Keys are per user.
  const other = await as(h.app, await h.token('applicant2'))
    .post('/proposals', body)
    .set('Idempotency-Key', 'key-a');
  expect(other.status).toBe(201);
  expect(other.body.id).not.toBe(first.body.id);

  // Concurrent duplicates: one reservation wins, the others wait and replay its response.
  const racing = proposalPayload({ title: 'Idempotent proposal B' });
  const results = await Promise.all(
    Array.from({ length: 5 }, () => applicant.post('/proposals', racing).set('Idempotency-Key', 'key-b')),
  );
  expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
  expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
  expect(await h.db.prisma.proposal.count({ where: { title: 'Idempotent proposal B' } })).toBe(1);
  const started = await h.env.client.workflow.count(`WorkflowId = "proposal-${results[0].body.id}"`);
  expect(started.count).toBeLessThanOrEqual(1);

  // Other creating routes honour the key too.
  const fm = as(h.app, await h.token('fundManager'));
  const callsBefore = await h.db.prisma.call.count();
  const c1 = await fm.post('/calls', callPayload()).set('Idempotency-Key', 'call-1');
  const c2 = await fm.post('/calls', callPayload()).set('Idempotency-Key', 'call-1');
  expect([c1.status, c2.status]).toEqual([201, 201]);
  expect(c2.body.id).toBe(c1.body.id);
  expect(await h.db.prisma.call.count()).toBe(callsBefore + 1);
  const e = expertPayload();
  const e1 = await fm.post('/experts', e).set('Idempotency-Key', 'exp-1');
  const e2 = await fm.post('/experts', e).set('Idempotency-Key', 'exp-1');
  expect(e2.body.id).toBe(e1.body.id);
  const co = as(h.app, await h.token('coKg'));
  const r1 = await co.post('/expert-requests', expertRequestPayload()).set('Idempotency-Key', 'er-1');
  const r2 = await co.post('/expert-requests', expertRequestPayload()).set('Idempotency-Key', 'er-1');
  expect([r1.status, r2.status]).toEqual([201, 201]);
  expect(r2.body.id).toBe(r1.body.id);
  expect((await fm.post('/calls', callPayload()).set('Idempotency-Key', 'bad key with spaces')).status).toBe(400);
  // A refused request does not consume the key.
  const refused = await fm
    .post('/calls', callPayload({ thematicAreaIds: ['astrology'] }))
    .set('Idempotency-Key', 'call-2');
  expect(refused.status).toBe(400);
  expect((await fm.post('/calls', callPayload({ title: 'Second call' })).set('Idempotency-Key', 'call-2')).status).toBe(
    201,
  );
});

test('workflow failures map to statuses: a task whose workflow is gone → 404; Temporal unreachable → 503 with Retry-After', async () => {
  await h.db.prisma.task.create({
    data: {
      id: 'proposal-ghost:co_endorsement:1',
      workflowId: 'proposal-ghost',
      programme: 'challenge_fund',
      subjectType: 'proposal',
      subjectId: 'ghost',
      kind: 'co_endorsement',
      stage: 'co_endorsement',
      status: 'open',
      assigneeRole: 'co_approver',
      assigneeCountryCode: 'KG',
      countryCode: 'KG',
      title: 'Ghost',
    },
  });
  const co = as(h.app, await h.token('coKg'));
  const ghost = await co.post('/tasks/proposal-ghost:co_endorsement:1/decision', { decision: 'endorse' });
  expect(ghost.status).toBe(404);
  expect(ghost.body.error.code).toBe('not_found');

  // No client retries against the dead address: a retry timer left pending when the connection
  // closes would fail a later test with "Channel has been shut down".
  const dead = new Client({
    connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1 second', interceptors: [] }),
  });
  try {
    const app = h.makeApp({}, { temporal: dead, temporalTimeoutMs: 2000 });
    const token = await h.token('applicant');
    const res = await request(app)
      .post('/proposals')
      .set('Authorization', `Bearer ${token}`)
      .send(proposalPayload({ title: 'Temporal is down' }));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body.error.code).toBe('unavailable');
    const health = await request(app).get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ status: 'degraded', temporal: 'unavailable', database: 'ok', worker: 'unavailable' });
    // Reads do not need Temporal.
    expect((await request(app).get('/proposals').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    expect(await h.db.prisma.proposal.count({ where: { title: 'Temporal is down' } })).toBe(0);
  } finally {
    await dead.connection.close().catch(() => undefined);
  }
  const ok = await request(h.app).get('/health');
  expect(ok.status).toBe(200);
  expect(ok.body).toEqual({ status: 'ok', temporal: 'ok', database: 'ok', worker: 'ok' });
});

test('headers and logs: X-Request-Id, security headers, CORS, one JSON log line per request without credentials', async () => {
  const token = await h.token('coTj');
  const res = await as(h.app, token)
    .get('/me')
    .set('X-Request-Id', 'trace-abc-123')
    .set('Origin', 'http://localhost:5173');
  expect(res.status).toBe(200);
  expect(res.headers['x-request-id']).toBe('trace-abc-123');
  expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  expect(res.headers['x-powered-by']).toBeUndefined();
  const foreign = await request(h.app).get('/health').set('Origin', 'https://evil.example.org');
  expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  const insane = await request(h.app).get('/health').set('X-Request-Id', 'has spaces and <script>');
  expect(insane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  const error = await request(h.app).get('/nowhere');
  expect(error.headers['x-request-id']).toBeDefined();

  await new Promise((r) => setTimeout(r, 50));
  const line = h.logs.find((l) => l.requestId === 'trace-abc-123' && l.msg === 'request');
  expect(line).toMatchObject({
    method: 'GET',
    path: '/me',
    status: 200,
    userId: DEMO_USERS.coTj.id,
    requestId: 'trace-abc-123',
  });
  expect(typeof line!.ms).toBe('number');
  const all = JSON.stringify(h.logs);
  expect(all).not.toContain(token);
  expect(all).not.toMatch(/Bearer /);
});

test('rate limits: POST routes answer 429 with Retry-After past RATE_LIMIT_PER_MINUTE; reads are not limited', async () => {
  const token = await h.token('applicant');
  await h.resetRateLimits();
  const app = h.makeApp({ RATE_LIMIT_PER_MINUTE: '3' });
  const statuses: number[] = [];
  let last: request.Response | undefined;
  for (let i = 0; i < 5; i++) {
    last = await request(app).post('/proposals/p-none/withdraw').set('Authorization', `Bearer ${token}`).send({});
    statuses.push(last.status);
  }
  expect(statuses).toEqual([404, 404, 404, 429, 429]);
  expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
  expect(last!.body.error.code).toBe('rate_limited');
  for (let i = 0; i < 5; i++)
    expect((await request(app).get('/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
});

test('OpenAPI: a 3.1 document listing every route (validated in contract.test.ts); /docs served locally', async () => {
  const res = await request(h.app).get('/openapi.json');
  expect(res.status).toBe(200);
  const doc = res.body;
  expect(doc.openapi).toBe('3.1.0');

  // Every Express route is in the document, and nothing else.
  const routes: string[] = [];
  for (const layer of (
    h.app as unknown as { _router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }
  )._router.stack) {
    // The 405 answers for other methods on each path are app.all() routes (every method), not operations.
    if (!layer.route || layer.route.methods.acl) continue;
    for (const m of Object.keys(layer.route.methods))
      routes.push(`${m} ${layer.route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
  }
  const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
    Object.keys(ops).map((m) => `${m} ${p}`),
  );
  expect(documented.sort()).toEqual(routes.sort());
  for (const expected of [
    'post /proposals',
    'get /proposals/{id}',
    'post /proposals/{id}/resubmit',
    'post /tasks/{id}/decision',
    'get /pipeline/export.csv',
    'patch /experts/{id}',
    'post /auth/dev-token',
  ])
    expect(documented).toContain(expected);
  expect(doc.paths['/proposals'].post.requestBody.content['application/json'].schema).toEqual({
    $ref: '#/components/schemas/ProposalCreate',
  });
  expect(doc.components.schemas.ProposalCreate.properties.milestones).toBeDefined();
  expect(doc.paths['/proposals'].post.parameters).toContainEqual(
    expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
  );

  const docs = await request(h.app).get('/docs');
  expect(docs.status).toBe(200);
  expect(docs.text).toContain('/docs/assets/swagger-ui-bundle.js');
  expect(docs.text).not.toMatch(/https?:\/\//);
  expect((await request(h.app).get('/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
  expect((await request(h.app).get('/docs/init.js')).text).toContain('/openapi.json');
});

test('pipeline: counts, failed notifications, items with age; CSV export neutralises formulas', async () => {
  const applicant = as(h.app, await h.token('applicant'));
  const evil = await applicant.post(
    '/proposals',
    proposalPayload({ title: '=HYPERLINK("http://evil.example","click")' }),
  );
  expect(evil.status).toBe(201);
  const minus = await applicant.post('/proposals', proposalPayload({ title: '-2+3 sensors, "quoted", @home' }));
  expect(minus.status).toBe(201);
  await h.db.prisma.outbox.create({
    data: {
      key: `proposal-${evil.body.id}:1:x:task_assigned`,
      workflowId: `proposal-${evil.body.id}`,
      toEmail: 'x@example.org',
      template: 'task_assigned',
      language: 'en',
      subject: 's',
      text: 't',
      html: 'h',
      status: 'failed',
    },
  });
  const fm = as(h.app, await h.token('fundManager'));
  const res = await fm.get('/pipeline?pageSize=5');
  expect(res.status).toBe(200);
  expect(Object.keys(res.body.countsByStage).sort()).toEqual([...PROGRAMMES].sort());
  expect(res.body.countsByStage.challenge_fund.co_endorsement).toBeGreaterThanOrEqual(2);
  expect(res.body.failedNotifications).toBe(1);
  expect(typeof res.body.overdueOpenTasks).toBe('number');
  expect(res.body.averageDaysInStage.challenge_fund).toHaveProperty('co_endorsement');
  expect(res.body.items.length).toBeLessThanOrEqual(5);
  expect(res.body.items[0]).toEqual(
    expect.objectContaining({
      id: expect.any(String),
      stage: expect.any(String),
      ageDays: expect.any(Number),
      daysInStage: expect.any(Number),
    }),
  );
  expect(res.body.total).toBeGreaterThanOrEqual(res.body.items.length);
  const tj = await fm.get('/pipeline?country=TJ');
  expect(tj.body.failedNotifications).toBe(0);
  expect(tj.body.items).toEqual([]);
  const stage = await fm.get('/pipeline?programme=challenge_fund&stage=withdrawn');
  expect(stage.body.items).toEqual([]);
  expect((await fm.get('/pipeline?stage=nonsense')).status).toBe(400);

  const csv = await fm.get('/pipeline/export.csv?programme=challenge_fund');
  expect(csv.status).toBe(200);
  expect(csv.headers['content-type']).toMatch(/^text\/csv/);
  expect(csv.text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
  expect(csv.text).toContain(`"'-2+3 sensors, ""quoted"", @home"`);
  expect(csv.text).not.toMatch(/(^|,)=HYPERLINK/m);
  const header = csv.text.replace(/^\uFEFF/, '').split('\r\n')[0];
  expect(header).toBe('type,programme,id,title,countryCode,stage,stageEnteredAt,createdAt,ageDays,daysInStage');
});
