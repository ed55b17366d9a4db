/**
 * The internship's documents as PDFs, in English or Russian, on the grant agreement's layout
 * (lib/agreement-pdf.ts `startPdf`, `usd`): the three-party internship agreement (the intern, the
 * Country Office and, where there is one, the university as parallel funder: placement, stipend and
 * its split, insurance, the rule set in force) generated when the student is selected, and the
 * certificate of completion generated at the evaluation. Deterministic like the grant agreement.
 */
import type { Language } from '../domain/roles';
import { startPdf, usd } from './agreement-pdf';

export interface InternshipDocumentInput {
  language: Language;
  /** The application's id. */
  reference: string;
  /** When the document was generated (ISO): printed, and the PDF's dates. */
  date: string;
  undp: { name: string; office: string; country: string };
  intern: {
    name: string;
    email: string | null;
    university: string | null;
    masterProgramme: string;
    fieldOfStudy: string;
  };
  placement: {
    title: string;
    hostOffice: string;
    unit: string;
    supervisorName: string;
    startDate: string;
    endDate: string;
    months: number;
  };
  stipend: {
    monthlyUsd: number;
    fundUsd: number;
    funderUsd: number;
    funderName: string | null;
    /** Where the duty station's rate comes from (dated data). */
    source: string | null;
  };
  ruleSet: { name: string; effectiveFrom: string };
}

export interface InternshipCertificateInput extends InternshipDocumentInput {
  monthsServed: number;
  /** The supervisor's final rating, 1–5, if given. */
  rating: number | null;
}

const TEXT: Record<Language, Record<string, string>> = {
  en: {
    agreement: 'INTERNSHIP AGREEMENT',
    certificate: 'CERTIFICATE OF INTERNSHIP',
    subtitle: 'Internships — Russia-UNDP Partnership',
    ref: 'Reference',
    date: 'Date',
    parties: '1. Parties',
    undp: 'UNDP',
    intern: 'Intern',
    funder: 'Parallel funder',
    university: 'University',
    placement: '2. Placement',
    posting: 'Internship',
    host: 'Host office and unit',
    supervisor: 'Supervisor',
    period: 'Period',
    to: 'to',
    months: 'months',
    studies: 'Master’s programme',
    field: 'Field of study',
    stipend: '3. Monthly stipend',
    monthly: 'Stipend per month',
    fundShare: 'Paid by the fund each month',
    funderShare: 'Paid by the parallel funder each month',
    source: 'source',
    stipendNote: 'The stipend is paid for each month served; no further month is paid once the internship ends early.',
    obligations: '4. Obligations',
    insurance:
      'The intern holds medical and life insurance for the whole placement and proves it before the start date (and a visa where one is needed).',
    conduct:
      'The intern follows the supervisor’s instructions and UNDP’s rules of conduct; a mid-term review and a final evaluation by the supervisor and a final report by the intern close the internship.',
    ending: 'Either side may end the internship early, with a reason.',
    rules: '5. Rules in force',
    rulesText: 'This agreement is governed by the internship rule set',
    effective: 'effective from',
    signatures: '6. Signatures',
    unsigned: 'Awaiting the signatures of the intern, the Country Office and, where there is one, the parallel funder.',
    certifies: 'This is to certify that',
    completed: 'completed an internship with',
    served: 'Months served',
    rating: 'Supervisor’s final rating',
    outOf: 'out of 5',
    issued: 'Issued by the Russia-UNDP Partnership on the supervisor’s final evaluation.',
  },
  ru: {
    agreement: 'СОГЛАШЕНИЕ О СТАЖИРОВКЕ',
    certificate: 'СЕРТИФИКАТ О ПРОХОЖДЕНИИ СТАЖИРОВКИ',
    subtitle: 'Стажировки — Партнёрство Россия–ПРООН',
    ref: 'Номер',
    date: 'Дата',
    parties: '1. Стороны',
    undp: 'ПРООН',
    intern: 'Стажёр',
    funder: 'Параллельный источник финансирования',
    university: 'Университет',
    placement: '2. Стажировка',
    posting: 'Стажировка',
    host: 'Принимающий офис и подразделение',
    supervisor: 'Руководитель',
    period: 'Период',
    to: 'по',
    months: 'мес.',
    studies: 'Магистерская программа',
    field: 'Область обучения',
    stipend: '3. Ежемесячная стипендия',
    monthly: 'Стипендия в месяц',
    fundShare: 'Ежемесячно выплачивает фонд',
    funderShare: 'Ежемесячно выплачивает параллельный источник',
    source: 'источник',
    stipendNote:
      'Стипендия выплачивается за каждый отработанный месяц; при досрочном прекращении стажировки последующие месяцы не оплачиваются.',
    obligations: '4. Обязательства',
    insurance:
      'Стажёр имеет медицинское страхование и страхование жизни на весь срок стажировки и подтверждает его до даты начала (а также визу, если она нужна).',
    conduct:
      'Стажёр выполняет указания руководителя и правила поведения ПРООН; стажировку завершают промежуточная и итоговая оценки руководителя и итоговый отчёт стажёра.',
    ending: 'Любая из сторон может досрочно прекратить стажировку, указав причину.',
    rules: '5. Применимые правила',
    rulesText: 'Настоящее соглашение регулируется набором правил стажировок',
    effective: 'действует с',
    signatures: '6. Подписи',
    unsigned: 'Ожидает подписей стажёра, странового офиса и, если он есть, параллельного источника финансирования.',
    certifies: 'Настоящим подтверждается, что',
    completed: 'прошёл(а) стажировку в',
    served: 'Отработано месяцев',
    rating: 'Итоговая оценка руководителя',
    outOf: 'из 5',
    issued: 'Выдан Партнёрством Россия–ПРООН по итоговой оценке руководителя.',
  },
};

