-- CreateTable
CREATE TABLE "QuarantinedMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL,
    "source" TEXT NOT NULL,
    "workspaceId" TEXT,
    "channelId" TEXT,
    "eventId" TEXT,
    "reason" TEXT NOT NULL,
    "error" TEXT NOT NULL,
    "payload" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "QuarantinedMessage_at_idx" ON "QuarantinedMessage"("at");
