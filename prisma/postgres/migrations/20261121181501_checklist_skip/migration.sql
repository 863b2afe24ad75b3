-- AlterTable
ALTER TABLE "ChecklistItem" ADD COLUMN     "ownerRole" TEXT,
ADD COLUMN     "required" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "skipReason" TEXT,
ADD COLUMN     "skippedAt" TIMESTAMP(3),
ADD COLUMN     "skippedBy" TEXT;
