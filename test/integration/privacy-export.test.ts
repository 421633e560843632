// /mydata completeness on real Postgres (security review 15.11): the triage outcome as an automated
// decision (Art. 15(1)(h)), decline and reassign reasons, the recipients (Art. 15(1)(c)), the draft
// name decrypted, and every audit row (no cap), in the JSON document and in the message fallback.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrganisation } from "../../src/config/org.load.ts";
import type { Organisation } from "../../src/config/org.schema.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { OrgRepository } from "../../src/modules/org/org.repository.ts";
import { exportClientData, exportMessages } from "../../src/modules/privacy/export.ts";
import { decryptDraft } from "../../src/modules/privacy/export-parts.ts";
import { createCipher, generateKeySpec } from "../../src/privacy/crypto.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { createRichClient, type RichClient } from "../support/privacy-fixtures.ts";

const NOW = new Date("2026-11-21T10:00:00Z");
const cipher = createCipher(generateKeySpec("test"));
let db: TestDb;
let org: Organisation;
let cmA: string;
let cmB: string;
let c: RichClient;
const reassignReason = "Familie zieht nach Sennestadt, Kollegin spricht Kurdisch";
const draftName = "Entwurfsname Leyla";

beforeAll(async () => {
  db = await createTestDb("privexport");
  org = await loadOrganisation("orgs/bielefeld.yaml");
  await new OrgRepository(db.prisma).sync(org);
  const cms = org.caseManagers.filter((x) => !x.teamLead);
  cmA = cms[0]!.id;
  cmB = cms[1]!.id;
  c = await createRichClient(db.prisma, cipher, { cmId: cmA, otherCmId: cmB, now: NOW });
  // the draft as the intake repository stores it: the name encrypted under displayNameEnc
  await db.prisma.conversation.update({
    where: { clientId: c.clientId },
    data: {
      draft: {
        v: 1,
        editing: false,
        draft: { topics: ["housing"], displayNameEnc: cipher.encrypt(draftName) },
      },
    },
  });
  await db.prisma.caseEvent.create({
    data: {
      caseId: c.caseId,
      kind: "case.reassigned",
      fromPhase: "service_steering",
      toPhase: "service_steering",
      actor: `cm:${cmA}`,
      data: { fromCmId: cmB, toCmId: cmA, reasonEnc: cipher.encrypt(reassignReason) },
    },
  });
  await db.prisma.referral.create({
    data: {
      caseId: c.caseId,
      partnerId: org.referralTargets[0]!.id,
      purpose: "work",
      sentAt: NOW,
      expectedBy: NOW,
      createdBy: `cm:${cmA}`,
    },
  });
  await db.prisma.auditLog.createMany({
    data: [
      {
        actor: `cm:${cmA}`,
        action: "personal_data.relayed",
        caseId: c.caseId,
        clientId: c.clientId,
        data: { surface: "slack_case_thread", relayedMessageId: c.messageId },
      },
      // more than the old cap of 2,000 rows
      ...Array.from({ length: 2_100 }, (_, i) => ({
        actor: `cm:${cmA}`,
        action: "case.read",
        caseId: c.caseId,
        clientId: c.clientId,
        at: new Date(NOW.getTime() + i * 1000),
      })),
    ],
  });
  await db.prisma.idempotencyKey.create({
    data: { key: `slack.deputy_copy.${c.messageId}`, scope: "slack.deputy_copy" },
  });
}, 60_000);

afterAll(async () => {
  await db.drop();
});

