-- AlterTable
ALTER TABLE "Reminder" ADD COLUMN "lastError" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_OutboxItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "channelId" TEXT,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "lastError" TEXT,
    "result" JSONB,
    "incidentId" TEXT,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "uncertain" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME
);
INSERT INTO "new_OutboxItem" ("attempts", "channelId", "createdAt", "id", "incidentId", "key", "lastError", "lockedBy", "lockedUntil", "method", "nextAttemptAt", "payload", "result", "sentAt", "status") SELECT "attempts", "channelId", "createdAt", "id", "incidentId", "key", "lastError", "lockedBy", "lockedUntil", "method", "nextAttemptAt", "payload", "result", "sentAt", "status" FROM "OutboxItem";
DROP TABLE "OutboxItem";
ALTER TABLE "new_OutboxItem" RENAME TO "OutboxItem";
CREATE UNIQUE INDEX "OutboxItem_key_key" ON "OutboxItem"("key");
CREATE INDEX "OutboxItem_status_nextAttemptAt_idx" ON "OutboxItem"("status", "nextAttemptAt");
CREATE INDEX "OutboxItem_channelId_status_createdAt_idx" ON "OutboxItem"("channelId", "status", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Reminder_incidentId_idx" ON "Reminder"("incidentId");
