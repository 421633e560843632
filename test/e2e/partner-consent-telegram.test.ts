// The release from confidentiality per named office (Schweigepflichtentbindung, issue 13.1) through
// the real bot (telegram-test-api as the Bot API peer) and the real case work: decided office by
// office on the consent screen, given again under /consent, shown under /mydata with a withdraw
// button per office, withdrawn (a stamped row and an audit entry), and from then on a referral to
// that office is refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFallbackFeature, createIntakeFeature } from "../../src/app/features/intake.ts";
import { privacyFeature } from "../../src/app/features/privacy.ts";
import { caseworkOf } from "../../src/app/runtime/casework.ts";
import { actorForSlackUser } from "../../src/modules/cases/lifecycle.service.ts";
import { CONSENT_VERSION } from "../../src/modules/intake/consent.repository.ts";
import { exportClientData } from "../../src/modules/privacy/export.ts";
import { PartnerConsentRepository } from "../../src/modules/privacy/partner-consent.repository.ts";
import { escapeHtml } from "../../src/telegram/features/shared.ts";
import { createRichClient, type RichClient } from "../support/privacy-fixtures.ts";
import {
  buttonsOf,
  consentCb,
  createHarness,
  type Harness,
  type Person,
  textOf,
} from "./telegram-harness.ts";

let h: Harness;
let rich: RichClient;
let person: Person;

