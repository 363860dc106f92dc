-- CreateIndex
CREATE INDEX "person_merges_project_id_merged_at_idx" ON "person_merges"("project_id", "merged_at");
