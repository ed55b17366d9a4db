import type { NotificationRequest } from './notifications';
import type { Actor, Role } from './roles';
import type { Programme, Stage, SubjectType } from './stages';
import type { TaskKind } from './tasks';
import type { EventTravelRowInit } from './event-travel';
import type { InternshipRowInit } from './internship';

/**
 * A step of a lifecycle as the read model sees it: everything one workflow step changed,
 * applied by the `commitSteps` activity in ONE transaction, keyed by `<workflowId>:<seq>`
 * so a retried activity applies it once.
 */
export interface SubjectRef {
  type: SubjectType;
  id: string;
  programme: Programme;
  countryCode: string;
  title: string;
}

/**
 * Whom a task waits for: one named user; else the members of `assigneeRole` in one institution
 * (the applicant side of a proposal: colleagues work on it together); else anyone of the role,
 * in `assigneeCountryCode` when set.
 */
export interface TaskAssignee {
  assigneeUserId?: string | null;
  assigneeRole: string;
  assigneeCountryCode?: string | null;
  assigneeInstitutionId?: string | null;
}

/**
 * Whether the task waits for `actor`: the one rule the workflow's decision validator, the API's
 * scope, the task lists and the web app apply (exclusions are checked beside it).
 */
export function isTaskAssignee(
  task: TaskAssignee,
  actor: Pick<Actor, 'userId' | 'role' | 'countryCode' | 'institutionId'>,
): boolean {
  if (task.assigneeUserId) return task.assigneeUserId === actor.userId;
  if (task.assigneeRole !== actor.role) return false;
  if (task.assigneeInstitutionId) return !!actor.institutionId && actor.institutionId === task.assigneeInstitutionId;
  return !task.assigneeCountryCode || task.assigneeCountryCode === actor.countryCode;
}

export interface TaskRow extends TaskAssignee {
  id: string;
  kind: TaskKind;
  stage: Stage;
  assigneeRole: Role;
  title: string;
  dueAt?: string | null;
  remindAt?: string | null;
  context?: Record<string, unknown> | null;
  /** Users who may not decide it although their role fits (the kernel's TaskSpec.excludeUserIds). */
  excludeUserIds?: string[];
}

export interface TaskClose {
  id: string;
  status: 'done' | 'cancelled';
  decision?: string | null;
  comment?: string | null;
  data?: Record<string, unknown> | null;
  decidedById?: string | null;
}

export interface AuditEntry {
  action: string;
  actorId?: string | null;
  actorRole?: string | null;
  fromStage?: string | null;
  toStage?: string | null;
  comment?: string | null;
  data?: Record<string, unknown> | null;
  requestId?: string | null;
}

export interface ProposalRowInit {
  callId: string;
  institutionId: string;
  applicantId: string;
  summary: string;
  nationalPartner: Record<string, unknown>;
  sdgs: number[];
  thematicAreaId: string;
  /** Budget line items; null for a proposal submitted with the two totals only. */
  budget?: unknown[];
  requestedAmountCents: number;
  coFinancingCents: number;
  durationMonths: number;
  innovation: string;
  expectedResults: string;
  milestones: unknown[];
}

export interface ExpertRequestRowInit {
  requesterId: string;
  nationalPartner: Record<string, unknown>;
  objectives: string;
  deliverables: unknown[];
  modality: string;
  workingDays: number;
  /** ISO timestamp of the day (a date column). */
  startDate: string;
  endDate: string;
  languages: string[];
  thematicAreaId: string;
  sdgs: number[];
  destination?: string | null;
  travelDays?: number | null;
  perDiemUsd?: number | null;
  contractValueCents: number;
}

/** The programme-specific columns of a new subject row. */
export type SubjectRowInit = ProposalRowInit | ExpertRequestRowInit | EventTravelRowInit | InternshipRowInit;

