// npm run audit -- [--case <id>] [--actor cm:<id>] [--client <id>] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
// The audit log for coordinators: who read or changed what, when, in which case. Ids and codes only.
import { parseArgs } from "node:util";
import { dbTargetFromEnv } from "../src/config/env.ts";
import { openDb } from "../src/db/client.ts";
import { AuditRepository } from "../src/modules/audit/audit.repository.ts";

const { values } = parseArgs({
  options: {
    case: { type: "string" },
    actor: { type: "string" },
    client: { type: "string" },
    action: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    limit: { type: "string", default: "1000" },
  },
});
const day = (s: string | undefined, plus = 0) =>
  s ? new Date(new Date(`${s}T00:00:00Z`).getTime() + plus * 86_400_000) : undefined;

const db = await openDb(dbTargetFromEnv(process.env));
try {
  const rows = await new AuditRepository(db.prisma).query({
    ...(values.case ? { caseId: values.case } : {}),
    ...(values.actor ? { actor: values.actor } : {}),
    ...(values.client ? { clientId: values.client } : {}),
    ...(values.action ? { action: values.action } : {}),
    ...(values.from ? { from: day(values.from)! } : {}),
    ...(values.to ? { to: day(values.to, 1)! } : {}),
    limit: Number(values.limit),
  });
  for (const r of rows)
    console.log(
      [
        r.at.toISOString(),
        r.actor.padEnd(24),
        r.action.padEnd(22),
        r.caseId ?? "-",
        JSON.stringify(r.data),
      ].join("  "),
    );
  console.log(`${rows.length} entries`);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
} finally {
  await db.close();
}
