-- CreateTable
CREATE TABLE "InboundEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "eventId" TEXT,
    "body" TEXT NOT NULL,
    "retryNum" INTEGER,
    "retryReason" TEXT,
    "receivedAt" DATETIME NOT NULL,
    "claimedBy" TEXT NOT NULL,
    "claimedUntil" DATETIME NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "lastError" TEXT
);

-- CreateIndex
CREATE INDEX "InboundEvent_receivedAt_idx" ON "InboundEvent"("receivedAt");
