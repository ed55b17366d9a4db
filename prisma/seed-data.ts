/**
 * Reference and demo data, as plain rows (one array per table, shaped like the Prisma models).
 * Pure and deterministic: fixed ids, fixed dates, experts drawn from a seeded PRNG, so every
 * run produces byte-identical rows. Money in integer USD cents.
 *
 * Framework periods and outcomes are illustrative, modelled on the countries' UN Cooperation
 * Frameworks; Lao PDR's ends on 2026-12-31 (earlier than the others) so the alignment check's
 * "dates outside the framework period" case can be exercised with the seeded data.
 */
import { DEMO_USERS } from '../domain/demo';
import { RULE_SETS } from '../domain/policy';

/** createdAt / updatedAt of every seeded row: a fixed instant, never `now`. */
export const SEED_TIMESTAMP = new Date('2025-12-01T00:00:00.000Z');

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const usd = (amount: number) => Math.round(amount * 100);

// ---------------------------------------------------------------- thematic areas

export interface ThematicAreaRow {
  id: string;
  name: string;
  nameRu: string;
  sdgs: number[];
}

export const THEMATIC_AREAS: ThematicAreaRow[] = [
  { id: 'poverty-reduction', name: 'Poverty reduction', nameRu: 'Сокращение бедности', sdgs: [1, 10] },
  { id: 'rural-development', name: 'Rural development', nameRu: 'Развитие сельских территорий', sdgs: [1, 2, 8] },
  {
    id: 'food-security',
    name: 'Food security and agriculture',
    nameRu: 'Продовольственная безопасность и сельское хозяйство',
    sdgs: [2, 12],
  },
  { id: 'water-resources', name: 'Water resources management', nameRu: 'Управление водными ресурсами', sdgs: [6] },
  {
    id: 'climate-mitigation',
    name: 'Climate change mitigation',
    nameRu: 'Смягчение последствий изменения климата',
    sdgs: [7, 13],
  },
  {
    id: 'climate-adaptation',
    name: 'Climate change adaptation',
    nameRu: 'Адаптация к изменению климата',
    sdgs: [13, 15],
  },
  { id: 'disaster-risk-reduction', name: 'Disaster risk reduction', nameRu: 'Снижение риска бедствий', sdgs: [11, 13] },
  { id: 'early-recovery', name: 'Early recovery', nameRu: 'Раннее восстановление', sdgs: [1, 11, 16] },
  { id: 'sustainable-energy', name: 'Sustainable energy', nameRu: 'Устойчивая энергетика', sdgs: [7] },
  { id: 'health', name: 'Health', nameRu: 'Здравоохранение', sdgs: [3] },
  { id: 'education', name: 'Education and skills', nameRu: 'Образование и навыки', sdgs: [4] },
  {
    id: 'digital-governance',
    name: 'Digital governance',
    nameRu: 'Цифровое государственное управление',
    sdgs: [9, 16],
  },
  { id: 'trade', name: 'Trade and economic integration', nameRu: 'Торговля и экономическая интеграция', sdgs: [8, 17] },
  {
    id: 'environment-biodiversity',
    name: 'Environment and biodiversity',
    nameRu: 'Охрана окружающей среды и биоразнообразия',
    sdgs: [14, 15],
  },
  {
    id: 'waste-management',
    name: 'Waste management and circular economy',
    nameRu: 'Обращение с отходами и экономика замкнутого цикла',
    sdgs: [11, 12],
  },
  { id: 'gender-equality', name: 'Gender equality', nameRu: 'Гендерное равенство', sdgs: [5] },
  {
    id: 'employment-entrepreneurship',
    name: 'Employment and entrepreneurship',
    nameRu: 'Занятость и предпринимательство',
    sdgs: [8],
  },
  {
    id: 'innovation-technology',
    name: 'Innovation and technology transfer',
    nameRu: 'Инновации и трансфер технологий',
    sdgs: [9],
  },
  {
    id: 'governance-rule-of-law',
    name: 'Public administration and rule of law',
    nameRu: 'Государственное управление и верховенство права',
    sdgs: [16],
  },
  {
    id: 'sustainable-cities',
    name: 'Sustainable cities and communities',
    nameRu: 'Устойчивые города и населённые пункты',
    sdgs: [11],
  },
];

