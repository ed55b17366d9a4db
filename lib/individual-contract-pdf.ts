/**
 * The individual contract of an Experts-on-Demand assignment as a PDF, in English or Russian, from
 * one template: parties, assignment (terms of reference, modality, dates), the lump-sum fee and its
 * payment per certified deliverable, travel with the UN DSA rate in force at the destination (dated
 * data with its source), and the POPP rule set in force. Deterministic like the grant agreement.
 */
import type { Language } from '../domain/roles';
import { lastSignatureAt, startPdf, stampText, usd, writeSignatures, type SignedBlock } from './agreement-pdf';

export type Modality = 'desk' | 'online' | 'mission';

export interface IndividualContractInput {
  language: Language;
  reference: string;
  /** The Clock's instant when the contract was generated (ISO): printed, and the PDF's dates. */
  date: string;
  undp: { name: string; office: string; country: string };
  contractor: { name: string; email: string | null };
  assignment: {
    title: string;
    objectives: string;
    nationalPartner: string;
    modality: Modality;
    workingDays: number;
    startDate: string;
    endDate: string;
    languages: string[];
  };
  dailyFeeUsd: number;
  contractValueUsd: number;
  deliverables: { seq: number; title: string; amountUsd: number; dueDate: string }[];
  /** A mission's travel: the destination, days, and the DSA rate in force there (its source and date). */
  travel: {
    destination: string;
    travelDays: number;
    dsaPerDayUsd: number;
    dsaValidFrom: string | null;
    /** The rate's source, in the contract's language. */
    dsaSource: string | null;
  } | null;
  ruleSet: { name: string; effectiveFrom: string; dailyFeeApprovalThresholdUsd: number };
  /** The fund manager's justification when the contract needed an approval (e.g. the daily fee). */
  exceptionNote: string | null;
  /** Set on the stamped version: the signatures, and the SHA-256 of the unsigned version they signed. */
  signed?: SignedBlock;
}

const MODALITY: Record<Language, Record<Modality, string>> = {
  en: { desk: 'desk work', online: 'online', mission: 'mission to the country' },
  ru: { desk: 'кабинетная работа', online: 'онлайн', mission: 'командировка в страну' },
};

const TEXT: Record<Language, Record<string, string>> = {
  en: {
    title: 'INDIVIDUAL CONTRACT',
    subtitle: 'Experts on Demand — Russia-UNDP Partnership',
    ref: 'Reference',
    date: 'Date',
    parties: '1. Parties',
    undp: 'UNDP',
    contractor: 'Individual Contractor',
    assignment: '2. Assignment (terms of reference)',
    assignmentTitle: 'Title',
    partner: 'National partner',
    modalityLabel: 'Modality',
    period: 'Period',
    to: 'to',
    workingDays: 'Working days',
    languages: 'Working languages',
    fees: '3. Fees',
    dailyFee: 'Daily fee',
    value: 'Contract value (lump sum)',
    feeNote:
      'The contract is lump-sum and deliverable-based: each payment is made only after UNDP has certified that its deliverable was satisfactorily performed.',
    threshold: 'A daily fee above',
    thresholdTail: 'needs the approval of the Bureau Director.',
    exception: 'Approval recorded',
    deliverables: '4. Deliverables and payments',
    deliverable: 'Deliverable',
    due: 'due',
    travel: '5. Travel',
    noTravel: 'No travel: the assignment is carried out without a mission.',
    destination: 'Destination',
    travelDays: 'Travel days',
    dsa: 'Daily subsistence allowance (UN DSA rate of the place)',
    perDay: 'per day',
    dsaTotal: 'DSA for the mission',
    dsaFrom: 'rate in force from',
    source: 'source',
    economy: 'Travel in economy class under the UN travel rules; the DSA is capped at the rate in force at the place.',
    rules: '6. Rules in force',
    rulesText:
      'This contract is governed by the UNDP Programme and Operations Policies and Procedures (POPP), rule set',
    effective: 'effective from',
    signatures: '7. Signatures',
    unsigned: 'Awaiting the signatures of the Individual Contractor and the Country Office.',
  },
  ru: {
    title: 'ИНДИВИДУАЛЬНЫЙ КОНТРАКТ',
    subtitle: 'Эксперты по запросу — Партнёрство Россия–ПРООН',
    ref: 'Номер',
    date: 'Дата',
    parties: '1. Стороны',
    undp: 'ПРООН',
    contractor: 'Индивидуальный подрядчик',
    assignment: '2. Задание (техническое задание)',
    assignmentTitle: 'Название',
    partner: 'Национальный партнёр',
    modalityLabel: 'Формат',
    period: 'Период',
    to: 'по',
    workingDays: 'Рабочих дней',
    languages: 'Рабочие языки',
    fees: '3. Вознаграждение',
    dailyFee: 'Дневная ставка',
    value: 'Стоимость контракта (фиксированная сумма)',
    feeNote:
      'Контракт заключается на фиксированную сумму с оплатой по результатам: каждый платёж производится только после того, как ПРООН подтвердила надлежащее выполнение соответствующего результата.',
    threshold: 'Дневная ставка выше',
    thresholdTail: 'требует одобрения директора бюро.',
    exception: 'Зафиксированное одобрение',
    deliverables: '4. Результаты и платежи',
    deliverable: 'Результат',
    due: 'срок',
    travel: '5. Поездки',
    noTravel: 'Поездок нет: задание выполняется без командировки.',
    destination: 'Место назначения',
    travelDays: 'Дней командировки',
    dsa: 'Суточные (ставка ООН DSA для места)',
    perDay: 'в день',
    dsaTotal: 'Суточные за командировку',
    dsaFrom: 'ставка действует с',
    source: 'источник',
    economy:
      'Перелёт экономическим классом по правилам ООН о поездках; суточные не превышают ставку, действующую в месте назначения.',
    rules: '6. Применимые правила',
    rulesText: 'Настоящий контракт регулируется Правилами и процедурами программ и операций ПРООН (POPP), набор правил',
    effective: 'действует с',
    signatures: '7. Подписи',
    unsigned: 'Ожидает подписей индивидуального подрядчика и странового офиса.',
  },
};

