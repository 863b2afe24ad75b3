-- AlterTable
ALTER TABLE "NamedChannel" ADD COLUMN "deletedAt" DATETIME;
