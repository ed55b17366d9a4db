/**
 * Reassigning an open task from one person to another (before an erasure, or when someone is
 * away): who may do it and who may receive it. Pure: the API checks it before the round trip and
 * lists the eligible people with it; the workflow's Update validator is the authority.
 */
import type { ScopeRule } from './programme';
import { isProgramme, programmeSpec, type Refusal } from './registry';
import type { Actor, Role } from './roles';
import type { FieldProblem } from './schemas';
import type { TaskAssignee } from './steps';
import { TASK_KINDS, type TaskKind } from './tasks';

export interface ReassignableTask extends TaskAssignee {
  kind: TaskKind;
  /** The subject's programme: a role it scopes to one person's own subjects keeps its tasks (see reassignRefusal). */
  programme?: string;
  /** The subject's country (a co_approver receives only tasks of their own country). */
  countryCode: string;
  excludeUserIds?: readonly string[];
}

/** The person who would receive the task, as the account says now. */
export interface ReassignTarget {
  userId: string;
  role: string;
  active: boolean;
  countryCode?: string | null;
  institutionId?: string | null;
}

/** The subject's owner institution (the applicant side), when it has one. */
export interface ReassignSubject {
  ownerInstitutionId?: string | null;
}

/** An expert's task belongs to the expert chosen for the assignment: it is not handed to another expert. */
const PERSONAL_ROLES: readonly Role[] = ['expert'];

/**
 * The column naming the one person whose own subjects the role sees in the programme (scope rule
 * `{ same: 'userId', column }`: an internship's student, its posting's supervisor), if the rule is that.
 */
function onePersonColumn(programme: string | undefined, role: string): string | undefined {
  if (!programme || !isProgramme(programme)) return undefined;
  const rule = (programmeSpec(programme).roles as Record<string, { scope: ScopeRule } | undefined>)[role]?.scope;
  return rule && 'same' in rule && rule.same === 'userId' ? rule.column : undefined;
}

/**
 * Whether `actor` may reassign `task` at all: an administrator any task named to one person, a
 * fund manager the applicant side's; tasks waiting for a role or an institution need no reassignment.
 */
export function reassignRefusal(task: ReassignableTask, actor: Pick<Actor, 'role'>): Refusal | null {
  const role = task.assigneeRole as Role;
  if (!(actor.role === 'admin' || (actor.role === 'fund_manager' && role === 'applicant')))
    return {
      code: 'forbidden',
      message: 'only an administrator reassigns tasks (a fund manager those of the applicant side)',
    };
  if (!task.assigneeUserId)
    return {
      code: 'not_allowed_now',
      message: task.assigneeInstitutionId
        ? 'the task waits for any member of the institution, not for one person'
        : `the task waits for any ${role}, not for one person`,
    };
  if (PERSONAL_ROLES.includes(role))
    return {
      code: 'not_allowed_now',
      message: `a task of the ${role} chosen for the assignment is not handed to another ${role}; it expires on its deadline or ends with the request`,
    };
  // The programme scopes the role to one person's own subjects (the subject's column names them): nobody else
  // of the role may even see the subject, so its task is that person's alone (a student's is never a fellow student's).
  const column = onePersonColumn(task.programme, role);
  if (column)
    return {
      code: 'not_allowed_now',
      message: `the task belongs to the one ${role} the subject names (${column}): in this programme no other ${role} may see the subject, so it is not handed to another; it expires on its deadline or ends with the subject`,
    };
  return null;
}

/**
 * Why `target` may not receive `task` (empty when eligible): an active account of the task's role,
 * in its scope (the subject's country for a Country Office, the owner institution for the
 * applicant side; a reviewer never from the applicant's institution), not the current assignee,
 * not excluded from it, and not already holding an open task of this kind on the subject.
 */
export function reassignProblems(
  task: ReassignableTask,
  target: ReassignTarget,
  subject: ReassignSubject,
  alreadyHolding: readonly string[] = [],
): FieldProblem[] {
  const problem = (message: string): FieldProblem[] => [{ path: 'toUserId', message }];
  const kind = TASK_KINDS[task.kind];
  if (!target.active) return problem('the account is not active');
  if (target.role !== task.assigneeRole) return problem(`must be a ${task.assigneeRole}, as the task asks`);
  if (target.userId === task.assigneeUserId) return problem('the task is assigned to this person already');
  if (task.excludeUserIds?.includes(target.userId)) return problem('this person may not decide this task');
  if (alreadyHolding.includes(target.userId))
    return problem(`this person already has an open “${kind.label}” task on this subject`);
  if (target.role === 'co_approver' && target.countryCode !== (task.assigneeCountryCode ?? task.countryCode))
    return problem(`must be a co_approver of the ${task.assigneeCountryCode ?? task.countryCode} Country Office`);
  if (
    target.role === 'applicant' &&
    (!subject.ownerInstitutionId || target.institutionId !== subject.ownerInstitutionId)
  )
    return problem("must be a member of the applicant's institution");
  if (target.role === 'reviewer' && subject.ownerInstitutionId && target.institutionId === subject.ownerInstitutionId)
    return problem("a reviewer from the applicant's institution has a conflict of interest");
  return [];
}

/**
 * Why a task waiting for an institution's members blocks the erasure of one of them: they are its
 * only active member of the task's role, so once erased nobody could act on it. Nothing is named
 * to one person, so nothing is reassigned: a colleague joins the institution first.
 */
export const SOLE_MEMBER_BLOCK =
  'the task waits for the institution, whose only active member of its role this person is: a colleague must join the institution first';
