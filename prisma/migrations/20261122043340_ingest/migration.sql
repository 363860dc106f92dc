-- CreateEnum
CREATE TYPE "IpMode" AS ENUM ('keep', 'truncate', 'drop');

-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "cookieless" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "ip_mode" "IpMode" NOT NULL DEFAULT 'truncate',
ADD COLUMN     "rate_limit_per_sec" INTEGER NOT NULL DEFAULT 100000,
ADD COLUMN     "respect_dnt" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "retention_days" INTEGER NOT NULL DEFAULT 365,
ADD COLUMN     "strict_events" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "events" (
    "project_id" UUID NOT NULL,
    "uuid" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,
    "distinct_id" TEXT NOT NULL,
    "person_id" UUID NOT NULL,
    "session_id" TEXT,
    "url" TEXT,
    "host" TEXT,
    "pathname" TEXT,
    "referrer" TEXT,
    "referring_domain" TEXT,
    "device" TEXT,
    "browser" TEXT,
    "browser_version" TEXT,
    "os" TEXT,
    "os_version" TEXT,
    "country" TEXT,
    "city" TEXT,
    "utm_source" TEXT,
    "utm_medium" TEXT,
    "utm_campaign" TEXT,
    "utm_term" TEXT,
    "utm_content" TEXT,
    "revenue" DECIMAL(18,4),
    "ip" TEXT,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "inserted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
) PARTITION BY RANGE ("timestamp");

-- Hand-written: monthly partitions are created ahead by the create_event_partitions job;
-- the default partition catches anything outside them so an insert never fails for lack of one.
CREATE TABLE "events_default" PARTITION OF "events" DEFAULT;

-- CreateTable
CREATE TABLE "event_uuids" (
    "project_id" UUID NOT NULL,
    "uuid" UUID NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "event_uuids_pkey" PRIMARY KEY ("project_id","uuid")
);

-- CreateTable
CREATE TABLE "persons" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "is_identified" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "persons_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "person_distinct_ids" (
    "project_id" UUID NOT NULL,
    "distinct_id" TEXT NOT NULL,
    "person_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "person_distinct_ids_pkey" PRIMARY KEY ("project_id","distinct_id")
);

-- CreateTable
CREATE TABLE "person_merges" (
    "project_id" UUID NOT NULL,
    "from_person_id" UUID NOT NULL,
    "to_person_id" UUID NOT NULL,
    "merged_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "person_merges_pkey" PRIMARY KEY ("project_id","from_person_id")
);

-- CreateTable
CREATE TABLE "event_definitions" (
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "first_seen" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_definitions_pkey" PRIMARY KEY ("project_id","name")
);

-- CreateTable
CREATE TABLE "property_definitions" (
    "project_id" UUID NOT NULL,
    "event_name" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "types" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "first_seen" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "property_definitions_pkey" PRIMARY KEY ("project_id","event_name","key")
);

-- CreateIndex
CREATE INDEX "events_project_id_event_timestamp_idx" ON "events"("project_id", "event", "timestamp");

-- CreateIndex
CREATE INDEX "events_project_id_person_id_timestamp_idx" ON "events"("project_id", "person_id", "timestamp");

-- CreateIndex
CREATE INDEX "persons_project_id_created_at_idx" ON "persons"("project_id", "created_at");

-- CreateIndex
CREATE INDEX "person_distinct_ids_person_id_idx" ON "person_distinct_ids"("person_id");

-- CreateIndex
CREATE INDEX "person_merges_project_id_to_person_id_idx" ON "person_merges"("project_id", "to_person_id");

-- AddForeignKey
ALTER TABLE "person_distinct_ids" ADD CONSTRAINT "person_distinct_ids_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "persons"("id") ON DELETE CASCADE ON UPDATE CASCADE;
