// The Details of an assignment card: what the card withholds (special-category topics and signals,
// triage, and after acceptance name and phone), for the member of staff who clicked. Authorized
// through the one rule (staff/authorize.ts, action "offer.read": the offered case manager, the
// holder, their deputy, a supervising lead) and audited against that member, whoever the card was
// addressed to. An old card (declined, expired, handed over) opens nothing for its former addressee.
import type { FieldCipher } from "../../privacy/crypto.ts";
import type { AuditRepository } from "../audit/audit.repository.ts";
import type { CaseAccess } from "../staff/access.service.ts";
import type { AuthRefusal, StaffActor } from "../staff/authorize.ts";
import { mayRelay, mayShowContact } from "../staff/consent.ts";
import type { CaseDetailsRepository } from "./case-details.repository.ts";

export type AssignmentStatus = "pending" | "accepted" | "declined" | "expired" | "revoked" | "moved";

export interface CaseDetailsData {
  assignmentId: string;
  status: AssignmentStatus;
  referenceCode: string;
  topics: string[];
  urgency: string[];
  triageReason: string | null;
  priority: number | null;
  /** only after acceptance and with case-management consent (staff/consent.ts mayShowContact) */
  contact: { displayName: string | null; phone: string | null } | null;
  relayConsent: boolean;
}

export type DetailsRefusal = AuthRefusal | "not_found";
export type DetailsResult = { ok: true; details: CaseDetailsData } | { ok: false; code: DetailsRefusal };

export class CaseDetailsService {
  constructor(
    private readonly deps: {
      repo: Pick<CaseDetailsRepository, "byAssignment">;
      access: Pick<CaseAccess, "check">;
      audit: Pick<AuditRepository, "record">;
      cipher: FieldCipher;
    },
  ) {}

  private open(v: string | null): string | null {
    if (!v) return null;
    try {
      return this.deps.cipher.decrypt(v);
    } catch {
      return null;
    }
  }

  async forAssignment(assignmentId: string, viewer: StaffActor, now: Date): Promise<DetailsResult> {
    const a = await this.deps.repo.byAssignment(assignmentId);
    if (!a) return { ok: false, code: "not_found" };
    const k = a.case;
    const access = await this.deps.access.check(viewer, "offer.read", { caseId: k.id });
    if (!access.ok) return { ok: false, code: access.code };
    const consents = k.client.consents;
    const contact = mayShowContact(consents, a.status)
      ? { displayName: this.open(k.client.displayName), phone: this.open(k.client.phone) }
      : null;
    await this.deps.audit.record({
      actor: `cm:${viewer.id}`,
      action: "case.details_read",
      caseId: k.id,
      clientId: k.clientId,
      at: now,
      data: {
        surface: "slack_details",
        assignmentId: a.id,
        via: access.via,
        fields: [
          "topics",
          "urgency",
          "triage",
          ...(contact?.displayName ? ["displayName"] : []),
          ...(contact?.phone ? ["phone"] : []),
        ],
      },
    });
    return {
      ok: true,
      details: {
        assignmentId: a.id,
        status: a.status,
        referenceCode: k.referenceCode,
        topics: k.intake.topics,
        urgency: k.intake.urgency,
        triageReason: k.intake.triage?.reasonCode ?? null,
        priority: k.intake.triage?.priority ?? null,
        contact,
        relayConsent: mayRelay(consents),
      },
    };
  }
}
