-- AlterTable
ALTER TABLE "Call" ADD COLUMN     "budgetEnvelopeCents" INTEGER,
ADD COLUMN     "challengeStatementRu" TEXT,
ADD COLUMN     "closesLocal" TEXT,
ADD COLUMN     "progress" JSONB,
ADD COLUMN     "requiredDocumentTypes" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "reviewerPoolIds" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "reviewersPerProposal" INTEGER NOT NULL DEFAULT 2,
ADD COLUMN     "sdgs" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "status" TEXT NOT NULL DEFAULT 'published',
ADD COLUMN     "timeZone" TEXT NOT NULL DEFAULT 'UTC',
ADD COLUMN     "titleRu" TEXT,
ADD COLUMN     "workflowId" TEXT,
ALTER COLUMN "closesAt" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Call_workflowId_key" ON "Call"("workflowId");

-- CreateIndex
CREATE INDEX "Call_status_closesAt_idx" ON "Call"("status", "closesAt");

-- Calls created before calls were workflows keep their closing instant, shown as UTC local time.
UPDATE "Call" SET "closesLocal" = to_char("closesAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') WHERE "closesAt" IS NOT NULL;
