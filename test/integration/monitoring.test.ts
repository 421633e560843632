// The daily monitoring on real Postgres: who gets a digest (the deputy during an absence, the lead's
// team counts), the one check-in per silence to the client, idempotent across runs, and the digest
// rendered for Slack with reference codes only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrganisation } from "../../src/config/org.load.ts";
import type { Organisation } from "../../src/config/org.schema.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { MonitoringRepository } from "../../src/modules/cases/monitoring.repository.ts";
import { CHECKIN_TEMPLATE, MonitoringService } from "../../src/modules/cases/monitoring.service.ts";
import { planDigests } from "../../src/modules/cases/monitoring.ts";
import { RecordingClientNotifier } from "../../src/modules/notify/recording-notifier.ts";
import { OrgRepository } from "../../src/modules/org/org.repository.ts";
import { createCipher, generateKeySpec } from "../../src/privacy/crypto.ts";
import { buildMonitoringDigest } from "../../src/slack/blocks/monitoring.ts";
import { staffT } from "../../src/slack/i18n.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { createRichClient } from "../support/privacy-fixtures.ts";

const DAY = 86_400_000;
let db: TestDb;
let org: Organisation;
const cipher = createCipher(generateKeySpec("test"));
const clients = new RecordingClientNotifier();
const sent: [string, string][] = [];
let now = new Date("2026-12-07T08:00:00Z");
let svc: MonitoringService;
let annaId: string;
let benId: string;
let leadId: string;
const i18n = await createI18n();

beforeAll(async () => {
  db = await createTestDb("monitoring");
  org = await loadOrganisation("orgs/bielefeld.yaml");
  await new OrgRepository(db.prisma).sync(org);
  const cms = org.caseManagers.filter((c) => !c.teamLead && c.agency === org.caseManagers[0]!.agency);
  annaId = cms[0]!.id;
  benId = cms[1]!.id;
  leadId = org.caseManagers.find((c) => c.teamLead && c.agency === cms[0]!.agency)!.id;
  svc = new MonitoringService({
    repo: new MonitoringRepository(db.prisma),
    rules: { nextContactDays: 42, silentAfterDays: 28 },
    timeZone: "Europe/Berlin",
    clients,
    outbox: { digest: async (staffId, day) => void sent.push([staffId, day]) },
    now: () => now,
  });
});
afterAll(async () => db.drop());

describe("daily monitoring", () => {
  it("digests the CM, checks in once per silence with the client, and tells the lead", async () => {
    const silent = await createRichClient(db.prisma, cipher, {
      cmId: annaId,
      otherCmId: benId,
      now,
      tag: "m1",
    });
    await db.prisma.case.update({
      where: { id: silent.caseId },
      data: { phase: "assessment", cmId: annaId, lastContactAt: new Date(now.getTime() - 45 * DAY) },
    });
    await db.prisma.goal.deleteMany({ where: { caseId: silent.caseId } });
    const first = await svc.run();
    expect(first.checkIns).toBe(1);
    expect(sent.map(([id]) => id)).toContain(annaId);
    expect(sent.map(([id]) => id)).toContain(leadId);
    expect(sent.every(([, day]) => day === "2026-12-07")).toBe(true);
    expect(clients.sent.filter((m) => m.template === CHECKIN_TEMPLATE).map((m) => m.clientId)).toEqual([
      silent.clientId,
    ]);

    // the next day: still silent, but asked already
    now = new Date(now.getTime() + DAY);
    expect((await svc.run()).checkIns).toBe(0);

    // a contact ends the silence; 30 days later it is silent again and the client is asked again
    await db.prisma.case.update({ where: { id: silent.caseId }, data: { lastContactAt: now } });
    now = new Date(now.getTime() + 30 * DAY);
    expect((await svc.run()).checkIns).toBe(1);
    const keys = clients.sent.filter((m) => m.template === CHECKIN_TEMPLATE).map((m) => m.key);
    expect(new Set(keys).size).toBe(2);
  });

  it("hands the absent CM's items to the deputy and renders them with reference codes only", async () => {
    await db.prisma.absence.create({
      data: {
        cmId: annaId,
        deputyId: benId,
        from: new Date(now.getTime() - DAY),
        to: new Date(now.getTime() + 5 * DAY),
      },
    });
    expect(await svc.digestOf(annaId)).toBeNull();
    const view = await svc.digestOf(benId);
    expect(view?.digest.deputising.map((d) => d.forCmId)).toEqual([annaId]);
    const msg = buildMonitoringDigest(view!, new Map(), now, staffT(i18n, "de"), "de");
    const json = JSON.stringify(msg.blocks);
    expect(json).toContain("Vertretung für");
    const kase = await db.prisma.case.findFirstOrThrow({ where: { cmId: annaId, phase: "assessment" } });
    expect(json).toContain(kase.referenceCode);
    const client = await db.prisma.client.findUniqueOrThrow({ where: { id: kase.clientId } });
    // nothing of the client but the reference code
    for (const v of Object.values(client))
      if (typeof v === "string" && v.length > 3 && v !== kase.clientId) expect(json).not.toContain(v);
    expect(json).not.toContain(kase.clientId);
  });

  it("reads one person's digest from their scope only, and it equals their part of the full plan", async () => {
    const repo = new MonitoringRepository(db.prisma);
    const full = await repo.snapshot(now);
    const plan = planDigests({
      ...full,
      now,
      timeZone: "Europe/Berlin",
      rules: { nextContactDays: 42, silentAfterDays: 28 },
    });
    expect(plan.length).toBeGreaterThan(0);
    for (const s of full.staff) {
      const scoped = await repo.snapshot(now, s.id);
      const want = plan.find((g) => g.recipientId === s.id) ?? null;
      expect((await svc.digestOf(s.id))?.digest ?? null).toEqual(want);
      // a case manager without deputy duties or supervision reads only their own cases
      if (
        s.supervises !== "all" &&
        s.supervises.length === 0 &&
        !full.absences.some((a) => a.deputyId === s.id)
      )
        expect(scoped.cases.every((c) => c.cmId === s.id)).toBe(true);
    }
  });
});
