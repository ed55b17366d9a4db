import type { Bilingual, ProgrammeLabels } from '../programme';

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

/** The words of its pages (web/pages/event-travel.ts): the list, an application's sections, roles and cost lines. */
export const EVENT_TRAVEL_PAGE_WORDS = {
  list: { en: 'SDG event travel', ru: 'Поездки на мероприятия по ЦУР' },
  caption: { en: 'Event travel applications', ru: 'Заявки на поездки' },
  none: { en: 'No travel applications yet.', ru: 'Заявок на поездки пока нет.' },
  event: { en: 'Event', ru: 'Мероприятие' },
  place: { en: 'Place', ru: 'Место' },
  dates: { en: 'Travel dates', ru: 'Даты поездки' },
  approved: { en: 'Approved', ru: 'Утверждено' },
  organiser: { en: 'Organiser', ru: 'Организатор' },
  role: { en: 'Role', ru: 'Роль' },
  contribution: { en: 'Contribution', ru: 'Выступление' },
  invitation: { en: 'Invitation', ru: 'Приглашение' },
  invitationPending: {
    en: 'No invitation recorded.',
    ru: 'Приглашение не указано.',
  },
  costs: { en: 'Costs', ru: 'Расходы' },
  costsCaption: { en: 'Cost lines under the travel rules', ru: 'Статьи расходов по правилам поездок' },
  line: { en: 'Line', ru: 'Статья' },
  basis: { en: 'Basis', ru: 'Основание' },
  amount: { en: 'Amount', ru: 'Сумма' },
  total: { en: 'Total', ru: 'Итого' },
  advance: { en: 'Advance', ru: 'Аванс' },
  payments: { en: 'Payments', ru: 'Платежи' },
  report: { en: 'Back-to-office report', ru: 'Отчёт о поездке' },
  settlement: { en: 'Settlement', ru: 'Окончательный расчёт' },
  next: {
    en: 'The fund reviews the application, authorises the trip and settles it after your report.',
    ru: 'Фонд рассматривает заявку, разрешает поездку и производит расчёт после вашего отчёта.',
  },
  speaker: { en: 'Speaker', ru: 'Докладчик' },
  panellist: { en: 'Panellist', ru: 'Участник дискуссии' },
  presenter: { en: 'Presenter of a Russian solution', ru: 'Презентация российского решения' },
  airfare: { en: 'Airfare (economy)', ru: 'Авиабилет (эконом)' },
  dsa: { en: 'Daily subsistence allowance', ru: 'Суточные' },
  nights: { en: 'nights', ru: 'ноч.' },
  economy: { en: 'economy class, return', ru: 'эконом-класс, туда и обратно' },
  journeys: { en: 'journeys', ru: 'поездки' },
  terminal: { en: 'Terminal expenses', ru: 'Терминальные расходы' },
  registration: { en: 'Registration fee', ru: 'Регистрационный взнос' },
  visa: { en: 'Visa', ru: 'Виза' },
} as const satisfies Record<string, Bilingual>;

/** The words of its decision and revision forms on the task page (web/pages/event-travel-forms.ts). */
export const EVENT_TRAVEL_FORM_WORDS = {
  rubric: { en: 'Relevance (0–5 each)', ru: 'Оценка (0–5 по каждому критерию)' },
  sdgRelevance: { en: 'SDG relevance', ru: 'Связь с ЦУР' },
  visibility: { en: 'Visibility of Russian knowledge', ru: 'Видимость российских решений' },
  partnerCountryAudience: { en: 'Partner-country audience', ru: 'Аудитория из стран-партнёров' },
  undpProgrammeLink: { en: 'Link to UNDP programmes', ru: 'Связь с программами ПРООН' },
  approvedFigures: {
    en: 'Approved figures (leave blank to approve the estimate); DSA and terminal expenses follow the travel rules',
    ru: 'Утверждённые суммы (пусто — как в заявке); суточные и терминальные расходы рассчитываются по правилам',
  },
  airfareUsd: { en: 'Airfare, economy return (USD)', ru: 'Авиабилет эконом-класса туда и обратно (долл. США)' },
  registrationFeeUsd: { en: 'Registration fee (USD)', ru: 'Регистрационный взнос (долл. США)' },
  visaUsd: { en: 'Visa (USD)', ru: 'Виза (долл. США)' },
  departureDate: { en: 'Departure date', ru: 'Дата отъезда' },
  returnDate: { en: 'Return date', ru: 'Дата возвращения' },
  reason: { en: 'Reason', ru: 'Причина' },
  presented: { en: 'What you presented', ru: 'Что вы представили' },
  contacts: { en: 'Contacts made', ru: 'Установленные контакты' },
  followUp: { en: 'Follow-up opportunities for partner countries', ru: 'Дальнейшие возможности для стран-партнёров' },
  link: { en: 'A photo or a link (optional)', ru: 'Фото или ссылка (необязательно)' },
  actualDepartureDate: { en: 'Actual departure date', ru: 'Фактическая дата отъезда' },
  actualReturnDate: { en: 'Actual return date', ru: 'Фактическая дата возвращения' },
  attendanceProof: {
    en: 'Notes on the proof of attendance (optional; upload the boarding passes or certificate under Documents)',
    ru: 'Пояснения к подтверждению участия (необязательно; посадочные талоны или сертификат загрузите в разделе «Документы»)',
  },
  contributionTitle: { en: 'Title of your contribution', ru: 'Название выступления' },
  contributionAbstract: { en: 'Abstract', ru: 'Аннотация' },
} as const satisfies Record<string, Bilingual>;

