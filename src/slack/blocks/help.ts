// The /kim help text, tailored to what the person may do.
import { canProposeRebalance, hasOverview, isLead, type StaffMember } from "../../modules/staff/identity.ts";
import type { T } from "./common.ts";

export const KIM_SUBCOMMANDS = [
  "help",
  "status",
  "waitlist",
  "caseload",
  "absence",
  "deputy",
  "capacity",
  "rebalance",
  "report",
  "triage",
] as const;
export type KimSubcommand = (typeof KIM_SUBCOMMANDS)[number];

export function helpText(member: StaffMember, t: T): string {
  const lines = [`*${t("kim.help.title")}*`];
  const add = (cmd: KimSubcommand, extra?: string) =>
    lines.push(`• \`/kim ${cmd}${extra ?? ""}\` – ${t(`kim.help.${cmd}`)}`);
  add("status");
  add("waitlist");
  add("caseload");
  add("absence");
  lines.push(`• \`/kim deputy <@…> <@…|none>\` – ${t("deputy.help")}`);
  if (isLead(member)) add("capacity", " <id|@user> <n|auto>");
  if (canProposeRebalance(member)) add("rebalance");
  if (hasOverview(member)) add("report");
  if (member.teamLead || member.coordinator) add("triage", " <BI-…>");
  add("help");
  lines.push("", t("kim.help.footer"));
  return lines.join("\n");
}
