import type { WorkflowHandle } from '@temporalio/client';
import { addDays } from '../../domain/calendar';
import type { PostingFields } from '../../domain/internship';
import type { InternshipApplication } from '../../domain/internship';
import { stipendCentsOn } from '../../domain/policy/internship';
import type { Actor } from '../../domain/roles';
import type { Stage } from '../../domain/stages';
import type { Clock } from '../../lib/clock';
import { internshipWorkflow, internshipPostingWorkflow, STIPEND_PAYMENT } from '../../workflows/internship';
import { postingStateQuery, terminateInternshipUpdate } from '../../workflows/internship-messages';
import { cancelUpdate, withdrawUpdate } from '../../workflows/messages';
import { recordHistory } from '../helpers/histories';
import { actorOf, decide } from '../helpers/lifecycle';
import { compressedClock } from '../helpers/sla';
import { eventually } from '../helpers/wait';
import { startWorkflowTestContext, type WorkflowTestContext } from '../helpers/workflow-context';

/**
 * Internships through the real Temporal dev server, PostgreSQL and SMTP, on a compressed Clock (a
 * calendar day lasts DAY_MS): the posting's deadline, the start date and each month's end arrive
 * within seconds. Scenarios run side by side on one worker to keep the suite short.
 */
const DAY_MS = 300;
const UNIVERSITY = 'inst-tpu';
let ctx: WorkflowTestContext;
let clock: Clock;
let counter = 0;

beforeAll(async () => {
  ctx = await startWorkflowTestContext('internship');
  clock = compressedClock(ctx.db.prisma, DAY_MS);
  await ctx.db.prisma.user.create({
    data: {
      id: 'u-uni-tpu',
      email: 'internships@tpu.example.org',
      name: 'TPU internships office',
      role: 'university_contact',
      institutionId: UNIVERSITY,
    },
  });
});
afterAll(async () => {
  await ctx?.stop();
});

const today = async () => clock.today(await clock.office('KG'));
const university: Actor = { userId: 'u-uni-tpu', role: 'university_contact', institutionId: UNIVERSITY };

type Handle = WorkflowHandle<typeof internshipWorkflow>;
interface Student {
  userId: string;
  actor: Actor;
}

async function student(): Promise<Student> {
  const userId = `u-student-${Date.now()}-${++counter}`;
  await ctx.db.prisma.user.create({
    data: {
      id: userId,
      email: `${userId}@tpu.example.org`,
      name: `Student ${counter}`,
      role: 'applicant',
      institutionId: UNIVERSITY,
    },
  });
  return { userId, actor: { userId, role: 'applicant', institutionId: UNIVERSITY } };
}

/** A KG posting starting `startInDays` from the calendar's today. */
async function post(
  tq: string,
  over: Partial<PostingFields> = {},
  startInDays = 60,
): Promise<{ id: string; fields: PostingFields; handle: WorkflowHandle<typeof internshipPostingWorkflow> }> {
  const day = await today();
  const id = `ip-test-${Date.now()}-${++counter}`;
  const fields: PostingFields = {
    title: `Intern, Climate and Energy ${counter}`,
    countryCode: 'KG',
    hostOffice: 'UNDP Kyrgyzstan',
    unit: 'Climate, Energy and Environment',
    supervisorName: 'Aida Bekova',
    months: 3,
    startWindowFrom: addDays(day, startInDays),
    startWindowTo: addDays(day, startInDays + 20),
    termsOfReference: 'Research support for the small hydropower portfolio.',
    languages: ['en', 'ru'],
    fieldOfStudy: 'Energy economics',
    places: 2,
    applicationDeadline: addDays(day, 30),
    ...over,
  };
  const handle = await ctx.env.client.workflow.start(internshipPostingWorkflow, {
    taskQueue: tq,
    workflowId: `internship-posting-${id}`,
    args: [{ postingId: id, createdById: 'u-co-kg', fields }],
  });
  await eventually(() => ctx.db.prisma.internshipPosting.findUnique({ where: { id } }), 30_000);
  return { id, fields, handle };
}

const application = (postingId: string, over: Partial<InternshipApplication> = {}): InternshipApplication => ({
  postingId,
  masterProgramme: 'MA International Relations',
  degree: 'masters',
  studyYear: 2,
  enrolmentStatus: 'enrolled',
  fieldOfStudy: 'Energy economics',
  languages: ['en', 'ru'],
  motivation: 'Research on small hydropower.',
  needsVisa: false,
  ...over,
});

