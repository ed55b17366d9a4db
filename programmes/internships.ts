import { createInternshipActivities } from '../activities/internship';
import { internshipRoutes } from '../api/routes/internships';
import { internshipPages } from '../web/pages/internships';
import type { ProgrammeServerModule } from './server-module';

/** Internships. */
export const INTERNSHIPS_SERVER = {
  activities: [createInternshipActivities],
  apiRoutes: [internshipRoutes],
  webPages: [internshipPages],
  // Internships have no revision step: an application is decided as it was submitted.
  taskPage: {
    subject: (ctx, id) => ctx.api.get('/internships/{id}', { params: { id } }),
    revisionFields: () => '',
    revisionLabels: () => ({}),
    revisionChanges: () => Promise.resolve({ data: {}, fields: [] }),
  },
} satisfies ProgrammeServerModule;
