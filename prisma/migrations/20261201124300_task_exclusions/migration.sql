-- CreateTable
CREATE TABLE "TaskExclusion" (
    "taskId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    PRIMARY KEY ("taskId", "userId"),
    CONSTRAINT "TaskExclusion_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "TaskExclusion_userId_idx" ON "TaskExclusion"("userId");


-- Open endorsement tasks of expert requests registered before this table existed: their
-- requester may not decide them (the workflow refuses it), so it is not offered to them either.
INSERT INTO "TaskExclusion" ("taskId", "userId")
SELECT t."id", r."requesterId" FROM "Task" t JOIN "ExpertRequest" r ON r."id" = t."subjectId"
WHERE t."subjectType" = 'expert_request' AND t."kind" = 'co_endorsement';
