-- AlterTable
ALTER TABLE "PostMortem" ADD COLUMN     "contributorUserIds" JSONB NOT NULL DEFAULT '[]';