async function apply(
  tq: string,
  posting: { id: string; fields: PostingFields },
  who: Student,
  over: Partial<InternshipApplication> = {},
  supervisorUserId?: string,
): Promise<Handle> {
  const id = `in-test-${Date.now()}-${++counter}`;
  const f = posting.fields;
  return ctx.env.client.workflow.start(internshipWorkflow, {
    taskQueue: tq,
    workflowId: `internship-${id}`,
    args: [
      {
        internshipId: id,
        student: { userId: who.userId, name: `Student of ${id}`, institutionId: UNIVERSITY },
        application: application(posting.id, over),
        terms: {
          postingId: posting.id,
          title: f.title,
          countryCode: f.countryCode,
          hostOffice: f.hostOffice,
          unit: f.unit,
          supervisorName: f.supervisorName,
          months: f.months,
          startDate: f.startWindowFrom,
          ...(supervisorUserId ? { supervisorUserId } : {}),
        },
        postingWorkflowId: `internship-posting-${posting.id}`,
        submittedAt: new Date().toISOString(),
      },
    ],
  });
}

const idOf = (h: Handle) => h.workflowId.replace('internship-', '');
const row = (h: Handle) => ctx.db.prisma.internship.findUniqueOrThrow({ where: { id: idOf(h) } });
const finalStage = async (h: Handle) => (await h.result()) as Stage;

async function verify(h: Handle, funderSharePct = 0) {
  await decide(h, 'internship_university_verification', university, 'verify', {
    data: { enrolmentConfirmed: true, ...(funderSharePct ? { funderSharePct, funderName: 'MGIMO' } : {}) },
  });
}
async function shortlistAndSelect(h: Handle) {
  await decide(h, 'internship_shortlist', 'coKg', 'shortlist');
  return decide(h, 'internship_interview', 'coKg', 'select', {
    data: { interviewDate: await today(), notes: 'Strong analytical skills; fluent Russian and English.' },
  });
}

test('an application goes to closed: parallel funding split, monthly payments add up, certificate', async () => {
  await ctx.withWorker(
    async (tq) => {
      const posting = await post(tq);
      const s = await student();
      const h = await apply(tq, posting, s);
      await verify(h, 40);
      await shortlistAndSelect(h);
      expect((await posting.handle.query(postingStateQuery)).placesFilled).toBe(1);
      // Three parties sign: the student, the Country Office and the parallel funder.
      await decide(h, 'contract_signature', s.actor, 'sign', { match: (t) => t.assigneeUserId === s.userId });
      await decide(h, 'contract_signature', 'coKg', 'sign', { match: (t) => t.assigneeRole === 'co_approver' });
      await decide(h, 'contract_signature', university, 'sign', {
        match: (t) => t.assigneeRole === 'university_contact',
      });
      await decide(h, 'internship_onboarding', s.actor, 'complete', {
        data: { insurancePolicy: 'Ingosstrakh 12345', insuranceValidTo: addDays(posting.fields.startWindowFrom, 120) },
      });
      // Each month's end: the funder confirms its share; the supervisor reviews at mid-term.
      for (let month = 1; month <= 3; month++) {
        await decide(h, 'internship_funder_payment', university, 'confirm_paid', {
          data: { paidOn: await today() },
          match: (t) => t.id.includes(`:m${month}:`),
          waitMs: 120_000,
        });
        if (month === 2)
          await decide(h, 'internship_midterm_review', 'coKg', 'submit', {
            data: { rating: 4, narrative: 'On track.' },
            waitMs: 60_000,
          });
      }
      await decide(h, 'internship_final_evaluation', 'coKg', 'submit', {
        data: { rating: 5, narrative: 'Excellent research support.' },
        waitMs: 120_000,
      });
      await decide(h, 'internship_final_report', s.actor, 'submit_report', {
        data: { report: 'Three months on the hydropower portfolio.' },
      });
      expect(await finalStage(h)).toBe('closed');
      await recordHistory(h, 'internship-parallel-funding-closed');

      const r = await row(h);
      expect(r.monthsServed).toBe(3);
      const monthly = stipendCentsOn('KG', posting.fields.startWindowFrom)!.cents;
      expect(r.stipend).toMatchObject({ monthlyCents: monthly, funderSharePct: 40 });
      const payments = await ctx.db.prisma.payment.findMany({ where: { subjectId: idOf(h) } });
      const seqs = (seq: (m: number) => number) => [1, 2, 3].map((m) => `${h.workflowId}:p${seq(m)}`);
      const fund = payments.filter((p) => seqs(STIPEND_PAYMENT.fund).includes(p.id));
      const funder = payments.filter((p) => seqs(STIPEND_PAYMENT.funder).includes(p.id));
      expect(fund).toHaveLength(3);
      expect(funder).toHaveLength(3);
      // Payments add up: the fund's plus the funder's confirmed payments are the stipend for the months served.
      const total = payments.reduce((sum, p) => sum + p.amountCents, 0);
      expect(total).toBe(monthly * 3);
      expect(funder.reduce((sum, p) => sum + p.amountCents, 0)).toBe(Math.round(monthly * 0.4) * 3);
      const contract = await ctx.db.prisma.contract.findUniqueOrThrow({ where: { workflowId: h.workflowId } });
      expect(contract.kind).toBe('internship_agreement');
      expect(Object.keys(contract.signatures as object).sort()).toEqual(['country_office', 'funder', 'student']);
      // The student heard of the selection and the certificate.
      await eventually(async () => {
        const mails = await ctx.db.prisma.outbox.count({
          where: { recipientId: s.userId, workflowId: h.workflowId, status: 'sent' },
        });
        return mails >= 2;
      }, 30_000);
    },
    { clock },
  );
}, 300_000);

