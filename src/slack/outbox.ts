// Everything Slack-bound is a "slack.deliver" job with ids only; the worker (deliver.ts) builds the
// message from the database when it runs. These classes are the enqueuing side.
import type { StaffNotifier } from "../modules/notify/notifier.ts";
import type { Jobs } from "../queue/jobs.ts";
import type { Producer } from "../queue/registry.ts";
import type { SlackOutbox } from "./ports.ts";

type Sink = Pick<Producer<Jobs>, "enqueue">;

/**
 * The StaffNotifier of the dispatcher services: an offer becomes an assignment card in the case
 * manager's DM, a change (accepted, declined, expired, revoked, moved) updates that card in place.
 * Both render the assignment's current state, so a duplicate or late job is harmless; posting happens
 * only while no slackTs is stored (see deliver.ts), so a card is never posted twice.
 */
export class SlackStaffNotifier implements StaffNotifier {
  constructor(
    private readonly jobs: Sink,
    private readonly clock: () => number = Date.now,
  ) {}

  async assignmentOffered(assignmentId: string): Promise<void> {
    await this.jobs.enqueue("slack.deliver", {
      kind: "assignment_card",
      refId: assignmentId,
      key: `card.${assignmentId}`,
    });
  }

  async assignmentChanged(assignmentId: string): Promise<void> {
    // one job per change: completed jobs keep their id for a day, so a fixed key would swallow updates
    await this.jobs.enqueue("slack.deliver", {
      kind: "assignment_update",
      refId: assignmentId,
      key: `upd.${assignmentId}.${this.clock()}`,
    });
  }
}

export class QueueSlackOutbox implements SlackOutbox {
  constructor(
    private readonly jobs: Sink,
    private readonly clock: () => number = Date.now,
  ) {}

  async refreshHome(slackUserId: string): Promise<void> {
    await this.jobs.enqueue("slack.deliver", {
      kind: "home",
      refId: slackUserId,
      key: `home.${slackUserId}.${this.clock()}`,
    });
  }

  async deliverHeld(caseId: string): Promise<void> {
    await this.jobs.enqueue("slack.deliver", {
      kind: "thread_held",
      refId: caseId,
      key: `held.${caseId}.${this.clock()}`,
    });
  }
}

/**
 * The Slack half of the message relay, for the Telegram feature: after storing a client's message as
 * a RelayedMessage (direction client_to_staff, body encrypted), call relayClientMessage. The worker
 * posts it into the case's thread when the client consented to slack_relay; otherwise the thread
 * only says that a message arrived which cannot be shown. While the case has no thread of its case
 * manager yet (e.g. just reassigned) the message stays held, stored, and goes out in order later.
 */
export class SlackRelay {
  constructor(private readonly jobs: Sink) {}

  /** `_caseId` is not needed: the worker reads the case from the stored message */
  async relayClientMessage(_caseId: string, relayedMessageId: string): Promise<void> {
    await this.jobs.enqueue("slack.deliver", {
      kind: "thread_message",
      refId: relayedMessageId,
      key: `relay.${relayedMessageId}`,
    });
  }
}
