import type { PrismaClient } from '../../lib/db';
import { eventually } from './wait';

/** The signature data a signer sends for a task that shows an agreement: a version's SHA-256 and its statement, as confirmed. */
export function signatureData(
  context: Record<string, unknown> | null | undefined,
  language: 'en' | 'ru' = 'en',
): Record<string, unknown> | undefined {
  const docs =
    (context?.agreement as { documents?: { language: string; sha256: string; statement: string }[] } | undefined)
      ?.documents ?? [];
  const doc = docs.find((d) => d.language === language);
  return doc ? { documentSha256: doc.sha256, statement: doc.statement } : undefined;
}

/** The test file's database (createTestDatabase registers it): the workflow-level helpers read a task's context from its read-model row. */
let database: PrismaClient | undefined;
export function useSignatureDatabase(prisma: PrismaClient): void {
  database = prisma;
}

/** The signature data of a task, from its read-model row (committed when the task opened). */
export async function signatureDataOfTask(taskId: string): Promise<Record<string, unknown> | undefined> {
  const db = database;
  if (!db) return undefined;
  // The workflow shows a task before its row reaches the read model (steps are applied in the
  // background, later still after a worker kill): wait for the row.
  const row = await eventually(() => db.task.findUnique({ where: { id: taskId }, select: { context: true } }), 60_000);
  return signatureData(row.context as Record<string, unknown> | null);
}
