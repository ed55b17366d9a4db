/**
 * What a programme declares about itself: one entry each in domain/registry.ts. Types only, so
 * the entries (pure data) can be read by workflows, activities, the API and the web app alike.
 */
import type { Language, Role } from './roles';
import type { Outcome, Phase } from './phases';
import type { TaskKind } from './tasks';

export type Bilingual = Record<Language, string>;

/** A stage's label: its name (badges, tables) and the phrase a mail sentence uses. */
export interface StageLabel {
  name: Bilingual;
  phrase: Bilingual;
}
export type StageLabelOverride = Partial<StageLabel>;

/** One stage of a programme's own list, and the shared phase it belongs to. */
export interface StageSpec<S extends string = string> {
  name: S;
  phase: Phase;
}

/** A stage list that follows the shared phases one to one, each stage named after its phase. */
export function phaseStages<const P extends Phase>(...phases: P[]): readonly { name: P; phase: P }[] {
  return phases.map((phase) => ({ name: phase, phase }));
}

/**
 * Which subjects a role may read (and act on) in a programme:
 * - `all`: every subject;
 * - `same`: subjects whose `column` equals the user's attribute of the same name;
 * - `tasks`: subjects on which the user has (or had) a task of one of `kinds`.
 */
export type ScopeRule = { all: true } | { same: 'institutionId' | 'countryCode' } | { tasks: readonly TaskKind[] };

/** How accounts of a role come to exist. */
export type AccountOrigin = { selfRegistration: true } | { invitedBy: Role } | { createdWhen: string };

export interface ProgrammeRole {
  scope: ScopeRule;
  accounts: AccountOrigin;
}

export interface ResultIndicator {
  key: string;
  label: Bilingual;
  /** Where the figure comes from in the shared tables. */
  source: 'evaluation_beneficiaries' | 'payments_total' | 'deliverables_accepted' | 'evaluation_rating';
}

/** A programme's dictionary: its words, English and Russian, used by the API, the web app and the mails alike. */
export interface ProgrammeLabels<S extends string = string> {
  name: Bilingual;
  /** The subject in words ("Proposal"), and the link to it in mails ("Open the proposal"). */
  subject: Bilingual;
  openSubject: Bilingual;
  /** What a payment is for: the word in a sentence and the field label ("milestone" / "Milestone"). */
  paymentItem: { word: Bilingual; field: Bilingual };
  /** Stage labels that differ from their phase's (domain/stage-labels.ts). */
  stages?: Partial<Record<S, StageLabelOverride>>;
  /** What the subject waits for in each active stage while no task of it is open. */
  waiting: Partial<Record<S, Bilingual>>;
  /**
   * What a task of each of the programme's own kinds asks of its assignee: one sentence in its
   * mail (the kinds of the shared steps: domain/programmes/shared.ts).
   */
  taskMails: Partial<Record<TaskKind, Bilingual>>;
}

export interface ProgrammeSpec<P extends string = string, T extends string = string, S extends string = string> {
  id: P;
  /** The subject type every shared table (tasks, audit, contracts…) keys on. */
  subjectType: T;
  /** The programme's own subject table (its model in prisma/schema/<programme>.prisma). */
  subjectTable: string;
  /** Workflow type exported from workflows/index.ts, and the prefixes of workflow and subject ids. */
  workflowType: string;
  workflowIdPrefix: string;
  subjectIdPrefix: string;
  /** Collection segment of the API (`/proposals`) and of the web app (`/app/proposals`). */
  apiPath: string;
  /** Active stages in order, each mapped to a phase (a programme may skip phases). */
  stages: readonly StageSpec<S>[];
  /** Terminal stages, each mapped to a shared outcome. The one mapped to `closed` follows the last active stage. */
  endings: Readonly<Record<string, Outcome>>;
  taskKinds: readonly TaskKind[];
  /** Stages in which the subject may be withdrawn, and by whom (the owner institution or the Country Office). */
  withdrawal: { stages: readonly S[]; by: 'owner_institution' | 'country_office' };
  roles: Partial<Record<Role, ProgrammeRole>>;
  resultIndicators: readonly ResultIndicator[];
  /** Its dictionary (domain/programmes/<programme>-words.ts). */
  labels: ProgrammeLabels<S>;
}
