import { beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/feature.ts";
import { loadOrganisation } from "../../src/config/org.load.ts";
import { createI18n } from "../../src/i18n/index.ts";
import type { Standing } from "../../src/modules/status/standing.ts";
import { directed, escapeHtml, render } from "../../src/telegram/features/shared.ts";
import { etaText, standingText } from "../../src/telegram/features/status.ts";

let app: AppContext;
beforeAll(async () => {
  app = { i18n: await createI18n(), org: await loadOrganisation("orgs/bielefeld.yaml") } as AppContext;
});

describe("the standing as text", () => {
  const code = "BI-7Q4K-2M";
  const table: [string, Standing, RegExp][] = [
    ["nothing yet", { kind: "none", intakeInProgress: false }, /not filled in the questionnaire/],
    ["in progress", { kind: "none", intakeInProgress: true }, /continue where you stopped/],
    ["submitted", { kind: "submitted", referenceCode: code }, /<code>BI-7Q4K-2M<\/code>/],
    [
      "referral",
      {
        kind: "referral",
        referenceCode: code,
        targetId: "employment-agency",
        reasonCode: "existing_cm_sgb3",
      },
      /Agentur für Arbeit Bielefeld[\s\S]*Werner-Bock-Straße 8[\s\S]*employment agency/,
    ],
    [
      "referral with an unknown reason",
      { kind: "referral", referenceCode: code, targetId: "jobcenter", reasonCode: "new_reason" },
      /Jobcenter Arbeitplus Bielefeld/,
    ],
    [
      "waiting",
      { kind: "waiting", referenceCode: code, position: 4, total: 30, etaDays: { low: 30, high: 60 } },
      /number 4 of 30[\s\S]*about 4 to 9 weeks[\s\S]*Why is there a waiting list/,
    ],
    [
      "waiting alone",
      { kind: "waiting", referenceCode: code, position: 1, total: 1, etaDays: null },
      /nobody is waiting ahead of you[\s\S]*cannot say yet/,
    ],
    ["pending", { kind: "pending", referenceCode: code }, /about to assign/],
    [
      "assigned",
      { kind: "assigned", referenceCode: code, cmFirstName: "Dilan <3", agencyName: "AWO & Co" },
      /Dilan &lt;3<\/b> \(AWO &amp; Co\)/,
    ],
    ["closed", { kind: "closed", referenceCode: code }, /is closed/],
  ];
  it.each(table)("%s", (_name, standing, pattern) => {
    expect(standingText(app, "en", standing)).toMatch(pattern);
  });

  it("reads right to left in Arabic, line by line", () => {
    const text = standingText(app, "ar", {
      kind: "waiting",
      referenceCode: code,
      position: 2,
      total: 5,
      etaDays: null,
    });
    for (const line of text.split("\n").filter(Boolean)) expect(line.startsWith("\u200f")).toBe(true);
  });

  it("German and Leichte Sprache have their own texts", () => {
    expect(standingText(app, "de", { kind: "closed", referenceCode: code })).toMatch(/abgeschlossen/);
    expect(standingText(app, "de-simple", { kind: "closed", referenceCode: code })).toMatch(/zu Ende/);
  });
});

describe("expected waiting time", () => {
  it.each([
    [{ low: 0, high: 2 }, "about 1 to 2 days"],
    [{ low: 3, high: 3 }, "about 3 days"],
    [{ low: 0.2, high: 0.4 }, "about 1 day."],
    [{ low: 10, high: 21 }, "about 10 to 21 days"],
    [{ low: 20, high: 40 }, "about 3 to 6 weeks"],
    [{ low: 50, high: 52 }, "about 7 weeks"],
    [{ low: 60, high: 30 }, "about 4 weeks"],
  ])("%j → %s", (eta, text) => {
    expect(etaText(app, "en", eta)).toContain(text);
  });

  it("no estimate is said honestly", () => {
    expect(etaText(app, "en", null)).toBe(render(app, "en", "status.eta.unknown"));
  });
});

describe("text helpers", () => {
  it("escapes what Telegram's HTML parse mode would read as markup", () => {
    expect(escapeHtml(`<a href="x">&</a>`)).toBe(`&lt;a href="x"&gt;&amp;&lt;/a&gt;`);
  });

  it("marks every line of an RTL text, once", () => {
    expect(directed("a\n\nb", "fa")).toBe("\u200fa\n\n\u200fb");
    expect(directed("\u200fa", "ar")).toBe("\u200fa");
    expect(directed("a\nb", "uk")).toBe("a\nb");
  });
});
