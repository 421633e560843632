// Who wrote a staff message relayed to a client, for the text that introduces a deputy to the client
// ("<first name> (<agency>) is standing in for your case manager"). Read when the message is sent, so
// the job carries ids only.
import type { Db } from "../../db/client.ts";
import { UUID } from "../kernel/ids.ts";

export class StandInRepository {
  constructor(private readonly db: Db) {}

  /** Full name and agency of the member of staff who wrote this staff → client message. */
  async authorOf(relayedMessageId: string): Promise<{ name: string; agencyName: string } | null> {
    if (!UUID.test(relayedMessageId)) return null;
    const m = await this.db.relayedMessage.findUnique({
      where: { id: relayedMessageId },
      select: { author: true, direction: true },
    });
    const cmId = m?.direction === "staff_to_client" ? /^cm:(.+)$/.exec(m.author)?.[1] : undefined;
    if (!cmId) return null;
    const cm = await this.db.caseManager.findUnique({
      where: { id: cmId },
      select: { name: true, agency: { select: { name: true } } },
    });
    return cm ? { name: cm.name, agencyName: cm.agency.name } : null;
  }
}
