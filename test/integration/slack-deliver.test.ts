// The slack.deliver worker against a real database and Redis with a scripted Web API: a card is
// posted once and then only updated, 429 delays the job by Retry-After, about one post per second
// per channel, relayed messages respect consent, the digest goes out once per day.
import { randomBytes } from "node:crypto";
import { DelayedError } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrganisation } from "../../src/config/org.load.ts";
import type { Organisation } from "../../src/config/org.schema.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { OrgRepository } from "../../src/modules/org/org.repository.ts";
import { createCipher, generateKeySpec } from "../../src/privacy/crypto.ts";
import { type DelayableJob, type Kv, SlackDeliverer, type SlackWeb } from "../../src/slack/deliver.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { deliverDeps, offerDirectly, seedOfferedCase, seedWaitingCase } from "./slack-fixtures.ts";

let db: TestDb;
let redis: Redis;
let org: Organisation;
const cipher = createCipher(generateKeySpec("t"));
const prefix = `t-slack-deliver-${randomBytes(3).toString("hex")}`;

interface WebCall {
  method: string;
  args: Record<string, unknown>;
}
const calls: WebCall[] = [];
const homes: string[] = [];
let rateLimitNext = 0;
let seq = 0;
let postDelayMs = 0;

const web: SlackWeb = {
  conversations: { open: async (a) => ({ channel: { id: `D${a.users}` } }) },
  chat: {
    postMessage: async (a) => {
      if (rateLimitNext > 0) {
        rateLimitNext--;
        throw Object.assign(new Error("rate limited"), {
          code: "slack_webapi_rate_limited_error",
          retryAfter: 7,
        });
      }
      if (postDelayMs) await new Promise((r) => setTimeout(r, postDelayMs));
      calls.push({ method: "chat.postMessage", args: a });
      return { ts: `1700000000.${String(++seq).padStart(6, "0")}`, channel: a.channel };
    },
    update: async (a) => {
      calls.push({ method: "chat.update", args: a });
      return { ok: true };
    },
  },
  views: {
    publish: async (a) => {
      calls.push({ method: "views.publish", args: a as Record<string, unknown> });
      return { ok: true };
    },
  },
};

function job(): DelayableJob & { delayedTo: number[] } {
  const delayedTo: number[] = [];
  return {
    delayedTo,
    token: "tok",
    moveToDelayed: async (ts: number) => {
      delayedTo.push(ts);
    },
  };
}

let deliverer: SlackDeliverer;
let deps: ConstructorParameters<typeof SlackDeliverer>[0];

beforeAll(async () => {
  db = await createTestDb("slack_deliver");
  org = await loadOrganisation("orgs/bielefeld.yaml");
  await new OrgRepository(db.prisma).sync(org);
  redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  deps = deliverDeps({
    db: db.prisma,
    org,
    cipher,
    i18n: await createI18n(),
    web,
    kv: redis as unknown as Kv,
    prefix,
    outbox: { refreshHome: async (u) => void homes.push(u) },
  });

  deliverer = new SlackDeliverer(deps);
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await db.drop();
});

const clearRate = async () => {
  const keys = await redis.keys(`${prefix}:slack:rate:*`);
  if (keys.length) await redis.del(...keys);
};
const slackOf = async (cmId: string) =>
  (await db.prisma.caseManager.findUniqueOrThrow({ where: { id: cmId } })).slackUserId;

