-- CreateEnum
CREATE TYPE "AgencyKind" AS ENUM ('municipal', 'welfare');

-- CreateEnum
CREATE TYPE "ContactMode" AS ENUM ('in_person', 'phone', 'video');

-- CreateEnum
CREATE TYPE "HouseholdRole" AS ENUM ('applicant', 'adult', 'child');

-- CreateEnum
CREATE TYPE "ConsentPurpose" AS ENUM ('case_management', 'partner_sharing', 'slack_relay');

-- CreateEnum
CREATE TYPE "HouseholdKind" AS ENUM ('single', 'family');

-- CreateEnum
CREATE TYPE "TriageRoute" AS ENUM ('case_management', 'referral');

-- CreateEnum
CREATE TYPE "WaitlistStatus" AS ENUM ('waiting', 'assigned', 'withdrawn');

-- CreateEnum
CREATE TYPE "CasePhase" AS ENUM ('waiting', 'pending_acceptance', 'first_consultation', 'assessment', 'goal_agreement', 'service_steering', 'reassessment', 'closed');

-- CreateEnum
CREATE TYPE "ClosureReason" AS ENUM ('goals_reached', 'moved_away', 'referred', 'no_contact', 'withdrawn', 'erased');

-- CreateEnum
CREATE TYPE "GoalStatus" AS ENUM ('open', 'achieved', 'dropped');

-- CreateEnum
CREATE TYPE "AssignmentStatus" AS ENUM ('pending', 'accepted', 'declined', 'expired', 'revoked', 'moved');

-- CreateEnum
CREATE TYPE "ProposalStatus" AS ENUM ('open', 'applied', 'dismissed', 'stale');

-- CreateEnum
CREATE TYPE "AppointmentStatus" AS ENUM ('booked', 'cancelled', 'attended', 'no_show');

-- CreateEnum
CREATE TYPE "MessageDirection" AS ENUM ('client_to_staff', 'staff_to_client');

