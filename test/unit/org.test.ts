import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  loadOrganisation,
  type OrganisationFileError,
  type OrganisationProblem,
  parseOrganisation,
} from "../../src/config/org.load.ts";
import { type Organisation, organisationSchema } from "../../src/config/org.schema.ts";

const orgFile = (name: string): string => fileURLToPath(new URL(`../../orgs/${name}`, import.meta.url));

/** 1-based line of the nth line containing `marker`, so fixtures can change without renumbering. */
function lineOf(text: string, marker: string, nth = 1): number {
  const lines = text.split("\n").flatMap((line, index) => (line.includes(marker) ? [index + 1] : []));
  const line = lines[nth - 1];
  if (line === undefined) throw new Error(`marker not found: ${marker} (#${nth})`);
  return line;
}

/** 1-based column where `marker` starts on its line. */
function columnOf(text: string, marker: string): number {
  const line = text.split("\n").find((l) => l.includes(marker))!;
  return line.indexOf(marker) + 1;
}

function problemsOf(text: string, fileName = "test.yaml"): readonly OrganisationProblem[] {
  try {
    parseOrganisation(text, fileName);
  } catch (error) {
    expect(error).toHaveProperty("name", "OrganisationFileError");
    return (error as OrganisationFileError).problems;
  }
  throw new Error("expected the organisation file to be rejected");
}

const ftesByRegion = (org: Organisation): Record<string, number> => {
  const sums: Record<string, number> = {};
  for (const cm of org.caseManagers) {
    for (const region of cm.regions) sums[region] = (sums[region] ?? 0) + cm.fte;
  }
  return sums;
};

const totalFte = (org: Organisation): number => org.caseManagers.reduce((sum, cm) => sum + cm.fte, 0);

// A small valid file; tests break it in one place each.
const VALID = `municipality: { id: testheim, name: Testheim, kind: city }
regions:
  - id: all
    name: All of Testheim
    districts:
      - { id: north, name: North }
      - { id: south, name: South }
agencies:
  - { id: city, name: City social office, kind: municipal }
  - { id: drk, name: DRK, kind: welfare }
offices:
  - id: town-hall
    agency: city
    name: Town hall
    address: { street: Main Street 1, postcode: "12345", city: Testheim }
  - id: drk-office
    agency: drk
    name: DRK office
    address: { street: Side Street 2, postcode: 12345, city: Testheim }
caseManagers:
  - id: anna
    name: Anna Schmidt
    agency: city
    slackUserId: U0000001
    languages: [de]
    office: town-hall
    teamLead: true
  - id: omar
    name: Omar Haddad
    agency: drk
    slackUserId: U0000002
    languages: [de, ar]
    office: drk-office
referralTargets:
  - { id: jobcenter, name: Jobcenter, kind: jobcenter }
  - { id: employment-agency, name: Agentur für Arbeit, kind: employment-agency }
  - { id: youth-welfare, name: Jugendamt, kind: youth-welfare }
`;

describe("shipped organisation files", () => {
  it("Bielefeld parses: one region with ten districts, 6 + 1 + 1 case managers, 8 FTE", async () => {
    const org = await loadOrganisation(orgFile("bielefeld.yaml"));
    expect(org.municipality).toMatchObject({ id: "bielefeld", kind: "city", timezone: "Europe/Berlin" });
    expect(org.regions.flatMap((r) => r.districts)).toHaveLength(10);
    expect(org.caseManagers.filter((cm) => cm.agency === "social-office")).toHaveLength(6);
    expect(org.caseManagers.filter((cm) => cm.agency === "drk")).toHaveLength(1);
    expect(org.caseManagers.filter((cm) => cm.agency === "awo")).toHaveLength(1);
    expect(totalFte(org)).toBe(8);
    expect(org.policy.regionBound).toBe(false);
    expect(org.caseManagers.filter((cm) => cm.teamLead).map((cm) => cm.agency)).toEqual(["social-office"]);
    expect(org.caseManagers.filter((cm) => cm.coordinator)).toHaveLength(1);
    const localContacts = new Set(org.caseManagers.flatMap((cm) => cm.districts));
    for (const district of ["heepen", "mitte", "schildesche", "joellenbeck", "sennestadt", "stieghorst"]) {
      expect(localContacts).toContain(district);
    }
  });

  it("Kreis Warendorf parses: four regions with 1 / 1 / 2.5 / 2.5 FTE, 7 in total, region-bound", async () => {
    const org = await loadOrganisation(orgFile("kreis-warendorf.yaml"));
    expect(org.municipality.kind).toBe("county");
    expect(org.policy.regionBound).toBe(true);
    expect(totalFte(org)).toBe(7);
    expect(ftesByRegion(org)).toEqual({ ahlen: 1, beckum: 1, sued: 2.5, nord: 2.5 });
    expect(org.regions.flatMap((r) => r.districts)).toHaveLength(13);
    // triage is omitted in this file: the defaults apply
    expect(org.triage.referralForExistingSupport).toEqual({
      sgb2: "jobcenter",
      sgb3: "employment-agency",
      sgb8: "youth-welfare",
      mbe: "continue",
      jmd: "continue",
    });
    expect(org.triage.urgencyWeights.eviction).toBeGreaterThan(0);
  });

  it("every case manager in both files speaks German and has a unique Slack id", async () => {
    for (const name of ["bielefeld.yaml", "kreis-warendorf.yaml"]) {
      const org = await loadOrganisation(orgFile(name));
      for (const cm of org.caseManagers) expect(cm.languages).toContain("de");
      const slackIds = org.caseManagers.map((cm) => cm.slackUserId);
      expect(new Set(slackIds).size).toBe(slackIds.length);
    }
  });
});