async function begin(input: InternshipDocumentInput, title: string) {
  const t = TEXT[input.language];
  const started = await startPdf({
    title: `${title} ${input.reference}`,
    language: input.language,
    created: input.date,
    modified: input.date,
  });
  const { w } = started;
  w.text(title, { size: 18, bold: true });
  w.text(t.subtitle, { size: 11, gap: 6 });
  w.text(`${t.ref}: ${input.reference}    ${t.date}: ${input.date.slice(0, 10)}`, { gap: 8 });
  return started;
}

function placementFields(input: InternshipDocumentInput, w: Awaited<ReturnType<typeof startPdf>>['w']): void {
  const t = TEXT[input.language];
  const p = input.placement;
  w.field(t.posting, p.title);
  w.field(t.host, `${p.hostOffice}, ${p.unit}`);
  w.field(t.supervisor, p.supervisorName);
  w.field(t.period, `${p.startDate} ${t.to} ${p.endDate} (${p.months} ${t.months})`);
  w.field(t.studies, input.intern.masterProgramme);
  w.field(t.field, input.intern.fieldOfStudy);
}

export async function renderInternshipAgreementPdf(input: InternshipDocumentInput): Promise<Uint8Array> {
  const t = TEXT[input.language];
  const money = (n: number) => usd(n, input.language);
  const { doc, w } = await begin(input, t.agreement);
  const s = input.stipend;

  w.heading(t.parties);
  w.field(t.undp, `${input.undp.name}, ${input.undp.office} (${input.undp.country})`);
  w.field(t.intern, `${input.intern.name}${input.intern.email ? ` <${input.intern.email}>` : ''}`);
  if (input.intern.university) w.field(t.university, input.intern.university);
  if (s.funderUsd > 0) w.field(t.funder, s.funderName ?? input.intern.university ?? '—');

  w.heading(t.placement);
  placementFields(input, w);

  w.heading(t.stipend);
  w.field(t.monthly, `${money(s.monthlyUsd)}${s.source ? ` (${t.source}: ${s.source})` : ''}`);
  w.field(t.fundShare, money(s.fundUsd));
  if (s.funderUsd > 0) w.field(t.funderShare, `${money(s.funderUsd)} (${s.funderName ?? '—'})`);
  w.text(t.stipendNote, { indent: 8 });

  w.heading(t.obligations);
  for (const line of [t.insurance, t.conduct, t.ending]) w.text(line, { indent: 8 });

  w.heading(t.rules);
  w.text(`${t.rulesText} “${input.ruleSet.name}”, ${t.effective} ${input.ruleSet.effectiveFrom.slice(0, 10)}.`, {
    indent: 8,
  });

  w.heading(t.signatures);
  w.text(t.unsigned, { indent: 8 });
  return doc.save({ useObjectStreams: false });
}

export async function renderInternshipCertificatePdf(input: InternshipCertificateInput): Promise<Uint8Array> {
  const t = TEXT[input.language];
  const { doc, w } = await begin(input, t.certificate);
  w.text(t.certifies, { size: 12, gap: 4 });
  w.text(input.intern.name, { size: 16, bold: true, gap: 4 });
  if (input.intern.university) w.text(input.intern.university, { size: 11, gap: 4 });
  w.text(`${t.completed} ${input.undp.office} (${input.undp.country})`, { size: 12, gap: 8 });
  placementFields(input, w);
  w.field(t.served, `${input.monthsServed} / ${input.placement.months}`);
  if (input.rating !== null) w.field(t.rating, `${input.rating} ${t.outOf}`);
  w.text(t.issued, { indent: 8, gap: 8 });
  return doc.save({ useObjectStreams: false });
}
