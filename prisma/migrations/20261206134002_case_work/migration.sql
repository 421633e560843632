-- CreateEnum
CREATE TYPE "GoalParty" AS ENUM ('client', 'case_manager', 'partner');

-- CreateEnum
CREATE TYPE "GoalOutcome" AS ENUM ('reached', 'partly', 'not_reached', 'dropped');

-- CreateEnum
CREATE TYPE "AssessmentKind" AS ENUM ('initial', 'reassessment');

-- CreateEnum
CREATE TYPE "ReferralStatus" AS ENUM ('sent', 'acknowledged', 'appointment', 'done', 'no_answer', 'cancelled');

-- AlterEnum
ALTER TYPE "ContactMode" ADD VALUE 'home_visit';

-- AlterTable
ALTER TABLE "Absence" ADD COLUMN     "deputyId" TEXT;

-- AlterTable
ALTER TABLE "Appointment" ADD COLUMN     "address" TEXT;

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "nextContactAt" TIMESTAMP(3),
ADD COLUMN     "reassessmentDueAt" TIMESTAMP(3),
ADD COLUMN     "silentCheckInAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Consent" ADD COLUMN     "partnerId" TEXT;

-- AlterTable
ALTER TABLE "Goal" ADD COLUMN     "area" TEXT,
ADD COLUMN     "outcome" "GoalOutcome",
ADD COLUMN     "outcomeAt" TIMESTAMP(3),
ADD COLUMN     "outcomeReason" TEXT,
ADD COLUMN     "partnerId" TEXT,
ADD COLUMN     "responsible" "GoalParty",
ADD COLUMN     "steps" TEXT;

-- CreateTable
CREATE TABLE "Assessment" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "kind" "AssessmentKind" NOT NULL DEFAULT 'initial',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),
    "createdBy" TEXT NOT NULL,

    CONSTRAINT "Assessment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AssessmentArea" (
    "id" UUID NOT NULL,
    "assessmentId" UUID NOT NULL,
    "area" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "barriers" TEXT[],
    "notes" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AssessmentArea_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Referral" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "partnerId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "note" TEXT,
    "goalId" UUID,
    "sentAt" TIMESTAMP(3) NOT NULL,
    "expectedBy" TIMESTAMP(3) NOT NULL,
    "status" "ReferralStatus" NOT NULL DEFAULT 'sent',
    "statusAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMP(3),
    "chasedAt" TIMESTAMP(3),
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Referral_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseConference" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "heldAt" TIMESTAMP(3) NOT NULL,
    "participants" JSONB NOT NULL,
    "topics" TEXT[],
    "decisions" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseConference_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Assessment_caseId_startedAt_idx" ON "Assessment"("caseId", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AssessmentArea_assessmentId_area_key" ON "AssessmentArea"("assessmentId", "area");

-- CreateIndex
CREATE INDEX "Referral_caseId_idx" ON "Referral"("caseId");

-- CreateIndex
CREATE INDEX "Referral_status_expectedBy_idx" ON "Referral"("status", "expectedBy");

-- CreateIndex
CREATE INDEX "CaseConference_caseId_heldAt_idx" ON "CaseConference"("caseId", "heldAt");

-- CreateIndex
CREATE INDEX "Absence_deputyId_from_to_idx" ON "Absence"("deputyId", "from", "to");

-- CreateIndex
CREATE INDEX "Consent_clientId_purpose_partnerId_idx" ON "Consent"("clientId", "purpose", "partnerId");

-- CreateIndex
CREATE INDEX "Goal_caseId_idx" ON "Goal"("caseId");

-- AddForeignKey
ALTER TABLE "Absence" ADD CONSTRAINT "Absence_deputyId_fkey" FOREIGN KEY ("deputyId") REFERENCES "CaseManager"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assessment" ADD CONSTRAINT "Assessment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AssessmentArea" ADD CONSTRAINT "AssessmentArea_assessmentId_fkey" FOREIGN KEY ("assessmentId") REFERENCES "Assessment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Referral" ADD CONSTRAINT "Referral_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseConference" ADD CONSTRAINT "CaseConference_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
