import type { PrismaClient } from '../../lib/db';
import { createMailer, type Mailer, type MailerOptions } from '../../lib/mailer';

export const BASE_URL = 'https://rus-undp.example.org';

/** The people the notification tests address; seeded directly (no scripts/seed.ts). */
export const PEOPLE = {
  fundManager: {
    id: 'u-fm',
    email: 'fm@undp.example.org',
    name: 'Elena Smirnova',
    role: 'fund_manager',
    language: 'en',
  },
  fundManagerDigest: {
    id: 'u-fm-digest',
    email: 'fm.digest@undp.example.org',
    name: 'Ivan Digestov',
    role: 'fund_manager',
    language: 'ru',
    dailyDigest: true,
  },
  coKg: {
    id: 'u-co-kg',
    email: 'co.kg@undp.example.org',
    name: 'Aigul Toktogulova',
    role: 'co_approver',
    countryCode: 'KG',
  },
  coKgHead: {
    id: 'u-co-kg-head',
    email: 'head.kg@undp.example.org',
    name: 'Bakyt Osmonov',
    role: 'co_approver',
    countryCode: 'KG',
    language: 'ru',
  },
  coKgRetired: {
    id: 'u-co-kg-old',
    email: 'old.kg@undp.example.org',
    name: 'Former Officer',
    role: 'co_approver',
    countryCode: 'KG',
    active: false,
  },
  coTj: {
    id: 'u-co-tj',
    email: 'co.tj@undp.example.org',
    name: 'Nilufar Rahimova',
    role: 'co_approver',
    countryCode: 'TJ',
  },
  applicant: {
    id: 'u-applicant',
    email: 'applicant@tpu.example.org',
    name: 'Anna Petrova',
    role: 'applicant',
    language: 'ru',
    notifyReminders: false,
  },
  expertUser: {
    id: 'u-expert-1',
    email: 'expert1@example.org',
    name: 'Sergey Ivanov',
    role: 'expert',
    expertId: 'exp-001',
  },
} as const;

export async function seedPeople(prisma: PrismaClient): Promise<void> {
  await prisma.country.createMany({
    data: [
      { code: 'KG', name: 'Kyrgyzstan', nameRu: 'Киргизия', region: 'Central Asia' },
      { code: 'TJ', name: 'Tajikistan', nameRu: 'Таджикистан', region: 'Central Asia' },
    ],
  });
  const expert = (id: string, name: string, email: string, languages: string[]) => ({
    id,
    name,
    email,
    languages,
    thematicAreaIds: ['energy'],
    sdgs: [7],
    countriesOfExperience: ['KG'],
    dailyFeeCents: 40_000,
    availability: [],
  });
  await prisma.expert.createMany({
    data: [
      expert('exp-001', 'Sergey Ivanov', 'expert1.roster@example.org', ['ru', 'en']),
      // On the roster without a user account: reached at the roster e-mail, in Russian.
      expert('exp-002', 'Maria Kuznetsova', 'expert2.roster@example.org', ['ru']),
    ],
  });
  for (const person of Object.values(PEOPLE)) await prisma.user.create({ data: { ...person } });
}

export function mailerFor(port: number, opts: MailerOptions = {}): Mailer {
  return createMailer(
    {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: port,
      SMTP_SECURE: false,
      SMTP_USER: undefined,
      SMTP_PASSWORD: undefined,
      SMTP_FROM: 'Russia-UNDP Partnership <no-reply@rus-undp.local>',
    },
    opts,
  );
}

export const PROPOSAL_DATA = {
  subjectType: 'proposal',
  subjectId: 'p-42',
  subjectTitle: 'Solar micro-grids for mountain schools',
  countryCode: 'KG',
} as const;
