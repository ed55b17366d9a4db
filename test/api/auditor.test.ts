import request from 'supertest';
import { DEMO_USERS } from '../../domain/demo';
import { READ_ONLY_ROLES } from '../../domain/roles';
import { currentTerms } from '../../domain/terms';
import { seedResultsPortfolio } from '../fixtures/results';
import { eventually } from '../helpers/wait';
import { as, startApiHarness, type ApiHarness } from './harness';

/**
 * The auditor: a read-only role across the portfolio, invited by an administrator. It reads the
 * results, exports, pipeline, subjects, provenance and audit trail of every programme (200), and
 * every write the API documents is refused (403) but those on its own account. The writes are
 * taken from the served OpenAPI document, so a route added later is covered without editing this file.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('auditor');
  await seedResultsPortfolio(h.db.prisma);
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

/** Writes on one's own account (sign-out, tokens, preferences, terms): the auditor may send them. */
const OWN_ACCOUNT = new Set([
  'createSession',
  'revokeSession',
  'revokeAllSessions',
  'createPersonalToken',
  'revokePersonalToken',
  'updateMe',
  'createTermsAcceptance',
  'createErasureRequest',
]);

test('the auditor is a read-only role of every programme, declared by the registry', () => {
  expect([...READ_ONLY_ROLES]).toEqual(['auditor']);
});

test('an administrator invites an auditor, who joins by the mailed link', async () => {
  const app = h.makeApp({ AUTH_MODE: 'dev,email' });
  const invited = await as(app, await h.token('admin')).post('/invitations', {
    email: 'auditor.two@undp.example.org',
    role: 'auditor',
  });
  expect(invited.status).toBe(201);
  expect(invited.body).toMatchObject({ role: 'auditor', status: 'pending' });
  const mail = await eventually(async () => h.smtp.mails.find((m) => m.to === 'auditor.two@undp.example.org'), 30_000);
  const token = /\/app\/invitations\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
  expect(token).toBeDefined();
  const joined = await request(app).post('/invitations/accept').send({
    token,
    name: 'Second Auditor',
    acceptTerms: true,
    termsVersion: currentTerms().version,
  });
  expect(joined.status).toBe(201);
  expect(joined.body.role).toBe('auditor');
  const me = await as(app, joined.body.token as string).get('/results');
  expect(me.status).toBe(200);
  // Others may not invite auditors: the registry says administrators do.
  const fm = as(h.app, await h.token('fundManager'));
  expect((await fm.post('/invitations', { email: 'x.auditor@undp.example.org', role: 'auditor' })).status).toBe(403);
});

test('the auditor reads results, exports, pipeline, subjects, provenance and audit of every programme', async () => {
  const auditor = as(h.app, await h.token('auditor'));
  const fm = as(h.app, await h.token('fundManager'));
  const reads = [
    '/results',
    '/results?country=TJ',
    '/results/items?phase=closed',
    '/results/pipeline.csv',
    '/results/pipeline.xlsx',
    '/results/export.csv?by=sdg',
    '/results/export.xlsx?by=country',
    '/pipeline',
    '/audit',
    '/proposals',
    '/expert-requests',
    '/event-travel',
    '/proposals/p-res-kg-mission',
    '/proposals/p-res-tj-closed/provenance',
    '/proposals/p-res-kg-mission/results',
  ];
  for (const path of reads) {
    const res = await auditor.get(path);
    expect([path, res.status]).toEqual([path, 200]);
  }
  // The whole portfolio, as a fund manager sees it (no country narrowing).
  const [a, f] = await Promise.all([auditor.get('/results'), fm.get('/results')]);
  expect(a.body.totals).toEqual(f.body.totals);
  const [pa, pf] = await Promise.all([auditor.get('/proposals'), fm.get('/proposals')]);
  expect(pa.body.total).toBe(pf.body.total);
  expect(pa.body.total).toBeGreaterThan(0);
});

test('every documented write is 403 for the auditor, and nothing changes', async () => {
  const auditor = as(h.app, await h.token('auditor'));
  const doc = (await request(h.app).get('/openapi.json')).body as {
    paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>>;
  };
  const writes: { method: 'post' | 'patch'; path: string; operationId: string }[] = [];
  for (const [path, ops] of Object.entries(doc.paths))
    for (const method of ['post', 'patch'] as const) {
      const op = ops[method];
      // Operations without authentication (sign-in, registration, accepting an invitation) have no caller to refuse.
      if (!op || (Array.isArray(op.security) && op.security.length === 0)) continue;
      writes.push({ method, path, operationId: op.operationId });
    }
  const refused = writes.filter((w) => !OWN_ACCOUNT.has(w.operationId));
  expect(refused.length).toBeGreaterThan(30);
  expect(refused.map((w) => w.operationId)).toEqual(
    expect.arrayContaining(['decideTask', 'createProposal', 'createInvitation', 'createProposalResultReport']),
  );
  const auditBefore = await h.db.prisma.auditEvent.count();
  for (const w of refused) {
    const url = w.path.replace(/\{[^}]+\}/g, (m) => (m === '{id}' ? 'p-res-kg-mission' : 'x'));
    const res = await auditor[w.method](url, {});
    expect([w.operationId, res.status]).toEqual([w.operationId, 403]);
  }
  expect(await h.db.prisma.auditEvent.count()).toBe(auditBefore);
  // Its own account stays its own: it changes its language and signs out.
  const me = await auditor.patch('/me', { language: 'ru' });
  expect(me.status).toBe(200);
  expect(
    (await h.db.prisma.user.findUnique({ where: { id: DEMO_USERS.auditor.id }, select: { language: true } }))?.language,
  ).toBe('ru');
});