// ---------------------------------------------------------------- countries, offices, frameworks

type OutcomeSpec = [title: string, sdgs: number[], thematicAreaIds: string[]];

interface CountrySpec {
  code: string;
  name: string;
  nameRu: string;
  region: string;
  city: string;
  framework: { start: string; end: string; outcomes: OutcomeSpec[] };
  challenge: string;
}

const ECA = 'Europe and Central Asia';
const ASIA_PACIFIC = 'Asia and the Pacific';
const LAC = 'Latin America and the Caribbean';
const CYCLE = { start: '2023-01-01', end: '2027-12-31' };

const COUNTRY_SPECS: CountrySpec[] = [
  {
    code: 'AM',
    name: 'Armenia',
    nameRu: 'Армения',
    region: ECA,
    city: 'Yerevan',
    framework: {
      ...CYCLE,
      outcomes: [
        [
          'Resilient communities and disaster risk reduction',
          [11, 13],
          ['disaster-risk-reduction', 'climate-adaptation', 'early-recovery'],
        ],
        [
          'Inclusive and green economic growth',
          [8, 9, 12],
          ['employment-entrepreneurship', 'innovation-technology', 'trade'],
        ],
        [
          'Accountable governance and digital public services',
          [16, 9],
          ['digital-governance', 'governance-rule-of-law'],
        ],
      ],
    },
    challenge: 'Early-warning and preparedness tools for seismic and climate hazards in mountain communities.',
  },
  {
    code: 'AZ',
    name: 'Azerbaijan',
    nameRu: 'Азербайджан',
    region: ECA,
    city: 'Baku',
    framework: {
      ...CYCLE,
      outcomes: [
        [
          'Economic diversification and decent jobs',
          [8, 9],
          ['employment-entrepreneurship', 'trade', 'innovation-technology'],
        ],
        ['Climate action and sustainable energy', [7, 13], ['sustainable-energy', 'climate-mitigation']],
        ['Water security and environmental protection', [6, 14, 15], ['water-resources', 'environment-biodiversity']],
      ],
    },
    challenge: 'Affordable renewable-energy and efficiency solutions for small businesses in the regions.',
  },
  {
    code: 'BY',
    name: 'Belarus',
    nameRu: 'Беларусь',
    region: ECA,
    city: 'Minsk',
    framework: {
      ...CYCLE,
      outcomes: [
        [
          'Green transition and circular economy',
          [11, 12, 13],
          ['waste-management', 'climate-mitigation', 'sustainable-cities'],
        ],
        ['Healthy lives and quality education', [3, 4], ['health', 'education']],
        [
          'Inclusive local development',
          [1, 8, 10],
          ['rural-development', 'poverty-reduction', 'employment-entrepreneurship'],
        ],
      ],
    },
    challenge: 'Circular-economy solutions for municipal waste in small and medium-sized towns.',
  },
  {
    code: 'CU',
    name: 'Cuba',
    nameRu: 'Куба',
    region: LAC,
    city: 'Havana',
    framework: {
      start: '2024-01-01',
      end: '2028-12-31',
      outcomes: [
        ['Food sovereignty and sustainable agriculture', [2, 12], ['food-security', 'rural-development']],
        [
          'Climate resilience of coastal communities',
          [11, 13, 14],
          ['climate-adaptation', 'disaster-risk-reduction', 'environment-biodiversity'],
        ],
        ['Renewable energy transition', [7, 13], ['sustainable-energy', 'climate-mitigation']],
      ],
    },
    challenge: 'Decentralised renewable energy for food processing in rural cooperatives.',
  },
  {
    code: 'KZ',
    name: 'Kazakhstan',
    nameRu: 'Казахстан',
    region: ECA,
    city: 'Astana',
    framework: {
      ...CYCLE,
      outcomes: [
        ['Low-carbon development and energy efficiency', [7, 13], ['climate-mitigation', 'sustainable-energy']],
        [
          'Effective institutions and digital transformation',
          [16, 9],
          ['digital-governance', 'governance-rule-of-law', 'innovation-technology'],
        ],
        [
          'Water and land resource management',
          [6, 15],
          ['water-resources', 'environment-biodiversity', 'climate-adaptation'],
        ],
        ['Human capital and inclusion', [3, 4, 5], ['health', 'education', 'gender-equality']],
      ],
    },
    challenge: 'Digital tools that cut water losses in irrigation and municipal networks.',
  },
  {
    code: 'KG',
    name: 'Kyrgyzstan',
    nameRu: 'Кыргызстан',
    region: ECA,
    city: 'Bishkek',
    framework: {
      ...CYCLE,
      outcomes: [
        [
          'Climate resilience and disaster risk reduction',
          [11, 13],
          ['climate-adaptation', 'disaster-risk-reduction', 'water-resources'],
        ],
        [
          'Inclusive green economy and decent jobs',
          [1, 8, 12],
          ['employment-entrepreneurship', 'rural-development', 'poverty-reduction', 'trade'],
        ],
        ['Accountable institutions and digital governance', [9, 16], ['digital-governance', 'governance-rule-of-law']],
        ['Health and education for all', [3, 4], ['health', 'education']],
      ],
    },
    challenge: 'Community-based early warning for mudflows and glacial lake outburst floods.',
  },
  {
    code: 'LA',
    name: 'Lao PDR',
    nameRu: 'Лаосская Народно-Демократическая Республика',
    region: ASIA_PACIFIC,
    city: 'Vientiane',
    framework: {
      start: '2022-01-01',
      end: '2026-12-31',
      outcomes: [
        [
          'Inclusive prosperity and rural livelihoods',
          [1, 2, 8],
          ['rural-development', 'poverty-reduction', 'food-security'],
        ],
        [
          'Natural resources, climate and disaster resilience',
          [13, 15],
          ['climate-adaptation', 'environment-biodiversity', 'disaster-risk-reduction'],
        ],
        ['Health, education and skills', [3, 4], ['health', 'education']],
      ],
    },
    challenge: 'Climate-smart agriculture practices for smallholder farmers in flood-prone provinces.',
  },
  {
    code: 'MD',
    name: 'Moldova',
    nameRu: 'Молдова',
    region: ECA,
    city: 'Chisinau',
    framework: {
      ...CYCLE,
      outcomes: [
        ['Effective governance and e-services', [16, 9], ['digital-governance', 'governance-rule-of-law']],
        [
          'Green, inclusive economy',
          [7, 8, 12],
          ['sustainable-energy', 'employment-entrepreneurship', 'waste-management'],
        ],
        ['Resilient communities', [1, 11], ['early-recovery', 'poverty-reduction', 'sustainable-cities']],
      ],
    },
    challenge: 'Digital public services that reach rural and elderly residents.',
  },
  {
    code: 'TJ',
    name: 'Tajikistan',
    nameRu: 'Таджикистан',
    region: ECA,
    city: 'Dushanbe',
    framework: {
      ...CYCLE,
      outcomes: [
        [
          'Water, energy and climate resilience',
          [6, 7, 13],
          ['water-resources', 'sustainable-energy', 'climate-adaptation'],
        ],
        [
          'People-centred economic growth',
          [1, 2, 8],
          ['rural-development', 'food-security', 'employment-entrepreneurship'],
        ],
        [
          'Governance, rule of law and gender equality',
          [5, 16],
          ['governance-rule-of-law', 'gender-equality', 'digital-governance'],
        ],
        ['Disaster risk reduction and early recovery', [11, 13], ['disaster-risk-reduction', 'early-recovery']],
      ],
    },
    challenge: 'Small-scale hydropower and water-saving irrigation for mountain villages.',
  },
  {
    code: 'TM',
    name: 'Turkmenistan',
    nameRu: 'Туркменистан',
    region: ECA,
    city: 'Ashgabat',
    framework: {
      ...CYCLE,
      outcomes: [
        ['Economic diversification and trade', [8, 17], ['trade', 'employment-entrepreneurship']],
        [
          'Environment, water and climate',
          [6, 13, 15],
          ['water-resources', 'climate-adaptation', 'environment-biodiversity'],
        ],
        ['Quality health and education services', [3, 4], ['health', 'education']],
      ],
    },
    challenge: 'Water-efficient technologies for agriculture in arid regions.',
  },
  {
    code: 'UZ',
    name: 'Uzbekistan',
    nameRu: 'Узбекистан',
    region: ECA,
    city: 'Tashkent',
    framework: {
      ...CYCLE,
      outcomes: [
        ['Inclusive growth and jobs', [1, 8, 10], ['employment-entrepreneurship', 'poverty-reduction', 'trade']],
        [
          'Climate resilience and the Aral Sea region',
          [6, 13, 15],
          ['climate-adaptation', 'water-resources', 'environment-biodiversity'],
        ],
        [
          'Digital and accountable governance',
          [9, 16],
          ['digital-governance', 'governance-rule-of-law', 'innovation-technology'],
        ],
      ],
    },
    challenge: 'Livelihood innovations for communities in the Aral Sea region.',
  },
  {
    code: 'RS',
    name: 'Serbia',
    nameRu: 'Сербия',
    region: ECA,
    city: 'Belgrade',
    framework: {
      ...CYCLE,
      outcomes: [
        [
          'Green transition and circular economy',
          [7, 12, 13],
          ['climate-mitigation', 'waste-management', 'sustainable-energy'],
        ],
        [
          'Innovation and competitiveness',
          [8, 9],
          ['innovation-technology', 'employment-entrepreneurship', 'digital-governance'],
        ],
        ['Resilient and inclusive cities', [11, 13], ['sustainable-cities', 'disaster-risk-reduction']],
      ],
    },
    challenge: 'Energy-efficiency and clean-heating solutions for public buildings.',
  },
  {
    code: 'MN',
    name: 'Mongolia',
    nameRu: 'Монголия',
    region: ASIA_PACIFIC,
    city: 'Ulaanbaatar',
    framework: {
      ...CYCLE,
      outcomes: [
        [
          'Green, inclusive and resilient economy',
          [8, 12, 13],
          ['climate-mitigation', 'employment-entrepreneurship', 'rural-development'],
        ],
        ['Clean air and sustainable cities', [3, 7, 11], ['sustainable-cities', 'sustainable-energy', 'health']],
        [
          'Climate-resilient herding communities',
          [2, 13, 15],
          ['climate-adaptation', 'food-security', 'disaster-risk-reduction'],
        ],
      ],
    },
    challenge: 'Clean-heating and air-quality solutions for ger districts.',
  },
];