describe("assignment cards", () => {
  it("two jobs for the same new card: one posts, the other is delayed, then only updates", async () => {
    await clearRate();
    const s = await seedOfferedCase(db.prisma, cipher, "dilan-aydin");
    const id = s.assignmentId;
    postDelayMs = 150;
    const j1 = job();
    const j2 = job();
    const results = await Promise.allSettled([
      deliverer.run({ kind: "assignment_card", refId: id, key: "a" }, j1),
      deliverer.run({ kind: "assignment_update", refId: id, key: "b" }, j2),
    ]);
    postDelayMs = 0;
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(DelayedError);
    expect([...j1.delayedTo, ...j2.delayedTo]).toHaveLength(1);
    const posts = () =>
      calls.filter(
        (c) => c.method === "chat.postMessage" && JSON.stringify(c.args.blocks).includes(s.referenceCode),
      );
    expect(posts()).toHaveLength(1);
    // the delayed job runs again later: it finds the stored ts and updates
    expect(await deliverer.run({ kind: "assignment_update", refId: id, key: "b" }, job())).toBe("updated");
    expect(await deliverer.run({ kind: "assignment_card", refId: id, key: "a" }, job())).toBe("updated");
    expect(posts()).toHaveLength(1);
    const a = await db.prisma.assignment.findUniqueOrThrow({ where: { id } });
    expect(a.slackChannel).toBe(`D${await slackOf("dilan-aydin")}`);
    expect(homes).toContain(await slackOf("dilan-aydin"));
  });

  it("a 429 moves the job to delayed for Retry-After seconds, without a post", async () => {
    await clearRate();
    const s = await seedOfferedCase(db.prisma, cipher, "nasrin-rahimi");
    const id = s.assignmentId;
    rateLimitNext = 1;
    const j = job();
    const before = Date.now();
    await expect(deliverer.run({ kind: "assignment_card", refId: id, key: "c" }, j)).rejects.toBeInstanceOf(
      DelayedError,
    );
    expect(j.delayedTo).toHaveLength(1);
    expect(j.delayedTo[0]! - before).toBeGreaterThanOrEqual(7000);
    expect(j.delayedTo[0]! - before).toBeLessThan(9000);
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id } })).slackTs).toBeNull();
    await clearRate();
    expect(await deliverer.run({ kind: "assignment_card", refId: id, key: "c" }, job())).toBe("posted");
  });

  it("about one post per second per channel: a second card right away waits", async () => {
    await clearRate();
    const [s1, s2] = [await seedWaitingCase(db.prisma, cipher), await seedWaitingCase(db.prisma, cipher)];
    const id1 = await offerDirectly(db.prisma, s1.caseId, "olena-kovalenko");
    const id2 = await offerDirectly(db.prisma, s2.caseId, "olena-kovalenko");
    expect(await deliverer.run({ kind: "assignment_card", refId: id1, key: "d" }, job())).toBe("posted");
    const j = job();
    const t0 = Date.now();
    await expect(deliverer.run({ kind: "assignment_card", refId: id2, key: "e" }, j)).rejects.toBeInstanceOf(
      DelayedError,
    );
    expect(j.delayedTo[0]! - t0).toBeGreaterThan(0);
    expect(j.delayedTo[0]! - t0).toBeLessThanOrEqual(1200);
  });

  it("an offer that ended before its card was shown gets no card; unknown ids are ignored", async () => {
    const s = await seedOfferedCase(db.prisma, cipher, "mehmet-yildiz");
    const id = s.assignmentId;
    await db.prisma.assignment.update({ where: { id }, data: { status: "expired", decidedAt: new Date() } });
    expect(await deliverer.run({ kind: "assignment_update", refId: id, key: "f" }, job())).toBe("not_posted");
    expect(
      await deliverer.run(
        { kind: "assignment_card", refId: "0190a0b0-0000-7000-8000-00000000dead", key: "g" },
        job(),
      ),
    ).toBe("gone");
    expect(await deliverer.run({ kind: "assignment_card", refId: "garbage", key: "h" }, job())).toBe(
      "invalid",
    );
  });
});

