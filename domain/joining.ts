/**
 * How accounts come to exist, per role, as the programme registry declares it (each entry's
 * `roles[role].joining`, domain/programme.ts RoleJoining): the sign-up, invitation and
 * just-in-time code reads these functions, never a role name. A programme that brings a new role
 * (student, host, UNV officer) declares how it joins in its entry, without new sign-up code.
 */
import type { Bilingual, ProgrammeSpec, RoleJoining } from './programme';
import { PROGRAMME_LIST } from './registry';
import type { Role } from './roles';

export type { RoleJoining } from './programme';

/** One role's declaration, gathered from the programmes that have it. */
export interface JoiningEntry {
  role: string;
  label: Bilingual;
  joining: RoleJoining;
  /** The programmes that have the role. */
  programmes: string[];
}

/**
 * The roles of `programmes` and how each joins. A role several programmes have must be declared
 * the same way in each (one source: domain/programmes/roles.ts); roles a declaration names
 * (inviters, approvers) must exist.
 */
export function joiningOf(programmes: readonly Pick<ProgrammeSpec, 'id' | 'roles'>[]): Map<string, JoiningEntry> {
  const roles = new Map<string, JoiningEntry>();
  for (const p of programmes) {
    for (const [role, spec] of Object.entries(p.roles)) {
      const known = roles.get(role);
      if (!known) {
        roles.set(role, { role, label: spec.label, joining: spec.joining, programmes: [p.id] });
        continue;
      }
      if (JSON.stringify([known.label, known.joining]) !== JSON.stringify([spec.label, spec.joining]))
        throw new Error(`role ${role} joins differently in ${known.programmes.join(', ')} and ${p.id}`);
      known.programmes.push(p.id);
    }
  }
  for (const { role, joining } of roles.values()) {
    for (const other of [...joining.invitedBy, ...(joining.approvedBy ? [joining.approvedBy] : [])])
      if (!roles.has(other)) throw new Error(`role ${role} names ${other}, which no programme has`);
    if (joining.approvedBy && !joining.selfRegistration)
      throw new Error(`role ${role} has an approver but no self-registration`);
  }
  return roles;
}

/** Generic questions about joining, answered from one registry (the real one, or a test's). */
export function joiningRules(programmes: readonly Pick<ProgrammeSpec, 'id' | 'roles'>[]) {
  const roles = joiningOf(programmes);
  const all = [...roles.values()];
  return {
    roles: all.map((r) => r.role),
    /** How `role` joins; undefined for a role no programme has. */
    of: (role: string): RoleJoining | undefined => roles.get(role)?.joining,
    label: (role: string): Bilingual | undefined => roles.get(role)?.label,
    /** Roles a holder of `inviter` may invite people to. */
    invitableBy: (inviter: string): string[] =>
      all.filter((r) => r.joining.invitedBy.includes(inviter)).map((r) => r.role),
    /** Roles whose holders invite someone. */
    inviters: (): string[] => [...new Set(all.flatMap((r) => r.joining.invitedBy))],
    /** The roles a self-registration with this form gives (one, unless several roles share a form). */
    selfRegistering: (form: NonNullable<RoleJoining['selfRegistration']>): string[] =>
      all.filter((r) => r.joining.selfRegistration === form).map((r) => r.role),
    justInTime: (): string[] => all.filter((r) => r.joining.oidcJustInTime).map((r) => r.role),
    /**
     * The role a self-registration with `form` is for: the one asked for, which must register
     * itself with this form, or else the only role that does.
     */
    registrationRole(
      form: NonNullable<RoleJoining['selfRegistration']>,
      requested?: string,
    ): { role: string } | { problem: string } {
      const candidates = all.filter((r) => r.joining.selfRegistration === form).map((r) => r.role);
      if (requested)
        return candidates.includes(requested)
          ? { role: requested }
          : { problem: `a ${requested} does not register with this form (${candidates.join(', ') || 'no role'} does)` };
      if (candidates.length === 1) return { role: candidates[0] };
      return {
        problem: `say which role you register for: ${candidates.join(', ') || 'none registers with this form'}`,
      };
    },
  };
}

const RULES = joiningRules(PROGRAMME_LIST);

/** How `role` joins (every role of the registry has a declaration). */
export function roleJoining(role: Role): RoleJoining {
  return RULES.of(role)!;
}

/** The role in words, in `language` (invitation mails). */
export function roleLabel(role: Role): Bilingual {
  return RULES.label(role)!;
}

/** Roles a holder of `inviter` may invite people to. */
export function invitableBy(inviter: Role): Role[] {
  return RULES.invitableBy(inviter) as Role[];
}

/** Roles whose holders invite someone (who may call the invitation route). */
export function inviterRoles(): Role[] {
  return RULES.inviters() as Role[];
}

export function justInTimeRoles(): Role[] {
  return RULES.justInTime() as Role[];
}

/** The role a self-registration with `form` is for (the one asked for, or the only one registering with the form), or why not. */
export function registrationRole(
  form: NonNullable<RoleJoining['selfRegistration']>,
  requested?: Role,
): { role: Role } | { problem: string } {
  return RULES.registrationRole(form, requested) as { role: Role } | { problem: string };
}
