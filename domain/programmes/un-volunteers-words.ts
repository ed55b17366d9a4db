import type { Bilingual, ProgrammeLabels } from '../programme';

/** UN Volunteers fully funded, in words, English and Russian (merged by domain/registry.ts). */
export const UN_VOLUNTEERS_WORDS = {
  name: { en: 'UN Volunteers, fully funded', ru: 'Добровольцы ООН (полное финансирование)' },
  subject: { en: 'UN Volunteer assignment', ru: 'Назначение добровольца ООН' },
  openSubject: { en: 'Open the assignment', ru: 'Открыть назначение' },
  paymentItem: { word: { en: 'transfer to UNV', ru: 'перевод в ДООН' }, field: { en: 'Transfer', ru: 'Перевод' } },
  stages: {
    intake: {
      name: { en: 'Request', ru: 'Запрос' },
      phrase: { en: 'being checked', ru: 'проверяется' },
    },
    funding_decision: {
      name: { en: 'Funding decision', ru: 'Решение о финансировании' },
      phrase: { en: 'awaiting the funding decision', ru: 'ожидает решения о финансировании' },
    },
    recruitment: {
      name: { en: 'Recruitment and host selection', ru: 'Подбор и выбор кандидата' },
      phrase: { en: 'in recruitment', ru: 'на этапе подбора' },
    },
    deployment: {
      name: { en: 'Offer, clearances and deployment', ru: 'Предложение, допуски и направление' },
      phrase: { en: 'in offer, clearances and deployment', ru: 'на этапе предложения, допусков и направления' },
    },
    assignment: { name: { en: 'Assignment', ru: 'Назначение' }, phrase: { en: 'on assignment', ru: 'на назначении' } },
    reconciliation: {
      name: { en: 'End-of-assignment report and reconciliation', ru: 'Итоговый отчёт и финансовая сверка' },
      phrase: { en: 'in the final report and reconciliation', ru: 'на этапе итогового отчёта и сверки' },
    },
    not_funded: {
      name: { en: 'Not funded', ru: 'Не профинансировано' },
      phrase: { en: 'not funded', ru: 'не профинансировано' },
    },
    separated_early: {
      name: { en: 'Separated early', ru: 'Досрочно завершено' },
      phrase: { en: 'separated early', ru: 'досрочно завершено' },
    },
  },
  waiting: {
    intake: { en: 'The request is being checked against the rule set.', ru: 'Запрос проверяется по правилам.' },
    funding_decision: {
      en: 'Waiting for the fund manager’s funding decision.',
      ru: 'Ожидается решение менеджера фонда о финансировании.',
    },
    recruitment: {
      en: 'Waiting for UNV’s shortlist and the host’s selection.',
      ru: 'Ожидаются короткий список ДООН и выбор принимающей организации.',
    },
    deployment: {
      en: 'Waiting for the offer, the clearances and the deployment date.',
      ru: 'Ожидаются ответ на предложение, допуски и дата направления.',
    },
    assignment: { en: 'The volunteer is on assignment.', ru: 'Доброволец работает на назначении.' },
    reconciliation: {
      en: 'Waiting for the final report and UNV’s final statement.',
      ru: 'Ожидаются итоговый отчёт и окончательный финансовый отчёт ДООН.',
    },
  },
  taskMails: {
    unv_funding_decision: {
      en: 'Decide whether the fund pays the full cost of this assignment (the cost estimate and what is left of the annual envelope are shown), or decline it.',
      ru: 'Решите, оплачивает ли фонд полную стоимость назначения (показаны смета и остаток годового лимита), или откажите.',
    },
    unv_shortlist: {
      en: 'Screen the candidates (Russian citizens) and propose a shortlist; the rule set of the category checks each one.',
      ru: 'Рассмотрите кандидатов (граждан России) и предложите короткий список; правила категории проверяют каждого.',
    },
    unv_host_selection: {
      en: 'Rank the shortlisted candidates you would accept, best first, or ask UNV for more candidates.',
      ru: 'Ранжируйте приемлемых кандидатов из короткого списка, лучшего первым, или запросите у ДООН других кандидатов.',
    },
    unv_offer: {
      en: 'Record the candidate’s answer to UNV’s offer before its deadline (without an answer it expires and the next candidate is offered).',
      ru: 'Зафиксируйте ответ кандидата на предложение ДООН до срока (без ответа оно истекает и предложение получает следующий кандидат).',
    },
    unv_clearances: {
      en: 'Confirm the medical and security clearances of the volunteer, or record why they were not granted.',
      ru: 'Подтвердите медицинский допуск и допуск по безопасности добровольца или укажите, почему они не получены.',
    },
    unv_deployment: {
      en: 'Confirm the date the volunteer starts at the duty station.',
      ru: 'Подтвердите дату начала работы добровольца в месте назначения.',
    },
    unv_assignment: {
      en: 'The volunteer is on assignment: ask for an extension or report an early separation here; the task closes by itself at the planned end.',
      ru: 'Доброволец на назначении: здесь можно запросить продление или сообщить о досрочном завершении; задача закроется сама в плановую дату окончания.',
    },
    unv_extension_decision: {
      en: 'The host asks to extend the assignment: grant it (the commitment grows by the recomputed cost) or refuse it.',
      ru: 'Принимающая организация просит продлить назначение: одобрите (обязательство растёт на пересчитанную сумму) или откажите.',
    },
    unv_end_report: {
      en: 'Submit the end-of-assignment report and rate the volunteer’s contribution.',
      ru: 'Представьте итоговый отчёт о назначении и оцените вклад добровольца.',
    },
    unv_statement: {
      en: 'Enter UNV’s financial statement for the volunteer (spent to date); explain a variance above the tolerance.',
      ru: 'Внесите финансовый отчёт ДООН по добровольцу (израсходовано на дату); объясните отклонение сверх допустимого.',
    },
    unv_reconciliation: {
      en: 'Check the reconciliation of UNV’s final statement against the commitment and the transfers, then verify it or ask for a corrected statement.',
      ru: 'Проверьте сверку окончательного отчёта ДООН с обязательством и переводами, затем подтвердите её или запросите исправленный отчёт.',
    },
  },
} as const satisfies ProgrammeLabels;

