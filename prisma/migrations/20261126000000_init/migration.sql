-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "countryCode" TEXT,
    "institutionId" TEXT,
    "expertId" TEXT,
    "language" TEXT NOT NULL DEFAULT 'en',
    "notifyReminders" BOOLEAN NOT NULL DEFAULT true,
    "dailyDigest" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "User_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "Institution" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "User_countryCode_fkey" FOREIGN KEY ("countryCode") REFERENCES "Country" ("code") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "User_expertId_fkey" FOREIGN KEY ("expertId") REFERENCES "Expert" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Institution" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "city" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Country" (
    "code" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "nameRu" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "eligibleChallengeFund" BOOLEAN NOT NULL DEFAULT true,
    "eligibleExperts" BOOLEAN NOT NULL DEFAULT true
);

-- CreateTable
CREATE TABLE "CountryOffice" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "countryCode" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    CONSTRAINT "CountryOffice_countryCode_fkey" FOREIGN KEY ("countryCode") REFERENCES "Country" ("code") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ThematicArea" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "nameRu" TEXT NOT NULL,
    "sdgs" JSONB NOT NULL
);

-- CreateTable
CREATE TABLE "CooperationFramework" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "countryCode" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "periodStart" DATETIME NOT NULL,
    "periodEnd" DATETIME NOT NULL,
    CONSTRAINT "CooperationFramework_countryCode_fkey" FOREIGN KEY ("countryCode") REFERENCES "Country" ("code") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FrameworkOutcome" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "frameworkId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "sdgs" JSONB NOT NULL,
    "thematicAreaIds" JSONB NOT NULL,
    CONSTRAINT "FrameworkOutcome_frameworkId_fkey" FOREIGN KEY ("frameworkId") REFERENCES "CooperationFramework" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Call" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "countryCode" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "challengeStatement" TEXT NOT NULL,
    "opensAt" DATETIME NOT NULL,
    "closesAt" DATETIME NOT NULL,
    "minGrantCents" INTEGER NOT NULL,
    "maxGrantCents" INTEGER NOT NULL,
    "coFinancingMinPct" INTEGER NOT NULL,
    "maxDurationMonths" INTEGER NOT NULL DEFAULT 12,
    "rubric" JSONB NOT NULL,
    "passMark" INTEGER NOT NULL,
    "thematicAreaIds" JSONB NOT NULL,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Call_countryCode_fkey" FOREIGN KEY ("countryCode") REFERENCES "Country" ("code") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Proposal" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "callId" TEXT NOT NULL,
    "institutionId" TEXT NOT NULL,
    "applicantId" TEXT NOT NULL,
    "countryCode" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "nationalPartner" JSONB NOT NULL,
    "sdgs" JSONB NOT NULL,
    "thematicAreaId" TEXT NOT NULL,
    "requestedAmountCents" INTEGER NOT NULL,
    "coFinancingCents" INTEGER NOT NULL,
    "durationMonths" INTEGER NOT NULL,
    "innovation" TEXT NOT NULL,
    "expectedResults" TEXT NOT NULL,
    "milestones" JSONB NOT NULL,
    "stage" TEXT NOT NULL,
    "stageEnteredAt" DATETIME NOT NULL,
    "weightedScore" REAL,
    "passMarkMet" BOOLEAN,
    "findings" JSONB,
    "outcome" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "closedAt" DATETIME,
    CONSTRAINT "Proposal_callId_fkey" FOREIGN KEY ("callId") REFERENCES "Call" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Proposal_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "Institution" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ExpertRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "countryCode" TEXT NOT NULL,
    "requesterId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "nationalPartner" JSONB NOT NULL,
    "objectives" TEXT NOT NULL,
    "deliverables" JSONB NOT NULL,
    "modality" TEXT NOT NULL,
    "workingDays" INTEGER NOT NULL,
    "startDate" DATETIME NOT NULL,
    "endDate" DATETIME NOT NULL,
    "languages" JSONB NOT NULL,
    "thematicAreaId" TEXT NOT NULL,
    "sdgs" JSONB NOT NULL,
    "destination" TEXT,
    "travelDays" INTEGER,
    "dailySubsistenceUsd" INTEGER,
    "perDiemUsd" INTEGER,
    "contractValueCents" INTEGER NOT NULL,
    "stage" TEXT NOT NULL,
    "stageEnteredAt" DATETIME NOT NULL,
    "shortlist" JSONB,
    "selectedExpertId" TEXT,
    "findings" JSONB,
    "outcome" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "closedAt" DATETIME
);

