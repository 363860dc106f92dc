-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "test_account_filters" JSONB NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "saved_insights" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "query" JSONB NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "saved_insights_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cohorts" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "definition" JSONB,
    "member_count" INTEGER NOT NULL DEFAULT 0,
    "computed_at" TIMESTAMPTZ(3),
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cohorts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cohort_members" (
    "cohort_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cohort_members_pkey" PRIMARY KEY ("cohort_id","person_id")
);

-- CreateTable
CREATE TABLE "rollup_event_days" (
    "project_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "event" TEXT NOT NULL,
    "dim" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "events" BIGINT NOT NULL,
    "persons" BIGINT NOT NULL,
    "sessions" BIGINT NOT NULL,
    "revenue" DECIMAL(20,4) NOT NULL,
    "commission" DECIMAL(20,4) NOT NULL,

    CONSTRAINT "rollup_event_days_pkey" PRIMARY KEY ("project_id","day","event","dim","value")
);

-- CreateTable
CREATE TABLE "rollup_person_days" (
    "project_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "person_id" UUID NOT NULL,
    "events" INTEGER NOT NULL,

    CONSTRAINT "rollup_person_days_pkey" PRIMARY KEY ("project_id","day","person_id")
);

-- CreateTable
CREATE TABLE "rollup_day_states" (
    "project_id" UUID NOT NULL,
    "rollup" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "timezone" TEXT NOT NULL,
    "watermark" TIMESTAMPTZ(3) NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rollup_day_states_pkey" PRIMARY KEY ("project_id","rollup","day")
);

-- CreateIndex
CREATE INDEX "saved_insights_project_id_updated_at_idx" ON "saved_insights"("project_id", "updated_at");

-- CreateIndex
CREATE INDEX "cohorts_project_id_idx" ON "cohorts"("project_id");

-- CreateIndex
CREATE INDEX "cohort_members_project_id_person_id_idx" ON "cohort_members"("project_id", "person_id");

-- CreateIndex
CREATE INDEX "rollup_person_days_project_id_person_id_idx" ON "rollup_person_days"("project_id", "person_id");

-- CreateIndex
CREATE INDEX "events_inserted_at_idx" ON "events" USING BRIN ("inserted_at");
