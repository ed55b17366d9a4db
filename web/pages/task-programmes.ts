/**
 * What the task page does differently per programme: how it reads the task's subject, and the
 * revision form (decision data `proposalChanges`) in which the owner changes the subject. One
 * entry per programme of the registry; the page itself names no programme.
 */
import { programmeOfSubject, type Programme, type SubjectType } from '../../domain/registry';
import {
  expertRequestChanges,
  expertRequestFieldNames,
  expertRequestFormFields,
  expertRequestLabels,
  expertRequestValuesFrom,
  expertRequestValuesOf,
  proposalChanges,
  proposalFieldNames,
  proposalFormFields,
  proposalLabels,
  proposalPayload,
  proposalValuesFrom,
  proposalValuesOf,
  type Body,
} from '../forms';
import type { HtmlValue } from '../html';
import type { FormState, PageCtx } from '../ui';
import type { ExpertRequestView, ProposalView, TaskView } from '../views';
import type { Schemas } from '../api-client';
import { travelRevisionChanges, travelRevisionFields, travelRevisionLabels } from './event-travel-forms';
import type { FormExtras } from './task-forms';

export interface TaskPageProgramme {
  /** The subject as the caller may see it. */
  subject(
    ctx: PageCtx,
    id: string,
  ): Promise<ProposalView | ExpertRequestView | Schemas['EventTravel'] | Schemas['Internship']>;
  /** The revision form: its fields (from the values posted, else from the subject as it is), their labels, and the changes a posted form makes. */
  revisionFields(ctx: PageCtx, task: TaskView, values: Body, state: FormState, x: FormExtras): HtmlValue;
  revisionLabels(ctx: PageCtx): Record<string, string>;
  revisionChanges(
    ctx: PageCtx,
    task: { id: string; subjectId: string },
    body: Body,
  ): Promise<{ data: Record<string, unknown>; fields: string[] }>;
}

const extraRows = (values: Body) => (values._addRow ? 1 : 0);

const TASK_PAGE_PROGRAMMES: Record<Programme, TaskPageProgramme> = {
  challenge_fund: {
    subject: (ctx, id) => ctx.api.get('/proposals/{id}', { params: { id } }),
    revisionFields: (ctx, _task, values, state, x) => {
      const current = x.proposal;
      const v =
        values.decision || !current
          ? proposalValuesFrom(values)
          : proposalValuesOf({ ...current, callId: current.call?.id });
      return proposalFormFields(ctx, v, state, {
        areas: x.ref.areas,
        extraRows: values._addRow === 'budget' ? 0 : extraRows(values),
        extraBudgetRows: values._addRow === 'budget' ? 1 : 0,
      });
    },
    revisionLabels: proposalLabels,
    revisionChanges: async (ctx, task, body) => {
      const current = await ctx.api.get('/proposals/{id}', { params: { id: task.subjectId } });
      const v = proposalValuesFrom(body);
      return {
        data: proposalChanges(v, proposalPayload(proposalValuesOf({ ...current, callId: current.call?.id }))),
        fields: proposalFieldNames(v, 12),
      };
    },
  },
  experts_on_demand: {
    subject: (ctx, id) => ctx.api.get('/expert-requests/{id}', { params: { id } }),
    revisionFields: (ctx, task, values, state, x) => {
      const original = ((task.context ?? {}).request ?? x.request ?? {}) as Record<string, unknown>;
      const v = values.decision
        ? expertRequestValuesFrom(values)
        : expertRequestValuesOf({ ...original, countryCode: task.subject.countryCode });
      return expertRequestFormFields(ctx, v, state, { areas: x.ref.areas, extraRows: extraRows(values) });
    },
    revisionLabels: expertRequestLabels,
    revisionChanges: async (ctx, task, body) => {
      const current = await ctx.api.get('/tasks/{id}', { params: { id: task.id } });
      const original = ((current.context ?? {}).request ?? {}) as Record<string, unknown>;
      const v = expertRequestValuesFrom(body);
      return { data: expertRequestChanges(v, original), fields: expertRequestFieldNames(v) };
    },
  },
  event_travel: {
    subject: (ctx, id) => ctx.api.get('/event-travel/{id}', { params: { id } }),
    revisionFields: (ctx, task, values, state) =>
      travelRevisionFields(ctx as never, ((task.context ?? {}).application ?? {}) as object, values, state),
    revisionLabels: travelRevisionLabels,
    revisionChanges: async (ctx, task, body) => {
      const current = await ctx.api.get('/tasks/{id}', { params: { id: task.id } });
      return travelRevisionChanges(((current.context ?? {}).application ?? {}) as object, body);
    },
  },
  // Internships have no revision step: an application is decided as it was submitted.
  internships: {
    subject: (ctx, id) => ctx.api.get('/internships/{id}', { params: { id } }),
    revisionFields: () => '',
    revisionLabels: () => ({}),
    revisionChanges: () => Promise.resolve({ data: {}, fields: [] }),
  },
};

/** The task page's entry for the programme of a subject type. */
export function taskPageProgramme(type: SubjectType): TaskPageProgramme {
  return TASK_PAGE_PROGRAMMES[programmeOfSubject(type).id];
}
