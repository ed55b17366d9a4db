import type { ProgrammeLabels } from '../programme';

/** Experts on Demand in words, English and Russian (merged by domain/registry.ts). */
export const EXPERTS_ON_DEMAND_WORDS = {
  name: { en: 'Experts on Demand', ru: 'Эксперты по запросу' },
  subject: { en: 'Expert request', ru: 'Запрос эксперта' },
  openSubject: { en: 'Open the expert request', ru: 'Открыть запрос' },
  paymentItem: { word: { en: 'deliverable', ru: 'результат' }, field: { en: 'Deliverable', ru: 'Результат' } },
  stages: {
    mission: { name: { en: 'Mission', ru: 'Миссия' } },
  },
  waiting: {
    intake: { en: 'Automatic checks are running.', ru: 'Идут автоматические проверки.' },
    co_endorsement: { en: 'Waiting for the Country Office.', ru: 'Ожидается решение странового офиса.' },
    alignment_check: { en: 'Waiting for the alignment check.', ru: 'Ожидается проверка соответствия.' },
    selection: { en: 'Waiting for the selection of the expert.', ru: 'Идёт выбор эксперта.' },
    contracting: { en: 'Waiting for the contract.', ru: 'Готовится договор.' },
    mission: { en: 'Waiting for the next deliverable.', ru: 'Ожидается следующий результат.' },
    evaluation: { en: 'Waiting for the ratings.', ru: 'Ожидаются оценки.' },
  },
  taskMails: {
    shortlist_review: {
      en: 'Roster matching proposed a shortlist of experts: confirm it or change it before the invitations go out.',
      ru: 'Подбор по реестру предложил короткий список экспертов: подтвердите или измените его до рассылки приглашений.',
    },
    invitation_response: {
      en: 'If you accept, the Country Office compares you with the other candidates who accepted.',
      ru: 'Если вы примете приглашение, страновой офис сравнит вас с другими принявшими его кандидатами.',
    },
    candidate_selection: {
      en: 'Compare the experts who accepted the invitation and select one, or reject them all.',
      ru: 'Сравните экспертов, принявших приглашение, и выберите одного или отклоните всех.',
    },
    fee_approval: {
      en: 'The individual contract needs your approval (for example, a daily fee above the threshold): approve it with a justification, or reject it.',
      ru: 'Индивидуальный договор требует вашего утверждения (например, дневная ставка выше порога): утвердите его с обоснованием или отклоните.',
    },
    deliverable_submission: {
      en: 'Submit the deliverable; it is paid once the Country Office accepts it.',
      ru: 'Представьте результат; он оплачивается после принятия страновым офисом.',
    },
    deliverable_acceptance: {
      en: 'Review the deliverable: accepting it releases its payment to the expert.',
      ru: 'Проверьте результат: после его принятия эксперту перечисляется оплата.',
    },
    expert_evaluation: {
      en: 'The assignment is complete: rate the expert’s work. Ratings feed the expert roster.',
      ru: 'Задание выполнено: оцените работу эксперта. Оценки учитываются в реестре экспертов.',
    },
    assignment_feedback: {
      en: 'The assignment is complete: rate how the Country Office prepared and supported it.',
      ru: 'Задание выполнено: оцените, как страновой офис подготовил и поддержал его.',
    },
  },
} as const satisfies ProgrammeLabels;
