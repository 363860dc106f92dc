-- CreateTable
CREATE TABLE "model_versions" (
    "id" UUID NOT NULL,
    "project_id" UUID,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'training',
    "active" BOOLEAN NOT NULL DEFAULT false,
    "params" JSONB NOT NULL DEFAULT '{}',
    "training_from" TIMESTAMPTZ(3),
    "training_to" TIMESTAMPTZ(3),
    "metrics" JSONB NOT NULL DEFAULT '{}',
    "live_metrics" JSONB NOT NULL DEFAULT '{}',
    "artifact" BYTEA,
    "artifact_meta" JSONB,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "promoted_at" TIMESTAMPTZ(3),

    CONSTRAINT "model_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "predictions" (
    "id" BIGSERIAL NOT NULL,
    "model_version_id" UUID NOT NULL,
    "project_id" UUID,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "made_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "for_date" DATE NOT NULL,
    "horizon" INTEGER NOT NULL,
    "predicted" DOUBLE PRECISION NOT NULL,
    "lower_80" DOUBLE PRECISION,
    "upper_80" DOUBLE PRECISION,
    "lower_95" DOUBLE PRECISION,
    "upper_95" DOUBLE PRECISION,
    "actual" DOUBLE PRECISION,
    "reconciled_at" TIMESTAMPTZ(3),

    CONSTRAINT "predictions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "model_versions_project_id_kind_target_active_idx" ON "model_versions"("project_id", "kind", "target", "active");

-- CreateIndex
CREATE UNIQUE INDEX "model_versions_project_id_kind_target_version_key" ON "model_versions"("project_id", "kind", "target", "version");

-- CreateIndex
CREATE INDEX "predictions_project_id_kind_target_for_date_idx" ON "predictions"("project_id", "kind", "target", "for_date");

-- CreateIndex
CREATE INDEX "predictions_reconciled_at_for_date_idx" ON "predictions"("reconciled_at", "for_date");

-- AddForeignKey
ALTER TABLE "predictions" ADD CONSTRAINT "predictions_model_version_id_fkey" FOREIGN KEY ("model_version_id") REFERENCES "model_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
