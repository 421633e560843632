// Bad input, on purpose: more than a thousand malformed, random, forged and out-of-place updates go
// straight into the bot (bot.handleUpdate, its API pointed at telegram-test-api so replies succeed).
// Nothing may crash, no handler may fail, no promise may be left rejected, nothing half-saved may
// remain; afterwards a normal /start still works. Then the single rules, one by one.
import type { Update } from "grammy/types";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFallbackFeature, createIntakeFeature } from "../../src/app/features/intake.ts";
import { CLIENT_LOCALES } from "../../src/modules/intake/answers.ts";
import { ConsentRepository } from "../../src/modules/intake/consent.repository.ts";
import { initialState, STEP_CODES, STEPS } from "../../src/modules/intake/flow.ts";
import { IntakeRepository } from "../../src/modules/intake/intake.repository.ts";
import { render } from "../../src/telegram/features/shared.ts";
import { consentCb, createHarness, type Harness, textOf } from "./telegram-harness.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
const FUZZ_UPDATES = 1200;

let h: Harness;
const logLines: string[] = [];
let unhandled = 0;
const onUnhandled = () => {
  unhandled++;
};
const apiCalls: { method: string; payload: Record<string, unknown> }[] = [];

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  const log = pino({ level: "warn" }, { write: (s: string) => void logLines.push(s) });
  // the real flood limits here (the other e2e files lift them for their scripted people)
  h = await createHarness("tg_fuzz", { features: [createIntakeFeature(), clientFallbackFeature], log });
  h.system.bot!.api.config.use(async (prev, method, payload, signal) => {
    apiCalls.push({ method, payload: payload as Record<string, unknown> });
    return prev(method, payload, signal);
  });
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await h?.close();
});

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let nextUpdateId = 2_000_000_000;
const now = () => Math.floor(Date.now() / 1000);

