/**
 * The lifecycle kernel both programme workflows share: human tasks as Updates with
 * synchronous validators, SLA reminders and escalations, stage transitions, audit,
 * read-model commits and notification delivery. Deterministic: workflow APIs only.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DeadlineSpec, TaskDeadline } from '../domain/deadline-rules';
import type { NotificationRequest, NotificationTemplate, Recipient } from '../domain/notifications';
import type { Reason } from '../domain/policy/findings';
import { cancellationRefusal } from '../domain/cancellation';
import { reassignProblems, reassignRefusal } from '../domain/reassignment';
import { withdrawalRefusal, type Refusal } from '../domain/registry';
import type { Actor } from '../domain/roles';
import { canTransition, isTerminal, type Programme, type Stage, type SubjectType } from '../domain/stages';
import { isTaskAssignee, type AuditEntry, type StepCommit, type SubjectRef, type TaskRow } from '../domain/steps';
import { checkDecisionShape, TASK_KINDS, type DecisionProblem, type TaskKind } from '../domain/tasks';
import {
  cancelUpdate,
  decideUpdate,
  FAILURE,
  reassignUpdate,
  stateQuery,
  syncUpdate,
  withdrawUpdate,
  type CancelInput,
  type DecideInput,
  type HistoryEntry,
  type LifecycleView,
  type ReassignInput,
  type TaskView,
  type WithdrawInput,
} from './messages';
import { subjectSearchAttributes } from './search-attributes';

const COMMIT_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
} as const;
/**
 * Read-model commits are batched: the steps a workflow takes between two waits (a decision
 * typically closes its task, changes stage and opens the next task) are applied in one database
 * transaction when the workflow next waits for a person, calls an activity or finishes.
 * Usually by a local activity, run by the worker inside the workflow task: no server round trip.
 *
 * Except right after an Update was accepted: local activities run before the server has persisted
 * the workflow task, and an Update is durable only once the task that accepted it is. Were that
 * task lost, a local commit made in it would stay in the read model for a decision the workflow
 * never took. So the first commit after an acceptance is an ordinary activity, scheduled by the
 * same workflow task completion that records the acceptance: both become durable together or not
 * at all.
 */
const { commitSteps } = proxyLocalActivities<Activities>(COMMIT_OPTIONS);
/**
 * Task dates, from the Clock. An ordinary activity, not a local one: its result must be ordered in
 * history with the Updates around it (a local activity resolving in a later workflow task than on
 * replay made histories with a withdrawal Update non-deterministic).
 */
const { scheduleDeadlines } = proxyActivities<Activities>(COMMIT_OPTIONS);
const { commitSteps: commitStepsDurably } = proxyActivities<Activities>(COMMIT_OPTIONS);

// Delivery waits out an SMTP outage: retried with backoff until the relay answers.
const { deliverNotifications } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export interface Decision {
  taskId: string;
  kind: TaskKind;
  decision: string;
  comment?: string;
  data: Record<string, unknown>;
  actor: Actor;
  requestId?: string;
  /** Set when the task expired on its SLA instead of being decided by a person. */
  expired?: boolean;
}

interface TaskState extends TaskRow {
  status: 'open' | 'deciding' | 'done' | 'cancelled';
  excludeUserIds: string[];
  overdue: boolean;
  reminded: boolean;
  pending?: Decision;
  rejection?: DecisionProblem[];
  decision?: Decision;
  /** Seq of the step that recorded the decision (or the cancellation). */
  closedSeq?: number;
  /** When the timers for remindAt and dueAt fire (the Clock's answer; absent on tasks opened before it). */
  timers?: { dueAt: string; remindAt: string | null };
  /** Bumped when the task's dates move: its waiting re-arms the timers. */
  retimed?: number;
}

/** Serializable kernel state carried across continue-as-new. */
export interface LifecycleState {
  stage: Stage;
  seq: number;
  tasks: Record<string, TaskState>;
  history: HistoryEntry[];
  counters: Record<string, number>;
  title: string;
}

export interface TaskSpec {
  kind: TaskKind;
  /** One named user; or the members of `role` in `institutionId`; or anyone with `role` (in `countryCode`). */
  assigneeUserId?: string | null;
  role?: TaskRow['assigneeRole'];
  countryCode?: string | null;
  institutionId?: string | null;
  /** Users who may not decide although their role fits (e.g. the requester endorsing own request). */
  excludeUserIds?: string[];
  title?: string;
  context?: Record<string, unknown>;
  /** Suffix that keeps parallel tasks of one kind apart (reviewer id, expert id, milestone). */
  key?: string;
  /** Dates computed already (scheduleDeadlines); else from `deadlineSpec`, by default the kind's SLA. */
  deadline?: TaskDeadline;
  deadlineSpec?: DeadlineSpec;
}

