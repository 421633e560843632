// The case file: everything a case manager needs about one case on one screen (intake answers,
// household, languages, consent state including the per-office releases, assessment, goals,
// referrals, due dates, history), decrypted for staff who may read it and recorded in the audit log
// as a read of personal data. Read side of the case work (casework.service.ts is the write side).
import type { FieldCipher } from "../../privacy/crypto.ts";
import { consentGranted } from "../staff/consent.ts";
import { caseAccess } from "./casework.parts.ts";
import type { CaseworkRepository } from "./casework.repository.ts";
import { toChase } from "./casework.ts";
import { LIFE_AREAS, type LifeArea, type ReferralStatusCode, TOPIC_AREAS } from "./codes.ts";
import { type Actor, actorString, mayOnCase } from "./phases.ts";

export interface CaseFile {
  id: string;
  referenceCode: string;
  phase: string;
  cmName: string | null;
  pseudonym: string;
  displayName: string | null;
  phone: string | null;
  locale: string;
  originCountry: string | null;
  residenceStatus: string | null;
  arrivalYear: number | null;
  /** the person said "earlier": they came before this year */
  arrivedBefore: number | null;
  persons: number;
  household: { kind: string; adults: number; children: number; birthYears: number[] };
  districtId: string;
  topics: string[];
  urgency: string[];
  languages: string[];
  contactModes: string[];
  consents: { purpose: string; partnerId: string | null; granted: boolean; at: Date }[];
  assessment: {
    kind: string;
    completedAt: Date | null;
    areas: { area: string; status: string; barriers: string[]; notes: string | null }[];
  } | null;
  /** the areas the assessment starts from: what the person named at intake, then the rest */
  areaOrder: LifeArea[];
  goals: {
    id: string;
    text: string;
    area: string | null;
    steps: string | null;
    responsible: string | null;
    partnerId: string | null;
    dueDate: Date | null;
    status: string;
    outcome: string | null;
  }[];
  referrals: {
    id: string;
    partnerId: string;
    purpose: string;
    status: ReferralStatusCode;
    sentAt: Date;
    expectedBy: Date;
    overdue: boolean;
  }[];
  /** the latest case conferences, newest first */
  conferences: {
    id: string;
    heldAt: Date;
    staff: string[];
    partners: string[];
    roles: string[];
    topics: string[];
    decisions: string | null;
  }[];
  nextAppointments: { startsAt: Date; mode: string }[];
  nextContactAt: Date | null;
  reassessmentDueAt: Date | null;
  lastContactAt: Date | null;
  events: { kind: string; actor: string; at: Date; toPhase: string | null }[];
  /** partner offices the client released confidentiality towards (per-office consent) */
  coveredPartners: string[];
  may: { work: boolean; close: boolean };
}

export class CaseFileService {
  constructor(private readonly deps: { repo: CaseworkRepository; cipher: FieldCipher; now: () => Date }) {}

  private decrypt(v: string | null): string | null {
    if (!v) return null;
    try {
      return this.deps.cipher.decrypt(v);
    } catch {
      return "⚠";
    }
  }

