import type { StageLabel } from './programme';
import type { Outcome, Phase } from './stages';

/**
 * The shared phases and outcomes in words, English and Russian: `name` in badges and tables of
 * the web app, `phrase` inside mail sentences. A programme overrides a stage's label in its own
 * entry (domain/programmes/*.ts); domain/registry.ts `stageLabel` merges the two.
 */
export const PHASE_AND_OUTCOME_LABELS: Record<Phase | Outcome, StageLabel> = {
  intake: {
    name: { en: 'Intake', ru: 'Приём заявки' },
    phrase: { en: 'intake and eligibility screening', ru: 'приём и проверка соответствия требованиям' },
  },
  co_endorsement: {
    name: { en: 'Country Office endorsement', ru: 'Одобрение страновым офисом' },
    phrase: { en: 'Country Office endorsement', ru: 'одобрение страновым офисом' },
  },
  alignment_check: {
    name: { en: 'Alignment check', ru: 'Проверка соответствия' },
    phrase: { en: 'Cooperation Framework alignment check', ru: 'проверка соответствия Рамочной программе' },
  },
  selection: { name: { en: 'Selection', ru: 'Отбор' }, phrase: { en: 'selection', ru: 'отбор' } },
  contracting: {
    name: { en: 'Contracting', ru: 'Заключение договора' },
    phrase: { en: 'contracting', ru: 'заключение договора' },
  },
  mission: { name: { en: 'Implementation', ru: 'Реализация' }, phrase: { en: 'implementation', ru: 'реализация' } },
  evaluation: { name: { en: 'Evaluation', ru: 'Оценка' }, phrase: { en: 'evaluation', ru: 'оценка' } },
  closed: { name: { en: 'Closed', ru: 'Закрыто' }, phrase: { en: 'closed', ru: 'завершено' } },
  rejected: { name: { en: 'Rejected', ru: 'Отклонено' }, phrase: { en: 'rejected', ru: 'отклонено' } },
  withdrawn: { name: { en: 'Withdrawn', ru: 'Отозвано' }, phrase: { en: 'withdrawn', ru: 'отозвано' } },
  cancelled: { name: { en: 'Cancelled', ru: 'Отменено' }, phrase: { en: 'cancelled', ru: 'отменено' } },
  terminated: {
    name: { en: 'Ended early', ru: 'Прекращено досрочно' },
    phrase: { en: 'ended early', ru: 'прекращено досрочно' },
  },
};
