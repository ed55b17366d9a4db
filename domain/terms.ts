/**
 * The privacy notice and terms of use a person accepts at registration (dated, versioned data:
 * a new version asks everyone who accepted an earlier one to accept again at their next sign-in).
 */
export interface TermsVersion {
  version: string;
  effectiveFrom: string;
  summary: { en: string; ru: string };
}

export const TERMS_VERSIONS: readonly TermsVersion[] = [
  {
    version: '2026-12-01',
    effectiveFrom: '2026-12-01',
    summary: {
      en: 'We keep your name, e-mail address, role and what you submit to run the Russia-UNDP Partnership programmes; decisions on your proposals and assignments are recorded for audit. You can download your data and ask for its erasure at any time from your account page; the records of decisions (workflow histories) are kept, and the audit trail then names you by a pseudonym.',
      ru: 'Мы храним ваше имя, адрес e-mail, роль и то, что вы направляете, для работы программ Партнёрства Россия–ПРООН; решения по вашим заявкам и заданиям записываются для аудита. Вы можете в любой момент скачать свои данные и запросить их удаление на странице учётной записи; записи о решениях (истории процессов) сохраняются, а журнал аудита затем называет вас псевдонимом.',
    },
  },
];

export function currentTerms(): TermsVersion {
  return TERMS_VERSIONS[TERMS_VERSIONS.length - 1];
}
