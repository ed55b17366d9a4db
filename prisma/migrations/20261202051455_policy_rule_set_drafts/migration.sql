-- AlterTable
ALTER TABLE "PolicyRuleSet" ADD COLUMN     "publishedById" TEXT,
ADD COLUMN     "source" TEXT;

-- CreateTable
CREATE TABLE "PolicyRuleSetDraft" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "effectiveFrom" DATE NOT NULL,
    "rules" JSONB NOT NULL,
    "basedOnId" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "publishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PolicyRuleSetDraft_pkey" PRIMARY KEY ("id")
);
