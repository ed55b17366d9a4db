import { CALL_EXAMPLE } from '../../api/examples';
import { DEMO_USERS } from '../../domain/demo';
import type { CallCreate } from '../../domain/schemas';
import { proposalPayload } from '../fixtures/payloads';
import { eventually } from '../helpers/wait';
import { as, startApiHarness, type ApiHarness } from './harness';

/** The call routes over HTTP: drafts, edits, publishing, extension, closing, scope and field-level 400s. */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('calls');
});
afterAll(async () => {
  await h?.stop();
});

function closingIn(ms: number) {
  const iso = new Date(Date.now() + ms).toISOString();
  return { closesAt: iso.slice(0, 10), closingTime: iso.slice(11, 19), timeZone: 'UTC' };
}
const payload = (over: Partial<CallCreate> = {}): CallCreate => ({
  ...structuredClone(CALL_EXAMPLE),
  opensAt: '2026-01-01',
  ...closingIn(60 * 60_000),
  ...over,
});

test('a draft is created, edited with field-level checks, hidden outside the fund managers, and published', async () => {
  const fm = as(h.app, await h.token('fundManager'));
  const applicant = as(h.app, await h.token('applicant'));
  const made = await fm.post('/calls', payload({ draft: true, reviewerPool: [DEMO_USERS.reviewer1.id] }));
  expect(made.status).toBe(201);
  expect(made.body).toMatchObject({ status: 'draft', workflowId: made.body.id, rolling: false });
  expect(made.body.progress.history.map((e: { action: string }) => e.action)).toEqual(['created']);
  const id = made.body.id as string;

  // Outside the fund managers a draft does not exist; nor is it listed.
  expect((await applicant.get(`/calls/${id}`)).status).toBe(404);
  expect((await applicant.get('/calls?pageSize=100')).body.items.map((c: { id: string }) => c.id)).not.toContain(id);
  expect((await applicant.patch(`/calls/${id}`, { title: 'Mine now' })).status).toBe(403);
  expect((await fm.get('/calls/call-nope')).status).toBe(404);

  // Field-level 400s: shape (zod), cross-field rules (the workflow's validator), references.
  const bad = await fm.patch(`/calls/${id}`, { timeZone: 'Mars/Olympus', passMark: 101 });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['passMark', 'timeZone']);
  const cross = await fm.patch(`/calls/${id}`, { budgetEnvelopeUsd: 1_000 });
  expect(cross.status).toBe(400);
  expect(cross.body.error.details).toEqual([{ path: 'budgetEnvelopeUsd', message: 'must be at least maxGrantUsd' }]);
  const pool = await fm.patch(`/calls/${id}`, { reviewerPool: [DEMO_USERS.applicant.id] });
  expect(pool.status).toBe(400);
  expect(pool.body.error.details[0].path).toBe('reviewerPool.0');

  const edited = await fm.patch(`/calls/${id}`, {
    titleRu: 'Умное орошение 2027',
    budgetEnvelopeUsd: 120_000,
    requiredDocumentTypes: ['letter_of_support'],
  });
  expect(edited.status).toBe(200);
  expect(edited.body).toMatchObject({ titleRu: 'Умное орошение 2027', budgetEnvelopeUsd: 120_000, status: 'draft' });
  expect(edited.body.requiredDocumentTypes).toEqual(['letter_of_support']);

  // A proposal to a draft is refused; publishing opens it.
  expect((await applicant.post('/proposals', proposalPayload({ callId: id }))).status).toBe(400);
  const published = await fm.post(`/calls/${id}/publish`);
  expect(published.status).toBe(200);
  expect(published.body.status).toBe('published');
  expect((await fm.post(`/calls/${id}/publish`)).status).toBe(409);
  expect((await fm.patch(`/calls/${id}`, { title: 'Too late' })).status).toBe(409);
  const seen = await applicant.get(`/calls/${id}`);
  expect(seen.status).toBe(200);
  expect(seen.body.progress).toBeUndefined(); // the workflow's progress is for fund managers
  expect(seen.body.reviewerPool).toBeUndefined();
  expect((await applicant.get('/calls?pageSize=100')).body.items.map((c: { id: string }) => c.id)).toContain(id);
});

