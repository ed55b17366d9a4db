import { addDays } from '../../domain/calendar';
import { DEMO_USERS } from '../../domain/demo';
import { addMonths, dutyStationRate, expectedSpendCents, unvRulesInForce } from '../../domain/policy/unv';
import type { Clock } from '../../lib/clock';
import { UNV_REQUEST_EXAMPLE } from '../../api/un-volunteers-schemas';
import { compressedClock } from '../helpers/sla';
import { eventually } from '../helpers/wait';
import { as, startApiHarness, startCompressedWorker, type ApiHarness } from './harness';

/**
 * UN Volunteers fully funded over real HTTP, from the host's request to closed, by the right users:
 * the Kyrgyzstan Country Office requests, the fund manager funds, the UNV officer proposes and
 * records the offer and the clearances, the host selects and confirms the deployment, the
 * assignment ends on a compressed Clock (a day lasts DAY_MS), the host reports, UNV's statement is
 * reconciled and the fund manager verifies it. Refusals: 400 with fields, 403, 404.
 */
const DAY_MS = 400;
let h: ApiHarness;
let clock: Clock;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  h = await startApiHarness('un-volunteers', { worker: false });
  clock = compressedClock(h.db.prisma, DAY_MS);
  stopWorker = await startCompressedWorker(h, DAY_MS, h.taskQueue, clock);
});

afterAll(async () => {
  await stopWorker?.();
  await h?.stop();
});

type Task = { id: string; kind: string; subject: { id: string } };
type Client = ReturnType<typeof as>;
const KG = { countryCode: 'KG', timeZone: 'Asia/Bishkek' };

/** The open task of `kind` on assignment `id` that `client` sees, once it is open. */
const openTaskOf = (client: Client, id: string, kind: string) =>
  eventually(async () => {
    const res = await client.get(`/tasks?subject=${id}&pageSize=50`);
    return (res.body.items as Task[]).find((t) => t.kind === kind);
  }, 60_000);
const decideTask = (client: Client, task: Task, payload: object) =>
  client.post(`/tasks/${encodeURIComponent(task.id)}/decision`).send(payload);