export interface CountryRow {
  code: string;
  name: string;
  nameRu: string;
  region: string;
  eligibleChallengeFund: boolean;
  eligibleExperts: boolean;
}

export const COUNTRIES: CountryRow[] = COUNTRY_SPECS.map((c) => ({
  code: c.code,
  name: c.name,
  nameRu: c.nameRu,
  region: c.region,
  eligibleChallengeFund: true,
  eligibleExperts: true,
}));

export interface CountryOfficeRow {
  id: string;
  countryCode: string;
  name: string;
  city: string;
  email: string;
  timeZone: string;
}

/** The IANA time zone of each Country Office's city. */
const OFFICE_TIME_ZONES: Record<string, string> = {
  AM: 'Asia/Yerevan',
  AZ: 'Asia/Baku',
  BY: 'Europe/Minsk',
  CU: 'America/Havana',
  KZ: 'Asia/Almaty',
  KG: 'Asia/Bishkek',
  LA: 'Asia/Vientiane',
  MD: 'Europe/Chisinau',
  TJ: 'Asia/Dushanbe',
  TM: 'Asia/Ashgabat',
  UZ: 'Asia/Tashkent',
  RS: 'Europe/Belgrade',
  MN: 'Asia/Ulaanbaatar',
};

export const COUNTRY_OFFICES: CountryOfficeRow[] = COUNTRY_SPECS.map((c) => ({
  id: `co-${c.code.toLowerCase()}`,
  countryCode: c.code,
  name: `UNDP ${c.name}`,
  city: c.city,
  email: `registry.${c.code.toLowerCase()}@undp.example.org`,
  timeZone: OFFICE_TIME_ZONES[c.code] ?? 'UTC',
}));

