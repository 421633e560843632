// The waitlist.refresh job: recompute every waiting client's position and ETA and update the status
// message of those whose standing changed meaningfully (isMeaningfulChange), so a long list does not
// produce a message per client for every case that moves.
import type { MatchingDeps } from "../matching/deps.ts";
import { isMeaningfulChange } from "./eta.ts";
import { estimateParams, etaToString, lastToldEstimate, waitlistSnapshot } from "./waitlist.repository.ts";

export interface RefreshResult {
  waiting: number;
  notified: number;
  failed: number;
}

export class WaitlistRefresher {
  constructor(private readonly deps: Pick<MatchingDeps, "db" | "org" | "clients" | "log" | "now">) {}

  async run(): Promise<RefreshResult> {
    const { db, org, clients, log } = this.deps;
    const now = this.deps.now();
    const snapshot = await waitlistSnapshot(db, org, now);
    const minute = Math.floor(now.getTime() / 60_000);
    let notified = 0;
    let failed = 0;
    for (const row of snapshot.rows) {
      const prev = lastToldEstimate(row.lastNotifiedPosition, row.lastNotifiedEta);
      if (!isMeaningfulChange(prev, row.estimate)) continue;
      const eta = etaToString(row.estimate);
      try {
        await clients.notify(
          row.clientId,
          "waitlist.update",
          { referenceCode: row.referenceCode, ...estimateParams(row) },
          { key: `wl.${row.id}.${row.position}.${eta}.${minute}`, asStatus: true },
        );
        await db.waitlistEntry.update({
          where: { id: row.id },
          data: { lastNotifiedPosition: row.position, lastNotifiedEta: eta },
        });
        notified++;
      } catch (e) {
        failed++;
        log.warn({ entryId: row.id, err: (e as Error).name }, "wait-list update not sent");
      }
    }
    return { waiting: snapshot.rows.length, notified, failed };
  }
}
