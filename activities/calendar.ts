import type { Clock } from '../lib/clock';
import { deadlineRulesInForce, type DeadlineSpec, type TaskDeadline } from '../domain/deadline-rules';
import { DEFAULT_SLA_DAYS, slaDaysOf, type SlaDays } from '../domain/tasks';
import type { Office } from '../domain/calendar';
import type { ActivityDeps } from './deps';

const DAY_MS = 86_400_000;
/** Reminders go out at the start of the office's working day. */
const REMIND_AT = '09:00';

/**
 * The dates of tasks, from the Clock: the only place deadlines are computed. Workflows record the
 * answer (its timer instants) in history and sleep until them.
 */
export function createCalendarActivities(deps: ActivityDeps & { clock: Clock }) {
  const { clock } = deps;
  const sla: SlaDays = deps.sla ?? DEFAULT_SLA_DAYS;

  function deadline(opensAt: Date, dueAt: Date, remindAt: Date | null): TaskDeadline {
    const at = (d: Date) => d.toISOString();
    return {
      opensAt: at(opensAt),
      dueAt: at(dueAt),
      remindAt: remindAt && at(remindAt),
      timers: {
        opensAt: clock.timerAt(opensAt),
        dueAt: clock.timerAt(dueAt),
        remindAt: remindAt && clock.timerAt(remindAt),
      },
    };
  }

  async function remindBefore(day: string, workingDays: number, office: Office): Promise<Date> {
    return clock.instantOf(await clock.addWorkingDays(day, -workingDays, office), office, REMIND_AT);
  }

  async function one(spec: DeadlineSpec, office: Office, now: Date): Promise<TaskDeadline> {
    const today = clock.today(office);
    const rules = deadlineRulesInForce(today).rules;
    const notBeforeNow = (d: Date) => (d < now ? now : d);
    switch (spec.kind) {
      case 'sla': {
        const { dueDays, remindBeforeDays } = slaDaysOf(spec.sla, sla);
        if (!Number.isInteger(dueDays)) {
          const due = new Date(now.getTime() + dueDays * DAY_MS);
          return deadline(now, due, new Date(due.getTime() - remindBeforeDays * DAY_MS));
        }
        const dueDay = await clock.addWorkingDays(today, dueDays, office);
        return deadline(now, clock.endOf(dueDay, office), await remindBefore(dueDay, remindBeforeDays, office));
      }
      case 'milestone_report': {
        const opens = clock.instantOf(clock.addDays(spec.dueDate, -rules.reportOpensDaysBefore), office);
        return deadline(
          notBeforeNow(opens),
          clock.endOf(spec.dueDate, office),
          await remindBefore(spec.dueDate, rules.reportRemindWorkingDaysBefore, office),
        );
      }
      case 'final_report': {
        const opens = clock.instantOf(clock.addDays(spec.endDate, -rules.finalReportOpensDaysBefore), office);
        const dueDay = clock.addDays(spec.endDate, rules.finalReportDueDaysAfterEnd);
        return deadline(
          notBeforeNow(opens),
          clock.endOf(dueDay, office),
          await remindBefore(dueDay, rules.reportRemindWorkingDaysBefore, office),
        );
      }
      case 'at':
        return deadline(now, new Date(spec.at), null);
      case 'deliverable':
        return deadline(
          now,
          clock.endOf(spec.dueDate, office),
          await remindBefore(spec.dueDate, rules.deliverableRemindWorkingDaysBefore, office),
        );
    }
  }

  return {
    /** The calendar's now (ISO): what a workflow dates by the Clock rather than by its own time (generated documents, signatures). */
    async calendarNow(): Promise<string> {
      return clock.now().toISOString();
    },

    /** Dates of tasks of a subject in `countryCode` (its Country Office's calendar), in order of `items`. */
    async scheduleDeadlines(input: { countryCode: string; items: DeadlineSpec[] }): Promise<TaskDeadline[]> {
      const office = await clock.office(input.countryCode);
      const now = clock.now();
      const out: TaskDeadline[] = [];
      for (const item of input.items) out.push(await one(item, office, now));
      return out;
    },
  };
}
