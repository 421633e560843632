// What a Slack card may carry, as a table: the Slack consent against every topic and urgency signal of
// the intake vocabulary. Special categories (GDPR Art. 9) leave the card without consent; unknown
// codes count as sensitive (fail closed).
import { describe, expect, it } from "vitest";
import { TOPICS, URGENCY_SIGNALS } from "../../src/modules/intake/answers.ts";
import {
  type CardContent,
  cardContent,
  isSensitive,
  SENSITIVE_TOPICS,
  SENSITIVE_URGENCY,
} from "../../src/modules/staff/consent.ts";

describe("isSensitive", () => {
  it.each([
    ["topic", "health", true],
    ["topic", "work", false],
    ["topic", "housing", false],
    ["topic", "family", false],
    ["topic", "residence", false],
    ["topic", "education_language", false],
    ["topic", "livelihood", false],
    ["topic", "leisure", false],
    ["topic", "violence", true],
    ["topic", "toString", true],
    ["topic", "", true],
    ["urgency", "health_emergency", true],
    ["urgency", "eviction", false],
    ["urgency", "benefits_loss", false],
    ["urgency", "authority_deadline", false],
    ["urgency", "protection_needed", true],
    ["urgency", "health", true],
  ] as const)("%s %s → %s", (kind, code, expected) => {
    expect(isSensitive(kind, code)).toBe(expected);
  });

  it("every code of the vocabulary has a decision", () => {
    expect(Object.keys(SENSITIVE_TOPICS).sort()).toEqual([...TOPICS].sort());
    expect(Object.keys(SENSITIVE_URGENCY).sort()).toEqual([...URGENCY_SIGNALS].sort());
  });
});

describe("cardContent(slackConsent, topics, urgency)", () => {
  type Row = [string, boolean, string[], string[], CardContent];
  const rows: Row[] = [
    [
      "with Slack consent: everything",
      true,
      ["health", "work"],
      ["health_emergency", "eviction"],
      { topics: ["health", "work"], urgency: ["health_emergency", "eviction"], triage: true, complete: true },
    ],
    [
      "without: health topic and signal withheld, triage too",
      false,
      ["health", "work"],
      ["health_emergency", "eviction"],
      { topics: ["work"], urgency: ["eviction"], triage: false, complete: false },
    ],
    [
      "without, nothing sensitive: still no triage (it is the same card either way)",
      false,
      ["work", "housing"],
      ["eviction"],
      { topics: ["work", "housing"], urgency: ["eviction"], triage: false, complete: false },
    ],
    [
      "without, only sensitive: empty lists",
      false,
      ["health"],
      ["health_emergency"],
      { topics: [], urgency: [], triage: false, complete: false },
    ],
    [
      "without, an unknown code from an older row: withheld",
      false,
      ["work", "trauma"],
      ["something_new"],
      { topics: ["work"], urgency: [], triage: false, complete: false },
    ],
    ["with consent, nothing given", true, [], [], { topics: [], urgency: [], triage: true, complete: true }],
  ];
  it.each(rows)("%s", (_name, consent, topics, urgency, expected) => {
    expect(cardContent(consent, topics, urgency)).toEqual(expected);
  });

  it("does not hand out the caller's arrays", () => {
    const topics = ["work"];
    const r = cardContent(true, topics, []);
    r.topics.push("health");
    expect(topics).toEqual(["work"]);
  });
});
