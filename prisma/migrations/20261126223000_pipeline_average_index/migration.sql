-- The pipeline's average days in stage of the active items (closedAt IS NULL, grouped by stage) from the index alone.
CREATE INDEX "Proposal_closedAt_stage_stageEnteredAt_idx" ON "Proposal"("closedAt", "stage", "stageEnteredAt");
CREATE INDEX "ExpertRequest_closedAt_stage_stageEnteredAt_idx" ON "ExpertRequest"("closedAt", "stage", "stageEnteredAt");
