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
        paragraphs: [`Press the button to sign in. The link works for ${input.minutes} minutes, once, and only in the browser where you asked for it.`],
        link: { label: 'Sign in', url: input.url },
      });
}
