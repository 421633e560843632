// The Details modal's read: what an assignment card withholds (health topics and signals, triage,
// and after acceptance name and phone), for the member of staff who clicked. Authorized through the
// one rule (staff/authorize.ts, action "offer.read": the offered case manager, the holder, their
// deputy, a supervising lead) and audited against that member, whoever the card was addressed to.
import type { Db } from "../db/client.ts";
import { AuditRepository } from "../modules/audit/audit.repository.ts";
import { AccessRepository } from "../modules/staff/access.repository.ts";
import { CaseAccess } from "../modules/staff/access.service.ts";
import type { StaffActor } from "../modules/staff/authorize.ts";
import { mayRelay, mayShowContact } from "../modules/staff/consent.ts";
import type { FieldCipher } from "../privacy/crypto.ts";
import type { CaseDetailsData, DetailsRefusal } from "./ports.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loadCaseDetails(
  db: Db,
  cipher: FieldCipher,
  assignmentId: string,
  viewer: StaffActor,
  now: Date,
): Promise<{ ok: true; details: CaseDetailsData } | { ok: false; code: DetailsRefusal }> {
  if (!UUID.test(assignmentId)) return { ok: false, code: "not_found" };
  const a = await db.assignment.findUnique({
    where: { id: assignmentId },
    select: {
      id: true,
      status: true,
      case: {
        select: {
          id: true,
          referenceCode: true,
          clientId: true,
          client: {
            select: {
              displayName: true,
              phone: true,
              consents: { select: { purpose: true, granted: true, decidedAt: true, withdrawnAt: true } },
            },
          },
          intake: {
            select: { topics: true, urgency: true, triage: { select: { reasonCode: true, priority: true } } },
          },
        },
      },
    },
  });
  if (!a) return { ok: false, code: "not_found" };
  const k = a.case;
  const access = await new CaseAccess(new AccessRepository(db), () => now).check(viewer, "offer.read", {
    caseId: k.id,
  });
  if (!access.ok) return { ok: false, code: access.code };
  // an old card (declined, expired, handed over) opens nothing for its former addressee: the rule
  // above already refused them unless they hold, deputise for or supervise the case now
  const consents = k.client.consents;
  const open = (v: string | null): string | null => {
    if (!v) return null;
    try {
      return cipher.decrypt(v);
    } catch {
      return null;
    }
  };
  const contact = mayShowContact(consents, a.status)
    ? { displayName: open(k.client.displayName), phone: open(k.client.phone) }
    : null;
  const fields = [
    "topics",
    "urgency",
    "triage",
    ...(contact?.displayName ? ["displayName"] : []),
    ...(contact?.phone ? ["phone"] : []),
  ];
  await new AuditRepository(db).record({
    actor: `cm:${viewer.id}`,
    action: "case.details_read",
    caseId: k.id,
    clientId: k.clientId,
    at: now,
    data: { surface: "slack_details", assignmentId: a.id, via: access.via, fields },
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
