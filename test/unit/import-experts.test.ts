import fs from 'node:fs';
import path from 'node:path';
import { CsvSyntaxError, ImportError, importExpertsCsv, parseCsv } from '../../prisma/import-experts';
import { seedDatabase } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('import-experts');
  await seedDatabase(db.prisma); // thematic areas the rows refer to, and existing experts
});
afterAll(async () => {
  await db?.close();
});

const HEADER = 'id,name,email,thematicAreaIds,sdgs,languages,countriesOfExperience,dailyFeeUsd,availability,rating,bio';

/** Catches the ImportError a call must throw. */
async function importError(csv: string): Promise<ImportError> {
  try {
    await importExpertsCsv(db.prisma, csv);
  } catch (err) {
    if (err instanceof ImportError) return err;
    throw err;
  }
  throw new Error('expected an ImportError');
}

describe('parseCsv (RFC 4180)', () => {
  test('quoted fields keep commas, doubled quotes and line breaks; records know their first line', () => {
    const records = parseCsv('a,b,c\r\n1,"x, y","say ""hi"""\n\n2,"two\nlines",\n3,,last');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 4, fields: ['2', 'two\nlines', ''] },
      { line: 6, fields: ['3', '', 'last'] },
    ]);
  });

  test('a BOM is dropped; syntax errors name the line', () => {
    expect(parseCsv('\uFEFFid\nx\n')).toEqual([
      { line: 1, fields: ['id'] },
      { line: 2, fields: ['x'] },
    ]);
    expect(() => parseCsv('a\n"open\n\n')).toThrow(new CsvSyntaxError(2, 'a quoted field is never closed'));
    expect(() => parseCsv('a,b\nx,ab"c"\n')).toThrow(/^line 2: a quote inside an unquoted field/);
    expect(() => parseCsv('a,b\n"x"y,1\n')).toThrow(/^line 2: text after a closing quote/);
  });
});

describe('importExpertsCsv', () => {
  test('the sample file imports, quoted commas and all; re-importing updates in place', async () => {
    const csv = fs.readFileSync(path.join(__dirname, '..', '..', 'prisma', 'experts-sample.csv'), 'utf8');
    const before = await db.prisma.expert.count();
    expect(await importExpertsCsv(db.prisma, csv)).toEqual({ imported: 4, created: 4, updated: 0 });
    expect(await db.prisma.expert.count()).toBe(before + 4);

    const vera = await db.prisma.expert.findUniqueOrThrow({ where: { id: 'exp-102' } });
    expect(vera).toMatchObject({
      name: 'Vera Sorokina',
      thematicAreaIds: ['health', 'gender-equality'],
      sdgs: [3, 5],
      languages: ['ru', 'en'],
      countriesOfExperience: ['AM', 'MD', 'TJ'],
      dailyFeeCents: 48_050,
      availability: [
        { from: '2027-01-15', to: '2027-04-30' },
        { from: '2027-09-01', to: '2027-12-31' },
      ],
      rating: 0,
      bio: 'Public health specialist, "Healthy Cities" network coordinator, 12 years in the CIS.',
    });
    expect(await importExpertsCsv(db.prisma, csv)).toEqual({ imported: 4, created: 0, updated: 4 });
    expect(await db.prisma.expert.count()).toBe(before + 4);
  });

  test('upsert by id updates an existing roster expert; an empty rating keeps the rating it had', async () => {
    const old = await db.prisma.expert.findUniqueOrThrow({ where: { id: 'exp-010' } });
    const csv = `${HEADER}\nexp-010,${old.name},${old.email},health,3,ru;en,kg,900,2027-01-01..2027-03-31,,"Now a health expert, too"\n`;
    expect(await importExpertsCsv(db.prisma, csv)).toEqual({ imported: 1, created: 0, updated: 1 });
    const now = await db.prisma.expert.findUniqueOrThrow({ where: { id: 'exp-010' } });
    expect(now).toMatchObject({
      thematicAreaIds: ['health'],
      countriesOfExperience: ['KG'],
      dailyFeeCents: 90_000,
      rating: old.rating,
      bio: 'Now a health expert, too',
    });
  });

  test('one bad row: the error names its line and field, and nothing from the file is written', async () => {
    const csv = [
      HEADER,
      'exp-201,Good One,good.one@experts.example.org,education,4,ru;en,AM,500,2027-01-01..2027-02-28,4.0,"Teacher trainer, Yerevan"',
      'exp-202,Bad Area,bad.area@experts.example.org,space-tourism;education,4,ru,AM,500,,,',
      'exp-203,Good Two,good.two@experts.example.org,health,3,ru,TJ,650.25,,,',
    ].join('\n');
    const before = await db.prisma.expert.count();
    const err = await importError(csv);
    expect(err.problems).toEqual([
      { line: 3, field: 'thematicAreaIds', message: 'unknown thematic area "space-tourism"' },
    ]);
    expect(err.message).toContain('line 3, thematicAreaIds: unknown thematic area "space-tourism"');
    expect(err.message).toContain('nothing was imported');
    expect(await db.prisma.expert.count()).toBe(before);
    expect(await db.prisma.expert.findUnique({ where: { id: 'exp-201' } })).toBeNull();
  });

  test('every kind of bad value is reported with its line, all at once', async () => {
    const csv = [
      HEADER,
      'exp-301,,not-an-email,health,18,RU,Kyrgyzstan,-5,2027-03-01..2027-01-01,6,x',
      'exp-302,"Quoted, Name",q.name@experts.example.org,health,3,ru,KG,abc,2027-02-30..2027-03-01,4.5,',
      'exp-303,Too Few,too.few@experts.example.org,health',
      'exp-302,Same Id,expert1@example.org,health,3,ru,KG,100,,,',
    ].join('\n');
    const err = await importError(csv);
    const got = err.problems.map((p) => `${p.line}:${p.field}`);
    expect(got).toEqual([
      '2:name',
      '2:email',
      '2:sdgs',
      '2:languages',
      '2:countriesOfExperience',
      '2:dailyFeeUsd',
      '2:availability',
      '2:rating',
      '3:dailyFeeUsd',
      '3:availability',
      '4:',
      '5:id',
      '5:email',
    ]);
    expect(err.problems.find((p) => p.line === 5 && p.field === 'id')?.message).toBe(
      '"exp-302" already appears on line 3',
    );
    expect(err.problems.find((p) => p.line === 5 && p.field === 'email')?.message).toBe(
      '"expert1@example.org" belongs to expert exp-001',
    );
    expect(err.problems.find((p) => p.line === 4)?.message).toBe('expected 11 fields, found 4');
  });

  test('header problems and CSV syntax errors are ImportErrors too', async () => {
    expect((await importError('id,name\n')).problems.map((p) => p.field)).toContain('email');
    expect((await importError(`${HEADER},extra\n`)).problems).toEqual([
      { line: 1, field: 'extra', message: 'unknown column' },
    ]);
    expect((await importError(`${HEADER}\nexp-1,"unterminated\n`)).problems).toEqual([
      { line: 2, field: '', message: 'a quoted field is never closed' },
    ]);
    expect((await importError('')).problems[0].message).toMatch(/the file is empty/);
  });
});
