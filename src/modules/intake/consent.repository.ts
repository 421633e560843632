// Consent per purpose, versioned and time-stamped. Each decision is a row (purpose, text version,
// granted, decidedAt); a withdrawal stamps withdrawnAt on the granted row. The current state of a
// purpose is its latest row: granted and not withdrawn = consent given.
//
// A Client row exists only once a person has agreed to case management (the required purpose):
// `register` creates it together with its three consent rows and the start of the questionnaire,
// in one transaction. Someone who declines leaves nothing in Postgres (see the feature's notes).
import type { Db, Tx } from "../../db/client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { ClientLocale } from "./answers.ts";
import { isUniqueViolation } from "./intake.repository.ts";
import { generatePseudonym } from "./reference-code.ts";

/** Version of the info sheet and consent texts (locales/<lng>/client.json, info.* and consent.*). */
export const CONSENT_VERSION = "2026-11";

export const PURPOSES = ["case_management", "partner_sharing", "slack_relay"] as const;
export type Purpose = (typeof PURPOSES)[number];

export interface PurposeState {
  granted: boolean;
  version: string;
  decidedAt: Date;
  withdrawnAt: Date | null;
}
export type ConsentState = Record<Purpose, PurposeState | null>;

export const isGranted = (s: PurposeState | null): boolean => !!s && s.granted && !s.withdrawnAt;

export interface NewConversation {
  step: string;
  draft: Prisma.InputJsonValue;
}

export class ConsentRepository {
  constructor(
    private readonly db: Db,
    private readonly version: string = CONSENT_VERSION,
  ) {}

  /**
   * First agreement: Client + one consent row per purpose + the questionnaire's first step, all or
   * nothing. When the Telegram user is already a client (a race, or a second device), nothing is
   * created and `created` is false.
   */
  async register(args: {
    telegramUserId: number;
    chatId: number;
    locale: ClientLocale;
    source?: string;
    partner: boolean;
    slack: boolean;
    conversation: NewConversation;
    now: Date;
    pseudonym?: () => string;
  }): Promise<{ clientId: string; created: boolean }> {
    const pseudonym = args.pseudonym ?? (() => generatePseudonym());
    for (let attempt = 0; attempt < 8; attempt++) {
      try {
        return await this.db.$transaction(async (tx) => {
          const existing = await tx.client.findUnique({
            where: { telegramUserId: BigInt(args.telegramUserId) },
            select: { id: true },
          });
          if (existing) return { clientId: existing.id, created: false };
          const client = await tx.client.create({
            data: {
              telegramUserId: BigInt(args.telegramUserId),
              telegramChatId: BigInt(args.chatId),
              locale: args.locale,
              // after a few collisions, a longer handle
              pseudonym: attempt < 4 ? pseudonym() : generatePseudonym(6),
              source: args.source ?? null,
              createdAt: args.now,
              lastSeenAt: args.now,
            },
            select: { id: true },
          });
          await tx.consent.createMany({
            data: this.rows(
              client.id,
              { case_management: true, partner_sharing: args.partner, slack_relay: args.slack },
              args.now,
            ),
          });
          await tx.conversation.create({ data: { clientId: client.id, ...args.conversation } });
          return { clientId: client.id, created: true };
        });
      } catch (e) {
        if (isUniqueViolation(e)) continue;
        throw e;
      }
    }
    throw new Error("could not register the client after 8 attempts");
  }

  /** Agreement again after a withdrawal: three new decisions and a fresh questionnaire, in one go. */
  async agreeAgain(args: {
    clientId: string;
    partner: boolean;
    slack: boolean;
    conversation?: NewConversation;
    now: Date;
  }): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await this.closeOpen(tx, args.clientId, args.now);
      await tx.consent.createMany({
        data: this.rows(
          args.clientId,
          { case_management: true, partner_sharing: args.partner, slack_relay: args.slack },
          args.now,
        ),
      });
      if (args.conversation) {
        const { step, draft } = args.conversation;
        await tx.conversation.upsert({
          where: { clientId: args.clientId },
          create: { clientId: args.clientId, step, draft },
          update: { step, draft },
        });
      }
    });
  }

  async current(clientId: string): Promise<ConsentState> {
    const rows = await this.db.consent.findMany({
      where: { clientId },
      orderBy: [{ decidedAt: "desc" }, { id: "desc" }],
      select: { purpose: true, granted: true, version: true, decidedAt: true, withdrawnAt: true },
    });
    const state: ConsentState = { case_management: null, partner_sharing: null, slack_relay: null };
    for (const r of rows)
      state[r.purpose] ??= {
        granted: r.granted,
        version: r.version,
        decidedAt: r.decidedAt,
        withdrawnAt: r.withdrawnAt,
      };
    return state;
  }

  /**
   * Gives or withdraws one optional purpose. Giving adds a new row under the current text version;
   * withdrawing stamps the granted row. Case management is withdrawn with `withdrawCaseManagement`.
   */
  async setOptional(
    clientId: string,
    purpose: Exclude<Purpose, "case_management">,
    granted: boolean,
    now: Date,
  ): Promise<void> {
    await this.db.$transaction(async (tx) => {
      if (granted) {
        const cm = await this.latest(tx, clientId, "case_management");
        // the optional purposes exist only within case management
        if (!isGranted(cm)) return;
        await this.closeOpen(tx, clientId, now, [purpose]);
        await tx.consent.create({
          data: { clientId, purpose, version: this.version, granted: true, decidedAt: now },
        });
      } else {
        await this.closeOpen(tx, clientId, now, [purpose]);
      }
    });
  }

  /**
   * Withdraws consent to case management and, with it, the optional purposes that depend on it; the
   * questionnaire draft is deleted and a place on the wait list is given up (nobody may be assigned
   * on a withdrawn consent). One transaction. A case that already has a case manager is not closed
   * here: that is the case module's decision (closure reason "withdrawn").
   */
  async withdrawCaseManagement(clientId: string, now: Date): Promise<{ leftWaitlist: number }> {
    return this.db.$transaction(async (tx) => {
      await this.closeOpen(tx, clientId, now);
      await tx.conversation.deleteMany({ where: { clientId } });
      const left = await tx.waitlistEntry.updateMany({
        where: { clientId, status: "waiting" },
        data: { status: "withdrawn", leftAt: now },
      });
      return { leftWaitlist: left.count };
    });
  }

  private rows(clientId: string, granted: Record<Purpose, boolean>, now: Date) {
    return PURPOSES.map((purpose) => ({
      clientId,
      purpose,
      version: this.version,
      granted: granted[purpose],
      decidedAt: now,
    }));
  }

  private async latest(tx: Tx, clientId: string, purpose: Purpose): Promise<PurposeState | null> {
    return tx.consent.findFirst({
      where: { clientId, purpose },
      orderBy: [{ decidedAt: "desc" }, { id: "desc" }],
      select: { granted: true, version: true, decidedAt: true, withdrawnAt: true },
    });
  }

  /** Stamps withdrawnAt on every granted, not yet withdrawn row of the given purposes. */
  private async closeOpen(tx: Tx, clientId: string, now: Date, purposes: readonly Purpose[] = PURPOSES) {
    await tx.consent.updateMany({
      where: { clientId, purpose: { in: [...purposes] }, granted: true, withdrawnAt: null },
      data: { withdrawnAt: now },
    });
  }
}
