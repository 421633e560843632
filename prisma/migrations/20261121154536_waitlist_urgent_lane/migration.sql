-- AlterTable
ALTER TABLE "WaitlistEntry" ADD COLUMN     "urgent" BOOLEAN NOT NULL DEFAULT false;
