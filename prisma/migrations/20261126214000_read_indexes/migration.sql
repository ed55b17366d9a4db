-- Lists newest first (createdAt DESC, id DESC) read the index in order instead of sorting.
DROP INDEX "Proposal_createdAt_idx";
CREATE INDEX "Proposal_createdAt_id_idx" ON "Proposal"("createdAt", "id");
DROP INDEX "ExpertRequest_createdAt_idx";
CREATE INDEX "ExpertRequest_createdAt_id_idx" ON "ExpertRequest"("createdAt", "id");

-- The pipeline's overdue open tasks per country and programme, counted from the index alone.
CREATE INDEX "Task_status_countryCode_programme_overdue_dueAt_idx" ON "Task"("status", "countryCode", "programme", "overdue", "dueAt");
