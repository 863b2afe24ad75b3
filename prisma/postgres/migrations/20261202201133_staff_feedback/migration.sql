-- CreateTable
CREATE TABLE "Feedback" (
    "id" TEXT NOT NULL,
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
    "at" TIMESTAMP(3) NOT NULL,
    "undoneAt" TIMESTAMP(3),
    "undoneBy" TEXT,

    CONSTRAINT "Feedback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LearntLexicon" (
    "workspaceId" TEXT NOT NULL,
    "corrections" INTEGER NOT NULL,
    "regularisation" DOUBLE PRECISION,
    "positiveScale" DOUBLE PRECISION NOT NULL,
    "negativeScale" DOUBLE PRECISION NOT NULL,
    "negativeAt" DOUBLE PRECISION NOT NULL,
    "positiveAt" DOUBLE PRECISION NOT NULL,
    "terms" JSONB NOT NULL,
    "frozen" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LearntLexicon_pkey" PRIMARY KEY ("workspaceId")
);

-- CreateTable
CREATE TABLE "ChannelCalibration" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "thresholdOffset" DOUBLE PRECISION NOT NULL,
    "falseAlarms" INTEGER NOT NULL,
    "lateCrises" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChannelCalibration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Feedback_workspaceId_target_idx" ON "Feedback"("workspaceId", "target");

-- CreateIndex
CREATE INDEX "Feedback_workspaceId_channelId_idx" ON "Feedback"("workspaceId", "channelId");

-- CreateIndex
CREATE INDEX "Feedback_incidentId_idx" ON "Feedback"("incidentId");

-- CreateIndex
CREATE UNIQUE INDEX "ChannelCalibration_workspaceId_channelId_key" ON "ChannelCalibration"("workspaceId", "channelId");
