-- CreateTable
CREATE TABLE "QuarantinedMessage" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "source" TEXT NOT NULL,
    "workspaceId" TEXT,
    "channelId" TEXT,
    "eventId" TEXT,
    "reason" TEXT NOT NULL,
    "error" TEXT NOT NULL,
    "payload" TEXT NOT NULL,

    CONSTRAINT "QuarantinedMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "QuarantinedMessage_at_idx" ON "QuarantinedMessage"("at");
