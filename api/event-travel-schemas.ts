/** The API's schemas of SDG event travel (requests from domain/event-travel.ts; answers here). */
import { iso, z } from 'zod';
import { eventTravelCreateSchema, SPEAKING_ROLES, type EventTravelCreate } from '../domain/event-travel';
import { STAGES } from '../domain/stages';
import { countryCodeSchema } from '../domain/schemas';
import { queryWithExample, requestBody, responseBody } from './contract';
import { agreementSchema, openTaskSchema, pageOf, paginationSchema, timelineEventSchema } from './schemas';

const stage = z.enum(STAGES);
const timestamp = iso.datetime();
const day = iso.date();
const int = z.int();
const jsonObject = z.record(z.string(), z.unknown());

/** A valid application against the demo data (expert1 applies for an event in Geneva). */
export const EVENT_TRAVEL_EXAMPLE: EventTravelCreate = {
  event: {
    name: 'High-level Political Forum 2027: side event on energy access',
    organiser: 'UN DESA',
    city: 'Geneva',
    countryCode: 'CH',
    startDate: '2027-07-13',
    endDate: '2027-07-15',
    website: 'https://hlpf.un.org',
    sdgs: [7, 13],
    expectedAudience: 'Delegations of Central Asian partner countries and UN agencies, about 300 participants',
  },
  role: 'speaker',
  sideEvent: true,
  invitation: {
    from: 'UN DESA, Division for Sustainable Development Goals',
    date: '2027-03-01',
    reference: 'DESA/2027/17',
  },
  contribution: {
    title: 'Small hydropower for remote communities',
    abstract: 'Lessons from Russian deployments and their fit for Kyrgyzstan and Tajikistan.',
  },
  itinerary: { departureCity: 'Moscow', departureDate: '2027-07-12', returnDate: '2027-07-16' },
  costs: { airfareUsd: 800, registrationFeeUsd: 0, visaUsd: 90 },
};
requestBody('EventTravelCreate', eventTravelCreateSchema, EVENT_TRAVEL_EXAMPLE);

export const eventTravelListQuerySchema = queryWithExample(
  paginationSchema.extend({
    stage: stage.optional(),
    country: countryCodeSchema.optional(),
    expert: z.string().min(1).max(100).optional().describe('The roster id of the expert who travels'),
  }),
  { page: 1, pageSize: 20, stage: 'review', country: 'CH', expert: 'exp-001' },
);

const summaryFields = {
  id: z.string(),
  title: z.string().describe('The event'),
  countryCode: z.string().describe('The event’s country'),
  eventCity: z.string(),
  eventStartDate: day,
  eventEndDate: day,
  expertId: z.string(),
  role: z.enum(SPEAKING_ROLES),
  departureDate: day,
  returnDate: day,
  approvedUsd: z.number().nullable(),
  stage,
  stageEnteredAt: timestamp,
  createdAt: timestamp,
  closedAt: timestamp.nullable(),
};

export const eventTravelPageSchema = responseBody(
  'EventTravelPage',
  pageOf(responseBody('EventTravelSummary', z.strictObject(summaryFields))),
);

export const eventTravelSchema = responseBody(
  'EventTravel',
  z.strictObject({
    ...summaryFields,
    workflowId: z.string(),
    expertName: z.string(),
    appliedById: z.string(),
    application: jsonObject.describe('The application as submitted and revised (EventTravelCreate without expertId)'),
    estimate: jsonObject
      .nullable()
      .describe(
        'Before approval: the cost lines at the rates in force (DSA nights, terminal); after: the approved breakdown',
      ),
    advanceUsd: z.number().nullable(),
    report: jsonObject.nullable(),
    settlement: jsonObject.nullable().describe('DSA on the actual dates at the rate in force then, minus the advance'),
    findings: jsonObject.nullable().describe('The eligibility findings, each rule with its figures'),
    outcome: z.string().nullable(),
    updatedAt: timestamp,
    openTasks: z.array(openTaskSchema),
    timeline: z.array(timelineEventSchema),
    agreement: agreementSchema
      .nullable()
      .describe('The travel authorisation (signatures, the advance); null before it'),
    paymentsUsd: z.array(z.number()).describe('Released payments: the advance, a recovery (negative), the settlement'),
  }),
);
export type EventTravelView = z.input<typeof eventTravelSchema>;
void int;
