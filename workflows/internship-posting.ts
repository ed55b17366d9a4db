/**
 * An internship posting (`internship-posting-<id>`): a Country Office's placement offer. Open until
 * its application deadline (a durable timer at the end of that day, Country Office calendar,
 * re-armed when the deadline is extended); filled when its last place is taken (the applications'
 * workflows take places through the database in the order of selection and tell it); or withdrawn.
 * When it fills or is withdrawn, the applications still waiting for a place are told: they end
 * not selected.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PostingFields, PostingStatus } from '../domain/internship';
import type { Actor } from '../domain/roles';
import {
  extendPostingUpdate,
  placeTakenSignal,
  postingEndedSignal,
  postingReadyUpdate,
  postingStateQuery,
  withdrawPostingUpdate,
  type PostingView,
} from './internship-messages';
import { FAILURE } from './messages';

const { saveInternshipPosting, internshipPostingDeadline, internshipsWaiting } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '10 seconds' },
});

export interface InternshipPostingInput {
  postingId: string;
  createdById: string;
  /** The Country Office approver who supervises it (the API names one: the poster, or the one the posting names). */
  supervisorUserId?: string;
  fields: PostingFields;
}

function refuse(type: string, message: string, path?: string): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: true,
    details: path ? [[{ path, message }]] : undefined,
  });
}

/** Who may change a posting: the Country Office of its country, or a fund manager. */
function mayManage(actor: Actor, countryCode: string): boolean {
  return actor.role === 'fund_manager' || (actor.role === 'co_approver' && actor.countryCode === countryCode);
}

export async function internshipPostingWorkflow(input: InternshipPostingInput): Promise<PostingStatus> {
  const { fields, postingId } = input;
  const { workflowId } = workflowInfo();
  let status: PostingStatus = 'open';
  let deadline = fields.applicationDeadline;
  let extensions = 0;
  let placesFilled = 0;
  let withdrawal: { actor: Actor; reason: string } | undefined;
  let version = 0;
  let saved = false;

  const view = (): PostingView => ({
    postingId,
    status,
    applicationDeadline: deadline,
    extensions,
    places: fields.places,
    placesFilled,
  });
  const save = () =>
    saveInternshipPosting({
      postingId,
      workflowId,
      fields,
      createdById: input.createdById,
      supervisorUserId: input.supervisorUserId,
      status,
      applicationDeadline: deadline,
      extensions,
    });

  setHandler(postingStateQuery, view);
  setHandler(postingReadyUpdate, async () => {
    await condition(() => saved);
    return view();
  });
  setHandler(placeTakenSignal, ({ placeSeq }) => {
    placesFilled = Math.max(placesFilled, placeSeq);
  });
  setHandler(
    extendPostingUpdate,
    async ({ applicationDeadline }) => {
      deadline = applicationDeadline;
      extensions++;
      version++;
      await save();
      return view();
    },
    {
      validator: ({ actor, applicationDeadline }) => {
        if (!mayManage(actor, fields.countryCode))
          throw refuse(
            FAILURE.forbidden,
            `only the ${fields.countryCode} Country Office or a fund manager may extend it`,
          );
        if (status !== 'open') throw refuse(FAILURE.notAllowedNow, `the posting is ${status}`);
        if (applicationDeadline <= deadline)
          throw refuse(FAILURE.invalidInput, `must be after the current deadline (${deadline})`, 'applicationDeadline');
        if (applicationDeadline > fields.startWindowFrom)
          throw refuse(FAILURE.invalidInput, 'must be on or before the start window opens', 'applicationDeadline');
      },
    },
  );
  setHandler(
    withdrawPostingUpdate,
    async (w) => {
      withdrawal = w;
      await condition(() => status === 'withdrawn');
      return view();
    },
    {
      validator: ({ actor, reason }) => {
        if (!mayManage(actor, fields.countryCode))
          throw refuse(
            FAILURE.forbidden,
            `only the ${fields.countryCode} Country Office or a fund manager may withdraw it`,
          );
        if (status === 'withdrawn' || status === 'filled' || withdrawal)
          throw refuse(FAILURE.notAllowedNow, `the posting is ${withdrawal ? 'being withdrawn' : status}`);
        if (!reason.trim()) throw refuse(FAILURE.invalidInput, 'give a reason', 'reason');
      },
    },
  );

  await save();
  saved = true;
  // Open: until the deadline (re-armed on extension), the last place, or a withdrawal.
  while (status === 'open') {
    const seen = version;
    const due = await internshipPostingDeadline({ countryCode: fields.countryCode, day: deadline });
    const wait = Math.max(1, Date.parse(due.timers.dueAt) - Date.now());
    const woke = await condition(
      () => version !== seen || withdrawal !== undefined || placesFilled >= fields.places,
      wait,
    );
    if (withdrawal) status = 'withdrawn';
    else if (placesFilled >= fields.places) status = 'filled';
    else if (!woke) status = 'closed';
  }
  await save();
  // Selection goes on after the deadline until the places are filled, it is withdrawn, or the start
  // window has passed (it then stays closed, its places unfilled).
  if (status === 'closed') {
    const end = await internshipPostingDeadline({ countryCode: fields.countryCode, day: fields.startWindowTo });
    const ended = await condition(
      () => withdrawal !== undefined || placesFilled >= fields.places,
      Math.max(1, Date.parse(end.timers.dueAt) - Date.now()),
    );
    if (ended) {
      status = withdrawal ? 'withdrawn' : 'filled';
      await save();
    }
  }
  if (status === 'closed') {
    await condition(allHandlersFinished);
    return status;
  }
  // Those still waiting for a place are told (a finished application ignores it).
  for (const id of await internshipsWaiting({ postingId })) {
    try {
      await getExternalWorkflowHandle(id).signal(postingEndedSignal, {
        status: status as 'filled' | 'withdrawn',
        reason: withdrawal?.reason,
      });
    } catch {
      // The application finished meanwhile: nothing to tell.
    }
  }
  await condition(allHandlersFinished);
  return status;
}