/** The words of its application form (web/pages/event-travel-apply.ts); `apply` also on the list page. */
export const EVENT_TRAVEL_APPLY_WORDS = {
  title: { en: 'Apply for SDG event travel', ru: 'Заявка на поездку на мероприятие по ЦУР' },
  apply: { en: 'Apply for an event', ru: 'Подать заявку на поездку' },
  lead: {
    en: 'The partnership funds roster experts’ travel to present Russian knowledge and solutions at international SDG events held outside Russia. Economy airfare, the UN daily subsistence allowance of the event city and terminal expenses follow the UN travel rules in force.',
    ru: 'Партнёрство оплачивает поездки экспертов реестра для представления российских знаний и решений на международных мероприятиях по ЦУР за пределами России. Авиабилет эконом-класса, суточные ООН по городу мероприятия и терминальные расходы — по действующим правилам поездок ООН.',
  },
  rules: {
    en: 'Apply at least 4 weeks before departure; a speaking role needs an invitation from the organiser.',
    ru: 'Подайте заявку не позднее чем за 4 недели до отъезда; для выступления нужно приглашение организатора.',
  },
  submit: { en: 'Send the application', ru: 'Отправить заявку' },
  sectionExpert: { en: 'Roster expert', ru: 'Эксперт реестра' },
  expertId: { en: 'Roster id of the expert', ru: 'Номер эксперта в реестре' },
  expertHint: {
    en: 'Start typing a name or an id (such as exp-001); the expert must have an account.',
    ru: 'Начните вводить имя или номер (например, exp-001); у эксперта должна быть учётная запись.',
  },
  sectionEvent: { en: 'The event', ru: 'Мероприятие' },
  'event.name': { en: 'Name of the event', ru: 'Название мероприятия' },
  'event.organiser': { en: 'Organiser', ru: 'Организатор' },
  'event.city': { en: 'City', ru: 'Город' },
  'event.countryCode': { en: 'Country (outside Russia)', ru: 'Страна (за пределами России)' },
  'event.startDate': { en: 'First day', ru: 'Первый день' },
  'event.endDate': { en: 'Last day', ru: 'Последний день' },
  'event.website': { en: 'Website', ru: 'Сайт' },
  'event.sdgs': { en: 'SDGs the event addresses', ru: 'ЦУР, которым посвящено мероприятие' },
  'event.expectedAudience': { en: 'Expected audience', ru: 'Ожидаемая аудитория' },
  audienceHint: {
    en: 'Who attends: partner-country delegations, agencies, approximate numbers.',
    ru: 'Кто участвует: делегации стран-партнёров, агентства, примерное число участников.',
  },
  sectionRole: { en: 'Your role and contribution', ru: 'Роль и выступление' },
  role: { en: 'Role', ru: 'Роль' },
  speaker: { en: 'Speaker', ru: 'Докладчик' },
  panellist: { en: 'Panellist', ru: 'Участник дискуссии' },
  presenter: { en: 'Presenter of a Russian solution', ru: 'Презентация российского решения' },
  solution: { en: 'The Russian solution presented', ru: 'Представляемое российское решение' },
  solutionHint: { en: 'Required for a presenter.', ru: 'Обязательно для презентации решения.' },
  sideEvent: { en: 'At a side event', ru: 'На параллельном мероприятии' },
  format: { en: 'Format', ru: 'Формат' },
  'contribution.title': { en: 'Title of the contribution', ru: 'Название выступления' },
  'contribution.abstract': { en: 'Abstract', ru: 'Аннотация' },
  sectionInvitation: { en: 'Invitation from the organiser', ru: 'Приглашение организатора' },
  'invitation.from': { en: 'Invited by', ru: 'Кто пригласил' },
  'invitation.date': { en: 'Date of the letter', ru: 'Дата письма' },
  'invitation.reference': { en: 'Reference (optional)', ru: 'Номер письма (необязательно)' },
  invitationHint: {
    en: 'Attach the organiser’s letter: a speaking role is eligible only with a letter that passed its malware scan.',
    ru: 'Приложите письмо организатора: выступление проходит по условиям только с письмом, прошедшим проверку на вредоносное ПО.',
  },
  invitationLetter: { en: 'The invitation letter (a file)', ru: 'Письмо-приглашение (файл)' },
  letterHint: {
    en: 'PDF, an image or a text document, up to 20 MB. It is scanned for malware before eligibility is checked.',
    ru: 'PDF, изображение или текстовый документ, до 20 МБ. Перед проверкой условий файл проверяется на вредоносное ПО.',
  },
  letterKept: {
    en: 'Uploaded: {name}. Choose another file only to replace it.',
    ru: 'Загружено: {name}. Выберите другой файл, только чтобы заменить его.',
  },
  sectionItinerary: { en: 'Itinerary', ru: 'Маршрут' },
  'itinerary.departureCity': { en: 'Departure city', ru: 'Город отправления' },
  'itinerary.departureDate': { en: 'Departure date', ru: 'Дата отъезда' },
  'itinerary.returnDate': { en: 'Return date', ru: 'Дата возвращения' },
  sectionCosts: { en: 'Cost estimate (USD)', ru: 'Смета расходов (долл. США)' },
  costsHint: {
    en: 'The daily subsistence allowance and terminal expenses are computed from the UN rates in force; enter the other lines.',
    ru: 'Суточные и терминальные расходы рассчитываются по действующим ставкам ООН; укажите остальные статьи.',
  },
  'costs.airfareUsd': { en: 'Airfare, economy return', ru: 'Авиабилет эконом-класса туда и обратно' },
  'costs.registrationFeeUsd': { en: 'Registration fee', ru: 'Регистрационный взнос' },
  'costs.visaUsd': { en: 'Visa', ru: 'Виза' },
} as const satisfies Record<string, Bilingual>;
