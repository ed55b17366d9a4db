/**
 * The grant agreement as a PDF, in English or Russian, from one template. The standard PDF fonts
 * have no Cyrillic: DejaVu Sans (npm dejavu-fonts-ttf) is embedded (subset) through fontkit.
 * Generation is deterministic for the same input (fixed dates, no random ids), so a retried
 * activity produces the same bytes and the same SHA-256.
 */
import fs from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { Language } from '../domain/roles';

const FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

/**
 * The fonts read and parsed once per process: parsing DejaVu's tables was most of a render. pdf-lib
 * asks fontkit to parse the bytes it is given on every embedding; each document makes its own
 * subset, so one parse per font file serves every render, but for one thing: fontkit keeps each
 * glyph with the characters of its first lookup, and a subset fetches the parts of composed glyphs
 * (Ç is C and a cedilla) with none. A later document then got that glyph with no character, left it
 * out of its text map, and its text could not be read back or copied ("NTRA T" for CONTRACT).
 */
const FONT_FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' } as const;
const fontBytes = new Map<string, Uint8Array>();
const parsedFonts = new WeakMap<Uint8Array, ReturnType<typeof fontkit.create>>();
export const cachingFontkit: typeof fontkit = {
  ...fontkit,
  create(data: Uint8Array, postscriptName?: string) {
    if (postscriptName !== undefined) return fontkit.create(data, postscriptName);
    let font = parsedFonts.get(data);
    if (!font) parsedFonts.set(data, (font = withLayoutMemo(withGlyphCharacters(fontkit.create(data)))));
    return font;
  },
};

/**
 * Most entries a font's layout memo keeps (least recently used first out): a few documents' lines and
 * line candidates, some 5 MB, as each entry holds the glyph run of at most one line.
 */
const LAYOUT_MEMO_ENTRIES = 1_500;

/**
 * Lays each string out once per font. pdf-lib shapes a string (fontkit's GSUB and GPOS lookups) for every
 * width it measures and every line it draws, and a paragraph is wrapped by measuring each longer
 * candidate line: shaping was half of a render, much of it the same strings in every agreement (the
 * template's paragraphs) and in the stamped version (the whole text again). The layout of a string is a
 * function of the font and the string alone, and pdf-lib only reads the run; the glyphs in it are the
 * font's own shared objects either way.
 */
