import type { ProgrammeLabels } from '../programme';

/** The Russian Challenge Fund in words, English and Russian (merged by domain/registry.ts). */
export const CHALLENGE_FUND_WORDS = {
  name: { en: 'Russian Challenge Fund', ru: 'Российский фонд решений' },
  subject: { en: 'Proposal', ru: 'Заявка' },
  openSubject: { en: 'Open the proposal', ru: 'Открыть заявку' },
  paymentItem: { word: { en: 'milestone', ru: 'этап' }, field: { en: 'Milestone', ru: 'Этап' } },
  waiting: {
    intake: { en: 'Automatic checks are running.', ru: 'Идут автоматические проверки.' },
    co_endorsement: { en: 'Waiting for the UNDP Country Office.', ru: 'Ожидается решение странового офиса ПРООН.' },
    alignment_check: { en: 'Waiting for the alignment check.', ru: 'Ожидается проверка соответствия.' },
    selection: {
      en: 'Waiting for the selection committee (reviewers and the fund manager).',
      ru: 'Ожидается решение отборочной комиссии (рецензенты и менеджер фонда).',
    },
    contracting: { en: 'Waiting for the contract to be prepared.', ru: 'Готовится договор.' },
    mission: { en: 'Waiting for the next milestone.', ru: 'Ожидается следующий этап.' },
    evaluation: { en: 'Waiting for the evaluation.', ru: 'Ожидается оценка.' },
  },
  taskMails: {
    policy_exception: {
      en: 'The grant needs an exception from the policy rules: approve it with a justification, or reject it.',
      ru: 'Для гранта нужно исключение из правил: утвердите его с обоснованием или отклоните.',
    },
    assign_reviewers: {
      en: 'Assign at least two independent reviewers; the list shows each reviewer’s workload and any conflict with the applicant’s institution.',
      ru: 'Назначьте не менее двух независимых рецензентов; в списке видны загрузка каждого и конфликт с организацией заявителя.',
    },
    conflict_declaration: {
      en: 'You are asked to review a proposal. First declare whether you have a conflict of interest; the proposal opens after that.',
      ru: 'Вас просят отрецензировать заявку. Сначала заявите, есть ли у вас конфликт интересов; после этого заявка откроется.',
    },
    review_score: {
      en: 'Score the proposal against the criteria of the call.',
      ru: 'Оцените заявку по критериям конкурса.',
    },
    selection_decision: {
      en: 'The reviewers’ scores are in: select the proposal, put it on the waiting list, or reject it.',
      ru: 'Оценки рецензентов получены: отберите заявку, включите её в резерв или отклоните.',
    },
    waitlist_review: {
      en: 'The proposal is on the waiting list: select it or reject it.',
      ru: 'Заявка в резерве: отберите или отклоните её.',
    },
    progress_report: {
      en: 'Report on the milestone; its tranche is released once the Country Office verifies the report.',
      ru: 'Отчитайтесь о выполнении этапа; транш за этап перечисляется после проверки отчёта страновым офисом.',
    },
    report_verification: {
      en: 'Verify the progress report: accepting it releases the tranche of the milestone.',
      ru: 'Проверьте отчёт о ходе работ: после его принятия перечисляется транш за этап.',
    },
    extension_decision: {
      en: 'The applicant asks to move a milestone’s date without changing the budget: approve the new date or refuse it, with a reason.',
      ru: 'Заявитель просит перенести срок этапа без изменения бюджета: утвердите новую дату или откажите, указав причину.',
    },
    final_report: {
      en: 'Submit the final report on the results of the project; the Country Office and the fund manager evaluate them on its basis.',
      ru: 'Представьте итоговый отчёт о результатах проекта; на его основе страновой офис и менеджер фонда оценят результаты.',
    },
    evaluation: {
      en: 'The project is complete: rate its relevance, effectiveness, efficiency and sustainability from the final report.',
      ru: 'Проект завершён: оцените по итоговому отчёту его актуальность, результативность, эффективность и устойчивость.',
    },
  },
} as const satisfies ProgrammeLabels;