  /** Everything a case manager needs on one screen, decrypted; recorded as a read of personal data. */
  async caseFile(
    caseId: string,
    actor: Actor,
  ): Promise<CaseFile | { error: "not_found" | "not_responsible" }> {
    const auth = await caseAccess(this.deps.repo, caseId, actor, "case.read");
    if (!auth) return { error: "not_found" };
    if (!auth.ok) return { error: "not_responsible" };
    const c = await this.deps.repo.caseFile(caseId);
    if (!c) return { error: "not_found" };
    const now = this.deps.now();
    await this.deps.repo.record(
      { id: c.id, clientId: c.clientId },
      { kind: "case.file_read", actor: actorString(actor), at: now, data: {} },
    );
    const latest = new Map<string, (typeof c.client.consents)[number]>();
    for (const k of c.client.consents) latest.set(`${k.purpose}:${k.partnerId ?? ""}`, k);
    const consents = [...latest.values()].map((k) => ({
      purpose: k.purpose,
      partnerId: k.partnerId,
      granted: k.granted && !k.withdrawnAt,
      at: k.withdrawnAt ?? k.decidedAt,
    }));
    // the same rule as the card's Details (staff/consent.ts): who the person is only once the case
    // is accepted and with the counselling agreement; an offered case manager may still decline
    const showContact =
      c.phase !== "waiting" &&
      c.phase !== "pending_acceptance" &&
      consentGranted(c.client.consents, "case_management");
    const named = c.intake.topics.flatMap((t) => TOPIC_AREAS[t as keyof typeof TOPIC_AREAS] ?? []);
    const areaOrder = [...new Set([...named, ...LIFE_AREAS])];
    const a = c.assessments[0];
    const overdue = new Set(toChase(c.referrals, now).map((r) => r.id));
    return {
      id: c.id,
      referenceCode: c.referenceCode,
      phase: c.phase,
      cmName: c.cm?.name ?? null,
      pseudonym: c.client.pseudonym,
      displayName: showContact ? this.decrypt(c.client.displayName) : null,
      phone: showContact ? this.decrypt(c.client.phone) : null,
      locale: c.client.locale,
      originCountry: c.client.originCountry,
      residenceStatus: c.client.residenceStatus,
      arrivalYear: c.client.arrivalYear,
      arrivedBefore: c.client.arrivedBefore,
      persons: c.persons,
      household: {
        kind: c.intake.household,
        adults: c.intake.adults,
        children: c.intake.children,
        birthYears: c.client.household.flatMap((h) => (h.birthYear ? [h.birthYear] : [])),
      },
      districtId: c.districtId,
      topics: c.intake.topics,
      urgency: c.intake.urgency,
      languages: c.intake.languages,
      contactModes: c.intake.contactModes,
      consents,
      assessment: a
        ? {
            kind: a.kind,
            completedAt: a.completedAt,
            areas: a.areas.map((x) => ({
              area: x.area,
              status: x.status,
              barriers: x.barriers,
              notes: this.decrypt(x.notes),
            })),
          }
        : null,
      areaOrder,
      goals: c.goals.map((g) => ({
        id: g.id,
        text: this.decrypt(g.text) ?? "",
        area: g.area,
        steps: this.decrypt(g.steps),
        responsible: g.responsible,
        partnerId: g.partnerId,
        dueDate: g.dueDate,
        status: g.status,
        outcome: g.outcome,
      })),
      referrals: c.referrals.map((r) => ({
        id: r.id,
        partnerId: r.partnerId,
        purpose: r.purpose,
        status: r.status,
        sentAt: r.sentAt,
        expectedBy: r.expectedBy,
        overdue: overdue.has(r.id),
      })),
      conferences: c.conferences.map((k) => {
        const people = Array.isArray(k.participants) ? (k.participants as Record<string, string>[]) : [];
        const of = (kind: string, field: string) =>
          people.flatMap((x) => (x.kind === kind && x[field] ? [x[field]!] : []));
        return {
          id: k.id,
          heldAt: k.heldAt,
          staff: of("staff", "cmId"),
          partners: of("partner", "partnerId"),
          roles: of("role", "role"),
          topics: k.topics,
          decisions: this.decrypt(k.decisions),
        };
      }),
      nextAppointments: c.appointments,
      nextContactAt: c.nextContactAt,
      reassessmentDueAt: c.reassessmentDueAt,
      lastContactAt: c.lastContactAt,
      events: c.events,
      coveredPartners: consents
        .filter((k) => k.purpose === "partner_sharing" && k.granted && k.partnerId)
        .map((k) => k.partnerId!),
      may: {
        work: mayOnCase(actor, "case.work", auth.scope),
        close: mayOnCase(actor, "case.close", auth.scope),
      },
    };
  }
}
