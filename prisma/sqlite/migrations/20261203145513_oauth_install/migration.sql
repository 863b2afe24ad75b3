-- AlterTable
ALTER TABLE "OutboxItem" ADD COLUMN "teamId" TEXT;

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "alertsChannel" TEXT;
ALTER TABLE "Workspace" ADD COLUMN "botId" TEXT;
ALTER TABLE "Workspace" ADD COLUMN "botTokenSealed" TEXT;
ALTER TABLE "Workspace" ADD COLUMN "enterpriseId" TEXT;
ALTER TABLE "Workspace" ADD COLUMN "installedAt" DATETIME;
ALTER TABLE "Workspace" ADD COLUMN "locale" TEXT;
ALTER TABLE "Workspace" ADD COLUMN "timeZone" TEXT;
ALTER TABLE "Workspace" ADD COLUMN "uninstallReason" TEXT;
ALTER TABLE "Workspace" ADD COLUMN "uninstalledAt" DATETIME;

-- CreateTable
CREATE TABLE "OAuthState" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "installOptions" JSONB NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "consumedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "OAuthState_expiresAt_idx" ON "OAuthState"("expiresAt");

-- CreateIndex
CREATE INDEX "OutboxItem_teamId_status_idx" ON "OutboxItem"("teamId", "status");