export interface CooperationFrameworkRow {
  id: string;
  countryCode: string;
  title: string;
  periodStart: Date;
  periodEnd: Date;
}

export interface FrameworkOutcomeRow {
  id: string;
  frameworkId: string;
  code: string;
  title: string;
  sdgs: number[];
  thematicAreaIds: string[];
}

const frameworkId = (c: CountrySpec) =>
  `cf-${c.code.toLowerCase()}-${c.framework.start.slice(0, 4)}-${c.framework.end.slice(0, 4)}`;

export const COOPERATION_FRAMEWORKS: CooperationFrameworkRow[] = COUNTRY_SPECS.map((c) => ({
  id: frameworkId(c),
  countryCode: c.code,
  title: `UN Sustainable Development Cooperation Framework for ${c.name} ${c.framework.start.slice(0, 4)}–${c.framework.end.slice(0, 4)}`,
  periodStart: day(c.framework.start),
  periodEnd: day(c.framework.end),
}));

export const FRAMEWORK_OUTCOMES: FrameworkOutcomeRow[] = COUNTRY_SPECS.flatMap((c) =>
  c.framework.outcomes.map(([title, sdgs, thematicAreaIds], i) => ({
    id: `${frameworkId(c)}-o${i + 1}`,
    frameworkId: frameworkId(c),
    code: `${c.code}-O${i + 1}`,
    title,
    sdgs,
    thematicAreaIds,
  })),
);