describe("case threads", () => {
  async function acceptedCase(relay: boolean, cmId: string) {
    await clearRate();
    const s = await seedWaitingCase(db.prisma, cipher, { slackRelay: relay });
    const id = await offerDirectly(db.prisma, s.caseId, cmId);
    await db.prisma.assignment.update({ where: { id }, data: { status: "accepted", decidedAt: new Date() } });
    await db.prisma.case.update({ where: { id: s.caseId }, data: { phase: "first_consultation" } });
    await deliverer.run({ kind: "assignment_card", refId: id, key: `card-${id}` }, job());
    await clearRate();
    const msg = await db.prisma.relayedMessage.create({
      data: {
        caseId: s.caseId,
        direction: "client_to_staff",
        body: cipher.encrypt("Meine Adresse ist Geheimweg 5"),
        author: "client",
      },
    });
    return { s, id, msg };
  }

  it("with slack_relay consent the message appears under the accepted card, once", async () => {
    const { id, msg } = await acceptedCase(true, "katarzyna-nowak");
    const a = await db.prisma.assignment.findUniqueOrThrow({ where: { id } });
    expect(await deliverer.run({ kind: "thread_message", refId: msg.id, key: "t1" }, job())).toBe("posted");
    expect(await deliverer.run({ kind: "thread_message", refId: msg.id, key: "t1" }, job())).toBe("already");
    const posted = calls.filter((c) => c.args.thread_ts === a.slackTs);
    expect(posted).toHaveLength(1);
    expect(String(posted[0]!.args.text)).toContain("Geheimweg 5");
    expect(
      (await db.prisma.relayedMessage.findUniqueOrThrow({ where: { id: msg.id } })).deliveredAt,
    ).not.toBeNull();
  });

  it("while the case manager is absent, the named deputy gets a copy once, and nobody after the absence", async () => {
    const { s, msg } = await acceptedCase(true, "katarzyna-nowak");
    const kase = await db.prisma.case.findUniqueOrThrow({ where: { id: s.caseId } });
    const other = await db.prisma.caseManager.findFirstOrThrow({
      where: { id: { not: "katarzyna-nowak" }, active: true, teamLead: false },
    });
    const absence = await db.prisma.absence.create({
      data: {
        cmId: "katarzyna-nowak",
        deputyId: other.id,
        from: new Date(Date.now() - 86_400_000),
        to: new Date(Date.now() + 86_400_000),
      },
    });
    expect(await deliverer.run({ kind: "thread_message", refId: msg.id, key: "dep1" }, job())).toBe("posted");
    expect(await deliverer.run({ kind: "thread_message", refId: msg.id, key: "dep1" }, job())).toBe(
      "already",
    );
    const copies = calls.filter((c) => c.args.channel === `D${other.slackUserId}`);
    expect(copies).toHaveLength(1);
    expect(String(copies[0]!.args.text)).toContain("Geheimweg 5");
    expect(String(copies[0]!.args.text)).toContain(kase.referenceCode);
    expect(copies[0]!.args.link_names).toBe(false);

    await db.prisma.absence.update({ where: { id: absence.id }, data: { to: new Date(Date.now() - 1000) } });
    await clearRate();
    const later = await db.prisma.relayedMessage.create({
      data: {
        caseId: s.caseId,
        direction: "client_to_staff",
        body: cipher.encrypt("Danke"),
        author: "client",
      },
    });
    expect(await deliverer.run({ kind: "thread_message", refId: later.id, key: "dep2" }, job())).toBe(
      "posted",
    );
    expect(calls.filter((c) => c.args.channel === `D${other.slackUserId}`)).toHaveLength(1);
  });

  it("without consent the thread only says that a message arrived", async () => {
    const { id, msg } = await acceptedCase(false, "samira-haddad");
    const a = await db.prisma.assignment.findUniqueOrThrow({ where: { id } });
    expect(await deliverer.run({ kind: "thread_message", refId: msg.id, key: "t2" }, job())).toBe(
      "no_consent",
    );
    const posted = calls.filter((c) => c.args.thread_ts === a.slackTs);
    expect(posted).toHaveLength(1);
    expect(String(posted[0]!.args.text)).not.toContain("Geheimweg");
    expect(String(posted[0]!.args.text)).toContain("nicht zugestimmt");
    expect(
      (await db.prisma.relayedMessage.findUniqueOrThrow({ where: { id: msg.id } })).deliveredAt,
    ).toBeNull();
  });

  // security review 15.10: the shared relay.caseThreadChannel is readable by every member of it, so
  // client text is never opened there; it waits (stored encrypted) for the case manager's own thread
  it("a case without its case manager's thread holds the message instead of posting it in relay.caseThreadChannel", async () => {
    await clearRate();
    const s = await seedWaitingCase(db.prisma, cipher, { slackRelay: true });
    const msg = await db.prisma.relayedMessage.create({
      data: {
        caseId: s.caseId,
        direction: "client_to_staff",
        body: cipher.encrypt("Hallo?"),
        author: "client",
      },
    });
    const before = calls.length;
    expect(await deliverer.run({ kind: "thread_message", refId: msg.id, key: "t3" }, job())).toBe("held");
    expect(calls.slice(before).filter((c) => c.args.channel === org.relay.caseThreadChannel)).toEqual([]);
    expect(calls.length).toBe(before);
    const k = await db.prisma.case.findUniqueOrThrow({ where: { id: s.caseId } });
    expect(k.threadChannel).toBeNull();
    const stored = await db.prisma.relayedMessage.findUniqueOrThrow({ where: { id: msg.id } });
    expect(stored.slackTs).toBeNull();
    expect(stored.body).not.toContain("Hallo");
    expect(cipher.decrypt(stored.body)).toBe("Hallo?");
  });

  it("held messages go out in order once the accepted card (the thread) exists", async () => {
    await clearRate();
    const s = await seedWaitingCase(db.prisma, cipher, { slackRelay: true });
    const texts = ["erste Nachricht", "zweite Nachricht", "dritte Nachricht"];
    const msgs = [];
    for (const [i, text] of texts.entries())
      msgs.push(
        await db.prisma.relayedMessage.create({
          data: {
            caseId: s.caseId,
            direction: "client_to_staff",
            body: cipher.encrypt(text),
            author: "client",
            createdAt: new Date(Date.now() - 60_000 + i * 1000),
          },
        }),
      );
    // the newest message's job runs first: still held, nothing posted
    expect(await deliverer.run({ kind: "thread_message", refId: msgs[2]!.id, key: "h3" }, job())).toBe(
      "held",
    );
    const held: string[] = [];
    const outbox = {
      refreshHome: async () => {},
      deliverHeld: async (caseId: string) => void held.push(caseId),
    };
    const d2 = new SlackDeliverer({ ...deps, ports: { ...deps.ports, outbox } });
    const id = await offerDirectly(db.prisma, s.caseId, "katarzyna-nowak");
    await db.prisma.assignment.update({ where: { id }, data: { status: "accepted", decidedAt: new Date() } });
    await db.prisma.case.update({ where: { id: s.caseId }, data: { phase: "first_consultation" } });
    await d2.run({ kind: "assignment_card", refId: id, key: `card-${id}` }, job());
    expect(held).toEqual([s.caseId]);
    const a = await db.prisma.assignment.findUniqueOrThrow({ where: { id } });
    // one post per run (the channel throttle postpones the job in between), oldest first
    for (let i = 0; i < 10; i++) {
      await clearRate();
      try {
        const r = await d2.run({ kind: "thread_held", refId: s.caseId, key: "held" }, job());
        if (r !== "posted" && r !== "no_consent") break;
      } catch (e) {
        if (!(e instanceof DelayedError)) throw e;
      }
    }
    const posted = calls.filter((c) => c.args.thread_ts === a.slackTs).map((c) => String(c.args.text));
    expect(posted).toHaveLength(3);
    for (const [i, text] of texts.entries()) expect(posted[i]).toContain(text);
    expect(posted.join("\n")).not.toContain(org.relay.caseThreadChannel ?? "none");
    expect(await d2.run({ kind: "thread_held", refId: s.caseId, key: "held" }, job())).toBe("nothing_held");
    expect(await d2.run({ kind: "thread_message", refId: msgs[0]!.id, key: "h1" }, job())).toBe("already");
  });

  it("a message's own job posts the older held ones first", async () => {
    const { s, id, msg } = await acceptedCase(true, "dilan-aydin");
    const newer = await db.prisma.relayedMessage.create({
      data: {
        caseId: s.caseId,
        direction: "client_to_staff",
        body: cipher.encrypt("spaeter"),
        author: "client",
      },
    });
    const a = await db.prisma.assignment.findUniqueOrThrow({ where: { id } });
    // the newer message's job: the older one goes first, then the throttle postpones
    await expect(
      deliverer.run({ kind: "thread_message", refId: newer.id, key: "o2" }, job()),
    ).rejects.toBeInstanceOf(DelayedError);
    await clearRate();
    expect(await deliverer.run({ kind: "thread_message", refId: newer.id, key: "o2" }, job())).toBe("posted");
    const posted = calls.filter((c) => c.args.thread_ts === a.slackTs).map((c) => String(c.args.text));
    expect(posted[0]).toContain("Geheimweg 5");
    expect(posted[1]).toContain("spaeter");
    expect(
      (await db.prisma.relayedMessage.findUniqueOrThrow({ where: { id: msg.id } })).slackTs,
    ).not.toBeNull();
  });

  it("a held message blanked by erasure is never posted", async () => {
    await clearRate();
    const s = await seedWaitingCase(db.prisma, cipher, { slackRelay: true });
    const msg = await db.prisma.relayedMessage.create({
      data: {
        caseId: s.caseId,
        direction: "client_to_staff",
        body: cipher.encrypt("weg damit"),
        author: "client",
      },
    });
    expect(await deliverer.run({ kind: "thread_message", refId: msg.id, key: "e1" }, job())).toBe("held");
    // what ErasureService does to a case's messages (src/modules/privacy/erase.ts)
    await db.prisma.relayedMessage.updateMany({ where: { caseId: s.caseId }, data: { body: "" } });
    const id = await offerDirectly(db.prisma, s.caseId, "katarzyna-nowak");
    await db.prisma.assignment.update({ where: { id }, data: { status: "accepted", decidedAt: new Date() } });
    await deliverer.run({ kind: "assignment_card", refId: id, key: `card-${id}` }, job());
    await clearRate();
    expect(await deliverer.run({ kind: "thread_held", refId: s.caseId, key: "e2" }, job())).toBe(
      "nothing_held",
    );
    expect(await deliverer.run({ kind: "thread_message", refId: msg.id, key: "e1" }, job())).toBe("gone");
    expect(calls.some((c) => String(c.args.text).includes("weg damit"))).toBe(false);
  });
});