function withLayoutMemo<F extends ReturnType<typeof fontkit.create>>(font: F): F {
  type Layout = (text: string, ...rest: unknown[]) => unknown;
  const target = font as unknown as { layout: Layout };
  const layout = target.layout.bind(font) as Layout;
  const memo = new Map<string, unknown>();
  target.layout = (text, ...rest) => {
    if (typeof text !== 'string' || rest.some((arg) => arg !== undefined)) return layout(text, ...rest);
    let run = memo.get(text);
    if (run) memo.delete(text);
    else {
      run = layout(text);
      if (memo.size >= LAYOUT_MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
    }
    memo.set(text, run);
    return run;
  };
  return font;
}
/** A glyph first fetched without its characters gets them from the first lookup that knows them. */
function withGlyphCharacters<F extends ReturnType<typeof fontkit.create>>(font: F): F {
  const glyphs = font as unknown as {
    getGlyph(id: number, characters?: number[]): { codePoints: number[] } | null;
  };
  const getGlyph = glyphs.getGlyph.bind(font);
  glyphs.getGlyph = (id, characters = []) => {
    const glyph = getGlyph(id, characters);
    if (glyph && !glyph.codePoints.length && characters.length) glyph.codePoints = characters;
    return glyph;
  };
  return font;
}

export function fontFile(kind: keyof typeof FONT_FILES): Uint8Array {
  let bytes = fontBytes.get(kind);
  if (!bytes) fontBytes.set(kind, (bytes = fs.readFileSync(path.join(FONT_DIR, FONT_FILES[kind]))));
  return bytes;
}

export interface AgreementSignature {
  name: string;
  role: string;
  /** For whom the signer signs (institution, Country Office); empty for an individual contractor signing in person. */
  organisation: string;
  at: string;
  sha256: string;
  statement: string;
}

export interface AgreementInput {
  language: Language;
  reference: string;
  /** The date the agreement was generated (ISO): printed, and the PDF's dates (deterministic bytes). */
  date: string;
  grantor: { name: string; office: string; country: string };
  recipient: { name: string; city: string | null };
  nationalPartner: string;
  project: { title: string; summary: string; durationMonths: number; expectedResults: string };
  amountUsd: number;
  coFinancingUsd: number;
  tranches: { seq: number; amountUsd: number; milestone: string; dueDate: string }[];
  ruleSet: { name: string; effectiveFrom: string };
  /** Set on the stamped version: the signatures, and the SHA-256 of the unsigned version they signed. */
  signed?: SignedBlock;
}

const TEXT: Record<Language, Record<string, string>> = {
  en: {
    title: 'GRANT AGREEMENT',
    subtitle: 'Russian Challenge Fund — Russia-UNDP Partnership',
    ref: 'Reference',
    date: 'Date',
    parties: '1. Parties',
    grantor: 'Grantor',
    recipient: 'Recipient',
    partner: 'National partner',
    project: '2. Project',
    projectTitle: 'Title',
    duration: 'Duration',
    months: 'months',
    results: 'Expected results',
    amounts: '3. Amounts',
    grant: 'Grant amount',
    cofin: 'Co-financing by the Recipient (cash or in kind)',
    total: 'Total project budget',
    schedule: '4. Tranche schedule',
    scheduleNote: 'Each tranche is released after the Country Office verified the progress report of its milestone.',
    tranche: 'Tranche',
    milestone: 'Milestone',
    due: 'due',
    reporting: '5. Reporting duties',
    reportingText:
      'The Recipient submits a progress report for each milestone by its due date, and a final report with the results achieved and the beneficiaries reached at the end of the project. ' +
      'The Recipient keeps records of the use of funds for audit for five years and informs the Grantor at once of any change to the project or its partners.',
    rules: '6. Rules in force',
    rulesText:
      'This agreement is governed by the UNDP Programme and Operations Policies and Procedures (POPP), rule set',
    effective: 'effective from',
    signatures: '7. Signatures',
    unsigned: 'Awaiting the signatures of both parties.',
    page: 'Page',
  },
  ru: {
    title: 'ГРАНТОВОЕ СОГЛАШЕНИЕ',
    subtitle: 'Российский фонд решений — Партнёрство Россия–ПРООН',
    ref: 'Номер',
    date: 'Дата',
    parties: '1. Стороны',
    grantor: 'Грантодатель',
    recipient: 'Грантополучатель',
    partner: 'Национальный партнёр',
    project: '2. Проект',
    projectTitle: 'Название',
    duration: 'Срок',
    months: 'мес.',
    results: 'Ожидаемые результаты',
    amounts: '3. Суммы',
    grant: 'Сумма гранта',
    cofin: 'Софинансирование грантополучателя (денежное или в натуральной форме)',
    total: 'Общий бюджет проекта',
    schedule: '4. График траншей',
    scheduleNote:
      'Каждый транш перечисляется после того, как страновой офис проверил отчёт о ходе работ по соответствующему этапу.',
    tranche: 'Транш',
    milestone: 'Этап',
    due: 'срок',
    reporting: '5. Обязанности по отчётности',
    reportingText:
      'Грантополучатель представляет отчёт о ходе работ по каждому этапу в установленный срок и итоговый отчёт о достигнутых результатах и охваченных бенефициарах по завершении проекта. ' +
      'Грантополучатель хранит документы об использовании средств для аудита в течение пяти лет и незамедлительно сообщает грантодателю о любых изменениях проекта или его партнёров.',
    rules: '6. Применимые правила',
    rulesText:
      'Настоящее соглашение регулируется Правилами и процедурами программ и операций ПРООН (POPP), набор правил',
    effective: 'действует с',
    signatures: '7. Подписи',
    unsigned: 'Ожидает подписей обеих сторон.',
    page: 'Стр.',
  },
};

export function usd(n: number, language: Language): string {
  const s = new Intl.NumberFormat(language === 'ru' ? 'ru-RU' : 'en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(n);
  // ru-RU groups with a narrow no-break space, which DejaVu has; keep it simple for text extraction.
  return language === 'ru' ? `${s.replace(/\u202f|\u00a0/g, ' ')} долл. США` : `USD ${s}`;
}

export class Writer {
  page!: PDFPage;
  y = 0;
  pages = 0;
  readonly margin = 56;
  readonly width = 595.28;
  readonly height = 841.89;

  constructor(
    private readonly doc: PDFDocument,
    readonly font: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage([this.width, this.height]);
    this.pages++;
    this.y = this.height - this.margin;
  }

  private ensure(h: number): void {
    if (this.y - h < this.margin) this.newPage();
  }

  private wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const lines: string[] = [];
    for (const paragraph of text.split('\n')) {
      let line = '';
      // Ordinary spaces only: a no-break space (a figure's digit groups) keeps its words on one line.
      for (const word of paragraph.split(/[ \t]+/).filter(Boolean)) {
        const candidate = line ? `${line} ${word}` : word;
        if (font.widthOfTextAtSize(candidate, size) <= width || !line) line = candidate;
        else {
          lines.push(line);
          line = word;
        }
      }
      lines.push(line);
    }
    return lines;
  }

  text(
    text: string,
    opts: { size?: number; bold?: boolean; indent?: number; gap?: number; color?: [number, number, number] } = {},
  ): void {
    const size = opts.size ?? 10;
    const font = opts.bold ? this.bold : this.font;
    const indent = opts.indent ?? 0;
    for (const line of this.wrap(text, font, size, this.width - 2 * this.margin - indent)) {
      this.ensure(size * 1.4);
      this.page.drawText(line, {
        x: this.margin + indent,
        y: this.y - size,
        size,
        font,
        color: rgb(...(opts.color ?? [0, 0, 0])),
      });
      this.y -= size * 1.4;
    }
    this.y -= opts.gap ?? 2;
  }

  heading(text: string): void {
    this.y -= 6;
    this.text(text, { size: 12, bold: true, gap: 4 });
  }

  field(label: string, value: string): void {
    this.text(`${label}: ${value}`, { indent: 8 });
  }

  stamp(text: string): void {
    this.ensure(40);
    const size = 14;
    const w = this.bold.widthOfTextAtSize(text, size) + 20;
    this.page.drawRectangle({
      x: this.margin,
      y: this.y - 30,
      width: w,
      height: 26,
      borderColor: rgb(0.1, 0.45, 0.2),
      borderWidth: 2,
    });
    this.page.drawText(text, {
      x: this.margin + 10,
      y: this.y - 22,
      size,
      font: this.bold,
      color: rgb(0.1, 0.45, 0.2),
    });
    this.y -= 40;
  }
}

/** A new A4 document with the embedded fonts and deterministic metadata (same input, same bytes), and its writer. */
export async function startPdf(meta: {
  title: string;
  language: Language;
  created: string;
  modified: string;
}): Promise<{ doc: PDFDocument; w: Writer }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(cachingFontkit);
  const font = await doc.embedFont(fontFile('regular'), { subset: true });
  const bold = await doc.embedFont(fontFile('bold'), { subset: true });
  doc.setTitle(meta.title);
  doc.setLanguage(meta.language);
  doc.setProducer('Russia-UNDP Partnership workflow engine');
  doc.setCreator('Russia-UNDP Partnership workflow engine');
  doc.setCreationDate(new Date(meta.created));
  doc.setModificationDate(new Date(meta.modified));
  return { doc, w: new Writer(doc, font, bold) };
}

