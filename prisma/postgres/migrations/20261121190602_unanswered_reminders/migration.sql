-- AlterTable
ALTER TABLE "ScoredMessage" ADD COLUMN     "remindedAt" TIMESTAMP(3);
