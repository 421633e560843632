// npm run cli -- <command>: the dispatcher's state for operators, as plain tables.
//
//   waitlist                        who waits, in order, with priority, position and ETA
//   loads                           every case manager: capacity, open cases, pending offers, free
//   explain <caseId|referenceCode>  why a case went to whom: every decision with its candidates
//   rebalance propose               store a rebalancing proposal and show its moves
//   rebalance apply <proposalId>    apply it (re-validated under locks; stale moves are skipped)
//   rebalance dismiss <proposalId>
//   triage-pending [--run]          intakes without a triage outcome; --run triages them
//
// Connects like scripts/db.ts: DATABASE_URL (a "schema" query parameter selects a schema, e.g.
// ?schema=test_1), else the embedded database under ANLAUF_DATA_DIR. ANLAUF_ORG names the
// organisation file. Commands that message clients (apply, triage-pending --run) need Redis
// (REDIS_URL); the others do not touch it. The command functions are exported for tests.
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { createMatchingServices, type MatchingServices } from "./app/runtime/matching.ts";
import { dbTargetFromEnv } from "./config/env.ts";
import { loadOrganisation, OrganisationFileError } from "./config/org.load.ts";
import type { Organisation } from "./config/org.schema.ts";
import { type Db, type DbTarget, openDb } from "./db/client.ts";
import { silentLogger } from "./lib/logger.ts";
import { DECISION_TOP_CANDIDATES } from "./modules/matching/assignment.service.ts";
import { loadTeam } from "./modules/matching/load.repository.ts";
import { matchPolicyOf } from "./modules/matching/policy.ts";
import { waitlistSnapshot } from "./modules/waitlist/waitlist.repository.ts";
import { JOBS } from "./queue/jobs.ts";
import { Producer } from "./queue/registry.ts";
import { SlackStaffNotifier } from "./slack/outbox.ts";
import { TelegramClientNotifier } from "./telegram/notifier.ts";

const DAY_MS = 86_400_000;

export interface CliContext {
  db: Db;
  org: Organisation;
  now: () => Date;
  /** services for commands that change things; built on demand with the notifiers given */
  services: () => MatchingServices;
  /** who acts, for the audit log */
  actor: string;
}

// ───────────────────────────── tables ─────────────────────────────

