/**
 * Activities of internships: eligibility facts from the read model, the stipend split under the
 * dated rule set and the duty station's rate, the posting's places (handed out under a row lock, in
 * the order of selection), the posting's row, and the calendar instants of a placement in the
 * Country Office's calendar. Idempotent: reads, upserts, and a place claim keyed by the application.
 */
import type { TaskDeadline } from '../domain/deadline-rules';
import type { InternshipApplication, PostingFields, PostingStatus, PostingTerms } from '../domain/internship';
import type { Finding, PolicyOutcome } from '../domain/policy/findings';
import {
  internshipEligibility,
  internshipRulesInForce,
  monthEnds,
  splitStipend,
  stipendCentsOn,
  type StipendSplit,
} from '../domain/policy/internship';
import type { Clock } from '../lib/clock';
import { createCalendarActivities } from './calendar';
import type { ActivityDeps } from './deps';

/** Stages in which an application holds a placement (for the one-active-placement rule). */
const ACTIVE_PLACEMENT_STAGES = ['agreement', 'placement', 'evaluation'];
/** Stages in which an application still waits for a place (told when the posting fills or ends). */
export const WAITING_STAGES = ['intake', 'university_verification', 'selection'];

export interface InternshipScreening {
  outcome: PolicyOutcome;
  findings: Finding[];
  ruleSetId: string;
  day: string;
}

export type PlaceClaim = { placeSeq: number; filled: boolean } | { full: true };

