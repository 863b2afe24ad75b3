-- AlterTable
ALTER TABLE "OutboxItem" ADD COLUMN     "teamId" TEXT;

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "alertsChannel" TEXT,
ADD COLUMN     "botId" TEXT,
ADD COLUMN     "botTokenSealed" TEXT,
ADD COLUMN     "enterpriseId" TEXT,
ADD COLUMN     "installedAt" TIMESTAMP(3),
ADD COLUMN     "locale" TEXT,
ADD COLUMN     "timeZone" TEXT,
ADD COLUMN     "uninstallReason" TEXT,
ADD COLUMN     "uninstalledAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "OAuthState" (
    "id" TEXT NOT NULL,
    "installOptions" JSONB NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "consumedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OAuthState_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OAuthState_expiresAt_idx" ON "OAuthState"("expiresAt");

-- CreateIndex
CREATE INDEX "OutboxItem_teamId_status_idx" ON "OutboxItem"("teamId", "status");
