-- CreateTable
CREATE TABLE "TaskExclusion" (
    "taskId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    CONSTRAINT "TaskExclusion_pkey" PRIMARY KEY ("taskId","userId")
);

-- CreateIndex
CREATE INDEX "TaskExclusion_userId_idx" ON "TaskExclusion"("userId");

-- AddForeignKey
ALTER TABLE "TaskExclusion" ADD CONSTRAINT "TaskExclusion_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;