/** The words of its pages (web/pages/un-volunteers.ts): the list, an assignment's sections, categories and cost lines. */
export const UN_VOLUNTEERS_PAGE_WORDS = {
  list: { en: 'UN Volunteers', ru: 'Добровольцы ООН' },
  caption: { en: 'UN Volunteer assignments', ru: 'Назначения добровольцев ООН' },
  none: { en: 'No assignments yet.', ru: 'Назначений пока нет.' },
  assignment: { en: 'Assignment', ru: 'Назначение' },
  dutyStation: { en: 'Duty station', ru: 'Место назначения' },
  category: { en: 'Category', ru: 'Категория' },
  months: { en: 'Months', ru: 'Месяцев' },
  committed: { en: 'Committed', ru: 'Обязательство' },
  transferred: { en: 'Transferred to UNV', ru: 'Перечислено ДООН' },
  spent: { en: 'Spent by UNV', ru: 'Израсходовано ДООН' },
  released: { en: 'Released', ru: 'Высвобождено' },
  host: { en: 'Host', ru: 'Принимающая организация' },
  volunteer: { en: 'Volunteer', ru: 'Доброволец' },
  dates: { en: 'Dates', ru: 'Даты' },
  tasks: { en: 'Tasks', ru: 'Задачи' },
  qualifications: { en: 'Qualifications', ru: 'Квалификация' },
  languages: { en: 'Languages', ru: 'Языки' },
  wishedStart: { en: 'Start wished', ru: 'Желаемое начало' },
  money: { en: 'Money', ru: 'Финансы' },
  costsCaption: { en: 'Cost estimate under the UNV rule set', ru: 'Смета по правилам ДООН' },
  line: { en: 'Element', ru: 'Статья' },
  amount: { en: 'Amount', ru: 'Сумма' },
  total: { en: 'Total', ru: 'Итого' },
  transfers: { en: 'Transfers', ru: 'Переводы' },
  shortlist: { en: 'Candidates', ru: 'Кандидаты' },
  eligible: { en: 'eligible', ru: 'соответствует' },
  ineligible: { en: 'not eligible', ru: 'не соответствует' },
  reconciliation: { en: 'Reconciliation', ru: 'Сверка' },
  variance: { en: 'Variance', ru: 'Отклонение' },
  overspent: { en: 'Spent more than transferred', ru: 'Израсходовано больше перечисленного' },
  report: { en: 'End-of-assignment report', ru: 'Итоговый отчёт' },
  next: {
    en: 'The fund decides on funding, UNV recruits, the host selects and confirms the deployment; UNV’s statements are reconciled at the end.',
    ru: 'Фонд принимает решение о финансировании, ДООН подбирает кандидатов, принимающая сторона выбирает и подтверждает направление; в конце отчёты ДООН сверяются.',
  },
  history: { en: 'History', ru: 'История' },
  youth: { en: 'Youth', ru: 'Молодёжный' },
  university: { en: 'University', ru: 'Университетский' },
  specialist: { en: 'Specialist', ru: 'Специалист' },
  expert: { en: 'Expert', ru: 'Эксперт' },
  vla: { en: 'Volunteer Living Allowance', ru: 'Пособие на проживание' },
  settling_in: { en: 'Settling-in grant', ru: 'Подъёмное пособие' },
  insurance: { en: 'Insurance', ru: 'Страхование' },
  travel: { en: 'Travel', ru: 'Проезд' },
  resettlement: { en: 'Resettlement allowance', ru: 'Пособие на переезд по окончании' },
  support: { en: 'UNV support cost', ru: 'Расходы ДООН на поддержку' },
} as const satisfies Record<string, Bilingual>;

