/**
 * What the demo driver puts in flight, per programme: event travel applications (awaiting review,
 * approved and travelling, closed with its report), internships (an open posting with applicants at
 * shortlist, a placement), UN Volunteers assignments (awaiting the funding decision, in recruitment,
 * deployed); the original programmes' items are in original-items.ts. Dates are relative to the day an item is first created; later runs find it by its key.
 */
import type { Client } from '@temporalio/client';
import { EVENT_TRAVEL_EXAMPLE } from '../../api/event-travel-schemas';
import { attachStagedDocuments } from '../../api/documents';
import type { ApiContext } from '../../api/context';
import { startSubjectWorkflow } from '../../api/start-subject';
import type { AuthUser } from '../../api/types';
import { UNV_REQUEST_EXAMPLE } from '../../api/un-volunteers-schemas';
import { subjectId } from '../../api/ids';
import { addDays } from '../../domain/calendar';
import { eventTravelApplicationSchema } from '../../domain/event-travel';
import { DEMO_USERS } from '../../domain/demo';
import { addMonths } from '../../domain/policy/unv';
import { programmeSpec } from '../../domain/registry';
import type { PrismaClient } from '../../lib/db';
import type { EventTravelWorkflowInput } from '../../workflows/event-travel';
import { createOnce, reached, type DemoHttp, type DemoItem, type DemoUser } from './driver';
import { originalProgrammeItems } from './original-items';

/**
 * Accounts the internship demo needs beyond the shared demo users: the universities' internship
 * offices (they verify enrolment) and a second TPU student.
 */
export const DEMO_PROGRAMME_ACCOUNTS = {
  universityTpu: {
    id: 'u-uni-tpu',
    email: 'internships@tpu.example.org',
    name: 'TPU internships office',
    role: 'university_contact',
    institutionId: 'inst-tpu',
  },
  universityHse: {
    id: 'u-uni-hse',
    email: 'internships@hse.example.org',
    name: 'HSE internships office',
    role: 'university_contact',
    institutionId: 'inst-hse',
  },
  studentTpu: {
    id: 'u-student-tpu',
    email: 'student@tpu.example.org',
    name: 'Kirill Morozov',
    role: 'applicant',
    institutionId: 'inst-tpu',
  },
} as const;

/** Inserts the accounts above when missing (never overwrites one an admin changed). */
export async function ensureDemoProgrammeAccounts(prisma: PrismaClient): Promise<number> {
  const rows = Object.values(DEMO_PROGRAMME_ACCOUNTS).map((u) => ({ ...u, language: 'en' }));
  const { count } = await prisma.user.createMany({ data: rows, skipDuplicates: true });
  return count;
}

const u = (x: { id: string; email: string }): DemoUser => ({ id: x.id, email: x.email });
const expert1 = u(DEMO_USERS.expert1);
const expert2 = u(DEMO_USERS.expert2);
const fm = u(DEMO_USERS.fundManager);
const coKg = u(DEMO_USERS.coKg);
const unv = u(DEMO_USERS.unvOfficer);
const volunteer = u(DEMO_USERS.unvVolunteer);
const studentA = u(DEMO_USERS.applicant);
const studentB = u(DEMO_USERS.applicant2);
const studentC = u(DEMO_PROGRAMME_ACCOUNTS.studentTpu);
const uniTpu = u(DEMO_PROGRAMME_ACCOUNTS.universityTpu);
const uniHse = u(DEMO_PROGRAMME_ACCOUNTS.universityHse);

export interface DemoItemDeps {
  http: DemoHttp;
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  /** Today (UTC), the day new items' dates count from. */
  today: string;
}

const REVIEW_SCORES = { scores: { sdgRelevance: 5, visibility: 4, partnerCountryAudience: 4, undpProgrammeLink: 4 } };

