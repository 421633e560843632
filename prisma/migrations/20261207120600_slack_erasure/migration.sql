-- AlterTable
ALTER TABLE "RelayedMessage" ADD COLUMN     "slackChannel" TEXT;

-- CreateTable
CREATE TABLE "SlackErasure" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "ts" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),
    "outcome" TEXT,

    CONSTRAINT "SlackErasure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SlackErasure_doneAt_caseId_idx" ON "SlackErasure"("doneAt", "caseId");

-- CreateIndex
CREATE UNIQUE INDEX "SlackErasure_caseId_channel_ts_key" ON "SlackErasure"("caseId", "channel", "ts");