export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number"));
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(head), widths.map((w) => "─".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

const fmt = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const day = (d: Date) => d.toISOString().slice(0, 10);

// ───────────────────────────── commands ─────────────────────────────

export async function waitlistCommand(c: CliContext): Promise<string> {
  const now = c.now();
  const snap = await waitlistSnapshot(c.db, c.org, now);
  const rows = snap.rows.map((r) => [
    r.position,
    r.referenceCode,
    fmt(r.effectivePriority),
    r.basePriority,
    fmt((now.getTime() - r.enqueuedAt.getTime()) / DAY_MS),
    r.regionId,
    r.districtId,
    r.persons,
    r.languages.join(","),
    r.estimate.etaDays ? `${r.estimate.etaDays.low}–${r.estimate.etaDays.high} d` : "unknown",
  ]);
  const groups = snap.groups
    .map(
      (g) =>
        `${g.key}: ${g.waiting} waiting, ${g.freeSlots} free slots, throughput ${g.throughputPerDay === null ? "unknown" : `${fmt(g.throughputPerDay, 2)}/day`}`,
    )
    .join("\n");
  return [
    table(
      ["pos", "reference", "priority", "base", "days", "region", "district", "persons", "languages", "eta"],
      rows,
    ),
    "",
    groups,
  ].join("\n");
}

export async function loadsCommand(c: CliContext): Promise<string> {
  const now = c.now();
  const policy = matchPolicyOf(c.org.policy);
  const team = await loadTeam(c.db, now, policy, { includeInactive: true });
  const pending = await c.db.assignment.groupBy({
    by: ["cmId"],
    where: { status: "pending" },
    _count: { _all: true },
  });
  const pendingOf = new Map(pending.map((p) => [p.cmId, p._count._all]));
  const rows = team.map((m) => [
    m.id,
    m.agencyId,
    m.fte,
    m.capacity.cases,
    m.openCases,
    pendingOf.get(m.id) ?? 0,
    m.openPersons,
    Math.max(0, m.capacity.cases - m.openCases),
    m.capacityOverride?.cases !== undefined ? "override" : "fte",
    !m.active ? "inactive" : m.absentNow ? "absent" : "",
  ]);
  const active = team.filter((m) => m.active);
  const totals =
    `${active.length} active case managers, ${fmt(
      active.reduce((n, m) => n + m.fte, 0),
      2,
    )} FTE, ` +
    `${active.reduce((n, m) => n + m.openCases, 0)} open of ${active.reduce((n, m) => n + m.capacity.cases, 0)} slots`;
  return [
    table(
      ["case manager", "agency", "fte", "cap", "open", "pending", "persons", "free", "cap from", "status"],
      rows,
    ),
    "",
    totals,
  ].join("\n");
}

type StoredCandidates = {
  total: number;
  top: { cmId: string; score: number; parts: Record<string, number> }[];
};
type StoredExcluded = {
  total: number;
  byReason: Record<string, number>;
  items: { cmId: string; reason: string }[];
};

export async function explainCommand(c: CliContext, ref: string): Promise<string> {
  const isUuid = /^[0-9a-f-]{36}$/i.test(ref);
  const kase = await c.db.case.findFirst({
    where: isUuid ? { id: ref } : { referenceCode: ref },
    select: {
      id: true,
      referenceCode: true,
      phase: true,
      cmId: true,
      persons: true,
      districtId: true,
      regionId: true,
      openedAt: true,
      intake: {
        select: {
          languages: true,
          topics: true,
          triage: { select: { reasonCode: true, priority: true, breakdown: true, notes: true } },
        },
      },
      decisions: { orderBy: { at: "asc" } },
      assignments: {
        orderBy: { createdAt: "asc" },
        select: { id: true, cmId: true, status: true, createdAt: true, decidedAt: true, deadlineAt: true },
      },
    },
  });
  if (!kase) return `no case with id or reference code "${ref}"`;
  const out: string[] = [
    `case ${kase.referenceCode} (${kase.id})`,
    `  phase ${kase.phase}${kase.cmId ? ` with ${kase.cmId}` : ""}, opened ${day(kase.openedAt)}, ${kase.persons} person(s), ${kase.districtId} / ${kase.regionId}`,
    `  languages ${kase.intake.languages.join(", ")}; topics ${kase.intake.topics.join(", ")}`,
  ];
  const t = kase.intake.triage;
  if (t)
    out.push(
      `  triage: ${t.reasonCode}, priority ${t.priority} ${JSON.stringify(t.breakdown)}${t.notes.length ? `, notes ${t.notes.join(", ")}` : ""}`,
    );
  out.push("", "offers:");
  out.push(
    kase.assignments.length
      ? table(
          ["assignment", "case manager", "status", "offered", "decided", "deadline"],
          kase.assignments.map((a) => [
            a.id,
            a.cmId,
            a.status,
            a.createdAt.toISOString(),
            a.decidedAt?.toISOString() ?? "",
            a.deadlineAt.toISOString(),
          ]),
        )
      : "  none",
  );
  for (const d of kase.decisions) {
    const cands = d.candidates as unknown as StoredCandidates;
    const excl = d.excluded as unknown as StoredExcluded;
    out.push(
      "",
      `decision ${d.at.toISOString()} (${d.trigger}): ${d.chosenCmId ? `chose ${d.chosenCmId}` : "nobody eligible"}; ` +
        `${cands.total} eligible, ${excl.total} excluded${
          Object.keys(excl.byReason).length
            ? ` (${Object.entries(excl.byReason)
                .map(([k, v]) => `${v} ${k}`)
                .join(", ")})`
            : ""
        }`,
    );
    if (cands.top.length)
      out.push(
        table(
          [
            "rank",
            "case manager",
            "score",
            "language",
            "local",
            "topics",
            "continuity",
            "shortfall",
            "agency",
          ],
          cands.top
            .slice(0, DECISION_TOP_CANDIDATES)
            .map((r, i) => [
              i + 1,
              r.cmId,
              fmt(r.score, 3),
              fmt(r.parts.language ?? 0, 2),
              fmt(r.parts.localDistrict ?? 0, 2),
              fmt(r.parts.topics ?? 0, 2),
              fmt(r.parts.continuity ?? 0, 2),
              fmt(r.parts.shortfall ?? 0, 2),
              fmt(r.parts.agencyShortfall ?? 0, 2),
            ]),
        ),
      );
    const notCapacity = excl.items.filter(
      (e) => e.reason !== "no_case_capacity" && e.reason !== "no_person_capacity",
    );
    if (notCapacity.length)
      out.push(`  excluded: ${notCapacity.map((e) => `${e.cmId} (${e.reason})`).join(", ")}`);
  }
  return out.join("\n");
}

export async function rebalanceCommand(
  c: CliContext,
  sub: string | undefined,
  id: string | undefined,
): Promise<{ text: string; code: number }> {
  const s = c.services();
  if (sub === "propose") {
    const { id: pid, result } = await s.rebalance.propose(c.actor);
    const before = new Map(result.before.map((r) => [r.cmId, r]));
    const rows = result.after.map((a) => {
      const b = before.get(a.cmId)!;
      return [
        a.cmId,
        b.cases,
        a.cases,
        b.fairShare === null ? "–" : fmt(b.fairShare),
        a.deviation === null ? "–" : fmt(a.deviation),
      ];
    });
    return {
      code: 0,
      text: [
        `proposal ${pid}: ${result.moves.length} move(s) (lower bound ${result.lowerBound}), ${result.pinnedCaseIds.length} pinned case(s)` +
          (result.unresolved.length ? `, still outside tolerance: ${result.unresolved.join(", ")}` : ""),
        "",
        result.moves.length
          ? table(
              ["case", "from", "to", "reason"],
              result.moves.map((m) => [m.caseId, m.fromCmId, m.toCmId, m.reason]),
            )
          : "no moves needed",
        "",
        table(["case manager", "cases before", "after", "fair share", "deviation after"], rows),
        "",
        `apply with: npm run cli -- rebalance apply ${pid}`,
      ].join("\n"),
    };
  }
  if ((sub === "apply" || sub === "dismiss") && id) {
    if (sub === "dismiss") {
      const r = await s.rebalance.dismiss(id, c.actor);
      return r.ok
        ? { code: 0, text: `proposal ${id} dismissed` }
        : { code: 1, text: `cannot dismiss: ${r.reason}` };
    }
    const r = await s.rebalance.apply(id, c.actor);
    if (!r.ok) return { code: 1, text: `cannot apply: ${r.reason}` };
    return {
      code: 0,
      text: [
        `proposal ${id} ${r.status}: ${r.applied.length} moved, ${r.skipped.length} skipped`,
        ...(r.applied.length
          ? [
              "",
              table(
                ["case", "from", "to"],
                r.applied.map((m) => [m.caseId, m.fromCmId, m.toCmId]),
              ),
            ]
          : []),
        ...(r.skipped.length
          ? [
              "",
              table(
                ["case", "from", "to", "skipped because"],
                r.skipped.map((x) => [x.move.caseId, x.move.fromCmId, x.move.toCmId, x.reason]),
              ),
            ]
          : []),
      ].join("\n"),
    };
  }
  return {
    code: 2,
    text: "usage: rebalance propose | rebalance apply <proposalId> | rebalance dismiss <proposalId>",
  };
}

export async function triagePendingCommand(c: CliContext, run: boolean): Promise<string> {
  const pending = await c.db.intake.findMany({
    where: { triage: null },
    orderBy: { submittedAt: "asc" },
    select: { id: true, referenceCode: true, submittedAt: true, districtId: true },
  });
  const rows = pending.map((i) => [i.referenceCode, i.id, i.submittedAt.toISOString(), i.districtId]);
  if (!run)
    return pending.length
      ? `${table(["reference", "intake", "submitted", "district"], rows)}\n\nrun them with --run`
      : "no intake waits for triage";
  const s = c.services();
  const results: (string | number)[][] = [];
  for (const i of pending) {
    const r = await s.triage.run(i.id);
    results.push([i.referenceCode, r.status, "targetId" in r ? r.targetId : "caseId" in r ? r.caseId : ""]);
  }
  return results.length
    ? table(["reference", "result", "target / case"], results)
    : "no intake waits for triage";
}

// ───────────────────────────── entry ─────────────────────────────

const USAGE = `usage: npm run cli -- <command>
  waitlist
  loads
  explain <caseId|referenceCode>
  rebalance propose | rebalance apply <proposalId> | rebalance dismiss <proposalId>
  triage-pending [--run]`;

export async function runCli(argv: string[], c: CliContext): Promise<{ text: string; code: number }> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { run: { type: "boolean", default: false } },
  });
  const [cmd, a, b] = positionals;
  switch (cmd) {
    case "waitlist":
      return { code: 0, text: await waitlistCommand(c) };
    case "loads":
      return { code: 0, text: await loadsCommand(c) };
    case "explain":
      if (!a) return { code: 2, text: USAGE };
      {
        const text = await explainCommand(c, a);
        return { code: text.startsWith("no case") ? 1 : 0, text };
      }
    case "rebalance":
      return rebalanceCommand(c, a, b);
    case "triage-pending":
      return { code: 0, text: await triagePendingCommand(c, values.run ?? false) };
    default:
      return { code: 2, text: USAGE };
  }
}

