-- CreateTable
CREATE TABLE "Workspace" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "name" TEXT,
    "botUserId" TEXT,
    "installation" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "WatchedChannel" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "name" TEXT,
    "source" TEXT NOT NULL DEFAULT 'slack',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "watchedBy" TEXT NOT NULL DEFAULT 'command',
    "detectorState" JSONB,
    "languageMix" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "WatchedChannel_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ScoredMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channelRef" TEXT NOT NULL,
    "ts" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "text" TEXT,
    "textErasedAt" DATETIME,
    "permalink" TEXT,
    "threadTs" TEXT,
    "language" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "score" REAL NOT NULL,
    "comparative" REAL NOT NULL,
    "terms" JSONB NOT NULL,
    "isStaff" BOOLEAN NOT NULL DEFAULT false,
    "answeredAt" DATETIME,
    "postedAt" DATETIME NOT NULL,
    "editedAt" DATETIME,
    "deletedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ScoredMessage_channelRef_fkey" FOREIGN KEY ("channelRef") REFERENCES "WatchedChannel" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ChannelBucket" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channelRef" TEXT NOT NULL,
    "start" DATETIME NOT NULL,
    "data" JSONB NOT NULL,
    "messages" INTEGER NOT NULL DEFAULT 0,
    "negatives" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ChannelBucket_channelRef_fkey" FOREIGN KEY ("channelRef") REFERENCES "WatchedChannel" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Incident" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "channelId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "playbookId" TEXT NOT NULL,
    "playbookHash" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "leadUserId" TEXT,
    "alertChannelId" TEXT NOT NULL,
    "rootTs" TEXT,
    "drill" BOOLEAN NOT NULL DEFAULT false,
    "detection" JSONB NOT NULL,
    "openedAt" DATETIME NOT NULL,
    "detectedAt" DATETIME NOT NULL,
    "firstAbnormalAt" DATETIME,
    "acknowledgedAt" DATETIME,
    "resolvedAt" DATETIME,
    "resolutionSummary" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Incident_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TimelineEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incidentId" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "kind" TEXT NOT NULL,
    "actorUserId" TEXT,
    "text" TEXT,
    "data" JSONB NOT NULL,
    CONSTRAINT "TimelineEvent_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReplyDraft" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incidentId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,
    "language" TEXT NOT NULL,
    "templateId" TEXT,
    "text" TEXT NOT NULL,
    "targetKind" TEXT NOT NULL,
    "targetChannelId" TEXT NOT NULL,
    "targetTs" TEXT,
    "authorUserId" TEXT NOT NULL,
    "contributorUserIds" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "cardTs" TEXT,
    "postedTs" TEXT,
    "postedAt" DATETIME,
    CONSTRAINT "ReplyDraft_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Approval" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incidentId" TEXT NOT NULL,
    "draftId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "approverUserId" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "comment" TEXT,
    "text" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "voidedAt" DATETIME,
    CONSTRAINT "Approval_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ChecklistItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incidentId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "ownerUserId" TEXT,
    "dueAt" DATETIME,
    "doneAt" DATETIME,
    "doneBy" TEXT,
    CONSTRAINT "ChecklistItem_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Reminder" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "incidentId" TEXT,
    "firedAt" DATETIME,
    "late" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "OutboxItem" (
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

-- CreateTable
CREATE TABLE "ProcessedEvent" (
    "eventId" TEXT NOT NULL PRIMARY KEY,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "PostMortem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incidentId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "ownerUserId" TEXT,
    "reviewerUserIds" JSONB NOT NULL,
    "requiredFields" JSONB NOT NULL,
    "questions" JSONB NOT NULL,
    "fields" JSONB NOT NULL,
    "answers" JSONB NOT NULL,
    "reviews" JSONB NOT NULL,
    "round" INTEGER NOT NULL DEFAULT 0,
    "dueAt" DATETIME NOT NULL,
    "submittedAt" DATETIME,
    "publishedAt" DATETIME,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "PostMortem_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ActionItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "postMortemId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "ownerUserId" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "doneAt" DATETIME,
    "doneBy" TEXT,
    CONSTRAINT "ActionItem_postMortemId_fkey" FOREIGN KEY ("postMortemId") REFERENCES "PostMortem" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL,
    "userId" TEXT,
    "action" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "incidentId" TEXT,
    "text" TEXT,
    "data" JSONB
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Workspace_teamId_key" ON "Workspace"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "WatchedChannel_workspaceId_channelId_key" ON "WatchedChannel"("workspaceId", "channelId");

-- CreateIndex
CREATE INDEX "ScoredMessage_channelRef_postedAt_idx" ON "ScoredMessage"("channelRef", "postedAt");

-- CreateIndex
CREATE INDEX "ScoredMessage_label_answeredAt_idx" ON "ScoredMessage"("label", "answeredAt");

-- CreateIndex
CREATE UNIQUE INDEX "ScoredMessage_channelRef_ts_key" ON "ScoredMessage"("channelRef", "ts");

-- CreateIndex
CREATE UNIQUE INDEX "ChannelBucket_channelRef_start_key" ON "ChannelBucket"("channelRef", "start");

-- CreateIndex
CREATE INDEX "Incident_status_idx" ON "Incident"("status");

-- CreateIndex
CREATE INDEX "Incident_channelId_idx" ON "Incident"("channelId");

-- CreateIndex
CREATE UNIQUE INDEX "Incident_workspaceId_number_key" ON "Incident"("workspaceId", "number");

-- CreateIndex
CREATE INDEX "TimelineEvent_incidentId_at_idx" ON "TimelineEvent"("incidentId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "TimelineEvent_incidentId_sequence_key" ON "TimelineEvent"("incidentId", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "ReplyDraft_incidentId_number_key" ON "ReplyDraft"("incidentId", "number");

-- CreateIndex
CREATE INDEX "Approval_incidentId_idx" ON "Approval"("incidentId");

-- CreateIndex
CREATE UNIQUE INDEX "Approval_draftId_revision_approverUserId_key" ON "Approval"("draftId", "revision", "approverUserId");

-- CreateIndex
CREATE UNIQUE INDEX "ChecklistItem_incidentId_stepId_key" ON "ChecklistItem"("incidentId", "stepId");

-- CreateIndex
CREATE UNIQUE INDEX "Reminder_key_key" ON "Reminder"("key");

-- CreateIndex
CREATE INDEX "Reminder_status_dueAt_idx" ON "Reminder"("status", "dueAt");

-- CreateIndex
CREATE INDEX "Reminder_incidentId_idx" ON "Reminder"("incidentId");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxItem_key_key" ON "OutboxItem"("key");

-- CreateIndex
CREATE INDEX "OutboxItem_status_nextAttemptAt_idx" ON "OutboxItem"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboxItem_channelId_status_createdAt_idx" ON "OutboxItem"("channelId", "status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PostMortem_incidentId_key" ON "PostMortem"("incidentId");

-- CreateIndex
CREATE INDEX "AuditLog_incidentId_idx" ON "AuditLog"("incidentId");

-- CreateIndex
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");
