// One use case: a case manager sends a prepared reply from the catalogue (quick-replies.ts) to the
// client of a case, in the client's language. It takes the staff→client relay path: the one rule
// (thread.use, as for a reply typed in the thread), the client's slack_relay consent, the text
// stored as a RelayedMessage (encrypted) once per Slack view, an audit row with the reply's id only,
// and the ClientNotifier's "relay.staff_message" job carrying ids only. `preview` renders the same
// text without sending, with its German back-translation, for the modal.
import type { FieldCipher } from "../../privacy/crypto.ts";
import type { ClientNotifier } from "../notify/notifier.ts";
import type { CaseAccess } from "../staff/access.service.ts";
import type { AuthRefusal } from "../staff/authorize.ts";
import { dayKey } from "./monitoring.ts";
import {
  type ParamError,
  type ParamKind,
  parseQuickReply,
  type QuickReplyInput,
  renderQuickReply,
  type Translate,
} from "./quick-replies.ts";
import type { QuickReplyRecipient, QuickReplyRepository } from "./quick-reply.repository.ts";

/** The relay's template (src/telegram/notifier.ts renders it with the stored body). */
export const QUICK_REPLY_TEMPLATE = "relay.staff_message";

export type QuickReplyRefusal = AuthRefusal | "not_found" | "no_consent" | "unreachable";

export type QuickReplyFailure =
  | { ok: false; code: QuickReplyRefusal }
  | { ok: false; code: "invalid"; errors: Partial<Record<ParamKind | "reply", ParamError>> };

export interface QuickReplyText {
  ok: true;
  locale: string;
  referenceCode: string;
  /** the body that is stored and relayed */
  clientText: string;
  /** the whole Telegram message as the client reads it: the relay's frame around the body, no markup */
  clientMessage: string;
  /** the same reply in German, for the case manager */
  germanText: string;
  /** why sending would be refused now (the preview still shows the text) */
  blocked: "no_consent" | "unreachable" | null;
}

export type Sent = QuickReplyText & {
  duplicate: boolean;
  relayedMessageId: string;
  thread: QuickReplyRecipient["thread"];
};

export class QuickReplyService {
  constructor(
    private readonly d: {
      access: Pick<CaseAccess, "check">;
      repo: Pick<QuickReplyRepository, "recipient" | "store">;
      cipher: Pick<FieldCipher, "encrypt">;
      clients: ClientNotifier;
      /** i18next's t in a given language (client namespaces included) */
      translate: (lng: string) => Translate;
      timeZone: string;
      now: () => Date;
    },
  ) {}

  /** The case's reference and the client's language, for opening the modal (authorized). */
  async target(
    caseId: string,
    slackUserId: string,
  ): Promise<{ ok: true; referenceCode: string; locale: string } | { ok: false; code: QuickReplyRefusal }> {
    const r = await this.recipient(caseId, slackUserId);
    return r.ok ? { ok: true, referenceCode: r.to.referenceCode, locale: r.to.locale } : r;
  }

  async preview(
    caseId: string,
    slackUserId: string,
    input: QuickReplyInput,
  ): Promise<QuickReplyText | QuickReplyFailure> {
    const r = await this.recipient(caseId, slackUserId);
    return r.ok ? this.render(r.to, input) : r;
  }

  /** `key`: the Slack view id, so a retried submission sends nothing twice. */
  async send(
    caseId: string,
    slackUserId: string,
    input: QuickReplyInput,
    key: string,
  ): Promise<Sent | QuickReplyFailure> {
    const r = await this.recipient(caseId, slackUserId, true);
    if (!r.ok) return r;
    const text = this.render(r.to, input);
    if (!text.ok) return text;
    const stored = await this.d.repo.store({
      key: `quick_reply.${key}`,
      caseId: r.to.caseId,
      clientId: r.to.clientId,
      author: `cm:${r.cmId}`,
      encryptedBody: this.d.cipher.encrypt(text.clientText),
      replyId: input.replyId,
      now: this.d.now(),
    });
    // again on a retry: the send key makes it a no-op if it was queued, and a crash between the
    // commit and the enqueue cannot lose the message
    await this.d.clients.notify(
      r.to.clientId,
      QUICK_REPLY_TEMPLATE,
      { referenceCode: r.to.referenceCode, relayedMessageId: stored.relayedMessageId },
      { key: `relay.${stored.relayedMessageId}` },
    );
    return { ...text, ...stored, thread: r.to.thread };
  }

  private async recipient(
    caseId: string,
    slackUserId: string,
    sending = false,
  ): Promise<{ ok: true; to: QuickReplyRecipient; cmId: string } | { ok: false; code: QuickReplyRefusal }> {
    const a = await this.d.access.check({ slackUserId }, "thread.use", { caseId });
    if (!a.ok) return { ok: false, code: a.code };
    const to = await this.d.repo.recipient(a.caseId);
    if (!to) return { ok: false, code: "not_found" };
    // the preview may show what would be sent; sending needs consent and someone to send to
    if (sending && !to.relayConsent) return { ok: false, code: "no_consent" };
    if (sending && !to.reachable) return { ok: false, code: "unreachable" };
    return { ok: true, to, cmId: a.actor.id };
  }

  private render(to: QuickReplyRecipient, input: QuickReplyInput): QuickReplyText | QuickReplyFailure {
    const now = this.d.now();
    const parsed = parseQuickReply(input, dayKey(now, this.d.timeZone));
    if (!parsed.ok) return { ok: false, code: "invalid", errors: parsed.errors };
    const text = (lng: string) =>
      renderQuickReply(this.d.translate(lng), lng, this.d.timeZone, parsed.reply, parsed.values);
    const clientText = text(to.locale);
    const framed = this.d.translate(to.locale)(`client:${QUICK_REPLY_TEMPLATE}`, {
      referenceCode: to.referenceCode,
      message: clientText,
    });
    return {
      ok: true,
      locale: to.locale,
      referenceCode: to.referenceCode,
      clientText,
      clientMessage: framed.replace(/<[^>]*>/g, ""),
      germanText: text("de"),
      blocked: !to.relayConsent ? "no_consent" : !to.reachable ? "unreachable" : null,
    };
  }
}
