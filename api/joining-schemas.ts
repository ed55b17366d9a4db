import { iso, z } from 'zod';
import { LANGUAGES, ROLES } from '../domain/roles';
import { countryCodeSchema, emailSchema, isoDateSchema, text } from '../domain/schemas';
import { queryWithExample, requestBody, responseBody } from './contract';
import { sessionTokenSchema } from './account-schemas';
import { pageOf, paginationSchema } from './schemas';

/** Schemas of joining: self-registration, invitations, institutions and colleagues, expert applications, personal data. */
const timestamp = iso.datetime();
const int = z.int();

export const INSTITUTION_TYPES = ['university', 'research_institute', 'company', 'ngo', 'public_body'] as const;
export const INSTITUTION_STATUSES = ['pending_approval', 'approved', 'rejected'] as const;
export const MEMBER_ROLES = ['owner', 'member'] as const;
export const APPLICATION_STATUSES = ['submitted', 'approved', 'rejected'] as const;

const terms = {
  acceptTerms: z.literal(true, { error: 'the privacy notice and terms must be accepted' }),
  termsVersion: z.string().min(1).max(40).describe('the version shown (GET /terms); an older one is refused'),
};

export const institutionFieldsSchema = z.strictObject({
  legalNameEn: text(300),
  legalNameRu: text(300),
  countryCode: countryCodeSchema.describe('country of registration'),
  type: z.enum(INSTITUTION_TYPES),
  registrationNumber: z
    .string()
    .trim()
    .min(3)
    .max(50)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ./-]*$/, 'letters, digits, spaces, . / -'),
  address: text(500),
  website: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) address' })
    .max(300)
    .optional(),
});

const availabilityWindow = z
  .strictObject({ from: isoDateSchema, to: isoDateSchema })
  .refine((w) => w.from <= w.to, { message: 'from must not be after to', path: ['to'] });

export const expertProfileFieldsSchema = z.strictObject({
  thematicAreaIds: z
    .array(z.string().min(1).max(100))
    .min(1)
    .max(20)
    .describe('from the 20 thematic areas (GET /reference not needed: ids as in the roster)'),
  languages: z
    .array(z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code, e.g. ru'))
    .min(1)
    .max(10),
  countriesOfExperience: z.array(countryCodeSchema).max(50),
  education: text(2000),
  yearsExperience: z.int().min(0).max(70),
  dailyFeeUsd: z.number().min(0).max(100_000),
  availability: z.array(availabilityWindow).max(24),
  cv: text(20_000).describe('the CV as text (until documents exist)'),
});

const registrationBase = {
  role: z
    .enum(ROLES)
    .optional()
    .describe(
      'The role you register for, when several roles of the programme registry register with this form (default: the one that does)',
    ),
  email: emailSchema,
  name: text(200).describe('your full name'),
  language: z.enum(LANGUAGES),
  ...terms,
};

export const registrationSchema = requestBody(
  'Registration',
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.enum(['institution']), ...registrationBase, institution: institutionFieldsSchema }),
    z.strictObject({ kind: z.enum(['expert']), ...registrationBase, profile: expertProfileFieldsSchema }),
  ]),
  {
    kind: 'institution',
    email: 'director@permafrost.example.org',
    name: 'Irina Smirnova',
    language: 'ru',
    acceptTerms: true,
    termsVersion: '2026-12-01',
    institution: {
      legalNameEn: 'Siberian Centre for Permafrost Studies',
      legalNameRu: 'Сибирский центр изучения вечной мерзлоты',
      countryCode: 'RU',
      type: 'research_institute',
      registrationNumber: '1025403658136',
      address: 'Pirogova 1, Novosibirsk',
      website: 'https://permafrost.example.org',
    },
  },
);
export const registrationAcceptedSchema = responseBody(
  'RegistrationAccepted',
  z.strictObject({ status: z.literal('sent'), message: z.string() }),
);
export const tokenBodySchema = requestBody(
  'LinkToken',
  z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not a link token') }),
  { token: 'cmVnaXN0cmF0aW9uLWxpbmstZXhhbXBsZS0wMTIzNDU' },
);
export const joinedSchema = responseBody(
  'Joined',
  sessionTokenSchema.extend({
    userId: z.string(),
    role: z.enum(ROLES),
    institutionId: z.string().nullable(),
    expertApplicationId: z.string().nullable(),
  }),
);

// ---------- institutions ----------

