import { createCallActivities } from '../activities/call';
import { createProposalActivities } from '../activities/proposal';
import { callRoutes } from '../api/routes/calls';
import { draftRoutes } from '../api/routes/drafts';
import { proposalRoutes } from '../api/routes/proposals';
import {
  proposalChanges,
  proposalFieldNames,
  proposalFormFields,
  proposalLabels,
  proposalPayload,
  proposalValuesFrom,
  proposalValuesOf,
} from '../web/forms';
import { callPages } from '../web/pages/calls';
import { proposalPages } from '../web/pages/proposals';
import { extraRows } from '../web/pages/task-programmes';
import type { ProgrammeServerModule } from './server-module';

/** The Russian Challenge Fund: calls, proposals and their drafts. */
export const CHALLENGE_FUND_SERVER = {
  activities: [createProposalActivities, createCallActivities],
  apiRoutes: [callRoutes, proposalRoutes, draftRoutes],
  webPages: [proposalPages, callPages],
  taskPage: {
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
} satisfies ProgrammeServerModule;
