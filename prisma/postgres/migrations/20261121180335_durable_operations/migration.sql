-- AlterTable
ALTER TABLE "OutboxItem" ADD COLUMN     "uncertain" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Reminder" ADD COLUMN     "lastError" TEXT;

-- CreateIndex
CREATE INDEX "OutboxItem_channelId_status_createdAt_idx" ON "OutboxItem"("channelId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Reminder_incidentId_idx" ON "Reminder"("incidentId");