function fuzzUpdates(n: number, seed: number): Update[] {
  const rnd = prng(seed);
  const int = (k: number) => Math.floor(rnd() * k);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const ascii = (len: number) =>
    Array.from({ length: len }, () => String.fromCharCode(33 + int(94))).join("");
  const unicode = (len: number) =>
    Array.from({ length: len }, () =>
      String.fromCodePoint(
        pick([
          0x41 + int(26),
          0x627 + int(20),
          0x410 + int(32),
          0x200f,
          0x200b,
          0x1f600 + int(40),
          0x3c,
          0x26,
          0x0a,
          0x20,
          0xfeff,
        ]),
      ),
    ).join("");
  const users = Array.from({ length: 200 }, (_, i) => ({
    id: 100_000 + i,
    is_bot: false,
    first_name: `F${i}`,
    ...(i % 7 === 0 ? {} : { language_code: pick(["ar", "uk", "de", "en", "fa", "xx", "pt-br", "ckb"]) }),
  }));
  const sign = (p: string) => h.codec.encode(p);
  const flip = (s: string) => {
    const i = int(s.length);
    return s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
  };
  const stepCodes = [...Object.values(STEP_CODES), "zz", ""];
  const signedPayload = (): string =>
    pick([
      () => `l:${pick([...CLIENT_LOCALES, "xx", "", "de-simple"])}`,
      () => `s:${pick(["go", "lang", "cont", "new", "x"])}`,
      () =>
        `c:${pick(["t", "y", "n", "r", "q"])}:${pick(["00", "01", "10", "11", "2", "", "ar", "en", "xx"])}`,
      // well-formed consent states (valid bits and fingerprint) and near misses
      () =>
        pick([
          consentCb(h.org, pick(["t", "y"] as const), {
            slack: pick([true, false]),
            partners: h.org.referralTargets.filter(() => pick([true, false])).map((r) => r.id),
          }),
          `${consentCb(h.org, "y")}0`,
          consentCb(h.org, "t").replace(/:[0-9a-z]{4}$/, ":zzzz"),
        ]),
      () => `k:${pick(["cm", "ps", "sr", "cmx", "keep", "zz"])}:${pick(["0", "1", "2", ""])}`,
      () =>
        `k:${pick(["po", "pw"])}:${pick([...h.org.referralTargets.map((r) => r.id), "nasa", ""])}:${pick(["0", "1", "2", ""])}`,
      () =>
        `i:${pick(stepCodes)}:${pick(["c", "t", "y", "u", "d", "n", "b", "s", "e", "x", "z"])}:${pick(["work", "single", "family", "2", "0", "99", "-1", "mitte", "atlantis", "topics", "household", "ar", "eviction", ""])}`,
      () => ascii(1 + int(50)).replace(/\./g, ":"),
    ])();
  const privateChat = (u: (typeof users)[number]) => ({
    id: u.id,
    type: "private" as const,
    first_name: u.first_name,
  });
  const group = (u: (typeof users)[number]) => ({
    id: -(5_000 + (u.id % 13)),
    type: pick(["group", "supergroup"] as const),
    title: "G",
  });
  const msgBase = (u: (typeof users)[number], chat: object) => ({
    message_id: 1 + int(100_000),
    date: now(),
    chat,
    from: u,
  });
  const commands = [
    "/start",
    "/start bi-heepen",
    `/start ${ascii(1 + int(70))}`,
    "/status",
    "/language",
    "/consent",
    "/cancel",
    "/help",
    "/mydata",
    "/delete",
    "/foo",
    "/start@TestNameBot",
    "/",
  ];

  const out: Update[] = [];
  for (let i = 0; i < n; i++) {
    const u = int(4) === 0 ? users[int(STEPS.length * 2)]! : pick(users);
    const update_id = nextUpdateId++;
    const kind = int(20);
    let up: Record<string, unknown>;
    switch (kind) {
      case 0:
      case 1:
        up = { message: { ...msgBase(u, privateChat(u)), text: unicode(1 + int(40)) } };
        break;
      case 2:
        up = { message: { ...msgBase(u, privateChat(u)), text: unicode(4097 + int(3000)) } };
        break;
      case 3:
      case 4: {
        const text = pick(commands);
        up = {
          message: {
            ...msgBase(u, privateChat(u)),
            text,
            entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }],
          },
        };
        break;
      }
      case 5:
        up = {
          callback_query: {
            id: String(update_id),
            from: u,
            chat_instance: "x",
            data: ascii(int(80)),
            message: { ...msgBase(u, privateChat(u)), text: "q" },
          },
        };
        break;
      case 6:
        up = {
          callback_query: {
            id: String(update_id),
            from: u,
            chat_instance: "x",
            data: flip(sign(signedPayload().slice(0, 53) || "x")),
            message: { ...msgBase(u, privateChat(u)), text: "q" },
          },
        };
        break;
      case 7:
      case 8:
      case 9:
      case 10: {
        const payload = signedPayload().slice(0, 53) || "x";
        const message = int(4) === 0 ? {} : { message: { ...msgBase(u, privateChat(u)), text: "q" } };
        up = {
          callback_query: {
            id: String(update_id),
            from: u,
            chat_instance: "x",
            data: sign(payload),
            ...message,
          },
        };
        break;
      }
      case 11:
        up = {
          message: {
            ...msgBase(u, privateChat(u)),
            ...pick([
              {
                sticker: {
                  file_id: "s",
                  file_unique_id: "s",
                  type: "regular",
                  width: 512,
                  height: 512,
                  is_animated: false,
                  is_video: false,
                },
              },
              { photo: [{ file_id: "p", file_unique_id: "p", width: 90, height: 90 }], caption: unicode(10) },
              { voice: { file_id: "v", file_unique_id: "v", duration: 3 } },
              { document: { file_id: "d", file_unique_id: "d" } },
              { location: { latitude: 52.02, longitude: 8.53 } },
              { contact: { phone_number: "+49 170 0000000", first_name: "X" } },
              { new_chat_members: [u] },
              { pinned_message: { message_id: 1, date: now(), chat: privateChat(u) } },
            ]),
          },
        };
        break;
      case 12:
      case 13: {
        const text = pick(["hello", "/start", "/status", unicode(20)]);
        up = {
          message: {
            ...msgBase(u, group(u)),
            text,
            ...(text.startsWith("/")
              ? { entities: [{ type: "bot_command", offset: 0, length: text.length }] }
              : {}),
          },
        };
        break;
      }
      case 14:
        up = { edited_message: { ...msgBase(u, privateChat(u)), edit_date: now(), text: unicode(12) } };
        break;
      case 15:
        up = {
          channel_post: {
            message_id: 1,
            date: now(),
            chat: { id: -100123, type: "channel", title: "C" },
            text: "post",
          },
        };
        break;
      case 16:
        up = {
          my_chat_member: {
            chat: privateChat(u),
            from: u,
            date: now(),
            old_chat_member: { status: "member", user: { id: 666, is_bot: true, first_name: "Bot" } },
            new_chat_member: {
              status: "kicked",
              user: { id: 666, is_bot: true, first_name: "Bot" },
              until_date: 0,
            },
          },
        };
        break;
      case 17:
        up = {
          callback_query: {
            id: String(update_id),
            from: u,
            chat_instance: "x",
            data: sign("c:n"),
            inline_message_id: "abc",
          },
        };
        break;
      case 18:
        up = {
          callback_query: {
            id: String(update_id),
            from: u,
            chat_instance: "x",
            data: sign(signedPayload().slice(0, 53) || "x"),
            message: { ...msgBase(u, group(u)), text: "q" },
          },
        };
        break;
      default: {
        // a duplicate of an earlier update (Telegram redelivers)
        const earlier = out.length ? pick(out) : undefined;
        up = earlier ? { ...earlier } : { message: { ...msgBase(u, privateChat(u)), text: "dup" } };
        if (earlier) {
          out.push(earlier);
          continue;
        }
      }
    }
    out.push({ update_id, ...up } as unknown as Update);
  }
  return out;
}

