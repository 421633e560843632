// The one check every processing step that needs a consent must make, at the moment it processes:
// relaying a message between Telegram and Slack (slack_relay), sharing with partner offices
// (partner_sharing), case management itself (case_management). A withdrawal stamps withdrawnAt
// (src/modules/intake/consent.repository.ts); from then on this answers false, so the processing
// stops at once, also for jobs that were queued before the withdrawal.
//
// Rule: the latest decision per purpose counts; granted and not withdrawn = consent; an erased
// client has no consent. partner_sharing is decided per named office since text version 2026-12:
// sharing with an office asks PartnerConsentRepository.covers(clientId, officeId), not this guard.
import type { Db, Tx } from "../../db/client.ts";
import type { ConsentPurpose } from "../kernel/enums.ts";

export type { ConsentPurpose };

export class ConsentMissingError extends Error {
  override readonly name = "ConsentMissingError";
  constructor(
    readonly clientId: string,
    readonly purpose: ConsentPurpose,
  ) {
    // ids and codes only: this message may be logged
    super(`no ${purpose} consent for client ${clientId}`);
  }
}

export async function hasConsent(db: Db | Tx, clientId: string, purpose: ConsentPurpose): Promise<boolean> {
  const latest = await db.consent.findFirst({
    where: { clientId, purpose, client: { erasedAt: null } },
    orderBy: [{ decidedAt: "desc" }, { id: "desc" }],
    select: { granted: true, withdrawnAt: true },
  });
  return !!latest && latest.granted && latest.withdrawnAt === null;
}

export class ConsentGuard {
  constructor(private readonly db: Db | Tx) {}

  has(clientId: string, purpose: ConsentPurpose): Promise<boolean> {
    return hasConsent(this.db, clientId, purpose);
  }

  /** Throws ConsentMissingError (an UnrecoverableError-worthy failure for a job) without consent. */
  async require(clientId: string, purpose: ConsentPurpose): Promise<void> {
    if (!(await hasConsent(this.db, clientId, purpose))) throw new ConsentMissingError(clientId, purpose);
  }

  /** The same check for a case (relay jobs carry case or message ids). */
  async hasForCase(caseId: string, purpose: ConsentPurpose): Promise<boolean> {
    const c = await this.db.case.findUnique({ where: { id: caseId }, select: { clientId: true } });
    return !!c && (await hasConsent(this.db, c.clientId, purpose));
  }
}
