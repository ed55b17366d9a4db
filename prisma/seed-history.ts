/**
 * `npm run seed -- --history N`: N closed past items imported as read-model rows, so the results
 * dashboard shows a portfolio with a history. Workflows run in the present, so past items cannot be
 * real workflows: each is marked imported (its workflow id starts with IMPORTED_WORKFLOW_PREFIX,
 * which reconcile skips, and its provenance is one "imported" record). With their dates, signed
 * contracts, released payments and reported results. Deterministic ids and values: idempotent.
 */
import { DEMO_USERS } from '../domain/demo';
import { IMPORTED_WORKFLOW_PREFIX } from '../domain/results';
import type { Prisma } from '../generated/prisma/client';
import type { PrismaClient } from '../lib/db';
import { CALLS, COUNTRIES, INSTITUTIONS, mulberry32, THEMATIC_AREAS } from './seed-data';

const DAY = 86_400_000;
const BATCH = 500;

export interface HistoryOptions {
  /** The day the history ends (the newest closure); default today. */
  until?: Date;
  log?: (msg: string) => void;
}

export async function seedHistory(prisma: PrismaClient, n: number, opts: HistoryOptions = {}): Promise<number> {
  const until = (opts.until ?? new Date()).getTime();
  const rand = mulberry32(20_261_202);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const countries = COUNTRIES.filter((c) => CALLS.some((k) => k.countryCode === c.code));
  const institutions = INSTITUTIONS.map((i) => i.id);
  let created = 0;
  for (let start = 0; start < n; start += BATCH) {
    const proposals: Prisma.ProposalCreateManyInput[] = [];
    const requests: Prisma.ExpertRequestCreateManyInput[] = [];
    const contracts: Prisma.ContractCreateManyInput[] = [];
    const payments: Prisma.PaymentCreateManyInput[] = [];
    const reports: Prisma.ResultReportCreateManyInput[] = [];
    const values: Prisma.ResultValueCreateManyInput[] = [];
    const records: Prisma.DecisionRecordCreateManyInput[] = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) {
      const country = pick(countries);
      const area = pick(THEMATIC_AREAS);
      const sdgs = [...new Set([...(area.sdgs as number[]), 1 + Math.floor(rand() * 17)])].slice(0, 3);
      const createdAt = new Date(until - (400 + Math.floor(rand() * 2200)) * DAY);
      const closedAt = new Date(Math.min(until - DAY, createdAt.getTime() + (200 + Math.floor(rand() * 300)) * DAY));
      const rejected = rand() < 0.12;
      const stage = rejected ? 'rejected' : 'closed';
      const proposal = rand() < 0.75;
      const seq = String(i + 1).padStart(5, '0');
      const id = proposal ? `p-hist-${seq}` : `er-hist-${seq}`;
      const subjectType = proposal ? 'proposal' : 'expert_request';
      const workflowId = `${IMPORTED_WORKFLOW_PREFIX}${proposal ? 'proposal-' : 'expert-request-'}${id}`;
      const valueCents = proposal
        ? (20_000 + Math.floor(rand() * 20) * 1_000) * 100
        : (4_000 + Math.floor(rand() * 12) * 500) * 100;
      const coFinancingCents = proposal ? Math.round(valueCents * (0.2 + rand() * 0.3)) : 0;
      const base = {
        id,
        workflowId,
        countryCode: country.code,
        sdgs,
        thematicAreaId: area.id,
        stage,
        stageEnteredAt: closedAt,
        createdAt,
        updatedAt: closedAt,
        closedAt,
        outcome: rejected ? 'rejected' : 'closed',
      };
      if (proposal)
        proposals.push({
          ...base,
          title: `Past project ${seq}: ${area.name} in ${country.name}`,
          callId: CALLS.find((k) => k.countryCode === country.code)!.id,
          institutionId: pick(institutions),
          applicantId: DEMO_USERS.applicant.id,
          summary: 'Imported from the partnership’s records of past projects.',
          nationalPartner: {
            name: `Ministry of ${area.name}`,
            contact: 'office@example.org',
            demandEvidence: 'Letter',
          },
          requestedAmountCents: valueCents,
          coFinancingCents,
          durationMonths: 12,
          innovation: 'Imported',
          expectedResults: 'Imported',
          milestones: [],
          weightedScore: rejected ? 40 + rand() * 19 : 60 + rand() * 35,
        });
      else
        requests.push({
          ...base,
          title: `Past expert assignment ${seq}: ${area.name} in ${country.name}`,
          requesterId: DEMO_USERS.coKg.id,
          nationalPartner: { name: `Agency of ${area.name}`, contact: 'office@example.org', demandEvidence: 'Letter' },
          objectives: 'Imported from the partnership’s records of past assignments.',
          deliverables: [],
          modality: pick(['desk', 'online', 'mission'] as const),
          workingDays: 10 + Math.floor(rand() * 30),
          startDate: createdAt,
          endDate: closedAt,
          languages: ['ru'],
          contractValueCents: valueCents,
        });
      records.push({
        key: `${workflowId}:imported`,
        workflowId,
        subjectType,
        subjectId: id,
        at: closedAt,
        kind: 'automatic',
        actions: ['imported'],
        actorRole: 'import',
        outcome: 'imported',
        stage: { from: null, to: stage },
      });
      created++;
      if (rejected) continue;
      contracts.push({
        id: `${workflowId}:contract`,
        workflowId,
        subjectType,
        subjectId: id,
        kind: proposal ? 'grant' : 'individual_contract',
        partyName: 'Imported',
        valueCents,
        tranches: [],
        status: 'signed',
        signatures: {},
        createdAt,
      });
      const first = Math.round(valueCents * 0.4);
      for (const [k, [cents, at]] of (
        [
          [first, new Date(createdAt.getTime() + 60 * DAY)],
          [valueCents - first, closedAt],
        ] as const
      ).entries())
        payments.push({
          id: `${workflowId}:p${k}`,
          workflowId,
          subjectType,
          subjectId: id,
          payee: 'Imported',
          amountCents: cents,
          status: 'released',
          releasedAt: at,
        });
      const target = 200 + Math.floor(rand() * 5_000);
      const actual = Math.round(target * (0.6 + rand() * 0.6));
      const women = Math.round(actual * (0.4 + rand() * 0.2));
      const reported = {
        beneficiaries: actual,
        beneficiariesWomen: women,
        beneficiariesMen: actual - women,
        beneficiariesYouth: Math.round(actual * 0.3),
      };
      for (const [kind, vals, reportId] of [
        ['target', { beneficiaries: target }, `target:${subjectType}:${id}`],
        ['actual', reported, `${subjectType}:${id}:${closedAt.toISOString().slice(0, 10)}`],
      ] as const) {
        reports.push({
          id: reportId,
          programme: proposal ? 'challenge_fund' : 'experts_on_demand',
          subjectType,
          subjectId: id,
          countryCode: country.code,
          kind,
          periodStart: kind === 'actual' ? createdAt : null,
          periodEnd: kind === 'actual' ? closedAt : null,
          values: vals,
          note: 'Imported',
          enteredById: DEMO_USERS.fundManager.id,
        });
        for (const [indicator, value] of Object.entries(vals))
          values.push({ reportId, indicator, value, kind, subjectType, subjectId: id });
      }
    }
    await prisma.$transaction(
      async (tx) => {
        await tx.proposal.createMany({ data: proposals, skipDuplicates: true });
        await tx.expertRequest.createMany({ data: requests, skipDuplicates: true });
        await tx.contract.createMany({ data: contracts, skipDuplicates: true });
        await tx.payment.createMany({ data: payments, skipDuplicates: true });
        await tx.resultReport.createMany({ data: reports, skipDuplicates: true });
        await tx.resultValue.createMany({ data: values, skipDuplicates: true });
        await tx.decisionRecord.createMany({ data: records, skipDuplicates: true });
      },
      { timeout: 120_000 },
    );
    opts.log?.(`history: ${Math.min(n, start + BATCH)} of ${n}`);
  }
  return created;
}
