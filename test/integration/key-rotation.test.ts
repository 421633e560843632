// Key rotation and the start-up key check on real Postgres.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrganisation } from "../../src/config/org.load.ts";
import { OrgRepository } from "../../src/modules/org/org.repository.ts";
import { CryptoKeyError, createCipher, generateKeySpec } from "../../src/privacy/crypto.ts";
import { rotateKeys } from "../../src/privacy/rotate.ts";
import { assertKeysWork, EncryptionKeyCheckError } from "../../src/privacy/startup-check.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { createRichClient, type RichClient } from "../support/privacy-fixtures.ts";

let db: TestDb;
const oldSpec = generateKeySpec("old");
const newSpec = generateKeySpec("new");
const oldCipher = createCipher(oldSpec);
const both = createCipher(`${newSpec},${oldSpec}`);
const clients: RichClient[] = [];

beforeAll(async () => {
  db = await createTestDb("keys");
  const org = await loadOrganisation("orgs/bielefeld.yaml");
  await new OrgRepository(db.prisma).sync(org);
  const [a, b] = org.caseManagers.filter((c) => !c.teamLead);
  for (let i = 0; i < 3; i++)
    clients.push(
      await createRichClient(db.prisma, oldCipher, { cmId: a!.id, otherCmId: b!.id, tag: `rot${i}` }),
    );
  // a leftover plaintext value from before encryption
  await db.prisma.goal.create({ data: { caseId: clients[0]!.caseId, text: "Klartext-Ziel" } });
});
afterAll(async () => db.drop());

const keyIdsIn = async () => {
  const r = await db.sql.query(`
    SELECT split_part(v, '.', 2) AS kid, count(*)::int AS n FROM (
      SELECT "displayName" AS v FROM "Client" UNION ALL SELECT phone FROM "Client"
      UNION ALL SELECT "firstName" FROM "HouseholdMember" UNION ALL SELECT text FROM "Goal"
      UNION ALL SELECT "declineReason" FROM "Assignment" UNION ALL SELECT body FROM "RelayedMessage") x
    WHERE v IS NOT NULL AND v <> '' GROUP BY 1 ORDER BY 1`);
  return Object.fromEntries(r.rows.map((x) => [x.kid, x.n]));
};

describe("start-up key check", () => {
  it("passes with the key that wrote the data, and reports key ids in use", async () => {
    const s = await assertKeysWork(db.prisma, oldCipher);
    expect(s.keyIds.old).toBeGreaterThan(10);
    expect(s.plaintext).toBe(1);
  });

  it("stops with a clear message when the key is missing", async () => {
    const err = await assertKeysWork(db.prisma, createCipher(newSpec)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EncryptionKeyCheckError);
    expect((err as Error).message).toMatch(
      /Client\.displayName: value is encrypted with key old, which is not configured/,
    );
    expect((err as Error).message).not.toContain(clients[0]!.personal.name);
  });

  it("stops when a key of the same id is wrong", async () => {
    const wrong = createCipher(generateKeySpec("old"));
    await expect(assertKeysWork(db.prisma, wrong)).rejects.toThrow(
      /under key old does not decrypt: wrong key/,
    );
  });
});

