/**
 * SDG event travel on the task page: what each of its tasks shows beside its form, from the task's
 * context (the workflow puts it there): the application with its cost estimate and the year's
 * budget for the review, the approved breakdown and the advance for the signature, the trip before
 * departure, and the report with the settlement's computation for the fund's verification. The cost
 * table is the application page's too.
 */
import { EVENT_TRAVEL_CONTEXT_WORDS, EVENT_TRAVEL_PAGE_WORDS } from '../../domain/programmes/event-travel-words';
import { html, type HtmlValue } from '../html';
import type { Lang } from '../i18n';
import { facts, fmtDate, fmtUsd, prose } from '../ui';

const W = EVENT_TRAVEL_CONTEXT_WORDS;
const P = EVENT_TRAVEL_PAGE_WORDS;

interface CostsView {
  lines?: { key: string; amountCents: number }[];
  nights?: number;
  dsaRate?: { usdPerNight: number } | null;
  totalCents?: number;
  advanceCents?: number;
}
interface ApplicationView {
  event?: {
    name?: string;
    organiser?: string;
    city?: string;
    countryCode?: string;
    startDate?: string;
    endDate?: string;
    sdgs?: number[];
    expectedAudience?: string;
  };
  role?: string;
  solution?: string | null;
  sideEvent?: boolean;
  invitation?: { from: string; date: string; reference?: string } | null;
  contribution?: { title?: string; abstract?: string };
  itinerary?: { departureCity?: string; departureDate?: string; returnDate?: string };
}
interface SettlementView {
  nights: number;
  dsaRate: { usdPerNight: number; place: string | null; countryCode: string; validFrom: string; source: string } | null;
  dsaCents: number;
  terminalCents: number;
  advanceCents: number;
  balanceCents: number;
}

const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));
/** A country's name in the reader's language (the code when the runtime does not know it). */
const countryName = (code: string | undefined, lang: Lang) =>
  code ? (new Intl.DisplayNames([lang], { type: 'region', fallback: 'code' }).of(code) ?? code) : '';
const usd = (cents: number | undefined, lang: Lang) => (cents === undefined ? '—' : fmtUsd(cents / 100, lang));
const card = (title: string, body: HtmlValue) => html`<section class="card"><h2>${title}</h2>${body}</section>`;

/** Cost lines with their basis in the reader's language (the stored sentences are English), and the total. */
export function travelCostsTable(lang: Lang, costs: CostsView | null | undefined, caption: string): HtmlValue {
  const lines = costs?.lines ?? [];
  if (!lines.length) return '';
  const w = (k: keyof typeof P) => P[k][lang];
  const basis = (key: string, amountCents: number) =>
    key === 'airfare'
      ? w('economy')
      : key === 'dsa' && costs?.dsaRate
        ? `${costs.nights ?? 0} ${w('nights')} × ${fmtUsd(costs.dsaRate.usdPerNight, lang)}`
        : key === 'terminal'
          ? `2 ${w('journeys')} × ${fmtUsd(amountCents / 200, lang)}`
          : '—';
  const total = lines.reduce((s, l) => s + l.amountCents, 0);
  const label = (key: string) => (P as Record<string, { en: string; ru: string } | undefined>)[key]?.[lang] ?? key;
  return html`<table class="table table-scroll"><caption>${caption}</caption>
    <thead><tr><th scope="col">${w('line')}</th><th scope="col">${w('basis')}</th><th scope="col" class="num">${w('amount')}</th></tr></thead>
    <tbody>${lines.map((l) => html`<tr><th scope="row">${label(l.key)}</th><td>${basis(l.key, l.amountCents)}</td><td class="num">${usd(l.amountCents, lang)}</td></tr>`)}
    <tr><th scope="row">${w('total')}</th><td></td><td class="num">${usd(total, lang)}</td></tr></tbody></table>`;
}

