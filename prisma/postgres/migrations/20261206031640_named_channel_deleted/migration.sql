-- AlterTable
ALTER TABLE "NamedChannel" ADD COLUMN     "deletedAt" TIMESTAMP(3);
