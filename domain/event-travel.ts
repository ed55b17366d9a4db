/**
 * SDG event travel (issue 31): the application's schema, what a revision may change, the read-model
 * row and patch, and the decision payloads of its tasks. Pure: the workflow's validators and steps,
 * the API and the tests use it. Rules and figures: domain/policy/travel.ts.
 */
import { z } from 'zod';
import { countryCodeSchema, fieldProblems, isoDateSchema, text, usdToCents, type FieldProblem } from './schemas';
import { documentIdSchema } from './documents';
import type { SubjectPatch } from './steps';

export const SPEAKING_ROLES = ['speaker', 'panellist', 'presenter'] as const;
export type SpeakingRole = (typeof SPEAKING_ROLES)[number];

const sdg = z.number().int().min(1).max(17);
const money = z.number().min(0).max(100_000);
const url = z.url({ protocol: /^https?$/ }).max(2000);

export const eventSchema = z
  .object({
    name: text(300),
    organiser: text(300),
    city: text(120),
    countryCode: countryCodeSchema,
    startDate: isoDateSchema,
    endDate: isoDateSchema,
    website: url,
    // At least one for eligibility; an empty list reaches the rule (and its finding) rather than a schema error.
    sdgs: z.array(sdg).max(17),
    expectedAudience: text(2000).describe('Who attends: partner-country delegations, agencies, numbers'),
  })
  .strict();

/**
 * Who invited the expert, when, and the letter's reference. The letter itself is an uploaded
 * document of type invitation_letter (attached with the application, or later): eligibility counts
 * only a clean one.
 */
export const invitationSchema = z
  .object({ from: text(300), date: isoDateSchema, reference: text(300).optional() })
  .strict();

export const itinerarySchema = z
  .object({ departureCity: text(120), departureDate: isoDateSchema, returnDate: isoDateSchema })
  .strict();

/** The cost lines the expert estimates; DSA nights and terminal expenses are computed from the rule set. */
export const costEstimateSchema = z
  .object({
    airfareUsd: money.describe('Economy return ticket'),
    registrationFeeUsd: money.default(0),
    visaUsd: money.default(0),
  })
  .strict();

export const eventTravelFieldsSchema = z
  .object({
    event: eventSchema,
    role: z.enum(SPEAKING_ROLES),
    /** A named Russian solution the expert presents (required for a presenter). */
    solution: text(300).optional(),
    sideEvent: z.boolean().default(false),
    invitation: invitationSchema.nullable(),
    contribution: z.object({ title: text(300), abstract: text(5000) }).strict(),
    itinerary: itinerarySchema,
    costs: costEstimateSchema,
  })
  .strict();

function crossFieldProblems(
  a: z.output<typeof eventTravelFieldsSchema>,
  ctx: { addIssue(i: { code: 'custom'; path: (string | number)[]; message: string }): void },
): void {
  const { event, itinerary } = a;
  if (event.endDate < event.startDate)
    ctx.addIssue({ code: 'custom', path: ['event', 'endDate'], message: 'must be on or after the start date' });
  if (itinerary.returnDate < itinerary.departureDate)
    ctx.addIssue({
      code: 'custom',
      path: ['itinerary', 'returnDate'],
      message: 'must be on or after the departure date',
    });
  if (itinerary.departureDate > event.startDate)
    ctx.addIssue({
      code: 'custom',
      path: ['itinerary', 'departureDate'],
      message: 'must be on or before the event’s first day',
    });
  if (itinerary.returnDate < event.endDate)
    ctx.addIssue({
      code: 'custom',
      path: ['itinerary', 'returnDate'],
      message: 'must be on or after the event’s last day',
    });
  if (a.role === 'presenter' && !a.solution)
    ctx.addIssue({ code: 'custom', path: ['solution'], message: 'name the Russian solution you present' });
}

export const eventTravelApplicationSchema = eventTravelFieldsSchema.superRefine(crossFieldProblems);
export type EventTravelApplication = z.output<typeof eventTravelApplicationSchema>;

/** The create body: the application, and the expert it is for when a fund manager applies on their behalf. */
export const eventTravelCreateSchema = eventTravelFieldsSchema
  .extend({
    expertId: z.string().min(1).max(100).optional().describe('Fund managers: the roster expert applying'),
    documentIds: z
      .array(documentIdSchema)
      .max(10)
      .optional()
      .describe('Documents uploaded beforehand (POST /documents) to attach: the invitation letter'),
  })
  .superRefine(crossFieldProblems);
export type EventTravelCreate = z.input<typeof eventTravelCreateSchema>;

/** What a revision (after the fund manager asked for changes) may change: any field but the event's country. */
export const eventTravelChangesSchema = eventTravelFieldsSchema
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'at least one field must change');
export type EventTravelChanges = z.infer<typeof eventTravelChangesSchema>;