test('HTTP lifecycle: the host’s request to closed, with 400/403/404 and the host’s scope', async () => {
  const host = as(h.app, await h.token('coKg'));
  const otherCo = as(h.app, await h.token('coTj'));
  const fm = as(h.app, await h.token('fundManager'));
  const unv = as(h.app, await h.token('unvOfficer'));
  const expert = as(h.app, await h.token('expert1'));
  const today = () => clock.today({ countryCode: 'KG', timeZone: 'Asia/Bishkek' });
  const body = { ...UNV_REQUEST_EXAMPLE, months: 6, startDate: addDays(today(), 30) };

  // Refusals name the field, and start nothing.
  const before = await h.db.prisma.unvAssignment.count();
  const bad = await host.post('/unv-assignments').send({ ...body, category: 'senior', months: 0 });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(
    expect.arrayContaining(['category', 'months']),
  );
  // Another country's office hosts in its own country only; other roles do not request.
  expect((await otherCo.post('/unv-assignments').send(body)).status).toBe(403);
  expect((await expert.post('/unv-assignments').send(body)).status).toBe(403);
  expect((await fm.post('/unv-assignments').send(body)).status).toBe(403);
  expect(await h.db.prisma.unvAssignment.count()).toBe(before);

  const created = await host.post('/unv-assignments').send(body);
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect(created.body.workflowId).toBe(`unv-assignment-${id}`);

  // The host's country, the fund and UNV see it; another Country Office and an expert do not.
  expect((await otherCo.get(`/unv-assignments/${id}`)).status).toBe(404);
  expect((await otherCo.get('/unv-assignments')).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
  expect((await expert.get(`/unv-assignments/${id}`)).status).toBe(403);
  expect((await host.get('/unv-assignments/unv-nope')).status).toBe(404);
  expect((await unv.get('/unv-assignments')).body.items.map((i: { id: string }) => i.id)).toContain(id);

  const taskOf = (client: Client, kind: string) => openTaskOf(client, id, kind);
  const decide = decideTask;

  const funding = await taskOf(fm, 'unv_funding_decision');
  // The host cannot fund its own request.
  expect((await decide(host, funding, { decision: 'approve' })).status).toBe(403);
  await decide(fm, funding, { decision: 'approve' }).expect(200);
  const funded = (await host.get(`/unv-assignments/${id}`)).body;
  expect(funded.stage).toBe('recruitment');
  expect((funded.costEstimate as { lines: { key: string }[] }).lines.map((l) => l.key)).toEqual([
    'vla',
    'insurance',
    'resettlement',
    'settling_in',
    'travel',
    'support',
  ]);
  expect(funded.committedUsd).toBe((funded.costEstimate as { totalCents: number }).totalCents / 100);

  const shortlist = await taskOf(unv, 'unv_shortlist');
  const invalid = await decide(unv, shortlist, { decision: 'propose', data: { candidates: [{ id: 'x' }] } });
  expect(invalid.status).toBe(400);
  expect(invalid.body.error.details.map((d: { path: string }) => d.path)).toContain('data.candidates.0.name');
  await decide(unv, shortlist, {
    decision: 'propose',
    data: {
      candidates: [
        {
          id: 'c-1',
          name: 'Olga Ivanova',
          citizenship: 'RU',
          birthDate: '1991-04-02',
          degree: 'master',
          yearsExperience: 7,
        },
      ],
    },
  }).expect(200);
  await decide(host, await taskOf(host, 'unv_host_selection'), {
    decision: 'select',
    data: { ranking: ['c-1'] },
  }).expect(200);
  await decide(unv, await taskOf(unv, 'unv_offer'), { decision: 'accepted', data: {} }).expect(200);
  await decide(unv, await taskOf(unv, 'unv_clearances'), {
    decision: 'cleared',
    data: { medical: true, security: true },
  }).expect(200);
  // A deployment under way whose planned end is a few days ahead.
  const startDate = addMonths(addDays(today(), 6), -6);
  await decide(host, await taskOf(host, 'unv_deployment'), { decision: 'confirm', data: { startDate } }).expect(200);
  // The advance is computed after the decision is recorded: the stage follows.
  const deployed = await eventually(async () => {
    const r = (await fm.get(`/unv-assignments/${id}`)).body;
    return r.stage === 'assignment' ? r : null;
  }, 30_000);
  expect(deployed.volunteerName).toBe('Olga Ivanova');
  expect(deployed.transferredUsd).toBe(deployed.committedUsd);

  // The planned end passes; the host reports and UNV's statement is reconciled.
  const report = await taskOf(host, 'unv_end_report');
  await decide(host, report, {
    decision: 'submit_report',
    data: { report: 'Portfolio handed over.', rating: 5 },
  }).expect(200);
  const statement = await taskOf(unv, 'unv_statement');
  await decide(unv, statement, {
    decision: 'submit_statement',
    data: { periodEnd: today(), spentUsd: deployed.transferredUsd },
  }).expect(200);
  await decide(fm, await taskOf(fm, 'unv_reconciliation'), { decision: 'verify' }).expect(200);

  const closed = await eventually(async () => {
    const r = (await host.get(`/unv-assignments/${id}`)).body;
    return r.stage === 'closed' ? r : null;
  }, 60_000);
  expect(closed.spentUsd).toBe(closed.transferredUsd);
  expect(closed.committedUsd).toBe(closed.transferredUsd);
  expect(closed.reconciliation).toMatchObject({ varianceCents: 0, overspent: false });
  expect(closed.timeline.map((e: { action: string }) => e.action)).toEqual(
    expect.arrayContaining([
      'requested',
      'funded',
      'candidates_ranked',
      'deployed',
      'assignment_completed',
      'reconciled',
    ]),
  );
}, 300_000);

test('withdrawal: the host withdraws before recruitment ends; the fund manager may not', async () => {
  const host = as(h.app, await h.token('coKg'));
  const fm = as(h.app, await h.token('fundManager'));
  const created = await host.post('/unv-assignments').send({ ...UNV_REQUEST_EXAMPLE, months: 6 });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await eventually(async () => (await host.get(`/unv-assignments/${id}`)).body.stage === 'funding_decision');
  expect((await fm.post(`/unv-assignments/${id}/withdraw`).send({ reason: 'x' })).status).toBe(403);
  expect((await host.post('/unv-assignments/unv-nope/withdraw').send({ reason: 'x' })).status).toBe(404);
  const w = await host.post(`/unv-assignments/${id}/withdraw`).send({ reason: 'Funded by the host itself' });
  expect(w.status).toBe(200);
  expect((await host.get(`/unv-assignments/${id}`)).body.stage).toBe('withdrawn');
}, 120_000);

test('interim statements over HTTP: within tolerance accepted, beyond it refused field by field until explained, overspending flagged, audited; the volunteer sees no money', async () => {
  const host = as(h.app, await h.token('coKg'));
  const fm = as(h.app, await h.token('fundManager'));
  const unv = as(h.app, await h.token('unvOfficer'));
  const volunteer = as(h.app, await h.token('unvVolunteer'));
  const today = () => clock.today(KG);
  const created = await host
    .post('/unv-assignments')
    .send({ ...UNV_REQUEST_EXAMPLE, months: 12, startDate: addDays(today(), 30) });
  expect(created.status).toBe(201);
  const id = created.body.id as string;

  // Through recruitment to deployment, the demo volunteer's address on the candidate: their account's own steps.
  await decideTask(fm, await openTaskOf(fm, id, 'unv_funding_decision'), { decision: 'approve' }).expect(200);
  await decideTask(unv, await openTaskOf(unv, id, 'unv_shortlist'), {
    decision: 'propose',
    data: {
      candidates: [
        {
          id: 'c-v',
          name: DEMO_USERS.unvVolunteer.name,
          citizenship: 'RU',
          birthDate: '1993-03-03',
          degree: 'master',
          yearsExperience: 5,
          email: DEMO_USERS.unvVolunteer.email,
        },
      ],
    },
  }).expect(200);
  await decideTask(host, await openTaskOf(host, id, 'unv_host_selection'), {
    decision: 'select',
    data: { ranking: ['c-v'] },
  }).expect(200);
  await decideTask(unv, await openTaskOf(unv, id, 'unv_offer'), { decision: 'accepted', data: {} }).expect(200);
  await decideTask(volunteer, await openTaskOf(volunteer, id, 'unv_volunteer_clearances'), {
    decision: 'completed',
    data: { medicalExamOn: addDays(today(), -3), securityTrainingOn: addDays(today(), -2) },
  }).expect(200);
  await decideTask(unv, await openTaskOf(unv, id, 'unv_clearances'), {
    decision: 'cleared',
    data: { medical: true, security: true },
  }).expect(200);
  // Deployed three months ago: nine months to go, long beyond this test.
  const startDate = addMonths(today(), -3);
  await decideTask(host, await openTaskOf(host, id, 'unv_deployment'), {
    decision: 'confirm',
    data: { startDate },
  }).expect(200);
  const deployed = await eventually(async () => {
    const r = (await fm.get(`/unv-assignments/${id}`)).body;
    return r.stage === 'assignment' && r.transferredUsd > 0 ? r : null;
  }, 60_000);

  const SET = unvRulesInForce(today());
  const rate = dutyStationRate(SET, 'KG')!;
  const committedCents = Math.round(deployed.committedUsd * 100);
  const tolerance = SET.rules.varianceTolerancePct;
  const row = () => h.db.prisma.unvAssignment.findUniqueOrThrow({ where: { id } });
  const auditCount = () => h.db.prisma.auditEvent.count({ where: { subjectId: id } });

  // Within the tolerance: accepted without an explanation.
  const firstEnd = addDays(startDate, 30);
  const expected1 = expectedSpendCents(rate, startDate, firstEnd, committedCents, SET);
  const within = Math.round(expected1 * (1 - tolerance / 200));
  const first = await openTaskOf(unv, id, 'unv_interim_statement');
  // Only UNV enters them: the host and the fund manager are refused; to the volunteer the task does not exist.
  const statementBy = async (client: Client) =>
    (await decideTask(client, first, { decision: 'submit_statement', data: { periodEnd: firstEnd, spentUsd: 1 } }))
      .status;
  expect([await statementBy(host), await statementBy(fm), await statementBy(volunteer)]).toEqual([403, 403, 404]);
  await decideTask(unv, first, {
    decision: 'submit_statement',
    data: { periodEnd: firstEnd, spentUsd: within / 100 },
  }).expect(200);
  await eventually(async () => (await row()).spentCents === within);

  // Beyond it, unexplained: 400 naming the field, and nothing recorded.
  const secondEnd = addDays(startDate, 60);
  const expected2 = expectedSpendCents(rate, startDate, secondEnd, committedCents, SET);
  const beyond = Math.round(expected2 * (1 - (3 * tolerance) / 100));
  const second = await eventually(async () => {
    const t = await openTaskOf(unv, id, 'unv_interim_statement');
    return t.id !== first.id ? t : null;
  });
  const [rowBefore, auditBefore] = [await row(), await auditCount()];
  const refused = await decideTask(unv, second, {
    decision: 'submit_statement',
    data: { periodEnd: secondEnd, spentUsd: beyond / 100 },
  });
  expect(refused.status).toBe(400);
  expect(refused.body.error.details).toEqual([
    expect.objectContaining({
      path: 'data.varianceExplanation',
      message: expect.stringContaining(`tolerance ${tolerance}%`),
    }),
  ]);
  // A period end not after the last statement's is refused the same way.
  const backwards = await decideTask(unv, second, {
    decision: 'submit_statement',
    data: { periodEnd: firstEnd, spentUsd: beyond / 100, varianceExplanation: 'x' },
  });
  expect(backwards.status).toBe(400);
  expect(backwards.body.error.details.map((d: { path: string }) => d.path)).toEqual(['data.periodEnd']);
  const rowAfter = await row();
  expect([rowAfter.spentCents, rowAfter.ledger, rowAfter.updatedAt]).toEqual([
    rowBefore.spentCents,
    rowBefore.ledger,
    rowBefore.updatedAt,
  ]);
  expect(await auditCount()).toBe(auditBefore);
  expect((await h.db.prisma.task.findUniqueOrThrow({ where: { id: second.id } })).status).toBe('open');

  // Explained: accepted, with the variance and the words.
  const explanation = 'Home leave not taken; insurance billed annually';
  await decideTask(unv, second, {
    decision: 'submit_statement',
    data: { periodEnd: secondEnd, spentUsd: beyond / 100, varianceExplanation: explanation },
  }).expect(200);
  const view = await eventually(async () => {
    const r = (await fm.get(`/unv-assignments/${id}`)).body;
    return r.statements.length === 2 ? r : null;
  });
  expect(view.spentUsd).toBe(beyond / 100);
  expect(view.statements).toEqual([
    expect.objectContaining({
      periodEnd: firstEnd,
      final: false,
      spentUsd: within / 100,
      expectedUsd: expected1 / 100,
      varianceExplanation: null,
    }),
    expect.objectContaining({
      periodEnd: secondEnd,
      final: false,
      spentUsd: beyond / 100,
      expectedUsd: expected2 / 100,
      varianceUsd: (expected2 - beyond) / 100,
      overspent: false,
      varianceExplanation: explanation,
    }),
  ]);
  // Audited: who entered each, when, the figures and the explanation.
  const officer = DEMO_USERS.unvOfficer.id;
  const audited = (
    view.timeline as { action: string; actorId: string; comment: string | null; data: Record<string, unknown> }[]
  ).filter((e) => e.action === 'interim_statement_reconciled');
  expect(audited).toEqual([
    expect.objectContaining({
      actorId: officer,
      comment: null,
      data: expect.objectContaining({ periodEnd: firstEnd, spentCents: within, expectedCents: expected1 }),
    }),
    expect.objectContaining({
      actorId: officer,
      comment: explanation,
      data: expect.objectContaining({ periodEnd: secondEnd, spentCents: beyond, expectedCents: expected2 }),
    }),
  ]);

  // More spent than transferred: flagged (and needs words, far beyond the tolerance), not hidden.
  const third = await eventually(async () => {
    const t = await openTaskOf(unv, id, 'unv_interim_statement');
    return t.id !== second.id ? t : null;
  });
  const over = Math.round(view.transferredUsd * 100) + 50_000;
  const unexplained = await decideTask(unv, third, {
    decision: 'submit_statement',
    data: { periodEnd: addDays(startDate, 90), spentUsd: over / 100 },
  });
  expect(unexplained.status).toBe(400);
  expect(unexplained.body.error.details[0].message).toContain('spent more than transferred');
  await decideTask(unv, third, {
    decision: 'submit_statement',
    data: { periodEnd: addDays(startDate, 90), spentUsd: over / 100, varianceExplanation: 'Medical evacuation' },
  }).expect(200);
  const flagged = await eventually(async () => {
    const r = (await fm.get(`/unv-assignments/${id}`)).body;
    return r.statements.length === 3 ? r : null;
  });
  expect(flagged.statements[2]).toMatchObject({ spentUsd: over / 100, overspent: true });
  expect(flagged.timeline.map((e: { action: string }) => e.action)).toContain('statement_overspent');

  // The volunteer reads their assignment, and none of the fund's money: not the figures, the ledger, the
  // statements or an amount in the timeline; nor the statement tasks or the dashboard.
  const own = await volunteer.get(`/unv-assignments/${id}`);
  expect(own.status).toBe(200);
  expect(own.body).toMatchObject({
    committedUsd: null,
    transferredUsd: null,
    spentUsd: null,
    releasedUsd: null,
    costEstimate: null,
    ledger: null,
    statements: [],
    reconciliation: null,
    shortlist: null,
  });
  expect(JSON.stringify(own.body.timeline)).not.toMatch(/Cents|Usd/);
  const listed = (await volunteer.get('/unv-assignments')).body.items as Record<string, unknown>[];
  expect(listed.map((i) => i.id)).toEqual([id]);
  expect(listed[0]).toMatchObject({ committedUsd: null, transferredUsd: null, spentUsd: null });
  const fourth = await eventually(async () => {
    const t = await openTaskOf(unv, id, 'unv_interim_statement');
    return t.id !== third.id ? t : null;
  });
  expect((await volunteer.get(`/tasks/${encodeURIComponent(fourth.id)}`)).status).toBe(404);
  expect(((await volunteer.get(`/tasks?subject=${id}`)).body.items as Task[]).map((t) => t.kind)).not.toContain(
    'unv_interim_statement',
  );
  expect((await volunteer.get('/results')).status).toBe(403);
  await h.env.client.workflow.getHandle(`unv-assignment-${id}`).terminate('test done');
}, 300_000);
