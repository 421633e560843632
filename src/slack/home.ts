// Gathers what the App Home shows for one member of staff (through the ports) and builds the view.
import {
  canDecideRebalance,
  canProposeRebalance,
  isLead,
  overviewScope,
  type StaffMember,
} from "../modules/staff/identity.ts";
import type { Block, T } from "./blocks/common.ts";
import { buildHomeView, type HomeView, type LeadHomeData } from "./blocks/home.ts";
import type { SlackPorts } from "./ports.ts";

export async function homeFor(
  member: StaffMember | null,
  ports: Pick<SlackPorts, "queries" | "rebalance" | "appointments" | "casework">,
  now: Date,
  t: T,
  lng: string,
): Promise<HomeView> {
  if (!member?.active) return buildHomeView({ member: null, now, lng, cm: null, lead: null }, t);
  const scope = overviewScope(member);
  const hasTeam = scope === "all" || scope.length > 0;
  const [cm, lead, appointmentBlocks, caseworkBlocks] = await Promise.all([
    ports.queries.cmHome(member.id, now),
    hasTeam
      ? Promise.all([
          ports.queries.loads(scope, now),
          ports.queries.waitlist(now),
          ports.rebalance.current(),
        ]).then(
          ([loads, waitlist, proposal]): LeadHomeData => ({
            loads,
            waitlist,
            proposal,
            canDecide: proposal ? canDecideRebalance(member, proposal.agencyIds) : false,
            canPropose: canProposeRebalance(member),
            supervises: isLead(member),
          }),
        )
      : Promise.resolve(null),
    ports.appointments
      ? ports.appointments.homeBlocks(member.id, lng === "en" ? "en" : "de", now)
      : Promise.resolve(null),
    ports.casework
      ? ports.casework.homeBlocks(member.id, lng === "en" ? "en" : "de", now)
      : Promise.resolve(null),
  ]);
  return buildHomeView(
    {
      member,
      now,
      lng,
      cm,
      lead,
      appointmentBlocks: appointmentBlocks as Block[] | null,
      caseworkBlocks: caseworkBlocks as Block[] | null,
    },
    t,
  );
}
