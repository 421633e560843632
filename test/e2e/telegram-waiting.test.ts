// A client still waiting for a case manager can write (issue 13.4): with relay consent the text is
// stored encrypted and queued (ids only) for the first-contact channel of the client's region, and the
// client hears that the first-contact team reads it; without consent nothing is stored. Stickers,
// locations, photos and the like get one explanation and are not stored.
import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFallbackFeature } from "../../src/app/features/intake.ts";
import { relayFeature } from "../../src/telegram/features/relay.ts";
import { render } from "../../src/telegram/features/shared.ts";
import { seedAssignedCase } from "../support/appointments.ts";
import { createHarness, type Harness, relayConsent, textOf } from "./telegram-harness.ts";

const CHANNEL = "C0FIRSTCT1";
let h: Harness;
beforeAll(async () => {
  h = await createHarness("tg_waiting", {
    features: [relayFeature, clientFallbackFeature],
    org: (o) => ({ ...o, regions: o.regions.map((r) => ({ ...r, firstContactChannel: CHANNEL })) }),
  });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const db = () => h.db.prisma;
const consent = (clientId: string, granted: boolean) => relayConsent(h, clientId, granted);
/** a case on the wait list: no case manager, no thread (not on the matching's wait list either) */
async function waitingCase(
  telegramUserId: number,
  locale: string,
  phase: "waiting" | "pending_acceptance" = "waiting",
) {
  const c = await seedAssignedCase(db(), { telegramUserId, locale });
  await db().case.update({ where: { id: c.caseId }, data: { phase, cmId: null } });
  return db().case.findUniqueOrThrow({ where: { id: c.caseId } });
}

describe.concurrent("a waiting client writes", () => {
  for (const [id, phase] of [
    [8501, "waiting"],
    [8502, "pending_acceptance"],
  ] as const)
    it(`${phase}, with relay consent: stored encrypted, queued for the first-contact channel`, async () => {
      const kase = await waitingCase(id, "ar", phase);
      await consent(kase.clientId, true);
      const p = h.person({ id, languageCode: "ar" });
      await p.say("متى يأتي دوري؟");
      await p.waitText(
        render(h.system.ctx, "ar", "relay.firstContact", { referenceCode: kase.referenceCode }),
      );
      const row = await db().relayedMessage.findFirstOrThrow({ where: { caseId: kase.id } });
      expect(row.direction).toBe("client_to_staff");
      expect(h.system.ctx.cipher.decrypt(row.body)).toBe("متى يأتي دوري؟");
      // the case manager's contact clock is not touched by the first-contact team
      expect((await db().case.findUniqueOrThrow({ where: { id: kase.id } })).lastContactAt).toBeNull();
      const producer = h.system.ctx.producer;
      const job = await producer.queue("slack-out").getJob(
        producer.jobIdOf("slack.deliver", {
          kind: "thread_message",
          refId: row.id,
          key: `relay.${row.id}`,
        }),
      );
      // ids only in the payload: no text, no channel, no name
      expect(job?.data).toEqual({ kind: "thread_message", refId: row.id, key: `relay.${row.id}` });
    });

  it("without relay consent: the ordinary answer, nothing stored", async () => {
    const kase = await waitingCase(8503, "en");
    await consent(kase.clientId, false);
    const p = h.person({ id: 8503, languageCode: "en" });
    await p.say("Any news?");
    await p.waitText(render(h.system.ctx, "en", "errors.notUnderstood"));
    expect(await db().relayedMessage.count({ where: { caseId: kase.id } })).toBe(0);
  });
});

let nextUpdateId = 900_000;
const media = (userId: number, languageCode: string, content: Record<string, unknown>): Update =>
  ({
    update_id: nextUpdateId++,
    message: {
      message_id: nextUpdateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: "private", first_name: "M" },
      from: { id: userId, is_bot: false, first_name: "M", language_code: languageCode },
      ...content,
    },
  }) as unknown as Update;

describe("what the bot cannot carry", () => {
  const kinds: [string, Record<string, unknown>][] = [
    [
      "sticker",
      {
        sticker: {
          file_id: "s",
          file_unique_id: "s",
          type: "regular",
          width: 1,
          height: 1,
          is_animated: false,
          is_video: false,
        },
      },
    ],
    ["location", { location: { latitude: 52.02, longitude: 8.53 } }],
    [
      "poll",
      {
        poll: {
          id: "p",
          question: "?",
          options: [],
          total_voter_count: 0,
          is_closed: false,
          is_anonymous: true,
          type: "regular",
          allows_multiple_answers: false,
        },
      },
    ],
    ["contact", { contact: { phone_number: "+4952112345", first_name: "A" } }],
    ["dice", { dice: { emoji: "🎲", value: 3 } }],
    ["video note", { video_note: { file_id: "v", file_unique_id: "v", length: 1, duration: 1 } }],
    ["photo", { photo: [{ file_id: "f", file_unique_id: "f", width: 1, height: 1 }] }],
    ["document", { document: { file_id: "d", file_unique_id: "d" } }],
  ];
  for (const [i, [name, content]] of kinds.entries())
    it(`a ${name} from a waiting client with relay consent gets the explanation, nothing is stored`, async () => {
      const id = 8600 + i;
      const lng = i % 2 ? "fa" : "de-simple";
      const kase = await waitingCase(id, lng);
      await consent(kase.clientId, true);
      await h.system.bot!.handleUpdate(media(id, lng, content));
      const texts = h.server.storage.botMessages
        .filter((m) => String(m.message.chat_id) === String(id))
        .map(textOf);
      expect(texts).toEqual([render(h.system.ctx, lng, "errors.unsupportedMedia")]);
      expect(await db().relayedMessage.count({ where: { caseId: kase.id } })).toBe(0);
    });
});
