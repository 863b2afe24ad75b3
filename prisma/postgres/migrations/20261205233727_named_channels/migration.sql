-- CreateTable
CREATE TABLE "NamedChannel" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "currentName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NamedChannel_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "NamedChannel_workspaceId_channelId_idx" ON "NamedChannel"("workspaceId", "channelId");

-- CreateIndex
CREATE UNIQUE INDEX "NamedChannel_workspaceId_name_key" ON "NamedChannel"("workspaceId", "name");

-- AddForeignKey
ALTER TABLE "NamedChannel" ADD CONSTRAINT "NamedChannel_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
