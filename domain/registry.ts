/**
 * The programme registry: every programme the engine runs, one entry each (domain/programmes/).
 * The API routes, the web app, the pipeline, the search attributes, reconcile and the bench read
 * it instead of naming programmes. Adding a programme: docs/adding-a-programme.md.
 */
import type { Actor, Language } from './roles';
import type { Bilingual, DocumentsSpec, ProgrammeSpec, RoleSpec, StageLabel } from './programme';
import { CHALLENGE_FUND } from './programmes/challenge-fund';
import { EXPERTS_ON_DEMAND } from './programmes/experts-on-demand';
import { EVENT_TRAVEL } from './programmes/event-travel';
import { INTERNSHIPS } from './programmes/internships';
import { SHARED_TASK_MAILS } from './programmes/shared';
import { UN_VOLUNTEERS } from './programmes/un-volunteers';
import { PHASE_AND_OUTCOME_LABELS } from './stage-labels';
import type { Outcome, Phase } from './stages';
import type { TaskKind } from './tasks';

export const PROGRAMME_LIST = [CHALLENGE_FUND, EXPERTS_ON_DEMAND, EVENT_TRAVEL, INTERNSHIPS, UN_VOLUNTEERS] as const;

type Entry = (typeof PROGRAMME_LIST)[number];
type Distribute<E> = E extends Entry ? E['stages'][number]['name'] | keyof E['endings'] : never;
export type Programme = Entry['id'];
export type SubjectType = Entry['subjectType'];
/** A stage of any programme: its own active stages and terminal stages. */
export type Stage = Distribute<Entry>;

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

export const PROGRAMMES = PROGRAMME_LIST.map((p) => p.id) as unknown as readonly [Programme, ...Programme[]];
export const SUBJECT_TYPES = PROGRAMME_LIST.map((p) => p.subjectType) as unknown as readonly [
  SubjectType,
  ...SubjectType[],
];
/** Every stage name of every programme: active ones first, then terminal ones. */
export const STAGES = unique<Stage>([
  ...PROGRAMME_LIST.flatMap((p) => p.stages.map((s) => s.name as Stage)),
  ...PROGRAMME_LIST.flatMap((p) => Object.keys(p.endings) as Stage[]),
]) as unknown as readonly [Stage, ...Stage[]];
export const TERMINAL_STAGE_NAMES: ReadonlySet<string> = new Set(PROGRAMME_LIST.flatMap((p) => Object.keys(p.endings)));

/** Each role's words for the web app (`role.*`, `actor.*`, `who.*`), as the entries declare it. */
export const ROLE_WORDS: Readonly<Record<string, RoleSpec['words']>> = Object.fromEntries(
  PROGRAMME_LIST.flatMap((p) =>
    Object.entries(p.roles as Record<string, RoleSpec>).map(([role, r]) => [role, r.words]),
  ),
);

const BY_ID = new Map<string, ProgrammeSpec>(PROGRAMME_LIST.map((p) => [p.id, p]));
const BY_SUBJECT = new Map<string, ProgrammeSpec>(PROGRAMME_LIST.map((p) => [p.subjectType, p]));

export function programmeSpec(id: Programme): ProgrammeSpec {
  return BY_ID.get(id)!;
}

/** The documents the subject type's programme takes, or undefined when its subjects take none. */
export function documentsOf(type: string): DocumentsSpec | undefined {
  return BY_SUBJECT.get(type)?.documents;
}

/** The programmes whose subjects take documents. */
export const PROGRAMMES_WITH_DOCUMENTS: readonly (ProgrammeSpec & { documents: DocumentsSpec })[] =
  PROGRAMME_LIST.filter((p): p is Entry & { documents: DocumentsSpec } => 'documents' in p);

export function isProgramme(id: string): id is Programme {
  return BY_ID.has(id);
}

export function programmeOfSubject(type: SubjectType): ProgrammeSpec & { id: Programme; subjectType: SubjectType } {
  return BY_SUBJECT.get(type)! as ProgrammeSpec & { id: Programme; subjectType: SubjectType };
}

/** The programme and subject id behind a workflow id (`proposal-p-…`), or undefined. */
export function subjectOfWorkflowId(
  workflowId: string,
): { programme: Programme; type: SubjectType; id: string } | undefined {
  for (const p of PROGRAMME_LIST) {
    if (workflowId.startsWith(p.workflowIdPrefix))
      return { programme: p.id, type: p.subjectType, id: workflowId.slice(p.workflowIdPrefix.length) };
  }
  return undefined;
}

export function workflowIdFor(subjectType: SubjectType, id: string): string {
  return `${programmeOfSubject(subjectType).workflowIdPrefix}${id}`;
}

/** The shared phase of an active stage, or the outcome of a terminal one. */
export function phaseOf(programme: Programme, stage: string): Phase | Outcome | undefined {
  const spec = programmeSpec(programme);
  return spec.stages.find((s) => s.name === stage)?.phase ?? spec.endings[stage];
}

