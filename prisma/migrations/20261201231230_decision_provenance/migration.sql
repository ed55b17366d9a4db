-- CreateTable
CREATE TABLE "DecisionRecord" (
    "key" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "runId" TEXT,
    "activityId" TEXT,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "actions" JSONB NOT NULL,
    "actorId" TEXT,
    "actorRole" TEXT,
    "outcome" TEXT,
    "ruleSetId" TEXT,
    "ruleSetName" TEXT,
    "ruleSetEffectiveFrom" DATE,
    "findings" JSONB,
    "decisions" JSONB,
    "payments" JSONB,
    "stage" JSONB,

    CONSTRAINT "DecisionRecord_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "DecisionRecord_subjectId_at_idx" ON "DecisionRecord"("subjectId", "at");
