-- CreateTable
CREATE TABLE "feature_flags" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "description" TEXT NOT NULL DEFAULT '',
    "type" TEXT NOT NULL DEFAULT 'boolean',
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "rules" JSONB NOT NULL DEFAULT '[]',
    "variants" JSONB NOT NULL DEFAULT '[]',
    "payloads" JSONB NOT NULL DEFAULT '{}',
    "environments" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "feature_flags_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "flag_scheduled_changes" (
    "id" UUID NOT NULL,
    "flag_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "change" JSONB NOT NULL,
    "applied_at" TIMESTAMPTZ(3),
    "error" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "flag_scheduled_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "flag_stat_days" (
    "project_id" UUID NOT NULL,
    "flag_key" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "variant" TEXT NOT NULL,
    "evaluations" BIGINT NOT NULL DEFAULT 0,
    "exposures" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "flag_stat_days_pkey" PRIMARY KEY ("project_id","flag_key","day","variant")
);

-- CreateTable
CREATE TABLE "experiments" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hypothesis" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'draft',
    "flag_id" UUID,
    "variants" JSONB NOT NULL DEFAULT '[]',
    "primary_metric" JSONB NOT NULL,
    "secondary_metrics" JSONB NOT NULL DEFAULT '[]',
    "guardrail_metrics" JSONB NOT NULL DEFAULT '[]',
    "exposure_event" TEXT NOT NULL DEFAULT '$feature_flag_called',
    "holdout_percent" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "min_sample_size" INTEGER,
    "started_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "winner" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "experiments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "feature_flags_project_id_key_key" ON "feature_flags"("project_id", "key");

-- CreateIndex
CREATE INDEX "flag_scheduled_changes_applied_at_at_idx" ON "flag_scheduled_changes"("applied_at", "at");

-- CreateIndex
CREATE UNIQUE INDEX "experiments_project_id_key_key" ON "experiments"("project_id", "key");

-- AddForeignKey
ALTER TABLE "flag_scheduled_changes" ADD CONSTRAINT "flag_scheduled_changes_flag_id_fkey" FOREIGN KEY ("flag_id") REFERENCES "feature_flags"("id") ON DELETE CASCADE ON UPDATE CASCADE;
