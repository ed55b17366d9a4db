import type { Bilingual, ProgrammeLabels } from '../programme';

/** Internships in words, English and Russian (merged by domain/registry.ts). */
export const INTERNSHIP_WORDS = {
  name: { en: 'Internships', ru: 'Стажировки' },
  subject: { en: 'Internship application', ru: 'Заявка на стажировку' },
  openSubject: { en: 'Open the internship application', ru: 'Открыть заявку на стажировку' },
  paymentItem: { word: { en: 'stipend month', ru: 'месяц стипендии' }, field: { en: 'Month', ru: 'Месяц' } },
  stages: {
    intake: {
      name: { en: 'Application and eligibility', ru: 'Заявка и проверка условий' },
      phrase: { en: 'being checked for eligibility', ru: 'проверяется на соответствие условиям' },
    },
    university_verification: {
      name: { en: 'University verification', ru: 'Подтверждение университетом' },
      phrase: { en: 'awaiting the university’s verification', ru: 'ожидает подтверждения университетом' },
    },
    selection: {
      name: { en: 'Shortlist, interview and selection', ru: 'Отбор, собеседование и выбор' },
      phrase: { en: 'in selection', ru: 'на этапе отбора' },
    },
    agreement: {
      name: { en: 'Agreement and onboarding', ru: 'Соглашение и оформление' },
      phrase: { en: 'in agreement and onboarding', ru: 'на этапе соглашения и оформления' },
    },
    placement: { name: { en: 'Placement', ru: 'Стажировка' }, phrase: { en: 'on placement', ru: 'на стажировке' } },
    evaluation: {
      name: { en: 'Evaluation and certificate', ru: 'Оценка и сертификат' },
      phrase: { en: 'in evaluation', ru: 'на этапе оценки' },
    },
    not_selected: {
      name: { en: 'Not selected', ru: 'Не отобран' },
      phrase: { en: 'not selected', ru: 'не отобран' },
    },
  },
  waiting: {
    intake: { en: 'Automatic eligibility checks are running.', ru: 'Идёт автоматическая проверка условий.' },
    university_verification: {
      en: 'Waiting for the university to verify the enrolment.',
      ru: 'Ожидается подтверждение обучения университетом.',
    },
    selection: { en: 'Waiting for the Country Office’s selection.', ru: 'Ожидается решение странового офиса.' },
    agreement: {
      en: 'Waiting for the agreement’s signatures and the onboarding.',
      ru: 'Ожидаются подписи соглашения и оформление.',
    },
    placement: {
      en: 'The placement is under way; stipends are paid monthly.',
      ru: 'Идёт стажировка; стипендия выплачивается ежемесячно.',
    },
    evaluation: {
      en: 'Waiting for the final evaluation and the final report.',
      ru: 'Ожидаются итоговая оценка и итоговый отчёт.',
    },
  },
  taskMails: {
    internship_university_verification: {
      en: 'Confirm that the student is enrolled in (or recently graduated from) the Master’s programme named, and declare any share of the stipend your university pays as a parallel funder.',
      ru: 'Подтвердите, что студент обучается (или недавно окончил) указанную магистерскую программу, и укажите долю стипендии, которую ваш университет выплачивает как параллельный источник финансирования.',
    },
    internship_shortlist: {
      en: 'Shortlist the applicant for an interview, or tell them they were not selected.',
      ru: 'Включите кандидата в короткий список для собеседования или сообщите, что он не отобран.',
    },
    internship_interview: {
      en: 'Record the interview (date and notes) and select the applicant within the posting’s places, or not.',
      ru: 'Внесите данные собеседования (дату и заметки) и выберите кандидата в пределах мест вакансии или откажите.',
    },
    internship_onboarding: {
      en: 'Before the start date: give proof of medical and life insurance for the whole placement (and your visa, if you need one).',
      ru: 'До даты начала: представьте подтверждение медицинского страхования и страхования жизни на весь срок стажировки (и визу, если она нужна).',
    },
    internship_funder_payment: {
      en: 'Confirm that your university paid its share of this month’s stipend.',
      ru: 'Подтвердите, что ваш университет выплатил свою долю стипендии за этот месяц.',
    },
    internship_midterm_review: {
      en: 'Review the intern’s progress at mid-term: a rating and a few lines.',
      ru: 'Оцените работу стажёра на середине срока: оценка и несколько строк.',
    },
    internship_final_evaluation: {
      en: 'Evaluate the internship as its supervisor; the certificate follows.',
      ru: 'Оцените стажировку как руководитель; затем будет выдан сертификат.',
    },
    internship_final_report: {
      en: 'Submit your final report on the internship; the certificate follows.',
      ru: 'Представьте итоговый отчёт о стажировке; затем будет выдан сертификат.',
    },
  },
} as const satisfies ProgrammeLabels;