-- CreateTable
CREATE TABLE "Expert" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "thematicAreaIds" JSONB NOT NULL,
    "sdgs" JSONB NOT NULL,
    "languages" JSONB NOT NULL,
    "countriesOfExperience" JSONB NOT NULL,
    "dailyFeeCents" INTEGER NOT NULL,
    "availability" JSONB NOT NULL,
    "rating" REAL NOT NULL DEFAULT 0,
    "ratingCount" INTEGER NOT NULL DEFAULT 0,
    "assignmentsCount" INTEGER NOT NULL DEFAULT 0,
    "bio" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Task" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "programme" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "assigneeUserId" TEXT,
    "assigneeRole" TEXT NOT NULL,
    "assigneeCountryCode" TEXT,
    "countryCode" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "dueAt" DATETIME,
    "remindAt" DATETIME,
    "remindedAt" DATETIME,
    "overdue" BOOLEAN NOT NULL DEFAULT false,
    "escalatedAt" DATETIME,
    "decision" TEXT,
    "comment" TEXT,
    "data" JSONB,
    "context" JSONB,
    "decidedById" TEXT,
    "decidedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Review" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "proposalId" TEXT NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "coi" TEXT NOT NULL,
    "scores" JSONB,
    "total" REAL,
    "comment" TEXT,
    "submittedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Contract" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "partyName" TEXT NOT NULL,
    "valueCents" INTEGER NOT NULL,
    "tranches" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "policyFindings" JSONB,
    "exceptionNote" TEXT,
    "signatures" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "signedAt" DATETIME
);

-- CreateTable
CREATE TABLE "Deliverable" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "dueDate" DATETIME NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "report" TEXT,
    "submittedAt" DATETIME,
    "acceptedAt" DATETIME
);

-- CreateTable
CREATE TABLE "Payment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "deliverableId" TEXT,
    "payee" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "releasedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Evaluation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "evaluatorId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "ratings" JSONB NOT NULL,
    "narrative" TEXT NOT NULL,
    "beneficiaries" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "workflowId" TEXT,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "actorId" TEXT,
    "actorRole" TEXT,
    "action" TEXT NOT NULL,
    "fromStage" TEXT,
    "toStage" TEXT,
    "comment" TEXT,
    "data" JSONB,
    "requestId" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "StepLog" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "appliedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "PolicyRuleSet" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "effectiveFrom" DATETIME NOT NULL,
    "effectiveTo" DATETIME,
    "rules" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Outbox" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "workflowId" TEXT,
    "recipientId" TEXT,
    "toEmail" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "messageId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME
);

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "requestHash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "body" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ProposalDraft" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "User_expertId_key" ON "User"("expertId");

-- CreateIndex
CREATE INDEX "User_role_countryCode_idx" ON "User"("role", "countryCode");

-- CreateIndex
CREATE UNIQUE INDEX "CountryOffice_countryCode_key" ON "CountryOffice"("countryCode");

-- CreateIndex
CREATE INDEX "CooperationFramework_countryCode_idx" ON "CooperationFramework"("countryCode");

-- CreateIndex
CREATE INDEX "Call_closesAt_idx" ON "Call"("closesAt");

-- CreateIndex
CREATE UNIQUE INDEX "Proposal_workflowId_key" ON "Proposal"("workflowId");

