-- CreateTable
CREATE TABLE "InboundEvent" (
    "id" TEXT NOT NULL,
    "eventId" TEXT,
    "body" TEXT NOT NULL,
    "retryNum" INTEGER,
    "retryReason" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "claimedBy" TEXT NOT NULL,
    "claimedUntil" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "lastError" TEXT,

    CONSTRAINT "InboundEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InboundEvent_receivedAt_idx" ON "InboundEvent"("receivedAt");
