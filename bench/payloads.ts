import type { ExpertRequestCreate, ProposalData } from '../domain/schemas';
import type { PrismaClient } from '../lib/db';
import { expertRequestPayload as validRequest, proposalPayload as validProposal } from '../test/fixtures/payloads';

/** The tests' valid Challenge Fund proposal for the seeded Kyrgyzstan call, numbered. */
export function proposalPayload(n: number): ProposalData {
  return validProposal({ title: `Glacial lake early warning with low-cost sensors #${n}` });
}

const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The tests' valid Experts-on-Demand request, numbered. Request `n` gets its own week of 2027
 * (50 weeks, then they repeat), so requests running at the same time never compete for an
 * expert contracted over overlapping dates (which the workflow rightly refuses).
 */
export function expertRequestPayload(n: number): ExpertRequestCreate {
  const startDate = addDays('2027-01-04', 7 * (n % 50));
  const endDate = addDays(startDate, 6);
  return validRequest({
    title: `Mudflow hazard mapping for the Naryn region #${n}`,
    deliverables: [
      { title: 'Inception report', dueDate: addDays(startDate, 2), amountUsd: 2_000 },
      { title: 'Hazard maps and recommendations', dueDate: endDate, amountUsd: 4_000 },
    ],
    workingDays: 5,
    startDate,
    endDate,
    travelDays: 5,
  });
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
    await prisma.institution.createMany({
      data: chunk.map((a, j) => ({
        id: a.institutionId,
        name: `Bench institute ${prefix} ${i + j}`,
        kind: 'university',
      })),
    });
    await prisma.user.createMany({
      data: chunk.map((a, j) => ({
        id: a.userId,
        email: a.email,
        name: `Bench applicant ${i + j}`,
        role: 'applicant',
        institutionId: a.institutionId,
      })),
    });
  }
  return out;
}