describe("defaults and resolution", () => {
  it("fills per-field and cross-section defaults", () => {
    const org = parseOrganisation(VALID, "valid.yaml");
    expect(org.municipality.timezone).toBe("Europe/Berlin");
    expect(org.policy).toEqual({
      casesPerFte: 26,
      personsPerFte: 80,
      regionBound: false, // a city
      acceptanceDeadlineHours: 48,
      agingPointsPerDay: 1,
      starvationGuardDays: 120,
      fairShareTolerance: 1,
    });
    expect(org.agencies.map((a) => a.regions)).toEqual([["all"], ["all"]]);
    const [anna] = org.caseManagers;
    expect(anna).toMatchObject({
      fte: 1,
      regions: ["all"],
      districts: [],
      topics: [],
      active: true,
      coordinator: false,
    });
    expect(org.offices[1]?.address.postcode).toBe("12345"); // unquoted in the file
    expect(org.triage.simpleTopicReferral).toEqual({});
    expect(org.deepLinks).toEqual([]);
    expect(org.relay).toEqual({});
  });

  it("a county is region-bound unless the file says otherwise", () => {
    const county = VALID.replace("kind: city", "kind: county");
    expect(parseOrganisation(county, "county.yaml").policy.regionBound).toBe(true);
    const explicit = `${county}policy: { regionBound: false }\n`;
    expect(parseOrganisation(explicit, "county.yaml").policy.regionBound).toBe(false);
  });

  it("in-person consultation hours default to the case manager's office", () => {
    const text = VALID.replace(
      "    teamLead: true\n",
      `    teamLead: true
    availability:
      - { weekday: mon, from: "09:00", to: "12:00", mode: in_person }
      - { weekday: tue, from: "09:00", to: "10:00", mode: phone }
`,
    );
    const [anna] = parseOrganisation(text, "valid.yaml").caseManagers;
    expect(anna?.availability.map((slot) => slot.office)).toEqual(["town-hall", undefined]);
  });

  it("accepts JSON through the same parser", () => {
    const json = JSON.stringify(parseOrganisation(VALID, "valid.yaml"), null, "\t");
    expect(parseOrganisation(json, "valid.json").caseManagers).toHaveLength(2);
  });

  it("organisationSchema checks references too, for organisations built in code", () => {
    const org = parseOrganisation(VALID, "valid.yaml");
    const broken = { ...org, offices: org.offices.map((o) => ({ ...o, agency: "nobody" })) };
    const result = organisationSchema.safeParse(broken);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain(
      'unknown agency "nobody" (known: city, drk)',
    );
    expect(organisationSchema.parse(org).caseManagers).toHaveLength(2);
  });
});

