-- AlterTable
ALTER TABLE "ScoredMessage" ADD COLUMN "remindedAt" DATETIME;
