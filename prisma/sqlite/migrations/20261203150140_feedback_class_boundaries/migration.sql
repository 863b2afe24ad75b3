-- AlterTable
ALTER TABLE "Feedback" ADD COLUMN "features" JSONB;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LearntLexicon" (
    "workspaceId" TEXT NOT NULL PRIMARY KEY,
    "corrections" INTEGER NOT NULL,
    "regularisation" REAL,
    "classPrior" REAL,
    "classes" JSONB,
    "crossValidation" JSONB,
    "terms" JSONB NOT NULL,
    "frozen" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_LearntLexicon" ("corrections", "frozen", "regularisation", "terms", "updatedAt", "workspaceId") SELECT "corrections", "frozen", "regularisation", "terms", "updatedAt", "workspaceId" FROM "LearntLexicon";
DROP TABLE "LearntLexicon";
ALTER TABLE "new_LearntLexicon" RENAME TO "LearntLexicon";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
