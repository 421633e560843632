// `/kim report` on the running system with signed Slack requests and the local Slack peer: the
// Markdown answer, then the HTML, xlsx and CSV files in the DM of the person who asked (job
// "slack.report_files"); a retried command uploads nothing twice; the coordinator gets the public
// variant and is refused the internal one, a case manager without overview is refused; an empty
// period, a bad period and a failed upload get a clear message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SlackPeer, startSlackPeer } from "../../src/devtools/slack-peer.ts";
import { startTestSystem, type TestSystem } from "../support/system.ts";
import { commandBody, seedWaitingCase, signedHeaders, slackEnv, until } from "./slack-fixtures.ts";

const LEAD = "U05BI00001"; // miriam-hoffmann, municipal team lead
const CM = "U05BI00002"; // yasin-al-khatib, a case manager without overview
const COORDINATOR = "U05BI00003"; // dilan-aydin, coordinator
let peer: SlackPeer;
let sys: TestSystem;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  peer = await startSlackPeer();
  sys = await startTestSystem({ label: "kim_report_files", env: slackEnv(peer) });
  await seedWaitingCase(sys.ctx.db, sys.ctx.cipher);
  await seedWaitingCase(sys.ctx.db, sys.ctx.cipher);
});
afterAll(async () => {
  await sys?.shutdown({ dropDb: true });
  await peer?.close();
});

let tags = 0;
/** a signed `/kim` command; `tag` names its response_url, so a retry repeats it */
async function kim(user: string, text: string, tag = `r${++tags}`, retry = 0) {
  const body = commandBody({
    command: "/kim",
    text,
    user_id: user,
    team_id: "TANLAUF",
    channel_id: `C0GENERAL`,
    trigger_id: `trig-${tag}`,
    response_url: `${peer.url}response.${tag}`,
    api_app_id: "AANLAUF",
    token: "legacy",
  });
  const headers = {
    ...signedHeaders(body),
    ...(retry ? { "x-slack-retry-num": String(retry), "x-slack-retry-reason": "http_timeout" } : {}),
  };
  const res = await fetch(`http://127.0.0.1:${sys.port}/slack/events`, { method: "POST", body, headers });
  expect(res.status).toBe(200);
  const answers = () => peer.calls.filter((c) => c.method === `response.${tag}`);
  await until(async () => answers().length > retry);
  const a = answers().at(-1)!.args;
  return { text: String(a.text), blocks: JSON.stringify(a.blocks ?? "") };
}

const filesOf = (user: string) => peer.files.filter((f) => f.channel === `D${user}`);
const noJobsLeft = async () => {
  const counts = await sys.ctx.producer.queue("slack-out").getJobCounts("waiting", "active", "delayed");
  return (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) === 0;
};

describe("/kim report delivers the files", () => {
  it("the lead gets the Markdown, then HTML, xlsx and CSV in the DM; a retry uploads nothing twice", async () => {
    const stem = `report-${today}-${today}-internal`;
    const first = await kim(LEAD, `report ${today} ${today} internal`, "lead");
    expect(first.blocks).toContain("markdown");
    expect(first.blocks).toContain("Direktnachricht");
    await until(async () => filesOf(LEAD).length === 3);
    expect(filesOf(LEAD).map((f) => f.name)).toEqual(
      expect.arrayContaining([`${stem}.html`, `${stem}.xlsx`, `${stem}.csv`]),
    );
    for (const f of filesOf(LEAD)) expect(f.content.length).toBeGreaterThan(100);
    const byName = new Map(filesOf(LEAD).map((f) => [f.name, f.content]));
    expect(byName.get(`${stem}.html`)!.toString("utf8")).toContain("<html");
    // xlsx is a zip archive
    expect(byName.get(`${stem}.xlsx`)!.subarray(0, 2).toString("latin1")).toBe("PK");
    expect(byName.get(`${stem}.csv`)!.toString("utf8").split("\n")[0]).toBe(
      "section,key,label,metric,value,suppressed",
    );
    const complete = peer.calls.filter((c) => c.method === "files.completeUploadExternal");
    expect(complete).toHaveLength(1);
    expect(complete[0]!.args.channel_id).toBe(`D${LEAD}`);

    // Slack retries the same command; the lead asks again later: still three files
    await kim(LEAD, `report ${today} ${today} internal`, "lead", 1);
    await kim(LEAD, `report ${today} ${today} internal`);
    await until(noJobsLeft);
    expect(filesOf(LEAD)).toHaveLength(3);
    expect(peer.calls.filter((c) => c.method === "files.completeUploadExternal")).toHaveLength(1);
    const row = await sys.ctx.db.idempotencyKey.findUniqueOrThrow({
      where: { key: `slack.report_files.${LEAD}.${today}.${today}.internal` },
    });
    expect(row.scope).toBe("slack.report_files");
    const audit = await sys.ctx.db.auditLog.findMany({ where: { action: "report.files_sent" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe("cm:miriam-hoffmann");
    expect(audit[0]!.data).toEqual({ from: today, to: today, variant: "internal", files: 3 });
  });

  it("the coordinator gets the public variant and is refused the internal one; a case manager is refused", async () => {
    const refused = await kim(COORDINATOR, `report ${today} ${today} internal`);
    expect(refused.text).toBe("Das können nur Teamleitungen.");
    expect((await kim(CM, `report ${today} ${today}`)).text).toBe("Das können nur Teamleitungen.");
    await kim(COORDINATOR, `report ${today} ${today}`);
    await until(async () => filesOf(COORDINATOR).length === 3);
    const stem = `report-${today}-${today}-public`;
    expect(
      filesOf(COORDINATOR)
        .map((f) => f.name)
        .sort(),
    ).toEqual([`${stem}.csv`, `${stem}.html`, `${stem}.xlsx`].sort());
    await until(noJobsLeft);
    expect(filesOf(CM)).toHaveLength(0);
    expect(
      peer.files.filter((f) => f.name.endsWith("internal.html") && f.channel !== `D${LEAD}`),
    ).toHaveLength(0);
  });

  it("an empty or bad period gets a clear answer and no files", async () => {
    const before = peer.files.length;
    expect((await kim(LEAD, "report 2020-01-01 2020-01-31")).text).toContain("keine Fälle");
    expect((await kim(LEAD, "report 2026-02-30 2026-01-01")).text).toContain("/kim report [");
    await until(noJobsLeft);
    expect(peer.files.length).toBe(before);
  });

  it("a failed upload tells the person in the DM after the last try", async () => {
    peer.failNext("files.completeUploadExternal", "internal_error", 3);
    await kim(LEAD, `report ${today} ${today}`);
    const notice = await peer.waitFor(
      (c) =>
        c.method === "chat.postMessage" &&
        c.args.channel === `D${LEAD}` &&
        String(c.args.text).includes("nicht hochgeladen"),
      20_000,
    );
    expect(String(notice.args.text)).toContain(today);
    expect(filesOf(LEAD).filter((f) => f.name.endsWith("-public.html"))).toHaveLength(0);
    expect(
      await sys.ctx.db.idempotencyKey.findUnique({
        where: { key: `slack.report_files.${LEAD}.${today}.${today}.public` },
      }),
    ).toBeNull();
  });
});
