-- AlterTable
ALTER TABLE "Call" ADD COLUMN     "selectionMode" TEXT NOT NULL DEFAULT 'ranked';

-- Calls written as rows before calls were workflows (the demo seed) have always selected their
-- proposals one by one: they keep doing so once the worker gives them their workflow.
UPDATE "Call" SET "selectionMode" = 'one_by_one' WHERE "workflowId" IS NULL;
