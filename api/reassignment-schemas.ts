import { z } from 'zod';
import { STAGES } from '../domain/stages';
import { TASK_KIND_NAMES } from '../domain/tasks';
import { text } from '../domain/schemas';
import { requestBody, responseBody } from './contract';

/** Reassigning open tasks (domain/reassignment.ts): the request, its answer, who may receive a task, a person's open tasks. */
export const reassignmentBodySchema = requestBody(
  'TaskReassignment',
  z
    .object({
      toUserId: z.string().min(1).max(100).describe('The person who takes the task over (GET /tasks/{id}/candidates)'),
      reason: text(2000).optional().describe('Why (kept in the audit trail)'),
    })
    .strict(),
  { toUserId: 'u-reviewer-3', reason: 'Olga Lebedeva asked for her data to be erased.' },
);

export const reassignedSchema = responseBody(
  'TaskReassigned',
  z.strictObject({ taskId: z.string(), assigneeUserId: z.string(), stage: z.enum(STAGES) }),
);

export const candidateListSchema = responseBody(
  'ReassignmentCandidates',
  z.strictObject({
    items: z.array(z.strictObject({ id: z.string(), name: z.string(), email: z.string() })),
  }),
);

export const personOpenTasksSchema = responseBody(
  'PersonOpenTasks',
  z.strictObject({
    items: z.array(
      z.strictObject({
        id: z.string(),
        kind: z.enum(TASK_KIND_NAMES),
        label: z.string().describe("The task kind's name in the caller's language"),
        title: z.string(),
        subjectType: z.string(),
        subjectId: z.string(),
        dueAt: z.iso.datetime().nullable(),
        reassignable: z.boolean().describe('Whether the caller may hand it to someone else'),
        whyNot: z.string().nullable().describe('Why it cannot be reassigned (by the caller), when it cannot'),
      }),
    ),
  }),
);
