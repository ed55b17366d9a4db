import { iso, z } from 'zod';
import { LANGUAGES, ROLES } from '../domain/roles';
import { countryCodeSchema, emailSchema, text } from '../domain/schemas';
import { queryWithExample, requestBody, responseBody } from './contract';
import { pageOf, paginationSchema } from './schemas';

/** Schemas of the account routes (sign-in links, sessions, personal API tokens). */
const timestamp = iso.datetime();
const int = z.int();

/** What a client keeps to prove it is the one that asked for a link (a browser: a cookie's nonce, hashed). */
const browserBinding = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22,128}$/, 'must be 22-128 characters of A-Z a-z 0-9 _ -')
  .describe(
    'A random value the client keeps and sends again to redeem the link (the web app: a hash of a cookie nonce)',
  );

export const emailLinkRequestSchema = requestBody(
  'EmailLinkRequest',
  z.strictObject({
    email: emailSchema,
    browser: browserBinding,
    language: z.enum(LANGUAGES).optional().describe('language of the mail when the address has no account language'),
  }),
  { email: 'applicant@tpu.example.org', browser: 'Zm9yLWEtYnJvd3Nlci1ub25jZS0xMjM0', language: 'en' },
);
export const emailLinkAcceptedSchema = responseBody(
  'EmailLinkAccepted',
  z.strictObject({ status: z.literal('sent'), expiresInMinutes: int, message: z.string() }),
);
export const emailLinkRedeemSchema = requestBody(
  'EmailLinkRedeem',
  z.strictObject({
    token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not a sign-in link token'),
    browser: browserBinding,
  }),
  { token: 'bGluay10b2tlbi1leGFtcGxlLW5vdC1yZWFsLTAxMjM', browser: 'Zm9yLWEtYnJvd3Nlci1ub25jZS0xMjM0' },
);
export const sessionTokenSchema = responseBody(
  'SessionToken',
  z.strictObject({
    token: z.string(),
    expiresIn: int.describe('seconds until the absolute timeout'),
    idleTimeoutSeconds: int,
  }),
);

export const personalTokenCreateSchema = requestBody(
  'PersonalTokenCreate',
  z.strictObject({
    name: text(100),
    expiresInDays: z.int().min(1).max(3650).describe('at most PERSONAL_TOKEN_MAX_DAYS'),
  }),
  { name: 'Nightly export script', expiresInDays: 90 },
);
export const personalTokenSchema = responseBody(
  'PersonalToken',
  z.strictObject({
    id: z.string(),
    name: z.string(),
    prefix: z.string().describe('the first characters of the token, to recognise it'),
    role: z.enum(ROLES),
    createdAt: timestamp,
    expiresAt: timestamp,
    lastUsedAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
  }),
);
export const personalTokenCreatedSchema = responseBody(
  'PersonalTokenCreated',
  personalTokenSchema.extend({ token: z.string().describe('shown this once: only its hash is kept') }),
);
export const personalTokenListSchema = responseBody(
  'PersonalTokenList',
  z.strictObject({ items: z.array(personalTokenSchema) }),
);
export const signedOutSchema = responseBody('SignedOut', z.strictObject({ revokedTokens: int }));

// ---------- people (administrators) ----------

export const userListQuerySchema = queryWithExample(
  paginationSchema.extend({
    role: z.enum(ROLES).optional(),
    q: z.string().trim().min(1).max(100).optional().describe('part of the name or e-mail address'),
    active: z.enum(['true', 'false']).optional(),
    erasureRequested: z.enum(['true']).optional().describe('only people who asked for their data to be erased'),
  }),
  { page: 1, pageSize: 20, role: 'co_approver', q: 'kg', active: 'true', erasureRequested: 'true' },
);
export const userSchema = responseBody(
  'User',
  z.strictObject({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    countryCode: z.string().nullable(),
    institutionId: z.string().nullable(),
    expertId: z.string().nullable(),
    language: z.enum(LANGUAGES),
    active: z.boolean(),
    createdAt: timestamp,
    erasureRequestedAt: timestamp.nullable(),
    erasedAt: timestamp.nullable(),
  }),
);
export const userPageSchema = responseBody('UserPage', pageOf(userSchema));
export const userPatchSchema = requestBody(
  'UserPatch',
  z
    .strictObject({
      role: z.enum(ROLES).optional(),
      countryCode: countryCodeSchema.nullable().optional().describe('the country a co_approver acts for'),
      active: z
        .boolean()
        .optional()
        .describe('false deactivates the account: every session and token ends on its next request'),
      reason: text(500).optional().describe('why (kept in the audit trail)'),
    })
    .refine(
      (b) => b.role !== undefined || b.countryCode !== undefined || b.active !== undefined,
      'change at least one of role, countryCode, active',
    ),
  { role: 'co_approver', countryCode: 'KG', reason: 'Moved to the Kyrgyzstan office' },
);