export function demoItems(deps: DemoItemDeps): DemoItem[] {
  const { http, today } = deps;
  const sign = { decide: async () => ({ decision: 'sign' }) };

  /** An SDG event application departing `departInDays` from today (negative: a trip in the past). */
  const travel = (event: Partial<(typeof EVENT_TRAVEL_EXAMPLE)['event']>, departInDays: number, applied: string) => {
    const departureDate = addDays(today, departInDays);
    const returnDate = addDays(departureDate, 4);
    return {
      ...EVENT_TRAVEL_EXAMPLE,
      event: {
        ...EVENT_TRAVEL_EXAMPLE.event,
        ...event,
        startDate: addDays(departureDate, 1),
        endDate: addDays(returnDate, -1),
      },
      invitation: { ...EVENT_TRAVEL_EXAMPLE.invitation!, date: applied, reference: `DEMO/${departureDate}` },
      itinerary: { ...EVENT_TRAVEL_EXAMPLE.itinerary, departureDate, returnDate },
    };
  };

  /** A document uploaded (staged) once by its owner before the application that names it: its id. */
  const stagedDocument = async (owner: DemoUser, name: string, documentType: string, text: string): Promise<string> => {
    const staged = await deps.prisma.document.findFirst({
      where: { uploaderId: owner.id, subjectType: 'staged', name, deleted: false },
      select: { id: true },
    });
    if (staged) return staged.id;
    const res = await http.upload(owner, '/documents', { documentType }, { name, text });
    if (res.status !== 201) throw new Error(`${documentType}: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body.items as { id: string }[])[0].id;
  };
  /** The invitation letter, uploaded (staged) once by the expert: its id. */
  const invitationLetter = (expert: DemoUser, key: string): Promise<string> =>
    stagedDocument(
      expert,
      `invitation-${key}.txt`,
      'invitation_letter',
      `Invitation to speak at an SDG event (demo ${key}).`,
    );

  /** An application with its letter, through POST /event-travel as the expert. */
  const apply = async (expert: DemoUser, key: string, body: () => ReturnType<typeof travel>) => {
    const id = subjectId(programmeSpec('event_travel').subjectIdPrefix, expert.id, key);
    if ((await http.call(expert, 'GET', `/event-travel/${id}`)).status === 200) return { id, created: false };
    const letter = await invitationLetter(expert, key);
    return createOnce(http, expert, 'event_travel', key, () => ({ ...body(), documentIds: [letter] }));
  };

  /**
   * A trip already made: the API takes applications only ahead of departure, so this one is started as
   * POST /event-travel starts it (same workflow, id and input), with the day it was applied for in the
   * past; everything after runs through the real tasks.
   */
  const applyInThePast = async (expert: DemoUser, key: string) => {
    const spec = programmeSpec('event_travel');
    const id = subjectId(spec.subjectIdPrefix, expert.id, key);
    if ((await http.call(expert, 'GET', `/event-travel/${id}`)).status === 200) return { id, created: false };
    const letter = await invitationLetter(expert, key);
    const appliedOn = addDays(today, -75);
    const application = eventTravelApplicationSchema.parse(
      travel(
        { name: 'UN Environment Assembly: Russian solutions for clean air', city: 'Nairobi', countryCode: 'KE' },
        -40,
        appliedOn,
      ),
    );
    const user = await deps.prisma.user.findUniqueOrThrow({ where: { id: expert.id } });
    const ctx = {
      prisma: deps.prisma,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      // The stack is busy starting every demo item at once: as patient as a person would be.
      temporalTimeoutMs: 60_000,
    } as unknown as ApiContext;
    const authUser = user as unknown as AuthUser;
    const started = await startSubjectWorkflow(ctx, 'event_travel', {
      user: authUser,
      idempotencyKey: key,
      countryCode: application.event.countryCode,
      prepare: (subject) => attachStagedDocuments(ctx, authUser, subject, [letter], 'event_travel'),
      input: (subject): EventTravelWorkflowInput => ({
        travelId: subject,
        expert: { expertId: user.expertId!, userId: user.id },
        appliedBy: { userId: user.id, role: 'expert' },
        application,
        submittedAt: `${appliedOn}T09:00:00.000Z`,
      }),
    });
    return { id: started.body.id, created: true };
  };

  const travelReport: DemoItem['steps'][number] = {
    kind: 'travel_report',
    by: [expert1],
    decide: async (task, { id }) => {
      const detail = (await http.call(expert1, 'GET', `/event-travel/${id}`)).body;
      const itinerary = (detail.application as { itinerary: { departureDate: string; returnDate: string } }).itinerary;
      // Uploaded once (a retry finds it); the report is refused until its scan is done, and then retried.
      let documentIds = await proofIds(deps.prisma, id);
      if (!documentIds.length) {
        const proof = await http.upload(
          expert1,
          `/event-travel/${id}/documents`,
          { documentType: 'attendance_proof', taskId: task.id },
          { name: `boarding-pass-${id}.txt`, text: `Boarding pass SU 2030, demo ${id}` },
        );
        if (proof.status !== 201) throw new Error(`proof of attendance: ${proof.status} ${JSON.stringify(proof.body)}`);
        documentIds = (proof.body.items as { id: string }[]).map((d) => d.id);
      }
      return {
        decision: 'submit_report',
        data: {
          presented: 'Presented Russian clean-air monitoring solutions at a side event.',
          contacts: 'Ministries of environment of Kyrgyzstan and Uzbekistan; UNEP regional office',
          followUp: 'Two Country Offices asked for an expert on air-quality monitoring networks.',
          actualDepartureDate: itinerary.departureDate,
          actualReturnDate: itinerary.returnDate,
          attendanceProof: 'Certificate of attendance and boarding passes',
          documentIds,
        },
      };
    },
  };

  const eventTravel: DemoItem[] = [
    {
      key: 'demo-event-travel-review',
      programme: 'event_travel',
      reader: expert2,
      create: (key) =>
        apply(expert2, key, () =>
          travel(
            { name: 'Asia-Pacific Forum on Sustainable Development', city: 'Bangkok', countryCode: 'TH' },
            50,
            today,
          ),
        ),
      target: 'review',
      steps: [],
    },
    {
      key: 'demo-event-travel-trip',
      programme: 'event_travel',
      reader: expert1,
      create: (key) => apply(expert1, key, () => travel({}, 36, today)),
      target: 'trip',
      steps: [
        { kind: 'travel_review', by: [fm], decide: async () => ({ decision: 'approve', data: REVIEW_SCORES }) },
        { kind: 'contract_signature', by: [expert1, fm], ...sign },
      ],
    },
    {
      key: 'demo-event-travel-closed',
      programme: 'event_travel',
      reader: expert1,
      create: (key) => applyInThePast(expert1, key),
      target: 'closed',
      steps: [
        { kind: 'travel_review', by: [fm], decide: async () => ({ decision: 'approve', data: REVIEW_SCORES }) },
        { kind: 'contract_signature', by: [expert1, fm], ...sign },
        travelReport,
        { kind: 'settlement_verification', by: [fm], decide: async () => ({ decision: 'verify' }) },
      ],
    },
  ];

  // ---------- internships
  const posting = (title: string, unit: string, startInDays: number, deadlineInDays: number, places: number) => ({
    title,
    countryCode: 'KG',
    hostOffice: 'UNDP Kyrgyzstan',
    unit,
    supervisorName: 'Aigul Toktogulova',
    months: 3,
    startWindowFrom: addDays(today, startInDays),
    startWindowTo: addDays(today, startInDays + 20),
    termsOfReference: `${unit}: research and portfolio support.`,
    languages: ['en', 'ru'],
    fieldOfStudy: 'International relations',
    places,
    applicationDeadline: addDays(today, deadlineInDays),
  });
  const postingOnce = async (key: string, body: () => ReturnType<typeof posting>) => {
    const id = subjectId('ip', coKg.id, key);
    if ((await http.call(coKg, 'GET', `/internship-postings/${id}`)).status === 200) return id;
    const res = await http.call(coKg, 'POST', '/internship-postings', body(), key);
    if (res.status !== 201) throw new Error(`posting ${key}: ${res.status} ${JSON.stringify(res.body)}`);
    return String(res.body.id);
  };
  // The CV and the proof of enrolment an application requires, uploaded once by the student.
  const studentDocuments = (student: DemoUser, key: string) =>
    Promise.all([
      stagedDocument(student, `cv-${key}.txt`, 'cv', `Curriculum vitae of the student (demo ${key}).`),
      stagedDocument(
        student,
        `enrolment-${key}.txt`,
        'proof_of_enrolment',
        `The university confirms the student's enrolment in its Master's programme (demo ${key}).`,
      ),
    ]);
  const application = (postingId: string, motivation: string, documentIds: string[]) => ({
    postingId,
    documentIds,
    masterProgramme: 'MA International Relations',
    degree: 'masters',
    studyYear: 2,
    enrolmentStatus: 'enrolled',
    fieldOfStudy: 'International relations',
    languages: ['en', 'ru'],
    motivation,
  });
  const openPosting = () =>
    postingOnce('demo-internship-posting-open', () =>
      posting('Intern, Climate and Energy', 'Climate, Energy and Environment', 75, 45, 2),
    );
  // Starts in two days: signed and onboarded today, the placement begins on its start date.
  const placementPosting = () =>
    postingOnce('demo-internship-posting-placement', () =>
      posting('Intern, Effective Governance', 'Effective Governance', 2, 1, 1),
    );
  const verify = (by: DemoUser) => ({
    kind: 'internship_university_verification',
    by: [by],
    decide: async () => ({ decision: 'verify', data: { enrolmentConfirmed: true } }),
  });

  const internships: DemoItem[] = [];
  const applyTo = (student: DemoUser, postingOf: () => Promise<string>, motivation: string) => async (key: string) => {
    const postingId = await postingOf();
    return createOnce(http, student, 'internships', key, async () =>
      application(postingId, motivation, await studentDocuments(student, key)),
    );
  };
  internships.push(
    {
      key: 'demo-internship-shortlist-hse',
      programme: 'internships',
      reader: studentB,
      create: applyTo(studentB, openPosting, 'Energy policy research for Central Asia.'),
      target: 'selection',
      steps: [verify(uniHse)],
    },
    {
      key: 'demo-internship-shortlist-tpu',
      programme: 'internships',
      reader: studentC,
      create: applyTo(studentC, openPosting, 'Renewable energy finance in mountain regions.'),
      target: 'selection',
      steps: [verify(uniTpu)],
    },
    {
      key: 'demo-internship-placement',
      programme: 'internships',
      reader: studentA,
      create: applyTo(studentA, placementPosting, 'Digital public services and open data.'),
      target: 'placement',
      // Signed and onboarded: the placement starts on its own at the start date.
      done: (r) =>
        reached('internships', String(r.stage), 'placement') ||
        ((r.timeline as { action: string }[] | undefined) ?? []).some((e) => e.action === 'onboarded'),
      steps: [
        verify(uniTpu),
        { kind: 'internship_shortlist', by: [coKg], decide: async () => ({ decision: 'shortlist' }) },
        {
          kind: 'internship_interview',
          by: [coKg],
          decide: async () => ({
            decision: 'select',
            data: { interviewDate: today, notes: 'Clear motivation, strong analytical writing.' },
          }),
        },
        { kind: 'contract_signature', by: [studentA, coKg], ...sign },
        {
          kind: 'internship_onboarding',
          by: [studentA],
          decide: async () => ({
            decision: 'complete',
            data: { insurancePolicy: 'Ingosstrakh DEMO-2030', insuranceValidTo: addDays(today, 150) },
          }),
        },
      ],
    },
  );

  // ---------- UN Volunteers
  const request = (title: string, months: number, startInDays: number) => () => ({
    ...UNV_REQUEST_EXAMPLE,
    title,
    months,
    startDate: addDays(today, startInDays),
  });
  const fund = { kind: 'unv_funding_decision', by: [fm], decide: async () => ({ decision: 'approve' }) };
  const candidates = [
    {
      id: 'demo-c1',
      name: DEMO_USERS.unvVolunteer.name,
      email: DEMO_USERS.unvVolunteer.email,
      citizenship: 'RU',
      birthDate: '1992-05-14',
      degree: 'master',
      yearsExperience: 6,
    },
  ];
  const unvItems: DemoItem[] = [
    {
      key: 'demo-unv-funding',
      programme: 'un_volunteers',
      reader: unv,
      create: (key) => createOnce(http, coKg, 'un_volunteers', key, request('Disaster risk reduction officer', 12, 90)),
      target: 'funding_decision',
      steps: [],
    },
    {
      key: 'demo-unv-recruitment',
      programme: 'un_volunteers',
      reader: unv,
      create: (key) => createOnce(http, coKg, 'un_volunteers', key, request('Youth employment associate', 12, 75)),
      target: 'recruitment',
      steps: [fund],
    },
    {
      key: 'demo-unv-deployed',
      programme: 'un_volunteers',
      reader: unv,
      create: (key) => createOnce(http, coKg, 'un_volunteers', key, request('Climate finance associate', 12, 30)),
      target: 'assignment',
      steps: [
        fund,
        { kind: 'unv_shortlist', by: [unv], decide: async () => ({ decision: 'propose', data: { candidates } }) },
        {
          kind: 'unv_host_selection',
          by: [coKg],
          decide: async () => ({ decision: 'select', data: { ranking: ['demo-c1'] } }),
        },
        { kind: 'unv_offer', by: [unv], decide: async () => ({ decision: 'accepted', data: {} }) },
        {
          kind: 'unv_volunteer_clearances',
          by: [volunteer],
          decide: async () => ({
            decision: 'completed',
            data: { medicalExamOn: addDays(today, -3), securityTrainingOn: addDays(today, -2) },
          }),
        },
        {
          kind: 'unv_clearances',
          by: [unv],
          decide: async () => ({ decision: 'cleared', data: { medical: true, security: true } }),
        },
        {
          kind: 'unv_deployment',
          by: [coKg],
          // Deployed two months ago: the assignment is under way.
          decide: async () => ({ decision: 'confirm', data: { startDate: addMonths(today, -2) } }),
        },
      ],
    },
  ];

  return [...eventTravel, ...internships, ...unvItems, ...originalProgrammeItems(deps)];
}

async function proofIds(prisma: PrismaClient, subjectId: string): Promise<string[]> {
  const docs = await prisma.document.findMany({
    where: { subjectType: 'event_travel', subjectId, documentType: 'attendance_proof', deleted: false },
    select: { id: true },
  });
  return docs.map((d) => d.id);
}
