// The release from confidentiality per named partner office (Schweigepflichtentbindung): one
// decision row per office (Consent, purpose partner_sharing, partnerId = the office's referralTargets
// id). The latest row for an office is the state; granted and not withdrawn = covered. Referrals,
// case conferences with partners and anything else that shares a client's data with an office ask
// `covers` first. A legacy row without partnerId (the single "partners" switch before per-office
// consent) covers no office: consent must name the office it releases.
import type { Db, Tx } from "../../db/client.ts";

export interface PartnerConsentState {
  partnerId: string;
  granted: boolean;
  version: string;
  decidedAt: Date;
  withdrawnAt: Date | null;
}

export const partnerCovered = (s: PartnerConsentState | undefined): boolean =>
  !!s && s.granted && s.withdrawnAt === null;

/** Port for services that must not share data with an office the client did not release. */
export interface PartnerConsentReader {
  covers(clientId: string, partnerId: string): Promise<boolean>;
  states(clientId: string): Promise<Map<string, PartnerConsentState>>;
}

export class PartnerConsentRepository implements PartnerConsentReader {
  constructor(private readonly db: Db | Tx) {}

  /** The latest decision per office. */
  async states(clientId: string): Promise<Map<string, PartnerConsentState>> {
    const rows = await this.db.consent.findMany({
      where: { clientId, purpose: "partner_sharing", partnerId: { not: null } },
      orderBy: { decidedAt: "asc" },
      select: { partnerId: true, granted: true, version: true, decidedAt: true, withdrawnAt: true },
    });
    const out = new Map<string, PartnerConsentState>();
    for (const r of rows) out.set(r.partnerId!, { ...r, partnerId: r.partnerId! });
    return out;
  }

  async covers(clientId: string, partnerId: string): Promise<boolean> {
    const r = await this.db.consent.findFirst({
      where: { clientId, purpose: "partner_sharing", partnerId },
      orderBy: { decidedAt: "desc" },
      select: { partnerId: true, granted: true, version: true, decidedAt: true, withdrawnAt: true },
    });
    return partnerCovered(r ? { ...r, partnerId } : undefined);
  }

  /** Records a decision for one office (a new row, so the history stays). */
  async decide(args: {
    clientId: string;
    partnerId: string;
    granted: boolean;
    version: string;
    now: Date;
  }): Promise<void> {
    await this.db.consent.create({
      data: {
        clientId: args.clientId,
        purpose: "partner_sharing",
        partnerId: args.partnerId,
        granted: args.granted,
        version: args.version,
        decidedAt: args.now,
      },
    });
  }

  /** Withdraws the release for one office: stamps the granted latest row. */
  async withdraw(clientId: string, partnerId: string, now: Date): Promise<boolean> {
    const latest = await this.db.consent.findFirst({
      where: { clientId, purpose: "partner_sharing", partnerId },
      orderBy: { decidedAt: "desc" },
      select: { id: true, granted: true, withdrawnAt: true },
    });
    if (!latest?.granted || latest.withdrawnAt) return false;
    await this.db.consent.update({ where: { id: latest.id }, data: { withdrawnAt: now } });
    return true;
  }
}
