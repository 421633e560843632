// Issue 12.1: the report's origin table fills from what the intake asks. A questionnaire submitted
// with a country (through the real repository), triaged, assigned and accepted, shows up in the
// committee report under its ISO code; one without a country under "unknown".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initialState } from "../../src/modules/intake/flow.ts";
import { IntakeRepository } from "../../src/modules/intake/intake.repository.ts";
import { buildReport } from "../../src/modules/reports/report.repository.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { harness, makeOrg, syncOrg } from "../support/matching.ts";

let db: TestDb;
const org = makeOrg([{ id: "anna" }, { id: "berat", languages: ["de", "tr"] }]);
const START = new Date("2026-03-02T09:00:00Z");

beforeAll(async () => {
  db = await createTestDb("intake_origin");
  await syncOrg(db.prisma, org);
});
afterAll(async () => {
  await db?.drop();
});

const base = {
  household: "single" as const,
  adults: 1,
  children: 0,
  districtId: "mitte",
  topics: ["housing" as const, "work" as const],
  urgency: [],
  languages: ["ar" as const],
  existingSupport: [],
  contactModes: ["phone" as const],
  timesOfDay: ["morning" as const],
};

describe("intake → report: countries of origin", () => {
  it("counts an accepted case under the country the intake gave, and one without under unknown", async () => {
    const h = harness(db.prisma, org, START);
    const repo = new IntakeRepository(db.prisma, h.deps.cipher!);
    const managed = async (n: number, about: Record<string, unknown>) => {
      const client = await db.prisma.client.create({
        data: { locale: "ar", pseudonym: `K-ORIG-${n}` },
        select: { id: true },
      });
      await repo.startConversation(client.id, initialState({ locale: "ar" }));
      const { intakeId } = await repo.submit({
        clientId: client.id,
        answers: { ...base, ...about },
        referencePrefix: "BI",
        now: h.clock.now,
      });
      const t = await h.services.triage.run(intakeId);
      if (t.status !== "waitlisted") throw new Error(`expected waitlisted, got ${t.status}`);
      const a = await h.services.assignment.assign(t.caseId, "triaged");
      if (!a.ok) throw new Error("not assigned");
      expect(await h.services.assignment.accept(a.assignmentId, a.cmId)).toMatchObject({ ok: true });
      return client.id;
    };
    const withCountry = await managed(1, {
      originCountry: "AF",
      residenceStatus: "asylum",
      arrivalYear: 2023,
      phone: "+4915123456789",
    });
    await managed(2, {});

    const stored = await db.prisma.client.findUniqueOrThrow({ where: { id: withCountry } });
    expect(stored).toMatchObject({ originCountry: "AF", residenceStatus: "asylum", arrivalYear: 2023 });
    expect(h.deps.cipher!.decrypt(stored.phone!)).toBe("+4915123456789");

    h.clock.advance(24 * 3600_000);
    const report = await buildReport(db.prisma, org, {
      from: new Date("2026-01-01"),
      to: new Date("2027-01-01"),
      now: h.clock.now,
      variant: "internal",
    });
    const origins = Object.fromEntries(report.origins.rows.map((r) => [r.key, r.cases]));
    expect(origins).toEqual({ AF: 1, unknown: 1 });
    expect(report.origins.total.cases).toBe(2);
  });

  it("a later questionnaire that did not ask keeps what the client said before", async () => {
    const h = harness(db.prisma, org, START);
    const repo = new IntakeRepository(db.prisma, h.deps.cipher!);
    const client = await db.prisma.client.create({
      data: { locale: "uk", pseudonym: "K-ORIG-3" },
      select: { id: true },
    });
    await repo.startConversation(client.id, initialState());
    await repo.submit({
      clientId: client.id,
      answers: { ...base, originCountry: "UA", residenceStatus: "ukraine24", arrivedBefore: 2019 },
      referencePrefix: "BI",
      now: h.clock.now,
    });
    expect(await repo.hasIntake(client.id)).toBe(true);
    // the second questionnaire of an existing client has no "about you" answers at all
    await repo.startConversation(client.id, initialState({ askAbout: false }));
    await repo.submit({ clientId: client.id, answers: base, referencePrefix: "BI", now: h.clock.now });
    expect(await db.prisma.client.findUniqueOrThrow({ where: { id: client.id } })).toMatchObject({
      originCountry: "UA",
      residenceStatus: "ukraine24",
      arrivedBefore: 2019,
      arrivalYear: null,
    });
  });
});
