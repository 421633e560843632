// Builds the Slack ports from the real services of the running system:
// - accept / decline       → matching AssignmentService (locks, ownership, audit, re-offer)
// - capacity and absences  → matching CapacityService
// - rebalance              → matching RebalanceService (propose / apply / dismiss)
// - reassign (one case)    → staff ReassignService (src/modules/staff/reassign.service.ts)
// - read models            → PrismaCaseQueries; staff replies in threads → PrismaThreadActions
// - triage override        → triage TriageOverrideService (src/modules/triage/override.service.ts)
// - committee report       → reports module (createReportBundle), for /kim report and report notices
// - Propose appointment, App Home appointment blocks → appointments feature (src/modules/appointments/slack.ts)

import type { AppContext } from "../app/feature.ts";
import { caseworkOf, monitoringOf, partnerOptions } from "../app/runtime/casework.ts";
import type { MatchingServices } from "../app/runtime/matching.ts";
import { matchingServices } from "../app/runtime/matching.ts";
import { triageOverrideOf } from "../app/runtime/triage.ts";
import type { Db } from "../db/client.ts";
import type { ClientNotifier, StaffNotifier } from "../modules/notify/notifier.ts";
import { createReportBundle, reportFiles } from "../modules/reports/report.service.ts";
import { DeputyRepository } from "../modules/staff/deputy.repository.ts";
import { DeputyService } from "../modules/staff/deputy.service.ts";
import { ReassignService } from "../modules/staff/reassign.service.ts";
import { clientNotifier } from "../telegram/notifier.ts";
import { casePickerBlocks, toChaseBlocks } from "./blocks/casework.ts";
import { type LanguageCache, slackLanguageResolver } from "./i18n.ts";
import {
  type AppointmentListenerArgs,
  appointmentHomeBlocks,
  appointmentHomeData,
  onProposeAppointment,
} from "./listeners/appointments.ts";
import { QueueSlackOutbox, SlackStaffNotifier } from "./outbox.ts";
import type {
  AssignmentActions,
  CapacityActions,
  DecisionFailure,
  ProposalMove,
  ProposalView,
  RebalanceActions,
  ReportPeriod,
  SlackPorts,
  StaffDirectory,
} from "./ports.ts";
import { PrismaCaseQueries, staffById, staffBySlackUser } from "./queries.ts";
import { PrismaThreadActions } from "./relay.ts";

type AssignmentPort = Pick<MatchingServices["assignment"], "accept" | "decline">;

/**
 * `staff`: refreshes the card after a decision when the services were wired with another
 * StaffNotifier (e.g. the log notifier); null when the services already notify Slack themselves.
 */
export function assignmentActions(service: AssignmentPort, staff: StaffNotifier | null): AssignmentActions {
  const map = async (r: Awaited<ReturnType<AssignmentPort["accept"]>>, id: string) => {
    if (r.ok) {
      if (staff) await staff.assignmentChanged(id).catch(() => {});
      return { ok: true as const };
    }
    const reason: DecisionFailure = r.reason === "not_due" ? "already_decided" : r.reason;
    return { ok: false as const, reason };
  };
  return {
    accept: async (id, cmId) => map(await service.accept(id, cmId), id),
    decline: async (id, cmId, reason) => map(await service.decline(id, cmId, reason), id),
  };
}

export function capacityActions(service: MatchingServices["capacity"]): CapacityActions {
  const reasonOf = (r: string) =>
    r === "not_team_lead" ? "not_allowed" : (r as "not_found" | "not_allowed" | "invalid");
  return {
    setCapacity: async (cmId, cases, by) => {
      const r = await service.setCapacityOverride(cmId, cases, by);
      return r.ok
        ? { ok: true, before: r.before, after: r.after }
        : { ok: false, reason: reasonOf(r.reason) };
    },
    addAbsence: async (cmId, from, to, by, note, deputyId) => {
      const r = await service.addAbsence(cmId, from, to, by, note, deputyId);
      return r.ok ? { ok: true } : { ok: false, reason: reasonOf(r.reason) };
    },
    endAbsence: async (id, by) => {
      const r = await service.endAbsence(id, by);
      return r.ok ? { ok: true } : { ok: false, reason: reasonOf(r.reason) };
    },
  };
}

