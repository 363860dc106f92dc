-- AlterTable
ALTER TABLE "model_versions" ADD COLUMN     "progress" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "scheduled_reports" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "formats" TEXT[],
    "recipients" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "delivery" TEXT NOT NULL DEFAULT 'attachment',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "next_run_at" TIMESTAMPTZ(3),
    "last_run_at" TIMESTAMPTZ(3),
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "scheduled_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "report_runs" (
    "id" UUID NOT NULL,
    "report_id" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "scheduled_for" TIMESTAMPTZ(3),
    "status" TEXT NOT NULL DEFAULT 'pending',
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "error" TEXT,
    "email_status" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "report_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "report_files" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "format" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "size" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "report_files_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "automations" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "trigger" JSONB NOT NULL,
    "delay_seconds" INTEGER NOT NULL DEFAULT 0,
    "action_kind" TEXT NOT NULL,
    "action" JSONB NOT NULL,
    "dedup_seconds" INTEGER,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "scanned_to" TIMESTAMPTZ(3),
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "automations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "automation_firings" (
    "id" BIGSERIAL NOT NULL,
    "automation_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "dedup_key" TEXT NOT NULL,
    "triggered_at" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "payload" JSONB,
    "last_error" TEXT,
    "fired_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "automation_firings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audience_syncs" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "cohort_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "last_synced_at" TIMESTAMPTZ(3),
    "last_count" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audience_syncs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "scheduled_reports_enabled_next_run_at_idx" ON "scheduled_reports"("enabled", "next_run_at");

-- CreateIndex
CREATE INDEX "report_runs_report_id_created_at_idx" ON "report_runs"("report_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "report_runs_report_id_scheduled_for_key" ON "report_runs"("report_id", "scheduled_for");

-- CreateIndex
CREATE UNIQUE INDEX "report_files_run_id_format_key" ON "report_files"("run_id", "format");

-- CreateIndex
CREATE INDEX "automation_firings_status_due_at_idx" ON "automation_firings"("status", "due_at");

-- CreateIndex
CREATE UNIQUE INDEX "automation_firings_automation_id_person_id_dedup_key_key" ON "automation_firings"("automation_id", "person_id", "dedup_key");

-- AddForeignKey
ALTER TABLE "report_runs" ADD CONSTRAINT "report_runs_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "scheduled_reports"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "report_files" ADD CONSTRAINT "report_files_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "report_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "automation_firings" ADD CONSTRAINT "automation_firings_automation_id_fkey" FOREIGN KEY ("automation_id") REFERENCES "automations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
