import { DEMO_USERS } from '../../domain/demo';
import { RULE_SETS, checkAlignment, policyRuleSetFromRow, ruleSetInForce } from '../../domain/policy';
import { seedDatabase, seededTablesChecksum, SEEDED_TABLES } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('seed');
});
afterAll(async () => {
  await db?.close();
});

async function tableCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { table } of SEEDED_TABLES) {
    const [row] = await db.prisma.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT COUNT(*) AS n FROM "${table}"`);
    counts[table] = Number(row.n);
  }
  return counts;
}

test('seeding twice gives the same rows, byte for byte, and creates nothing the second time', async () => {
  const lines: string[] = [];
  const first = await seedDatabase(db.prisma, { log: (m) => lines.push(m) });
  const countsAfterFirst = await tableCounts();
  const checksumAfterFirst = await seededTablesChecksum(db.prisma);

  expect(lines).toHaveLength(SEEDED_TABLES.length);
  expect(lines[0]).toBe('Country: 13 rows (13 created)');
  expect(countsAfterFirst).toEqual(first.counts);
  expect(first.created).toEqual(first.counts);

  const second = await seedDatabase(db.prisma);
  expect(second.counts).toEqual(first.counts);
  expect(Object.values(second.created).every((n) => n === 0)).toBe(true);
  expect(await tableCounts()).toEqual(countsAfterFirst);
  expect(await seededTablesChecksum(db.prisma)).toBe(checksumAfterFirst);

  // Overwrite mode rewrites existing rows with the same values: still nothing changes.
  await seedDatabase(db.prisma, { overwrite: true });
  expect(await seededTablesChecksum(db.prisma)).toBe(checksumAfterFirst);
});

test('a fresh database seeded separately holds identical data (deterministic, no clock or Math.random)', async () => {
  const other = await createTestDatabase('seed-other');
  try {
    await seedDatabase(other.prisma);
    expect(await seededTablesChecksum(other.prisma)).toBe(await seededTablesChecksum(db.prisma));
  } finally {
    await other.close();
  }
});

test('re-seeding keeps changes the running system made; overwrite restores the seed values', async () => {
  const before = await seededTablesChecksum(db.prisma);
  await db.prisma.expert.update({ where: { id: 'exp-003' }, data: { rating: 2.5, ratingCount: { increment: 1 } } });
  await seedDatabase(db.prisma);
  expect((await db.prisma.expert.findUniqueOrThrow({ where: { id: 'exp-003' } })).rating).toBe(2.5);
  await seedDatabase(db.prisma, { overwrite: true });
  expect(await seededTablesChecksum(db.prisma)).toBe(before);
});

test('the reference data has the promised size and shape', async () => {
  const p = db.prisma;
  expect(await p.country.count()).toBe(13);
  expect(await p.countryOffice.count()).toBe(13);
  expect(await p.cooperationFramework.count()).toBe(13);
  expect(await p.thematicArea.count()).toBe(20);
  expect(await p.expert.count()).toBeGreaterThanOrEqual(40);
  expect(await p.call.count()).toBe(13);

  const kg = await p.country.findUniqueOrThrow({
    where: { code: 'KG' },
    include: { office: true, frameworks: { include: { outcomes: true } } },
  });
  expect(kg.nameRu).toBe('Кыргызстан');
  expect(kg.office?.city).toBe('Bishkek');
  expect(kg.frameworks[0].outcomes.length).toBeGreaterThanOrEqual(3);

  const experts = await p.expert.findMany();
  const languages = new Set(experts.flatMap((e) => e.languages as string[]));
  for (const lang of ['ru', 'en', 'ky', 'tg', 'uz', 'kk']) expect(languages.has(lang)).toBe(true);
  expect(experts.some((e) => e.dailyFeeCents > 180_000)).toBe(true);
  expect(experts.every((e) => e.rating >= 3 && e.rating <= 5)).toBe(true);
  const areas = new Set(experts.flatMap((e) => e.thematicAreaIds as string[]));
  expect(areas.size).toBe(20);

  const call = await p.call.findUniqueOrThrow({ where: { id: 'call-kg' } });
  expect(call).toMatchObject({
    minGrantCents: 2_000_000,
    maxGrantCents: 4_000_000,
    coFinancingMinPct: 20,
    passMark: 60,
  });
  const today = new Date('2026-11-26T12:00:00Z');
  expect(call.opensAt <= today && today <= call.closesAt!).toBe(true);
  expect((call.rubric as { key: string; weight: number }[]).map((c) => [c.key, c.weight])).toEqual([
    ['innovation', 30],
    ['feasibility_sustainability', 35],
    ['social_benefit', 35],
  ]);
});

test('every demo user is present exactly as domain/demo.ts defines it', async () => {
  for (const u of Object.values(DEMO_USERS)) {
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(row).toMatchObject(u);
  }
  expect(
    (await db.prisma.expert.findUniqueOrThrow({ where: { id: 'exp-001' }, include: { user: true } })).user?.id,
  ).toBe('u-expert-1');
  expect((await db.prisma.user.findUniqueOrThrow({ where: { id: DEMO_USERS.fundManager.id } })).dailyDigest).toBe(
    false,
  );
  expect(await db.prisma.user.count({ where: { language: 'ru' } })).toBeGreaterThanOrEqual(2);
});

test('seeded rule sets read back as the RULE_SETS constant and resolve by date', async () => {
  const records = (await db.prisma.policyRuleSet.findMany({ orderBy: { effectiveFrom: 'asc' } })).map(
    policyRuleSetFromRow,
  );
  expect(records).toEqual(RULE_SETS);
  expect(ruleSetInForce(records, '2025-09-14').id).toBe('popp-2019-01-01');
  expect(ruleSetInForce(records, '2025-09-15').id).toBe('popp-2025-09-15');
});

test('Lao PDR framework ends in 2026, so a 2027 project there needs review', async () => {
  const fw = await db.prisma.cooperationFramework.findFirstOrThrow({
    where: { countryCode: 'LA' },
    include: { outcomes: true },
  });
  const framework = {
    periodStart: fw.periodStart.toISOString().slice(0, 10),
    periodEnd: fw.periodEnd.toISOString().slice(0, 10),
    outcomes: fw.outcomes.map((o) => ({
      code: o.code,
      sdgs: o.sdgs as number[],
      thematicAreaIds: o.thematicAreaIds as string[],
    })),
  };
  const facts = { countryEligible: true, framework, sdgs: [13], thematicAreaId: 'climate-adaptation' };
  expect(checkAlignment({ ...facts, startDate: '2026-01-01', endDate: '2026-12-31' }).result).toBe('aligned');
  expect(checkAlignment({ ...facts, startDate: '2027-01-01', endDate: '2027-12-31' }).result).toBe('needs_review');
});
