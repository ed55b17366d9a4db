import { addDays } from '../../domain/calendar';
import { DEMO_USERS } from '../../domain/demo';
import { eventTravelPayload } from '../fixtures/payloads';
import { eventually } from '../helpers/wait';
import { as, stageInvitationLetter, startApiHarness, startCompressedWorker, type ApiHarness } from './harness';

/**
 * SDG event travel over real HTTP, from the expert's application to closed, by the right users:
 * the expert applies, the fund manager reviews and approves, both sign the travel authorisation,
 * the trip runs on a compressed Clock (a day lasts DAY_MS), the expert reports, the fund manager
 * verifies the settlement. Scope: another expert sees nothing of it.
 */
const DAY_MS = 200;
let h: ApiHarness;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  h = await startApiHarness('event-travel', { worker: false });
  stopWorker = await startCompressedWorker(h, DAY_MS);
});

afterAll(async () => {
  await stopWorker?.();
  await h?.stop();
});

type Task = { id: string; kind: string; subject: { id: string } };

test('HTTP lifecycle: application by the expert to closed, with field-level refusals and the expert’s scope', async () => {
  const expert = as(h.app, await h.token('expert1'));
  const other = as(h.app, await h.token('expert2'));
  const fm = as(h.app, await h.token('fundManager'));
  const co = as(h.app, await h.token('coKg'));
  // The invitation letter is uploaded first and named by the application (eligibility counts a clean one).
  const body = { ...eventTravelPayload(), documentIds: [await stageInvitationLetter(h.app, await h.token('expert1'))] };

  // Refusals name the field, and start nothing.
  const before = await h.db.prisma.eventTravel.count();
  const badDates = await expert.post('/event-travel').send({
    ...body,
    itinerary: { ...body.itinerary, returnDate: addDays(body.itinerary.departureDate, -1) },
  });
  expect(badDates.status).toBe(400);
  expect(badDates.body.error.details.map((d: { path: string }) => d.path)).toContain('itinerary.returnDate');
  const presenter = await expert.post('/event-travel').send({ ...body, role: 'presenter' });
  expect(presenter.status).toBe(400);
  expect(presenter.body.error.details.map((d: { path: string }) => d.path)).toEqual(['solution']);
  const noExpert = await fm.post('/event-travel').send(body);
  expect(noExpert.status).toBe(400);
  expect(noExpert.body.error.details[0].path).toBe('expertId');
  expect((await co.post('/event-travel').send(body)).status).toBe(403);
  expect(await h.db.prisma.eventTravel.count()).toBe(before);

  const created = await expert.post('/event-travel').send(body);
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect(created.body.workflowId).toBe(`event-travel-${id}`);

  // Only the expert who applied (and the fund) see it.
  expect((await other.get(`/event-travel/${id}`)).status).toBe(404);
  expect((await other.get('/event-travel')).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
  expect((await expert.get('/event-travel')).body.items.map((i: { id: string }) => i.id)).toContain(id);

  const taskOf = async (client: typeof fm, kind: string) =>
    eventually(async () => {
      const res = await client.get(`/tasks?subject=${id}&pageSize=50`);
      return (res.body.items as Task[]).find((t) => t.kind === kind);
    }, 60_000);
  const decide = (client: typeof fm, task: Task, payload: object) =>
    client.post(`/tasks/${encodeURIComponent(task.id)}/decision`).send(payload);

  const review = await taskOf(fm, 'travel_review');
  const incomplete = await decide(fm, review, { decision: 'approve', data: { scores: { sdgRelevance: 9 } } });
  expect(incomplete.status).toBe(400);
  expect(incomplete.body.error.details.map((d: { path: string }) => d.path)).toEqual(
    expect.arrayContaining(['data.scores.sdgRelevance', 'data.scores.visibility']),
  );
  const approved = await decide(fm, review, {
    decision: 'approve',
    data: { scores: { sdgRelevance: 5, visibility: 4, partnerCountryAudience: 4, undpProgrammeLink: 3 } },
  });
  expect(approved.status).toBe(200);

  const detail = (await expert.get(`/event-travel/${id}`)).body;
  expect(detail.stage).toBe('travel_authorisation');
  const lines = (detail.estimate as { lines: { key: string; amountCents: number }[] }).lines;
  expect(lines.map((l) => l.key)).toEqual(['airfare', 'dsa', 'terminal', 'registration', 'visa']);
  expect(lines.find((l) => l.key === 'dsa')!.amountCents).toBeGreaterThan(0);

  await decide(expert, await taskOf(expert, 'contract_signature'), { decision: 'sign' }).expect(200);
  await decide(fm, await taskOf(fm, 'contract_signature'), { decision: 'sign' }).expect(200);

  const report = await taskOf(expert, 'travel_report');
  const reportData = {
    presented: 'Presented small hydropower solutions',
    contacts: 'Ministry of Energy of Kyrgyzstan',
    followUp: 'A feasibility study request',
    actualDepartureDate: body.itinerary.departureDate,
    actualReturnDate: body.itinerary.returnDate,
    attendanceProof: 'Certificate of attendance',
  };
  // Without a proof of attendance among the application's documents the report is refused, field by field,
  // in the expert's language; the task stays open.
  const noProof = await decide(expert, report, { decision: 'submit_report', data: reportData });
  expect(noProof.status).toBe(400);
  expect(noProof.body.error.details).toEqual([
    { path: 'data.documentIds', message: expect.stringContaining('attendance_proof') },
  ]);
  await h.db.prisma.user.update({ where: { id: DEMO_USERS.expert1.id }, data: { language: 'ru' } });
  const noProofRu = await decide(expert, report, { decision: 'submit_report', data: reportData });
  await h.db.prisma.user.update({ where: { id: DEMO_USERS.expert1.id }, data: { language: 'en' } });
  expect(noProofRu.status).toBe(400);
  expect(noProofRu.body.error.details[0].message).toMatch(/^Требуется документ «Подтверждение участия/);
  expect((await h.db.prisma.task.findUniqueOrThrow({ where: { id: report.id } })).status).toBe('open');
  // The boarding pass uploaded for the report (the documents route, scanned like every upload) lets it through.
  const proof = await expert
    .post(`/event-travel/${id}/documents`)
    .field('documentType', 'attendance_proof')
    .field('taskId', report.id)
    .attach('file', Buffer.from(`Boarding pass SU 2030 ${id}`), 'boarding-pass.txt');
  expect(proof.status).toBe(201);
  const proofId = (proof.body as { items: { id: string }[] }).items[0].id;
  expect(
    (await decide(expert, report, { decision: 'submit_report', data: { ...reportData, documentIds: [proofId] } }))
      .status,
  ).toBe(200);
  expect((await h.db.prisma.document.findUniqueOrThrow({ where: { id: proofId } })).taskId).toBe(report.id);
  await decide(fm, await taskOf(fm, 'settlement_verification'), { decision: 'verify' }).expect(200);

  const closed = await eventually(async () => {
    const r = (await expert.get(`/event-travel/${id}`)).body;
    return r.stage === 'closed' ? r : null;
  }, 30_000);
  expect(closed.agreement.kind).toBe('travel_authorisation');
  expect(closed.paymentsUsd[0]).toBe(closed.advanceUsd);
  // As planned: DSA + terminal minus the 80% advance of both leaves 20% of them to pay.
  expect(closed.settlement.balanceCents).toBeGreaterThan(0);
  expect(closed.paymentsUsd).toEqual([closed.advanceUsd, closed.settlement.balanceCents / 100]);
  expect(closed.timeline.map((e: { action: string }) => e.action)).toEqual(
    expect.arrayContaining(['applied', 'approved', 'authorised', 'returned', 'settled']),
  );
});
