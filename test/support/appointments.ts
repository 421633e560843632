// Seeds what appointments need, directly with Prisma: a client with a Telegram chat, an intake, an
// open case and an accepted assignment to a case manager of the organisation file.
import { randomBytes } from "node:crypto";
import type { Db } from "../../src/db/client.ts";
import { QUEUES } from "../../src/queue/jobs.ts";

let seq = 0;

export interface SeededCase {
  clientId: string;
  caseId: string;
  intakeId: string;
  assignmentId: string;
  cmId: string;
  telegramUserId: number;
}

export async function seedAssignedCase(
  db: Db,
  opts: {
    cmId?: string;
    locale?: string;
    telegramUserId?: number;
    contactModes?: string[];
    submittedAt?: Date;
  } = {},
): Promise<SeededCase> {
  const n = ++seq;
  const tag = `${process.pid.toString(36)}${n.toString(36)}${randomBytes(2).toString("hex")}`.toUpperCase();
  const cmId = opts.cmId ?? "miriam-hoffmann";
  const telegramUserId = opts.telegramUserId ?? 7_000_000 + Math.floor(Math.random() * 1_000_000) + n;
  const client = await db.client.create({
    data: {
      telegramUserId: BigInt(telegramUserId),
      telegramChatId: BigInt(telegramUserId),
      locale: opts.locale ?? "en",
      pseudonym: `K-${tag}`,
    },
  });
  const intake = await db.intake.create({
    data: {
      clientId: client.id,
      referenceCode: `BI-T${tag}`,
      household: "single",
      adults: 1,
      children: 0,
      districtId: "mitte",
      topics: ["housing"],
      urgency: [],
      languages: ["en"],
      existingSupport: [],
      contactModes: opts.contactModes ?? [],
      timesOfDay: [],
      ...(opts.submittedAt ? { submittedAt: opts.submittedAt } : {}),
    },
  });
  const kase = await db.case.create({
    data: {
      clientId: client.id,
      intakeId: intake.id,
      referenceCode: `BI-C${tag}`,
      phase: "first_consultation",
      cmId,
      persons: 1,
      districtId: "mitte",
      regionId: "bielefeld",
    },
  });
  const assignment = await db.assignment.create({
    data: {
      caseId: kase.id,
      cmId,
      status: "accepted",
      deadlineAt: new Date(Date.now() + 86_400_000),
      decidedAt: new Date(),
    },
  });
  return {
    clientId: client.id,
    caseId: kase.id,
    intakeId: intake.id,
    assignmentId: assignment.id,
    cmId,
    telegramUserId,
  };
}

/** Replaces a case manager's weekly hours (minutes after local midnight). */
export async function setHours(
  db: Db,
  cmId: string,
  rules: {
    weekday: number;
    from: string;
    to: string;
    mode?: "in_person" | "phone" | "video";
    officeId?: string | null;
  }[],
): Promise<void> {
  const m = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  await db.availabilityRule.deleteMany({ where: { cmId } });
  await db.availabilityRule.createMany({
    data: rules.map((r) => ({
      cmId,
      weekday: r.weekday,
      fromMin: m(r.from),
      toMin: m(r.to),
      mode: r.mode ?? "in_person",
      officeId:
        r.officeId === undefined
          ? (r.mode ?? "in_person") === "in_person"
            ? "fachstelle-mitte"
            : null
          : r.officeId,
    })),
  });
}

/** The Bielefeld organisation file plus an `appointments:` section, written to a temporary file. */
export async function orgWithAppointments(section: Record<string, unknown>): Promise<string> {
  const { readFile, writeFile, mkdtemp } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const base = await readFile("orgs/bielefeld.yaml", "utf8");
  const dir = await mkdtemp(join(tmpdir(), "anlauf-org-"));
  const file = join(dir, "org.yaml");
  await writeFile(file, `${base}\nappointments: ${JSON.stringify(section)}\n`);
  return file;
}

/** Polls until `fn` returns a truthy value (or fails after `ms`). */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  ms = 15_000,
  every = 100,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Empties every queue of a test system (jobs left for inspection must not outlive the file). */
export async function obliterateQueues(producer: {
  queue(name: string): { obliterate(o: { force: boolean }): Promise<unknown> };
}): Promise<void> {
  for (const q of Object.values(QUEUES))
    await producer
      .queue(q)
      .obliterate({ force: true })
      .catch(() => {});
}
