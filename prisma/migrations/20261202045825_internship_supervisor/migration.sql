-- AlterTable
ALTER TABLE "Internship" ADD COLUMN     "supervisorUserId" TEXT;

-- AlterTable
ALTER TABLE "InternshipPosting" ADD COLUMN     "supervisorUserId" TEXT;

-- CreateIndex
CREATE INDEX "Internship_supervisorUserId_stage_idx" ON "Internship"("supervisorUserId", "stage");

-- CreateIndex
CREATE INDEX "InternshipPosting_supervisorUserId_idx" ON "InternshipPosting"("supervisorUserId");