// ---------------------------------------------------------------- institutions

export interface InstitutionRow {
  id: string;
  name: string;
  kind: 'university' | 'company' | 'ngo' | 'research_centre';
  city: string;
  createdAt: Date;
}

export const INSTITUTIONS: InstitutionRow[] = (
  [
    ['inst-tpu', 'Tomsk Polytechnic University', 'university', 'Tomsk'],
    ['inst-hse', 'HSE University', 'university', 'Moscow'],
    ['inst-msu', 'Lomonosov Moscow State University', 'university', 'Moscow'],
    ['inst-spbu', 'Saint Petersburg State University', 'university', 'Saint Petersburg'],
    ['inst-urfu', 'Ural Federal University', 'university', 'Yekaterinburg'],
    ['inst-kfu', 'Kazan Federal University', 'university', 'Kazan'],
    ['inst-nsu', 'Novosibirsk State University', 'university', 'Novosibirsk'],
    ['inst-water-institute', 'Institute for Water Problems (demo research centre)', 'research_centre', 'Moscow'],
    ['inst-greentech', 'GreenTech Solutions LLC (demo company)', 'company', 'Moscow'],
    ['inst-eco-forum', 'Siberian Environmental Forum (demo NGO)', 'ngo', 'Novosibirsk'],
  ] as const
).map(([id, name, kind, city]) => ({ id, name, kind, city, createdAt: SEED_TIMESTAMP }));

// ---------------------------------------------------------------- experts (roster)

export interface AvailabilityWindow {
  from: string;
  to: string;
}

export interface ExpertRow {
  id: string;
  name: string;
  email: string;
  thematicAreaIds: string[];
  sdgs: number[];
  languages: string[];
  countriesOfExperience: string[];
  dailyFeeCents: number;
  availability: AvailabilityWindow[];
  rating: number;
  ratingCount: number;
  assignmentsCount: number;
  bio: string;
  createdAt: Date;
  updatedAt: Date;
}