describe("notices of other features", () => {
  it("erased:<caseId> tells the case manager once, in their language", async () => {
    await clearRate();
    const s = await seedWaitingCase(db.prisma, cipher);
    await offerDirectly(db.prisma, s.caseId, "yasin-al-khatib");
    const refId = `erased:${s.caseId}`;
    expect(await deliverer.run({ kind: "notice", refId, key: "n1" }, job())).toBe("posted");
    expect(await deliverer.run({ kind: "notice", refId, key: "n1" }, job())).toBe("already");
    const dm = `D${await slackOf("yasin-al-khatib")}`;
    const posts = calls.filter((c) => c.args.channel === dm && String(c.args.text).includes(s.referenceCode));
    expect(posts).toHaveLength(1);
    expect(String(posts[0]!.args.text)).toContain("löschen lassen");
    expect(await deliverer.run({ kind: "notice", refId: "erased:", key: "n2" }, job())).toBe("invalid");
    await clearRate();
    expect(await deliverer.run({ kind: "notice", refId: `withdrawn:${s.caseId}`, key: "n3" }, job())).toBe(
      "posted",
    );
    expect(calls.at(-1)!.args.text).toContain("widerrufen");
  });

  it("report:<from>:<to>:<variant> posts the committee report to the report channel once", async () => {
    await clearRate();
    const refId = "report:2026-10-01:2026-10-31:public";
    expect(await deliverer.run({ kind: "notice", refId, key: "r1" }, job())).toBe("no_reports");
    const withReports = new SlackDeliverer({
      ...deps,
      ports: {
        ...deps.ports,
        reports: {
          markdown: async (r) =>
            `# KIM-Bericht ${r.from.toISOString().slice(0, 10)} ${r.to.toISOString().slice(0, 10)} ${r.variant}\n\ntext`,
        },
      },
    });
    expect(await withReports.run({ kind: "notice", refId, key: "r1" }, job())).toBe("posted");
    expect(await withReports.run({ kind: "notice", refId, key: "r1" }, job())).toBe("already");
    const posts = calls.filter((c) => c.args.channel === org.relay.reportChannel);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.args.text).toBe("KIM-Bericht 2026-10-01 2026-11-01 public");
    expect(JSON.stringify(posts[0]!.args.blocks)).toContain('"type":"markdown"');
  });
});

