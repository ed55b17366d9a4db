import type { Language } from '../../domain/roles';
import { renderAccountMail, type RenderedMail } from './templates';

/**
 * The account mails (Outbox.template values besides the workflow notifications), each in
 * English and Russian. Rendered by the API in the transaction that records the account step;
 * delivered like every other outbox row (accountMailWorkflow → deliverOutbox).
 */
export const ACCOUNT_MAIL_TEMPLATES = ['sign_in_link'] as const;
export type AccountMailTemplate = (typeof ACCOUNT_MAIL_TEMPLATES)[number];

export function signInLinkMail(language: Language, input: { url: string; minutes: number }): RenderedMail {
  return language === 'ru'
    ? renderAccountMail('ru', {
        subject: 'Ссылка для входа',
        heading: 'Вход на сайт Партнёрства',
        paragraphs: [
          `Нажмите на кнопку, чтобы войти. Ссылка действует ${input.minutes} мин., только один раз и только в том браузере, в котором вы запросили вход.`,
        ],
        link: { label: 'Войти', url: input.url },
      })
    : renderAccountMail('en', {
        subject: 'Your sign-in link',
        heading: 'Sign in to the Partnership site',
        paragraphs: [
          `Press the button to sign in. The link works for ${input.minutes} minutes, once, and only in the browser where you asked for it.`,
        ],
        link: { label: 'Sign in', url: input.url },
      });
}

type Lang = 'en' | 'ru';
const pick = (language: Language): Lang => (language === 'ru' ? 'ru' : 'en');

export function registrationConfirmMail(
  language: Language,
  input: { url: string; what: 'institution' | 'expert'; hours: number },
): RenderedMail {
  const l = pick(language);
  const what = {
    institution: { en: 'your institution', ru: 'вашей организации' },
    expert: { en: 'your expert profile', ru: 'вашего профиля эксперта' },
  }[input.what][l];
  return l === 'ru'
    ? renderAccountMail('ru', {
        subject: 'Подтвердите адрес e-mail',
        heading: 'Подтвердите регистрацию',
        paragraphs: [
          `Чтобы завершить регистрацию ${what}, подтвердите адрес e-mail. Ссылка действует ${input.hours} ч.`,
        ],
        link: { label: 'Подтвердить', url: input.url },
      })
    : renderAccountMail('en', {
        subject: 'Confirm your e-mail address',
        heading: 'Confirm your registration',
        paragraphs: [
          `To finish registering ${what}, confirm your e-mail address. The link works for ${input.hours} hours.`,
        ],
        link: { label: 'Confirm', url: input.url },
      });
}

/** Sent instead of a confirmation when the address already has an account (same answer on the site). */
export function alreadyRegisteredMail(language: Language, input: { signInUrl: string }): RenderedMail {
  return pick(language) === 'ru'
    ? renderAccountMail('ru', {
        subject: 'У вас уже есть учётная запись',
        heading: 'У вас уже есть учётная запись',
        paragraphs: [
          'Кто-то (возможно, вы) попытался зарегистрироваться с этим адресом, но учётная запись с ним уже существует. Войдите по ссылке ниже.',
        ],
        link: { label: 'Войти', url: input.signInUrl },
      })
    : renderAccountMail('en', {
        subject: 'You already have an account',
        heading: 'You already have an account',
        paragraphs: [
          'Someone (perhaps you) tried to register with this address, but an account already uses it. Sign in instead.',
        ],
        link: { label: 'Sign in', url: input.signInUrl },
      });
}

export function invitationMail(
  language: Language,
  input: { url: string; inviter: string; roleLabel: { en: string; ru: string }; institution?: string; days: number },
): RenderedMail {
  return pick(language) === 'ru'
    ? renderAccountMail('ru', {
        subject: `Приглашение: ${input.roleLabel.ru}`,
        heading: 'Вас пригласили',
        paragraphs: [
          `${input.inviter} приглашает вас присоединиться${input.institution ? ` к «${input.institution}»` : ''} в роли «${input.roleLabel.ru}». Приглашение действует ${input.days} дн.`,
        ],
        link: { label: 'Принять приглашение', url: input.url },
      })
    : renderAccountMail('en', {
        subject: `Invitation: ${input.roleLabel.en}`,
        heading: 'You are invited',
        paragraphs: [
          `${input.inviter} invites you to join${input.institution ? ` “${input.institution}”` : ''} as ${input.roleLabel.en}. The invitation works for ${input.days} days.`,
        ],
        link: { label: 'Accept the invitation', url: input.url },
      });
}

