-- CreateTable
CREATE TABLE "NamedChannel" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "currentName" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "NamedChannel_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "NamedChannel_workspaceId_channelId_idx" ON "NamedChannel"("workspaceId", "channelId");

-- CreateIndex
CREATE UNIQUE INDEX "NamedChannel_workspaceId_name_key" ON "NamedChannel"("workspaceId", "name");
