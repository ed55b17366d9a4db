/**
 * What a programme declares about itself: one entry each in domain/registry.ts. Types only, so
 * the entries (pure data) can be read by workflows, activities, the API and the web app alike.
 */
import type { Language, Role } from './roles';
import type { Outcome, Phase } from './stages';
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
  labels: {
    name: Bilingual;
    /** The subject in words ("Proposal"), and the link to it in mails ("Open the proposal"). */
    subject: Bilingual;
    openSubject: Bilingual;
    /** What a payment is for: the word in a sentence and the field label ("milestone" / "Milestone"). */
    paymentItem: { word: Bilingual; field: Bilingual };
    /** Stage labels that differ from their phase's (domain/stage-labels.ts). */
    stages?: Partial<Record<S, StageLabelOverride>>;
  };
}
