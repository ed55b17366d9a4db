import { createHash } from 'node:crypto';
import type { PrismaClient } from '../lib/db';
import {
  CALLS,
  COOPERATION_FRAMEWORKS,
  COUNTRIES,
  COUNTRY_OFFICES,
  EXPERTS,
  FRAMEWORK_OUTCOMES,
  INSTITUTIONS,
  POLICY_RULE_SETS,
  THEMATIC_AREAS,
  USERS,
} from './seed-data';

export interface SeedOptions {
  log?: (msg: string) => void;
  /**
   * Also rewrite rows that already exist with the seed values. Off by default: the running
   * system and admins change seeded rows (expert ratings, user preferences, a rule set's end
   * date), and a restart that re-seeds must not undo that.
   */
  overwrite?: boolean;
}

export interface SeedResult {
  /** Rows the seed provides, per table. */
  counts: Record<string, number>;
  /** Rows inserted by this run, per table (all zero on a second run). */
  created: Record<string, number>;
}

interface TableSeed {
  /** SQL table name (= Prisma model name). */
  table: string;
  /** Prisma client property. */
  model: string;
  key: string;
  rows: readonly object[];
}

/** In foreign-key order: parents before children. */
export const SEEDED_TABLES: readonly TableSeed[] = [
  { table: 'Country', model: 'country', key: 'code', rows: COUNTRIES },
  { table: 'CountryOffice', model: 'countryOffice', key: 'id', rows: COUNTRY_OFFICES },
  { table: 'ThematicArea', model: 'thematicArea', key: 'id', rows: THEMATIC_AREAS },
  { table: 'CooperationFramework', model: 'cooperationFramework', key: 'id', rows: COOPERATION_FRAMEWORKS },
  { table: 'FrameworkOutcome', model: 'frameworkOutcome', key: 'id', rows: FRAMEWORK_OUTCOMES },
  { table: 'Institution', model: 'institution', key: 'id', rows: INSTITUTIONS },
  { table: 'Expert', model: 'expert', key: 'id', rows: EXPERTS },
  { table: 'User', model: 'user', key: 'id', rows: USERS },
  { table: 'Call', model: 'call', key: 'id', rows: CALLS },
  { table: 'PolicyRuleSet', model: 'policyRuleSet', key: 'id', rows: POLICY_RULE_SETS },
];

/** The subset of a Prisma model delegate the seed uses; the generated types differ per model. */
interface SeedDelegate {
  findMany(args: { select: Record<string, true> }): Promise<Record<string, unknown>[]>;
  createMany(args: { data: object[] }): Promise<{ count: number }>;
  update(args: { where: Record<string, unknown>; data: object }): Promise<unknown>;
}

type TransactionClient = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

function delegateOf(tx: TransactionClient, model: string): SeedDelegate {
  return (tx as unknown as Record<string, SeedDelegate>)[model];
}

/**
 * Loads the reference and demo data. Deterministic (fixed ids and dates) and idempotent:
 * rows missing by key are inserted, existing ones are left alone (or rewritten with
 * `overwrite`), so a second run changes nothing. One transaction per table.
 */
export async function seedDatabase(prisma: PrismaClient, opts: SeedOptions = {}): Promise<SeedResult> {
  const counts: Record<string, number> = {};
  const created: Record<string, number> = {};
  for (const { table, model, key, rows } of SEEDED_TABLES) {
    created[table] = await prisma.$transaction(async (tx) => {
      const delegate = delegateOf(tx, model);
      const existing = new Set((await delegate.findMany({ select: { [key]: true } })).map((r) => r[key]));
      const keyOf = (row: object) => (row as Record<string, unknown>)[key];
      const missing = rows.filter((row) => !existing.has(keyOf(row)));
      if (missing.length) await delegate.createMany({ data: [...missing] });
      if (opts.overwrite) {
        for (const row of rows)
          if (existing.has(keyOf(row))) await delegate.update({ where: { [key]: keyOf(row) }, data: row });
      }
      return missing.length;
    });
    counts[table] = rows.length;
    opts.log?.(
      `${table}: ${rows.length} rows (${created[table]} created${opts.overwrite ? ', others overwritten' : ''})`,
    );
  }
  return { counts, created };
}

/**
 * SHA-256 over every row of every seeded table (all columns, ordered by key): equal
 * checksums mean equal data, timestamps included.
 */
export async function seededTablesChecksum(prisma: PrismaClient): Promise<string> {
  const hash = createHash('sha256');
  for (const { table, key } of SEEDED_TABLES) {
    const rows = await prisma.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${table}" ORDER BY "${key}"`);
    hash.update(`${table}\n`);
    hash.update(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  }
  return hash.digest('hex');
}
