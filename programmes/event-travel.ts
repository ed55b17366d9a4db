import { createEventTravelActivities } from '../activities/event-travel';
import { eventTravelRoutes } from '../api/routes/event-travel';
import { eventTravelPages } from '../web/pages/event-travel';
import { eventTravelApplyPages } from '../web/pages/event-travel-apply';
import { travelTaskContext } from '../web/pages/event-travel-context';
import {
  travelDecisionData,
  travelDecisionFields,
  travelRevisionChanges,
  travelRevisionFields,
  travelRevisionLabels,
} from '../web/pages/event-travel-forms';
import type { ProgrammeServerModule } from './server-module';

/** SDG event travel. */
export const EVENT_TRAVEL_SERVER = {
  activities: [createEventTravelActivities],
  apiRoutes: [eventTravelRoutes],
  webPages: [eventTravelApplyPages, eventTravelPages],
  taskPage: {
    subject: (ctx, id) => ctx.api.get('/event-travel/{id}', { params: { id } }),
    revisionFields: (ctx, task, values, state) =>
      travelRevisionFields(ctx as never, ((task.context ?? {}).application ?? {}) as object, values, state),
    revisionLabels: travelRevisionLabels,
    revisionChanges: async (ctx, task, body) => {
      const current = await ctx.api.get('/tasks/{id}', { params: { id: task.id } });
      return travelRevisionChanges(((current.context ?? {}).application ?? {}) as object, body);
    },
    decisionFields: (ctx, dataKey, values, state) => travelDecisionFields(ctx as never, dataKey, values, state),
    // The back-to-office report goes with its files: the proof of attendance is required (uploaded under Documents).
    decisionFiles: ['travelReport'],
    decisionData: travelDecisionData,
    contextPanel: travelTaskContext,
  },
} satisfies ProgrammeServerModule;