export function applyTravelChanges(app: EventTravelApplication, changes: EventTravelChanges): EventTravelApplication {
  const merged: Record<string, unknown> = { ...app };
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) merged[k] = v;
  return merged as EventTravelApplication;
}

/** A revision must parse on its own and, merged, pass the full application schema. */
export function travelRevisionProblems(app: EventTravelApplication, data: unknown): FieldProblem[] {
  const parsed = eventTravelChangesSchema.safeParse(data);
  if (!parsed.success) return fieldProblems(parsed.error.issues, ['data']);
  const merged = eventTravelApplicationSchema.safeParse(applyTravelChanges(app, parsed.data));
  return merged.success ? [] : fieldProblems(merged.error.issues, ['data']);
}

// ---------- decisions of the programme's tasks ----------

const score = z.number().int().min(0).max(5);
/** The review rubric: each criterion 0–5. */
export const TRAVEL_RUBRIC = ['sdgRelevance', 'visibility', 'partnerCountryAudience', 'undpProgrammeLink'] as const;

export const travelApprovalSchema = z
  .object({
    scores: z
      .object(
        Object.fromEntries(TRAVEL_RUBRIC.map((k) => [k, score])) as Record<
          (typeof TRAVEL_RUBRIC)[number],
          typeof score
        >,
      )
      .strict(),
    /** The approved figures of the expert's lines (default: as estimated); DSA and terminal come from the rules. */
    airfareUsd: money.optional(),
    registrationFeeUsd: money.optional(),
    visaUsd: money.optional(),
  })
  .strict();

export const tripChangeSchema = z
  .object({ departureDate: isoDateSchema, returnDate: isoDateSchema, reason: text(2000) })
  .strict();
export const tripCancelSchema = z.object({ reason: text(2000) }).strict();

export const travelReportSchema = z
  .object({
    presented: text(10000).describe('What was presented'),
    contacts: text(5000).describe('Contacts made'),
    followUp: text(5000).describe('Follow-up opportunities for partner countries'),
    link: url.optional().describe('A photo or a link (programme page, recording)'),
    actualDepartureDate: isoDateSchema,
    actualReturnDate: isoDateSchema,
    /** Notes on the proof of attendance; the proof itself is a document (attendance_proof), required by the API. */
    attendanceProof: text(2000).optional().describe('Notes on the proof of attendance (the files are documents)'),
    documentIds: z
      .array(documentIdSchema)
      .max(10)
      .optional()
      .describe(
        'Documents you uploaded to this application (POST …/documents), submitted with the report: the proof of attendance (attendance_proof) is required',
      ),
  })
  .strict();

/** Cross-field rules of the programme's decisions (the Update validator runs them). */
export function travelDecisionProblems(kind: string, decision: string, data: Record<string, unknown>): FieldProblem[] {
  if (kind === 'trip_confirmation' && decision === 'change_dates') {
    const d = tripChangeSchema.safeParse(data);
    if (d.success && d.data.returnDate < d.data.departureDate)
      return [{ path: 'data.returnDate', message: 'must be on or after the departure date' }];
  }
  if (kind === 'travel_report') {
    const d = travelReportSchema.safeParse(data);
    if (d.success && d.data.actualReturnDate < d.data.actualDepartureDate)
      return [{ path: 'data.actualReturnDate', message: 'must be on or after the departure date' }];
  }
  return [];
}

// ---------- read model ----------

export interface EventTravelRowInit {
  expertId: string;
  expertUserId: string;
  appliedById: string;
  eventName: string;
  eventCity: string;
  eventStartDate: string;
  eventEndDate: string;
  sdgs: number[];
  role: string;
  departureDate: string;
  returnDate: string;
  application: unknown;
  estimateCents: number;
}

const midnight = (date: string) => `${date}T00:00:00.000Z`;

/** The columns an application fills in: when it is made and on each revision. */
function applicationColumns(app: EventTravelApplication) {
  return {
    eventName: app.event.name,
    eventCity: app.event.city,
    eventStartDate: midnight(app.event.startDate),
    eventEndDate: midnight(app.event.endDate),
    sdgs: app.event.sdgs,
    role: app.role,
    departureDate: midnight(app.itinerary.departureDate),
    returnDate: midnight(app.itinerary.returnDate),
    application: app,
  };
}

export function eventTravelRowInit(
  app: EventTravelApplication,
  who: { expertId: string; expertUserId: string; appliedById: string },
): EventTravelRowInit {
  return {
    ...who,
    ...applicationColumns(app),
    estimateCents: usdToCents(app.costs.airfareUsd + app.costs.registrationFeeUsd + app.costs.visaUsd),
  };
}

/** The columns an application's revision changes. */
export function travelApplicationPatch(app: EventTravelApplication): SubjectPatch {
  return { title: app.event.name, ...applicationColumns(app) };
}