/** mulberry32: a tiny seeded PRNG, so the roster is the same on every run (never Math.random). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MALE_FIRST = [
  'Alexey',
  'Andrey',
  'Boris',
  'Dmitry',
  'Evgeny',
  'Grigory',
  'Ilya',
  'Kirill',
  'Maxim',
  'Nikolai',
  'Oleg',
  'Roman',
  'Stanislav',
  'Timur',
  'Viktor',
  'Yuri',
];
const FEMALE_FIRST = [
  'Alina',
  'Daria',
  'Ekaterina',
  'Galina',
  'Irina',
  'Ksenia',
  'Larisa',
  'Natalia',
  'Polina',
  'Svetlana',
  'Tatiana',
  'Valeria',
  'Yulia',
  'Zoya',
];
// Surnames as [male, female] forms.
const SURNAMES: [string, string][] = [
  ['Alekseev', 'Alekseeva'],
  ['Belov', 'Belova'],
  ['Egorov', 'Egorova'],
  ['Fedorov', 'Fedorova'],
  ['Gusev', 'Guseva'],
  ['Kozlov', 'Kozlova'],
  ['Makarov', 'Makarova'],
  ['Morozov', 'Morozova'],
  ['Nikitin', 'Nikitina'],
  ['Novikov', 'Novikova'],
  ['Pavlov', 'Pavlova'],
  ['Romanov', 'Romanova'],
  ['Semenov', 'Semenova'],
  ['Stepanov', 'Stepanova'],
  ['Tarasov', 'Tarasova'],
  ['Vasiliev', 'Vasilieva'],
  ['Vinogradov', 'Vinogradova'],
  ['Zaitsev', 'Zaitseva'],
  ['Belyaev', 'Belyaeva'],
  ['Frolov', 'Frolova'],
];
/** Regional languages and the country where each is spoken: an expert speaking one has worked there. */
const REGIONAL_LANGUAGES: [language: string, country: string][] = [
  ['ky', 'KG'],
  ['tg', 'TJ'],
  ['uz', 'UZ'],
  ['kk', 'KZ'],
  ['hy', 'AM'],
  ['az', 'AZ'],
  ['ro', 'MD'],
  ['es', 'CU'],
  ['lo', 'LA'],
  ['mn', 'MN'],
  ['sr', 'RS'],
];
const COUNTRY_CODES = COUNTRY_SPECS.map((c) => c.code);
const ROLES_IN_BIO = ['policy adviser', 'researcher', 'engineer', 'trainer', 'consultant', 'programme evaluator'];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)];
}

/** `count` distinct items from `list`, keeping list order for stable output. */
function pickDistinct<T>(rand: () => number, list: readonly T[], count: number): T[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, list.length)) chosen.add(Math.floor(rand() * list.length));
  return [...chosen].sort((a, b) => a - b).map((i) => list[i]);
}

function isoMonth(year: number, month: number): string {
  const y = year + Math.floor((month - 1) / 12);
  const m = ((month - 1) % 12) + 1;
  return `${y}-${String(m).padStart(2, '0')}`;
}

