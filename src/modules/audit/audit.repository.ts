// The audit log: every staff read of personal data and every staff action (who, what, when, which
// case). Rows carry ids and codes only, never personal values. Coordinators query it by actor, case
// and time (`npm run audit -- --case <id>`).
import type { Db, Tx } from "../../db/client.ts";

type Client = Db | Tx;

export interface AuditEntry {
  /** "cm:<id>", "client:<id>", "system", "cli" */
  actor: string;
  /** dotted verb, e.g. "case.phase_changed", "case.read", "client.exported", "client.erased" */
  action: string;
  caseId?: string | null;
  clientId?: string | null;
  /** ids and codes only */
  data?: Record<string, string | number | boolean | null | string[]>;
  at?: Date;
}

export interface AuditQuery {
  actor?: string;
  caseId?: string;
  clientId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit?: number;
}

export interface AuditRow {
  id: bigint;
  at: Date;
  actor: string;
  action: string;
  caseId: string | null;
  clientId: string | null;
  data: unknown;
}

export class AuditRepository {
  constructor(private readonly db: Client) {}

  /** Writes one entry; pass a transaction client to make it part of the change it records. */
  async record(entry: AuditEntry, tx?: Tx): Promise<void> {
    await (tx ?? this.db).auditLog.create({
      data: {
        actor: entry.actor,
        action: entry.action,
        caseId: entry.caseId ?? null,
        clientId: entry.clientId ?? null,
        data: entry.data ?? {},
        ...(entry.at ? { at: entry.at } : {}),
      },
    });
  }

  async query(q: AuditQuery = {}): Promise<AuditRow[]> {
    return this.db.auditLog.findMany({
      where: {
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.caseId ? { caseId: q.caseId } : {}),
        ...(q.clientId ? { clientId: q.clientId } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.from || q.to
          ? { at: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } }
          : {}),
      },
      orderBy: [{ at: "asc" }, { id: "asc" }],
      take: q.limit ?? 1000,
    });
  }
}

/** Only coordinators and team leads may read the audit log. */
export async function mayQueryAudit(db: Client, slackUserId: string): Promise<boolean> {
  const cm = await db.caseManager.findUnique({
    where: { slackUserId },
    select: { coordinator: true, teamLead: true, active: true },
  });
  return !!cm && cm.active && (cm.coordinator || cm.teamLead);
}
