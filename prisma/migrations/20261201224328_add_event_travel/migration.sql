-- CreateTable
CREATE TABLE "EventTravel" (
    "id" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "countryCode" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "expertId" TEXT NOT NULL,
    "expertUserId" TEXT NOT NULL,
    "appliedById" TEXT NOT NULL,
    "eventName" TEXT NOT NULL,
    "eventCity" TEXT NOT NULL,
    "eventStartDate" DATE NOT NULL,
    "eventEndDate" DATE NOT NULL,
    "sdgs" JSONB NOT NULL,
    "role" TEXT NOT NULL,
    "departureDate" DATE NOT NULL,
    "returnDate" DATE NOT NULL,
    "application" JSONB NOT NULL,
    "estimateCents" INTEGER NOT NULL,
    "approvedCosts" JSONB,
    "approvedCents" INTEGER,
    "advanceCents" INTEGER,
    "report" JSONB,
    "settlement" JSONB,
    "stage" TEXT NOT NULL,
    "stageEnteredAt" TIMESTAMPTZ(3) NOT NULL,
    "findings" JSONB,
    "outcome" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "closedAt" TIMESTAMPTZ(3),

    CONSTRAINT "EventTravel_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "EventTravel_workflowId_key" ON "EventTravel"("workflowId");

-- CreateIndex
CREATE INDEX "EventTravel_expertId_departureDate_idx" ON "EventTravel"("expertId", "departureDate");

-- CreateIndex
CREATE INDEX "EventTravel_stage_countryCode_idx" ON "EventTravel"("stage", "countryCode");

-- CreateIndex
CREATE INDEX "EventTravel_createdAt_id_idx" ON "EventTravel"("createdAt", "id");

-- CreateIndex
CREATE INDEX "EventTravel_closedAt_stage_stageEnteredAt_idx" ON "EventTravel"("closedAt", "stage", "stageEnteredAt");

-- AddForeignKey
ALTER TABLE "EventTravel" ADD CONSTRAINT "EventTravel_expertId_fkey" FOREIGN KEY ("expertId") REFERENCES "Expert"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
