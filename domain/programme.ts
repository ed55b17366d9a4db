/**
 * What a programme declares about itself: one entry each in domain/registry.ts. Types only, so
 * the entries (pure data) can be read by workflows, activities, the API and the web app alike.
 */
import type { Language } from './roles';
import type { Outcome, Phase } from './phases';
import type { z } from 'zod';
import type { TaskKindSpec } from './task-kind';

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
 * - `same`: subjects whose column equals the user's attribute of the same name (an expert's own: `expertId`);
 * - `same: 'userId'`: subjects whose `column` (a user id of the programme's own table: the student who owns an
 *   application, the supervisor of its posting) is the user's own id: one person's subjects, not their
 *   institution's or country's;
 * - `tasks`: subjects on which the user has (or had) a task of one of `kinds`.
 */
/**
 * A task kind's name. Task kinds are merged from the entries (domain/tasks.ts `TASK_KINDS`), so an
 * entry names them as strings; domain/tasks.ts checks at compile time that each one exists.
 */
type TaskKindName = string;

export type ScopeRule =
  | { all: true }
  | { same: 'institutionId' | 'countryCode' | 'expertId' }
  | { same: 'userId'; column: string }
  | { tasks: readonly TaskKindName[] };

/**
 * How people come to hold a role and sign in: the sign-up, invitation and just-in-time code reads
 * this (domain/joining.ts), never a role name. Roles are named by their registry keys.
 */
export interface RoleJoining {
  /** Self-registration: the form a person fills in to get this role (none: the role is never self-made). */
  selfRegistration?: 'institution' | 'expert_profile';
  /** Who must approve a self-registration before its holder can act (an institution's proposals are submitted, a profile enters matching). */
  approvedBy?: string;
  /** Roles that may invite a person to this role (an institution's owner invites colleagues: scope 'inviter_institution'). */
  invitedBy: readonly string[];
  /** The scope an invitation must name: the inviter's own institution, or a country chosen by the inviter. */
  invitationScope?: 'inviter_institution' | 'country';
  /** A first OIDC sign-in may create the account when a configured claim maps to this role (staff only). */
  oidcJustInTime: boolean;
  /** Which sign-in a deployment offers this role (AUTH_MODE lists what runs). */
  signIn: readonly ('oidc' | 'email')[];
}

/** A role as a programme's entry brings it: the role in words and how it joins (the same in every programme that has it), and what it sees here. */
export interface RoleSpec {
  /** The role in words, as a sentence uses it ("invites you as a reviewer"). */
  label: Bilingual;
  /** The web app's words for it: its title (`role.*`), as the actor of an event (`actor.*`), as whom a subject waits for (`who.*`). */
  words: { role: Bilingual; actor: Bilingual; who: Bilingual };
  joining: RoleJoining;
  /**
   * A read-only role (the auditor): it reads what its scope shows and changes nothing. The API refuses
   * every write it sends (403) but those on its own account (sign-out, its tokens, terms, preferences).
   */
  readOnly?: true;
}

export interface ProgrammeRole extends RoleSpec {
  /** Which of this programme's subjects the role sees (api/scope.ts applies it). */
  scope: ScopeRule;
}

/**
 * Whom a side's messages reach by mail: the subject's owner, the Country Office of its country, the fund
 * managers, the selected expert, the supervisor the subject names (`messages.supervisorColumn`).
 */
export type MessageAudience = 'owner' | 'country_office' | 'fund_managers' | 'selected_expert' | 'supervisor';

/**
 * One side of a subject's message thread (domain/messages.ts): the roles that write for it and
 * whom its messages reach. A message is mailed to every side but its author's.
 */
export interface MessageSide {
  key: string;
  /** Role names of the registry (strings here: roles come from the entries that declare these sides). */
  roles: readonly string[];
  /** Who of the side gets the mails of the other sides; `selected_expert` also limits the side to that expert. */
  audience: readonly MessageAudience[];
  label: Bilingual;
}

export interface ResultIndicator {
  key: string;
  label: Bilingual;
  /** Where the figure comes from in the shared tables. */
  source:
    'evaluation_beneficiaries' | 'payments_total' | 'deliverables_accepted' | 'evaluation_rating' | 'subjects_closed';
}

/**
 * The documents a programme's subjects take (an entry without it takes none): its routes
 * `/<apiPath>/:id/documents` (operation ids `create<SubjectType>Documents`, `list<SubjectType>Documents`),
 * the documents card of its page and tasks, and message attachments read this.
 */
