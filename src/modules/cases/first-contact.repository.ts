// Where the slack.deliver worker posts the messages of a client whose case has no case manager's thread
// yet: the first-contact channel of the case's region, while the case still waits (the one rule of
// first-contact.ts, read again when the job runs: a case accepted meanwhile goes to its thread
// instead). The post carries the reference code and pseudonym only, never a name.
import type { Db } from "../../db/client.ts";
import { routeClientMessage } from "./first-contact.ts";

export interface FirstContactTarget {
  channel: string;
  /** a top-level post: the channel is the team's, not one case's thread */
  ts?: undefined;
  lng: "de";
  pseudonym: string;
}

export class FirstContactRepository {
  constructor(private readonly db: Db) {}

  async targetOf(
    caseId: string,
    regions: readonly { id: string; firstContactChannel?: string | undefined }[],
  ): Promise<FirstContactTarget | null> {
    const k = await this.db.case.findUnique({
      where: { id: caseId },
      select: { phase: true, cmId: true, regionId: true, client: { select: { pseudonym: true } } },
    });
    if (!k) return null;
    const route = routeClientMessage(k, regions);
    return route.to === "first_contact"
      ? { channel: route.channel, lng: "de", pseudonym: k.client.pseudonym }
      : null;
  }
}
