/**
 * Internships (issue 32): a Country Office's posting and a student's application, their schemas,
 * the read-model rows and the decision payloads of the internship tasks. Pure: the workflows'
 * validators and steps, the API and the tests use it. Rules and figures: domain/policy/internship.ts.
 */
import { z } from 'zod';
import { documentIdSchema } from './documents';
import type { Refusal } from './registry';
import type { Actor } from './roles';
import { countryCodeSchema, emailSchema, isoDateSchema, text } from './schemas';

const language = z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code, e.g. en');

/** What a Country Office posts: one placement offer with its places. */
export const postingFieldsSchema = z
  .object({
    title: text(300),
    countryCode: countryCodeSchema.describe('The duty station: the host Country Office'),
    hostOffice: text(200).describe('Host office, e.g. "UNDP Kyrgyzstan"'),
    unit: text(200).describe('Unit within the office'),
    supervisorName: text(200),
    supervisorEmail: emailSchema
      .optional()
      .describe(
        'The supervisor’s account: a Country Office approver of the duty station, who alone follows the applications for the office. ' +
          'Default: the Country Office approver posting it; required when a fund manager posts',
      ),
    months: z.number().int().min(1).max(24).describe('Duration in months (within the rule set’s bounds)'),
    startWindowFrom: isoDateSchema.describe('Earliest start date'),
    startWindowTo: isoDateSchema.describe('Latest start date'),
    termsOfReference: text(10000),
    languages: z.array(language).min(1).max(10),
    fieldOfStudy: text(200),
    places: z.number().int().min(1).max(50),
    applicationDeadline: isoDateSchema,
  })
  .strict();
export type PostingFields = z.output<typeof postingFieldsSchema>;

/** Cross-field rules of a posting, as field problems (the create route and the tests). */
export function postingProblems(
  p: PostingFields,
  bounds: { minMonths: number; maxMonths: number },
): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (p.months < bounds.minMonths || p.months > bounds.maxMonths)
    problems.push({ path: 'months', message: `must be within ${bounds.minMonths}–${bounds.maxMonths} months` });
  if (p.startWindowTo < p.startWindowFrom)
    problems.push({ path: 'startWindowTo', message: 'must be on or after startWindowFrom' });
  if (p.applicationDeadline > p.startWindowFrom)
    problems.push({ path: 'applicationDeadline', message: 'must be on or before the start window opens' });
  return problems;
}

export const POSTING_STATUSES = ['open', 'closed', 'filled', 'withdrawn'] as const;
export type PostingStatus = (typeof POSTING_STATUSES)[number];

export const DEGREES = ['bachelors', 'masters', 'phd'] as const;

/** A student's application to a posting. */
const applicationFieldsSchema = z
  .object({
    postingId: z.string().min(1).max(100),
    masterProgramme: text(300).describe('The Master’s programme'),
    degree: z.enum(DEGREES),
    studyYear: z.number().int().min(1).max(10),
    enrolmentStatus: z.enum(['enrolled', 'graduated']),
    graduationDate: isoDateSchema.optional().describe('Required when graduated'),
    fieldOfStudy: text(200),
    languages: z.array(language).min(1).max(10),
    motivation: text(10000).describe('Motivation letter'),
    needsVisa: z.boolean().default(false),
  })
  .strict();
const graduationDateRule = (
  a: { enrolmentStatus: string; graduationDate?: string },
  ctx: { addIssue: (issue: { code: 'custom'; path: string[]; message: string }) => void },
) => {
  if (a.enrolmentStatus === 'graduated' && !a.graduationDate)
    ctx.addIssue({ code: 'custom', path: ['graduationDate'], message: 'required when graduated' });
};
export const internshipApplicationSchema = applicationFieldsSchema.superRefine(graduationDateRule);
export type InternshipApplication = z.output<typeof internshipApplicationSchema>;