async function feed(updates: Update[], concurrency = 16): Promise<number> {
  let thrown = 0;
  for (let i = 0; i < updates.length; i += concurrency)
    await Promise.all(
      updates.slice(i, i + concurrency).map((u) =>
        h.system.bot!.handleUpdate(u).catch((e: unknown) => {
          thrown++;
          console.error("handleUpdate threw", (e as Error).message);
        }),
      ),
    );
  return thrown;
}

const update = (u: Record<string, unknown>): Update =>
  ({ update_id: nextUpdateId++, ...u }) as unknown as Update;
const privateText = (userId: number, text: string, languageCode = "en") =>
  update({
    message: {
      message_id: 1,
      date: now(),
      chat: { id: userId, type: "private", first_name: "X" },
      from: { id: userId, is_bot: false, first_name: "X", language_code: languageCode },
      text,
    },
  });
const botMessagesTo = (chatId: number) =>
  h.server.storage.botMessages.filter((m) => String(m.message.chat_id) === String(chatId));

describe("fuzz", () => {
  it(`${FUZZ_UPDATES} malformed and random updates: no crash, no failed handler, nothing half-saved`, async () => {
    // some of the fuzzing people are clients in the middle of the questionnaire, at every step, so
    // forged-but-signed intake buttons meet real states
    const consents = new ConsentRepository(h.db.prisma);
    const repo0 = new IntakeRepository(h.db.prisma, h.system.ctx.cipher);
    const complete = {
      ...initialState({ locale: "en" }).draft,
      household: "family" as const,
      adults: 2,
      children: 1,
      districtId: "mitte",
      topics: ["work" as const],
      contactModes: ["phone" as const],
      timesOfDay: ["morning" as const],
    };
    for (let i = 0; i < STEPS.length * 2; i++) {
      const step = STEPS[i % STEPS.length]!;
      await consents.register({
        telegramUserId: 100_000 + i,
        chatId: 100_000 + i,
        locale: "en",
        // a decision for every office, as the consent screen records them
        partners: h.org.referralTargets.map((r, j) => ({ partnerId: r.id, granted: i % 2 === 0 && j === 0 })),
        slack: false,
        conversation: repo0.toRow({ step, editing: i >= STEPS.length, draft: complete }),
        now: new Date(),
      });
    }
    const updates = fuzzUpdates(FUZZ_UPDATES, SEED);
    expect(updates.length).toBeGreaterThanOrEqual(1000);
    const thrown = await feed(updates);
    await new Promise((r) => setTimeout(r, 100));

    expect(thrown, `seed ${SEED}`).toBe(0);
    expect(unhandled, `seed ${SEED}`).toBe(0);
    const failures = logLines.filter((l) => /telegram handler failed|telegram error/.test(l));
    expect(failures, `seed ${SEED}: ${failures.slice(0, 3).join("\n")}`).toEqual([]);
    // the bot did answer: the Bot API peer holds replies to the fuzzing chats
    expect(h.server.storage.botMessages.length).toBeGreaterThan(100);

    // invariants: every client agreed to case management (a row per purpose), every stored draft is
    // readable, and no intake exists without a client who consented
    const repo = new IntakeRepository(h.db.prisma, h.system.ctx.cipher);
    const clients = await h.db.prisma.client.findMany({
      include: { consents: true, conversation: true, intakes: true },
    });
    for (const c of clients) {
      expect(new Set(c.consents.map((k) => k.purpose))).toEqual(
        new Set(["case_management", "partner_sharing", "slack_relay"]),
      );
      expect(c.consents.some((k) => k.purpose === "case_management" && k.granted)).toBe(true);
      if (c.conversation) expect(await repo.loadConversation(c.id)).toHaveProperty("state");
    }
    const orphans = await h.db.sql.query(
      `SELECT count(*)::int AS n FROM "Conversation" v LEFT JOIN "Client" c ON c.id = v."clientId" WHERE c.id IS NULL`,
    );
    expect(orphans.rows[0].n).toBe(0);
  }, 120_000);

  it("afterwards, a normal /start through the Bot API still works", async () => {
    const p = h.person({ id: 9001, languageCode: "de" });
    await p.command("/start");
    await p.step("l:de", "s:go");
    await p.step("s:go", "c:y:");
    await p.step(consentCb(h.org, "y"), "i:hh:");
  });
});