-- CreateIndex
CREATE INDEX "Proposal_stage_countryCode_idx" ON "Proposal"("stage", "countryCode");

-- CreateIndex
CREATE INDEX "Proposal_countryCode_stage_idx" ON "Proposal"("countryCode", "stage");

-- CreateIndex
CREATE INDEX "Proposal_institutionId_createdAt_idx" ON "Proposal"("institutionId", "createdAt");

-- CreateIndex
CREATE INDEX "Proposal_createdAt_idx" ON "Proposal"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ExpertRequest_workflowId_key" ON "ExpertRequest"("workflowId");

-- CreateIndex
CREATE INDEX "ExpertRequest_stage_countryCode_idx" ON "ExpertRequest"("stage", "countryCode");

-- CreateIndex
CREATE INDEX "ExpertRequest_countryCode_stage_idx" ON "ExpertRequest"("countryCode", "stage");

-- CreateIndex
CREATE INDEX "ExpertRequest_selectedExpertId_idx" ON "ExpertRequest"("selectedExpertId");

-- CreateIndex
CREATE INDEX "ExpertRequest_createdAt_idx" ON "ExpertRequest"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Expert_email_key" ON "Expert"("email");

-- CreateIndex
CREATE INDEX "Task_assigneeUserId_status_dueAt_idx" ON "Task"("assigneeUserId", "status", "dueAt");

-- CreateIndex
CREATE INDEX "Task_assigneeRole_assigneeCountryCode_status_dueAt_idx" ON "Task"("assigneeRole", "assigneeCountryCode", "status", "dueAt");

-- CreateIndex
CREATE INDEX "Task_workflowId_status_idx" ON "Task"("workflowId", "status");

-- CreateIndex
CREATE INDEX "Task_status_overdue_idx" ON "Task"("status", "overdue");

-- CreateIndex
CREATE INDEX "Task_subjectId_idx" ON "Task"("subjectId");

-- CreateIndex
CREATE INDEX "Review_reviewerId_idx" ON "Review"("reviewerId");

-- CreateIndex
CREATE UNIQUE INDEX "Review_proposalId_reviewerId_key" ON "Review"("proposalId", "reviewerId");

-- CreateIndex
CREATE UNIQUE INDEX "Contract_workflowId_key" ON "Contract"("workflowId");

-- CreateIndex
CREATE INDEX "Deliverable_subjectId_idx" ON "Deliverable"("subjectId");

-- CreateIndex
CREATE UNIQUE INDEX "Deliverable_workflowId_seq_key" ON "Deliverable"("workflowId", "seq");

-- CreateIndex
CREATE INDEX "Payment_subjectId_idx" ON "Payment"("subjectId");

-- CreateIndex
CREATE INDEX "Evaluation_subjectId_idx" ON "Evaluation"("subjectId");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_key_key" ON "AuditEvent"("key");

-- CreateIndex
CREATE INDEX "AuditEvent_subjectId_at_idx" ON "AuditEvent"("subjectId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_idx" ON "AuditEvent"("actorId");

-- CreateIndex
CREATE INDEX "StepLog_workflowId_idx" ON "StepLog"("workflowId");

-- CreateIndex
CREATE INDEX "PolicyRuleSet_effectiveFrom_idx" ON "PolicyRuleSet"("effectiveFrom");

-- CreateIndex
CREATE UNIQUE INDEX "Outbox_key_key" ON "Outbox"("key");

-- CreateIndex
CREATE INDEX "Outbox_status_createdAt_idx" ON "Outbox"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Outbox_recipientId_status_idx" ON "Outbox"("recipientId", "status");

-- CreateIndex
CREATE INDEX "Outbox_workflowId_idx" ON "Outbox"("workflowId");

-- CreateIndex
CREATE INDEX "ProposalDraft_userId_idx" ON "ProposalDraft"("userId");

