import { openDatabase, poolOf } from '../../lib/db';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('db');
});
afterAll(async () => {
  await db?.close();
});

async function columnType(table: string, column: string): Promise<string> {
  const { rows } = await poolOf(db.prisma).query<{ t: string }>(
    'SELECT data_type AS t FROM information_schema.columns WHERE table_name = $1 AND column_name = $2',
    [table, column],
  );
  return rows[0]?.t;
}

test('a fresh database is migrated: PostgreSQL types (timestamptz, date, jsonb, integer cents), empty tables', async () => {
  expect(await db.prisma.user.count()).toBe(0);
  expect(await columnType('Task', 'dueAt')).toBe('timestamp with time zone');
  expect(await columnType('ExpertRequest', 'startDate')).toBe('date');
  expect(await columnType('Task', 'context')).toBe('jsonb');
  expect(await columnType('Payment', 'amountCents')).toBe('integer');
  expect(await columnType('User', 'active')).toBe('boolean');
  // Catalog columns of type `name` read through Prisma (prisma/prisma#27403, lib/pg.ts).
  const names = await db.prisma.$queryRaw<
    { datname: string }[]
  >`SELECT datname FROM pg_database WHERE datname = current_database()`;
  expect(names).toEqual([{ datname: db.name }]);
});

test("instants round-trip to the millisecond whatever the server's time zone (sessions run in UTC)", async () => {
  await poolOf(db.prisma).query(`ALTER DATABASE "${db.name}" SET timezone TO 'Asia/Bishkek'`);
  const other = await openDatabase(db.url);
  try {
    const at = new Date('2027-03-04T05:06:07.089Z');
    await other.policyRuleSet.create({ data: { id: 'tz', name: 'tz', effectiveFrom: at, rules: {} } });
    expect((await other.policyRuleSet.findUniqueOrThrow({ where: { id: 'tz' } })).effectiveFrom.toISOString()).toBe(
      at.toISOString(),
    );
    const [raw] = await other.$queryRaw<
      { utc: string }[]
    >`SELECT to_char("effectiveFrom" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS utc FROM "PolicyRuleSet" WHERE "id" = 'tz'`;
    expect(raw.utc).toBe('2027-03-04T05:06:07.089');
  } finally {
    await other.$disconnect();
    await poolOf(db.prisma).query(`ALTER DATABASE "${db.name}" RESET timezone`);
  }
});

function openTask(id: string, status = 'open') {
  return db.prisma.task.create({
    data: {
      id,
      workflowId: 'proposal-p-1',
      programme: 'challenge_fund',
      subjectType: 'proposal',
      subjectId: 'p-1',
      kind: id.split(':')[1],
      stage: 'selection',
      status,
      assigneeRole: 'reviewer',
      countryCode: 'KG',
      title: 't',
    },
  });
}

test('at most one open task per workflow, kind and key; tasks of one kind run in parallel under different keys', async () => {
  await openTask('proposal-p-1:review_score:u-r1:1');
  await openTask('proposal-p-1:review_score:u-r2:1');
  await openTask('proposal-p-1:co_endorsement:1');
  await expect(openTask('proposal-p-1:review_score:u-r1:2')).rejects.toMatchObject({ code: 'P2002' });
  await expect(openTask('proposal-p-1:co_endorsement:2')).rejects.toMatchObject({ code: 'P2002' });
  // Once the first closed, the slot takes the next one (a redone step).
  await db.prisma.task.update({ where: { id: 'proposal-p-1:co_endorsement:1' }, data: { status: 'done' } });
  await openTask('proposal-p-1:co_endorsement:2');
  await openTask('proposal-p-1:co_endorsement:3', 'cancelled');
});

test('a deliverable is paid once; a payment names an existing deliverable', async () => {
  const base = { workflowId: 'expert-request-r-1', subjectType: 'expert_request', subjectId: 'r-1' };
  await db.prisma.deliverable.create({
    data: {
      id: 'expert-request-r-1:d1',
      ...base,
      seq: 1,
      title: 'Report',
      dueDate: new Date('2027-05-01'),
      amountCents: 100_000,
      status: 'accepted',
    },
  });
  await db.prisma.payment.create({
    data: {
      id: 'expert-request-r-1:p1',
      ...base,
      deliverableId: 'expert-request-r-1:d1',
      payee: 'E',
      amountCents: 100_000,
      status: 'released',
    },
  });
  await expect(
    db.prisma.payment.create({
      data: {
        id: 'expert-request-r-1:p9',
        ...base,
        deliverableId: 'expert-request-r-1:d1',
        payee: 'E',
        amountCents: 100_000,
        status: 'released',
      },
    }),
  ).rejects.toMatchObject({ code: 'P2002' });
  await expect(
    db.prisma.payment.create({
      data: {
        id: 'expert-request-r-1:p2',
        ...base,
        deliverableId: 'expert-request-r-1:d2',
        payee: 'E',
        amountCents: 1,
        status: 'released',
      },
    }),
  ).rejects.toThrow(/Foreign key|foreign key/);
});
