-- CreateEnum
CREATE TYPE "SurveyKind" AS ENUM ('closure', 'six_months');

-- CreateEnum
CREATE TYPE "SurveyAnswer" AS ENUM ('yes', 'partly', 'no', 'skipped');

-- CreateTable
CREATE TABLE "SurveyInvitation" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "kind" "SurveyKind" NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "answered" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "SurveyInvitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyResponse" (
    "id" UUID NOT NULL,
    "month" TEXT NOT NULL,
    "kind" "SurveyKind" NOT NULL,
    "regionId" TEXT NOT NULL,
    "agencyId" TEXT NOT NULL,
    "useful" "SurveyAnswer" NOT NULL,
    "understood" "SurveyAnswer" NOT NULL,
    "recommend" "SurveyAnswer" NOT NULL,

    CONSTRAINT "SurveyResponse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyInvitedTally" (
    "month" TEXT NOT NULL,
    "kind" "SurveyKind" NOT NULL,
    "regionId" TEXT NOT NULL,
    "agencyId" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SurveyInvitedTally_pkey" PRIMARY KEY ("month","kind","regionId","agencyId")
);

-- CreateIndex
CREATE INDEX "SurveyInvitation_sentAt_idx" ON "SurveyInvitation"("sentAt");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyInvitation_caseId_kind_key" ON "SurveyInvitation"("caseId", "kind");

-- CreateIndex
CREATE INDEX "SurveyResponse_month_idx" ON "SurveyResponse"("month");

-- AddForeignKey
ALTER TABLE "SurveyInvitation" ADD CONSTRAINT "SurveyInvitation_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
