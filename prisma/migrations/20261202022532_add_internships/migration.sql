-- CreateTable
CREATE TABLE "InternshipPosting" (
    "id" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "countryCode" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "fields" JSONB NOT NULL,
    "months" INTEGER NOT NULL,
    "startDate" DATE NOT NULL,
    "applicationDeadline" DATE NOT NULL,
    "places" INTEGER NOT NULL,
    "placesFilled" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL,
    "stipendCents" INTEGER NOT NULL,
    "createdById" TEXT NOT NULL,
    "extensions" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "closedAt" TIMESTAMPTZ(3),

    CONSTRAINT "InternshipPosting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Internship" (
    "id" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "countryCode" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "postingId" TEXT NOT NULL,
    "studentUserId" TEXT NOT NULL,
    "institutionId" TEXT NOT NULL,
    "masterProgramme" TEXT NOT NULL,
    "degree" TEXT NOT NULL,
    "months" INTEGER NOT NULL,
    "startDate" DATE NOT NULL,
    "application" JSONB NOT NULL,
    "sdgs" JSONB NOT NULL DEFAULT '[]',
    "interview" JSONB,
    "funderSharePct" INTEGER,
    "funderName" TEXT,
    "stipend" JSONB,
    "placeSeq" INTEGER,
    "monthsServed" INTEGER NOT NULL DEFAULT 0,
    "stage" TEXT NOT NULL,
    "stageEnteredAt" TIMESTAMPTZ(3) NOT NULL,
    "findings" JSONB,
    "outcome" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "closedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Internship_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InternshipPosting_workflowId_key" ON "InternshipPosting"("workflowId");

-- CreateIndex
CREATE INDEX "InternshipPosting_status_countryCode_idx" ON "InternshipPosting"("status", "countryCode");

-- CreateIndex
CREATE INDEX "InternshipPosting_createdAt_id_idx" ON "InternshipPosting"("createdAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Internship_workflowId_key" ON "Internship"("workflowId");

-- CreateIndex
CREATE INDEX "Internship_postingId_stage_idx" ON "Internship"("postingId", "stage");

-- CreateIndex
CREATE INDEX "Internship_studentUserId_stage_idx" ON "Internship"("studentUserId", "stage");

-- CreateIndex
CREATE INDEX "Internship_institutionId_stage_idx" ON "Internship"("institutionId", "stage");

-- CreateIndex
CREATE INDEX "Internship_stage_countryCode_idx" ON "Internship"("stage", "countryCode");

-- CreateIndex
CREATE INDEX "Internship_createdAt_id_idx" ON "Internship"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Internship_closedAt_stage_stageEnteredAt_idx" ON "Internship"("closedAt", "stage", "stageEnteredAt");

-- CreateIndex
CREATE UNIQUE INDEX "Internship_postingId_placeSeq_key" ON "Internship"("postingId", "placeSeq");
