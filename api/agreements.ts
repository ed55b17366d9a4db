import { centsToUsd } from '../domain/schemas';
import type { PrismaClient } from '../lib/db';
import type { AgreementView } from './schemas';

type Tranche = AgreementView['tranches'][number];

const PARTIES = ['applicant', 'expert', 'co'] as const;

/** Deliverable status → the tranche's: paid once accepted (the payment is made in the same step). */
const TRANCHE_STATUS: Record<string, Tranche['status']> = {
  pending: 'scheduled',
  submitted: 'under_review',
  revision_requested: 'revision_requested',
  accepted: 'released',
};

/**
 * The agreement of a proposal or expert request as its parties read it: value, status, who signed
 * when (from the signature tasks, so a first signature shows before the second), and each tranche
 * (milestone or deliverable) with its amount, status and payment date. Null before a contract is
 * drafted. A few small indexed queries.
 */
export async function agreementOf(
  prisma: PrismaClient,
  subject: { workflowId: string; id: string },
): Promise<AgreementView | null> {
  const contract = await prisma.contract.findUnique({
    where: { workflowId: subject.workflowId },
    select: {
      kind: true,
      partyName: true,
      valueCents: true,
      status: true,
      tranches: true,
      createdAt: true,
      signedAt: true,
    },
  });
  if (!contract) return null;
  const [deliverables, payments, signatureTasks] = await Promise.all([
    prisma.deliverable.findMany({
      where: { subjectId: subject.id },
      select: { id: true, seq: true, dueDate: true, status: true },
      orderBy: { seq: 'asc' },
    }),
    prisma.payment.findMany({
      where: { subjectId: subject.id },
      select: { deliverableId: true, amountCents: true, releasedAt: true },
    }),
    prisma.task.findMany({
      where: { subjectId: subject.id, kind: 'contract_signature', status: 'done', decision: 'sign' },
      select: { id: true, decidedById: true, decidedAt: true },
      orderBy: { decidedAt: 'asc' },
    }),
  ]);
  const signerIds = signatureTasks.map((t) => t.decidedById).filter((id): id is string => !!id);
  const names = new Map(
    (await prisma.user.findMany({ where: { id: { in: signerIds } }, select: { id: true, name: true } })).map((u) => [
      u.id,
      u.name,
    ]),
  );
  const paidAt = new Map(payments.map((p) => [p.deliverableId, p.releasedAt]));
  const planned = (Array.isArray(contract.tranches) ? contract.tranches : []) as {
    seq: number;
    pct: number;
    amountCents: number;
    milestone: string;
  }[];
  const tranches: Tranche[] = planned.map((t) => {
    const d = deliverables.find((x) => x.seq === t.seq);
    const releasedAt = d ? paidAt.get(d.id) : undefined;
    return {
      seq: t.seq,
      milestone: t.milestone,
      pct: t.pct,
      amountUsd: centsToUsd(t.amountCents),
      dueDate: d ? d.dueDate.toISOString().slice(0, 10) : null,
      status: releasedAt ? 'released' : (TRANCHE_STATUS[d?.status ?? 'pending'] ?? 'scheduled'),
      releasedAt: releasedAt?.toISOString() ?? null,
    };
  });
  return {
    kind:
      (['individual_contract', 'travel_authorisation', 'internship_agreement'] as const).find(
        (k) => k === contract.kind,
      ) ?? 'grant',
    partyName: contract.partyName,
    valueUsd: centsToUsd(contract.valueCents),
    status:
      contract.status === 'signed' ? 'signed' : contract.status === 'declined' ? 'declined' : 'awaiting_signatures',
    createdAt: contract.createdAt.toISOString(),
    signedAt: contract.signedAt?.toISOString() ?? null,
    signatures: signatureTasks.flatMap((t) => {
      // Signature task ids are `<workflowId>:contract_signature:<party>:<n>` (workflows key them by party).
      const party = PARTIES.find((p) => p === t.id.split(':')[2]);
      return party && t.decidedById && t.decidedAt
        ? [
            {
              party,
              signedBy: { id: t.decidedById, name: names.get(t.decidedById) ?? null },
              at: t.decidedAt.toISOString(),
            },
          ]
        : [];
    }),
    tranches,
    paidUsd: centsToUsd(payments.reduce((sum, p) => sum + p.amountCents, 0)),
  };
}
