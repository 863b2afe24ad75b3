-- AlterTable
ALTER TABLE "OutboxItem" ADD COLUMN     "readProgress" JSONB;