export function decisionMail(
  language: Language,
  input: { what: 'institution' | 'expert'; name: string; approved: boolean; reason?: string | null; url: string },
): RenderedMail {
  const l = pick(language);
  const subjectWords = {
    institution: {
      en: ['Institution approved', 'Institution not approved'],
      ru: ['Организация одобрена', 'Организация не одобрена'],
    },
    expert: {
      en: ['Roster profile approved', 'Roster profile not approved'],
      ru: ['Профиль эксперта одобрен', 'Профиль эксперта не одобрен'],
    },
  }[input.what][l][input.approved ? 0 : 1];
  const body = {
    institution: {
      en: input.approved
        ? `“${input.name}” is approved: its proposals can now be submitted.`
        : `“${input.name}” was not approved. Its drafts stay; you may correct the registration and ask again.`,
      ru: input.approved
        ? `«${input.name}» одобрена: теперь её заявки можно подавать.`
        : `«${input.name}» не одобрена. Черновики сохраняются; вы можете исправить регистрацию и обратиться снова.`,
    },
    expert: {
      en: input.approved
        ? 'Your profile is approved and part of the roster: Country Offices may now invite you to assignments.'
        : 'Your roster profile was not approved.',
      ru: input.approved
        ? 'Ваш профиль одобрен и включён в реестр: страновые офисы могут приглашать вас к заданиям.'
        : 'Ваш профиль эксперта не одобрен.',
    },
  }[input.what][l];
  return renderAccountMail(l, {
    subject: `${subjectWords}: ${input.name}`,
    heading: subjectWords,
    paragraphs: [body],
    quote: input.reason ? { label: l === 'ru' ? 'Причина' : 'Reason', text: input.reason } : undefined,
    link: { label: l === 'ru' ? 'Открыть' : 'Open', url: input.url },
  });
}

/**
 * A CV on a roster profile in which the malware scanner found something: to the uploader (who may
 * upload a clean copy) and the fund managers. Outbox.template `cv_quarantined`.
 */
export const CV_QUARANTINED_TEMPLATE = 'cv_quarantined';

export function cvQuarantinedMail(
  language: Language,
  input: { documentName: string; finding: string | null; expertName: string; url: string; uploader: boolean },
): RenderedMail {
  const l = pick(language);
  return l === 'ru'
    ? renderAccountMail('ru', {
        subject: `В резюме найдено вредоносное ПО: ${input.documentName}`,
        heading: 'Резюме изолировано',
        paragraphs: [
          `Антивирус обнаружил ${input.finding ?? 'вредоносное ПО'} в резюме «${input.documentName}» в профиле эксперта ${input.expertName}.`,
          'Файл сохранён для администратора и никому не выдаётся.',
          input.uploader
            ? 'Если резюме нужно, загрузите чистую копию на странице профиля.'
            : 'Эксперт может загрузить чистую копию.',
        ],
        link: { label: 'Открыть профиль', url: input.url },
        footer: 'process',
      })
    : renderAccountMail('en', {
        subject: `Malware found in a CV: ${input.documentName}`,
        heading: 'A CV was quarantined',
        paragraphs: [
          `The malware scanner found ${input.finding ?? 'malware'} in the CV “${input.documentName}” on the roster profile of ${input.expertName}.`,
          'The file is kept for the administrator and is never served.',
          input.uploader
            ? 'If the CV is needed, upload a clean copy on the profile page.'
            : 'The expert may upload a clean copy.',
        ],
        link: { label: 'Open the profile', url: input.url },
        footer: 'process',
      });
}