export interface DocumentsSpec {
  /** Roles that may attach files while the subject is open (each within its scope rule). */
  uploadBy: readonly string[];
  /** The expert selected for the subject (its `messages.selectedExpertColumn`) may attach files too. */
  selectedExpertUploads?: boolean;
  /** Roles that may list them (each within its scope rule). */
  readBy: readonly string[];
  /** Roles that open them only after declaring no conflict of interest in a submitted review of the subject. */
  afterReview?: readonly string[];
  /**
   * The document types the subject must hold: its call's list, or the programme's own (each from the
   * listed stages on, or always); absent, none.
   */
  requiredTypes?:
    | 'call'
    | readonly {
        type: string;
        fromStages?: readonly string[];
        /**
         * Task kinds that cannot be decided until the subject holds one that counts (scanned clean, or
         * released): the decision is refused with 400 at `data.documentIds`.
         */
        beforeTasks?: readonly string[];
      }[];
  /** The types its upload forms offer (absent: every uploadable type). */
  uploadTypes?: readonly string[];
}

/**
 * Where the results dashboard and its exports read a programme's figures in its subject table
 * (`t`): SQL expressions; a figure without one is NULL for the programme.
 */
export interface ResultColumns {
  /** USD cents the subject asks for (the funnel's money). */
  amount?: string;
  /** USD cents of co-financing (committed with the subject's signed contract). */
  coFinancing?: string;
  /** The party's name: the applicant institution, the national partner. */
  party?: string;
  /** The selection score. */
  score?: string;
  /** The thematic area's id. */
  thematicArea?: string;
  /** Figures of the programme's own on the dashboard (e.g. volunteers deployed, months served). */
  figures?: readonly ResultFigure[];
}

/**
 * A programme's own figure on the results dashboard: an SQL expression over its subject table `t`,
 * aggregated over the items the dashboard's filters and scope select.
 */
export interface ResultFigure {
  key: string;
  label: Bilingual;
  /** `sum`: the expression's values added up (NULL counts nothing); `distinct`: how many different non-NULL values it takes. */
  aggregate: 'sum' | 'distinct';
  /** How the value reads: a count, USD (the expression gives cents), or months. */
  unit: 'count' | 'usd' | 'months';
  /** May read `clock."today"`: the Clock's day (a date), for figures that run on to today. */
  sql: string;
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
  taskMails: Partial<Record<TaskKindName, Bilingual>>;
  /** The programme's own steps in a subject's history (audit actions the shared words do not name). */
  actions?: Readonly<Record<string, Bilingual>>;
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
  /** Every task kind it opens, in the order of its steps: the shared steps' kinds (domain/tasks.ts) and its own. */
  taskKinds: readonly string[];
  /** Its own task kinds (domain/programmes/<programme>-tasks.ts), merged into domain/tasks.ts `TASK_KINDS`. */
  ownTaskKinds: Readonly<Record<string, TaskKindSpec>>;
  /** The data shapes of its own decisions, merged into domain/tasks.ts `decisionData`. */
  decisionData: Readonly<Record<string, z.ZodType>>;
  /**
   * Stages in which the subject may be withdrawn, and by whom: the owner institution (any of its applicants),
   * the Country Office, the expert who owns it, or the one user who owns it (`owner_user`: the account the
   * workflow names as its owner, e.g. the student who applied, not their fellow students).
   */
  withdrawal: { stages: readonly S[]; by: 'owner_institution' | 'country_office' | 'owner_expert' | 'owner_user' };
  /** Its roles, keyed by role name: the roles of every entry together are domain/roles.ts ROLES. */
  roles: Readonly<Record<string, ProgrammeRole>>;
  resultIndicators: readonly ResultIndicator[];
  /** Where the results dashboard reads its money, party, score and thematic area (api/results-data.ts). */
  resultColumns: ResultColumns;
  /** The documents its subjects take; absent: none (no document routes, no documents card). */
  documents?: DocumentsSpec;
  /** The message thread every subject has: its sides, and the subject columns naming its owner and selected expert. */
  messages: {
    sides: readonly MessageSide[];
    ownerColumn: string;
    selectedExpertColumn?: string;
    /** The column naming the one staff member who follows the subject for its side (an internship's supervisor). */
    supervisorColumn?: string;
  };
  /** Its dictionary (domain/programmes/<programme>-words.ts). */
  labels: ProgrammeLabels<S>;
}
