import type { Role } from './roles';

/**
 * How accounts come to exist, per role, and what a new account sees: one declaration that the
 * sign-up, invitation and just-in-time code reads (never a role name in that code). A programme
 * registry declares the same per programme; a new role (student, host, UNV officer) joins by a
 * line here, without new sign-up code.
 */
export type ScopeKind = 'institution' | 'country' | 'expert_profile' | 'assigned' | 'everything';

export interface RoleJoining {
  /** Self-registration: what a person fills in to get this role (none: the role is never self-made). */
  selfRegistration?: 'institution' | 'expert_profile';
  /** Who must approve a self-registration before its holder can act (an institution's proposals are submitted, a profile enters matching). */
  approvedBy?: Role;
  /** Roles that may invite a person to this role (an institution's owner invites colleagues: scope 'institution'). */
  invitedBy: readonly Role[];
  /** The scope an invitation must name: the inviter's own institution, or a country chosen by the inviter. */
  invitationScope?: 'inviter_institution' | 'country';
  /** A first OIDC sign-in may create the account when a configured claim maps to this role (staff only). */
  oidcJustInTime: boolean;
  /** Which sign-in a deployment offers this role (AUTH_MODE lists what runs). */
  signIn: readonly ('oidc' | 'email')[];
  /** What the role sees: its scope rule (api/scope.ts applies it). */
  sees: ScopeKind;
}

export const JOINING: Record<Role, RoleJoining> = {
  applicant: {
    selfRegistration: 'institution',
    approvedBy: 'fund_manager',
    invitedBy: ['applicant'],
    invitationScope: 'inviter_institution',
    oidcJustInTime: false,
    signIn: ['email'],
    sees: 'institution',
  },
  expert: {
    selfRegistration: 'expert_profile',
    approvedBy: 'fund_manager',
    invitedBy: [],
    oidcJustInTime: false,
    signIn: ['email'],
    sees: 'expert_profile',
  },
  co_approver: {
    invitedBy: ['admin'],
    invitationScope: 'country',
    oidcJustInTime: true,
    signIn: ['oidc', 'email'],
    sees: 'country',
  },
  reviewer: { invitedBy: ['admin'], oidcJustInTime: true, signIn: ['oidc', 'email'], sees: 'assigned' },
  fund_manager: { invitedBy: ['admin'], oidcJustInTime: true, signIn: ['oidc', 'email'], sees: 'everything' },
  admin: { invitedBy: ['admin'], oidcJustInTime: true, signIn: ['oidc', 'email'], sees: 'everything' },
};

/** Roles a holder of `inviter` may invite people to. */
export function invitableBy(inviter: Role): Role[] {
  return (Object.keys(JOINING) as Role[]).filter((r) => JOINING[r].invitedBy.includes(inviter));
}

export function justInTimeRoles(): Role[] {
  return (Object.keys(JOINING) as Role[]).filter((r) => JOINING[r].oidcJustInTime);
}
