// `/kim report` with the file delivery wired: what the listener queues, and the empty period.
import { describe, expect, it } from "vitest";
import type { SlackPorts } from "../../src/slack/ports.ts";
import { fakePorts, PEOPLE, slashKim } from "./slack-fakes.ts";

async function run(user: string, text: string, reports: SlackPorts["reports"]) {
  const { ports } = fakePorts();
  ports.reports = reports;
  return (await slashKim(ports, user, text))[0] as { text: string; blocks?: { type: string }[] };
}

describe("/kim report with files", () => {
  const queued: unknown[] = [];
  const reports = (empty: boolean): SlackPorts["reports"] => ({
    markdown: async () => "# Bericht",
    summary: async (req) => ({ markdown: `# Bericht ${req.variant}`, empty }),
    sendFiles: async (req) => {
      queued.push(req);
    },
  });

  it("answers with the Markdown and queues the files by ids and inclusive days", async () => {
    const r = await run(PEOPLE.lead.slackUserId, "report 2026-01-01 2026-03-31 internal", reports(false));
    expect(r.text).toBe("Bericht internal");
    expect(r.blocks?.map((b) => b.type)).toEqual(["markdown", "context"]);
    expect(JSON.stringify(r.blocks)).toContain("Direktnachricht");
    expect(queued).toEqual([
      {
        slackUserId: PEOPLE.lead.slackUserId,
        staffId: PEOPLE.lead.id,
        from: "2026-01-01",
        to: "2026-03-31",
        variant: "internal",
        lng: "de",
      },
    ]);
  });

  it("an empty period queues nothing and says so; a refusal queues nothing either", async () => {
    queued.length = 0;
    const r = await run(PEOPLE.lead.slackUserId, "report 2020-01-01 2020-01-31", reports(true));
    expect(r.text).toContain("2020-01-01 bis 2020-01-31");
    expect(r.text).toContain("keine Fälle");
    expect((await run(PEOPLE.coordinator.slackUserId, "report internal", reports(false))).text).toBe(
      "Das können nur Teamleitungen.",
    );
    expect(queued).toEqual([]);
  });
});