interface StoredMove {
  caseId?: unknown;
  fromCmId?: unknown;
  toCmId?: unknown;
  reason?: unknown;
}

/** The open proposal with reference codes, names and the agencies it touches. */
export async function proposalView(
  db: Db,
  p: { id: string; createdAt: Date; moves: unknown },
): Promise<ProposalView> {
  const raw = (Array.isArray(p.moves) ? p.moves : []) as StoredMove[];
  const moves = raw.filter(
    (m): m is { caseId: string; fromCmId: string; toCmId: string; reason: string } =>
      typeof m.caseId === "string" && typeof m.fromCmId === "string" && typeof m.toCmId === "string",
  );
  const cmIds = [...new Set(moves.flatMap((m) => [m.fromCmId, m.toCmId]))];
  const [cases, cms] = await Promise.all([
    db.case.findMany({
      where: { id: { in: moves.map((m) => m.caseId) } },
      select: { id: true, referenceCode: true },
    }),
    db.caseManager.findMany({
      where: { id: { in: cmIds } },
      select: { id: true, name: true, agencyId: true },
    }),
  ]);
  const ref = new Map(cases.map((c) => [c.id, c.referenceCode]));
  const cm = new Map(cms.map((c) => [c.id, c]));
  const view: ProposalMove[] = moves.map((m) => ({
    caseId: m.caseId,
    referenceCode: ref.get(m.caseId) ?? "?",
    fromCmId: m.fromCmId,
    fromName: cm.get(m.fromCmId)?.name ?? m.fromCmId,
    toCmId: m.toCmId,
    toName: cm.get(m.toCmId)?.name ?? m.toCmId,
    reason: String(m.reason ?? ""),
  }));
  return {
    id: p.id,
    createdAt: p.createdAt,
    moves: view,
    agencyIds: [...new Set(cms.map((c) => c.agencyId))],
  };
}

export function rebalanceActions(db: Db, service: MatchingServices["rebalance"]): RebalanceActions {
  const current = async () => {
    const p = await db.rebalanceProposal.findFirst({
      where: { status: "open" },
      orderBy: { createdAt: "desc" },
      select: { id: true, createdAt: true, moves: true },
    });
    return p ? proposalView(db, p) : null;
  };
  return {
    current,
    propose: async (by) => {
      const { id, result } = await service.propose(`cm:${by}`);
      if (result.moves.length === 0) {
        // nothing to move: do not leave an empty proposal open
        await service.dismiss(id, `cm:${by}`);
        return null;
      }
      const p = await db.rebalanceProposal.findUnique({
        where: { id },
        select: { id: true, createdAt: true, moves: true },
      });
      return p ? proposalView(db, p) : null;
    },
    apply: async (id, by) => {
      const r = await service.apply(id, `cm:${by}`);
      return r.ok ? { ok: true, moved: r.applied.length } : { ok: false, reason: r.reason };
    },
    dismiss: async (id, by) => {
      const r = await service.dismiss(id, `cm:${by}`);
      return r.ok ? { ok: true } : { ok: false, reason: r.reason };
    },
  };
}

export function staffDirectory(
  db: Db,
  languageOf: (slackUserId: string) => Promise<"de" | "en">,
): StaffDirectory {
  return {
    bySlackUser: (u) => staffBySlackUser(db, u),
    byId: (id) => staffById(db, id),
    languageOf,
  };
}

export interface PortWiring {
  /** users.info of the Slack workspace (locale); absent = German for everyone */
  usersInfo?: (user: string) => Promise<{ user?: { locale?: string } }>;
  clients?: ClientNotifier;
  services?: MatchingServices;
  /** false: leave out the appointments feature's parts (tests of this feature alone) */
  appointments?: boolean;
}

/** The committee report (src/modules/reports): Markdown, the files, and their upload to a DM. */
export function reportPort(ctx: AppContext): NonNullable<SlackPorts["reports"]> {
  const bundle = ({ from, to, lng, variant }: ReportPeriod) =>
    createReportBundle(
      { db: ctx.db, org: ctx.org, i18n: ctx.i18n },
      { from, to, variant, lng, now: ctx.now() },
    );
  return {
    markdown: async (req) => (await bundle(req)).markdown,
    summary: async (req) => {
      const b = await bundle(req);
      // a suppressed count (null) is a small number, not nothing
      const empty = b.report.managed.cases === 0 && b.report.intakes.submitted === 0;
      return { markdown: b.markdown, empty };
    },
    files: async (req) => reportFiles(await bundle(req), REPORT_FILE_FORMATS),
    sendFiles: async (req) => {
      await ctx.producer.enqueue("slack.report_files", req);
    },
  };
}

