-- AlterTable
ALTER TABLE "ScoredMessage" ADD COLUMN "editedTs" TEXT;
