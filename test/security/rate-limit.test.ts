import request from 'supertest';
import { DEMO_USERS } from '../../domain/demo';
import { proposalPayload } from '../fixtures/payloads';
import { startApiHarness, type ApiHarness } from '../api/harness';

/**
 * Rate limits under a burst: past RATE_LIMIT_PER_MINUTE the API answers 429 with Retry-After and
 * the refused requests start nothing (workflows and rows counted before and after). The simple
 * 429 contract is in test/api/requests.test.ts; this is the burst on the creating route.
 */
let h: ApiHarness;
const LIMIT = 5;
const BURST = 16;

beforeAll(async () => {
  h = await startApiHarness('ratelimit');
});

afterAll(async () => {
  await h?.stop();
});

async function counts() {
  await new Promise((r) => setTimeout(r, 1500)); // visibility is eventually consistent
  const [proposals, keys, workflows] = await Promise.all([
    h.db.prisma.proposal.count(),
    h.db.prisma.idempotencyRecord.count(),
    h.env.client.workflow.count(),
  ]);
  return { proposals, keys, workflows: workflows.count };
}

test(`a burst of ${BURST} creations against a limit of ${LIMIT}/min: ${LIMIT} created, the rest 429 with Retry-After, no workflow started for them`, async () => {
  const token = await h.token('applicant');
  const before = await counts();
  await h.resetRateLimits();
  const app = h.makeApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  const answers = await Promise.all(
    Array.from({ length: BURST }, (_, i) =>
      request(app)
        .post('/proposals')
        .set('Authorization', `Bearer ${token}`)
        .set('Idempotency-Key', `burst-${i}`)
        .send(proposalPayload({ title: `Burst ${i}` })),
    ),
  );
  const statuses = answers.map((a) => a.status).sort();
  expect(statuses).toEqual([...Array(LIMIT).fill(201), ...Array(BURST - LIMIT).fill(429)]);
  for (const a of answers.filter((x) => x.status === 429)) {
    expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(a.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(a.body.error.code).toBe('rate_limited');
  }
  const after = await counts();
  expect(after).toEqual({
    proposals: before.proposals + LIMIT,
    keys: before.keys + LIMIT,
    workflows: before.workflows + LIMIT,
  });
  // The limited requests did not consume their keys: the same key is refused again (429), not replayed.
  const refusedKey = answers.findIndex((a) => a.status === 429);
  const again = await request(app)
    .post('/proposals')
    .set('Authorization', `Bearer ${token}`)
    .set('Idempotency-Key', `burst-${refusedKey}`)
    .send(proposalPayload({ title: `Burst ${refusedKey}` }));
  expect(again.status).toBe(429);
  // Reads are not limited.
  expect((await request(app).get('/proposals').set('Authorization', `Bearer ${token}`)).status).toBe(200);
});

test('the per-IP limit holds before authentication: token guessing and dev-token requests are limited too', async () => {
  const before = await counts();
  await h.resetRateLimits();
  const app = h.makeApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  const guesses = await Promise.all(
    Array.from({ length: BURST }, (_, i) =>
      request(app).post('/proposals').set('Authorization', `Bearer guess-${i}`).send(proposalPayload()),
    ),
  );
  expect(guesses.map((g) => g.status).sort()).toEqual([...Array(LIMIT).fill(401), ...Array(BURST - LIMIT).fill(429)]);
  await h.resetRateLimits();
  const app2 = h.makeApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  const tokens = await Promise.all(
    Array.from({ length: BURST }, () => request(app2).post('/auth/dev-token').send({ email: DEMO_USERS.admin.email })),
  );
  expect(tokens.map((t) => t.status).sort()).toEqual([...Array(LIMIT).fill(200), ...Array(BURST - LIMIT).fill(429)]);
  // Several users behind one address share its limit: the burst of two applicants is cut at the limit as a whole.
  const [t1, t2] = [await h.token('applicant'), await h.token('applicant2')];
  await h.resetRateLimits();
  const app3 = h.makeApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  const mixed = await Promise.all(
    Array.from({ length: BURST }, (_, i) =>
      request(app3)
        .post('/proposals')
        .set('Authorization', `Bearer ${i % 2 ? t1 : t2}`)
        .send(proposalPayload({ title: `Mixed ${i}` })),
    ),
  );
  expect(mixed.filter((m) => m.status === 201).length).toBe(LIMIT);
  expect(mixed.filter((m) => m.status === 429).length).toBe(BURST - LIMIT);
  const after = await counts();
  expect(after.workflows).toBe(before.workflows + LIMIT);
  expect(after.proposals).toBe(before.proposals + LIMIT);
});