function applicationFacts(lang: Lang, a: ApplicationView, extra: [string, HtmlValue][] = []): HtmlValue {
  const w = (k: keyof typeof W) => W[k][lang];
  const p = (k: keyof typeof P) => P[k][lang];
  const e = a.event ?? {};
  const role = a.role && a.role in P ? P[a.role as 'speaker'][lang] : (a.role ?? '');
  const it = a.itinerary ?? {};
  return html`${facts([
    ...extra,
    [p('event'), e.name ?? ''],
    [p('organiser'), e.organiser ?? ''],
    [p('place'), [e.city, countryName(e.countryCode, lang)].filter(Boolean).join(', ')],
    [w('eventDates'), e.startDate ? `${fmtDate(e.startDate, lang)} – ${fmtDate(e.endDate, lang)}` : ''],
    [w('sdgs'), (e.sdgs ?? []).join(', ')],
    [w('audience'), e.expectedAudience ?? ''],
    [p('role'), `${role}${a.solution ? `: ${a.solution}` : ''}${a.sideEvent ? ` (${w('sideEvent')})` : ''}`],
    [
      p('invitation'),
      a.invitation
        ? `${a.invitation.from}, ${fmtDate(a.invitation.date, lang)}${a.invitation.reference ? ` (${a.invitation.reference})` : ''}`
        : p('invitationPending'),
    ],
    [
      w('itinerary'),
      it.departureDate
        ? `${it.departureCity ?? ''}: ${fmtDate(it.departureDate, lang)} – ${fmtDate(it.returnDate, lang)}`
        : '',
    ],
    [p('contribution'), a.contribution?.title ?? ''],
  ])}${a.contribution?.abstract ? prose(a.contribution.abstract) : ''}`;
}

function budgetCard(
  lang: Lang,
  b: { year: number; envelopeCents: number; committedCents: number },
  estimateCents?: number,
): HtmlValue {
  const w = (k: keyof typeof W) => W[k][lang];
  const left = b.envelopeCents - b.committedCents;
  return card(
    fill(w('budget'), { year: b.year }),
    html`${facts([
      [w('envelope'), usd(b.envelopeCents, lang)],
      [w('committed'), usd(b.committedCents, lang)],
      [w('left'), usd(left, lang)],
    ])}${estimateCents !== undefined && estimateCents > left ? html`<p class="notice notice-warn" role="note"><span aria-hidden="true">! </span>${w('overBudget')}</p>` : ''}`,
  );
}

function settlementTable(lang: Lang, s: SettlementView): HtmlValue {
  const w = (k: keyof typeof W) => W[k][lang];
  const p = (k: keyof typeof P) => P[k][lang];
  const rate = s.dsaRate;
  const basis = rate
    ? fill(w('rateBasis'), {
        nights: s.nights,
        rate: fmtUsd(rate.usdPerNight, lang),
        place: rate.place ?? rate.countryCode,
        from: fmtDate(rate.validFrom, lang),
        source: rate.source,
      })
    : w('noRate');
  const outcome = s.balanceCents > 0 ? w('reimbursement') : s.balanceCents < 0 ? w('recovery') : w('balanced');
  return html`<table class="table table-scroll"><caption>${w('settlementCaption')}</caption>
    <thead><tr><th scope="col">${p('line')}</th><th scope="col">${p('basis')}</th><th scope="col" class="num">${p('amount')}</th></tr></thead>
    <tbody><tr><th scope="row">${p('dsa')}</th><td>${basis}</td><td class="num">${usd(s.dsaCents, lang)}</td></tr>
    <tr><th scope="row">${p('terminal')}</th><td>2 ${p('journeys')}</td><td class="num">${usd(s.terminalCents, lang)}</td></tr>
    <tr><th scope="row">${w('lessAdvance')}</th><td></td><td class="num">${usd(-s.advanceCents, lang)}</td></tr>
    <tr><th scope="row">${outcome}</th><td></td><td class="num">${usd(Math.abs(s.balanceCents), lang)}</td></tr></tbody></table>`;
}