/** The words of its decision forms on the task page (web/pages/un-volunteers-forms.ts). */
export const UN_VOLUNTEERS_FORM_WORDS = {
  candidates: {
    en: 'Candidates, one per line: id; name; citizenship (ISO code); birth date (YYYY-MM-DD); degree (none, enrolled, bachelor, master, doctorate); years of experience',
    ru: 'Кандидаты, по одному в строке: id; имя; гражданство (код ISO); дата рождения (ГГГГ-ММ-ДД); образование (none, enrolled, bachelor, master, doctorate); лет опыта',
  },
  ranking: {
    en: 'Candidate ids you accept, best first, separated by commas',
    ru: 'Id приемлемых кандидатов, лучший первым, через запятую',
  },
  justification: { en: 'Justification', ru: 'Обоснование' },
  reason: { en: 'Reason', ru: 'Причина' },
  medical: { en: 'Medical clearance granted', ru: 'Медицинский допуск получен' },
  security: { en: 'Security clearance granted', ru: 'Допуск по безопасности получен' },
  clearances: { en: 'Clearances', ru: 'Допуски' },
  startDate: { en: 'Start date at the duty station', ru: 'Дата начала в месте назначения' },
  months: { en: 'Additional months', ru: 'Дополнительных месяцев' },
  date: { en: 'Date of separation', ru: 'Дата завершения' },
  report: { en: 'Report', ru: 'Отчёт' },
  rating: { en: 'Rating of the contribution (1–5)', ru: 'Оценка вклада (1–5)' },
  periodEnd: { en: 'Statement period end', ru: 'Конец отчётного периода' },
  spentUsd: { en: 'Spent to date (USD)', ru: 'Израсходовано на дату (долл. США)' },
  varianceExplanation: {
    en: 'Variance explanation (required beyond the tolerance)',
    ru: 'Объяснение отклонения (обязательно сверх допустимого)',
  },
} as const satisfies Record<string, Bilingual>;

/** The words of a task's context panel on the task page (web/pages/un-volunteers-forms.ts): the money and the candidates. */
export const UN_VOLUNTEERS_TASK_WORDS = {
  money: { en: 'The assignment’s money', ru: 'Финансы назначения' },
  estimate: { en: 'Cost estimate', ru: 'Смета' },
  envelopeLeft: { en: 'Left in the year’s envelope', ru: 'Остаток годового лимита' },
  committed: { en: 'Committed', ru: 'Обязательство' },
  transferred: { en: 'Transferred to UNV', ru: 'Перечислено ДООН' },
  spent: { en: 'Spent by UNV', ru: 'Израсходовано ДООН' },
  candidate: { en: 'Candidate', ru: 'Кандидат' },
  offerDeadline: { en: 'Offer deadline', ru: 'Срок ответа на предложение' },
  extension: { en: 'Extension asked', ru: 'Запрошенное продление' },
  extensionCost: { en: 'Its cost', ru: 'Его стоимость' },
  variance: { en: 'Variance (committed − spent)', ru: 'Отклонение (обязательство − расходы)' },
  refund: { en: 'UNV refunds (negative: the fund transfers)', ru: 'Возврат ДООН (минус: перевод фонда)' },
  overspent: { en: 'Spent more than transferred', ru: 'Израсходовано больше перечисленного' },
  eligible: { en: 'Eligible candidates', ru: 'Соответствующие кандидаты' },
} as const satisfies Record<string, Bilingual>;
