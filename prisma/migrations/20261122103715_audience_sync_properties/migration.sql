-- AlterTable
ALTER TABLE "audience_syncs" ADD COLUMN     "properties" TEXT[] DEFAULT ARRAY[]::TEXT[];
