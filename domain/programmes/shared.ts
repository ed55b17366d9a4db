import type { Bilingual, ProgrammeRole } from '../programme';
import type { TaskKind } from '../tasks';
import { SHARED_ROLES } from './roles';

/** The Country Office and the fund's staff, as every programme run with the Country Offices has them. */
export const COUNTRY_OFFICE_AND_FUND_ROLES = {
  co_approver: { ...SHARED_ROLES.co_approver, scope: { same: 'countryCode' } },
  fund_manager: { ...SHARED_ROLES.fund_manager, scope: { all: true } },
  admin: { ...SHARED_ROLES.admin, scope: { all: true } },
  auditor: { ...SHARED_ROLES.auditor, scope: { all: true } },
} as const satisfies Record<string, ProgrammeRole>;

/**
 * What a task of the shared steps (workflows/shared-steps.ts) asks of its assignee: one sentence in
 * its mail. A programme's own kinds have theirs in its dictionary; domain/registry.ts merges them.
 */
export const SHARED_TASK_MAILS: Partial<Record<TaskKind, Bilingual>> = {
  co_endorsement: {
    en: 'Decide on behalf of the Country Office: endorse it, ask for changes, or reject it.',
    ru: 'Примите решение от имени странового офиса: одобрить, запросить изменения или отклонить.',
  },
  revise: {
    en: 'Revise and resubmit it; it is then checked again.',
    ru: 'Доработайте и отправьте повторно; после этого проверка пройдёт снова.',
  },
  alignment_review: {
    en: 'The automatic check found only a partial match with the country’s Cooperation Framework: confirm the alignment or reject it.',
    ru: 'Автоматическая проверка нашла лишь частичное соответствие Рамочной программе сотрудничества: подтвердите соответствие или отклоните.',
  },
  contract_signature: {
    en: 'Read the contract and its payment schedule, then sign it or decline.',
    ru: 'Ознакомьтесь с договором и графиком платежей, затем подпишите его или откажитесь.',
  },
};
