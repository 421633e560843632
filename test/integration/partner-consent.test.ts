// ConsentRepository's per-office releases against the real Postgres: what the consent screen
// records, the rules of giving and withdrawing one office, and that withdrawing case management
// ends every office's release with it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSENT_VERSION, ConsentRepository } from "../../src/modules/intake/consent.repository.ts";
import { PartnerConsentRepository } from "../../src/modules/privacy/partner-consent.repository.ts";
import { createTestDb, type TestDb } from "../support/db.ts";

let db: TestDb;
let repo: ConsentRepository;
let offices: PartnerConsentRepository;
beforeAll(async () => {
  db = await createTestDb("partnerconsent");
  repo = new ConsentRepository(db.prisma);
  offices = new PartnerConsentRepository(db.prisma);
});
afterAll(async () => db?.drop());

const t0 = new Date("2026-12-01T10:00:00Z");
const at = (min: number) => new Date(t0.getTime() + min * 60_000);
let nextId = 9_100;
const register = (partners: { partnerId: string; granted: boolean }[]) =>
  repo.register({
    telegramUserId: nextId++,
    chatId: nextId,
    locale: "en",
    partners,
    slack: false,
    conversation: { step: "intake:household", draft: {} },
    now: t0,
  });

describe("per-office consent", () => {
  it("registering records one decision per office listed, and no single partner switch", async () => {
    const { clientId } = await register([
      { partnerId: "jobcenter", granted: true },
      { partnerId: "immigration-office", granted: false },
    ]);
    const rows = await db.prisma.consent.findMany({ where: { clientId }, orderBy: { purpose: "asc" } });
    expect(rows.map((r) => [r.purpose, r.partnerId, r.granted, r.version])).toEqual(
      expect.arrayContaining([
        ["case_management", null, true, CONSENT_VERSION],
        ["slack_relay", null, false, CONSENT_VERSION],
        ["partner_sharing", "jobcenter", true, CONSENT_VERSION],
        ["partner_sharing", "immigration-office", false, CONSENT_VERSION],
      ]),
    );
    expect(rows).toHaveLength(4);
    // the purpose view knows nothing of offices: the old switch was never asked
    expect((await repo.current(clientId)).partner_sharing).toBeNull();
  });

  it("gives and withdraws one office, once each, with an audit entry per change", async () => {
    const { clientId } = await register([{ partnerId: "jobcenter", granted: false }]);
    expect(await repo.setPartner(clientId, "jobcenter", true, at(1))).toEqual({ changed: true });
    expect(await repo.setPartner(clientId, "jobcenter", true, at(2))).toEqual({ changed: false });
    expect(await offices.covers(clientId, "jobcenter")).toBe(true);
    expect(await offices.covers(clientId, "jmd")).toBe(false);
    expect(await repo.setPartner(clientId, "jobcenter", false, at(3))).toEqual({ changed: true });
    expect(await repo.setPartner(clientId, "jobcenter", false, at(4))).toEqual({ changed: false });
    expect(await offices.covers(clientId, "jobcenter")).toBe(false);
    // never granted: nothing to withdraw
    expect(await repo.setPartner(clientId, "jmd", false, at(5))).toEqual({ changed: false });

    const rows = await db.prisma.consent.findMany({
      where: { clientId, partnerId: "jobcenter" },
      orderBy: { decidedAt: "asc" },
    });
    expect(rows.map((r) => [r.granted, r.withdrawnAt?.toISOString() ?? null])).toEqual([
      [false, null],
      [true, at(3).toISOString()],
    ]);
    const audit = await db.prisma.auditLog.findMany({ where: { clientId }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["consent.partner_given", "consent.partner_withdrawn"]);
    expect(audit.every((a) => a.actor === `client:${clientId}`)).toBe(true);
  });

  it("no release without case management; withdrawing case management ends every release", async () => {
    const { clientId } = await register([{ partnerId: "jobcenter", granted: true }]);
    await repo.setPartner(clientId, "immigration-office", true, at(1));
    await repo.withdrawCaseManagement(clientId, at(2));
    expect(await offices.covers(clientId, "jobcenter")).toBe(false);
    expect(await offices.covers(clientId, "immigration-office")).toBe(false);
    expect(await repo.setPartner(clientId, "jmd", true, at(3))).toEqual({ changed: false });
    expect(await db.prisma.consent.count({ where: { clientId, partnerId: "jmd" } })).toBe(0);

    // agreeing again asks every office again
    await repo.agreeAgain({
      clientId,
      partners: [{ partnerId: "jobcenter", granted: true }],
      slack: true,
      now: at(4),
    });
    expect(await offices.covers(clientId, "jobcenter")).toBe(true);
    expect(await offices.covers(clientId, "immigration-office")).toBe(false);
    expect(await repo.setPartner(clientId, "jmd", true, at(5))).toEqual({ changed: true });
  });
});