/** The words of its pages (web/pages/internships.ts): the postings, the applications and an application's sections. */
export const INTERNSHIP_PAGE_WORDS = {
  list: { en: 'Internships', ru: 'Стажировки' },
  postings: { en: 'Postings', ru: 'Вакансии стажировок' },
  postingsCaption: { en: 'Internship postings', ru: 'Вакансии стажировок' },
  applications: { en: 'Applications', ru: 'Заявки' },
  applicationsCaption: { en: 'Internship applications', ru: 'Заявки на стажировку' },
  noPostings: { en: 'No postings yet.', ru: 'Вакансий пока нет.' },
  none: { en: 'No applications yet.', ru: 'Заявок пока нет.' },
  posting: { en: 'Posting', ru: 'Вакансия' },
  place: { en: 'Duty station', ru: 'Место работы' },
  deadline: { en: 'Apply by', ru: 'Приём заявок до' },
  places: { en: 'Places', ru: 'Места' },
  status: { en: 'Status', ru: 'Статус' },
  action: { en: 'Action', ru: 'Действие' },
  stipend: { en: 'Stipend per month', ru: 'Стипендия в месяц' },
  start: { en: 'Start', ru: 'Начало' },
  months: { en: 'Months', ru: 'Месяцев' },
  programme: { en: 'Master’s programme', ru: 'Магистерская программа' },
  field: { en: 'Field of study', ru: 'Область обучения' },
  languages: { en: 'Languages', ru: 'Языки' },
  motivation: { en: 'Motivation', ru: 'Мотивация' },
  profile: { en: 'Student', ru: 'Студент' },
  split: { en: 'Stipend and funding', ru: 'Стипендия и финансирование' },
  fundShare: { en: 'Paid by the fund', ru: 'Выплачивает фонд' },
  funderShare: { en: 'Paid by the university', ru: 'Выплачивает университет' },
  served: { en: 'Months served', ru: 'Отработано месяцев' },
  payments: { en: 'Payments', ru: 'Платежи' },
  payee: { en: 'Payee', ru: 'Получатель' },
  amount: { en: 'Amount', ru: 'Сумма' },
  next: {
    en: 'The university verifies the enrolment, the Country Office shortlists, interviews and selects; the agreement and the placement follow.',
    ru: 'Университет подтверждает обучение, страновой офис проводит отбор, собеседование и выбор; затем соглашение и стажировка.',
  },
  history: { en: 'History', ru: 'История' },
  open: { en: 'Open', ru: 'Открыта' },
  closed: { en: 'Closed', ru: 'Закрыта' },
  filled: { en: 'Filled', ru: 'Места заняты' },
  withdrawn: { en: 'Withdrawn', ru: 'Отозвана' },
} as const satisfies Record<string, Bilingual>;

