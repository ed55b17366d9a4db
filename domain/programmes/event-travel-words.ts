import type { ProgrammeLabels } from '../programme';

/** SDG event travel in words, English and Russian (merged by domain/registry.ts). */
export const EVENT_TRAVEL_WORDS = {
  name: { en: 'Experts at SDG events', ru: 'Эксперты на мероприятиях по ЦУР' },
  subject: { en: 'Event travel application', ru: 'Заявка на поездку' },
  openSubject: { en: 'Open the travel application', ru: 'Открыть заявку на поездку' },
  paymentItem: { word: { en: 'travel payment', ru: 'платёж по поездке' }, field: { en: 'Payment', ru: 'Платёж' } },
  stages: {
    intake: {
      name: { en: 'Application and eligibility', ru: 'Заявка и проверка условий' },
      phrase: { en: 'being checked for eligibility', ru: 'проверяется на соответствие условиям' },
    },
    review: { name: { en: 'Review', ru: 'Рассмотрение' }, phrase: { en: 'under review', ru: 'на рассмотрении' } },
    travel_authorisation: {
      name: { en: 'Travel authorisation', ru: 'Разрешение на поездку' },
      phrase: { en: 'awaiting the travel authorisation', ru: 'ожидает разрешения на поездку' },
    },
    trip: { name: { en: 'Trip', ru: 'Поездка' }, phrase: { en: 'on the trip', ru: 'в поездке' } },
    settlement: {
      name: { en: 'Report and settlement', ru: 'Отчёт и расчёт' },
      phrase: { en: 'in report and settlement', ru: 'на этапе отчёта и расчёта' },
    },
  },
  waiting: {
    intake: { en: 'Automatic eligibility checks are running.', ru: 'Идёт автоматическая проверка условий.' },
    review: { en: 'Waiting for the fund manager’s review.', ru: 'Ожидается решение менеджера фонда.' },
    travel_authorisation: {
      en: 'Waiting for the travel authorisation to be signed.',
      ru: 'Ожидается подписание разрешения на поездку.',
    },
    trip: {
      en: 'The trip is under way; the report opens on return.',
      ru: 'Идёт поездка; отчёт откроется по возвращении.',
    },
    settlement: { en: 'Waiting for the report and the settlement.', ru: 'Ожидаются отчёт и окончательный расчёт.' },
  },
  taskMails: {
    travel_review: {
      en: 'Score the application on the rubric and approve its costs within the annual travel budget, ask for changes, or reject it.',
      ru: 'Оцените заявку по критериям и утвердите расходы в пределах годового бюджета поездок, запросите изменения или отклоните её.',
    },
    travel_revision: {
      en: 'The fund manager asked for changes: revise your application and resubmit it; it is checked again.',
      ru: 'Менеджер фонда запросил изменения: доработайте заявку и отправьте её повторно; проверка пройдёт снова.',
    },
    trip_confirmation: {
      en: 'Your trip is authorised and the advance is paid. Until departure you may change the dates or cancel the trip (the advance is then recovered).',
      ru: 'Поездка разрешена, аванс выплачен. До отъезда вы можете изменить даты или отменить поездку (аванс тогда возвращается).',
    },
    travel_report: {
      en: 'Welcome back: submit your back-to-office report and proof of attendance; the settlement follows.',
      ru: 'С возвращением: представьте отчёт о поездке и подтверждение участия; затем будет произведён окончательный расчёт.',
    },
    settlement_verification: {
      en: 'Check the back-to-office report and the settlement (DSA on the actual dates, minus the advance), then verify it or ask for a revision.',
      ru: 'Проверьте отчёт о поездке и расчёт (суточные по фактическим датам за вычетом аванса), затем подтвердите или запросите доработку.',
    },
  },
} as const satisfies ProgrammeLabels;
