import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type PrismaClient } from '../../lib/db';

const root = path.resolve(__dirname, '..', '..');

export interface TestDatabase {
  url: string;
  file: string;
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** A fresh SQLite file with every migration applied (real `prisma migrate deploy`), one per test file. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rus-undp-${label}-`));
  const file = path.join(dir, 'app.db');
  const url = `file:${file}`;
  execFileSync(process.execPath, [path.join(root, 'scripts', 'prisma.js'), 'migrate', 'deploy'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    stdio: 'pipe',
  });
  const prisma = await openDatabase(url);
  return {
    url,
    file,
    prisma,
    async close() {
      await prisma.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
