import type { ExpertRequestCreate, ProposalCreate } from '../domain/schemas';
import type { PrismaClient } from '../lib/db';

/** A valid Challenge Fund proposal for the seeded Kyrgyzstan call (aligned with its framework). */
export function proposalPayload(n: number): ProposalCreate {
  return {
    callId: 'call-kg',
    title: `Glacial lake early warning with low-cost sensors #${n}`,
    summary: 'Community-run sensor network and SMS alerts for mudflows in the Chui valley.',
    countryCode: 'KG',
    nationalPartner: { name: 'Ministry of Emergency Situations', contact: 'mes@example.kg', demandEvidence: 'Letter of intent No. 14-2/2026 of 12 March 2026' },
    sdgs: [13, 11],
    thematicAreaId: 'climate-adaptation',
    requestedAmountUsd: 30_000,
    coFinancingUsd: 8_000,
    durationMonths: 12,
    innovation: 'LoRaWAN sensors, solar powered, open firmware.',
    expectedResults: '12 villages covered; alert lead time from 5 to 40 minutes.',
    milestones: [
      { title: 'Sensors installed', dueDate: '2027-03-31' },
      { title: 'Alerting live', dueDate: '2027-06-30' },
      { title: 'Handover to the ministry', dueDate: '2027-09-30' },
    ],
  };
}

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * A valid Experts-on-Demand request for the Kyrgyzstan CO. Request `n` gets its own week of 2027
 * (50 weeks, then they repeat), so requests running at the same time never compete for an
 * expert contracted over overlapping dates (which the workflow rightly refuses).
 */
export function expertRequestPayload(n: number): ExpertRequestCreate {
  const startDate = addDays('2027-01-04', 7 * (n % 50));
  const endDate = addDays(startDate, 6);
  return {
    countryCode: 'KG',
    title: `Mudflow hazard mapping for the Naryn region #${n}`,
    nationalPartner: { name: 'Ministry of Emergency Situations', contact: 'mes@example.kg', demandEvidence: 'Request letter of 2 February 2026' },
    objectives: 'Map mudflow hazard zones for 5 mountain villages and recommend protective measures.',
    deliverables: [
      { title: 'Inception report', dueDate: addDays(startDate, 2), amountUsd: 2_000 },
      { title: 'Hazard maps and recommendations', dueDate: endDate, amountUsd: 4_000 },
    ],
    modality: 'mission',
    workingDays: 5,
    startDate,
    endDate,
    languages: ['ru'],
    thematicAreaId: 'disaster-risk-reduction',
    sdgs: [11, 13],
    contractValueUsd: 6_000,
    destination: 'Bishkek and Naryn',
    travelDays: 5,
    perDiemUsd: 150,
  };
}

export interface BenchApplicant {
  userId: string;
  email: string;
  institutionId: string;
}

/**
 * `count` applicant institutions with one user each (bulk insert): the cumulative grant cap per
 * recipient (USD 300,000) would otherwise stop many proposals of one institution at contracting.
 */
export async function createApplicants(prisma: PrismaClient, count: number, prefix: string): Promise<BenchApplicant[]> {
  const out = Array.from({ length: count }, (_, i) => ({
    userId: `u-${prefix}-${i}`,
    email: `${prefix}-${i}@bench.example.org`,
    institutionId: `inst-${prefix}-${i}`,
  }));
  for (let i = 0; i < out.length; i += 500) {
    const chunk = out.slice(i, i + 500);
    await prisma.institution.createMany({ data: chunk.map((a, j) => ({ id: a.institutionId, name: `Bench institute ${prefix} ${i + j}`, kind: 'university' })) });
    await prisma.user.createMany({ data: chunk.map((a, j) => ({ id: a.userId, email: a.email, name: `Bench applicant ${i + j}`, role: 'applicant', institutionId: a.institutionId })) });
  }
  return out;
}