export interface LifecycleOptions {
  programme: Programme;
  subjectType: SubjectType;
  subjectId: string;
  countryCode: string;
  title: string;
  /** Who hears about outcomes: the applicant or the requesting CO user. */
  owner: Recipient;
  resume?: LifecycleState;
  /** Programme rules a decision must also meet (pure, synchronous). */
  validateDecision?: (task: TaskRow, input: DecideInput) => DecisionProblem[];
  /** Who owns the subject, for the programme's withdrawal rule (domain/registry.ts withdrawalRefusal). */
  ownerInstitutionId?: string;
  /** The roster expert who owns the subject (withdrawal rule `owner_expert`). */
  ownerExpertId?: string;
  /**
   * Who besides the owner and the holders of open tasks hears of a fund manager's cancellation: the
   * people concerned on the Country Office's side (an internship's supervisor and the student's
   * university). Default: the Country Office of the country.
   */
  concerned?: Recipient[];
  /** Tells the programme that an open task now waits for another person (e.g. a reviewer slot changes hands). */
  onReassign?: (task: TaskRow, fromUserId: string, toUserId: string) => void;
}

/** Thrown through the lifecycle code when the subject is withdrawn or cancelled; `run` turns it into that stage. */
class Withdrawn extends Error {}

const REFUSAL_FAILURE: Record<Refusal['code'], string> = {
  forbidden: FAILURE.forbidden,
  not_allowed_now: FAILURE.notAllowedNow,
  invalid: FAILURE.invalidDecision,
};

function failure(type: string, message: string, details?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: true,
    details: details === undefined ? undefined : [details],
  });
}

export class Lifecycle {
  readonly state: LifecycleState;
  /** Commit flushes and tracked activities running: the workflow is busy. */
  private inFlight = 0;
  /** Steps taken but not yet applied to the read model (see flush). */
  private pending: StepCommit[] = [];
  /** Flushes run one after another, so steps reach the read model in order. */
  private flushed: Promise<void> = Promise.resolve();
  private deliveries: Promise<unknown>[] = [];
  private withdrawal?: WithdrawInput;
  /** A fund manager's cancellation, accepted: the subject ends in `cancelled` at the next wait. */
  private cancellation?: CancelInput;
  /** An Update was accepted since the last ordinary commit activity: the next flush must be one. */
  private acceptanceNotDurable = false;
  /** Highest seq applied to the read model: a decision answers once its step is applied. */
  private appliedSeq: number;
  private readonly workflowId = workflowInfo().workflowId;

  constructor(private readonly opts: LifecycleOptions) {
    this.state = opts.resume ?? { stage: 'intake', seq: 0, tasks: {}, history: [], counters: {}, title: opts.title };
    this.appliedSeq = this.state.seq;
  }

  get stage(): Stage {
    return this.state.stage;
  }

  get subject(): SubjectRef {
    return {
      type: this.opts.subjectType,
      id: this.opts.subjectId,
      programme: this.opts.programme,
      countryCode: this.opts.countryCode,
      title: this.state.title,
    };
  }

  setTitle(title: string): void {
    this.state.title = title;
  }

  /** A programme's own Update was accepted: the next commit must be durable with it (see COMMIT_OPTIONS). */
  updateAccepted(): void {
    this.acceptanceNotDurable = true;
  }

