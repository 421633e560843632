// The daily monitoring run (job "cases.monitor"): one digest per member of staff who has something
// due, overdue, silent or to chase (delivered by the Slack feature through the DigestOutbox port, ids
// only), and the one friendly check-in to clients whose case went silent. Idempotent per day: the
// digest key holds the day and the staff id, the check-in key the case and the day the silence
// began, so a retried or doubled run sends nothing twice.
import type { ClientNotifier } from "../notify/notifier.ts";
import type { MonitoringRepository, MonitoringSnapshot } from "./monitoring.repository.ts";
import {
  type Digest,
  dayKey,
  lastTouch,
  type MonitorRules,
  planDigests,
  shouldCheckIn,
} from "./monitoring.ts";

/** The client's check-in in their language (locales/<lng>/casework.json). */
export const CHECKIN_TEMPLATE = "casework:checkin";

export interface DigestOutbox {
  /** deliver the digest of `staffId` for `day` (YYYY-MM-DD); the deliverer re-reads it */
  digest(staffId: string, day: string): Promise<void>;
}

export interface MonitoringDeps {
  repo: MonitoringRepository;
  rules: MonitorRules;
  timeZone: string;
  clients: ClientNotifier;
  outbox: DigestOutbox;
  now: () => Date;
}

export interface DigestView {
  digest: Digest;
  /** staff names by id, for the deputy's and the team's sections */
  names: Map<string, string>;
  slackUserId: string;
}

export class MonitoringService {
  constructor(private readonly d: MonitoringDeps) {}

  private plan(s: MonitoringSnapshot, now: Date): Digest[] {
    return planDigests({ ...s, now, timeZone: this.d.timeZone, rules: this.d.rules });
  }

  async run(): Promise<{ day: string; digests: number; checkIns: number }> {
    const now = this.d.now();
    const day = dayKey(now, this.d.timeZone);
    const snap = await this.d.repo.snapshot(now);
    const digests = this.plan(snap, now);
    for (const g of digests) await this.d.outbox.digest(g.recipientId, day);
    let checkIns = 0;
    for (const c of snap.cases) {
      if (!shouldCheckIn(c, now, this.d.rules)) continue;
      const since = lastTouch(c);
      // enqueue first (deterministic key), then mark: a crash between the two re-enqueues the same key
      await this.d.clients.notify(
        c.clientId,
        CHECKIN_TEMPLATE,
        {},
        { key: `checkin.${c.id}.${since.getTime()}` },
      );
      await this.d.repo.markCheckedIn(c.id, now);
      checkIns++;
    }
    return { day, digests: digests.length, checkIns };
  }

  /** The digest of one member of staff as of now, or null when there is nothing (any more) to say. */
  async digestOf(staffId: string): Promise<DigestView | null> {
    const now = this.d.now();
    const snap = await this.d.repo.snapshot(now, staffId);
    const digest = this.plan(snap, now).find((g) => g.recipientId === staffId);
    const me = snap.staff.find((s) => s.id === staffId);
    if (!digest || !me) return null;
    return { digest, names: new Map(snap.staff.map((s) => [s.id, s.name])), slackUserId: me.slackUserId };
  }
}