-- CreateTable
CREATE TABLE "Agency" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AgencyKind" NOT NULL,
    "regionIds" TEXT[],
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Agency_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Region" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Region_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "District" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "regionId" TEXT NOT NULL,

    CONSTRAINT "District_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Office" (
    "id" TEXT NOT NULL,
    "agencyId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "street" TEXT NOT NULL,
    "postcode" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "district" TEXT,
    "note" TEXT,

    CONSTRAINT "Office_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseManager" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "agencyId" TEXT NOT NULL,
    "slackUserId" TEXT NOT NULL,
    "fte" DOUBLE PRECISION NOT NULL,
    "languages" TEXT[],
    "regionIds" TEXT[],
    "localDistrictIds" TEXT[],
    "topics" TEXT[],
    "teamLead" BOOLEAN NOT NULL DEFAULT false,
    "coordinator" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "capacityOverride" INTEGER,
    "officeId" TEXT,
    "loadVersion" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CaseManager_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Absence" (
    "id" UUID NOT NULL,
    "cmId" TEXT NOT NULL,
    "from" TIMESTAMP(3) NOT NULL,
    "to" TIMESTAMP(3) NOT NULL,
    "note" TEXT,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Absence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AvailabilityRule" (
    "id" UUID NOT NULL,
    "cmId" TEXT NOT NULL,
    "weekday" INTEGER NOT NULL,
    "fromMin" INTEGER NOT NULL,
    "toMin" INTEGER NOT NULL,
    "mode" "ContactMode" NOT NULL,
    "officeId" TEXT,

    CONSTRAINT "AvailabilityRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AvailabilityException" (
    "id" UUID NOT NULL,
    "cmId" TEXT,
    "from" TIMESTAMP(3) NOT NULL,
    "to" TIMESTAMP(3) NOT NULL,
    "reason" TEXT,

    CONSTRAINT "AvailabilityException_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Client" (
    "id" UUID NOT NULL,
    "telegramUserId" BIGINT,
    "telegramChatId" BIGINT,
    "locale" TEXT NOT NULL,
    "pseudonym" TEXT NOT NULL,
    "displayName" TEXT,
    "phone" TEXT,
    "source" TEXT,
    "districtId" TEXT,
    "originCountry" TEXT,
    "statusMessageId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "erasedAt" TIMESTAMP(3),

    CONSTRAINT "Client_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HouseholdMember" (
    "id" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "role" "HouseholdRole" NOT NULL,
    "firstName" TEXT,
    "birthYear" INTEGER,

    CONSTRAINT "HouseholdMember_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Consent" (
    "id" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "purpose" "ConsentPurpose" NOT NULL,
    "version" TEXT NOT NULL,
    "granted" BOOLEAN NOT NULL,
    "decidedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "withdrawnAt" TIMESTAMP(3),

    CONSTRAINT "Consent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Conversation" (
    "clientId" UUID NOT NULL,
    "step" TEXT NOT NULL,
    "draft" JSONB NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Conversation_pkey" PRIMARY KEY ("clientId")
);

-- CreateTable
CREATE TABLE "Intake" (
    "id" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "referenceCode" TEXT NOT NULL,
    "household" "HouseholdKind" NOT NULL,
    "adults" INTEGER NOT NULL,
    "children" INTEGER NOT NULL,
    "districtId" TEXT NOT NULL,
    "topics" TEXT[],
    "urgency" TEXT[],
    "languages" TEXT[],
    "existingSupport" TEXT[],
    "contactModes" TEXT[],
    "timesOfDay" TEXT[],
    "source" TEXT,
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Intake_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TriageOutcome" (
    "id" UUID NOT NULL,
    "intakeId" UUID NOT NULL,
    "route" "TriageRoute" NOT NULL,
    "referralTarget" TEXT,
    "reasonCode" TEXT NOT NULL,
    "notes" TEXT[],
    "priority" INTEGER NOT NULL,
    "breakdown" JSONB NOT NULL,
    "decidedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TriageOutcome_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WaitlistEntry" (
    "id" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "intakeId" UUID NOT NULL,
    "basePriority" INTEGER NOT NULL,
    "enqueuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "WaitlistStatus" NOT NULL DEFAULT 'waiting',
    "leftAt" TIMESTAMP(3),
    "lastNotifiedPosition" INTEGER,
    "lastNotifiedEta" TEXT,

    CONSTRAINT "WaitlistEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Case" (
    "id" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "intakeId" UUID NOT NULL,
    "referenceCode" TEXT NOT NULL,
    "phase" "CasePhase" NOT NULL DEFAULT 'waiting',
    "cmId" TEXT,
    "persons" INTEGER NOT NULL,
    "districtId" TEXT NOT NULL,
    "regionId" TEXT NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),
    "closureReason" "ClosureReason",
    "lastContactAt" TIMESTAMP(3),
    "threadChannel" TEXT,
    "threadTs" TEXT,

    CONSTRAINT "Case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseEvent" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "fromPhase" TEXT,
    "toPhase" TEXT,
    "actor" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "CaseEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Goal" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "dueDate" TIMESTAMP(3),
    "status" "GoalStatus" NOT NULL DEFAULT 'open',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Goal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Assignment" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "cmId" TEXT NOT NULL,
    "decisionId" UUID,
    "status" "AssignmentStatus" NOT NULL DEFAULT 'pending',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deadlineAt" TIMESTAMP(3) NOT NULL,
    "decidedAt" TIMESTAMP(3),
    "declineReason" TEXT,
    "slackChannel" TEXT,
    "slackTs" TEXT,

    CONSTRAINT "Assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AssignmentDecision" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "chosenCmId" TEXT,
    "inputs" JSONB NOT NULL,
    "candidates" JSONB NOT NULL,
    "excluded" JSONB NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AssignmentDecision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RebalanceProposal" (
    "id" UUID NOT NULL,
    "status" "ProposalStatus" NOT NULL DEFAULT 'open',
    "moves" JSONB NOT NULL,
    "summary" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "decidedAt" TIMESTAMP(3),
    "decidedBy" TEXT,

    CONSTRAINT "RebalanceProposal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Appointment" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "cmId" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "mode" "ContactMode" NOT NULL,
    "officeId" TEXT,
    "status" "AppointmentStatus" NOT NULL DEFAULT 'booked',
    "kind" TEXT NOT NULL DEFAULT 'first_consultation',
    "rescheduleCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelledAt" TIMESTAMP(3),
    "cancelledBy" TEXT,

    CONSTRAINT "Appointment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RelayedMessage" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "direction" "MessageDirection" NOT NULL,
    "body" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "slackTs" TEXT,
    "telegramMessageId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "RelayedMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "caseId" UUID,
    "clientId" UUID,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotencyKey" (
    "key" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "result" JSONB,

    CONSTRAINT "IdempotencyKey_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "ErasedTally" (
    "id" UUID NOT NULL,
    "erasedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "facts" JSONB NOT NULL,

    CONSTRAINT "ErasedTally_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CaseManager_slackUserId_key" ON "CaseManager"("slackUserId");

-- CreateIndex
CREATE INDEX "Absence_cmId_from_to_idx" ON "Absence"("cmId", "from", "to");

-- CreateIndex
CREATE INDEX "AvailabilityRule_cmId_idx" ON "AvailabilityRule"("cmId");

-- CreateIndex
CREATE INDEX "AvailabilityException_cmId_from_idx" ON "AvailabilityException"("cmId", "from");

-- CreateIndex
CREATE UNIQUE INDEX "Client_telegramUserId_key" ON "Client"("telegramUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Client_pseudonym_key" ON "Client"("pseudonym");

-- CreateIndex
CREATE INDEX "Client_erasedAt_idx" ON "Client"("erasedAt");

-- CreateIndex
CREATE INDEX "Consent_clientId_purpose_idx" ON "Consent"("clientId", "purpose");

-- CreateIndex
CREATE UNIQUE INDEX "Intake_referenceCode_key" ON "Intake"("referenceCode");

-- CreateIndex
CREATE INDEX "Intake_submittedAt_idx" ON "Intake"("submittedAt");

-- CreateIndex
CREATE UNIQUE INDEX "TriageOutcome_intakeId_key" ON "TriageOutcome"("intakeId");

-- CreateIndex
CREATE UNIQUE INDEX "WaitlistEntry_intakeId_key" ON "WaitlistEntry"("intakeId");

-- CreateIndex
CREATE INDEX "WaitlistEntry_status_enqueuedAt_idx" ON "WaitlistEntry"("status", "enqueuedAt");

-- CreateIndex
CREATE UNIQUE INDEX "WaitlistEntry_one_waiting_per_client" ON "WaitlistEntry"("clientId") WHERE (status = 'waiting');

-- CreateIndex
CREATE UNIQUE INDEX "Case_intakeId_key" ON "Case"("intakeId");

-- CreateIndex
CREATE UNIQUE INDEX "Case_referenceCode_key" ON "Case"("referenceCode");

-- CreateIndex
CREATE INDEX "Case_cmId_phase_idx" ON "Case"("cmId", "phase");

-- CreateIndex
CREATE INDEX "Case_phase_idx" ON "Case"("phase");

-- CreateIndex
CREATE INDEX "CaseEvent_caseId_at_idx" ON "CaseEvent"("caseId", "at");

-- CreateIndex
CREATE INDEX "Assignment_cmId_status_idx" ON "Assignment"("cmId", "status");

-- CreateIndex
CREATE INDEX "Assignment_status_deadlineAt_idx" ON "Assignment"("status", "deadlineAt");

-- CreateIndex
CREATE UNIQUE INDEX "Assignment_one_pending_per_case" ON "Assignment"("caseId") WHERE (status = 'pending');

-- CreateIndex
CREATE INDEX "AssignmentDecision_caseId_idx" ON "AssignmentDecision"("caseId");

-- CreateIndex
CREATE INDEX "Appointment_cmId_startsAt_idx" ON "Appointment"("cmId", "startsAt");

-- CreateIndex
CREATE INDEX "Appointment_caseId_idx" ON "Appointment"("caseId");

-- CreateIndex
CREATE UNIQUE INDEX "Appointment_no_double_booking" ON "Appointment"("cmId", "startsAt") WHERE (status = 'booked');

-- CreateIndex
CREATE INDEX "RelayedMessage_caseId_createdAt_idx" ON "RelayedMessage"("caseId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_caseId_at_idx" ON "AuditLog"("caseId", "at");

-- CreateIndex
CREATE INDEX "AuditLog_actor_at_idx" ON "AuditLog"("actor", "at");

-- CreateIndex
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");

-- CreateIndex
CREATE INDEX "IdempotencyKey_createdAt_idx" ON "IdempotencyKey"("createdAt");

-- AddForeignKey
ALTER TABLE "District" ADD CONSTRAINT "District_regionId_fkey" FOREIGN KEY ("regionId") REFERENCES "Region"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Office" ADD CONSTRAINT "Office_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseManager" ADD CONSTRAINT "CaseManager_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseManager" ADD CONSTRAINT "CaseManager_officeId_fkey" FOREIGN KEY ("officeId") REFERENCES "Office"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Absence" ADD CONSTRAINT "Absence_cmId_fkey" FOREIGN KEY ("cmId") REFERENCES "CaseManager"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AvailabilityRule" ADD CONSTRAINT "AvailabilityRule_cmId_fkey" FOREIGN KEY ("cmId") REFERENCES "CaseManager"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HouseholdMember" ADD CONSTRAINT "HouseholdMember_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consent" ADD CONSTRAINT "Consent_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Conversation" ADD CONSTRAINT "Conversation_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Intake" ADD CONSTRAINT "Intake_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TriageOutcome" ADD CONSTRAINT "TriageOutcome_intakeId_fkey" FOREIGN KEY ("intakeId") REFERENCES "Intake"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WaitlistEntry" ADD CONSTRAINT "WaitlistEntry_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WaitlistEntry" ADD CONSTRAINT "WaitlistEntry_intakeId_fkey" FOREIGN KEY ("intakeId") REFERENCES "Intake"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_intakeId_fkey" FOREIGN KEY ("intakeId") REFERENCES "Intake"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_cmId_fkey" FOREIGN KEY ("cmId") REFERENCES "CaseManager"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseEvent" ADD CONSTRAINT "CaseEvent_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Goal" ADD CONSTRAINT "Goal_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_cmId_fkey" FOREIGN KEY ("cmId") REFERENCES "CaseManager"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AssignmentDecision" ADD CONSTRAINT "AssignmentDecision_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_cmId_fkey" FOREIGN KEY ("cmId") REFERENCES "CaseManager"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RelayedMessage" ADD CONSTRAINT "RelayedMessage_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;
