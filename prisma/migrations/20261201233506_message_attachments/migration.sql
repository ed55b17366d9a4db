-- AlterTable
ALTER TABLE "Document" ADD COLUMN     "messageId" TEXT;

-- CreateIndex
CREATE INDEX "Document_messageId_idx" ON "Document"("messageId");