describe("/mydata export completeness", () => {
  it("holds the triage outcome as an automated decision, with its explanation", async () => {
    const i18n = await createI18n();
    const t = (k: string, p?: Record<string, unknown>) => i18n.t(k, { lng: "en", ...p }) as string;
    const doc = (await exportClientData(db.prisma, cipher, c.clientId, { t }))!;
    const tr = doc.requests[0]!.triage!;
    expect(tr).toMatchObject({
      route: "case_management",
      reasonCode: "case_management",
      priority: 3,
      automated: true,
    });
    expect(tr.explanation).toBe(t("privacy:export.automated"));
    expect(doc.requests[0]!.waitlist).toMatchObject({ basePriority: 3, urgent: false });
  });

  it("decrypts the draft name and the reassign reason, and exports the decline reason", async () => {
    const doc = (await exportClientData(db.prisma, cipher, c.clientId))!;
    const json = JSON.stringify(doc);
    expect(json).toContain(draftName);
    expect(json).not.toContain("displayNameEnc");
    expect(json).toContain(c.personal.declineReason);
    expect(doc.requests[0]!.case!.history.find((h) => h.what === "case.reassigned")?.reason).toBe(
      reassignReason,
    );
    expect(json).not.toContain("v1.");
  });

  it("lists the recipients: case managers offered the case, Slack relays, deputies, partner offices", async () => {
    const doc = (await exportClientData(db.prisma, cipher, c.clientId, {
      partnerNames: { [org.referralTargets[0]!.id]: org.referralTargets[0]!.name },
    }))!;
    const kinds = doc.recipients.map((r) => r.kind);
    expect(kinds.filter((k) => k === "case_manager")).toHaveLength(2);
    expect(doc.recipients).toContainEqual(
      expect.objectContaining({
        kind: "case_manager",
        status: "declined",
        declineReason: c.personal.declineReason,
      }),
    );
    expect(doc.recipients).toContainEqual(
      expect.objectContaining({ kind: "slack_relay", to: "case_manager", messages: 1 }),
    );
    expect(doc.recipients).toContainEqual(expect.objectContaining({ kind: "deputy", messages: 1 }));
    expect(doc.recipients).toContainEqual(
      expect.objectContaining({
        kind: "partner_office",
        name: org.referralTargets[0]!.name,
        purpose: "work",
      }),
    );
    // first names and agencies only, as everywhere in the export
    const cm = org.caseManagers.find((x) => x.id === cmB)!;
    if (cm.name.includes(" ")) expect(JSON.stringify(doc.recipients)).not.toContain(cm.name);
  });

  it("holds every audit row, in pages, oldest first", async () => {
    const total = await db.prisma.auditLog.count({ where: { clientId: c.clientId } });
    expect(total).toBeGreaterThan(2_000);
    for (const auditPageSize of [undefined, 7]) {
      const doc = (await exportClientData(db.prisma, cipher, c.clientId, { auditPageSize }))!;
      expect(doc.accessLog).toHaveLength(total);
      const ats = doc.accessLog.map((a) => a.at);
      expect([...ats].sort()).toEqual(ats);
    }
  });

  it("the message fallback shows the reasons, the recipients and the explanation in every language", async () => {
    const i18n = await createI18n();
    for (const lng of ["en", "de", "de-simple", "ar", "fa", "ku", "tr", "ru", "uk", "pl", "bg", "ro"]) {
      const t = (k: string, p?: Record<string, unknown>) => i18n.t(k, { lng, ...p }) as string;
      const doc = (await exportClientData(db.prisma, cipher, c.clientId, { t }))!;
      const all = exportMessages(doc, t).join("\n");
      for (const v of [c.personal.declineReason, reassignReason, t("privacy:export.section.recipients")])
        expect(all).toContain(v);
      expect(all).toContain(t("privacy:export.automated").slice(0, 40));
      expect(all).not.toMatch(/privacy:export|export\.(field|recipient|section)\./);
    }
  });
});

describe("decryptDraft", () => {
  it("decrypts …Enc keys at any depth and leaves the rest", () => {
    const dec = (v: string | null) => (v === null ? null : cipher.decrypt(v));
    expect(
      decryptDraft(
        { a: 1, draft: { displayNameEnc: cipher.encrypt("X"), list: [{ noteEnc: cipher.encrypt("Y") }] } },
        dec,
      ),
    ).toEqual({ a: 1, draft: { displayName: "X", list: [{ note: "Y" }] } });
  });
});