describe("digest and home", () => {
  it("posts the weekly digest to the digest channel once per day", async () => {
    await clearRate();
    expect(await deliverer.run({ kind: "digest", refId: "2026-11-23", key: "digest" }, job())).toBe("posted");
    expect(await deliverer.run({ kind: "digest", refId: "2026-11-23", key: "digest" }, job())).toBe(
      "already",
    );
    const posts = calls.filter((c) => c.args.channel === org.relay.digestChannel);
    expect(posts).toHaveLength(1);
    const text = JSON.stringify(posts[0]!.args.blocks);
    expect(text).toContain("Neue Anfragen");
    expect(text).not.toContain("Geheimweg");
  });

  it("publishes the App Home for staff and a polite view for strangers", async () => {
    const lead = await slackOf("miriam-hoffmann");
    expect(await deliverer.run({ kind: "home", refId: lead, key: "h1" }, job())).toBe("published");
    expect(await deliverer.run({ kind: "home", refId: "UNKNOWN123", key: "h2" }, job())).toBe("published");
    const views = calls.filter((c) => c.method === "views.publish");
    expect(JSON.stringify(views.at(-2)!.args.view)).toContain("Teamübersicht");
    expect(JSON.stringify(views.at(-1)!.args.view)).toContain("nicht als KIM-Mitarbeiter*in eingetragen");
  });
});