describe("bad input, rule by rule", () => {
  it("a flood earns one 'slow down', the rest is dropped", async () => {
    const id = 8001;
    const updates = Array.from({ length: 30 }, (_, i) => privateText(id, `spam ${i}`));
    for (const u of updates) await h.system.bot!.handleUpdate(u);
    const texts = botMessagesTo(id).map(textOf);
    expect(texts.filter((t) => t === render(h.system.ctx, "en", "errors.slowDown"))).toHaveLength(1);
    expect(texts.length).toBeLessThanOrEqual(21);
    // still blocked for a while: the next message gets no answer
    await h.system.bot!.handleUpdate(privateText(id, "still here?"));
    expect(botMessagesTo(id)).toHaveLength(texts.length);
  });

  it("a group hears 'write to me privately' once; edits and channel posts are ignored", async () => {
    const groupId = -777;
    for (let i = 0; i < 4; i++)
      await h.system.bot!.handleUpdate(
        update({
          message: {
            message_id: i + 1,
            date: now(),
            chat: { id: groupId, type: "group", title: "Helpers" },
            from: { id: 8100 + i, is_bot: false, first_name: "G", language_code: "de" },
            text: "/start",
            entities: [{ type: "bot_command", offset: 0, length: 6 }],
          },
        }),
      );
    expect(botMessagesTo(groupId).map(textOf)).toEqual([render(h.system.ctx, "de", "errors.privateOnly")]);

    await h.system.bot!.handleUpdate(
      update({
        edited_message: {
          message_id: 5,
          date: now(),
          edit_date: now(),
          chat: { id: 8200, type: "private", first_name: "E" },
          from: { id: 8200, is_bot: false, first_name: "E" },
          text: "changed",
        },
      }),
    );
    expect(botMessagesTo(8200)).toHaveLength(0);
  });

  it("stickers, photos and voice get a short answer in the person's language", async () => {
    const id = 8300;
    await h.system.bot!.handleUpdate(
      update({
        message: {
          message_id: 1,
          date: now(),
          chat: { id, type: "private", first_name: "S" },
          from: { id, is_bot: false, first_name: "S", language_code: "de" },
          voice: { file_id: "v", file_unique_id: "v", duration: 2 },
        },
      }),
    );
    expect(botMessagesTo(id).map(textOf)).toEqual([render(h.system.ctx, "de", "errors.unsupportedMedia")]);
  });

  it("a tampered or unsigned button is answered 'outdated' and changes nothing", async () => {
    const p = h.person({ id: 8400, languageCode: "en" });
    await p.command("/start");
    await p.step("l:en", "s:go");
    await p.step("s:go", "c:y:");
    const genuine = p.findButton(consentCb(h.org, "y"))!;
    const forged = `c:y:11.${genuine.button.data.split(".")[1]}`; // a payload change under the old signature
    apiCalls.length = 0;
    for (const data of [forged, "c:y:11", "c:y:11.AAAAAAAAAA"])
      await h.system.bot!.handleUpdate(
        update({
          callback_query: {
            id: `cb-${data}`,
            chat_instance: "x",
            data,
            from: { id: p.id, is_bot: false, first_name: "T", language_code: "en" },
            message: {
              message_id: genuine.message.messageId,
              date: now(),
              chat: { id: p.id, type: "private", first_name: "T" },
              text: "q",
            },
          },
        }),
      );
    const answers = apiCalls.filter((c) => c.method === "answerCallbackQuery");
    expect(answers).toHaveLength(3);
    for (const a of answers) expect(a.payload.text).toBe(render(h.system.ctx, "en", "errors.outdatedButton"));
    expect(await h.db.prisma.client.count({ where: { telegramUserId: BigInt(p.id) } })).toBe(0);
  });

  it("a duplicate update is processed once", async () => {
    const id = 8500;
    const u = privateText(id, "/help");
    (u.message as { entities?: unknown }).entities = [{ type: "bot_command", offset: 0, length: 5 }];
    await h.system.bot!.handleUpdate(u);
    await h.system.bot!.handleUpdate(u);
    expect(botMessagesTo(id)).toHaveLength(1);
  });

  it("unknown commands and stray text get a pointer to /help or /start", async () => {
    await h.system.bot!.handleUpdate(
      update({
        message: {
          message_id: 1,
          date: now(),
          chat: { id: 8600, type: "private", first_name: "U" },
          from: { id: 8600, is_bot: false, first_name: "U", language_code: "en" },
          text: "/bogus",
          entities: [{ type: "bot_command", offset: 0, length: 6 }],
        },
      }),
    );
    await h.system.bot!.handleUpdate(privateText(8600, "hello?"));
    expect(botMessagesTo(8600).map(textOf)).toEqual([
      render(h.system.ctx, "en", "errors.unknownCommand"),
      render(h.system.ctx, "en", "errors.notUnderstoodVisitor"),
    ]);
  });
});
