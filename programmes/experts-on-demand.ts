import { createExpertRequestActivities } from '../activities/expert-request';
import { expertRequestRoutes } from '../api/routes/expert-requests';
import {
  expertRequestChanges,
  expertRequestFieldNames,
  expertRequestFormFields,
  expertRequestLabels,
  expertRequestValuesFrom,
  expertRequestValuesOf,
} from '../web/forms';
import { expertRequestPages } from '../web/pages/expert-requests';
import { extraRows } from '../web/pages/task-programmes';
import type { ProgrammeServerModule } from './server-module';

/** Experts on Demand: the Country Offices’ expert requests. */
export const EXPERTS_ON_DEMAND_SERVER = {
  activities: [createExpertRequestActivities],
  apiRoutes: [expertRequestRoutes],
  webPages: [expertRequestPages],
  taskPage: {
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
} satisfies ProgrammeServerModule;