/** DATABASE_URL with an optional "schema" query parameter (Prisma's convention). */
export function cliDbTarget(env: NodeJS.ProcessEnv): DbTarget {
  const target = dbTargetFromEnv(env);
  if (target.kind !== "postgres") return target;
  const u = new URL(target.url);
  const schema = u.searchParams.get("schema");
  if (!schema) return target;
  u.searchParams.delete("schema");
  return { kind: "postgres", url: u.toString(), schema };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const org = await loadOrganisation(process.env.ANLAUF_ORG ?? "orgs/bielefeld.yaml");
  const db = await openDb(cliDbTarget(process.env));
  let redis: Redis | undefined;
  let producer: Producer<typeof JOBS> | undefined;
  try {
    // built on first use: only commands that change things connect to Redis (their side effects are
    // jobs: Slack cards, client messages, follow-up assignments, handled by the running workers)
    let built: MatchingServices | undefined;
    const services = () => {
      if (built) return built;
      redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
      const prefix = process.env.ANLAUF_QUEUE_PREFIX ?? "anlauf";
      producer = new Producer(JOBS, redis, prefix);
      built = createMatchingServices({
        db: db.prisma,
        org,
        jobs: producer,
        clients: new TelegramClientNotifier({ producer, redis, prefix }),
        staff: new SlackStaffNotifier(producer),
        log: silentLogger,
        now: () => new Date(),
      });
      return built;
    };
    const r = await runCli(argv, { db: db.prisma, org, now: () => new Date(), services, actor: "cli" });
    (r.code === 0 ? console.log : console.error)(r.text);
    return r.code;
  } finally {
    await producer?.close();
    redis?.disconnect();
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof OrganisationFileError ? e.message : e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