describe("daily monitoring digest", () => {
  it("DMs the member of staff once per day, reads the digest afresh, refuses malformed refs", async () => {
    await clearRate();
    const anna = await slackOf("miriam-hoffmann");
    const view = {
      slackUserId: anna,
      names: new Map([["cm-x", "Kollegin X"]]),
      digest: {
        recipientId: "miriam-hoffmann",
        own: {
          dueToday: [],
          overdue: [
            {
              caseId: "c1",
              referenceCode: "KIM-7Q2X",
              kind: "next_contact" as const,
              at: new Date(),
              lateDays: 3,
            },
          ],
          silent: [{ caseId: "c1", referenceCode: "KIM-7Q2X", days: 40 }],
          toChase: [],
        },
        deputising: [],
        team: [{ cmId: "cm-x", overdue: 2, silent: 0 }],
      },
    };
    let asked = 0;
    const d = new SlackDeliverer({
      ...deps,
      ports: {
        ...deps.ports,
        monitoring: {
          digestOf: async (id) => {
            asked++;
            return id === "miriam-hoffmann" ? view : null;
          },
          partners: new Map(),
        },
      },
    });
    const ref = "2026-12-07:miriam-hoffmann";
    expect(await d.run({ kind: "cm_digest", refId: ref, key: "m1" }, job())).toBe("posted");
    expect(await d.run({ kind: "cm_digest", refId: ref, key: "m1" }, job())).toBe("already");
    expect(await d.run({ kind: "cm_digest", refId: "2026-12-07:nobody", key: "m2" }, job())).toBe("nothing");
    expect(await d.run({ kind: "cm_digest", refId: "yesterday:<!channel>", key: "m3" }, job())).toBe(
      "invalid",
    );
    expect(asked).toBe(2);
    const posts = calls.filter((c) => c.args.channel === `D${anna}`);
    const text = JSON.stringify(posts.at(-1)!.args.blocks);
    expect(text).toContain("KIM-7Q2X");
    expect(text).toContain("Überfällig");
    expect(text).toContain("Kollegin X");
    expect(posts.at(-1)!.args.link_names).toBe(false);
  });
});
