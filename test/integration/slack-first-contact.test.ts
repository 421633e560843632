// The slack.deliver worker and a waiting client's text (issue 13.4): posted once, escaped, into the
// first-contact channel of the case's region with the reference code and pseudonym only; never again
// into the case manager's thread after acceptance; held as before where the region names no channel.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrganisation } from "../../src/config/org.load.ts";
import type { Organisation } from "../../src/config/org.schema.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { OrgRepository } from "../../src/modules/org/org.repository.ts";
import { createCipher, generateKeySpec } from "../../src/privacy/crypto.ts";
import { type Kv, SlackDeliverer, type SlackWeb } from "../../src/slack/deliver.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { deliverDeps, dropKeys, offerDirectly, seedWaitingCase } from "./slack-fixtures.ts";

const CHANNEL = "C0FIRSTCT1";
let db: TestDb;
let redis: Redis;
const cipher = createCipher(generateKeySpec("t"));
const prefix = `t-first-contact-${randomBytes(3).toString("hex")}`;
const posts: Record<string, unknown>[] = [];
let seq = 0;
const web: SlackWeb = {
  conversations: { open: async (a) => ({ channel: { id: `D${a.users}` } }) },
  chat: {
    postMessage: async (a) => {
      posts.push(a);
      return { ts: `1700000100.${String(++seq).padStart(6, "0")}`, channel: a.channel };
    },
    update: async () => ({ ok: true }),
  },
  views: { publish: async () => ({ ok: true }) },
};
const job = () => ({ token: "tok", moveToDelayed: async () => {} });

async function deliverer(org: Organisation): Promise<SlackDeliverer> {
  const i18n = await createI18n();
  return new SlackDeliverer(
    deliverDeps({ db: db.prisma, org, cipher, i18n, web, kv: redis as unknown as Kv, prefix }),
  );
}

let plain: Organisation;
let withChannel: Organisation;
beforeAll(async () => {
  db = await createTestDb("slack_first_contact");
  plain = await loadOrganisation("orgs/bielefeld.yaml");
  withChannel = { ...plain, regions: plain.regions.map((r) => ({ ...r, firstContactChannel: CHANNEL })) };
  await new OrgRepository(db.prisma).sync(plain);
  redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
});
afterAll(async () => {
  await dropKeys(redis, `${prefix}:*`);
  redis.disconnect();
  await db.drop();
});
const clearRate = () => dropKeys(redis, `${prefix}:slack:rate:*`);
const message = (caseId: string, text: string) =>
  db.prisma.relayedMessage.create({
    data: { caseId, direction: "client_to_staff", body: cipher.encrypt(text), author: "client" },
  });

describe("a waiting client's message in Slack", () => {
  it("goes once, escaped, to the region's first-contact channel with reference code and pseudonym", async () => {
    await clearRate();
    const d = await deliverer(withChannel);
    const s = await seedWaitingCase(db.prisma, cipher, { slackRelay: true, displayName: "Amal Haddad" });
    const client = await db.prisma.client.findUniqueOrThrow({ where: { id: s.clientId } });
    const m = await message(s.caseId, "Wann bin ich dran? <!channel> <@U123> & danke");
    expect(await d.run({ kind: "thread_message", refId: m.id, key: `relay.${m.id}` }, job())).toBe("posted");
    expect(await d.run({ kind: "thread_message", refId: m.id, key: `relay.${m.id}` }, job())).toBe("already");
    const mine = posts.filter((p) => String(p.text).includes(s.referenceCode));
    expect(mine).toHaveLength(1);
    const post = mine[0]!;
    expect(post.channel).toBe(CHANNEL);
    expect(post.thread_ts).toBeUndefined();
    expect(post.link_names).toBe(false);
    const text = String(post.text);
    expect(text).toContain(client.pseudonym);
    expect(text).toContain("Wann bin ich dran?");
    // what the client typed cannot ping anyone or break the markup
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<@U123>");
    expect(text).toContain("&amp;");
    expect(text).not.toContain("Amal");
    const row = await db.prisma.relayedMessage.findUniqueOrThrow({ where: { id: m.id } });
    expect(row.slackChannel).toBe(CHANNEL);
    expect(row.slackTs).not.toBeNull();
    const audit = await db.prisma.auditLog.findFirstOrThrow({
      where: { caseId: s.caseId, action: "personal_data.relayed" },
    });
    expect(audit.data).toEqual({ surface: "slack_first_contact", relayedMessageId: m.id });

    // accepted later: the case manager's thread gets what comes after, not the first-contact copy again
    const a = await offerDirectly(db.prisma, s.caseId, "katarzyna-nowak");
    await db.prisma.assignment.update({
      where: { id: a },
      data: { status: "accepted", decidedAt: new Date() },
    });
    await db.prisma.case.update({
      where: { id: s.caseId },
      data: { phase: "first_consultation", cmId: "katarzyna-nowak" },
    });
    await clearRate();
    await d.run({ kind: "assignment_card", refId: a, key: `card-${a}` }, job());
    expect(await d.run({ kind: "thread_held", refId: s.caseId, key: "h" }, job())).toBe("nothing_held");
    await clearRate();
    const after = await message(s.caseId, "Danke für die Zusage");
    expect(await d.run({ kind: "thread_message", refId: after.id, key: `relay.${after.id}` }, job())).toBe(
      "posted",
    );
    const card = await db.prisma.assignment.findUniqueOrThrow({ where: { id: a } });
    const inThread = posts.filter((p) => p.thread_ts === card.slackTs);
    expect(inThread.map((p) => String(p.text).includes("Danke für die Zusage"))).toEqual([true]);
  });

  it("where the region names no first-contact channel the message stays held, as before", async () => {
    await clearRate();
    const d = await deliverer(plain);
    const s = await seedWaitingCase(db.prisma, cipher, { slackRelay: true });
    const m = await message(s.caseId, "Hallo?");
    expect(await d.run({ kind: "thread_message", refId: m.id, key: `relay.${m.id}` }, job())).toBe("held");
    expect(posts.some((p) => String(p.text).includes(s.referenceCode))).toBe(false);
  });
});
