-- Hand-edited: Prisma wrote DEFAULT [] (SQLite reads it as an empty identifier, i.e. ''); '[]' is the JSON empty list.
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_PostMortem" (
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
    "contributorUserIds" JSONB NOT NULL DEFAULT '[]',
    "round" INTEGER NOT NULL DEFAULT 0,
    "dueAt" DATETIME NOT NULL,
    "submittedAt" DATETIME,
    "publishedAt" DATETIME,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "PostMortem_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_PostMortem" ("answers", "createdAt", "dueAt", "fields", "id", "incidentId", "ownerUserId", "publishedAt", "questions", "requiredFields", "reviewerUserIds", "reviews", "round", "status", "submittedAt", "updatedAt", "version") SELECT "answers", "createdAt", "dueAt", "fields", "id", "incidentId", "ownerUserId", "publishedAt", "questions", "requiredFields", "reviewerUserIds", "reviews", "round", "status", "submittedAt", "updatedAt", "version" FROM "PostMortem";
DROP TABLE "PostMortem";
ALTER TABLE "new_PostMortem" RENAME TO "PostMortem";
CREATE UNIQUE INDEX "PostMortem_incidentId_key" ON "PostMortem"("incidentId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
