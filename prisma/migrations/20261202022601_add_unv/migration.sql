-- CreateTable
CREATE TABLE "UnvAssignment" (
    "id" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "countryCode" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "requesterId" TEXT NOT NULL,
    "hostEntity" TEXT NOT NULL,
    "dutyStationCity" TEXT NOT NULL,
    "unvCategory" TEXT NOT NULL,
    "plannedMonths" INTEGER NOT NULL,
    "wishedStartDate" DATE NOT NULL,
    "request" JSONB NOT NULL,
    "sdgs" JSONB NOT NULL DEFAULT '[]',
    "costEstimate" JSONB,
    "ledger" JSONB,
    "committedCents" INTEGER NOT NULL DEFAULT 0,
    "transferredCents" INTEGER NOT NULL DEFAULT 0,
    "spentCents" INTEGER NOT NULL DEFAULT 0,
    "releasedCents" INTEGER NOT NULL DEFAULT 0,
    "shortlist" JSONB,
    "volunteerName" TEXT,
    "volunteerCandidateId" TEXT,
    "deployedOn" DATE,
    "plannedEndDate" DATE,
    "endedOn" DATE,
    "reconciliation" JSONB,
    "endReport" JSONB,
    "stage" TEXT NOT NULL,
    "stageEnteredAt" TIMESTAMPTZ(3) NOT NULL,
    "findings" JSONB,
    "outcome" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "closedAt" TIMESTAMPTZ(3),

    CONSTRAINT "UnvAssignment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "UnvAssignment_workflowId_key" ON "UnvAssignment"("workflowId");

-- CreateIndex
CREATE INDEX "UnvAssignment_stage_countryCode_idx" ON "UnvAssignment"("stage", "countryCode");

-- CreateIndex
CREATE INDEX "UnvAssignment_createdAt_id_idx" ON "UnvAssignment"("createdAt", "id");

-- CreateIndex
CREATE INDEX "UnvAssignment_closedAt_stage_stageEnteredAt_idx" ON "UnvAssignment"("closedAt", "stage", "stageEnteredAt");
