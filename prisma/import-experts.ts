import { z } from 'zod';
import { emailAddressSchema, isoDateSchema, usdToCents } from '../domain/schemas';
import type { PrismaClient } from '../lib/db';
import { CsvError, parse } from 'csv-parse/sync';

export interface CsvRecord {
  /** 1-based line on which the record starts (a quoted field may carry it over several lines). */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

const lineBreaks = (s: string) => s.match(/\r\n|\n|\r/g)?.length ?? 0;

/** Our words for csv-parse's syntax errors (the import's users read them). */
const CSV_ERRORS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field (quote the whole field and double the quote)',
  CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote (a field is either all quoted or not at all)',
};

/**
 * Splits CSV text into records with csv-parse (RFC 4180: quoted fields may hold commas, doubled
 * quotes and line breaks). Accepts CRLF, LF or CR line ends and a leading BOM; skips blank lines.
 * Throws CsvSyntaxError naming the line (for an unclosed quote, the line it opened on).
 */
export function parseCsv(text: string): CsvRecord[] {
  try {
    const rows = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      info: true,
      raw: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    // info.lines is the line a record ends on; line breaks inside its quoted fields give its first line.
    return rows.map(({ record, info }) => ({
      line: info.lines - record.reduce((n, f) => n + lineBreaks(f), 0),
      fields: record,
    }));
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const { lines, raw } = err as CsvError & { lines: number; raw?: string };
    const line = err.code === 'CSV_QUOTE_NOT_CLOSED' && raw !== undefined ? lines - lineBreaks(raw) + 1 : lines;
    throw new CsvSyntaxError(line, CSV_ERRORS[err.code] ?? err.message);
  }
}

/** Columns of a roster CSV, in the documented order (any order is accepted). */
export const EXPERT_CSV_COLUMNS = [
  'id',
  'name',
  'email',
  'thematicAreaIds',
  'sdgs',
  'languages',
  'countriesOfExperience',
  'dailyFeeUsd',
  'availability',
  'rating',
  'bio',
] as const;
type Column = (typeof EXPERT_CSV_COLUMNS)[number];

export interface ImportProblem {
  /** 1-based line of the file (the header is line 1). */
  line: number;
  /** Column name, or '' when the problem concerns the whole row or file. */
  field: string;
  message: string;
}

