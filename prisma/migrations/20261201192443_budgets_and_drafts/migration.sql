-- AlterTable
ALTER TABLE "Proposal" ADD COLUMN     "budget" JSONB;

-- AlterTable
-- (No code wrote ProposalDraft before: a row, if any, gets a blank call and stays readable by its owner.)
ALTER TABLE "ProposalDraft" ADD COLUMN     "callId" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "institutionId" TEXT,
ADD COLUMN     "title" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "updatedById" TEXT;

-- CreateIndex
CREATE INDEX "ProposalDraft_institutionId_updatedAt_idx" ON "ProposalDraft"("institutionId", "updatedAt");

ALTER TABLE "ProposalDraft" ALTER COLUMN "callId" DROP DEFAULT;

-- Stored rule sets get the indirect-cost cap (domain/policy/rules.ts RULE_SETS: 7% of direct costs in
-- both built-in sets), as the checks refuse a rule set without it.
UPDATE "PolicyRuleSet" SET "rules" = jsonb_set("rules", '{maxIndirectCostPct}', '7'::jsonb)
WHERE NOT ("rules" ? 'maxIndirectCostPct');
