// A client with something in every table that can hold personal data, with distinctive values, so
// export and erasure tests can search for them everywhere (Postgres columns, Redis keys and values).
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { loadOrganisation } from "../../src/config/org.load.ts";
import type { Db } from "../../src/db/client.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { OrgRepository } from "../../src/modules/org/org.repository.ts";
import type { ErasureDeps } from "../../src/modules/privacy/erase.ts";
import { ErasureService } from "../../src/modules/privacy/erase.ts";
import type { FieldCipher } from "../../src/privacy/crypto.ts";
import { JOBS, QUEUES } from "../../src/queue/jobs.ts";
import { Producer } from "../../src/queue/registry.ts";
import { redisScrubber } from "../../src/queue/scrub.ts";
import { createTestDb } from "./db.ts";

export interface RichClient {
  clientId: string;
  intakeId: string;
  caseId: string;
  assignmentId: string;
  declinedAssignmentId: string;
  appointmentId: string;
  messageId: string;
  goalId: string;
  telegramUserId: number;
  referenceCode: string;
  /** every personal value the fixture stored (in clear) */
  personal: {
    name: string;
    phone: string;
    body: string;
    goal: string;
    declineReason: string;
    childName: string;
    draftName: string;
  };
}

let seq = 0;

export async function createRichClient(
  db: Db,
  cipher: FieldCipher,
  opts: {
    cmId: string;
    otherCmId: string;
    phase?: "service_steering" | "pending_acceptance" | "waiting";
    now?: Date;
    tag?: string;
    /** also a triage-override case event with the staff note encrypted inside its data */
    overrideNote?: boolean;
  },
): Promise<RichClient> {
  seq++;
  const tag = opts.tag ?? `${Date.now().toString(36)}${seq}`;
  const now = opts.now ?? new Date();
  const telegramUserId = 7_700_000_000 + Math.floor(Math.random() * 90_000_000);
  const personal = {
    name: `Zulaikha${tag}`,
    phone: `+49 151 ${tag}`,
    body: `Meine Wohnung ${tag} ist feucht`,
    goal: `Sprachkurs B1 fuer ${tag}`,
    declineReason: `kenne Familie ${tag} privat`,
    childName: `Kind${tag}`,
    draftName: `Entwurf${tag}`,
    overrideNote: `Familie ${tag} zieht zu Verwandten`,
  };
  const clientId = randomUUID();
  const intakeId = randomUUID();
  const caseId = randomUUID();
  const assignmentId = randomUUID();
  const declinedAssignmentId = randomUUID();
  const appointmentId = randomUUID();
  const messageId = randomUUID();
  const goalId = randomUUID();
  const referenceCode = `BI-T${tag}`.slice(0, 24);
  const phase = opts.phase ?? "service_steering";
  const day = 86_400_000;
  await db.client.create({
    data: {
      id: clientId,
      telegramUserId: BigInt(telegramUserId),
      telegramChatId: BigInt(telegramUserId),
      locale: "de",
      pseudonym: `K-${tag}`.slice(0, 20),
      displayName: cipher.encrypt(personal.name),
      phone: cipher.encrypt(personal.phone),
      source: "poster-buergeramt",
      districtId: "heepen",
      originCountry: "SY",
      createdAt: new Date(now.getTime() - 60 * day),
    },
  });
  await db.householdMember.createMany({
    data: [
      { clientId, role: "applicant", firstName: cipher.encrypt(personal.name), birthYear: 1990 },
      { clientId, role: "child", firstName: cipher.encrypt(personal.childName), birthYear: 2018 },
    ],
  });
  await db.consent.createMany({
    data: (["case_management", "partner_sharing", "slack_relay"] as const).map((purpose) => ({
      clientId,
      purpose,
      version: "2026-11",
      granted: true,
      decidedAt: new Date(now.getTime() - 60 * day),
    })),
  });
  await db.conversation.create({
    data: { clientId, step: "intake:topics", draft: { displayName: personal.draftName } },
  });
  await db.intake.create({
    data: {
      id: intakeId,
      clientId,
      referenceCode,
      household: "family",
      adults: 1,
      children: 1,
      districtId: "heepen",
      topics: ["housing", "education_language"],
      urgency: [],
      languages: ["ar", "de"],
      existingSupport: [],
      contactModes: ["in_person"],
      timesOfDay: ["morning"],
      submittedAt: new Date(now.getTime() - 50 * day),
    },
  });
  await db.triageOutcome.create({
    data: { intakeId, route: "case_management", reasonCode: "case_management", priority: 3, breakdown: {} },
  });
  await db.waitlistEntry.create({
    data: {
      clientId,
      intakeId,
      basePriority: 3,
      enqueuedAt: new Date(now.getTime() - 50 * day),
      status: phase === "waiting" ? "waiting" : "assigned",
      ...(phase === "waiting" ? {} : { leftAt: new Date(now.getTime() - 30 * day) }),
    },
  });
  await db.case.create({
    data: {
      id: caseId,
      clientId,
      intakeId,
      referenceCode,
      phase,
      cmId: phase === "waiting" ? null : opts.cmId,
      persons: 2,
      districtId: "heepen",
      regionId: "bielefeld",
      openedAt: new Date(now.getTime() - 50 * day),
    },
  });
  await db.assignment.create({
    data: {
      id: declinedAssignmentId,
      caseId,
      cmId: opts.otherCmId,
      status: "declined",
      deadlineAt: new Date(now.getTime() - 31 * day),
      decidedAt: new Date(now.getTime() - 32 * day),
      declineReason: cipher.encrypt(personal.declineReason),
    },
  });
  if (phase !== "waiting")
    await db.assignment.create({
      data: {
        id: assignmentId,
        caseId,
        cmId: opts.cmId,
        status: phase === "pending_acceptance" ? "pending" : "accepted",
        deadlineAt: new Date(now.getTime() + 2 * day),
        ...(phase === "pending_acceptance" ? {} : { decidedAt: new Date(now.getTime() - 30 * day) }),
      },
    });
  if (phase === "service_steering") {
    await db.appointment.create({
      data: {
        id: appointmentId,
        caseId,
        cmId: opts.cmId,
        startsAt: new Date(Math.ceil((now.getTime() + 3 * day) / 3_600_000) * 3_600_000 + seq * 60_000),
        endsAt: new Date(
          Math.ceil((now.getTime() + 3 * day) / 3_600_000) * 3_600_000 + seq * 60_000 + 3_600_000,
        ),
        mode: "in_person",
      },
    });
    await db.goal.create({ data: { id: goalId, caseId, text: cipher.encrypt(personal.goal) } });
    await db.relayedMessage.create({
      data: {
        id: messageId,
        caseId,
        direction: "client_to_staff",
        body: cipher.encrypt(personal.body),
        author: "client",
        slackTs: "1700000000.000100",
      },
    });
  }
  const eventId = randomUUID();
  if (opts.overrideNote)
    await db.caseEvent.create({
      data: {
        id: eventId,
        caseId,
        kind: "triage.overridden",
        actor: `cm:${opts.cmId}`,
        data: {
          reason: "other",
          reasonEnc: cipher.encrypt(personal.overrideNote, {
            table: "CaseEvent",
            column: "data.reasonEnc",
            row: eventId,
          }),
        },
      },
    });
  await db.auditLog.create({ data: { actor: `cm:${opts.cmId}`, action: "case.read", caseId, clientId } });
  return {
    clientId,
    intakeId,
    caseId,
    assignmentId,
    declinedAssignmentId,
    appointmentId,
    messageId,
    goalId,
    telegramUserId,
    referenceCode,
    personal,
  };
}