export function createInternshipActivities(deps: ActivityDeps & { clock: Clock }) {
  const { prisma, clock } = deps;
  const calendar = createCalendarActivities(deps);
  const today = async (countryCode: string) => clock.today(await clock.office(countryCode));

  return {
    /** Eligibility under the rule set in force today (the duty station's calendar). */
    async screenInternship(input: {
      internshipId: string;
      studentUserId: string;
      application: InternshipApplication;
      terms: PostingTerms;
    }): Promise<InternshipScreening> {
      const day = await today(input.terms.countryCode);
      const set = internshipRulesInForce(day);
      const activePlacements = await prisma.internship.count({
        where: {
          studentUserId: input.studentUserId,
          stage: { in: ACTIVE_PLACEMENT_STAGES },
          id: { not: input.internshipId },
        },
      });
      const { outcome, findings } = internshipEligibility(
        {
          degree: input.application.degree,
          status: input.application.enrolmentStatus,
          graduationDate: input.application.graduationDate ?? null,
          startDate: input.terms.startDate,
          months: input.terms.months,
          activePlacements,
        },
        set,
      );
      return { outcome, findings, ruleSetId: set.id, day };
    },

    /** The monthly stipend of the duty station in force on the start date, split with the parallel funder. */
    async internshipStipend(input: {
      countryCode: string;
      startDate: string;
      funderSharePct: number;
    }): Promise<StipendSplit> {
      const set = internshipRulesInForce(input.startDate);
      const rate = stipendCentsOn(input.countryCode, input.startDate);
      return splitStipend(rate?.cents ?? 0, input.funderSharePct, set);
    },

    /**
     * One of the posting's places for this application, in the order of selection: a row lock on the
     * posting serialises claims, so it never hands out more than it has. A second call for the same
     * application returns the place it holds.
     */
    async claimInternshipPlace(input: { postingId: string; internshipId: string }): Promise<PlaceClaim> {
      return prisma.$transaction(async (tx) => {
        const held = await tx.internship.findUnique({ where: { id: input.internshipId }, select: { placeSeq: true } });
        const rows = await tx.$queryRaw<{ places: number; placesFilled: number; status: string }[]>`
          SELECT "places", "placesFilled", "status" FROM "InternshipPosting" WHERE "id" = ${input.postingId} FOR UPDATE`;
        const posting = rows[0];
        if (!posting) return { full: true } as const;
        if (held?.placeSeq) return { placeSeq: held.placeSeq, filled: posting.placesFilled >= posting.places };
        if (posting.status === 'withdrawn' || posting.placesFilled >= posting.places) return { full: true } as const;
        const placeSeq = posting.placesFilled + 1;
        const filled = placeSeq >= posting.places;
        await tx.internshipPosting.update({
          where: { id: input.postingId },
          data: { placesFilled: placeSeq, ...(filled ? { status: 'filled', closedAt: new Date() } : {}) },
        });
        await tx.internship.update({ where: { id: input.internshipId }, data: { placeSeq } });
        return { placeSeq, filled };
      });
    },

    /** The instants of a placement, Country Office calendar: the start day, each month's last day (end of day). */
    async internshipDates(input: {
      countryCode: string;
      startDate: string;
      months: number;
    }): Promise<{ start: TaskDeadline; monthEnds: TaskDeadline[] }> {
      const office = await clock.office(input.countryCode);
      const ends = monthEnds(input.startDate, input.months);
      const [start, ...rest] = await calendar.scheduleDeadlines({
        countryCode: input.countryCode,
        items: [
          { kind: 'at', at: clock.instantOf(input.startDate, office).toISOString() },
          ...ends.map((d) => ({ kind: 'at' as const, at: clock.endOf(d, office).toISOString() })),
        ],
      });
      return { start, monthEnds: rest };
    },

    // ---------- the posting ----------

    /** Writes (or rewrites) the posting's row: its fields, status and deadline. */
    async saveInternshipPosting(input: {
      postingId: string;
      workflowId: string;
      fields: PostingFields;
      createdById: string;
      supervisorUserId?: string;
      status: PostingStatus;
      applicationDeadline: string;
      extensions: number;
    }): Promise<{ stipendCents: number }> {
      const { fields } = input;
      const stipendCents = stipendCentsOn(fields.countryCode, fields.startWindowFrom)?.cents ?? 0;
      const terminal = input.status !== 'open';
      const data = {
        status: input.status,
        applicationDeadline: new Date(`${input.applicationDeadline}T00:00:00.000Z`),
        extensions: input.extensions,
        ...(terminal ? { closedAt: new Date() } : {}),
      };
      // A place claim may have filled it meanwhile: `filled` is never undone by the workflow's own view.
      const existing = await prisma.internshipPosting.findUnique({ where: { id: input.postingId } });
      if (existing?.status === 'filled' && input.status === 'closed') return { stipendCents: existing.stipendCents };
      await prisma.internshipPosting.upsert({
        where: { id: input.postingId },
        update: data,
        create: {
          id: input.postingId,
          workflowId: input.workflowId,
          countryCode: fields.countryCode,
          title: fields.title,
          fields,
          months: fields.months,
          startDate: new Date(`${fields.startWindowFrom}T00:00:00.000Z`),
          places: fields.places,
          stipendCents,
          createdById: input.createdById,
          supervisorUserId: input.supervisorUserId ?? null,
          ...data,
        },
      });
      return { stipendCents };
    },

    /** The end of the posting's deadline day in its office's calendar, as a timer instant. */
    async internshipPostingDeadline(input: { countryCode: string; day: string }): Promise<TaskDeadline> {
      const office = await clock.office(input.countryCode);
      const [d] = await calendar.scheduleDeadlines({
        countryCode: input.countryCode,
        items: [{ kind: 'at', at: clock.endOf(input.day, office).toISOString() }],
      });
      return d;
    },

    /** Applications of the posting still waiting for a place (told when it fills or is withdrawn). */
    async internshipsWaiting(input: { postingId: string }): Promise<string[]> {
      const rows = await prisma.internship.findMany({
        where: { postingId: input.postingId, stage: { in: WAITING_STAGES } },
        select: { workflowId: true },
        orderBy: { createdAt: 'asc' },
      });
      return rows.map((r) => r.workflowId);
    },
  };
}