function reportFacts(lang: Lang, r: Record<string, unknown>): HtmlValue {
  const w = (k: keyof typeof W) => W[k][lang];
  const text = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : '');
  const link = text('link');
  return html`${facts([
    [w('actualDates'), `${fmtDate(text('actualDepartureDate'), lang)} – ${fmtDate(text('actualReturnDate'), lang)}`],
    [w('link'), link ? html`<a href="${link}" rel="noopener noreferrer">${link}</a>` : ''],
    [w('attendance'), text('attendanceProof')],
  ])}<h3>${w('presented')}</h3>${prose(text('presented'))}<h3>${w('contacts')}</h3>${prose(text('contacts'))}<h3>${w('followUp')}</h3>${prose(text('followUp'))}`;
}

/**
 * The context panel of a task of the programme (its own kinds, and the shared signature of its
 * travel authorisation); undefined for a task that is not the programme's.
 */
export function travelTaskContext(
  ctx: { lang: Lang },
  task: { kind: string; programme: string; subject: { title: string } },
  c: Record<string, unknown>,
): HtmlValue | undefined {
  if (task.programme !== 'event_travel') return undefined;
  const { lang } = ctx;
  const w = (k: keyof typeof W) => W[k][lang];
  const app = (c.application ?? {}) as ApplicationView;
  switch (task.kind) {
    case 'travel_review': {
      const estimate = c.estimate as CostsView | null;
      const budget = c.budget as { year: number; envelopeCents: number; committedCents: number } | undefined;
      const expert = [c.expertName, c.expertId].filter((x) => typeof x === 'string' && x);
      const who =
        expert.length > 1 && expert[0] !== expert[1] ? `${expert[0]} (${expert[1]})` : String(expert[0] ?? '');
      return html`${card(w('application'), applicationFacts(lang, app, [[w('expert'), who]]))}
        ${card(w('estimate'), travelCostsTable(lang, estimate, w('estimateCaption')))}
        ${budget ? budgetCard(lang, budget, estimate?.totalCents) : ''}`;
    }
    case 'travel_revision':
      return html`<section class="card card-warn"><h2>${w('requested')}</h2>${prose(c.requestedChanges)}</section>
        ${card(w('application'), applicationFacts(lang, app))}`;
    case 'contract_signature': {
      const costs = c.costs as CostsView | undefined;
      return card(
        w('authorisation'),
        html`${applicationFacts(lang, app)}${travelCostsTable(lang, costs, w('authorisationCaption'))}
          <p>${fill(w('advanceNote'), { amount: usd(Number(c.advanceCents ?? 0), lang) })}</p>`,
      );
    }
    case 'trip_confirmation':
    case 'travel_report': {
      const e = (c.event ?? {}) as ApplicationView['event'] & object;
      const it = (c.itinerary ?? {}) as NonNullable<ApplicationView['itinerary']>;
      return card(
        w('trip'),
        html`${facts([
          [P.event[lang], e.name ?? task.subject.title],
          [P.place[lang], [e.city, countryName(e.countryCode, lang)].filter(Boolean).join(', ')],
          [w('eventDates'), e.startDate ? `${fmtDate(e.startDate, lang)} – ${fmtDate(e.endDate, lang)}` : ''],
          [
            P.dates[lang],
            `${it.departureCity ? `${it.departureCity}: ` : ''}${fmtDate(it.departureDate, lang)} – ${fmtDate(it.returnDate, lang)}`,
          ],
          [w('advancePaid'), usd(Number(c.advanceCents ?? 0), lang)],
        ])}<p>${task.kind === 'trip_confirmation' ? w('tripNote') : w('reportNote')}</p>`,
      );
    }
    case 'settlement_verification': {
      const approved = c.approvedCosts as CostsView | null;
      const s = c.settlement as SettlementView | undefined;
      return html`${card(w('report'), reportFacts(lang, (c.report ?? {}) as Record<string, unknown>))}
        ${s ? card(w('settlement'), html`${settlementTable(lang, s)}${approved?.totalCents !== undefined ? facts([[w('approvedTotal'), usd(approved.totalCents, lang)]]) : ''}`) : ''}`;
    }
    default:
      return undefined;
  }
}
