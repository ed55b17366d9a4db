-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "assigneeInstitutionId" TEXT;

-- CreateIndex
CREATE INDEX "Task_assigneeInstitutionId_status_dueAt_idx" ON "Task"("assigneeInstitutionId", "status", "dueAt");