test('not selected, withdrawn, ineligible, not verified, and a filled posting tells those left waiting', async () => {
  await ctx.withWorker(
    async (tq) => {
      const posting = await post(tq);
      const single = await post(tq, { places: 1 });
      const day = await today();
      const [a, b, c, d, e, f] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => student()));
      const notSelected = await apply(tq, posting, a);
      const withdrawn = await apply(tq, posting, b);
      const ineligible = await apply(tq, posting, c, {
        enrolmentStatus: 'graduated',
        graduationDate: addDays(day, -800),
      });
      const notVerified = await apply(tq, posting, d);
      const first = await apply(tq, single, e);
      const waiting = await apply(tq, single, f);

      await verify(notSelected);
      await decide(notSelected, 'internship_shortlist', 'coKg', 'not_select', {
        comment: 'Another profile fits better.',
      });
      expect(await finalStage(notSelected)).toBe('not_selected');

      await verify(withdrawn);
      await eventually(async () => (await row(withdrawn)).stage === 'selection', 30_000);
      await withdrawn.executeUpdate(withdrawUpdate, { args: [{ actor: b.actor, reason: 'Accepted another offer' }] });
      expect(await finalStage(withdrawn)).toBe('withdrawn');

      expect(await finalStage(ineligible)).toBe('rejected');
      const findings = (await row(ineligible)).findings as { findings: { rule: string; outcome: string }[] };
      expect(findings.findings.find((x) => x.rule === 'graduation_window')?.outcome).toBe('fail');

      await decide(notVerified, 'internship_university_verification', university, 'decline', {
        comment: 'Not enrolled this year.',
      });
      expect(await finalStage(notVerified)).toBe('rejected');
      expect((await row(notVerified)).outcome).toBe('not_verified');

      // The single place goes to the first selected; the other applicant, still waiting, is told.
      await verify(first);
      await verify(waiting);
      await shortlistAndSelect(first);
      expect(await finalStage(waiting)).toBe('not_selected');
      expect((await row(waiting)).outcome).toBe('posting_filled');
      expect(await single.handle.result()).toBe('filled');
      const placed = await ctx.db.prisma.internshipPosting.findUniqueOrThrow({ where: { id: single.id } });
      expect(placed.placesFilled).toBe(1);
      await recordHistory(waiting, 'internship-posting-filled-not-selected');
    },
    { clock },
  );
}, 300_000);

test('a placement cancelled after its first month: no further payment, and what was paid adds up for the month served', async () => {
  await ctx.withWorker(
    async (tq) => {
      const posting = await post(tq, { places: 1 }, 30);
      const s = await student();
      const h = await apply(tq, posting, s);
      await verify(h, 50);
      await shortlistAndSelect(h);
      await decide(h, 'contract_signature', s.actor, 'sign', { match: (t) => t.assigneeUserId === s.userId });
      await decide(h, 'contract_signature', 'coKg', 'sign', { match: (t) => t.assigneeRole === 'co_approver' });
      await decide(h, 'contract_signature', university, 'sign', {
        match: (t) => t.assigneeRole === 'university_contact',
      });
      await decide(h, 'internship_onboarding', s.actor, 'complete', {
        data: { insurancePolicy: 'Ingosstrakh 777', insuranceValidTo: addDays(posting.fields.startWindowFrom, 120) },
      });
      await decide(h, 'internship_funder_payment', university, 'confirm_paid', {
        data: { paidOn: await today() },
        match: (t) => t.id.includes(':m1:'),
        waitMs: 120_000,
      });
      await eventually(
        async () => (await ctx.db.prisma.payment.count({ where: { subjectId: idOf(h) } })) === 2,
        30_000,
      );
      await h.executeUpdate(cancelUpdate, {
        args: [{ actor: actorOf('fundManager'), reason: 'The intern left the duty station' }],
      });
      expect(await finalStage(h)).toBe('cancelled');
      // Two months later nothing more was paid: the fund's and the funder's share of month 1 only.
      await new Promise((r) => setTimeout(r, 60 * DAY_MS));
      const monthly = stipendCentsOn('KG', posting.fields.startWindowFrom)!.cents;
      const payments = await ctx.db.prisma.payment.findMany({ where: { subjectId: idOf(h) } });
      expect(payments.map((p) => p.id.split(':').pop()).sort()).toEqual(['p1', 'p101']);
      expect(payments.reduce((sum, p) => sum + p.amountCents, 0)).toBe(monthly);
      expect((await row(h)).monthsServed).toBe(1);
      await recordHistory(h, 'internship-cancelled-in-placement');
    },
    { clock },
  );
}, 300_000);

