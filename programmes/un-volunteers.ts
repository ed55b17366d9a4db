import { createUnVolunteersActivities } from '../activities/un-volunteers';
import { unVolunteersRoutes } from '../api/routes/un-volunteers';
import { unVolunteersPages } from '../web/pages/un-volunteers';
import { unvDecisionData, unvDecisionFields, unvTaskContext } from '../web/pages/un-volunteers-forms';
import type { ProgrammeServerModule } from './server-module';

/** UN Volunteers, fully funded. */
export const UN_VOLUNTEERS_SERVER = {
  activities: [createUnVolunteersActivities],
  apiRoutes: [unVolunteersRoutes],
  webPages: [unVolunteersPages],
  // No revision step: the host withdraws and requests again.
  taskPage: {
    subject: (ctx, id) => ctx.api.get('/unv-assignments/{id}', { params: { id } }),
    revisionFields: () => '',
    revisionLabels: () => ({}),
    revisionChanges: async () => ({ data: {}, fields: [] }),
    decisionFields: (ctx, dataKey, values, state) => unvDecisionFields(ctx as never, dataKey, values, state),
    decisionData: unvDecisionData,
    contextPanel: (ctx, task, c) => unvTaskContext(ctx, task.kind, c),
  },
} satisfies ProgrammeServerModule;
