/**
 * What the task page does differently per programme: how it reads the task's subject, the
 * revision form (decision data `proposalChanges`) in which the owner changes the subject, the
 * fields and data of its own decisions and its context panels. Each programme's server module
 * (programmes/<programme>.ts) brings its entry; the page itself names no programme.
 */
import { programmeOfSubject, type SubjectType } from '../../domain/registry';
import { PROGRAMME_SERVERS } from '../../programmes';
import type { Body } from '../forms';
import type { HtmlValue } from '../html';
import type { FormState, PageCtx } from '../ui';
import type { ExpertRequestView, ProposalView, TaskView } from '../views';
import type { Schemas } from '../api-client';
import type { FormExtras } from './task-forms';

export interface TaskPageProgramme {
  /** The subject as the caller may see it. */
  subject(
    ctx: PageCtx,
    id: string,
  ): Promise<
    ProposalView | ExpertRequestView | Schemas['EventTravel'] | Schemas['Internship'] | Schemas['UnvAssignment']
  >;
  /** The revision form: its fields (from the values posted, else from the subject as it is), their labels, and the changes a posted form makes. */
  revisionFields(ctx: PageCtx, task: TaskView, values: Body, state: FormState, x: FormExtras): HtmlValue;
  revisionLabels(ctx: PageCtx): Record<string, string>;
  revisionChanges(
    ctx: PageCtx,
    task: { id: string; subjectId: string },
    body: Body,
  ): Promise<{ data: Record<string, unknown>; fields: string[] }>;
  /** The fields of its own decision data keys; undefined for the shared keys (the page's generic fields). */
  decisionFields?(ctx: PageCtx, dataKey: string | undefined, values: Body, state: FormState): HtmlValue | undefined;
  /** Its own data keys whose decision goes with the submitter's uploaded files. */
  decisionFiles?: readonly string[];
  /** The data a posted form of its own decision data keys makes; undefined for the shared keys. */
  decisionData?(dataKey: string | undefined, body: Body): Record<string, unknown> | undefined;
  /** The context panel of its task pages (shared kinds included), before the shared panels; undefined: the shared one. */
  contextPanel?(
    ctx: PageCtx,
    task: { kind: string; programme: string; subject: { title: string } },
    context: Record<string, unknown>,
  ): HtmlValue | undefined;
}

/** Rows added to a repeated group of the revision form by its "add a row" button. */
export const extraRows = (values: Body): number => (values._addRow ? 1 : 0);

/** The task page's entry for the programme of a subject type. */
export function taskPageProgramme(type: SubjectType): TaskPageProgramme {
  return PROGRAMME_SERVERS[programmeOfSubject(type).id].taskPage;
}
