-- AlterTable
ALTER TABLE "Feedback" ADD COLUMN     "features" JSONB;

-- AlterTable
ALTER TABLE "LearntLexicon" DROP COLUMN "negativeAt",
DROP COLUMN "negativeScale",
DROP COLUMN "positiveAt",
DROP COLUMN "positiveScale",
ADD COLUMN     "classPrior" DOUBLE PRECISION,
ADD COLUMN     "classes" JSONB,
ADD COLUMN     "crossValidation" JSONB;
