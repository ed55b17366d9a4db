import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { PDFDocument } from 'pdf-lib';
import { cachingFontkit, fontFile } from '../../lib/agreement-pdf';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pdf-fonts-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** One page in the bold font, read back with pdftotext (poppler-utils). */
async function roundTrip(text: string, name: string): Promise<string> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(cachingFontkit);
  const bold = await doc.embedFont(fontFile('bold'), { subset: true });
  doc.addPage().drawText(text, { x: 20, y: 700, size: 14, font: bold });
  const file = path.join(tmp, name);
  fs.writeFileSync(file, await doc.save());
  return execFileSync('pdftotext', [file, '-']).toString().trim();
}

test('text stays readable in every document sharing the parsed font, after one with composed letters', async () => {
  // Ç, Ö and ý are drawn from C, O and y: the first document's subset fetches those parts alone.
  expect(await roundTrip('ÇÖýČ Договор', 'first.pdf')).toBe('ÇÖýČ Договор');
  expect(await roundTrip('INDIVIDUAL CONTRACT payments', 'second.pdf')).toBe('INDIVIDUAL CONTRACT payments');
});
