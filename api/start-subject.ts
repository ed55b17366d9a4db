import { WithStartWorkflowOperation, type Workflow, type WorkflowStartOptions } from '@temporalio/client';
import { programmeSpec, type Programme } from '../domain/registry';
import type { Stage } from '../domain/stages';
import { syncUpdate } from '../workflows/messages';
import { subjectSearchAttributes } from '../workflows/search-attributes';
import { withTemporalDeadline, type ApiContext } from './context';
import { subjectId } from './ids';
import type { AuthUser } from './types';

/**
 * Starts a subject's workflow (the programme's workflow type, `<prefix><id>` as its id) with
 * update-with-start, and answers once its read-model row exists, with its stage. The subject's id
 * comes from the caller's Idempotency-Key when it sent one (a retry starts nothing new), and
 * `input` makes the workflow's argument of it.
 */
export async function startSubjectWorkflow(
  ctx: ApiContext,
  programme: Programme,
  start: {
    user: AuthUser;
    idempotencyKey?: string;
    countryCode: string;
    input: (id: string) => unknown;
    /** What must hold under the subject's id before its workflow starts (e.g. its staged documents attached). */
    prepare?: (id: string) => Promise<void>;
  },
): Promise<{ status: 201; body: { id: string; workflowId: string; stage: Stage } }> {
  const id = subjectId(programmeSpec(programme).subjectIdPrefix, start.user.id, start.idempotencyKey);
  await start.prepare?.(id);
  return { status: 201, body: await startWorkflow(ctx, programme, { ...start, id, args: [start.input(id)] }) };
}

async function startWorkflow(
  ctx: ApiContext,
  programme: Programme,
  start: { id: string; args: [unknown]; countryCode: string; idempotencyKey?: string },
): Promise<{ id: string; workflowId: string; stage: Stage }> {
  const spec = programmeSpec(programme);
  const workflowId = `${spec.workflowIdPrefix}${start.id}`;
  const options = {
    workflowId,
    taskQueue: ctx.taskQueue,
    args: start.args,
    // Under an Idempotency-Key the id comes from the key: a re-run after a crash joins the
    // workflow the first attempt started (and never starts a second one after it closed).
    workflowIdReusePolicy: start.idempotencyKey ? 'REJECT_DUPLICATE' : undefined,
    typedSearchAttributes: subjectSearchAttributes(programme, spec.stages[0].name, start.countryCode),
  } as WorkflowStartOptions<Workflow>;
  const operation = new WithStartWorkflowOperation<Workflow>(spec.workflowType, {
    ...options,
    workflowIdConflictPolicy: start.idempotencyKey ? 'USE_EXISTING' : 'FAIL',
  });
  const { stage } = await withTemporalDeadline(ctx, () =>
    ctx.temporal.workflow.executeUpdateWithStart(syncUpdate, { startWorkflowOperation: operation }),
  );
  return { id: start.id, workflowId, stage };
}