/** What a stamped document (grant agreement, individual contract) prints of its signatures. */
const SIGNED_TEXT: Record<
  Language,
  { signedBy: string; at: string; signedSha: string; statement: string; stamp: string }
> = {
  en: {
    signedBy: 'Signed by',
    at: 'at',
    signedSha: 'signed the document with SHA-256',
    statement: 'Confirmed statement',
    stamp: 'SIGNED BY BOTH PARTIES',
  },
  ru: {
    signedBy: 'Подписано',
    at: '',
    signedSha: 'подписан документ с SHA-256',
    statement: 'Подтверждённое заявление',
    stamp: 'ПОДПИСАНО ОБЕИМИ СТОРОНАМИ',
  },
};

export type SignedBlock = { signatures: AgreementSignature[]; unsignedSha256: string };

/** The stamp under a stamped document's heading. */
export const stampText = (language: Language): string => SIGNED_TEXT[language].stamp;

/** The signatures section's body: each signer, when, the statement confirmed and the SHA-256 signed; else `unsigned`. */
export function writeSignatures(
  w: Writer,
  language: Language,
  signed: SignedBlock | undefined,
  unsigned: string,
): void {
  if (!signed) {
    w.text(unsigned, { indent: 8 });
    return;
  }
  const t = SIGNED_TEXT[language];
  for (const s of signed.signatures) {
    w.text(
      `${t.signedBy}: ${s.name} (${s.role}${s.organisation ? `, ${s.organisation}` : ''}) ${t.at} ${s.at.replace('T', ' ').slice(0, 19)} UTC`.replace(
        '  ',
        ' ',
      ),
      { indent: 8, bold: true },
    );
    w.text(`${t.statement}: “${s.statement}”`, { indent: 16 });
    w.text(`${t.signedSha}: ${s.sha256}`, { indent: 16, size: 8, gap: 6 });
  }
}

