-- AlterTable
ALTER TABLE "Client" ADD COLUMN     "arrivalYear" INTEGER,
ADD COLUMN     "arrivedBefore" INTEGER,
ADD COLUMN     "residenceStatus" TEXT;