/** Subject fields a step may change (never id, institution, country or stage directly): the columns of both programmes' tables. */
export interface SubjectPatch {
  title?: string;
  findings?: unknown;
  outcome?: string | null;
  // Challenge Fund (Proposal)
  summary?: string;
  nationalPartner?: Record<string, unknown>;
  sdgs?: number[];
  thematicAreaId?: string;
  budget?: unknown[];
  requestedAmountCents?: number;
  coFinancingCents?: number;
  durationMonths?: number;
  innovation?: string;
  expectedResults?: string;
  milestones?: unknown[];
  weightedScore?: number | null;
  passMarkMet?: boolean | null;
  // Experts on Demand (ExpertRequest)
  objectives?: string;
  deliverables?: unknown[];
  modality?: string;
  workingDays?: number;
  /** ISO timestamp of the day (a date column). */
  startDate?: string;
  endDate?: string;
  languages?: string[];
  destination?: string | null;
  travelDays?: number | null;
  perDiemUsd?: number | null;
  dailySubsistenceUsd?: number | null;
  contractValueCents?: number;
  shortlist?: unknown;
  selectedExpertId?: string | null;
  // SDG event travel (EventTravel)
  eventName?: string;
  eventCity?: string;
  eventStartDate?: string;
  eventEndDate?: string;
  role?: string;
  departureDate?: string;
  returnDate?: string;
  application?: unknown;
  estimateCents?: number;
  approvedCosts?: unknown;
  approvedCents?: number | null;
  advanceCents?: number | null;
  settlement?: unknown;
  report?: unknown;
  // Internships (Internship)
  stipend?: unknown;
  funderSharePct?: number | null;
  funderName?: string | null;
  interview?: unknown;
  monthsServed?: number;
}

export interface ReviewRow {
  reviewerId: string;
  taskId: string;
  coi: 'none' | 'conflict';
  scores?: Record<string, number> | null;
  total?: number | null;
  comment?: string | null;
}

export interface ContractRow {
  kind: 'grant' | 'individual_contract' | 'travel_authorisation' | 'internship_agreement';
  partyName: string;
  valueCents: number;
  tranches: { seq: number; pct: number; amountCents: number; milestone: string }[];
  status: 'awaiting_signatures' | 'signed' | 'declined';
  policyFindings?: unknown;
  exceptionNote?: string | null;
  signatures: Record<string, { by: string; at: string }>;
}

export interface DeliverableRow {
  seq: number;
  title: string;
  dueDate: string;
  amountCents: number;
  status: 'pending' | 'submitted' | 'revision_requested' | 'accepted';
  report?: string | null;
}

export interface PaymentRow {
  seq: number;
  deliverableSeq?: number | null;
  payee: string;
  amountCents: number;
}

export interface EvaluationRow {
  evaluatorId: string;
  kind: string;
  ratings: Record<string, number>;
  narrative: string;
  beneficiaries?: number | null;
}

export interface StepCommit {
  workflowId: string;
  seq: number;
  /** Workflow time of the step (deterministic), ISO string. */
  at: string;
  subject: SubjectRef;
  /** The subject's row, created with the step (its programme's own columns; the base ones come from `subject`). */
  create?: SubjectRowInit;
  stage?: { from: Stage | null; to: Stage };
  patch?: SubjectPatch;
  openTasks?: TaskRow[];
  closeTasks?: TaskClose[];
  flagTasks?: { id: string; reminded?: boolean; overdue?: boolean }[];
  /** Open tasks whose dates moved (a no-cost extension): reminder and escalation start over. */
  retimeTasks?: { id: string; dueAt: string | null; remindAt: string | null }[];
  /** Open tasks handed to another person (domain/reassignment.ts). */
  reassignTasks?: { id: string; assigneeUserId: string }[];
  audit?: AuditEntry[];
  reviews?: ReviewRow[];
  contract?: ContractRow;
  deliverables?: DeliverableRow[];
  /** Deliverables (milestones) whose due date moved (a no-cost extension). */
  deliverableDates?: { seq: number; dueDate: string }[];
  payments?: PaymentRow[];
  evaluations?: EvaluationRow[];
  /** A finished assignment's rating folded into the roster profile (running average). */
  expertRating?: { expertId: string; rating: number };
  notifications?: NotificationRequest[];
  /** Posted on the subject's thread with the step (a request for changes opens with the Country Office's message); not mailed. */
  messages?: { authorId: string; authorRole: Role; body: string }[];
}

export interface StepResult {
  applied: boolean;
  outboxKeys: string[];
}
