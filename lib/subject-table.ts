import type { Prisma } from '../generated/prisma/client';
import type { PrismaClient } from './db';
import { programmeOfSubject, type SubjectType } from '../domain/registry';

type Where = Record<string, unknown>;

/**
 * What shared code does with a programme's own subject table (its registry entry's `subjectTable`
 * model): the operations the read model, the task list and the list routes use, over every
 * programme alike. Rows come back as the `select` asks; the caller types them.
 */
export interface SubjectTable {
  findMany(args: {
    where: Where;
    select: Record<string, true>;
    orderBy?: Record<string, 'asc' | 'desc'>[];
    skip?: number;
    take?: number;
  }): Promise<Record<string, unknown>[]>;
  findFirst(args: { where: Where; select: Record<string, true> }): Promise<Record<string, unknown> | null>;
  count(args: { where: Where }): Promise<number>;
  groupBy(args: { by: ['stage']; _count: { _all: true } }): Promise<{ stage: string; _count: { _all: number } }[]>;
  upsert(args: { where: { id: string }; update: Where; create: Where }): Promise<unknown>;
  update(args: { where: { id: string }; data: Where }): Promise<unknown>;
}

/** The Prisma delegate of the subject type's table: `Proposal` → `prisma.proposal`. */
export function subjectTable(db: PrismaClient | Prisma.TransactionClient, type: SubjectType): SubjectTable {
  const model = programmeOfSubject(type).subjectTable;
  const delegate = model.charAt(0).toLowerCase() + model.slice(1);
  return (db as unknown as Record<string, SubjectTable>)[delegate];
}