/** The programme's stages in `phase` (or its terminal stages with that outcome). */
export function stagesInPhase(programme: Programme, phase: Phase | Outcome): string[] {
  const spec = programmeSpec(programme);
  return [
    ...spec.stages.filter((s) => s.phase === phase).map((s) => s.name),
    ...Object.keys(spec.endings).filter((e) => spec.endings[e] === phase),
  ];
}

/** The phases a programme goes through, in order, then the outcomes it can end in (closed first). */
export function phasesOf(programme: Programme): { phases: Phase[]; outcomes: Outcome[] } {
  const spec = programmeSpec(programme);
  const outcomes = unique(Object.values(spec.endings));
  return {
    phases: unique(spec.stages.map((s) => s.phase)),
    outcomes: [...outcomes.filter((o) => o === 'closed'), ...outcomes.filter((o) => o !== 'closed')],
  };
}

/** Forward to the next stage of the programme's list; from the last, to the terminal stage that closes it; any active stage may end in another terminal stage. */
export function canTransition(programme: Programme, from: string, to: string): boolean {
  const spec = programmeSpec(programme);
  const i = spec.stages.findIndex((s) => s.name === from);
  if (i < 0) return false;
  const outcome = spec.endings[to];
  if (outcome) return outcome !== 'closed' || i === spec.stages.length - 1;
  return spec.stages[i + 1]?.name === to;
}

/** Why an Update is refused, typed: the workflow maps the code to its failure type, the API to a status. */
export interface Refusal {
  code: 'forbidden' | 'not_allowed_now' | 'invalid';
  message: string;
}

/** Whether `actor` may withdraw the subject now (the programme's withdrawal rule), or why not. */
export function withdrawalRefusal(
  programme: Programme,
  actor: Actor,
  stage: string,
  owner: { institutionId?: string | null; countryCode: string; expertId?: string | null; userId?: string | null },
): Refusal | null {
  const { withdrawal } = programmeSpec(programme);
  if (
    withdrawal.by === 'owner_institution' &&
    !(actor.role === 'applicant' && actor.institutionId === owner.institutionId)
  ) {
    return { code: 'forbidden', message: 'only the applicant institution may withdraw' };
  }
  if (
    withdrawal.by === 'country_office' &&
    !(actor.role === 'co_approver' && actor.countryCode === owner.countryCode)
  ) {
    return { code: 'forbidden', message: `only a co_approver of the ${owner.countryCode} Country Office may withdraw` };
  }
  if (
    withdrawal.by === 'owner_expert' &&
    !(actor.role === 'expert' && !!actor.expertId && actor.expertId === owner.expertId)
  )
    return { code: 'forbidden', message: 'only the expert who applied may withdraw' };
  if (withdrawal.by === 'owner_user' && !(!!owner.userId && actor.userId === owner.userId))
    return { code: 'forbidden', message: 'only the person who applied may withdraw' };
  return withdrawal.stages.includes(stage)
    ? null
    : { code: 'not_allowed_now', message: `cannot withdraw in stage ${stage}; ask the fund manager to cancel` };
}

/** A stage in words: the programme's own label where it has one, else its phase's or outcome's. */
export function stageLabel(
  stage: string,
  language: Language,
  form: keyof StageLabel = 'name',
  programme?: Programme,
): string | undefined {
  const own = programme
    ? (programmeSpec(programme).labels.stages as Record<string, Partial<StageLabel>> | undefined)?.[stage]?.[form]
    : undefined;
  if (own) return own[language];
  // A task's stage is its kind's phase, which a programme's own stage list may not name (event travel's `selection`).
  const phase = (programme ? phaseOf(programme, stage) : undefined) ?? (stage as Phase | Outcome);
  return (phase && PHASE_AND_OUTCOME_LABELS[phase]?.[form][language]) ?? undefined;
}

/** What the subject waits for in `stage` while no task of it is open, from the programme's dictionary. */
export function waitingPhrase(programme: Programme, stage: string, language: Language): string | undefined {
  return (programmeSpec(programme).labels.waiting as Record<string, Bilingual | undefined>)[stage]?.[language];
}

/**
 * What a task of each kind asks of its assignee (one sentence in its mail): the shared steps' kinds
 * and each programme's own, merged from the dictionaries. A kind worded twice, or a kind (or a
 * stage's waiting phrase) worded nowhere, is an error at load.
 */
export const TASK_MAIL_PURPOSE: Readonly<Record<TaskKind, Bilingual>> = (() => {
  const merged: Partial<Record<TaskKind, Bilingual>> = { ...SHARED_TASK_MAILS };
  for (const p of PROGRAMME_LIST) {
    for (const [kind, words] of Object.entries(p.labels.taskMails) as [TaskKind, Bilingual][]) {
      if (merged[kind]) throw new Error(`task kind ${kind} is worded twice (${p.id})`);
      merged[kind] = words;
    }
  }
  const missing: string[] = [];
  for (const p of PROGRAMME_LIST) {
    missing.push(...p.taskKinds.filter((kind) => !merged[kind]));
    for (const { name } of p.stages) if (!(name in p.labels.waiting)) missing.push(`${p.id} waiting in ${name}`);
  }
  if (missing.length) throw new Error(`missing from the programmes' dictionaries: ${missing.join(', ')}`);
  return merged as Record<TaskKind, Bilingual>;
})();