/** A privacy test's world: its own schema with the Bielefeld organisation, two case managers, Redis. */
export async function privacyWorld(schema: string, prefix: string) {
  const db = await createTestDb(schema);
  const org = await loadOrganisation("orgs/bielefeld.yaml");
  await new OrgRepository(db.prisma).sync(org);
  const cms = org.caseManagers.filter((c) => !c.teamLead);
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  return { db, org, cmA: cms[0]!.id, cmB: cms[1]!.id, redis, producer: new Producer(JOBS, redis, prefix) };
}

/** The ErasureService of a test: its queue prefix scrubbed, a fixed clock, no log. */
export const testErasure = (
  db: Db,
  cipher: FieldCipher,
  producer: ErasureDeps["producer"],
  redis: import("ioredis").Redis,
  prefix: string,
  now: Date,
) =>
  new ErasureService({
    db,
    cipher,
    producer,
    scrubRedis: redisScrubber(redis, prefix, Object.values(QUEUES)),
    log: silentLogger,
    now: () => now,
  });

export const personalValues = (c: RichClient): string[] => [
  ...Object.values(c.personal),
  String(c.telegramUserId),
];

/** Every text, json, array and bigint column of every table in the schema, cast to text. */
export async function findInPostgres(
  sql: { query: (q: string, p?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> },
  schema: string,
  needles: string[],
): Promise<string[]> {
  const cols = await sql.query(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = $1 AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY', 'bigint', 'USER-DEFINED')`,
    [schema],
  );
  const hits: string[] = [];
  for (const c of cols.rows) {
    const t = String(c.table_name);
    const col = String(c.column_name);
    for (const n of needles) {
      const r = await sql.query(
        `SELECT count(*)::int AS n FROM "${schema}"."${t}" WHERE "${col}"::text LIKE $1`,
        [`%${n}%`],
      );
      if (Number(r.rows[0]?.n) > 0) hits.push(`${t}.${col} contains ${n}`);
    }
  }
  return hits;
}

/** Every key under the prefix, and every value of it whatever its type, searched for the needles. */
export async function findInRedis(
  redis: import("ioredis").Redis,
  prefix: string,
  needles: string[],
): Promise<string[]> {
  const hits: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      let text = key;
      if (type === "string") text += await redis.get(key);
      else if (type === "hash") text += JSON.stringify(await redis.hgetall(key));
      else if (type === "list") text += JSON.stringify(await redis.lrange(key, 0, -1));
      else if (type === "set") text += JSON.stringify(await redis.smembers(key));
      else if (type === "zset") text += JSON.stringify(await redis.zrange(key, "0", "-1"));
      else if (type === "stream") text += JSON.stringify(await redis.xrange(key, "-", "+"));
      for (const n of needles) if (text.includes(n)) hits.push(`${key} (${type}) contains ${n}`);
    }
  } while (cursor !== "0");
  return hits;
}
