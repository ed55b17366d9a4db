import { createTestDatabase, type TestDatabase } from '../helpers/db';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase('db'); });
afterAll(async () => { await db?.close(); });

test('a fresh database is migrated and opened in WAL with synchronous=FULL', async () => {
  const mode = await db.prisma.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode');
  expect(mode[0].journal_mode).toBe('wal');
  const sync = await db.prisma.$queryRawUnsafe<{ synchronous: bigint | number }[]>('PRAGMA synchronous');
  expect(Number(sync[0].synchronous)).toBe(2);
  expect(await db.prisma.user.count()).toBe(0);
});