/** what `/kim report` sends as files: the page for the committee, the workbook, the raw figures */
export const REPORT_FILE_FORMATS = ["html", "xlsx", "csv"] as const;

/** The appointments feature's Slack parts: the card's "Propose appointment" and its App Home blocks. */
export function appointmentsPort(ctx: AppContext): NonNullable<SlackPorts["appointments"]> {
  return {
    propose: (args) => onProposeAppointment(args as AppointmentListenerArgs, ctx),
    homeBlocks: async (cmId, lng, now) =>
      appointmentHomeBlocks(
        ctx.i18n,
        lng,
        await appointmentHomeData(ctx.db, cmId, now),
        ctx.org.municipality.timezone,
      ),
  };
}

/** The case work's App Home blocks: open any case file, and the referrals to chase. */
export function caseworkPort(ctx: AppContext): NonNullable<SlackPorts["casework"]> {
  const casework = caseworkOf(ctx);
  const partners = partnerOptions(ctx);
  return {
    homeBlocks: async (cmId, lng) => {
      const h = await casework.home(cmId);
      const t = ctx.i18n.getFixedT(lng, "casework");
      return [...casePickerBlocks(h.cases, t), ...toChaseBlocks(h.toChase, partners, t, lng)];
    },
  };
}

/** The daily monitoring digest of one member of staff. */
export function monitoringPort(ctx: AppContext): NonNullable<SlackPorts["monitoring"]> {
  const monitoring = monitoringOf(ctx);
  return {
    digestOf: (staffId) => monitoring.digestOf(staffId),
    partners: new Map(partnerOptions(ctx).map((p) => [p.id, p.name])),
  };
}

/** The ports of the running system. */
export function buildPorts(ctx: AppContext, wiring: PortWiring = {}): SlackPorts {
  const staff = new SlackStaffNotifier(ctx.producer);
  const services = wiring.services ?? matchingServices(ctx, { staffNotifier: () => staff });
  // the one client notifier, so staff replies keep Telegram's per-chat pacing like every other message
  const clients = wiring.clients ?? clientNotifier(ctx);
  const queries = new PrismaCaseQueries(ctx.db, ctx.org, ctx.cipher);
  const usersInfo = wiring.usersInfo;
  const languageOf = usersInfo
    ? slackLanguageResolver({
        usersInfo,
        cache: ctx.redis.client as unknown as LanguageCache,
        prefix: ctx.env.ANLAUF_QUEUE_PREFIX,
      })
    : async () => "de" as const;
  const reassign = new ReassignService({
    db: ctx.db,
    cipher: ctx.cipher,
    staff,
    log: ctx.log,
    now: ctx.now,
    tellClient: (id) => services.assignment.tellClientAssigned(id, "assignment.moved"),
  });
  return {
    directory: staffDirectory(ctx.db, languageOf),
    // the services notify Slack themselves when they were built with our notifier
    assignments: assignmentActions(
      services.assignment,
      services.deps.staff instanceof SlackStaffNotifier ? null : staff,
    ),
    reassign: { reassign: (caseId, to, by, reason) => reassign.reassign(caseId, to, by, reason) },
    capacity: capacityActions(services.capacity),
    rebalance: rebalanceActions(ctx.db, services.rebalance),
    queries,
    outbox: new QueueSlackOutbox(ctx.producer),
    threads: new PrismaThreadActions({
      db: ctx.db,
      cipher: ctx.cipher,
      queries,
      clients,
      log: ctx.log,
      now: ctx.now,
    }),
    deputies: new DeputyService(new DeputyRepository(ctx.db), ctx.now),
    reports: reportPort(ctx),
    ...(wiring.appointments === false ? {} : { appointments: appointmentsPort(ctx) }),
    casework: caseworkPort(ctx),
    monitoring: monitoringPort(ctx),
    triage: Object.assign(triageOverrideOf(ctx, services), { partners: partnerOptions(ctx) }),
    now: ctx.now,
  };
}