test('early termination by the supervisor: no month paid after it, the funder confirms the month served, terminated, everyone told', async () => {
  await ctx.withWorker(
    async (tq) => {
      const posting = await post(tq, { places: 1 }, 45);
      const s = await student();
      // The posting's supervisor is the KG approver u-co-kg: the office's tasks are theirs by name.
      const h = await apply(tq, posting, s, {}, 'u-co-kg');
      await verify(h, 50);
      await shortlistAndSelect(h);
      await decide(h, 'contract_signature', s.actor, 'sign', { match: (t) => t.assigneeUserId === s.userId });
      await decide(h, 'contract_signature', 'coKg', 'sign', { match: (t) => t.assigneeUserId === 'u-co-kg' });
      await decide(h, 'contract_signature', university, 'sign', {
        match: (t) => t.assigneeRole === 'university_contact',
      });
      const terminate = (actor: ReturnType<typeof actorOf>, reason: string) =>
        h.executeUpdate(terminateInternshipUpdate, { args: [{ actor, reason }] });
      // Before the placement starts (onboarding still open) there is nothing to end early.
      await expect(terminate(actorOf('coKg'), 'Too early')).rejects.toMatchObject({
        cause: { type: 'NotAllowedNow' },
      });
      await decide(h, 'internship_onboarding', s.actor, 'complete', {
        data: { insurancePolicy: 'Ingosstrakh 778', insuranceValidTo: addDays(posting.fields.startWindowFrom, 120) },
      });
      // Month 1 ends: the fund pays its share; the funder's confirmation of month 1 is open.
      await eventually(
        async () => (await ctx.db.prisma.payment.count({ where: { subjectId: idOf(h) } })) === 1,
        120_000,
      );
      // Another approver of the same office does not supervise it; a blank reason is refused.
      await expect(terminate(actorOf('coKg2'), 'Not mine')).rejects.toMatchObject({ cause: { type: 'Forbidden' } });
      await expect(terminate(actorOf('coKg'), '   ')).rejects.toMatchObject({ cause: { type: 'InvalidInput' } });
      const reason = `The unit closed its hydropower project ${counter}`;
      const answered = await terminate(actorOf('coKg'), reason);
      // It waits for the funder's share of the month served.
      expect(answered.stage).toBe('placement');
      await expect(terminate(actorOf('fundManager'), 'Twice')).rejects.toMatchObject({
        cause: { type: 'NotAllowedNow' },
      });
      await decide(h, 'internship_funder_payment', university, 'confirm_paid', {
        data: { paidOn: await today() },
        match: (t) => t.id.includes(':m1:'),
      });
      expect(await finalStage(h)).toBe('terminated');
      // Two months later nothing more was paid: the fund's and the funder's share of month 1 add up to the stipend.
      await new Promise((r) => setTimeout(r, 60 * DAY_MS));
      const monthly = stipendCentsOn('KG', posting.fields.startWindowFrom)!.cents;
      const payments = await ctx.db.prisma.payment.findMany({ where: { subjectId: idOf(h) } });
      expect(payments.map((p) => p.id.split(':').pop()).sort()).toEqual(['p1', 'p101']);
      expect(payments.reduce((sum, p) => sum + p.amountCents, 0)).toBe(monthly);
      const ended = await row(h);
      expect(ended).toMatchObject({ monthsServed: 1, outcome: 'terminated', stage: 'terminated' });
      expect(await ctx.db.prisma.task.count({ where: { subjectId: idOf(h), status: 'open' } })).toBe(0);
      const actions = (await ctx.db.prisma.auditEvent.findMany({ where: { subjectId: idOf(h) } })).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['termination_requested', 'terminated']));
      // The intern, the supervisor and the university are told, with the reason.
      const intern = await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: s.userId } });
      for (const to of [intern.email, 'co.kg@undp.example.org', 'internships@tpu.example.org'])
        await eventually(async () => ctx.smtp.mails.some((m) => m.to === to && m.text.includes(reason)), 30_000);
      expect(ctx.smtp.mails.some((m) => m.to === 'head.kg@undp.example.org' && m.text.includes(reason))).toBe(false);
      await recordHistory(h, 'internship-terminated-early');
    },
    { clock },
  );
}, 300_000);
