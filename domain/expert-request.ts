/**
 * The Experts-on-Demand request beyond its create schema (domain/schemas.ts): what a resubmission
 * may change and how it merges, the read-model row and patch, and the intake findings. Pure: the
 * workflow's validators and steps, the API and the tests use it.
 */
import { z } from 'zod';
import type { Finding } from './policy/findings';
import {
  expertRequestCreateSchema,
  expertRequestFieldsSchema,
  fieldProblems,
  usdToCents,
  type ExpertRequestCreate,
  type FieldProblem,
} from './schemas';
import type { ExpertRequestRowInit, SubjectPatch } from './steps';

/**
 * Fields a requester may change on resubmission (not the country). destination, travelDays and
 * perDiemUsd may be set to null to remove them (e.g. a mission turned into desk work).
 */
export const expertRequestChangesSchema = expertRequestFieldsSchema
  .omit({ countryCode: true, destination: true, travelDays: true, perDiemUsd: true })
  .extend({
    destination: expertRequestFieldsSchema.shape.destination.unwrap().nullable(),
    travelDays: expertRequestFieldsSchema.shape.travelDays.unwrap().nullable(),
    perDiemUsd: expertRequestFieldsSchema.shape.perDiemUsd.unwrap().nullable(),
  })
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'at least one field must change');
export type ExpertRequestChanges = z.infer<typeof expertRequestChangesSchema>;

const NULLABLE_FIELDS = ['destination', 'travelDays', 'perDiemUsd'] as const;

/** The request after a resubmission: null removes an optional field. */
export function applyRequestChanges(request: ExpertRequestCreate, changes: ExpertRequestChanges): ExpertRequestCreate {
  const merged: Record<string, unknown> = { ...request };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (value === null && (NULLABLE_FIELDS as readonly string[]).includes(key)) delete merged[key];
    else merged[key] = value;
  }
  return merged as ExpertRequestCreate;
}

/** A resubmission must parse on its own and, merged into the request, pass the full create schema. */
export function resubmissionProblems(request: ExpertRequestCreate, data: unknown): FieldProblem[] {
  const parsed = expertRequestChangesSchema.safeParse(data);
  if (!parsed.success) return fieldProblems(parsed.error.issues, ['data']);
  const merged = expertRequestCreateSchema.safeParse(applyRequestChanges(request, parsed.data));
  return merged.success ? [] : fieldProblems(merged.error.issues, ['data']);
}

/** The read-model patch of a resubmission: the ExpertRequest columns it changes. */
export function requestChangesPatch(changes: ExpertRequestChanges): SubjectPatch {
  const { contractValueUsd, startDate, endDate, ...sameColumns } = changes;
  return {
    ...sameColumns,
    ...(contractValueUsd === undefined ? {} : { contractValueCents: usdToCents(contractValueUsd) }),
    ...(startDate === undefined ? {} : { startDate: `${startDate}T00:00:00.000Z` }),
    ...(endDate === undefined ? {} : { endDate: `${endDate}T00:00:00.000Z` }),
  };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The row to create from the payload. The API validated it; the workflow re-validates after the row
 * exists (so a rejection is visible), hence defensive defaults for a payload that is malformed.
 */
export function expertRequestRowInit(
  r: ExpertRequestCreate,
  requesterId: string,
  submittedAt: string,
): ExpertRequestRowInit {
  const fallbackDay = submittedAt.slice(0, 10);
  const day = (v: unknown) => (typeof v === 'string' && DAY.test(v) && !Number.isNaN(Date.parse(v)) ? v : fallbackDay);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const arr = <T>(v: unknown) => (Array.isArray(v) ? (v as T[]) : []);
  return {
    requesterId,
    nationalPartner: (r.nationalPartner ?? {}) as Record<string, unknown>,
    objectives: String(r.objectives ?? ''),
    deliverables: arr(r.deliverables),
    modality: String(r.modality ?? ''),
    workingDays: Math.trunc(num(r.workingDays)),
    startDate: `${day(r.startDate)}T00:00:00.000Z`,
    endDate: `${day(r.endDate)}T00:00:00.000Z`,
    languages: arr<string>(r.languages),
    thematicAreaId: String(r.thematicAreaId ?? ''),
    sdgs: arr<number>(r.sdgs),
    destination: r.destination ?? null,
    travelDays: typeof r.travelDays === 'number' ? Math.trunc(r.travelDays) : null,
    perDiemUsd: typeof r.perDiemUsd === 'number' ? Math.trunc(r.perDiemUsd) : null,
    contractValueCents: usdToCents(num(r.contractValueUsd)),
  };
}

/** Payload findings: the create schema (dates in order, deliverables sum, mission fields) and the requester's country. */
export function requestFindings(request: unknown, requesterCountryCode: string): Finding[] {
  const parsed = expertRequestCreateSchema.safeParse(request);
  const findings: Finding[] = [];
  if (parsed.success) {
    findings.push({
      rule: 'request_valid',
      outcome: 'pass',
      message: 'The request is complete and consistent.',
      data: {},
    });
  } else {
    for (const issue of parsed.error.issues) {
      findings.push({
        rule: 'request_valid',
        outcome: 'fail',
        message: `${issue.path.join('.') || 'request'}: ${issue.message}`,
        data: { path: issue.path.join('.') },
      });
    }
  }
  const country = (request as { countryCode?: unknown } | null)?.countryCode;
  const own = country === requesterCountryCode;
  findings.push({
    rule: 'requester_country',
    outcome: own ? 'pass' : 'fail',
    message: own
      ? `Registered by the ${requesterCountryCode} Country Office.`
      : `A ${requesterCountryCode} Country Office user cannot register a request for ${String(country)}.`,
    data: { requesterCountryCode, countryCode: typeof country === 'string' ? country : null },
  });
  return findings;
}
