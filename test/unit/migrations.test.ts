/**
 * The migrations folder and schema.prisma agree (`prisma migrate diff --from-migrations … --exit-code`
 * on throw-away databases of the test server): a model changed without `npm run db:migration`
 * fails the run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diffMigrationsToSchema } from '../../lib/migrations';
import { testAdminUrl } from '../helpers/test-postgres';

test('prisma/migrations produce exactly schema.prisma', async () => {
  const diff = await diffMigrationsToSchema(testAdminUrl());
  expect(diff.sql).toBe('');
  expect(diff.differs).toBe(false);
});

test('a schema change without its migration is found', async () => {
  const schema = fs.readFileSync(path.resolve(__dirname, '..', '..', 'prisma', 'schema.prisma'), 'utf8');
  const changed = schema.replace(/model ProposalDraft \{/, 'model ProposalDraft {\n  note String?');
  expect(changed).not.toBe(schema);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rus-undp-schema-'));
  try {
    const file = path.join(dir, 'schema.prisma');
    // The generator's output path is relative to the schema; it is not used by migrate diff.
    fs.writeFileSync(file, changed);
    const diff = await diffMigrationsToSchema(testAdminUrl(), file);
    expect(diff.differs).toBe(true);
    expect(diff.sql).toMatch(/ALTER TABLE "ProposalDraft" ADD COLUMN\s+"note" TEXT/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
