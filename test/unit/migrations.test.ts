/**
 * The migrations folder and the schema (prisma/schema/*.prisma) agree (`prisma migrate diff --from-migrations … --exit-code`
 * on throw-away databases of the test server): a model changed without `npm run db:migration`
 * fails the run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diffMigrationsToSchema } from '../../lib/migrations';
import { testAdminUrl } from '../helpers/test-postgres';

test('prisma/migrations produce exactly the schema', async () => {
  const diff = await diffMigrationsToSchema(testAdminUrl());
  expect(diff.sql).toBe('');
  expect(diff.differs).toBe(false);
});

test('a schema change without its migration is found', async () => {
  const source = path.resolve(__dirname, '..', '..', 'prisma', 'schema');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rus-undp-schema-'));
  try {
    // The generator's output path is relative to the schema; it is not used by migrate diff.
    fs.cpSync(source, dir, { recursive: true });
    const file = path.join(dir, 'challenge-fund.prisma');
    const schema = fs.readFileSync(file, 'utf8');
    const changed = schema.replace(/model ProposalDraft \{/, 'model ProposalDraft {\n  note String?');
    expect(changed).not.toBe(schema);
    fs.writeFileSync(file, changed);
    const diff = await diffMigrationsToSchema(testAdminUrl(), dir);
    expect(diff.differs).toBe(true);
    expect(diff.sql).toMatch(/ALTER TABLE "ProposalDraft" ADD COLUMN\s+"note" TEXT/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
