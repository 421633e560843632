// Persistence of the intake: the resumable conversation (Conversation row: step + draft JSON), the
// submitted Intake, and the few Client fields the Telegram front door keeps (locale, status message).
// The draft may hold a first name and a phone number: both are encrypted with the field cipher before
// they touch the table.
import type { Db } from "../../db/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import type { FieldCipher } from "../../privacy/crypto.ts";
import type { ClientLocale, IntakeAnswers } from "./answers.ts";
import { type FlowState, flowStateSchema } from "./flow.ts";
import { generateReferenceCode } from "./reference-code.ts";

export const CONVERSATION_FLOW = "intake";

export class AlreadySubmittedError extends Error {
  override readonly name = "AlreadySubmittedError";
}

export interface Recipient {
  locale: string;
  chatId: number;
  statusMessageId: number | null;
}

export const isUniqueViolation = (e: unknown): boolean =>
  e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";

export class IntakeRepository {
  constructor(
    private readonly db: Db,
    private readonly cipher: FieldCipher,
  ) {}

  // ── the conversation ──

  /** The JSON stored in Conversation.draft: the flow state with the name encrypted. */
  serialize(state: FlowState): Prisma.InputJsonValue {
    const { displayName, phone, ...draft } = state.draft;
    return {
      v: 1,
      editing: state.editing,
      ...(state.messageId ? { messageId: state.messageId } : {}),
      draft: {
        ...draft,
        ...(displayName ? { displayNameEnc: this.cipher.encrypt(displayName) } : {}),
        ...(phone ? { phoneEnc: this.cipher.encrypt(phone) } : {}),
      },
    } as Prisma.InputJsonValue;
  }

  /** The Conversation row's step and draft columns for a state. */
  toRow(state: FlowState): { step: string; draft: Prisma.InputJsonValue } {
    return { step: `${CONVERSATION_FLOW}:${state.step}`, draft: this.serialize(state) };
  }

  /** Undefined for a row that does not parse (an older format, or edited by hand). */
  deserialize(step: string, json: unknown): FlowState | undefined {
    if (!step.startsWith(`${CONVERSATION_FLOW}:`) || typeof json !== "object" || json === null)
      return undefined;
    const raw = json as { editing?: unknown; messageId?: unknown; draft?: Record<string, unknown> };
    const { displayNameEnc, phoneEnc, ...draft } = raw.draft ?? {};
    const open = (enc: unknown): string | undefined => {
      if (typeof enc !== "string") return undefined;
      try {
        return this.cipher.decrypt(enc);
      } catch {
        return undefined; // the key is gone: ask again rather than fail
      }
    };
    const displayName = open(displayNameEnc);
    const phone = open(phoneEnc);
    const parsed = flowStateSchema.safeParse({
      step: step.slice(CONVERSATION_FLOW.length + 1),
      editing: raw.editing,
      messageId: raw.messageId,
      draft: { ...draft, ...(displayName ? { displayName } : {}), ...(phone ? { phone } : {}) },
    });
    return parsed.success ? parsed.data : undefined;
  }

  async loadConversation(
    clientId: string,
  ): Promise<{ state: FlowState; version: Date } | { corrupt: true; version: Date } | undefined> {
    const row = await this.db.conversation.findUnique({ where: { clientId } });
    if (!row) return undefined;
    const state = this.deserialize(row.step, row.draft);
    return state ? { state, version: row.updatedAt } : { corrupt: true, version: row.updatedAt };
  }

  async hasConversation(clientId: string): Promise<boolean> {
    return (await this.db.conversation.count({ where: { clientId } })) > 0;
  }

  /** Creates or replaces the conversation (a fresh start). */
  async startConversation(clientId: string, state: FlowState): Promise<void> {
    const data = this.toRow(state);
    await this.db.conversation.upsert({ where: { clientId }, create: { clientId, ...data }, update: data });
  }

  /**
   * Saves the state if nobody else saved since `version` was read (optimistic: a second process or
   * a double tap loses instead of overwriting). False when the row changed or is gone.
   */
  async saveConversation(clientId: string, state: FlowState, version: Date): Promise<boolean> {
    const res = await this.db.conversation.updateMany({
      where: { clientId, updatedAt: version },
      data: this.toRow(state),
    });
    return res.count === 1;
  }

  /**
   * Remembers which Telegram message shows the current question (so its buttons can be removed once
   * it is answered by typing). Bookkeeping only: it does not count as a change of the conversation.
   */
  async rememberMessage(clientId: string, messageId: number): Promise<void> {
    await this.db
      .$executeRaw`UPDATE "Conversation" SET "draft" = jsonb_set("draft", '{messageId}', to_jsonb(${messageId}::int), true) WHERE "clientId" = ${clientId}::uuid`;
  }

  async deleteConversation(clientId: string): Promise<boolean> {
    return (await this.db.conversation.deleteMany({ where: { clientId } })).count > 0;
  }

  // ── submit ──