describe("key rotation", () => {
  it("dry run counts without writing", async () => {
    const r = await rotateKeys(db.prisma, both, { dryRun: true, batchSize: 2 });
    expect(r.columns.reduce((s, c) => s + c.rotated, 0)).toBeGreaterThan(10);
    expect((await keyIdsIn()).new).toBeUndefined();
  });

  it("re-encrypts everything under the current key in batches, idempotently", async () => {
    const before = await keyIdsIn();
    const r = await rotateKeys(db.prisma, both, { batchSize: 2 });
    const rotated = r.columns.reduce((s, c) => s + c.rotated, 0);
    const encrypted = r.columns.reduce((s, c) => s + c.encrypted, 0);
    expect(rotated).toBe(before.old);
    expect(encrypted).toBe(1);
    expect(await keyIdsIn()).toEqual({ new: before.old + 1 });
    const again = await rotateKeys(db.prisma, both, { batchSize: 2 });
    expect(again.columns.reduce((s, c) => s + c.rotated + c.encrypted, 0)).toBe(0);
    expect(again.columns.find((c) => c.column === "Client.displayName")?.current).toBe(3);
    // the old key can go now
    const onlyNew = createCipher(newSpec);
    await assertKeysWork(db.prisma, onlyNew);
    const c = await db.prisma.client.findUniqueOrThrow({ where: { id: clients[1]!.clientId } });
    expect(onlyNew.decrypt(c.displayName!)).toBe(clients[1]!.personal.name);
    const goals = await db.prisma.goal.findMany({ where: { caseId: clients[0]!.caseId } });
    expect(goals.map((g) => onlyNew.decrypt(g.text)).sort()).toEqual(
      [clients[0]!.personal.goal, "Klartext-Ziel"].sort(),
    );
  });

  it("binds every rotated value to its row (v2), including the JSON draft name and reassign reasons", async () => {
    const c = clients[2]!;
    await db.prisma.conversation.update({
      where: { clientId: c.clientId },
      data: {
        draft: { v: 1, draft: { topics: ["housing"], displayNameEnc: oldCipher.encrypt("Entwurf-Rot") } },
      },
    });
    const ev = await db.prisma.caseEvent.create({
      data: {
        caseId: c.caseId,
        kind: "case.reassigned",
        actor: "cm:x",
        data: { fromCmId: "a", toCmId: "b", reasonEnc: oldCipher.encrypt("Grund-Rot") },
      },
    });
    // the start-up check sees the JSON values: without the old key it stops, naming them
    const err = await assertKeysWork(db.prisma, createCipher(newSpec)).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /Conversation\.draft\.draft\.displayNameEnc: value is encrypted with key old/,
    );
    expect((err as Error).message).toMatch(/CaseEvent\.data\.reasonEnc: value is encrypted with key old/);
    const r = await rotateKeys(db.prisma, both, { batchSize: 2 });
    expect(r.columns.find((x) => x.column === "Conversation.draft.draft.displayNameEnc")?.rotated).toBe(1);
    expect(r.columns.find((x) => x.column === "CaseEvent.data.reasonEnc")?.rotated).toBe(1);
    const onlyNew = createCipher(newSpec);
    await assertKeysWork(db.prisma, onlyNew);
    const conv = await db.prisma.conversation.findUniqueOrThrow({ where: { clientId: c.clientId } });
    const enc = (conv.draft as { draft: { displayNameEnc: string; topics: string[] } }).draft;
    expect(enc.topics).toEqual(["housing"]);
    expect(enc.displayNameEnc.startsWith("v2.new.")).toBe(true);
    const where = { table: "Conversation", column: "draft.draft.displayNameEnc", row: c.clientId };
    expect(onlyNew.decrypt(enc.displayNameEnc, where)).toBe("Entwurf-Rot");
    const e2 = await db.prisma.caseEvent.findUniqueOrThrow({ where: { id: ev.id } });
    const reason = (e2.data as { reasonEnc: string }).reasonEnc;
    expect(onlyNew.decrypt(reason, { table: "CaseEvent", column: "data.reasonEnc", row: ev.id })).toBe(
      "Grund-Rot",
    );
    // columns are v2 too, bound to their row: a ciphertext copied to another client is refused
    const [a, b] = await Promise.all(
      [clients[0]!, clients[1]!].map((x) =>
        db.prisma.client.findUniqueOrThrow({ where: { id: x.clientId } }),
      ),
    );
    expect(a!.displayName!.startsWith("v2.new.")).toBe(true);
    expect(() =>
      onlyNew.decrypt(a!.displayName!, { table: "Client", column: "displayName", row: b!.id }),
    ).toThrow(/another row/);
    await db.prisma.client.update({ where: { id: b!.id }, data: { phone: a!.phone } });
    await expect(assertKeysWork(db.prisma, onlyNew, { samplePerColumn: 100 })).rejects.toThrow(
      /Client\.phone: .*belongs to another row/,
    );
    await expect(
      rotateKeys(db.prisma, createCipher(`${generateKeySpec("newer")},${newSpec}`), { dryRun: true }),
    ).rejects.toThrow(/Client\.phone row .*belongs to another row/);
    await db.prisma.client.update({ where: { id: b!.id }, data: { phone: b!.phone } });
  });

  it("refuses to rotate values under a key that is not configured", async () => {
    await db.prisma.goal.create({
      data: { caseId: clients[0]!.caseId, text: createCipher(generateKeySpec("lost")).encrypt("x") },
    });
    await expect(rotateKeys(db.prisma, both)).rejects.toThrow(CryptoKeyError);
    await expect(rotateKeys(db.prisma, both)).rejects.toThrow(
      /Goal\.text row .*: value is encrypted with key lost/,
    );
  });
});
