/**
 * A country's results on one printable A4 page, in English or Russian, for donor reporting: the
 * dashboard's headline figures for the country (same rows, same sums), beneficiaries by SDG, the
 * thematic areas and the largest items. DejaVu Sans (Cyrillic) as in the grant agreement.
 */
import { PDFDocument } from 'pdf-lib';
import type { Language } from '../domain/roles';
import { cachingFontkit, fontFile, Writer } from './agreement-pdf';

export interface CountrySummaryInput {
  language: Language;
  /** When it was produced (ISO): printed, and the PDF's dates. */
  date: string;
  country: { code: string; name: string };
  /** The other filters in words ("Russian Challenge Fund · 2026"), empty when none. */
  filters: string;
  totals: {
    items: number;
    funded: number;
    committedUsd: number;
    coFinancingUsd: number;
    disbursedUsd: number;
    beneficiariesTarget: number;
    beneficiaries: number;
    beneficiariesWomen: number;
    beneficiariesMen: number;
    beneficiariesYouth: number;
    completed: { programme: string; items: number }[];
  };
  bySdg: { sdg: number; items: number; beneficiaries: number }[];
  byArea: { name: string; items: number; committedUsd: number; beneficiaries: number }[];
  /** Largest first; those that do not fit the page are counted as "and N more". */
  items: { title: string; programme: string; stage: string; committedUsd: number; beneficiaries: number | null }[];
}

const TEXT = {
  en: {
    title: 'Results summary',
    subtitle: 'Russia-UNDP Partnership',
    asOf: 'As of',
    filters: 'Filters',
    headline: 'Headline figures',
    items: 'Items',
    funded: 'with a signed contract',
    committed: 'Committed',
    coFinancing: 'Co-financing committed',
    disbursed: 'Disbursed',
    beneficiaries: 'Direct beneficiaries',
    target: 'target',
    women: 'women',
    men: 'men',
    youth: 'youth',
    completed: 'Completed',
    bySdg: 'Direct beneficiaries by SDG',
    sdg: 'SDG',
    byArea: 'Thematic areas',
    largest: 'Largest items',
    more: 'and {n} more (see the pipeline export)',
    none: 'No items match.',
    source: 'Source: the results dashboard; the same figures as /app/results for this country and filters.',
  },
  ru: {
    title: 'Сводка результатов',
    subtitle: 'Партнёрство России и ПРООН',
    asOf: 'По состоянию на',
    filters: 'Фильтры',
    headline: 'Основные показатели',
    items: 'Проекты',
    funded: 'с подписанным договором',
    committed: 'Обязательства',
    coFinancing: 'Софинансирование по обязательствам',
    disbursed: 'Выплачено',
    beneficiaries: 'Прямые благополучатели',
    target: 'цель',
    women: 'женщины',
    men: 'мужчины',
    youth: 'молодёжь',
    completed: 'Завершено',
    bySdg: 'Прямые благополучатели по ЦУР',
    sdg: 'ЦУР',
    byArea: 'Тематические направления',
    largest: 'Крупнейшие проекты',
    more: 'и ещё {n} (см. выгрузку воронки)',
    none: 'Нет подходящих проектов.',
    source: 'Источник: панель результатов; те же показатели, что на /app/results для этой страны и фильтров.',
  },
} as const satisfies Record<Language, Record<string, string>>;

/** Whole numbers grouped for the language; Russian groups with a no-break space (a figure never breaks over two lines). */
export function countText(n: number, language: Language): string {
  return new Intl.NumberFormat(language === 'ru' ? 'ru-RU' : 'en-US', { maximumFractionDigits: 0 })
    .format(n)
    .replace(/\u202f/g, '\u00a0');
}

/** Dollars with cents, as the grant agreement writes them. */
export function usdText(n: number, language: Language): string {
  const s = new Intl.NumberFormat(language === 'ru' ? 'ru-RU' : 'en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  })
    .format(n)
    .replace(/\u202f/g, '\u00a0');
  return language === 'ru' ? `${s}\u00a0долл.\u00a0США` : `USD\u00a0${s}`;
}

export async function renderCountrySummaryPdf(input: CountrySummaryInput): Promise<Uint8Array> {
  const t = TEXT[input.language];
  const lang = input.language;
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(cachingFontkit);
  const font = await doc.embedFont(fontFile('regular'), { subset: true });
  const bold = await doc.embedFont(fontFile('bold'), { subset: true });
  const title = `${t.title}: ${input.country.name}`;
  doc.setTitle(title);
  doc.setLanguage(lang);
  doc.setProducer('Russia-UNDP Partnership workflow engine');
  doc.setCreator('Russia-UNDP Partnership workflow engine');
  doc.setCreationDate(new Date(input.date));
  doc.setModificationDate(new Date(input.date));

  const w = new Writer(doc, font, bold);
  w.text(title, { size: 18, bold: true });
  w.text(`${t.subtitle} · ${t.asOf} ${input.date.slice(0, 10)}`, { size: 10, gap: 2 });
  if (input.filters) w.text(`${t.filters}: ${input.filters}`, { size: 9, gap: 2 });

  const T = input.totals;
  w.heading(t.headline);
  w.field(t.items, `${countText(T.items, lang)} (${countText(T.funded, lang)} ${t.funded})`);
  w.field(t.committed, usdText(T.committedUsd, lang));
  w.field(t.coFinancing, usdText(T.coFinancingUsd, lang));
  w.field(t.disbursed, usdText(T.disbursedUsd, lang));
  w.field(
    t.beneficiaries,
    `${countText(T.beneficiaries, lang)} (${t.target} ${countText(T.beneficiariesTarget, lang)}; ${t.women} ${countText(T.beneficiariesWomen, lang)}, ${t.men} ${countText(T.beneficiariesMen, lang)}, ${t.youth} ${countText(T.beneficiariesYouth, lang)})`,
  );
  w.field(t.completed, T.completed.map((c) => `${c.programme} ${countText(c.items, lang)}`).join('; '));

  w.heading(t.bySdg);
  w.text(
    input.bySdg.length
      ? input.bySdg.map((s) => `${t.sdg} ${s.sdg}: ${countText(s.beneficiaries, lang)}`).join(' · ')
      : t.none,
    { indent: 8 },
  );

  w.heading(t.byArea);
  if (!input.byArea.length) w.text(t.none, { indent: 8 });
  for (const a of input.byArea.slice(0, 8))
    w.text(
      `${a.name}: ${countText(a.items, lang)} · ${usdText(a.committedUsd, lang)} · ${countText(a.beneficiaries, lang)}`,
      { indent: 8 },
    );

  w.heading(t.largest);
  if (!input.items.length) w.text(t.none, { indent: 8 });
  // One page: items while they fit above the footer, the rest counted.
  const footer = 60;
  let shown = 0;
  for (const i of input.items) {
    if (w.y < w.margin + footer) break;
    w.text(
      `${i.title} (${i.programme}, ${i.stage}): ${usdText(i.committedUsd, lang)}${i.beneficiaries !== null ? ` · ${countText(i.beneficiaries, lang)}` : ''}`,
      { indent: 8, size: 9, gap: 1 },
    );
    shown++;
  }
  if (shown < input.items.length)
    w.text(t.more.replace('{n}', countText(input.items.length - shown, lang)), { indent: 8, size: 9 });
  w.text(t.source, { size: 8, gap: 0, color: [0.35, 0.35, 0.35] });
  // Long titles may still wrap past the page: a summary is one page, so anything beyond is dropped.
  while (doc.getPageCount() > 1) doc.removePage(doc.getPageCount() - 1);
  return doc.save({ useObjectStreams: false });
}