/** The create body: the application and the documents uploaded for it beforehand (POST /documents): CV, proof of enrolment. */
export const internshipCreateSchema = applicationFieldsSchema
  .extend({
    documentIds: z
      .array(documentIdSchema)
      .max(10)
      .describe(
        'Documents uploaded beforehand (POST /documents) to attach: the CV (`cv`) and the proof of enrolment (`proof_of_enrolment`)',
      ),
  })
  .superRefine(graduationDateRule);
export type InternshipApplicationInput = z.input<typeof internshipCreateSchema>;

/** The posting as an application's workflow carries it (what the agreement and the dates need). */
export interface PostingTerms {
  postingId: string;
  title: string;
  countryCode: string;
  hostOffice: string;
  unit: string;
  supervisorName: string;
  /** The supervisor's account (a co_approver of the country): the office's tasks are theirs, and the application in their scope. */
  supervisorUserId?: string;
  months: number;
  startDate: string;
}

export interface InternshipRowInit {
  postingId: string;
  studentUserId: string;
  institutionId: string;
  supervisorUserId: string | null;
  masterProgramme: string;
  degree: string;
  months: number;
  startDate: string;
  application: InternshipApplication;
}

export function internshipRowInit(
  application: InternshipApplication,
  terms: PostingTerms,
  who: { studentUserId: string; institutionId: string },
): InternshipRowInit {
  return {
    postingId: terms.postingId,
    studentUserId: who.studentUserId,
    institutionId: who.institutionId,
    supervisorUserId: terms.supervisorUserId ?? null,
    masterProgramme: application.masterProgramme,
    degree: application.degree,
    months: terms.months,
    startDate: `${terms.startDate}T00:00:00.000Z`,
    application,
  };
}

// ---------- decision payloads of the internship tasks (domain/tasks.ts decisionData) ----------

export const universityVerificationSchema = z
  .object({
    enrolmentConfirmed: z.literal(true),
    /** The university's share of the stipend as a parallel funder (MGIMO); 0 or absent: none. */
    funderSharePct: z.number().int().min(0).max(100).optional(),
    funderName: text(200).optional(),
  })
  .strict();

export const interviewSchema = z.object({ interviewDate: isoDateSchema, notes: text(10000) }).strict();

export const onboardingSchema = z
  .object({
    insurancePolicy: text(200).describe('Medical and life insurance: insurer and policy number'),
    insuranceValidTo: isoDateSchema,
    visaReference: text(200).optional(),
  })
  .strict();

export const funderPaymentSchema = z.object({ paidOn: isoDateSchema, reference: text(200).optional() }).strict();

export const earlyTerminationSchema = z
  .object({ reason: text(2000).describe('Why the internship ends early') })
  .strict();

/** What an early termination depends on: the placement and the people on its two sides. */
export interface TerminationContext {
  stage: string;
  countryCode: string;
  studentUserId: string;
  supervisorUserId?: string | null;
  monthsServed: number;
  months: number;
  /** A termination was accepted already (or another ending is under way). */
  ending: boolean;
}

/**
 * Whether `actor` may end the placement early now, or why not: either side (the student; the
 * posting's supervisor, or without one a Country Office approver of the duty station; a fund
 * manager), while the placement runs and before its last month ends, with a reason.
 */
export function terminationRefusal(actor: Actor, c: TerminationContext, reason: string): Refusal | null {
  const supervisor = c.supervisorUserId
    ? actor.userId === c.supervisorUserId
    : actor.role === 'co_approver' && actor.countryCode === c.countryCode;
  if (!(
    actor.role === 'fund_manager' ||
    (actor.role === 'co_approver' && supervisor) ||
    actor.userId === c.studentUserId
  ))
    return {
      code: 'forbidden',
      message: 'only the intern, the supervisor or a fund manager may end the internship early',
    };
  if (c.stage !== 'placement' || c.ending || c.monthsServed >= c.months)
    return {
      code: 'not_allowed_now',
      message: `an internship ends early only while its placement runs (it is in ${c.stage})`,
    };
  if (!reason.trim()) return { code: 'invalid', message: 'give the reason' };
  return null;
}