export async function renderIndividualContractPdf(input: IndividualContractInput): Promise<Uint8Array> {
  const t = TEXT[input.language];
  const money = (n: number) => usd(n, input.language);
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
  w.field(t.undp, `${input.undp.name}, ${input.undp.office} (${input.undp.country})`);
  w.field(t.contractor, `${input.contractor.name}${input.contractor.email ? ` <${input.contractor.email}>` : ''}`);

  const a = input.assignment;
  w.heading(t.assignment);
  w.field(t.assignmentTitle, a.title);
  w.text(a.objectives, { indent: 8 });
  w.field(t.partner, a.nationalPartner);
  w.field(t.modalityLabel, MODALITY[input.language][a.modality]);
  w.field(t.period, `${a.startDate} ${t.to} ${a.endDate}`);
  w.field(t.workingDays, String(a.workingDays));
  w.field(t.languages, a.languages.map((l) => l.toUpperCase()).join(', '));

  w.heading(t.fees);
  w.field(t.dailyFee, money(input.dailyFeeUsd));
  w.field(t.value, money(input.contractValueUsd));
  w.text(t.feeNote, { indent: 8 });
  w.text(`${t.threshold} ${money(input.ruleSet.dailyFeeApprovalThresholdUsd)} ${t.thresholdTail}`, { indent: 8 });
  if (input.exceptionNote) w.field(t.exception, `“${input.exceptionNote}”`);

  w.heading(t.deliverables);
  for (const d of input.deliverables)
    w.text(`${t.deliverable} ${d.seq}: “${d.title}” — ${money(d.amountUsd)}, ${t.due} ${d.dueDate}`, { indent: 8 });

  w.heading(t.travel);
  const travel = input.travel;
  if (!travel) w.text(t.noTravel, { indent: 8 });
  else {
    w.field(t.destination, travel.destination);
    w.field(t.travelDays, String(travel.travelDays));
    const dated = [
      travel.dsaValidFrom ? `${t.dsaFrom} ${travel.dsaValidFrom}` : '',
      travel.dsaSource ? `${t.source}: ${travel.dsaSource}` : '',
    ].filter(Boolean);
    w.field(t.dsa, `${money(travel.dsaPerDayUsd)} ${t.perDay}${dated.length ? ` (${dated.join('; ')})` : ''}`);
    w.field(t.dsaTotal, money(travel.dsaPerDayUsd * travel.travelDays));
    w.text(t.economy, { indent: 8 });
  }

  w.heading(t.rules);
  w.text(`${t.rulesText} “${input.ruleSet.name}”, ${t.effective} ${input.ruleSet.effectiveFrom.slice(0, 10)}.`, {
    indent: 8,
  });

  w.heading(t.signatures);
  writeSignatures(w, input.language, input.signed, t.unsigned);
  return doc.save({ useObjectStreams: false });
}