/** The words of its forms (web/pages/internship-forms.ts): posting a placement, applying, withdrawing, ending early. */
export const INTERNSHIP_FORM_WORDS = {
  newPosting: { en: 'Post an internship', ru: 'Разместить стажировку' },
  postingLead: {
    en: 'The placement is open to Master’s students until its deadline; the duration must lie within the rule set’s bounds and the stipend follows the duty station’s rate.',
    ru: 'Стажировка открыта для магистрантов до срока приёма заявок; продолжительность должна укладываться в пределы набора правил, стипендия — по ставке места работы.',
  },
  sectionPlacement: { en: 'Placement', ru: 'Стажировка' },
  sectionSupervisor: { en: 'Supervisor', ru: 'Руководитель' },
  sectionDates: { en: 'Duration and dates', ru: 'Срок и даты' },
  sectionProfile: { en: 'Who may apply', ru: 'Кто может подать заявку' },
  title: { en: 'Title', ru: 'Название' },
  countryCode: { en: 'Duty station (Country Office)', ru: 'Место работы (страновой офис)' },
  hostOffice: { en: 'Host office', ru: 'Принимающий офис' },
  unit: { en: 'Unit', ru: 'Подразделение' },
  supervisorName: { en: 'Supervisor’s name', ru: 'Имя руководителя' },
  supervisorEmail: { en: 'Supervisor’s e-mail (their account)', ru: 'E-mail руководителя (его учётная запись)' },
  supervisorHint: {
    en: 'A Country Office approver of the duty station; leave empty to supervise it yourself.',
    ru: 'Сотрудник странового офиса места работы; оставьте пустым, чтобы руководить самому.',
  },
  months: { en: 'Duration in months', ru: 'Продолжительность, месяцев' },
  startWindowFrom: { en: 'Earliest start', ru: 'Самое раннее начало' },
  startWindowTo: { en: 'Latest start', ru: 'Самое позднее начало' },
  applicationDeadline: { en: 'Applications until', ru: 'Приём заявок до' },
  termsOfReference: { en: 'Terms of reference', ru: 'Техническое задание' },
  languages: { en: 'Working languages', ru: 'Рабочие языки' },
  fieldOfStudy: { en: 'Field of study', ru: 'Область обучения' },
  places: { en: 'Number of places', ru: 'Количество мест' },
  post: { en: 'Post the internship', ru: 'Разместить стажировку' },
  apply: { en: 'Apply', ru: 'Подать заявку' },
  applyTitle: { en: 'Apply for an internship', ru: 'Заявка на стажировку' },
  applyLead: {
    en: 'Your university verifies your enrolment; the Country Office shortlists, interviews and selects. Attach your CV and proof of enrolment.',
    ru: 'Университет подтвердит ваше обучение; страновой офис проведёт отбор, собеседование и выбор. Приложите резюме и справку об обучении.',
  },
  sectionStudies: { en: 'Your studies', ru: 'Ваше обучение' },
  sectionMotivation: { en: 'Motivation', ru: 'Мотивация' },
  sectionDocuments: { en: 'Documents', ru: 'Документы' },
  masterProgramme: { en: 'Master’s programme', ru: 'Магистерская программа' },
  degree: { en: 'Degree', ru: 'Степень' },
  bachelors: { en: 'Bachelor’s', ru: 'Бакалавриат' },
  masters: { en: 'Master’s', ru: 'Магистратура' },
  phd: { en: 'PhD', ru: 'Аспирантура' },
  studyYear: { en: 'Year of study', ru: 'Год обучения' },
  enrolmentStatus: { en: 'Status', ru: 'Статус' },
  enrolled: { en: 'Enrolled', ru: 'Обучаюсь' },
  graduated: { en: 'Graduated', ru: 'Окончил(а)' },
  graduationDate: { en: 'Graduation date (if graduated)', ru: 'Дата окончания (если окончили)' },
  motivation: { en: 'Motivation letter', ru: 'Мотивационное письмо' },
  needsVisa: { en: 'I need a visa for the duty station', ru: 'Мне нужна виза в страну места работы' },
  visa: { en: 'Visa', ru: 'Виза' },
  cv: { en: 'CV', ru: 'Резюме' },
  cvHint: { en: 'PDF, DOCX, ODT or an image; up to 20 MB.', ru: 'PDF, DOCX, ODT или изображение; до 20 МБ.' },
  proof: { en: 'Proof of enrolment (or of graduation)', ru: 'Справка об обучении (или об окончании)' },
  proofHint: {
    en: 'A letter or certificate of your university; your university verifies it.',
    ru: 'Письмо или справка университета; университет её подтвердит.',
  },
  kept: {
    en: 'Kept from your last try: {name}. Choose a file to replace it.',
    ru: 'Сохранён с прошлой попытки: {name}. Выберите файл, чтобы заменить.',
  },
  submit: { en: 'Send the application', ru: 'Отправить заявку' },
  fileRequired: { en: 'Attach this file: the application needs it.', ru: 'Приложите этот файл: он нужен для заявки.' },
  postingClosed: { en: 'This posting takes no applications now.', ru: 'Эта вакансия сейчас не принимает заявки.' },
  withdraw: { en: 'Withdraw the application', ru: 'Отозвать заявку' },
  withdrawReason: { en: 'Reason (optional)', ru: 'Причина (необязательно)' },
  withdrawConfirm: {
    en: 'I understand that a withdrawn application cannot be reopened.',
    ru: 'Я понимаю, что отозванную заявку нельзя возобновить.',
  },
  terminate: { en: 'End the internship early', ru: 'Досрочно завершить стажировку' },
  terminateReason: { en: 'Reason', ru: 'Причина' },
  terminateHint: {
    en: 'No further month of the stipend is paid; the intern, the supervisor and the university are told.',
    ru: 'Последующие месяцы стипендии не выплачиваются; стажёр, руководитель и университет получат уведомление.',
  },
  terminateConfirm: {
    en: 'I understand that the internship ends and cannot be resumed.',
    ru: 'Я понимаю, что стажировка завершается и не может быть возобновлена.',
  },
} as const satisfies Record<string, Bilingual>;