  /**
   * One transaction: the Intake row (enums only), the client's district and encrypted name, what the
   * person told about themselves (country, status category, year of arrival: only the answers given,
   * so a skipped or not asked step keeps what a case manager may have filled in; the phone number
   * encrypted), and the end of the conversation. Throws AlreadySubmittedError when the conversation is gone (double tap).
   * The reference code is unique; a collision is retried with a new code.
   */
  async submit(args: {
    clientId: string;
    answers: IntakeAnswers;
    referencePrefix: string;
    now: Date;
    newCode?: (prefix: string) => string;
  }): Promise<{ intakeId: string; referenceCode: string }> {
    const { clientId, answers: a, now } = args;
    const newCode = args.newCode ?? generateReferenceCode;
    for (let attempt = 0; attempt < 8; attempt++) {
      const referenceCode = newCode(args.referencePrefix);
      try {
        return await this.db.$transaction(async (tx) => {
          const ended = await tx.conversation.deleteMany({ where: { clientId } });
          if (ended.count === 0) throw new AlreadySubmittedError("no questionnaire in progress");
          const client = await tx.client.update({
            where: { id: clientId },
            data: {
              districtId: a.districtId,
              displayName: a.displayName ? this.cipher.encrypt(a.displayName) : null,
              ...(a.phone ? { phone: this.cipher.encrypt(a.phone) } : {}),
              ...(a.originCountry ? { originCountry: a.originCountry } : {}),
              ...(a.residenceStatus ? { residenceStatus: a.residenceStatus } : {}),
              ...(a.arrivalYear !== undefined ? { arrivalYear: a.arrivalYear, arrivedBefore: null } : {}),
              ...(a.arrivedBefore !== undefined ? { arrivedBefore: a.arrivedBefore, arrivalYear: null } : {}),
              lastSeenAt: now,
            },
            select: { source: true },
          });
          const intake = await tx.intake.create({
            data: {
              clientId,
              referenceCode,
              household: a.household,
              adults: a.adults,
              children: a.children,
              districtId: a.districtId,
              topics: a.topics,
              urgency: a.urgency,
              languages: a.languages,
              existingSupport: a.existingSupport,
              contactModes: a.contactModes,
              timesOfDay: a.timesOfDay,
              source: client.source,
              submittedAt: now,
            },
            select: { id: true },
          });
          return { intakeId: intake.id, referenceCode };
        });
      } catch (e) {
        if (isUniqueViolation(e)) continue;
        throw e;
      }
    }
    throw new Error("no free reference code after 8 attempts");
  }

  /** Whether the client ever submitted a questionnaire (then the "about you" steps are not asked). */
  async hasIntake(clientId: string): Promise<boolean> {
    return (await this.db.intake.count({ where: { clientId } })) > 0;
  }

  async latestIntake(
    clientId: string,
  ): Promise<{ id: string; referenceCode: string; submittedAt: Date } | null> {
    return this.db.intake.findFirst({
      where: { clientId },
      orderBy: { submittedAt: "desc" },
      select: { id: true, referenceCode: true, submittedAt: true },
    });
  }

  /**
   * Intakes that have no triage outcome yet, oldest first: a sweep re-enqueues `intake.triage` for
   * them (the job id is deterministic, so a job still in the queue is not duplicated).
   */
  async intakesWithoutTriage(
    opts: { submittedBefore?: Date; limit?: number } = {},
  ): Promise<{ id: string }[]> {
    return this.db.intake.findMany({
      where: { triage: null, ...(opts.submittedBefore ? { submittedAt: { lt: opts.submittedBefore } } : {}) },
      orderBy: { submittedAt: "asc" },
      take: opts.limit ?? 500,
      select: { id: true },
    });
  }

  // ── the client's Telegram side ──

  async setLocale(clientId: string, locale: ClientLocale): Promise<void> {
    await this.db.client.update({ where: { id: clientId }, data: { locale } });
  }

  async recipient(clientId: string): Promise<Recipient | undefined> {
    const c = await this.db.client.findUnique({
      where: { id: clientId },
      select: { locale: true, telegramChatId: true, statusMessageId: true, erasedAt: true },
    });
    if (!c || c.erasedAt || c.telegramChatId === null) return undefined;
    return { locale: c.locale, chatId: Number(c.telegramChatId), statusMessageId: c.statusMessageId };
  }

  async setStatusMessageId(clientId: string, messageId: number): Promise<void> {
    await this.db.client.update({ where: { id: clientId }, data: { statusMessageId: messageId } });
  }

  /** Outbound sends are recorded once delivered, so a retried job does not send twice. */
  async wasSent(key: string): Promise<boolean> {
    return (await this.db.idempotencyKey.count({ where: { key: `tg.send:${key}` } })) > 0;
  }

  async markSent(key: string, messageId: number): Promise<void> {
    await this.db.idempotencyKey
      .create({ data: { key: `tg.send:${key}`, scope: "telegram.send", result: { messageId } } })
      .catch((e: unknown) => {
        if (!isUniqueViolation(e)) throw e;
      });
  }

  /**
   * The decrypted text of a staff message relayed to this client (Slack → Telegram), if it is one of
   * their case's messages; undefined otherwise (wrong client, gone, or not decryptable).
   */
  async relayedMessageFor(clientId: string, relayedMessageId: string): Promise<string | undefined> {
    const m = await this.db.relayedMessage.findFirst({
      where: { id: relayedMessageId, direction: "staff_to_client", case: { clientId } },
      select: { body: true },
    });
    if (!m) return undefined;
    try {
      return this.cipher.decrypt(m.body);
    } catch {
      return undefined;
    }
  }

  async markRelayedDelivered(relayedMessageId: string, telegramMessageId: number, now: Date): Promise<void> {
    await this.db.relayedMessage.updateMany({
      where: { id: relayedMessageId, deliveredAt: null },
      data: { deliveredAt: now, telegramMessageId },
    });
  }
}