function lastDayOfMonth(ym: string): string {
  const [y, m] = ym.split('-').map(Number);
  return `${ym}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/** 1-3 non-overlapping windows within 2026–2027, in order. */
function availabilityWindows(rand: () => number): AvailabilityWindow[] {
  const windows: AvailabilityWindow[] = [];
  let month = 1 + Math.floor(rand() * 12); // a month of 2026, counted from January 2026 = 1
  const count = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < count && month <= 24; i++) {
    const length = 2 + Math.floor(rand() * 7);
    const last = Math.min(month + length - 1, 24);
    windows.push({ from: `${isoMonth(2026, month)}-01`, to: lastDayOfMonth(isoMonth(2026, last)) });
    month = last + 2 + Math.floor(rand() * 3);
  }
  return windows;
}

const areaById = new Map(THEMATIC_AREAS.map((a) => [a.id, a]));
const sdgsOf = (areaIds: string[]) =>
  [...new Set(areaIds.flatMap((id) => areaById.get(id)?.sdgs ?? []))].sort((a, b) => a - b);

function generatedExpert(n: number, rand: () => number): ExpertRow {
  const female = rand() < 0.5;
  const first = pick(rand, female ? FEMALE_FIRST : MALE_FIRST);
  // Surnames cycle (7 is coprime with 20) rather than being drawn, so they spread evenly.
  const surname = SURNAMES[(n * 7) % SURNAMES.length][female ? 1 : 0];
  const id = `exp-${String(n).padStart(3, '0')}`;
  // The primary area cycles through all 20, so every area has roster experts.
  const primary = THEMATIC_AREAS[(n - 3) % THEMATIC_AREAS.length].id;
  const extra = pickDistinct(
    rand,
    THEMATIC_AREAS.filter((a) => a.id !== primary).map((a) => a.id),
    Math.floor(rand() * 3),
  );
  const thematicAreaIds = [primary, ...extra];
  const regional = pickDistinct(rand, REGIONAL_LANGUAGES, Math.floor(rand() * 3));
  const languages = ['ru', ...(rand() < 0.9 ? ['en'] : []), ...regional.map(([lang]) => lang)];
  const countries = new Set([
    ...regional.map(([, cc]) => cc),
    ...pickDistinct(rand, COUNTRY_CODES, 1 + Math.floor(rand() * 3)),
  ]);
  const countriesOfExperience = COUNTRY_CODES.filter((cc) => countries.has(cc));
  // About one expert in nine charges above the USD 1,800 daily-fee approval threshold.
  const dailyFeeUsd = n % 9 === 4 ? 1_850 + 50 * Math.floor(rand() * 15) : 250 + 10 * Math.floor(rand() * 96);
  const ratingCount = 1 + Math.floor(rand() * 20);
  const years = 5 + Math.floor(rand() * 25);
  const areaNames = thematicAreaIds.map((a) => areaById.get(a)!.name.toLowerCase()).join(', ');
  const role = pick(rand, ROLES_IN_BIO);
  return {
    id,
    name: `${first} ${surname}`,
    email: `${first}.${surname}.${id.slice(4)}@experts.example.org`.toLowerCase(),
    thematicAreaIds,
    sdgs: sdgsOf(thematicAreaIds),
    languages,
    countriesOfExperience,
    dailyFeeCents: usd(dailyFeeUsd),
    availability: availabilityWindows(rand),
    rating: Math.round((3 + rand() * 2) * 10) / 10,
    ratingCount,
    assignmentsCount: ratingCount + Math.floor(rand() * 3),
    bio: `${role[0].toUpperCase()}${role.slice(1)} with ${years} years of experience in ${areaNames}.`,
    createdAt: SEED_TIMESTAMP,
    updatedAt: SEED_TIMESTAMP,
  };
}

const ROSTER_SIZE = 48;

/** exp-001 and exp-002 are the demo expert users' profiles, written by hand; the rest is generated. */
export const EXPERTS: ExpertRow[] = (() => {
  const demo: ExpertRow[] = [
    {
      id: 'exp-001',
      name: DEMO_USERS.expert1.name,
      email: DEMO_USERS.expert1.email,
      thematicAreaIds: ['climate-adaptation', 'disaster-risk-reduction', 'water-resources'],
      sdgs: [6, 11, 13, 15],
      languages: ['ru', 'en', 'ky'],
      countriesOfExperience: ['KZ', 'KG', 'TJ'],
      dailyFeeCents: usd(450),
      availability: [{ from: '2026-01-01', to: '2027-12-31' }],
      rating: 4.6,
      ratingCount: 8,
      assignmentsCount: 9,
      bio: 'Hydrologist and disaster risk reduction specialist; early-warning systems for mudflows and floods in Central Asia.',
      createdAt: SEED_TIMESTAMP,
      updatedAt: SEED_TIMESTAMP,
    },
    {
      id: 'exp-002',
      name: DEMO_USERS.expert2.name,
      email: DEMO_USERS.expert2.email,
      thematicAreaIds: ['digital-governance', 'education', 'innovation-technology'],
      sdgs: [4, 9, 16],
      languages: ['ru', 'en', 'tg'],
      countriesOfExperience: ['AM', 'TJ', 'UZ'],
      dailyFeeCents: usd(520),
      availability: [
        { from: '2026-03-01', to: '2026-12-31' },
        { from: '2027-02-01', to: '2027-10-31' },
      ],
      rating: 4.8,
      ratingCount: 5,
      assignmentsCount: 5,
      bio: 'E-government and digital skills adviser; designed online public-service portals and trained civil servants.',
      createdAt: SEED_TIMESTAMP,
      updatedAt: SEED_TIMESTAMP,
    },
  ];
  const rand = mulberry32(20_261_126);
  const generated = Array.from({ length: ROSTER_SIZE - demo.length }, (_, i) => generatedExpert(i + 3, rand));
  return [...demo, ...generated];
})();

// ---------------------------------------------------------------- users

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: string;
  countryCode: string | null;
  institutionId: string | null;
  expertId: string | null;
  language: 'en' | 'ru';
  notifyReminders: boolean;
  dailyDigest: boolean;
  active: boolean;
  createdAt: Date;
}

/** Demo users who read their mail in Russian; everyone else gets English. */
const RUSSIAN_SPEAKING = new Set<string>([DEMO_USERS.applicant2.id, DEMO_USERS.expert2.id]);

export const USERS: UserRow[] = Object.values(DEMO_USERS).map((u) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  countryCode: 'countryCode' in u ? u.countryCode : null,
  institutionId: 'institutionId' in u ? u.institutionId : null,
  expertId: 'expertId' in u ? u.expertId : null,
  language: RUSSIAN_SPEAKING.has(u.id) ? 'ru' : 'en',
  notifyReminders: true,
  dailyDigest: false, // the fund manager included: per-event mails in the demo
  active: true,
  createdAt: SEED_TIMESTAMP,
}));

// ---------------------------------------------------------------- calls

export interface RubricCriterionRow {
  key: string;
  label: string;
  weight: number;
  max: number;
}

export const DEFAULT_RUBRIC: RubricCriterionRow[] = [
  { key: 'innovation', label: 'Innovation', weight: 30, max: 100 },
  { key: 'feasibility_sustainability', label: 'Feasibility and sustainability', weight: 35, max: 100 },
  { key: 'social_benefit', label: 'Social benefit', weight: 35, max: 100 },
];

export interface CallRow {
  id: string;
  countryCode: string;
  title: string;
  challengeStatement: string;
  opensAt: Date;
  closesAt: Date;
  minGrantCents: number;
  maxGrantCents: number;
  coFinancingMinPct: number;
  maxDurationMonths: number;
  rubric: RubricCriterionRow[];
  passMark: number;
  thematicAreaIds: string[];
  /** domain/calls.ts SELECTION_MODES */
  selectionMode: 'ranked' | 'one_by_one';
  createdById: string | null;
  createdAt: Date;
}

/**
 * One open call per country office; closesAt is the last instant of 2027-12-31 (open all that day).
 * They select one by one, so a demo proposal goes to its reviewers as soon as it passes the alignment
 * check instead of waiting for the call to close (the worker gives each its call workflow).
 */
export const CALLS: CallRow[] = COUNTRY_SPECS.map((c) => ({
  id: `call-${c.code.toLowerCase()}`,
  countryCode: c.code,
  title: `Russian Challenge Fund: ${c.name} innovation challenge 2026–2027`,
  challengeStatement: c.challenge,
  opensAt: day('2026-01-01'),
  closesAt: new Date('2027-12-31T23:59:59.999Z'),
  minGrantCents: usd(20_000),
  maxGrantCents: usd(40_000),
  coFinancingMinPct: 20,
  maxDurationMonths: 12,
  rubric: DEFAULT_RUBRIC,
  passMark: 60,
  thematicAreaIds: [...new Set(c.framework.outcomes.flatMap(([, , areas]) => areas))],
  selectionMode: 'one_by_one',
  createdById: DEMO_USERS.fundManager.id,
  createdAt: SEED_TIMESTAMP,
}));

// ---------------------------------------------------------------- policy rule sets

export interface PolicyRuleSetRow {
  id: string;
  name: string;
  /** Midnight UTC of the first day; effectiveTo is midnight of the last day, which counts in full (see ruleSetInForce). */
  effectiveFrom: Date;
  effectiveTo: Date | null;
  rules: Record<string, number | boolean>;
  createdAt: Date;
}

export const POLICY_RULE_SETS: PolicyRuleSetRow[] = RULE_SETS.map((s) => ({
  id: s.id,
  name: s.name,
  effectiveFrom: day(s.effectiveFrom),
  effectiveTo: s.effectiveTo === null ? null : day(s.effectiveTo),
  rules: { ...s.rules },
  createdAt: SEED_TIMESTAMP,
}));