test('the deadline is extended, the call closes by its timer, and a late submission is refused with 409', async () => {
  const fm = as(h.app, await h.token('fundManager'));
  const applicant = as(h.app, await h.token('applicant'));
  const made = await fm.post('/calls', payload(closingIn(6_000)));
  expect(made.status).toBe(201);
  const id = made.body.id as string;
  expect(made.body.status).toBe('published');

  const past = await fm.post(`/calls/${id}/extension`, { closesAt: '2026-01-02' });
  expect(past.status).toBe(400);
  expect(past.body.error.details[0].path).toBe('closesAt');
  const unknownField = await fm.post(`/calls/${id}/extension`, { ...closingIn(9_000), reason: 'x' });
  expect(unknownField.status).toBe(400);
  expect(unknownField.body.error.details[0].path).toBe('reason');
  const extended = await fm.post(`/calls/${id}/extension`, closingIn(9_000));
  expect(extended.status).toBe(200);
  expect(Date.parse(extended.body.closesAt)).toBeGreaterThan(Date.parse(made.body.closesAt));
  const closesAt = Date.parse(extended.body.closesAt);

  // Open until then: a proposal is accepted.
  expect((await applicant.post('/proposals', proposalPayload({ callId: id, title: 'In time' }))).status).toBe(201);
  const closed = await eventually(async () => {
    const c = await fm.get(`/calls/${id}`);
    return c.body.status === 'closed' ? c.body : null;
  }, 60_000);
  expect(Date.now()).toBeGreaterThanOrEqual(closesAt);
  expect(closed.progress.history.map((e: { action: string }) => e.action)).toContain('closed');
  const late = await applicant.post('/proposals', proposalPayload({ callId: id, title: 'Too late' }));
  expect(late.status).toBe(409);
  expect(late.body.error.code).toBe('call_closed');
  expect(late.body.error.message).toMatch(/closed at .* submissions are no longer accepted/);
  expect((await fm.post(`/calls/${id}/extension`, closingIn(60_000))).status).toBe(409);
  // The review cannot start while the proposal is before the alignment check.
  const early = await fm.post(`/calls/${id}/review`, {});
  expect(early.status).toBe(409);
  expect(early.body.error.message).toMatch(/waiting for 1 proposal/);
  expect(closed.progress.waitingFor).toHaveLength(1);
});

test('selection bodies are checked field by field; a rolling call has no deadline', async () => {
  const fm = as(h.app, await h.token('fundManager'));
  const reviewer = as(h.app, await h.token('reviewer1'));
  const rolling = await fm.post('/calls', payload({ closesAt: null }));
  expect(rolling.status).toBe(201);
  expect(rolling.body).toMatchObject({ rolling: true, closesAt: null, status: 'published' });
  const id = rolling.body.id as string;
  expect((await fm.post(`/calls/${id}/extension`, closingIn(60_000))).status).toBe(409);
  const bad = await fm.post(`/calls/${id}/selection`, { decisions: [{ proposalId: 'x', decision: 'maybe' }] });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details[0].path).toBe('decisions.0.decision');
  expect(
    (await fm.post(`/calls/${id}/selection`, { decisions: [{ proposalId: 'x', decision: 'select' }] })).status,
  ).toBe(409);
  expect((await reviewer.post(`/calls/${id}/selection`, { decisions: [] })).status).toBe(403);
  expect((await reviewer.post(`/calls/${id}/conflicts`, { proposalId: 'nope' })).status).toBe(403); // not in its pool
  expect((await fm.post(`/calls/${id}/archive`)).status).toBe(200);
  expect((await fm.get(`/calls/${id}`)).body.status).toBe('archived');
});