describe("problems with positions", () => {
  const BROKEN = `municipality:
  id: Test Town
  name: Testheim
  kind: village
regions:
  - id: all
    name: All
    districts:
      - { id: north, name: North }
agencies:
  - { id: city, name: City, kind: municipal }
offices:
  - id: town-hall
    agency: city
    name: Town hall
    address: { street: Main Street 1, postcode: "1234", city: Testheim }
caseManagers:
  - id: anna
    name: Anna Schmidt
    agency: city
    slackUserId: U0000001
    languages: [en, ar]
    fte: 1.5
    office: town-hall
    teamLead: true
    availibility: []
  - id: omar
    agency: city
    slackUserId: nope
    languages: [de]
    office: town-hall
    availability:
      - { weekday: sat, from: "9:00", to: "12:00", mode: in_person }
      - { weekday: mon, from: "14:00", to: "12:00", mode: phone }
referralTargets:
  - { id: jobcenter, name: Jobcenter, kind: jobcenter }
  - { id: employment-agency, name: Agentur für Arbeit, kind: employment-agency }
  - { id: youth-welfare, name: Jugendamt, kind: youth-welfare }
`;

  it.each([
    ["30 7 * * 1-5", null],
    ["*/15 6-18 * * 1,3,5", null],
    ["0 8 1 1-12/3 *", null],
    ["30 7 * *", "five fields"],
    ["99 7 * * 1-5", 'minute "99"'],
    ["30 24 * * *", 'hour "24"'],
    ["30 7 0 * *", 'day of month "0"'],
    ["30 7 * * 5-1", 'weekday "5-1"'],
    ["30 7 * * mon", 'weekday "mon"'],
    ["*/0 7 * * *", 'minute "*/0"'],
  ])("caseWork.digestCron %j", (cron, problem) => {
    const text = `${VALID}\ncaseWork:\n  digestCron: "${cron}"\n`;
    if (problem === null) {
      expect(parseOrganisation(text, "valid.yaml").caseWork?.digestCron).toBe(cron);
      return;
    }
    const found = problemsOf(text).find((p) => p.path === "caseWork.digestCron");
    expect(found?.message).toContain(problem);
    expect(found?.line).toBe(lineOf(text, "digestCron:"));
  });

  it("caseWork day counts are bounded and unknown keys refused", () => {
    const text = `${VALID}\ncaseWork:\n  silentAfterDays: 0\n  nextContactDay: 14\n`;
    const paths = problemsOf(text).map((p) => p.path);
    expect(paths).toContain("caseWork.silentAfterDays");
    expect(paths).toContain("caseWork.nextContactDay");
  });

  it("reports every schema problem with its line, column and path", () => {
    const problems = problemsOf(BROKEN, "broken.yaml");
    const where = (path: string) => problems.filter((p) => p.path === path).map((p) => p.line);
    expect(where("municipality.id")).toEqual([lineOf(BROKEN, "id: Test Town")]);
    expect(where("municipality.kind")).toEqual([lineOf(BROKEN, "kind: village")]);
    expect(where("offices[0].address.postcode")).toEqual([lineOf(BROKEN, 'postcode: "1234"')]);
    expect(where("caseManagers[0].languages")).toEqual([lineOf(BROKEN, "languages: [en, ar]")]);
    expect(where("caseManagers[0].fte")).toEqual([lineOf(BROKEN, "fte: 1.5")]);
    expect(where("caseManagers[0].availibility")).toEqual([lineOf(BROKEN, "availibility")]);
    expect(where("caseManagers[1].slackUserId")).toEqual([lineOf(BROKEN, "slackUserId: nope")]);
    expect(where("caseManagers[1].availability[0].weekday")).toEqual([lineOf(BROKEN, "weekday: sat")]);
    expect(where("caseManagers[1].availability[0].from")).toEqual([lineOf(BROKEN, "weekday: sat")]);
    expect(where("caseManagers[1].availability[1].to")).toEqual([lineOf(BROKEN, '"14:00"')]);
    // a missing field is reported at the object that lacks it
    expect(where("caseManagers[1].name")).toEqual([lineOf(BROKEN, "id: omar")]);
    expect(problems.every((p) => p.file === "broken.yaml")).toBe(true);
  });

  it("points at the value, at the unknown key, and names what is missing", () => {
    const problems = problemsOf(BROKEN, "broken.yaml");
    const find = (path: string) => problems.find((p) => p.path === path)!;
    expect(find("municipality.kind").column).toBe(columnOf(BROKEN, "village"));
    expect(find("caseManagers[1].slackUserId").column).toBe(columnOf(BROKEN, "nope"));
    expect(find("caseManagers[0].availibility")).toMatchObject({
      column: columnOf(BROKEN, "availibility"),
      message: 'unknown key "availibility"',
    });
    expect(find("caseManagers[0].languages").message).toBe('must include "de"');
    expect(find("caseManagers[1].name").message).toBe("required field is missing (expected string)");
    expect(find("caseManagers[1].availability[1].to").message).toBe("must be later than from");
  });

  it("formats a readable multi-line message, sorted by position", () => {
    let error: OrganisationFileError | undefined;
    try {
      parseOrganisation(BROKEN, "broken.yaml");
    } catch (e) {
      error = e as OrganisationFileError;
    }
    const lines = error!.message.split("\n");
    expect(lines[0]).toBe(`broken.yaml: ${error!.problems.length} problems in the organisation file`);
    expect(lines).toContain(
      `broken.yaml:${lineOf(BROKEN, "fte: 1.5")}:${columnOf(BROKEN, "1.5")} caseManagers[0].fte: ` +
        "must be at most 1 (one full-time position)",
    );
    const positions = error!.problems.map((p) => p.line * 1000 + p.column);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("reports YAML syntax errors together with the other problems", () => {
    const text = VALID.replace("    name: Town hall\n", "    name: Town hall\n    name: Again\n").replace(
      "languages: [de, ar]",
      "languages: [de, xx]",
    );
    const problems = problemsOf(text);
    expect(problems.find((p) => p.message.startsWith("YAML syntax"))?.line).toBe(lineOf(text, "name: Again"));
    expect(problems.find((p) => p.path === "caseManagers[1].languages[1]")?.line).toBe(
      lineOf(text, "[de, xx]"),
    );
  });

  it("says when a value is empty rather than of the wrong type", () => {
    const text = VALID.replace("    agency: drk\n    slackUserId", "    agency:\n    slackUserId");
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({
        path: "caseManagers[1].agency",
        line: lineOf(text, "agency:", 4),
        message: "is empty (expected string)",
      }),
    ]);
  });

  it("reports an empty file at line 1", () => {
    expect(problemsOf("")).toEqual([
      expect.objectContaining({
        line: 1,
        column: 1,
        path: "",
        message: expect.stringContaining("expected object"),
      }),
    ]);
  });

  it("turns an unreadable file into an OrganisationFileError", async () => {
    await expect(loadOrganisation(orgFile("does-not-exist.yaml"))).rejects.toMatchObject({
      name: "OrganisationFileError",
      problems: [
        expect.objectContaining({ line: 0, message: expect.stringContaining("cannot read the file") }),
      ],
    });
  });
});

