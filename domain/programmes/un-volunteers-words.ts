import type { ProgrammeLabels } from '../programme';

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
    unv_volunteer_clearances: {
      en: 'You are the selected UN Volunteer: have your medical examination and complete the UN security training, then confirm the days here (or withdraw).',
      ru: 'Вы выбраны добровольцем ООН: пройдите медицинский осмотр и обучение ООН по безопасности, затем укажите здесь их даты (или откажитесь).',
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
    unv_interim_statement: {
      en: 'Enter UNV’s interim financial statement for the volunteer (spent to the period’s end); it is reconciled against the commitment and the spending expected to that day.',
      ru: 'Внесите промежуточный финансовый отчёт ДООН по добровольцу (израсходовано на конец периода); он сверяется с обязательством и ожидаемыми на эту дату расходами.',
    },
    unv_extension_decision: {
      en: 'The host asks to extend the assignment: grant it (the commitment grows by the recomputed cost) or refuse it.',
      ru: 'Принимающая организация просит продлить назначение: одобрите (обязательство растёт на пересчитанную сумму) или откажите.',
    },
    unv_end_report: {
      en: 'Submit the end-of-assignment report and rate the volunteer’s contribution.',
      ru: 'Представьте итоговый отчёт о назначении и оцените вклад добровольца.',
    },
    unv_volunteer_end_report: {
      en: 'Your assignment has ended: submit your end-of-assignment report and rate the assignment.',
      ru: 'Ваше назначение завершено: представьте итоговый отчёт и оцените назначение.',
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
