-- CreateTable
CREATE TABLE "ResultReport" (
    "id" TEXT NOT NULL,
    "programme" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "countryCode" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "periodStart" DATE,
    "periodEnd" DATE,
    "taskId" TEXT,
    "note" TEXT,
    "values" JSONB NOT NULL,
    "enteredById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ResultReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ResultValue" (
    "reportId" TEXT NOT NULL,
    "indicator" TEXT NOT NULL,
    "value" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,

    CONSTRAINT "ResultValue_pkey" PRIMARY KEY ("reportId","indicator")
);

-- CreateIndex
CREATE INDEX "ResultReport_subjectId_kind_idx" ON "ResultReport"("subjectId", "kind");

-- CreateIndex
CREATE INDEX "ResultValue_kind_indicator_subjectId_idx" ON "ResultValue"("kind", "indicator", "subjectId");

-- AddForeignKey
ALTER TABLE "ResultValue" ADD CONSTRAINT "ResultValue_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "ResultReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;