export class ImportError extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the CSV; nothing was imported:\n` +
        problems.map((p) => `  line ${p.line}${p.field ? `, ${p.field}` : ''}: ${p.message}`).join('\n'),
    );
  }
}

export interface ImportResult {
  imported: number;
  created: number;
  updated: number;
}

/** "a; b;c" → ["a", "b", "c"]; an empty cell is an empty list. */
const semicolonList = z.string().transform((s) =>
  s
    .split(';')
    .map((x) => x.trim())
    .filter((x) => x !== ''),
);

const window = z
  .string()
  .transform((s, ctx) => {
    const parts = s.split('..');
    if (parts.length !== 2) {
      ctx.addIssue({ code: 'custom', message: `"${s}" must be a window from..to, e.g. 2026-01-01..2026-06-30` });
      return z.NEVER;
    }
    return { from: parts[0].trim(), to: parts[1].trim() };
  })
  .pipe(z.object({ from: isoDateSchema, to: isoDateSchema }))
  .refine((w) => w.from <= w.to, 'a window must not end before it starts');

function expertRowSchema(knownThematicAreas: ReadonlySet<string>) {
  return z.object({
    id: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1-64 letters, digits, - or _'),
    name: z.string().trim().min(1, 'is required').max(200),
    email: z.string().trim().toLowerCase().pipe(emailAddressSchema),
    thematicAreaIds: semicolonList.pipe(
      z
        .array(
          z.string().refine((id) => knownThematicAreas.has(id), {
            error: (issue) => `unknown thematic area "${String(issue.input)}"`,
          }),
        )
        .min(1, 'at least one thematic area is required'),
    ),
    sdgs: semicolonList.pipe(
      z
        .array(
          z
            .string()
            .regex(/^(?:[1-9]|1[0-7])$/, 'each SDG must be a number from 1 to 17')
            .transform(Number),
        )
        .min(1, 'at least one SDG is required'),
    ),
    languages: semicolonList.pipe(
      z
        .array(z.string().regex(/^[a-z]{2}$/, 'each language must be an ISO 639-1 code, e.g. ru'))
        .min(1, 'at least one language is required'),
    ),
    countriesOfExperience: semicolonList.pipe(
      z.array(
        z
          .string()
          .toUpperCase()
          .pipe(z.string().regex(/^[A-Z]{2}$/, 'each country must be an ISO 3166-1 alpha-2 code, e.g. KG')),
      ),
    ),
    dailyFeeUsd: z
      .string()
      .trim()
      .regex(/^\d+(\.\d{1,2})?$/, 'must be an amount in USD, e.g. 450 or 450.50')
      .transform(Number)
      .refine((n) => n > 0 && n <= 100_000, 'must be more than 0 and at most 100,000'),
    availability: semicolonList.pipe(z.array(window)),
    rating: z
      .string()
      .trim()
      .transform((s) => (s === '' ? null : s))
      .pipe(
        z
          .string()
          .regex(/^\d(\.\d+)?$/, 'must be a number from 0 to 5')
          .transform(Number)
          .refine((n) => n <= 5, 'must be a number from 0 to 5')
          .nullable(),
      ),
    bio: z.string().trim().max(5000),
  });
}
type ExpertCsvRow = z.output<ReturnType<typeof expertRowSchema>>;

/**
 * Imports (upserts by id) roster experts from CSV text. Every row is validated first;
 * if any problem is found an ImportError lists them all (line and column) and nothing is
 * written. Otherwise all rows are written in one transaction. Lists are semicolon-separated;
 * availability is "from..to;from..to". An empty rating keeps the existing rating (0 for new experts).
 */
export async function importExpertsCsv(prisma: PrismaClient, csvText: string): Promise<ImportResult> {
  let records;
  try {
    records = parseCsv(csvText);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new ImportError([{ line: err.line, field: '', message: err.reason }]);
    throw err;
  }
  const [header, ...rows] = records;
  if (!header)
    throw new ImportError([
      { line: 1, field: '', message: `the file is empty; expected a header: ${EXPERT_CSV_COLUMNS.join(',')}` },
    ]);

  const problems: ImportProblem[] = [];
  const columns = header.fields.map((f) => f.trim());
  for (const c of EXPERT_CSV_COLUMNS)
    if (!columns.includes(c))
      problems.push({ line: header.line, field: c, message: 'column is missing from the header' });
  for (const c of columns)
    if (!(EXPERT_CSV_COLUMNS as readonly string[]).includes(c))
      problems.push({ line: header.line, field: c, message: 'unknown column' });
  if (problems.length) throw new ImportError(problems);

  const knownAreas = new Set((await prisma.thematicArea.findMany({ select: { id: true } })).map((a) => a.id));
  const schema = expertRowSchema(knownAreas);
  const valid: { line: number; row: ExpertCsvRow }[] = [];
  const keys: RowKeys[] = [];
  for (const record of rows) {
    if (record.fields.length !== columns.length) {
      problems.push({
        line: record.line,
        field: '',
        message: `expected ${columns.length} fields, found ${record.fields.length}`,
      });
      continue;
    }
    const cells = Object.fromEntries(columns.map((c, i) => [c, record.fields[i]])) as Record<Column, string>;
    keys.push({ line: record.line, id: cells.id.trim(), email: cells.email.trim().toLowerCase() });
    const parsed = schema.safeParse(cells);
    if (parsed.success) valid.push({ line: record.line, row: parsed.data });
    else
      for (const issue of parsed.error.issues)
        problems.push({ line: record.line, field: String(issue.path[0] ?? ''), message: issue.message });
  }
  problems.push(...(await duplicateProblems(prisma, keys)));
  if (problems.length) throw new ImportError(problems.sort((a, b) => a.line - b.line));

  const existing = new Set(
    (await prisma.expert.findMany({ where: { id: { in: valid.map((v) => v.row.id) } }, select: { id: true } })).map(
      (e) => e.id,
    ),
  );
  await prisma.$transaction(
    valid.map(({ row }) => {
      const profile = {
        name: row.name,
        email: row.email,
        thematicAreaIds: row.thematicAreaIds,
        sdgs: row.sdgs,
        languages: row.languages,
        countriesOfExperience: row.countriesOfExperience,
        dailyFeeCents: usdToCents(row.dailyFeeUsd),
        availability: row.availability,
        bio: row.bio,
      };
      return prisma.expert.upsert({
        where: { id: row.id },
        create: { id: row.id, ...profile, rating: row.rating ?? 0 },
        update: row.rating === null ? profile : { ...profile, rating: row.rating },
      });
    }),
  );
  return {
    imported: valid.length,
    created: valid.filter((v) => !existing.has(v.row.id)).length,
    updated: existing.size,
  };
}

interface RowKeys {
  line: number;
  id: string;
  email: string;
}

/** Ids and e-mails repeated within the file (bad rows included), and e-mails already used by another expert. */
async function duplicateProblems(prisma: PrismaClient, rows: RowKeys[]): Promise<ImportProblem[]> {
  const problems: ImportProblem[] = [];
  const firstLineOf = { id: new Map<string, number>(), email: new Map<string, number>() };
  for (const row of rows) {
    for (const field of ['id', 'email'] as const) {
      if (!row[field]) continue; // an empty cell is reported by the row schema
      const seen = firstLineOf[field].get(row[field]);
      if (seen !== undefined)
        problems.push({ line: row.line, field, message: `"${row[field]}" already appears on line ${seen}` });
      else firstLineOf[field].set(row[field], row.line);
    }
  }
  const taken = await prisma.expert.findMany({
    where: { email: { in: rows.map((r) => r.email) } },
    select: { id: true, email: true },
  });
  const ownerOf = new Map(taken.map((e) => [e.email, e.id]));
  for (const row of rows) {
    const owner = ownerOf.get(row.email);
    if (owner !== undefined && owner !== row.id)
      problems.push({ line: row.line, field: 'email', message: `"${row.email}" belongs to expert ${owner}` });
  }
  return problems;
}
