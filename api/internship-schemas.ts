/** The API's schemas of internships (requests from domain/internship.ts; answers here). */
import { iso, z } from 'zod';
import {
  earlyTerminationSchema,
  internshipCreateSchema,
  POSTING_STATUSES,
  postingFieldsSchema,
  type InternshipApplicationInput,
  type PostingFields,
} from '../domain/internship';
import { STAGES } from '../domain/stages';
import { countryCodeSchema, isoDateSchema, text } from '../domain/schemas';
import { queryWithExample, requestBody, responseBody } from './contract';
import { agreementSchema, openTaskSchema, pageOf, paginationSchema, timelineEventSchema } from './schemas';

const stage = z.enum(STAGES);
const timestamp = iso.datetime();
const day = iso.date();
const jsonObject = z.record(z.string(), z.unknown());

/** A valid posting against the demo data (the Kyrgyzstan Country Office posts two places). */
export const POSTING_EXAMPLE: PostingFields = {
  title: 'Intern, Climate and Energy',
  countryCode: 'KG',
  hostOffice: 'UNDP Kyrgyzstan',
  unit: 'Climate, Energy and Environment',
  supervisorName: 'Aida Bekova',
  months: 4,
  startWindowFrom: '2027-09-01',
  startWindowTo: '2027-09-30',
  termsOfReference:
    'Research support for the small hydropower portfolio; data analysis; drafting of knowledge products.',
  languages: ['en', 'ru'],
  fieldOfStudy: 'Energy economics',
  places: 2,
  applicationDeadline: '2027-06-30',
};
requestBody('InternshipPostingCreate', postingFieldsSchema, POSTING_EXAMPLE);

export const INTERNSHIP_EXAMPLE: InternshipApplicationInput = {
  postingId: 'ip-0a1b2c3d4e5f6g7h',
  masterProgramme: 'MA International Relations',
  degree: 'masters',
  studyYear: 2,
  enrolmentStatus: 'enrolled',
  fieldOfStudy: 'Energy economics',
  languages: ['en', 'ru'],
  motivation: 'I want to apply my research on small hydropower to the Country Office’s portfolio.',
  needsVisa: false,
  documentIds: ['doc-0123456789abcdef0123', 'doc-0123456789abcdef0124'],
};
requestBody('InternshipCreate', internshipCreateSchema, INTERNSHIP_EXAMPLE);

export const internshipTerminateSchema = requestBody('InternshipTerminate', earlyTerminationSchema, {
  reason: 'The intern accepted a position at the Ministry and leaves the duty station',
});

export const postingExtendSchema = requestBody(
  'InternshipPostingExtend',
  z.strictObject({ applicationDeadline: isoDateSchema }),
  { applicationDeadline: '2027-07-15' },
);
export const postingWithdrawSchema = requestBody('InternshipPostingWithdraw', z.strictObject({ reason: text(2000) }), {
  reason: 'The unit’s project was postponed',
});

export const postingListQuerySchema = queryWithExample(
  paginationSchema.extend({ status: z.enum(POSTING_STATUSES).optional(), country: countryCodeSchema.optional() }),
  { page: 1, pageSize: 20, status: 'open', country: 'KG' },
);

const postingFields = {
  id: z.string(),
  workflowId: z.string(),
  title: z.string(),
  countryCode: z.string().describe('The duty station'),
  months: z.int(),
  startDate: day,
  applicationDeadline: day,
  places: z.int(),
  placesFilled: z.int(),
  status: z.enum(POSTING_STATUSES),
  stipendUsdPerMonth: z.number().describe('The duty station’s monthly stipend when posted'),
  extensions: z.int(),
  createdAt: timestamp,
  closedAt: timestamp.nullable(),
};
export const postingSummarySchema = responseBody('InternshipPostingSummary', z.strictObject(postingFields));
export const postingPageSchema = responseBody('InternshipPostingPage', pageOf(postingSummarySchema));
export const postingSchema = responseBody(
  'InternshipPosting',
  z.strictObject({ ...postingFields, fields: jsonObject.describe('The posting as created (InternshipPostingCreate)') }),
);

export const internshipListQuerySchema = queryWithExample(
  paginationSchema.extend({ stage: stage.optional(), country: countryCodeSchema.optional() }),
  { page: 1, pageSize: 20, stage: 'selection', country: 'KG' },
);

const summaryFields = {
  id: z.string(),
  title: z.string().describe('The posting'),
  countryCode: z.string().describe('The duty station'),
  postingId: z.string(),
  institutionId: z.string().describe('The student’s university'),
  masterProgramme: z.string(),
  months: z.int(),
  startDate: day,
  monthsServed: z.int(),
  stage,
  stageEnteredAt: timestamp,
  createdAt: timestamp,
  closedAt: timestamp.nullable(),
};
export const internshipPageSchema = responseBody(
  'InternshipPage',
  pageOf(responseBody('InternshipSummary', z.strictObject(summaryFields))),
);
export const internshipSchema = responseBody(
  'Internship',
  z.strictObject({
    ...summaryFields,
    workflowId: z.string(),
    studentUserId: z.string(),
    application: jsonObject.describe('The application as submitted (InternshipCreate)'),
    interview: jsonObject.nullable().describe('The interview’s date and notes'),
    funderSharePct: z.int().nullable().describe('The university’s share of the stipend as a parallel funder'),
    funderName: z.string().nullable(),
    stipend: jsonObject.nullable().describe('The monthly stipend and its split: fund and parallel funder (cents)'),
    findings: jsonObject.nullable().describe('The eligibility findings, each rule with its figures'),
    outcome: z.string().nullable(),
    updatedAt: timestamp,
    openTasks: z.array(openTaskSchema),
    timeline: z.array(timelineEventSchema),
    agreement: agreementSchema.nullable().describe('The internship agreement and its signatures; null before it'),
    payments: z
      .array(z.strictObject({ payee: z.string(), amountUsd: z.number() }))
      .describe('Stipend payments: the fund’s monthly share, and the parallel funder’s confirmed shares'),
  }),
);