export const memberSchema = responseBody(
  'InstitutionMember',
  z.strictObject({
    userId: z.string(),
    name: z.string(),
    email: z.string(),
    role: z.enum(MEMBER_ROLES),
    active: z.boolean(),
    joinedAt: timestamp,
  }),
);
export const institutionSchema = responseBody(
  'Institution',
  z.strictObject({
    id: z.string(),
    name: z.string(),
    legalNameEn: z.string().nullable(),
    legalNameRu: z.string().nullable(),
    countryCode: z.string().nullable(),
    type: z.string(),
    registrationNumber: z.string().nullable(),
    address: z.string().nullable(),
    website: z.string().nullable(),
    status: z.enum(INSTITUTION_STATUSES),
    decisionReason: z.string().nullable(),
    decidedAt: timestamp.nullable(),
    createdAt: timestamp,
    myRole: z.enum(MEMBER_ROLES).nullable().describe('your role in it, if you belong to it'),
  }),
);
export const institutionPageSchema = responseBody('InstitutionPage', pageOf(institutionSchema));
export const institutionListQuerySchema = queryWithExample(
  paginationSchema.extend({ status: z.enum(INSTITUTION_STATUSES).optional() }),
  { page: 1, pageSize: 20, status: 'pending_approval' },
);
export const memberListSchema = responseBody('InstitutionMemberList', z.strictObject({ items: z.array(memberSchema) }));
export const decisionWithReasonSchema = requestBody(
  'ApprovalDecision',
  z.discriminatedUnion('decision', [
    z.strictObject({ decision: z.enum(['approve']), reason: text(2000).optional() }),
    z.strictObject({ decision: z.enum(['reject']), reason: text(2000) }),
  ]),
  { decision: 'reject', reason: 'The registration number does not match the state register.' },
);
export const memberPatchSchema = requestBody('InstitutionMemberPatch', z.strictObject({ role: z.enum(MEMBER_ROLES) }), {
  role: 'owner',
});

// ---------- invitations ----------

export const invitationCreateSchema = requestBody(
  'InvitationCreate',
  z.strictObject({
    email: emailSchema,
    role: z.enum(ROLES),
    countryCode: countryCodeSchema.optional().describe('a Country Office approver: the country'),
    institutionRole: z
      .enum(MEMBER_ROLES)
      .optional()
      .describe("a colleague: owner or member of the inviter's institution (default member)"),
    language: z.enum(LANGUAGES).optional().describe('of the invitation mail (default: yours)'),
  }),
  { email: 'new.officer@undp.example.org', role: 'co_approver', countryCode: 'KG', language: 'en' },
);
export const invitationSchema = responseBody(
  'Invitation',
  z.strictObject({
    id: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    countryCode: z.string().nullable(),
    institutionId: z.string().nullable(),
    institutionRole: z.enum(MEMBER_ROLES).nullable(),
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    expiresAt: timestamp,
    sentCount: int,
    invitedById: z.string(),
    createdAt: timestamp,
  }),
);
export const invitationListSchema = responseBody(
  'InvitationList',
  z.strictObject({ items: z.array(invitationSchema) }),
);
export const invitationPreviewSchema = responseBody(
  'InvitationPreview',
  z.strictObject({
    email: z.string(),
    role: z.enum(ROLES),
    countryCode: z.string().nullable(),
    institutionName: z.string().nullable(),
    inviterName: z.string(),
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    expiresAt: timestamp,
  }),
);
export const invitationAcceptSchema = requestBody(
  'InvitationAccept',
  z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not a link token'), name: text(200), ...terms }),
  {
    token: 'aW52aXRhdGlvbi1saW5rLWV4YW1wbGUtMDEyMzQ1Njc',
    name: 'Timur Asanov',
    acceptTerms: true,
    termsVersion: '2026-12-01',
  },
);

// ---------- expert applications ----------

export const expertApplicationSchema = responseBody(
  'ExpertApplication',
  z.strictObject({
    id: z.string(),
    userId: z.string(),
    name: z.string(),
    email: z.string(),
    status: z.enum(APPLICATION_STATUSES),
    profile: expertProfileFieldsSchema,
    expertId: z.string().nullable(),
    decisionReason: z.string().nullable(),
    decidedAt: timestamp.nullable(),
    createdAt: timestamp,
  }),
);
export const expertApplicationPageSchema = responseBody('ExpertApplicationPage', pageOf(expertApplicationSchema));
export const expertApplicationQuerySchema = queryWithExample(
  paginationSchema.extend({ status: z.enum(APPLICATION_STATUSES).optional() }),
  { page: 1, pageSize: 20, status: 'submitted' },
);
export const suspensionSchema = requestBody(
  'ExpertSuspension',
  z.strictObject({ suspended: z.boolean(), reason: text(2000).optional() }),
  { suspended: true, reason: 'Conflict of interest under review' },
);
export const standingSchema = responseBody(
  'ExpertStanding',
  z.strictObject({ expertId: z.string(), suspended: z.boolean(), reason: z.string().nullable(), changedAt: timestamp }),
);

// ---------- personal data and terms ----------

export const termsSchema = responseBody(
  'Terms',
  z.strictObject({
    version: z.string(),
    effectiveFrom: isoDateSchema,
    summary: z.strictObject({ en: z.string(), ru: z.string() }),
  }),
);
export const myTermsSchema = responseBody(
  'MyTerms',
  z.strictObject({
    currentVersion: z.string(),
    acceptedVersion: z.string().nullable(),
    acceptedAt: timestamp.nullable(),
    mustAccept: z.boolean().describe('true when you accepted an earlier version: accept the current one'),
  }),
);
export const termsAcceptSchema = requestBody('TermsAccept', z.strictObject({ ...terms }), {
  acceptTerms: true,
  termsVersion: '2026-12-01',
});
export const myDataSchema = responseBody(
  'MyData',
  z.record(z.string(), z.unknown()).describe('Everything kept about you, as JSON'),
);
export const erasureRequestSchema = requestBody('ErasureRequest', z.strictObject({ reason: text(2000).optional() }), {
  reason: 'I no longer work with the programme.',
});
export const erasureRequestedSchema = responseBody(
  'ErasureRequested',
  z.strictObject({ requestedAt: timestamp, message: z.string() }),
);