  /** Registers the Update and Query handlers; call once, first thing in the workflow. */
  install(): void {
    // Whenever the workflow blocks with steps pending (e.g. one parallel branch finished while
    // another waits for a person), apply them: the workflow never waits with an unapplied step.
    void (async () => {
      for (;;) {
        await condition(() => this.pending.length > 0);
        await this.flush();
      }
    })();
    setHandler(stateQuery, () => this.view());
    setHandler(syncUpdate, async () => {
      await condition(() => this.state.seq > 0 && this.idle());
      return { stage: this.state.stage };
    });
    setHandler(
      decideUpdate,
      async (input) => {
        const task = this.state.tasks[input.taskId] ?? (await this.acceptedTask(input.taskId));
        if (task.status !== 'open' || this.ending)
          throw failure(FAILURE.taskNotOpen, `task ${input.taskId} is no longer open`);
        this.acceptanceNotDurable = true;
        task.status = 'deciding';
        task.rejection = undefined;
        task.pending = {
          taskId: task.id,
          kind: task.kind,
          decision: input.decision,
          comment: input.comment?.trim() || undefined,
          data: input.data ?? {},
          actor: input.actor,
          requestId: input.requestId,
        };
        // Answer once the decision (and the steps taken with it, such as entering the next stage)
        // is in the read model; automatic steps that follow (an alignment check) run after.
        await condition(
          () =>
            task.rejection !== undefined ||
            (task.status !== 'deciding' && task.closedSeq !== undefined && this.appliedSeq >= task.closedSeq),
        );
        const problems = task.rejection as DecisionProblem[] | undefined;
        if (problems) {
          task.rejection = undefined;
          throw failure(FAILURE.invalidDecision, problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
        }
        return { taskId: task.id, decision: input.decision, stage: this.state.stage };
      },
      { validator: (input) => this.validateDecision(input) },
    );
    setHandler(
      reassignUpdate,
      async (input) => {
        const task = this.state.tasks[input.taskId] ?? (await this.acceptedTask(input.taskId));
        if (task.status !== 'open' || this.ending)
          throw failure(FAILURE.taskNotOpen, `task ${input.taskId} is no longer open`);
        const from = task.assigneeUserId!;
        this.acceptanceNotDurable = true;
        task.assigneeUserId = input.to.userId;
        this.opts.onReassign?.(task, from, input.to.userId);
        await this.commit({
          reassignTasks: [{ id: task.id, assigneeUserId: input.to.userId }],
          audit: [
            {
              action: 'task_reassigned',
              actorId: input.actor.userId,
              actorRole: input.actor.role,
              comment: input.reason?.trim() || null,
              data: { taskId: task.id, kind: task.kind, from, to: input.to.userId },
              requestId: input.requestId ?? null,
            },
          ],
          notifications: [this.taskNotice(task, TASK_KINDS[task.kind].mail)],
        });
        const seq = this.state.seq;
        await condition(() => this.appliedSeq >= seq);
        return { taskId: task.id, assigneeUserId: input.to.userId, stage: this.state.stage };
      },
      { validator: (input) => this.validateReassign(input) },
    );
    setHandler(
      withdrawUpdate,
      async (input) => {
        this.acceptanceNotDurable = true;
        this.withdrawal = input;
        await condition(() => isTerminal(this.state.stage) && this.idle());
        return { stage: this.state.stage };
      },
      {
        validator: (input) => {
          if (isTerminal(this.state.stage) || this.withdrawal)
            throw failure(
              FAILURE.notAllowedNow,
              `cannot withdraw: the subject is ${this.withdrawal ? 'already being withdrawn' : this.state.stage}`,
            );
          if (this.cancellation)
            throw failure(FAILURE.notAllowedNow, 'cannot withdraw: the subject is being cancelled');
          const refusal = withdrawalRefusal(this.opts.programme, input.actor, this.state.stage, {
            institutionId: this.opts.ownerInstitutionId,
            countryCode: this.opts.countryCode,
            expertId: this.opts.ownerExpertId,
            userId: 'userId' in this.opts.owner ? this.opts.owner.userId : null,
          });
          if (refusal) throw failure(REFUSAL_FAILURE[refusal.code], refusal.message);
        },
      },
    );
    setHandler(
      cancelUpdate,
      async (input) => {
        this.acceptanceNotDurable = true;
        this.cancellation = { ...input, reason: input.reason.trim() };
        await condition(() => isTerminal(this.state.stage) && this.idle());
        return { stage: this.state.stage };
      },
      {
        validator: (input) => {
          if (this.ending)
            throw failure(
              FAILURE.notAllowedNow,
              `cannot cancel: the subject is already being ${this.withdrawal ? 'withdrawn' : 'cancelled'}`,
            );
          const refusal = cancellationRefusal(input.actor, this.state.stage, input.reason);
          if (refusal)
            throw failure(
              REFUSAL_FAILURE[refusal.code],
              refusal.message,
              refusal.code === 'invalid' ? [{ path: 'reason', message: refusal.message }] : undefined,
            );
        },
      },
    );
  }

  /**
   * The task an accepted decide/reassign Update names, once it exists. Live, the validator has just
   * seen it. On replay validators do not run, and Core builds each activation from history with
   * Update jobs ahead of activity resolutions: an accepted Update can reach its handler in the
   * activation whose `scheduleDeadlines` result opens the task (the worker-crash test met this
   * after a SIGKILL). The handler then waits for the task the replayed history is about to open.
   */
  private async acceptedTask(taskId: string): Promise<TaskState> {
    await condition(() => this.state.tasks[taskId] !== undefined);
    return this.state.tasks[taskId];
  }

  /** The withdrawal or cancellation under way, if any: the subject ends at the next wait. */
  private get ending(): WithdrawInput | CancelInput | undefined {
    return this.withdrawal ?? this.cancellation;
  }

  private validateDecision(input: DecideInput): void {
    const task = this.state.tasks[input.taskId];
    if (!task) throw failure(FAILURE.taskNotFound, `task ${input.taskId} does not exist`);
    if (task.status !== 'open' || this.ending)
      throw failure(FAILURE.taskNotOpen, `task ${input.taskId} is no longer open`);
    const actor = input.actor;
    if (!isTaskAssignee(task, actor)) throw failure(FAILURE.forbidden, `task ${input.taskId} is not assigned to you`);
    if (task.excludeUserIds.includes(actor.userId))
      throw failure(FAILURE.forbidden, 'you may not decide this task (you raised the request)');
    const problems = checkDecisionShape(task.kind, {
      decision: input.decision,
      comment: input.comment,
      data: input.data,
    });
    if (problems.length === 0 && this.opts.validateDecision) problems.push(...this.opts.validateDecision(task, input));
    if (problems.length)
      throw failure(FAILURE.invalidDecision, problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
  }

  private validateReassign(input: ReassignInput): void {
    const task = this.state.tasks[input.taskId];
    if (!task) throw failure(FAILURE.taskNotFound, `task ${input.taskId} does not exist`);
    if (task.status !== 'open' || this.ending)
      throw failure(FAILURE.taskNotOpen, `task ${input.taskId} is no longer open`);
    const reassignable = { ...task, countryCode: this.opts.countryCode, programme: this.opts.programme };
    const refusal = reassignRefusal(reassignable, input.actor);
    if (refusal) throw failure(REFUSAL_FAILURE[refusal.code], refusal.message);
    const holding = Object.values(this.state.tasks)
      .filter((t) => t.kind === task.kind && (t.status === 'open' || t.status === 'deciding') && t.assigneeUserId)
      .map((t) => t.assigneeUserId!);
    const problems = reassignProblems(
      reassignable,
      input.to,
      { ownerInstitutionId: this.opts.ownerInstitutionId },
      holding,
    );
    if (problems.length)
      throw failure(FAILURE.invalidInput, problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
  }

  view(): LifecycleView {
    const openTasks: TaskView[] = Object.values(this.state.tasks)
      .filter((t) => t.status === 'open' || t.status === 'deciding')
      .map((t) => ({
        id: t.id,
        kind: t.kind,
        stage: t.stage,
        status: t.status,
        assigneeUserId: t.assigneeUserId ?? null,
        assigneeRole: t.assigneeRole,
        assigneeCountryCode: t.assigneeCountryCode ?? null,
        assigneeInstitutionId: t.assigneeInstitutionId ?? null,
        title: t.title,
        dueAt: t.dueAt ?? null,
        overdue: t.overdue,
        excludeUserIds: t.excludeUserIds,
      }));
    return {
      workflowId: this.workflowId,
      subjectId: this.opts.subjectId,
      stage: this.state.stage,
      openTasks,
      history: this.state.history,
    };
  }

  // ---------- read model ----------

  /** Takes one step: applied to the read model (idempotent by seq) with the next flush, its mails queued then. */
  commit(step: Omit<StepCommit, 'workflowId' | 'seq' | 'at' | 'subject'>): Promise<void> {
    const seq = ++this.state.seq;
    const at = new Date().toISOString();
    for (const a of step.audit ?? []) {
      this.state.history.push({
        seq,
        at,
        action: a.action,
        actorId: a.actorId ?? null,
        fromStage: (a.fromStage as Stage | null | undefined) ?? null,
        toStage: (a.toStage as Stage | null | undefined) ?? null,
        taskId: typeof a.data?.taskId === 'string' ? a.data.taskId : undefined,
        decision: typeof a.data?.decision === 'string' ? a.data.decision : undefined,
        comment: a.comment ?? undefined,
      });
    }
    this.pending.push({ ...step, workflowId: this.workflowId, seq, at, subject: this.subject });
    return Promise.resolve();
  }

  /**
   * Applies the pending steps (one transaction; a local activity, or an ordinary one right after
   * an Update was accepted) and starts their mails.
   * Called before the workflow waits for a person, before an activity (it may read the read
   * model) and before it finishes: whoever sees the workflow waiting sees its steps applied.
   */
  flush(): Promise<void> {
    this.flushed = this.flushed.then(async () => {
      while (this.pending.length) {
        const steps = this.pending;
        this.pending = [];
        const durably = this.acceptanceNotDurable;
        this.acceptanceNotDurable = false;
        this.inFlight++;
        try {
          const result = await (durably ? commitStepsDurably({ steps }) : commitSteps({ steps }));
          this.appliedSeq = steps[steps.length - 1].seq;
          if (result.outboxKeys.length) this.deliveries.push(deliverNotifications({ keys: result.outboxKeys }));
        } finally {
          this.inFlight--;
        }
      }
    });
    return this.flushed;
  }

  /** No step pending or being applied, no activity running: the workflow waits for people. */
  private idle(): boolean {
    return this.inFlight === 0 && this.pending.length === 0;
  }

  /**
   * `track` for all the activities of a `proxyActivities` proxy, which lists no names: each is
   * wrapped when first read.
   */
  trackAll<T extends object>(acts: T): T {
    const wrapped = new Map<string | symbol, unknown>();
    return new Proxy(acts, {
      get: (target, name) => {
        if (!wrapped.has(name)) {
          const fn = Reflect.get(target, name) as (...args: never[]) => Promise<unknown>;
          wrapped.set(name, this.track({ fn }).fn);
        }
        return wrapped.get(name);
      },
    });
  }

  /**
   * Wraps activity functions so the kernel knows the workflow is busy while they run:
   * an Update answers only when the workflow is waiting on people again.
   */
  track<T extends Record<string, (...args: never[]) => Promise<unknown>>>(acts: T): T {
    const wrapped = {} as Record<string, unknown>;
    for (const [name, fn] of Object.entries(acts)) {
      wrapped[name] = async (...args: never[]) => {
        await this.flush();
        this.inFlight++;
        try {
          return await fn(...args);
        } finally {
          this.inFlight--;
        }
      };
    }
    return wrapped as T;
  }

  /** Moves to `to`, with audit, search attributes and (optionally) an outcome mail to the owner. */
  async transition(
    to: Stage,
    how: {
      action: string;
      actor?: Actor | null;
      comment?: string;
      data?: Record<string, unknown>;
      /** Failed policy rules behind a system decision: in the audit data and the owner's mail (worded there per language). */
      reasons?: Reason[];
      notifyOwner?: boolean;
      extra?: Omit<StepCommit, 'workflowId' | 'seq' | 'at' | 'subject' | 'stage'>;
    },
  ): Promise<void> {
    const from = this.state.stage;
    if (!canTransition(this.opts.programme, from, to))
      throw ApplicationFailure.nonRetryable(`illegal transition ${from} → ${to}`, 'IllegalTransition');
    this.state.stage = to;
    upsertSearchAttributes(subjectSearchAttributes(this.opts.programme, to, this.opts.countryCode));
    const extra = how.extra ?? {};
    const audit: AuditEntry = {
      action: how.action,
      actorId: how.actor?.userId ?? null,
      actorRole: how.actor?.role ?? 'system',
      fromStage: from,
      toStage: to,
      comment: how.comment ?? null,
      data: how.reasons?.length ? { ...how.data, reasons: how.reasons } : (how.data ?? null),
    };
    const notifications: NotificationRequest[] = [...(extra.notifications ?? [])];
    if (how.notifyOwner)
      notifications.push(
        this.ownerNotice('decision_outcome', {
          stage: to,
          outcome: how.action,
          comment: how.comment,
          ...(how.reasons?.length ? { reasons: how.reasons } : {}),
        }),
      );
    await this.commit({ ...extra, stage: { from, to }, audit: [audit, ...(extra.audit ?? [])], notifications });
  }

  ownerNotice(template: NotificationTemplate, extra: Partial<NotificationRequest['data']> = {}): NotificationRequest {
    return { template, to: this.opts.owner, data: this.noticeData(extra) };
  }

  noticeData(extra: Partial<NotificationRequest['data']> = {}): NotificationRequest['data'] {
    const s = this.subject;
    return {
      subjectType: s.type,
      subjectId: s.id,
      subjectTitle: s.title,
      countryCode: s.countryCode,
      stage: this.state.stage,
      ...extra,
    };
  }

  // ---------- tasks ----------

  /** Opens tasks (one commit) and tells their assignees. */
  async openTasks(
    specs: TaskSpec[],
    extra: Omit<StepCommit, 'workflowId' | 'seq' | 'at' | 'subject' | 'openTasks'> = {},
  ): Promise<string[]> {
    const ids = specs.map((spec) => {
      const n = (this.state.counters[spec.kind] = (this.state.counters[spec.kind] ?? 0) + 1);
      return `${this.workflowId}:${spec.kind}:${spec.key ? `${spec.key}:` : ''}${n}`;
    });
    const deadlines = await this.deadlinesOf(specs);
    const rows: TaskState[] = specs.map((spec, i) => {
      const kind = TASK_KINDS[spec.kind];
      const id = ids[i];
      const deadline = deadlines[i];
      return {
        id,
        kind: spec.kind,
        stage: kind.stage,
        assigneeUserId: spec.assigneeUserId ?? null,
        assigneeRole: spec.role ?? kind.role,
        assigneeCountryCode: spec.countryCode ?? null,
        ...(spec.institutionId ? { assigneeInstitutionId: spec.institutionId } : {}),
        title: spec.title ?? `${kind.label}: ${this.state.title}`,
        dueAt: deadline.dueAt,
        remindAt: deadline.remindAt,
        timers: { dueAt: deadline.timers.dueAt, remindAt: deadline.timers.remindAt },
        context: spec.context ?? null,
        status: 'open',
        excludeUserIds: spec.excludeUserIds ?? [],
        overdue: false,
        reminded: false,
      };
    });
    for (const row of rows) this.state.tasks[row.id] = row;
    const notifications = [
      ...rows.map((t) => this.taskNotice(t, TASK_KINDS[t.kind].mail)),
      ...(extra.notifications ?? []),
    ];
    await this.commit({
      ...extra,
      openTasks: rows.map(
        ({
          status: _s,
          excludeUserIds,
          overdue: _o,
          reminded: _r,
          pending: _p,
          rejection: _j,
          decision: _d,
          timers: _t,
          ...row
        }) => (excludeUserIds.length ? { ...row, excludeUserIds } : row),
      ),
      audit: [
        ...rows.map((t) => ({
          action: 'task_opened',
          actorRole: 'system',
          data: {
            taskId: t.id,
            kind: t.kind,
            assigneeUserId: t.assigneeUserId ?? null,
            assigneeRole: t.assigneeRole,
            ...(t.assigneeInstitutionId ? { assigneeInstitutionId: t.assigneeInstitutionId } : {}),
          },
        })),
        ...(extra.audit ?? []),
      ],
      notifications,
    });
    return rows.map((r) => r.id);
  }

  /** The dates of tasks about to open: given, or asked of the Clock in one activity. */
  private async deadlinesOf(specs: TaskSpec[]): Promise<TaskDeadline[]> {
    const missing = specs.flatMap((s, i) => (s.deadline ? [] : [i]));
    const computed = missing.length
      ? await this.schedule(
          missing.map((i) => specs[i].deadlineSpec ?? { kind: 'sla', sla: TASK_KINDS[specs[i].kind].sla }),
        )
      : [];
    const out = specs.map((s) => s.deadline);
    missing.forEach((i, j) => (out[i] = computed[j]));
    return out as TaskDeadline[];
  }

  /** Asks the Clock for dates (e.g. of a task that opens later); the workflow is busy meanwhile (see idle). */
  async schedule(items: DeadlineSpec[]): Promise<TaskDeadline[]> {
    this.inFlight++;
    try {
      return await scheduleDeadlines({ countryCode: this.opts.countryCode, items });
    } finally {
      this.inFlight--;
    }
  }

  /**
   * Sleeps until a timer instant the Clock returned, or until `interrupt` says the date changed.
   * Answers true when the instant came; a withdrawal ends the wait.
   */
  async sleepUntil(timerAt: string, interrupt: () => boolean): Promise<boolean> {
    await this.flush();
    const ms = Date.parse(timerAt) - Date.now();
    if (ms <= 0) return true;
    const woken = await condition(() => interrupt() || this.withdrawal !== undefined, ms);
    this.throwIfWithdrawing();
    return !woken;
  }

  /** Moves an open task's dates (a no-cost extension): the read model follows, its timers re-arm. */
  async retimeTask(taskId: string, deadline: TaskDeadline, audit: AuditEntry[] = []): Promise<void> {
    const task = this.state.tasks[taskId];
    if (!task || (task.status !== 'open' && task.status !== 'deciding')) return;
    task.dueAt = deadline.dueAt;
    task.remindAt = deadline.remindAt;
    task.timers = { dueAt: deadline.timers.dueAt, remindAt: deadline.timers.remindAt };
    task.overdue = false;
    task.reminded = false;
    task.retimed = (task.retimed ?? 0) + 1;
    await this.commit({
      retimeTasks: [{ id: taskId, dueAt: deadline.dueAt, remindAt: deadline.remindAt }],
      audit: [{ action: 'task_retimed', actorRole: 'system', data: { taskId, dueAt: deadline.dueAt } }, ...audit],
    });
  }

  private taskNotice(task: TaskRow, template: NotificationTemplate): NotificationRequest {
    const excluded = task.excludeUserIds?.length ? { excludeUserIds: task.excludeUserIds } : {};
    const to: Recipient = task.assigneeUserId
      ? { userId: task.assigneeUserId }
      : task.assigneeInstitutionId
        ? { role: task.assigneeRole, institutionId: task.assigneeInstitutionId, ...excluded }
        : { role: task.assigneeRole, countryCode: task.assigneeCountryCode, ...excluded };
    return {
      template,
      to,
      data: this.noticeData({ taskId: task.id, taskKind: task.kind, dueAt: task.dueAt ?? undefined }),
    };
  }

  task(id: string): TaskRow & { status: TaskState['status'] } {
    return this.state.tasks[id];
  }

  /**
   * Waits for a decision on `taskId`, sending the reminder and the overdue escalation on the
   * way. `check` may refuse a decision after I/O (the Update then fails and the task stays open).
   * Returns null if the task was cancelled meanwhile.
   */
  async awaitTask(taskId: string, check?: (d: Decision) => Promise<DecisionProblem[]>): Promise<Decision | null> {
    const task = this.state.tasks[taskId];
    const kind = TASK_KINDS[task.kind] as (typeof TASK_KINDS)[TaskKind] & { expireWith?: string };
    for (;;) {
      await this.flush();
      const settled = () => task.status !== 'open' || this.ending !== undefined;
      const version = task.retimed ?? 0;
      const wake = () => settled() || (task.retimed ?? 0) !== version;
      const now = Date.now();
      const remindAt = task.timers ? task.timers.remindAt : task.remindAt;
      const dueAt = task.timers ? task.timers.dueAt : task.dueAt;
      if (!task.reminded && remindAt && Date.parse(remindAt) > now) {
        if (!(await condition(wake, Date.parse(remindAt) - now))) {
          task.reminded = true;
          await this.commit({
            flagTasks: [{ id: task.id, reminded: true }],
            audit: [{ action: 'task_reminder', actorRole: 'system', data: { taskId: task.id } }],
            notifications: [this.taskNotice(task, 'reminder')],
          });
          continue;
        }
      } else if (!task.overdue && dueAt) {
        const dueIn = Math.max(1, Date.parse(dueAt) - now);
        if (!(await condition(wake, dueIn))) {
          if (kind.expireWith) {
            task.status = 'deciding';
            task.pending = {
              taskId,
              kind: task.kind,
              decision: kind.expireWith,
              data: {},
              actor: { userId: 'system', role: 'admin' },
              expired: true,
            };
          } else {
            task.overdue = true;
            await this.commit({
              flagTasks: [{ id: task.id, overdue: true }],
              audit: [{ action: 'task_overdue', actorRole: 'system', data: { taskId: task.id, dueAt: task.dueAt } }],
              notifications: [
                {
                  template: 'overdue_escalation',
                  to: { role: 'fund_manager' },
                  data: this.noticeData({ taskId: task.id, taskKind: task.kind, dueAt: task.dueAt ?? undefined }),
                },
              ],
            });
            continue;
          }
        }
      } else {
        await condition(wake);
      }
      // Its dates moved: wait again on the new ones.
      if (!settled()) continue;
      if (task.status === 'cancelled') return null;
      if (this.ending && task.status === 'open') throw new Withdrawn();
      const decision = task.pending!;
      if (check && !decision.expired) {
        const problems = await check(decision);
        if (problems.length) {
          task.pending = undefined;
          task.status = 'open';
          task.rejection = problems;
          continue;
        }
      }
      task.status = 'done';
      task.decision = decision;
      task.pending = undefined;
      task.closedSeq = this.state.seq + 1;
      await this.commit({
        closeTasks: [
          {
            id: task.id,
            status: 'done',
            decision: decision.decision,
            comment: decision.comment ?? null,
            data: decision.data,
            decidedById: decision.actor.userId,
          },
        ],
        audit: [
          {
            action: decision.expired ? 'task_expired' : 'decision',
            actorId: decision.expired ? null : decision.actor.userId,
            actorRole: decision.expired ? 'system' : decision.actor.role,
            fromStage: this.state.stage,
            toStage: this.state.stage,
            comment: decision.comment ?? null,
            data: { taskId: task.id, kind: task.kind, decision: decision.decision, ...decision.data },
            requestId: decision.requestId ?? null,
          },
        ],
      });
      return decision;
    }
  }

  /** Opens one task (with `extra` in the same step) and waits for its decision. */
  async ask(
    spec: TaskSpec,
    check?: (d: Decision) => Promise<DecisionProblem[]>,
    extra?: Omit<StepCommit, 'workflowId' | 'seq' | 'at' | 'subject' | 'openTasks'>,
  ): Promise<Decision> {
    const [id] = await this.openTasks([spec], extra);
    const decision = await this.awaitTask(id, check);
    if (!decision)
      throw ApplicationFailure.nonRetryable(`task ${id} was cancelled while awaited alone`, 'IllegalState');
    return decision;
  }

  /** Cancels open tasks (no longer needed), recording why. */
  async cancelTasks(ids: string[], reason: string): Promise<void> {
    const open = ids
      .map((id) => this.state.tasks[id])
      .filter((t) => t && (t.status === 'open' || t.status === 'deciding'));
    if (!open.length) return;
    for (const t of open) {
      t.status = 'cancelled';
      t.closedSeq = this.state.seq + 1;
    }
    await this.commit({
      closeTasks: open.map((t) => ({ id: t.id, status: 'cancelled' as const, comment: reason })),
      audit: open.map((t) => ({
        action: 'task_cancelled',
        actorRole: 'system',
        comment: reason,
        data: { taskId: t.id },
      })),
    });
  }

  openTaskIds(): string[] {
    return Object.values(this.state.tasks)
      .filter((t) => t.status === 'open' || t.status === 'deciding')
      .map((t) => t.id);
  }

  // ---------- running ----------

  /**
   * Runs the programme's body; a withdrawal anywhere ends it in `withdrawn`. Waits for
   * pending mails and handlers before returning, so nothing is cut off at completion.
   */
  async run(body: () => Promise<void>): Promise<Stage> {
    try {
      await body();
    } catch (err) {
      if (!(err instanceof Withdrawn)) throw err;
    }
    if (this.withdrawal && !isTerminal(this.state.stage)) {
      const w = this.withdrawal;
      await this.cancelTasks(this.openTaskIds(), 'withdrawn');
      await this.transition('withdrawn', { action: 'withdraw', actor: w.actor, comment: w.reason, notifyOwner: true });
    } else if (this.cancellation && !isTerminal(this.state.stage)) {
      await this.cancel(this.cancellation);
    }
    await this.drain();
    return this.state.stage;
  }

  /**
   * The programme's stage loop: runs the step of the current stage until a terminal stage,
   * continuing as new between steps when the history grows long (state travels in the input).
   */
  runStages(
    steps: Partial<Record<Stage, () => Promise<void>>>,
    continueAsNewAfterSteps: number | undefined,
    continueAsNew: () => Promise<never>,
  ): Promise<Stage> {
    return this.run(async () => {
      for (;;) {
        const step = steps[this.state.stage];
        if (!step) return;
        await step();
        this.throwIfWithdrawing();
        if (this.shouldContinueAsNew(continueAsNewAfterSteps)) {
          await this.drain();
          // A withdrawal or cancellation accepted while draining ends the subject here, not in the next run.
          this.throwIfWithdrawing();
          await continueAsNew();
        }
      }
    });
  }

  /** True when the subject is being withdrawn or cancelled: long loops check it between steps. */
  get withdrawing(): boolean {
    return this.ending !== undefined;
  }

  throwIfWithdrawing(): void {
    if (this.ending) throw new Withdrawn();
  }

  /**
   * The fund manager's cancellation: open tasks close, the subject ends in `cancelled`, and the
   * parties are told with the reason: the owner, the Country Office of the country and whoever
   * had an open task.
   */
  private async cancel(c: CancelInput): Promise<void> {
    const open = this.openTaskIds().map((id) => this.state.tasks[id]);
    await this.cancelTasks(
      open.map((t) => t.id),
      'cancelled by a fund manager',
    );
    const everyone: Recipient[] = [
      this.opts.owner,
      ...(this.opts.concerned ?? [{ role: 'co_approver', countryCode: this.opts.countryCode }]),
      ...open.map((t): Recipient =>
        t.assigneeUserId
          ? { userId: t.assigneeUserId }
          : {
              role: t.assigneeRole,
              countryCode: t.assigneeCountryCode,
              institutionId: t.assigneeInstitutionId,
              excludeUserIds: t.excludeUserIds,
            },
      ),
    ];
    // Each once: the supervisor holding an open task is told once.
    const told = everyone.filter((to, i) => everyone.findIndex((x) => JSON.stringify(x) === JSON.stringify(to)) === i);
    await this.transition('cancelled', {
      action: 'cancel',
      actor: c.actor,
      comment: c.reason,
      data: c.requestId ? { requestId: c.requestId } : undefined,
      extra: {
        patch: { outcome: 'cancelled' },
        notifications: told.map((to) => ({
          template: 'decision_outcome' as const,
          to,
          data: this.noticeData({ stage: 'cancelled', decision: 'cancel', outcome: 'cancel', comment: c.reason }),
        })),
      },
    });
  }

  /**
   * Mails sent and handlers finished: safe to complete or continue-as-new. A withdrawal or
   * cancellation handler waits for the subject to end, so it stops the wait (the caller ends it).
   */
  async drain(): Promise<void> {
    await this.flush();
    await Promise.all(this.deliveries);
    this.deliveries = [];
    await condition(() => allHandlersFinished() || (this.ending !== undefined && !isTerminal(this.state.stage)));
  }

  /** At a step boundary with no open task: should the workflow continue as new? */
  shouldContinueAsNew(maxSeq?: number): boolean {
    if (this.openTaskIds().length) return false;
    return workflowInfo().continueAsNewSuggested || (maxSeq !== undefined && this.state.seq >= maxSeq);
  }
}