/** The time of the last signature (a stamped version's modification date), else the document's date. */
export const lastSignatureAt = (date: string, signed?: { signatures: { at: string }[] }): string =>
  signed?.signatures
    .map((s) => s.at)
    .sort()
    .pop() ?? date;

export async function renderAgreementPdf(input: AgreementInput): Promise<Uint8Array> {
  const t = TEXT[input.language];
  const { doc, w } = await startPdf({
    title: `${t.title} ${input.reference}`,
    language: input.language,
    created: input.date,
    modified: lastSignatureAt(input.date, input.signed),
  });
  w.text(t.title, { size: 18, bold: true });
  w.text(t.subtitle, { size: 11, gap: 6 });
  w.text(`${t.ref}: ${input.reference}    ${t.date}: ${input.date.slice(0, 10)}`, { gap: 8 });
  if (input.signed) w.stamp(stampText(input.language));

  w.heading(t.parties);
  w.field(t.grantor, `${input.grantor.name}, ${input.grantor.office} (${input.grantor.country})`);
  w.field(t.recipient, `${input.recipient.name}${input.recipient.city ? `, ${input.recipient.city}` : ''}`);
  w.field(t.partner, input.nationalPartner);

  w.heading(t.project);
  w.field(t.projectTitle, input.project.title);
  w.text(input.project.summary, { indent: 8 });
  w.field(t.duration, `${input.project.durationMonths} ${t.months}`);
  w.field(t.results, input.project.expectedResults);

  w.heading(t.amounts);
  w.field(t.grant, usd(input.amountUsd, input.language));
  w.field(t.cofin, usd(input.coFinancingUsd, input.language));
  w.field(t.total, usd(input.amountUsd + input.coFinancingUsd, input.language));

  w.heading(t.schedule);
  w.text(t.scheduleNote, { indent: 8 });
  for (const tr of input.tranches) {
    w.text(
      `${t.tranche} ${tr.seq}: ${usd(tr.amountUsd, input.language)} — ${t.milestone} “${tr.milestone}”, ${t.due} ${tr.dueDate}`,
      { indent: 8 },
    );
  }

  w.heading(t.reporting);
  w.text(t.reportingText, { indent: 8 });

  w.heading(t.rules);
  w.text(`${t.rulesText} “${input.ruleSet.name}”, ${t.effective} ${input.ruleSet.effectiveFrom.slice(0, 10)}.`, {
    indent: 8,
  });

  w.heading(t.signatures);
  writeSignatures(w, input.language, input.signed, t.unsigned);
  return doc.save({ useObjectStreams: false });
}
