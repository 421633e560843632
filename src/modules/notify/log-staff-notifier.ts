// Until the Slack feature delivers assignment cards, staff notifications are logged (ids only).
import type { Logger } from "../../lib/logger.ts";
import type { StaffNotifier } from "./notifier.ts";

export class LogStaffNotifier implements StaffNotifier {
  constructor(private readonly log: Logger) {}

  async assignmentOffered(assignmentId: string): Promise<void> {
    this.log.info({ assignmentId }, "assignment offered (no Slack delivery wired)");
  }

  async assignmentChanged(assignmentId: string): Promise<void> {
    this.log.info({ assignmentId }, "assignment changed (no Slack delivery wired)");
  }
}

/** Records calls in memory; for tests. */
export class RecordingStaffNotifier implements StaffNotifier {
  readonly offered: string[] = [];
  readonly changed: string[] = [];

  async assignmentOffered(assignmentId: string): Promise<void> {
    this.offered.push(assignmentId);
  }

  async assignmentChanged(assignmentId: string): Promise<void> {
    this.changed.push(assignmentId);
  }
}
