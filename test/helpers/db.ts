import { randomBytes } from 'node:crypto';
import { openDatabase, type PrismaClient } from '../../lib/db';
import { dropDatabase, ensureDatabase, withDatabase } from '../../lib/pg';
import { useSignatureDatabase } from './signature';
import { TEMPLATE_DATABASE, testAdminUrl } from './test-postgres';

export interface TestDatabase {
  url: string;
  name: string;
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** A fresh database with every migration applied (a copy of the run's migrated template), one per test file. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const admin = testAdminUrl();
  const name = `t_${label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30)}_${randomBytes(5).toString('hex')}`;
  await ensureDatabase(admin, name, TEMPLATE_DATABASE);
  const url = withDatabase(admin, name);
  const prisma = await openDatabase(url);
  useSignatureDatabase(prisma);
  return {
    url,
    name,
    prisma,
    async close() {
      await prisma.$disconnect();
      await dropDatabase(admin, name);
    },
  };
}
