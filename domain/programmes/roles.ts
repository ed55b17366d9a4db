import type { RoleSpec } from '../programme';

/**
 * Roles that more than one programme has, declared once: each programme's entry spreads the ones
 * it uses and adds what they see there (`scope`). A role of one programme only is declared in its entry.
 */
export const SHARED_ROLES = {
  applicant: {
    label: { en: 'applicant', ru: 'заявитель' },
    words: {
      role: { en: 'Applicant', ru: 'Заявитель' },
      actor: { en: 'Applicant', ru: 'Заявитель' },
      who: { en: 'the applicant', ru: 'заявителя' },
    },
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
    words: {
      role: { en: 'Country Office', ru: 'Страновой офис' },
      actor: { en: 'UNDP Country Office', ru: 'Страновой офис ПРООН' },
      who: { en: 'the UNDP Country Office', ru: 'странового офиса ПРООН' },
    },
    joining: { invitedBy: ['admin'], invitationScope: 'country', oidcJustInTime: true, signIn: ['oidc', 'email'] },
  },
  fund_manager: {
    label: { en: 'fund manager', ru: 'менеджер фонда' },
    words: {
      role: { en: 'Fund manager', ru: 'Менеджер фонда' },
      actor: { en: 'Fund manager', ru: 'Менеджер фонда' },
      who: { en: 'the fund manager', ru: 'менеджера фонда' },
    },
    joining: { invitedBy: ['admin'], oidcJustInTime: true, signIn: ['oidc', 'email'] },
  },
  reviewer: {
    label: { en: 'reviewer', ru: 'рецензент' },
    words: {
      role: { en: 'Reviewer', ru: 'Рецензент' },
      actor: { en: 'Reviewer', ru: 'Рецензент' },
      who: { en: 'a reviewer', ru: 'рецензента' },
    },
    joining: { invitedBy: ['admin'], oidcJustInTime: true, signIn: ['oidc', 'email'] },
  },
  expert: {
    label: { en: 'expert', ru: 'эксперт' },
    words: {
      role: { en: 'Expert', ru: 'Эксперт' },
      actor: { en: 'Expert', ru: 'Эксперт' },
      who: { en: 'the expert', ru: 'эксперта' },
    },
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
    words: {
      role: { en: 'Auditor', ru: 'Аудитор' },
      actor: { en: 'Auditor', ru: 'Аудитор' },
      who: { en: 'an auditor', ru: 'аудитора' },
    },
    joining: { invitedBy: ['admin'], oidcJustInTime: true, signIn: ['oidc', 'email'] },
    readOnly: true,
  },
  admin: {
    label: { en: 'administrator', ru: 'администратор' },
    words: {
      role: { en: 'Administrator', ru: 'Администратор' },
      actor: { en: 'Administrator', ru: 'Администратор' },
      who: { en: 'an administrator', ru: 'администратора' },
    },
    joining: { invitedBy: ['admin'], oidcJustInTime: true, signIn: ['oidc', 'email'] },
  },
} as const satisfies Record<string, RoleSpec>;
