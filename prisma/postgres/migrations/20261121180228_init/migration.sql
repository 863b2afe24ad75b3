-- DropForeignKey
ALTER TABLE "Approval" DROP CONSTRAINT "Approval_draftId_fkey";

-- DropForeignKey
ALTER TABLE "Incident" DROP CONSTRAINT "Incident_channelRef_fkey";

-- DropForeignKey
ALTER TABLE "PostMortemReview" DROP CONSTRAINT "PostMortemReview_postMortemId_fkey";

-- DropIndex
DROP INDEX "ReplyDraft_incidentId_idx";

-- AlterTable
ALTER TABLE "ActionItem" ADD COLUMN     "doneBy" TEXT,
ADD COLUMN     "position" INTEGER NOT NULL,
ALTER COLUMN "ownerUserId" SET NOT NULL,
ALTER COLUMN "dueAt" SET NOT NULL;

-- AlterTable
ALTER TABLE "Approval" ADD COLUMN     "incidentId" TEXT NOT NULL,
ADD COLUMN     "voidedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "ChecklistItem" DROP COLUMN "ownerRole",
DROP COLUMN "required",
DROP COLUMN "title",
ADD COLUMN     "ownerUserId" TEXT,
ADD COLUMN     "text" TEXT NOT NULL;

-- AlterTable
ALTER TABLE "Incident" DROP COLUMN "channelRef",
DROP COLUMN "firstApprovedReplyAt",
DROP COLUMN "language",
DROP COLUMN "recoveredAt",
DROP COLUMN "state",
ADD COLUMN     "channelId" TEXT NOT NULL,
ADD COLUMN     "locale" TEXT NOT NULL,
ADD COLUMN     "openedAt" TIMESTAMP(3) NOT NULL,
ADD COLUMN     "resolutionSummary" TEXT,
ALTER COLUMN "detection" SET NOT NULL;

-- AlterTable
ALTER TABLE "PostMortem" DROP COLUMN "reviewers",
ADD COLUMN     "fields" JSONB NOT NULL,
ADD COLUMN     "ownerUserId" TEXT,
ADD COLUMN     "requiredFields" JSONB NOT NULL,
ADD COLUMN     "reviewerUserIds" JSONB NOT NULL,
ADD COLUMN     "reviews" JSONB NOT NULL,
ADD COLUMN     "round" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "submittedAt" TIMESTAMP(3),
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0,
ALTER COLUMN "createdAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "ReplyDraft" DROP COLUMN "target",
DROP COLUMN "threadMessageTs",
ADD COLUMN     "cardTs" TEXT,
ADD COLUMN     "contributorUserIds" JSONB NOT NULL,
ADD COLUMN     "number" INTEGER NOT NULL,
ADD COLUMN     "targetKind" TEXT NOT NULL,
ALTER COLUMN "revision" DROP DEFAULT,
ALTER COLUMN "createdAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "TimelineEvent" ADD COLUMN     "sequence" INTEGER NOT NULL,
ALTER COLUMN "data" SET NOT NULL;

-- DropTable
DROP TABLE "PostMortemReview";

-- CreateIndex
CREATE INDEX "Approval_incidentId_idx" ON "Approval"("incidentId");

-- CreateIndex
CREATE INDEX "Incident_channelId_idx" ON "Incident"("channelId");

-- CreateIndex
CREATE UNIQUE INDEX "ReplyDraft_incidentId_number_key" ON "ReplyDraft"("incidentId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "TimelineEvent_incidentId_sequence_key" ON "TimelineEvent"("incidentId", "sequence");

-- AddForeignKey
ALTER TABLE "Approval" ADD CONSTRAINT "Approval_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;
