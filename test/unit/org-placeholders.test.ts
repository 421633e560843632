import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  loadOrganisation,
  type OrganisationFileError,
  parseOrganisation,
} from "../../src/config/org.load.ts";
import { isPlaceholderPhone, placeholderProblems } from "../../src/config/org.placeholders.ts";

const FIXTURE = "test/fixtures/placeholder-org.yaml";

async function problems(path: string) {
  try {
    await loadOrganisation(path);
  } catch (error) {
    expect(error).toHaveProperty("name", "OrganisationFileError");
    return error as OrganisationFileError;
  }
  throw new Error("expected the file to be refused");
}

describe("placeholder data in the organisation file", () => {
  it("is refused with file:line:col, the field and what to do", async () => {
    const error = await problems(FIXTURE);
    const text = readFileSync(FIXTURE, "utf8").split("\n");
    const lineOf = (s: string) => text.findIndex((l) => l.includes(s)) + 1;
    expect(error.problems.map((p) => [p.line, p.path])).toEqual([
      [lineOf("Musterstraße"), "offices[0].address.street"],
      [lineOf('"0123 456789"'), "referralTargets[0].phone"],
      [lineOf("example.org"), "referralTargets[0].url"],
      [lineOf('"+49 000'), "referralTargets[1].phone"],
      [lineOf("hours: TODO"), "referralTargets[1].hours"],
    ]);
    expect(error.message).toContain(
      `${FIXTURE}:${lineOf("Musterstraße")}:24 offices[0].address.street: "Musterstraße 1" looks like sample data`,
    );
    for (const p of error.problems) expect(p.message).toMatch(/demo: true/);
  });

  it("is allowed in a file marked demo: true (the shipped samples)", async () => {
    const text = `demo: true\n${readFileSync(FIXTURE, "utf8")}`;
    expect(parseOrganisation(text, "demo.yaml").demo).toBe(true);
  });

  it.each(["orgs/bielefeld.yaml", "orgs/kreis-warendorf.yaml"])(
    "%s is sample data: marked demo, refused without the mark",
    async (file) => {
      const text = readFileSync(file, "utf8");
      expect(text).toMatch(/^demo: true/m);
      expect(() => parseOrganisation(text.replace(/^demo: true.*$/m, ""), file)).toThrow(
        /looks like sample data/,
      );
    },
  );
});

describe("isPlaceholderPhone", () => {
  it.each([
    ["0123 456789", true],
    ["01234 56789", true],
    ["+49 000 000000", true],
    ["+49 (0)000 1234", true],
    ["0000 000000", true],
    ["1111111", true],
    ["", true],
    ["+49 521 51-0", false],
    ["+49 (0)521 51-0", false],
    ["0521 51-0", false],
    ["0049 521 512345", false],
    ["0800 4 5555 00", false],
    ["0151 23456789", false],
    ["116 117", false],
    ["+90 212 123 45 67", false],
  ])("%j → %s", (phone, want) => expect(isPlaceholderPhone(phone)).toBe(want));
});

describe("placeholderProblems: which fields count", () => {
  it.each([
    [{ offices: [{ name: "Beratung Musterstadt" }] }, 1],
    [{ caseManagers: [{ name: "Max Mustermann" }] }, 1],
    [{ offices: [{ accessibilityNote: "zum Beispiel mit Rollstuhl" }] }, 0],
    [{ referralTargets: [{ url: "https://beispiel.de/x" }] }, 1],
    [{ referralTargets: [{ url: "https://www.arbeitsagentur.de" }] }, 0],
    [{ referralTargets: [{ hours: "XXX" }] }, 1],
    [{ referralTargets: [{ hours: "Mo–Fr 8:00–12:30" }] }, 0],
    [{ caseManagers: [{ slackUserId: "U0XXX001" }] }, 0],
    [{ offices: [{ address: { postcode: "00000" } }] }, 1],
  ])("%j → %i", (value, n) => expect(placeholderProblems(value)).toHaveLength(n));
});