describe("cross-reference problems", () => {
  it("reports an unknown agency with the known ones, at the reference", () => {
    const text = VALID.replace("    agency: drk\n    slackUserId", "    agency: drk2\n    slackUserId");
    const problems = problemsOf(text, "testheim.yaml");
    expect(problems).toEqual([
      {
        file: "testheim.yaml",
        line: lineOf(text, "agency: drk2"),
        column: columnOf(text, "drk2"),
        path: "caseManagers[1].agency",
        message: 'unknown agency "drk2" (known: city, drk)',
      },
    ]);
  });

  it("reports unknown districts in offices, case managers and deep links", () => {
    const text = VALID.replace("    name: Town hall\n", "    name: Town hall\n    district: west\n")
      .replace("    office: drk-office\n", "    office: drk-office\n    districts: [north, east]\n")
      .concat("deepLinks:\n  - { code: poster_1, source: poster, district: centre }\n");
    const problems = problemsOf(text);
    expect(problems.map((p) => [p.path, p.line, p.message])).toEqual([
      [
        "offices[0].district",
        lineOf(text, "district: west"),
        'unknown district "west" (known: north, south)',
      ],
      [
        "caseManagers[1].districts[1]",
        lineOf(text, "[north, east]"),
        'unknown district "east" (known: north, south)',
      ],
      [
        "deepLinks[0].district",
        lineOf(text, "district: centre"),
        'unknown district "centre" (known: north, south)',
      ],
    ]);
  });

  it("reports duplicate ids: districts across regions, case managers, offices, deep link codes", () => {
    const text = VALID.replace(
      "agencies:\n",
      "  - id: other\n    name: Other\n    districts:\n      - { id: north, name: North again }\nagencies:\n",
    )
      .replace("  - id: omar\n", "  - id: anna\n")
      .replace("  - id: drk-office\n", "  - id: town-hall\n")
      .replace("    office: drk-office\n", "    office: town-hall\n")
      .concat("deepLinks:\n  - { code: flyer, source: flyer-a }\n  - { code: flyer, source: flyer-b }\n");
    const messages = problemsOf(text).map((p) => `${p.line} ${p.path}: ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        `${lineOf(text, "North again")} regions[1].districts[0].id: duplicate district id "north" (already used at regions[0].districts[0])`,
        `${lineOf(text, "code: flyer, source: flyer-b")} deepLinks[1].code: duplicate deep link code "flyer" (already used at deepLinks[0])`,
      ]),
    );
    const problems = problemsOf(text);
    const anna = problems.find((p) => p.path === "caseManagers[1].id");
    expect(anna).toMatchObject({
      line: lineOf(text, "id: anna", 2),
      message: 'duplicate case manager id "anna" (already used at caseManagers[0])',
    });
    expect(problems.find((p) => p.path === "offices[1].id")?.message).toContain(
      'duplicate office id "town-hall"',
    );
  });

  it("reports duplicate Slack user ids", () => {
    const text = VALID.replace("slackUserId: U0000002", "slackUserId: U0000001");
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({
        path: "caseManagers[1].slackUserId",
        line: lineOf(text, "slackUserId: U0000001", 2),
        message: 'duplicate Slack user id "U0000001" (already used at caseManagers[0])',
      }),
    ]);
  });

  it("checks office ownership, served regions, team leads and region coverage", () => {
    const text = VALID.replace("kind: city", "kind: county")
      .replace(
        "agencies:\n",
        "  - id: east\n    name: East\n    districts:\n      - { id: east-town, name: East Town }\nagencies:\n",
      )
      .replace(
        "{ id: drk, name: DRK, kind: welfare }",
        "{ id: drk, name: DRK, kind: welfare, regions: [all] }",
      )
      .replace(
        "    office: drk-office\n",
        "    office: town-hall\n    regions: [east]\n    teamLead: true\n",
      );
    const messages = problemsOf(text).map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual([
      'caseManagers[1].office: office "town-hall" belongs to agency "city", not "drk"',
      'caseManagers[1].regions[0]: agency "drk" does not serve region "east" (it serves: all)',
      'caseManagers[1].teamLead: a team lead must work at a municipal agency; "drk" is not municipal',
    ]);
    // both agencies serve only "all", so nobody is responsible for "east"
    const uncovered = VALID.replace("kind: city", "kind: county")
      .replace(
        "agencies:\n",
        "  - id: east\n    name: East\n    districts:\n      - { id: east-town, name: East Town }\nagencies:\n",
      )
      .replaceAll("kind: municipal }", "kind: municipal, regions: [all] }")
      .replaceAll("kind: welfare }", "kind: welfare, regions: [all] }");
    expect(problemsOf(uncovered).map((p) => p.message)).toEqual([
      'no active case manager is responsible for region "east" (policy.regionBound is on)',
    ]);
  });

  it("requires an active team lead", () => {
    const text = VALID.replace("    teamLead: true\n", "");
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({ path: "caseManagers", line: lineOf(text, "caseManagers:") + 1 }),
    ]);
  });

  it("checks triage references, including the defaults", () => {
    const withoutTargets = VALID.slice(0, VALID.indexOf("referralTargets:"));
    const messages = problemsOf(withoutTargets).map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual([
      expect.stringMatching(
        /^triage\.referralForExistingSupport\.sgb2: unknown referral target "jobcenter".*default/,
      ),
      expect.stringMatching(
        /^triage\.referralForExistingSupport\.sgb3: unknown referral target "employment-agency"/,
      ),
      expect.stringMatching(
        /^triage\.referralForExistingSupport\.sgb8: unknown referral target "youth-welfare"/,
      ),
    ]);
    const text = `${VALID}triage:\n  simpleTopicReferral:\n    leisure: sports-club\n`;
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({
        path: "triage.simpleTopicReferral.leisure",
        line: lineOf(text, "leisure: sports-club"),
        message: 'unknown referral target "sports-club" (known: jobcenter, employment-agency, youth-welfare)',
      }),
    ]);
  });

  it("still reports reference problems when the structure is broken as well", () => {
    const text = VALID.replace("kind: city", "kind: town").replace("office: drk-office", "office: nowhere");
    const paths = problemsOf(text).map((p) => p.path);
    expect(paths).toEqual(["municipality.kind", "caseManagers[1].office"]);
  });
});
