// Rows for the Slack integration tests on the Bielefeld organisation: a waiting case with consents,
// an offer to a given case manager, and signed requests to /slack/events.
import { randomUUID } from "node:crypto";
import type { i18n } from "i18next";
import type { Organisation } from "../../src/config/org.schema.ts";
import type { Db } from "../../src/db/client.ts";
import { signSlackRequest } from "../../src/devtools/slack-requests.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import type { FieldCipher } from "../../src/privacy/crypto.ts";
import { staffDirectory } from "../../src/slack/adapters.ts";
import type { DeliverDeps, Kv, SlackWeb } from "../../src/slack/deliver.ts";
import { PrismaCaseQueries } from "../../src/slack/queries.ts";

export const SIGNING_SECRET = "test-signing-secret-0123456789abcdef";

/** The environment that points a test system's Slack app at a local Web API peer. */
export const slackEnv = (peer: { url: string }): Record<string, string> => ({
  SLACK_BOT_TOKEN: "xoxb-test-token",
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: peer.url,
});

export interface SeedSpec {
  caseManagement?: boolean;
  slackRelay?: boolean;
  displayName?: string;
  phone?: string;
  districtId?: string;
  languages?: string[];
  topics?: string[];
  urgency?: string[];
  adults?: number;
  children?: number;
}

export interface Seeded {
  clientId: string;
  intakeId: string;
  caseId: string;
  referenceCode: string;
}

let n = 0;
/**
 * A case on the wait list, or with `offerTo` already offered to that case manager. One transaction,
 * so the matching sweep of the running system never sees a waiting case that the test offers by hand.
 */
export async function seedWaitingCase(
  db: Db,
  cipher: FieldCipher,
  spec: SeedSpec = {},
): Promise<Seeded & { assignmentId?: string }> {
  return db.$transaction((tx) => seedIn(tx as unknown as Db, cipher, spec));
}

export async function seedOfferedCase(
  db: Db,
  cipher: FieldCipher,
  cmId: string,
  spec: SeedSpec = {},
): Promise<Seeded & { assignmentId: string }> {
  return db.$transaction(async (tx) => {
    const s = await seedIn(tx as unknown as Db, cipher, spec);
    return { ...s, assignmentId: await offerDirectly(tx as unknown as Db, s.caseId, cmId) };
  });
}

async function seedIn(db: Db, cipher: FieldCipher, spec: SeedSpec): Promise<Seeded> {
  const tag = `${randomUUID().slice(0, 6).toUpperCase()}${++n}`;
  const adults = spec.adults ?? 2;
  const children = spec.children ?? 2;
  const client = await db.client.create({
    data: {
      locale: "ar",
      pseudonym: `K-${tag}`,
      telegramUserId: BigInt(Math.floor(Math.random() * 1e12)),
      telegramChatId: BigInt(1),
      ...(spec.displayName ? { displayName: cipher.encrypt(spec.displayName) } : {}),
      ...(spec.phone ? { phone: cipher.encrypt(spec.phone) } : {}),
      districtId: spec.districtId ?? "heepen",
    },
    select: { id: true },
  });
  await db.consent.createMany({
    data: [
      {
        clientId: client.id,
        purpose: "case_management",
        version: "2026-11",
        granted: spec.caseManagement ?? true,
      },
      { clientId: client.id, purpose: "partner_sharing", version: "2026-11", granted: false },
      { clientId: client.id, purpose: "slack_relay", version: "2026-11", granted: spec.slackRelay ?? false },
    ],
  });
  const referenceCode = `BI-T${tag}`;
  const intake = await db.intake.create({
    data: {
      clientId: client.id,
      referenceCode,
      household: adults + children > 1 ? "family" : "single",
      adults,
      children,
      districtId: spec.districtId ?? "heepen",
      topics: spec.topics ?? ["work", "education_language"],
      urgency: spec.urgency ?? ["authority_deadline"],
      languages: spec.languages ?? ["ar", "de"],
      existingSupport: [],
      contactModes: ["phone"],
      timesOfDay: ["morning"],
    },
    select: { id: true },
  });
  await db.triageOutcome.create({
    data: {
      intakeId: intake.id,
      route: "case_management",
      reasonCode: "multi_topic_case_management",
      notes: [],
      priority: 14,
      breakdown: {},
    },
  });
  await db.waitlistEntry.create({ data: { clientId: client.id, intakeId: intake.id, basePriority: 14 } });
  const kase = await db.case.create({
    data: {
      clientId: client.id,
      intakeId: intake.id,
      referenceCode,
      persons: adults + children,
      districtId: spec.districtId ?? "heepen",
      regionId: "bielefeld",
    },
    select: { id: true },
  });
  return { clientId: client.id, intakeId: intake.id, caseId: kase.id, referenceCode };
}

/** An offer written directly (no matching): the case is pending with this case manager. */
export async function offerDirectly(db: Db, caseId: string, cmId: string, now = new Date()): Promise<string> {
  const a = await db.assignment.create({
    data: {
      caseId,
      cmId,
      status: "pending",
      createdAt: now,
      deadlineAt: new Date(now.getTime() + 48 * 3_600_000),
    },
    select: { id: true },
  });
  await db.case.update({ where: { id: caseId }, data: { phase: "pending_acceptance", cmId } });
  await db.waitlistEntry.updateMany({
    where: { intake: { case: { id: caseId } } },
    data: { status: "assigned", leftAt: now },
  });
  return a.id;
}

export { blockAction, interactionBody, viewSubmission } from "../../src/devtools/slack-requests.ts";

export interface SignedOptions {
  secret?: string;
  ts?: number;
  contentType?: string;
}

export const signedHeaders = (body: string, o: SignedOptions = {}): Record<string, string> =>
  signSlackRequest(o.secret ?? SIGNING_SECRET, body, o);

export const commandBody = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

export function eventBody(event: Record<string, unknown>): string {
  return JSON.stringify({
    token: "legacy",
    team_id: "TANLAUF",
    api_app_id: "AANLAUF",
    type: "event_callback",
    event_id: `Ev${randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
}

export async function until<T>(
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The slack.deliver worker's dependencies on the test database: staff write German, no rebalancing. */
export function deliverDeps(a: {
  db: Db;
  org: Organisation;
  cipher: FieldCipher;
  i18n: i18n;
  web: SlackWeb;
  kv: Kv;
  prefix: string;
  outbox?: DeliverDeps["ports"]["outbox"];
}): DeliverDeps {
  return {
    db: a.db,
    org: a.org,
    cipher: a.cipher,
    i18n: a.i18n,
    ports: {
      queries: new PrismaCaseQueries(a.db, a.org, a.cipher),
      directory: staffDirectory(a.db, async () => "de"),
      outbox: a.outbox ?? { refreshHome: async () => {} },
      rebalance: {
        current: async () => null,
        propose: async () => null,
        apply: async () => ({ ok: true, moved: 0 }),
        dismiss: async () => ({ ok: true }),
      },
    },
    web: a.web,
    kv: a.kv,
    prefix: a.prefix,
    log: silentLogger,
    now: () => new Date(),
  };
}

/** Deletes the Redis keys of a test's queue prefix that match `pattern` (e.g. "<prefix>:slack:rate:*"). */
export async function dropKeys(
  redis: { keys(p: string): Promise<string[]>; del(...k: string[]): Promise<number> },
  pattern: string,
): Promise<void> {
  const keys = await redis.keys(pattern);
  if (keys.length) await redis.del(...keys);
}
