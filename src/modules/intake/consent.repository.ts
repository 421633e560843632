// Consent per purpose, versioned and time-stamped. Each decision is a row (purpose, text version,
// granted, decidedAt); a withdrawal stamps withdrawnAt on the granted row. The current state of a
// purpose is its latest row: granted and not withdrawn = consent given.
//
// A Client row exists only once a person has agreed to case management (the required purpose):
// `register` creates it together with its consent rows and the start of the questionnaire, in one
// transaction. Someone who declines leaves nothing in Postgres (see the feature's notes).
//
// partner_sharing is decided per named office (Schweigepflichtentbindung): one row per office with
// partnerId, written through PartnerConsentRepository. The consent screen records a decision (yes
// or no) for every office it listed, so the history shows what the person was asked. A row without
// partnerId (the single switch of text versions before 2026-12) covers no office.
import type { Db, Tx } from "../../db/client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { AuditRepository } from "../audit/audit.repository.ts";
import { PartnerConsentRepository, partnerCovered } from "../privacy/partner-consent.repository.ts";
import type { ClientLocale } from "./answers.ts";
import { isUniqueViolation } from "./intake.repository.ts";
import { generatePseudonym } from "./reference-code.ts";

/** Version of the info sheet and consent texts (locales/<lng>/client.json, info.* and consent.*). */
// 2026-12: one release per named partner office instead of a single switch; Slack named as the
// external provider it is.
export const CONSENT_VERSION = "2026-12";

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

/** The decision for one partner office on the consent screen. */
export interface PartnerDecision {
  partnerId: string;
  granted: boolean;
}

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
    partners: readonly PartnerDecision[];
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
          await this.decideAll(tx, client.id, args.slack, args.partners, args.now);
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

  /** Agreement again after a withdrawal: new decisions and a fresh questionnaire, in one go. */
  async agreeAgain(args: {
    clientId: string;
    partners: readonly PartnerDecision[];
    slack: boolean;
    conversation?: NewConversation;
    now: Date;
  }): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await this.closeOpen(tx, args.clientId, args.now);
      await this.decideAll(tx, args.clientId, args.slack, args.partners, args.now);
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

  /** The latest decision per purpose; partner_sharing here is only the legacy switch (no office). */
  async current(clientId: string): Promise<ConsentState> {
    const rows = await this.db.consent.findMany({
      where: { clientId, partnerId: null },
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
   * withdrawing stamps the granted row. Case management is withdrawn with `withdrawCaseManagement`,
   * partner offices one by one with `setPartner`.
   */
  async setOptional(clientId: string, purpose: "slack_relay", granted: boolean, now: Date): Promise<void> {
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
   * Gives or withdraws the release towards one partner office, with an audit entry (actor the
   * client, ids only) in the same transaction. Giving needs consent to case management and adds a
   * row under the current text version; withdrawing stamps the granted row. `changed` is false
   * when nothing was to do (already so, or giving without case management).
   */
  async setPartner(
    clientId: string,
    partnerId: string,
    granted: boolean,
    now: Date,
  ): Promise<{ changed: boolean }> {
    return this.db.$transaction(async (tx) => {
      const partners = new PartnerConsentRepository(tx);
      const covered = partnerCovered((await partners.states(clientId)).get(partnerId));
      if (covered === granted) return { changed: false };
      if (granted) {
        if (!isGranted(await this.latest(tx, clientId, "case_management"))) return { changed: false };
        await partners.decide({ clientId, partnerId, granted: true, version: this.version, now });
      } else if (!(await partners.withdraw(clientId, partnerId, now))) return { changed: false };
      await new AuditRepository(tx).record(
        {
          actor: `client:${clientId}`,
          action: granted ? "consent.partner_given" : "consent.partner_withdrawn",
          clientId,
          data: { partnerId, version: this.version },
          at: now,
        },
        tx,
      );
      return { changed: true };
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

  /** Case management (given), the Slack relay and one decision per listed partner office. */
  private async decideAll(
    tx: Tx,
    clientId: string,
    slack: boolean,
    partners: readonly PartnerDecision[],
    now: Date,
  ): Promise<void> {
    await tx.consent.createMany({
      data: [
        { clientId, purpose: "case_management", version: this.version, granted: true, decidedAt: now },
        { clientId, purpose: "slack_relay", version: this.version, granted: slack, decidedAt: now },
      ],
    });
    const offices = new PartnerConsentRepository(tx);
    for (const p of partners)
      await offices.decide({
        clientId,
        partnerId: p.partnerId,
        granted: p.granted,
        version: this.version,
        now,
      });
  }

  private async latest(tx: Tx, clientId: string, purpose: Purpose): Promise<PurposeState | null> {
    return tx.consent.findFirst({
      where: { clientId, purpose, partnerId: null },
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
