-- AlterTable
ALTER TABLE "ReplyDraft" ADD COLUMN "preflightWarnings" JSONB;