beforeAll(async () => {
  h = await createHarness("tg_partner", {
    features: [privacyFeature, createIntakeFeature({ flood: { max: 10_000 } }), clientFallbackFeature],
  });
  const [a, b] = h.org.caseManagers.filter((c) => !c.teamLead);
  rich = await createRichClient(h.db.prisma, h.system.ctx.cipher, {
    cmId: a!.id,
    otherCmId: b!.id,
    tag: "tgpartner",
  });
  const id = 890_000_000 + Math.floor(Math.random() * 1_000_000);
  await h.db.prisma.client.update({
    where: { id: rich.clientId },
    data: { telegramUserId: BigInt(id), telegramChatId: BigInt(id), locale: "en" },
  });
  person = h.person({ id, languageCode: "en" });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const IMMIGRATION = "immigration-office";
const immigrationName = () => h.org.referralTargets.find((r) => r.id === IMMIGRATION)!.name;
const covers = (clientId: string, partnerId = IMMIGRATION) =>
  new PartnerConsentRepository(h.db.prisma).covers(clientId, partnerId);

async function eventually(fn: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > until) throw new Error(`eventually: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function refer(partnerId: string) {
  const cm = h.org.caseManagers.find((c) => c.id === h.org.caseManagers.filter((x) => !x.teamLead)[0]!.id)!;
  const actor = (await actorForSlackUser(h.db.prisma, cm.slackUserId, new Date()))!;
  return caseworkOf(h.system.ctx).refer(rich.caseId, actor, {
    partnerId,
    purpose: "residence",
    note: "",
    expectedBy: null,
    goalId: "",
  });
}

describe("release from confidentiality per named office", () => {
  it("the consent screen asks office by office, numbered like its buttons, and records every answer", async () => {
    const p = h.person({ id: 7301, languageCode: "en" });
    await p.command("/start");
    await p.step("l:en", "s:go");
    await p.step("s:go", "c:y:");
    const screen = p.findButton("c:y:")!.message;
    const i = h.org.referralTargets.findIndex((r) => r.id === IMMIGRATION);
    // the immigration office on a line of its own, with its number and what it is
    expect(textOf(screen)).toContain(`2.${i + 1} <b>${escapeHtml(immigrationName())}</b>`);
    expect(textOf(screen)).toContain("The immigration office: decides on residence permits and visas.");
    expect(textOf(screen)).toContain("Slack Technologies");
    expect(textOf(screen)).not.toContain("Tap 2 and 3");
    const labels = buttonsOf(screen, h.codec).map((b) => b.text);
    expect(labels).toContain(`⬜ 2.${i + 1} ${immigrationName()}`);
    expect(labels).toContain("⬜ 3 Messages via Slack");

    const on = { partners: ["jobcenter", IMMIGRATION] };
    await p.tap(consentCb(h.org, "t", { partners: ["jobcenter"] }));
    await p.waitButton(consentCb(h.org, "y", { partners: ["jobcenter"] }));
    await p.tap(consentCb(h.org, "t", on));
    await p.waitButton(consentCb(h.org, "y", on));
    expect(p.findButton(consentCb(h.org, "t", { partners: ["jobcenter"] }))!.button.text).toBe(
      `✅ 2.${i + 1} ${immigrationName()}`,
    );
    await p.step(consentCb(h.org, "y", on), "i:hh:");
    await p.waitText(`✅ 2.${i + 1} ${escapeHtml(immigrationName())}`);

    const client = await h.db.prisma.client.findUniqueOrThrow({
      where: { telegramUserId: BigInt(p.id) },
      include: { consents: true },
    });
    const offices = client.consents.filter((c) => c.purpose === "partner_sharing");
    // one decision per office listed, none without an office, all under the current text version
    expect(offices.map((c) => c.partnerId).sort()).toEqual(h.org.referralTargets.map((r) => r.id).sort());
    expect(
      offices
        .filter((c) => c.granted)
        .map((c) => c.partnerId)
        .sort(),
    ).toEqual(["immigration-office", "jobcenter"]);
    expect(client.consents.every((c) => c.version === CONSENT_VERSION)).toBe(true);
    expect(await covers(client.id)).toBe(true);
    expect(await covers(client.id, "jmd")).toBe(false);

    // /consent lists every office with its state and a button for each
    await p.command("/consent");
    const view = await p.waitButton("k:po:");
    expect(textOf(view.message)).toContain(escapeHtml(immigrationName()));
    const payloads = buttonsOf(view.message, h.codec).map((b) => b.payload);
    expect(payloads).toContain(`k:po:${IMMIGRATION}:0`);
    expect(payloads).toContain("k:po:jmd:1");
  });

  it("given under /consent, shown in /mydata, withdrawn there; the referral check then refuses", async () => {
    // the fixture's old single "partners" row names no office: it covers none
    expect(await refer(IMMIGRATION)).toEqual({
      ok: false,
      code: "invalid",
      errors: { partner: "no_consent" },
    });

    await person.command("/consent");
    await person.step(`k:po:${IMMIGRATION}:1`, `k:po:${IMMIGRATION}:0`);
    expect(await covers(rich.clientId)).toBe(true);
    const sent = await refer(IMMIGRATION);
    expect(sent.ok).toBe(true);

    await person.command("/mydata");
    const mydata = await person.waitButton(`k:pw:${IMMIGRATION}`);
    expect(textOf(mydata.message)).toContain("Your release from confidentiality, office by office");
    expect(textOf(mydata.message)).toContain(`✅ <b>${escapeHtml(immigrationName())}</b>`);
    expect(textOf(mydata.message)).toContain("⬜ <b>Jugendmigrationsdienst (JMD) Bielefeld</b>");
    // only released offices get a withdraw button
    expect(buttonsOf(mydata.message, h.codec).map((b) => b.payload)).toEqual([`k:pw:${IMMIGRATION}`]);
    // the export lists the per-office decisions in a section of their own
    await person.waitText("Your release from confidentiality, per office");
    await person.waitText(`${immigrationName()}: yes`);

    // ownership: another person's signed tap on the same button changes only their own (nothing)
    const other = h.person({ id: 7302, languageCode: "en" });
    await other.command("/start");
    await other.step("l:en", "s:go");
    await other.step("s:go", "c:y:");
    await other.step(consentCb(h.org, "y"), "i:hh:");
    await other.tapData(h.codec.encode(`k:pw:${IMMIGRATION}`));
    // an office that is not in the org file: outdated, nothing stored
    await person.tapData(h.codec.encode("k:po:nasa:1"));
    // updates of a chat are handled in order: a reply to a later command means the taps were handled
    for (const who of [other, person]) {
      const before = who.messages().length;
      await who.command("/consent");
      await who.waitFor(() => who.messages().length > before, "the /consent view");
    }
    expect(await covers(rich.clientId)).toBe(true);
    expect(await h.db.prisma.consent.count({ where: { partnerId: "nasa" } })).toBe(0);

    await person.tap(`k:pw:${IMMIGRATION}`);
    await eventually(async () => !(await covers(rich.clientId)), "the release withdrawn");
    expect(await refer(IMMIGRATION)).toEqual({
      ok: false,
      code: "invalid",
      errors: { partner: "no_consent" },
    });

    // versioned: the granted row stays, stamped; audited with ids only
    const rows = await h.db.prisma.consent.findMany({
      where: { clientId: rich.clientId, partnerId: IMMIGRATION },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ granted: true, version: CONSENT_VERSION });
    expect(rows[0]!.withdrawnAt).not.toBeNull();
    const audit = await h.db.prisma.auditLog.findMany({
      where: { clientId: rich.clientId, action: { startsWith: "consent.partner_" } },
      orderBy: { at: "asc" },
    });
    expect(audit.map((a) => [a.actor, a.action, a.data])).toEqual([
      [
        `client:${rich.clientId}`,
        "consent.partner_given",
        { partnerId: IMMIGRATION, version: CONSENT_VERSION },
      ],
      [
        `client:${rich.clientId}`,
        "consent.partner_withdrawn",
        { partnerId: IMMIGRATION, version: CONSENT_VERSION },
      ],
    ]);
    const doc = await exportClientData(h.db.prisma, h.system.ctx.cipher, rich.clientId);
    expect(doc!.partnerConsents).toEqual([
      expect.objectContaining({
        partnerId: IMMIGRATION,
        granted: true,
        withdrawnAt: rows[0]!.withdrawnAt!.toISOString(),
      }),
    ]);
    // the office rows are not mixed into the purpose list
    expect(doc!.consents.map((k) => k.purpose).sort()).toEqual([
      "case_management",
      "partner_sharing",
      "slack_relay",
    ]);
  });
});
