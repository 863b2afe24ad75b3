-- CreateTable
CREATE TABLE "Feedback" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "verdict" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "incidentId" TEXT,
    "messageTs" TEXT,
    "text" TEXT,
    "userId" TEXT NOT NULL,
    "reason" TEXT,
    "via" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "undoneAt" DATETIME,
    "undoneBy" TEXT
);

-- CreateTable
CREATE TABLE "LearntLexicon" (
    "workspaceId" TEXT NOT NULL PRIMARY KEY,
    "corrections" INTEGER NOT NULL,
    "regularisation" REAL,
    "positiveScale" REAL NOT NULL,
    "negativeScale" REAL NOT NULL,
    "negativeAt" REAL NOT NULL,
    "positiveAt" REAL NOT NULL,
    "terms" JSONB NOT NULL,
    "frozen" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ChannelCalibration" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "thresholdOffset" REAL NOT NULL,
    "falseAlarms" INTEGER NOT NULL,
    "lateCrises" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "Feedback_workspaceId_target_idx" ON "Feedback"("workspaceId", "target");

-- CreateIndex
CREATE INDEX "Feedback_workspaceId_channelId_idx" ON "Feedback"("workspaceId", "channelId");

-- CreateIndex
CREATE INDEX "Feedback_incidentId_idx" ON "Feedback"("incidentId");

-- CreateIndex
CREATE UNIQUE INDEX "ChannelCalibration_workspaceId_channelId_key" ON "ChannelCalibration"("workspaceId", "channelId");
