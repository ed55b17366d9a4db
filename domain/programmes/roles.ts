import type { RoleSpec } from '../programme';

/**
 * Roles that more than one programme has, declared once: each programme's entry spreads the ones
 * it uses and adds what they see there (`scope`). A role of one programme only is declared in its entry.
 */
export const SHARED_ROLES = {
  applicant: {
    label: { en: 'applicant', ru: 'заявитель' },
    joining: {
      selfRegistration: 'institution',
      approvedBy: 'fund_manager',
      invitedBy: ['applicant'],
      invitationScope: 'inviter_institution',
      oidcJustInTime: false,
      signIn: ['email'],
    },
  },
  co_approver: {
    label: { en: 'Country Office approver', ru: 'сотрудник странового офиса' },
    joining: { invitedBy: ['admin'], invitationScope: 'country', oidcJustInTime: true, signIn: ['oidc', 'email'] },
  },
  fund_manager: {
    label: { en: 'fund manager', ru: 'менеджер фонда' },
    joining: { invitedBy: ['admin'], oidcJustInTime: true, signIn: ['oidc', 'email'] },
  },
  reviewer: {
    label: { en: 'reviewer', ru: 'рецензент' },
    joining: { invitedBy: ['admin'], oidcJustInTime: true, signIn: ['oidc', 'email'] },
  },
  expert: {
    label: { en: 'expert', ru: 'эксперт' },
    joining: {
      selfRegistration: 'expert_profile',
      approvedBy: 'fund_manager',
      invitedBy: [],
      oidcJustInTime: false,
      signIn: ['email'],
    },
  },
  // Reads the whole portfolio (results, provenance of decisions, audit trail) and decides nothing.
  auditor: {
    label: { en: 'auditor', ru: 'аудитор' },
    joining: { invitedBy: ['admin'], oidcJustInTime: true, signIn: ['oidc', 'email'] },
    readOnly: true,
  },
  admin: {
    label: { en: 'administrator', ru: 'администратор' },
    joining: { invitedBy: ['admin'], oidcJustInTime: true, signIn: ['oidc', 'email'] },
  },
} as const satisfies Record<string, RoleSpec>;
