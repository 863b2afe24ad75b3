-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ChecklistItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "incidentId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "required" BOOLEAN NOT NULL DEFAULT true,
    "ownerRole" TEXT,
    "ownerUserId" TEXT,
    "dueAt" DATETIME,
    "doneAt" DATETIME,
    "doneBy" TEXT,
    "skippedAt" DATETIME,
    "skippedBy" TEXT,
    "skipReason" TEXT,
    CONSTRAINT "ChecklistItem_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ChecklistItem" ("doneAt", "doneBy", "dueAt", "id", "incidentId", "ownerUserId", "position", "stepId", "text") SELECT "doneAt", "doneBy", "dueAt", "id", "incidentId", "ownerUserId", "position", "stepId", "text" FROM "ChecklistItem";
DROP TABLE "ChecklistItem";
ALTER TABLE "new_ChecklistItem" RENAME TO "ChecklistItem";
CREATE UNIQUE INDEX "ChecklistItem_incidentId_stepId_key" ON "ChecklistItem"("incidentId", "stepId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
